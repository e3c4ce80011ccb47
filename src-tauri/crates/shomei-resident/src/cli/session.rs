//! What a subcommand runs against: the engine on the demo or on the bank
//! profile, and a tokio runtime that lives as long as the command.

use shomei_engine::demo::{self, Demo};
use shomei_engine::{words, Banks};

use super::{exit, Lang};
use crate::options::Options;

/// Fields drop in order: the engine, then the demo's EST server, then the runtime.
pub struct Session {
    /// Every bank's engine (one on the demo or with `--profile FILE`).
    pub engine: Banks,
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
            eprintln!("shomei: {}", exit::message(&e.view(), lang));
            return Err(exit::for_error(e.code()));
        }
    }
    crate::log_to(&crate::banks::data_dir(demo_dir.as_deref()));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| {
            eprintln!("shomei: cannot start the async runtime: {e}");
            exit::FAILURE
        })?;
    let Some(dir) = demo_dir else {
        let catalog = crate::banks::catalog(options.profile.as_deref());
        if catalog.banks.is_empty() {
            let single = options.profile.is_some();
            for problem in super::profiles::problems(&catalog.profiles, lang) {
                eprintln!("shomei: {problem}");
            }
            // Nothing to serve and nothing to show: say where profiles go.
            if catalog.profiles.is_empty() || single {
                eprintln!("shomei: {}", crate::banks::none_found(lang));
                return Err(exit::PROFILE);
            }
        }
        return Ok(Session {
            engine: journaled(crate::banks::open(catalog, None))?,
            _demo: None,
            runtime,
        });
    };
    match runtime.block_on(demo::start(&dir)) {
        Ok(d) => {
            eprintln!(
                "shomei: {}",
                words::text(
                    lang,
                    "cli.demo",
                    &[
                        ("dir", &dir.display().to_string()),
                        ("url", &d.server.base_url()),
                        ("pin", demo::DEMO_PIN),
                    ],
                )
            );
            Ok(Session {
                engine: journaled(crate::banks::demo(&d, &dir))?,
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

/// A journal that cannot be opened stops the command (a renewal must never run
/// unjournaled).
fn journaled(banks: Result<Banks, shomei_engine::EngineError>) -> Result<Banks, i32> {
    banks.map_err(|e| {
        eprintln!("shomei: {e}");
        exit::FAILURE
    })
}
