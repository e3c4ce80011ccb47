//! settings.toml on arbitrary text: `shomei_engine::settings::parse` (TOML, unknown
//! fields refused, the reminder days checked). What it accepts is written back by
//! `to_text` and read again unchanged (what `save` then `load` do).
#![no_main]

use libfuzzer_sys::fuzz_target;
use shomei_engine::settings;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(parsed) = settings::parse(text) {
        let written = settings::to_text(&parsed).expect("checked settings serialize");
        let again = settings::parse(&written).expect("what we write, we read");
        assert_eq!(again, parsed);
    }
});
