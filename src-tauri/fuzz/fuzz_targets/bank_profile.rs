//! The bank profile loader on arbitrary text: `shomei_engine::BankProfile::parse`, the
//! in-memory part of `BankProfile::load` (TOML, schema, values, every issue with its
//! line and column in ja/en; the pinned CA files are read only by `load`).
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use shomei_engine::BankProfile;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match BankProfile::parse(text, Path::new("/etc/shomei/bank.toml")) {
        Ok(profile) => {
            let _ = profile.module_path();
            if let Some(token) = &profile.token {
                let _ = token.selector();
            }
        }
        Err(issues) => {
            assert!(!issues.is_empty(), "an invalid profile must say why");
            for issue in &issues {
                assert!(issue.line >= 1 && issue.column >= 1, "{issue:?}");
                let _ = issue.to_string();
            }
        }
    }
});
