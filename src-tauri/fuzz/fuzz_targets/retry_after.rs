//! The `Retry-After` header of a 202 (pending) answer: delay-seconds or an HTTP-date,
//! read against a few "now"s (the epoch, a date in 2026, one near the HTTP-date limit).
#![no_main]

use std::time::{Duration, UNIX_EPOCH};

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = std::str::from_utf8(data) else {
        return;
    };
    let nows = [
        UNIX_EPOCH,
        UNIX_EPOCH + Duration::from_secs(1_795_521_600), // Tue, 24 Nov 2026 12:00:00 GMT
        UNIX_EPOCH + Duration::from_secs(253_402_300_799), // Fri, 31 Dec 9999 23:59:59 GMT
    ];
    for now in nows {
        let wait = shomei_est::retry_after::parse(value, now);
        // delay-seconds must come back exactly.
        if let Ok(secs) = value.trim().parse::<u64>() {
            assert_eq!(wait, Some(Duration::from_secs(secs)));
        }
    }
});
