//! `Retry-After` (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. EST servers
//! use both for "pending" answers.

use std::time::{Duration, SystemTime};

/// The wait a Retry-After value asks for, from `now`; `None` if unreadable.
/// A date in the past means "now".
pub fn parse(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_and_dates() {
        let now = httpdate::parse_http_date("Tue, 24 Nov 2026 12:00:00 GMT").unwrap();
        assert_eq!(parse("120", now), Some(Duration::from_secs(120)));
        assert_eq!(
            parse("Tue, 24 Nov 2026 12:05:00 GMT", now),
            Some(Duration::from_secs(300))
        );
        assert_eq!(
            parse("Tue, 24 Nov 2026 11:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse("soon", now), None);
        assert_eq!(parse("-5", now), None);
    }
}
