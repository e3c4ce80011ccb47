//! The Tauri shell: options, the window, and the IPC commands wired to the
//! engine. Nothing here knows about tokens, EST or the bank's rules; that is
//! `shomei-engine` and below, which build and test without a window.

mod cli;
mod commands;
mod options;

use std::path::PathBuf;
use std::sync::Arc;

use shomei_engine::demo::{self, Demo};
use shomei_engine::model::AppInfo;
use shomei_engine::{BankProfile, Engine};

use commands::AppState;

/// Runs the app; returns the process exit code.
pub fn run() -> i32 {
    init_logging();
    let options = match options::parse(std::env::args().skip(1)) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("shomei: {e}\n\n{}", options::USAGE);
            return 2;
        }
    };
    // The IT-staff command line: no window is ever created for a subcommand.
    if options.help || !options.command.is_empty() {
        return cli::run(options);
    }
    // The demo must start before anything else loads SoftHSM, and its test CA
    // must run on the runtime that lives as long as the app: Tauri's.
    let started = if options.demo {
        let dir = match options
            .demo_dir
            .clone()
            .map_or_else(demo::fresh_directory, Ok)
        {
            Ok(dir) => dir,
            Err(e) => {
                eprintln!("shomei: demo: {e}");
                return 1;
            }
        };
        // SoftHSM's configuration is an environment variable: set it (and load the
        // module) now, while this is the only thread, before any runtime starts.
        if let Err(e) = demo::prepare_token_directory(&dir) {
            eprintln!("shomei: demo: {e}");
            return 1;
        }
        tauri::async_runtime::block_on(demo::start(&dir)).map(|d| {
            eprintln!(
                "shomei: demo in {} (EST test CA at {}, PIN {})",
                dir.display(),
                d.server.base_url(),
                demo::DEMO_PIN
            );
            (d.profile.clone(), d.pinned_roots.clone(), Some(d))
        })
    } else {
        let path = options.profile.clone().unwrap_or_else(default_profile_path);
        BankProfile::load(&path)
            .map(|(profile, roots)| (profile, roots, None))
            .map_err(|e| shomei_engine::EngineError::Internal(format!("bank profile: {e}")))
    };
    let started = started.and_then(|(profile, roots, demo)| {
        let journal = journal_dir(demo.as_ref().map(|d| d.dir.as_path()));
        Ok((engine(profile, roots, &journal)?, demo))
    });
    let (engine, demo) = match started {
        Ok(s) => s,
        Err(e) => {
            eprintln!("shomei: {e}\n(run with --demo to try Shomei on its embedded demo bank)");
            return 1;
        }
    };
    let info = AppInfo {
        bank_name: engine.profile().name.clone(),
        demo: demo.is_some(),
        demo_pin: demo.as_ref().map(|_| demo::DEMO_PIN.to_owned()),
        usb_offered: engine.profile().token.is_some(),
        locale: "ja".into(),
    };
    let result = tauri::Builder::default()
        .manage(AppState {
            engine: Arc::new(engine),
            info,
        })
        .manage(DemoGuard(demo))
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::list_identities,
            commands::start_renewal,
            commands::install_renewal,
            commands::cancel_renewal,
            commands::discard_renewal,
        ])
        .run(tauri::generate_context!());
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("shomei: {e}");
            1
        }
    }
}

/// Keeps the demo's EST server alive as long as the app.
struct DemoGuard(#[allow(dead_code)] Option<Demo>);

/// Per-user location of the deployed bank profile.
/// Where unfinished renewals are journaled: the demo's own directory, or the
/// user's local data directory (never roaming: a record names local keys).
pub(crate) fn journal_dir(demo_dir: Option<&std::path::Path>) -> PathBuf {
    match demo_dir {
        Some(dir) => dir.join("journal"),
        None => dirs::data_local_dir()
            .unwrap_or_else(|| PathBuf::from("."))
            .join("shomei")
            .join("journal"),
    }
}

/// The engine every front end uses: always with its journal on disk, so a
/// renewal cut short is carried on by the next start.
pub(crate) fn engine(
    profile: BankProfile,
    roots: Vec<rustls_pki_types::CertificateDer<'static>>,
    journal_dir: &std::path::Path,
) -> Result<Engine, shomei_engine::EngineError> {
    Ok(Engine::new(profile, roots).with_journal(shomei_engine::Journal::open(journal_dir)?))
}

fn default_profile_path() -> PathBuf {
    dirs::config_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join("shomei")
        .join("bank.toml")
}

fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("SHOMEI_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
