//! The Tauri shell: options, the window, and the IPC commands wired to the
//! engine. Nothing here knows about tokens, EST or the bank's rules; that is
//! `shomei-engine` and below, which build and test without a window.

mod autostart;
mod banks;
mod cli;
mod commands;
mod lifecycle;
mod notify;
mod options;
mod oslog;
mod reminder_loop;
mod setup;
mod state;
mod tray;

use shomei_engine::demo::{self, Demo};
use shomei_engine::model::ProfileState;
use shomei_engine::words;

use state::{AppState, Source};
use tauri::Manager;

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
    let mut data_dir = banks::data_dir(None);
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
        data_dir = dir.clone();
        tauri::async_runtime::block_on(demo::start(&dir)).and_then(|d| {
            eprintln!(
                "shomei: demo in {} (EST test CA at {}, PIN {})",
                dir.display(),
                d.server.base_url(),
                demo::DEMO_PIN
            );
            Ok((banks::demo(&d, &dir)?, Some(d)))
        })
    } else {
        let catalog = banks::catalog(options.profile.as_deref());
        // With no bank profile the window opens on the welcome screen, which adds
        // one or starts the demo; stderr says the same for whoever started us there.
        for p in catalog
            .profiles
            .iter()
            .filter(|p| p.state != ProfileState::Loaded)
        {
            for i in &p.issues {
                eprintln!(
                    "shomei: {}:{}:{} {} / {}",
                    p.path, i.line, i.column, i.ja, i.en
                );
            }
        }
        if catalog.banks.is_empty() {
            eprintln!("shomei: {}", banks::none_found(words::os_locale()));
        }
        banks::open(catalog, None).map(|b| (b, None))
    };
    let (engine, demo) = match started {
        Ok(s) => s,
        Err(e) => {
            eprintln!("shomei: {e}\n(run with --demo to try Shomei on its embedded demo bank)");
            return 1;
        }
    };
    let source = if demo.is_some() || options.profile.is_some() {
        Source::Fixed
    } else {
        Source::Places
    };
    let demo_pin = demo.as_ref().map(|_| demo::DEMO_PIN.to_owned());
    // The login entry is the user's: the demo and `--profile FILE` leave it alone.
    let follows_settings = matches!(source, Source::Places);
    let instance = instance_id(demo.as_ref().map(|d| d.dir.as_path()));
    let start_in_tray = options.tray;
    let open = options.open.clone();
    let app = tauri::Builder::default()
        // First: a second launch must hand over its arguments before anything else starts.
        .plugin(
            tauri_plugin_single_instance::Builder::new()
                .dbus_id(instance)
                .callback(|app, argv, _cwd| lifecycle::on_second_instance(app, argv))
                .build(),
        )
        .plugin(tauri_plugin_dialog::init())
        .plugin(autostart::plugin())
        .manage(AppState::new(engine, source, demo_pin))
        .manage(DemoGuard(demo))
        .manage(lifecycle::OpenRequest::default())
        .setup(move |app| {
            let handle = app.handle();
            reminder_loop::start(handle.clone(), data_dir);
            if follows_settings {
                let wanted = handle.state::<AppState>().settings().autostart;
                if let Err(e) = autostart::apply(handle, wanted) {
                    tracing::warn!("start at login: {e}");
                }
            }
            tray::create(handle)?;
            match open {
                Some(fp) => lifecycle::open_renewal(handle, fp),
                None if !start_in_tray => lifecycle::show_window(handle),
                None => tracing::info!("started in the tray"),
            }
            lifecycle::check_now(handle);
            lifecycle::start_timer(handle);
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            setup::app_info,
            setup::reload_profiles,
            setup::pick_profile_file,
            setup::add_profile,
            setup::remove_profile,
            setup::get_settings,
            setup::save_settings,
            setup::start_demo,
            commands::list_identities,
            commands::precheck_renewal,
            commands::start_renewal,
            commands::install_renewal,
            commands::cancel_renewal,
            commands::discard_renewal,
            lifecycle::take_open_request,
            lifecycle::ui_shown,
        ])
        .build(tauri::generate_context!());
    match app {
        Ok(app) => {
            app.run(lifecycle::on_run_event);
            0
        }
        Err(e) => {
            eprintln!("shomei: {e}");
            1
        }
    }
}

/// Who counts as "the same Shomei" for one instance: the same user configuration
/// (or, for the demo, the same demo directory, so `--demo-dir D --open FP` reaches the
/// demo on D, and 「デモを試す」's fresh demo never hands itself to the app it replaces).
/// On Linux this names the D-Bus service (`jp.shomei.desktop.i<hash>.SingleInstance`);
/// Windows and macOS use the app's identifier, one instance per user session.
fn instance_id(demo_dir: Option<&std::path::Path>) -> String {
    use std::hash::{Hash, Hasher};
    let scope = demo_dir
        .map(std::path::Path::to_path_buf)
        .or_else(banks::config_dir);
    // SipHash with fixed keys: the same binary gives the same name in both launches.
    let mut hasher = std::hash::DefaultHasher::new();
    scope.hash(&mut hasher);
    format!("jp.shomei.desktop.i{:016x}", hasher.finish())
}

/// Keeps the demo's EST server alive as long as the app.
struct DemoGuard(#[allow(dead_code)] Option<Demo>);

fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("SHOMEI_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
