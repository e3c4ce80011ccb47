//! What a subcommand runs against: the engine on the demo or on the bank
//! profile, and a tokio runtime that lives as long as the command.

use shomei_engine::demo::{self, Demo};
use shomei_engine::profile::ProfileError;
use shomei_engine::{BankProfile, Engine};

use super::{exit, Lang};
use crate::options::Options;

/// Fields drop in order: the engine, then the demo's EST server, then the runtime.
pub struct Session {
    pub engine: Engine,
    _demo: Option<Demo>,
    pub runtime: tokio::runtime::Runtime,
}

/// Opens the engine; on failure the message is printed and the exit code returned.
pub fn open(options: &Options, lang: Lang) -> Result<Session, i32> {
    let demo_dir = match (options.demo, &options.demo_dir) {
        (false, _) => None,
        (true, Some(dir)) => Some(dir.clone()),
        (true, None) => match demo::fresh_directory() {
            Ok(dir) => Some(dir),
            Err(e) => {
                eprintln!("shomei: demo: {e}");
                return Err(exit::FAILURE);
            }
        },
    };
    // SoftHSM's configuration is an environment variable: set it while this is
    // still the only thread, before the runtime starts its workers.
    if let Some(dir) = &demo_dir {
        if let Err(e) = demo::prepare_token_directory(dir) {
            eprintln!("shomei: demo: {e}");
            return Err(exit::for_error(e.code()));
        }
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| {
            eprintln!("shomei: cannot start the async runtime: {e}");
            exit::FAILURE
        })?;
    let Some(dir) = demo_dir else {
        let path = options
            .profile
            .clone()
            .unwrap_or_else(crate::default_profile_path);
        return match BankProfile::load(&path) {
            Ok((profile, roots)) => Ok(Session {
                engine: journaled(profile, roots, None)?,
                _demo: None,
                runtime,
            }),
            Err(e) => {
                eprintln!("shomei: {e}");
                if matches!(e, ProfileError::Io { .. }) && options.profile.is_none() {
                    eprintln!(
                        "{}",
                        lang.t(
                            "（--profile FILE で銀行プロファイルを指定するか、--demo で試してください）",
                            "(give the bank profile with --profile FILE, or try --demo)"
                        )
                    );
                }
                Err(exit::PROFILE)
            }
        };
    };
    match runtime.block_on(demo::start(&dir)) {
        Ok(d) => {
            eprintln!(
                "shomei: demo in {} (EST test CA at {}, demo PIN {})",
                dir.display(),
                d.server.base_url(),
                demo::DEMO_PIN
            );
            Ok(Session {
                engine: journaled(d.profile.clone(), d.pinned_roots.clone(), Some(&dir))?,
                _demo: Some(d),
                runtime,
            })
        }
        Err(e) => {
            eprintln!("shomei: demo: {e}");
            Err(exit::for_error(e.code()))
        }
    }
}

/// The engine with its journal on disk; a journal that cannot be opened stops
/// the command (a renewal must never run unjournaled).
fn journaled(
    profile: BankProfile,
    roots: Vec<rustls_pki_types::CertificateDer<'static>>,
    demo_dir: Option<&std::path::Path>,
) -> Result<Engine, i32> {
    crate::engine(profile, roots, &crate::journal_dir(demo_dir)).map_err(|e| {
        eprintln!("shomei: {e}");
        exit::FAILURE
    })
}
