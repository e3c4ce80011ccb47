//! The core of Shomei, without Tauri: bank profiles, the bank's date rules, the
//! renewal engine, the demo, and the types the UI sees.
//!
//! Owns: the order of renewal steps and what each may touch ([`Engine`]).
//! Must never: depend on tauri/wry/webkit, hold a PIN longer than the login step,
//! or remove any identity other than the one a renewal replaced.

mod atomic_file;
pub mod banks;
pub mod clock;
pub mod demo;
pub mod error;
pub mod failures;
pub mod guidance;
pub mod journal;
pub mod logging;
pub mod model;
pub mod network;
mod private_dir;
pub mod profile;
pub mod reminders;
pub mod renewal;
pub mod role;
pub mod rules;
pub mod settings;
pub mod stores;
pub mod tray_state;
pub mod updates;
pub mod views;
pub mod words;

pub use banks::Banks;
pub use clock::{Clock, ManualClock, SystemClock};
pub use error::{EngineError, Result};
pub use journal::Journal;
pub use profile::BankProfile;
pub use renewal::{Engine, PollPolicy, PrecheckSink, ProgressSink, RenewalOptions, Resumed};
pub use stores::StoreSource;

/// This crate's version (the support bundle and `--version` say it).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

#[cfg(test)]
mod bindings {
    //! The committed TypeScript must equal what the Rust types generate.
    //! `SHOMEI_UPDATE_BINDINGS=1 cargo test -p shomei-engine bindings` rewrites it.

    #[test]
    fn bindings_ts_is_up_to_date() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../ui/src/lib/backend/bindings.ts");
        let generated = crate::model::typescript_bindings();
        if std::env::var_os("SHOMEI_UPDATE_BINDINGS").is_some() {
            std::fs::write(&path, &generated).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == generated,
            "{} is out of date: run SHOMEI_UPDATE_BINDINGS=1 cargo test -p shomei-engine bindings\n--- generated ---\n{generated}",
            path.display()
        );
    }
}
