//! The Tauri shell (the `shomei-window` binary): the window and the IPC commands
//! wired to the engine. Nothing here knows about tokens, EST or the bank's rules;
//! that is `shomei-engine` and below, which build and test without a window. The
//! command line, the resident's tray and the reminders are `shomei-resident`
//! (the `shomei` binary, no webview), which starts this binary on demand with
//! `--window-only`. Started without it (Windows and macOS today, or Linux without a
//! session bus), this process also keeps the tray and the reminders.

mod commands;
#[cfg(test)]
mod hardening_tests;
mod lifecycle;
mod prefetch;
mod setup;
mod state;
mod support;
mod tray;
mod updates;
mod validate;

use shomei_resident::{autostart, banks, instance, launcher, options, oslog, reminder_loop};

use shomei_engine::demo::{self, Demo};

use state::{AppState, Source};
use tauri::Manager;

/// Runs the app; returns the process exit code.
pub fn run() -> i32 {
    shomei_resident::init_logging();
    let options = match options::parse(std::env::args().skip(1)) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("shomei-window: {e}\n\n{}", options::USAGE);
            return 2;
        }
    };
    // The IT-staff command line is the resident binary's.
    if options.help || !options.command.is_empty() {
        eprintln!(
            "shomei-window opens the window only; the commands are {}'s:\n\n{}",
            launcher::RESIDENT,
            options::USAGE
        );
        return 2;
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
        banks::report_problems(&catalog);
        banks::open(catalog, None).map(|b| (b, None))
    };
    let (engine, demo) = match started {
        Ok(s) => s,
        Err(e) => {
            eprintln!("shomei: {e}\n(run with --demo to try Shomei on its embedded demo bank)");
            return 1;
        }
    };
    shomei_resident::log_to(&data_dir);
    let source = if demo.is_some() || options.profile.is_some() {
        Source::Fixed
    } else {
        Source::Places
    };
    let demo_pin = demo.as_ref().map(|_| demo::DEMO_PIN.to_owned());
    // The login entry is the user's: the demo and `--profile FILE` leave it alone.
    let follows_settings = matches!(source, Source::Places);
    let instance = instance::id(
        demo.as_ref().map(|d| d.dir.as_path()),
        banks::config_dir().as_deref(),
    );
    // A resident runs the tray, the reminders and the login entry; this process is
    // only the window and ends with it.
    let window_only = options.window_only;
    let start_in_tray = options.tray && !window_only;
    let open = options.open.clone();
    let mut context = context();
    let update_setup = updates::prepare(context.config_mut());
    let updates = updates::Updates::new(update_setup, data_dir.clone(), !window_only);
    let mut builder = tauri::Builder::default()
        // First: a second launch must hand over its arguments before anything else starts.
        .plugin(
            tauri_plugin_single_instance::Builder::new()
                .dbus_id(instance)
                .callback(|app, argv, _cwd| lifecycle::on_second_instance(app, argv))
                .build(),
        )
        .plugin(tauri_plugin_dialog::init());
    // Only a build with an updater configuration (a release) has the plugin.
    if updates.enabled() {
        builder = builder.plugin(updates.plugin());
    }
    let app = builder
        .manage(updates)
        .manage(AppState::new(engine, source, demo_pin).with_data_dir(data_dir.clone()))
        .manage(DemoGuard(demo))
        .manage(lifecycle::OpenRequest::default())
        .manage(lifecycle::Mode { window_only })
        .manage(prefetch::Prefetch::default())
        .setup(move |app| {
            let handle = app.handle();
            #[cfg(debug_assertions)]
            if let Some(what) = updates::test_hook() {
                updates::run_test_hook(handle, what);
                return Ok(());
            }
            updates::start_timer(handle);
            if !start_in_tray {
                // The window's first list, read while the webview starts.
                let banks = handle.state::<AppState>().banks();
                handle.state::<prefetch::Prefetch>().start(banks);
            }
            if !window_only {
                start_resident_part(handle, data_dir, follows_settings)?;
            }
            match open {
                Some(fp) => lifecycle::open_renewal(handle, fp),
                None if !start_in_tray => lifecycle::show_window(handle),
                None => tracing::info!("started in the tray"),
            }
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
            support::save_support_bundle,
            commands::list_identities,
            commands::precheck_renewal,
            commands::start_renewal,
            commands::install_renewal,
            commands::cancel_renewal,
            commands::discard_renewal,
            lifecycle::take_open_request,
            lifecycle::ui_shown,
            updates::update_status,
            updates::apply_update,
            updates::restart_after_update,
        ])
        .build(context);
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

/// tauri.conf.json's context; a debug build takes its own identifier (the webview's
/// data, the macOS bundle's) as it takes its own directories ([`banks::DIR_NAME`]).
fn context() -> tauri::Context<tauri::Wry> {
    let mut context = tauri::generate_context!();
    if cfg!(debug_assertions) {
        let config = context.config_mut();
        config.identifier = format!("{}.dev", config.identifier);
    }
    context
}

/// Without a resident: this process also keeps the tray, the reminder loop, the
/// periodic look at the stores and the login entry.
fn start_resident_part(
    handle: &tauri::AppHandle,
    data_dir: std::path::PathBuf,
    follows_settings: bool,
) -> tauri::Result<()> {
    let state = handle.clone();
    let clicks = handle.clone();
    reminder_loop::start(
        data_dir,
        Box::new(move || {
            let app = state.state::<AppState>();
            (app.banks(), app.settings())
        }),
        std::sync::Arc::new(move |fp: Option<String>| match fp {
            Some(fp) => lifecycle::open_renewal(&clicks, fp),
            None => lifecycle::show_window(&clicks),
        }),
        Box::new(|| {}),
    );
    if follows_settings {
        let wanted = handle.state::<AppState>().settings().autostart;
        if let Err(e) = autostart::apply(&launcher::resident(), wanted) {
            tracing::warn!("start at login: {e}");
        }
    }
    tray::create(handle)?;
    lifecycle::check_now(handle);
    lifecycle::start_timer(handle);
    Ok(())
}

/// Keeps the demo's EST server alive as long as the app.
struct DemoGuard(#[allow(dead_code)] Option<Demo>);
