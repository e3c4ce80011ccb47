//! The OS log: each reminder, renewal and failure also goes where a company's
//! monitoring already looks, as one line `shomei: <event> <json>`.
//!
//! - Linux and other Unix: syslog(3) (`LOG_USER`, ident `shomei`), which journald
//!   takes in (`journalctl -t shomei`). On macOS syslog(3) is routed into the
//!   unified log (`log show --predicate 'process == "shomei"'`).
//! - Windows: the Application event log through `ReportEventW`, source `Shomei`
//!   (without an installer-registered message file, Event Viewer prefixes the
//!   text with "the description cannot be found"; the text itself is there).
//!
//! Owns: writing one line. Must never: write a secret (callers pass notices and
//! outcomes, which hold none), or fail the caller (errors are traced and dropped).

#[cfg(unix)]
mod unix;
#[cfg(windows)]
mod windows;

/// How serious an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// A reminder, a renewal done.
    Notice,
    /// A failure the user must see to.
    Warning,
}

/// Writes `shomei: {event} {json}` to the OS log, and the same line to our own log
/// (its files, so the helpdesk sees reminders, renewals and failures there too).
pub fn write(level: Level, event: &str, json: &str) {
    let line = format!("{event} {json}");
    tracing::info!(?level, %line, "OS log");
    #[cfg(unix)]
    unix::write(level, &line);
    #[cfg(windows)]
    windows::write(level, &line);
}

/// Writes `value` serialized as JSON (a serialization error is written instead).
pub fn write_json(level: Level, event: &str, value: &impl serde::Serialize) {
    let json = serde_json::to_string(value)
        .unwrap_or_else(|e| format!("{{\"unserializable\":{:?}}}", e.to_string()));
    write(level, event, &json);
}
