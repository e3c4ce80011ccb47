//! syslog(3): journald on Linux, the unified log on macOS.

use std::ffi::CString;
use std::sync::Once;

use super::Level;

static OPEN: Once = Once::new();

pub fn write(level: Level, line: &str) {
    OPEN.call_once(|| {
        // openlog keeps the pointer: the ident must live for the whole process.
        static IDENT: &std::ffi::CStr = c"shomei";
        // SAFETY: IDENT is a 'static NUL-terminated string.
        unsafe { libc::openlog(IDENT.as_ptr(), libc::LOG_PID, libc::LOG_USER) };
    });
    let priority = match level {
        Level::Notice => libc::LOG_NOTICE,
        Level::Warning => libc::LOG_WARNING,
    };
    // A NUL inside would cut the line; JSON escapes none, but be safe.
    let Ok(text) = CString::new(line.replace('\0', " ")) else {
        return;
    };
    // SAFETY: a constant "%s" format with one NUL-terminated string argument.
    unsafe { libc::syslog(priority | libc::LOG_USER, c"%s".as_ptr(), text.as_ptr()) };
}
