//! The Windows Application event log (`ReportEventW`, source "Shomei").

use std::sync::OnceLock;

use windows_sys::Win32::Foundation::HANDLE;
use windows_sys::Win32::System::EventLog::{
    RegisterEventSourceW, ReportEventW, EVENTLOG_INFORMATION_TYPE, EVENTLOG_WARNING_TYPE,
};

use super::Level;

fn wide(s: &str) -> Vec<u16> {
    s.encode_utf16().chain(std::iter::once(0)).collect()
}

/// The event source, registered once (0 when the OS refused: then nothing is written).
fn source() -> usize {
    static SOURCE: OnceLock<usize> = OnceLock::new();
    *SOURCE.get_or_init(|| {
        let name = wide("Shomei");
        // SAFETY: a NUL-terminated UTF-16 name; NULL server = this machine.
        let handle = unsafe { RegisterEventSourceW(std::ptr::null(), name.as_ptr()) };
        handle as usize
    })
}

pub fn write(level: Level, line: &str) {
    let handle = source();
    if handle == 0 {
        tracing::warn!("the Windows event log refused the event source");
        return;
    }
    let kind = match level {
        Level::Notice => EVENTLOG_INFORMATION_TYPE,
        Level::Warning => EVENTLOG_WARNING_TYPE,
    };
    let text = wide(line);
    let strings = [text.as_ptr()];
    // SAFETY: a valid event source handle and one NUL-terminated UTF-16 string.
    let ok = unsafe {
        ReportEventW(
            handle as HANDLE,
            kind,
            0,
            1,
            std::ptr::null_mut(),
            1,
            0,
            strings.as_ptr(),
            std::ptr::null(),
        )
    };
    if ok == 0 {
        tracing::warn!("could not write to the Windows event log");
    }
}
