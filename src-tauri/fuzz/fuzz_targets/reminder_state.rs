//! reminders.json on arbitrary bytes: `shomei_engine::reminders::state::parse` (a
//! corrupt file or another format is refused, never a panic). What it accepts is
//! written back by `to_bytes` and read again unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shomei_engine::reminders::state;

fuzz_target!(|data: &[u8]| {
    if let Ok(parsed) = state::parse(data) {
        let written = state::to_bytes(&parsed).expect("a state serializes");
        let again = state::parse(&written).expect("what we write, we read");
        assert_eq!(again, parsed);
    }
});
