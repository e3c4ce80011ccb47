//! What the command line prints for scripts and people goes through here: a
//! reader that went away (`shomei status | head -n 3`) ends the output quietly
//! instead of a panic ("failed printing to stdout: Broken pipe", exit 101).

use std::io::Write;

use super::exit;

/// Write `text` to stdout. A closed pipe is the reader's choice, not a failure;
/// any other write error is said on stderr and is the command's exit code.
pub fn print(text: &str) -> Result<(), i32> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => {
            eprintln!("shomei: stdout: {e}");
            Err(exit::FAILURE)
        }
    }
}
