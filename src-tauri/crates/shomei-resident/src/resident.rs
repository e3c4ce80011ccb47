//! `shomei` with no subcommand: the resident.
//!
//! On Linux it claims `<id>.Resident` on the session bus (one per user, per demo
//! directory), puts its StatusNotifierItem in the tray, runs the reminder loop and
//! starts the window process on demand (`shomei-window --window-only`, which exits
//! when its window closes). A second `shomei` finds the name taken and only starts
//! the window (which hands itself to a window already open). 終了 ends the
//! resident; a window still open stays until it is closed (it may hold a renewal).
//!
//! Elsewhere (and on Linux without a session bus) the window binary is still the
//! tray process: `shomei` starts it with its own arguments and exits.

use crate::launcher;
#[cfg(target_os = "linux")]
use crate::launcher::Scope;
use crate::options::Options;

pub fn run(options: Options) -> i32 {
    #[cfg(target_os = "linux")]
    {
        linux::run(options)
    }
    #[cfg(not(target_os = "linux"))]
    {
        hand_over(&options)
    }
}

/// Starts the window binary as the whole app (tray included) with our arguments.
fn hand_over(options: &Options) -> i32 {
    let exe = launcher::sibling(launcher::WINDOW);
    let mut command = std::process::Command::new(&exe);
    command.args(std::env::args_os().skip(1));
    let _ = options;
    match command.spawn() {
        Ok(_) => 0,
        Err(e) => {
            eprintln!("shomei: cannot start {}: {e}", exe.display());
            1
        }
    }
}

#[cfg(target_os = "linux")]
mod linux {
    use std::path::PathBuf;
    use std::sync::mpsc::Sender;
    use std::sync::{Arc, Mutex};

    use shomei_engine::demo::{self, Demo};
    use shomei_engine::model::Settings;
    use shomei_engine::tray_state::tray_state;
    use shomei_engine::updates;
    use shomei_engine::words::{self, Locale};
    use shomei_engine::{settings, Banks};

    use super::{hand_over, launcher, Options, Scope};
    use crate::tray::sni::{Actions, Tray};
    use crate::{autostart, banks, instance, reminder_loop};

    pub fn run(options: Options) -> i32 {
        // The demo's directory first: SoftHSM's configuration is an environment
        // variable, set while this is the only thread.
        let demo_dir = match demo_directory(&options) {
            Ok(d) => d,
            Err(e) => {
                eprintln!("shomei: demo: {e}");
                return 1;
            }
        };
        crate::log_to(&banks::data_dir(demo_dir.as_deref()));
        let scope = Scope {
            demo_dir: demo_dir.clone(),
            profile: options.profile.clone(),
        };
        let runtime = match tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
        {
            Ok(r) => r,
            Err(e) => {
                eprintln!("shomei: {e}");
                return 1;
            }
        };
        let id = instance::id(demo_dir.as_deref(), banks::config_dir().as_deref());
        let claim = runtime.block_on(async { instance::claim(&id).await });
        let _bus = match claim {
            Ok(instance::Claim::Won(connection)) => connection,
            Ok(instance::Claim::Taken) => {
                tracing::info!("Shomei already runs in the tray");
                if options.tray {
                    return 0;
                }
                return match launcher::start_window(&scope, options.open.as_deref()) {
                    Ok(_) => 0,
                    Err(e) => {
                        eprintln!("shomei: cannot start the window: {e}");
                        1
                    }
                };
            }
            Err(e) => {
                tracing::warn!(error = %e, "no session bus: the window binary keeps the tray itself");
                return hand_over(&options);
            }
        };

        let (demo, fixed) = match open_banks(&options, demo_dir.as_deref(), &runtime) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("shomei: {e}\n(run with --demo to try Shomei on its embedded demo bank)");
                return 1;
            }
        };
        let _demo = demo;
        let follows_settings = fixed.is_none();
        let current = Current::new(fixed, demo_dir.clone());
        if follows_settings {
            if let Err(e) = autostart::apply(&launcher::resident(), current.settings().autostart) {
                tracing::warn!("start at login: {e}");
            }
        }

        let windows = Arc::new(Windows {
            scope: scope.clone(),
            check: Mutex::new(None),
        });
        let tray = match Tray::spawn(current.locale(), windows.clone()) {
            Ok(t) => Some(Arc::new(t)),
            Err(e) => {
                tracing::warn!(error = %e, "no tray icon (reminders and notifications still work)");
                None
            }
        };
        let data_dir = banks::data_dir(demo_dir.as_deref());
        let refresh = {
            let current = current.clone();
            let tray = tray.clone();
            // A window process that failed to update remembers it there.
            let data_dir = data_dir.clone();
            move || {
                if let Some(tray) = &tray {
                    let (banks, _) = current.get();
                    let failed_update = updates::remembered(&data_dir);
                    let state = tray_state(&banks.list()).with_update(failed_update.as_ref());
                    tray.show(state, current.locale());
                }
            }
        };
        let clicks = windows.clone();
        let check = reminder_loop::start(
            data_dir,
            Box::new(move || current.get()),
            Arc::new(move |fp: Option<String>| match fp {
                Some(fp) => clicks.renew(fp),
                None => clicks.open(),
            }),
            Box::new(refresh),
        );
        *windows.check.lock().unwrap_or_else(|p| p.into_inner()) = check;
        match (options.tray, options.open) {
            (_, Some(fp)) => windows.renew(fp),
            (false, None) => windows.open(),
            (true, None) => tracing::info!("started in the tray"),
        }
        loop {
            std::thread::park();
        }
    }

    /// `--demo-dir D`, a fresh directory for `--demo`, or none; prepared for SoftHSM.
    fn demo_directory(options: &Options) -> Result<Option<PathBuf>, String> {
        if !options.demo {
            return Ok(None);
        }
        let dir = match options.demo_dir.clone() {
            Some(d) => d,
            None => demo::fresh_directory().map_err(|e| e.to_string())?,
        };
        demo::prepare_token_directory(&dir).map_err(|e| e.to_string())?;
        Ok(Some(dir))
    }

    /// The demo's bank (its test CA started, the window's own comes up beside it),
    /// `--profile FILE`'s, or `None`: the OS's places, read again at each check.
    fn open_banks(
        options: &Options,
        demo_dir: Option<&std::path::Path>,
        runtime: &tokio::runtime::Runtime,
    ) -> Result<(Option<Demo>, Option<Arc<Banks>>), String> {
        if let Some(dir) = demo_dir {
            let demo = runtime
                .block_on(demo::start(dir))
                .map_err(|e| format!("demo: {e}"))?;
            eprintln!("shomei: demo in {} (PIN {})", dir.display(), demo::DEMO_PIN);
            let banks = banks::demo(&demo, dir).map_err(|e| e.to_string())?;
            return Ok((Some(demo), Some(Arc::new(banks))));
        }
        if let Some(file) = &options.profile {
            let banks = banks::open(banks::catalog(Some(file)), None).map_err(|e| e.to_string())?;
            return Ok((None, Some(Arc::new(banks))));
        }
        let catalog = banks::catalog(None);
        banks::report_problems(&catalog);
        Ok((None, None))
    }

    /// The banks and settings as they are now: fixed (demo, `--profile`), or read
    /// again from the OS's places, since the window may have added a profile.
    #[derive(Clone)]
    struct Current {
        fixed: Option<Arc<Banks>>,
        demo_dir: Option<PathBuf>,
        last: Arc<Mutex<Option<Arc<Banks>>>>,
    }

    impl Current {
        fn new(fixed: Option<Arc<Banks>>, demo_dir: Option<PathBuf>) -> Current {
            Current {
                fixed,
                demo_dir,
                last: Arc::new(Mutex::new(None)),
            }
        }

        fn settings(&self) -> Settings {
            banks::config_dir()
                .as_deref()
                .map(settings::load)
                .unwrap_or_default()
        }

        fn locale(&self) -> Locale {
            Locale::from_tag(settings::locale(
                &self.settings(),
                Some(words::os_locale().tag()),
            ))
        }

        fn get(&self) -> (Arc<Banks>, Settings) {
            let banks = match &self.fixed {
                Some(b) => b.clone(),
                None => match banks::open(banks::catalog(None), self.demo_dir.as_deref()) {
                    Ok(b) => {
                        let b = Arc::new(b);
                        *self.last.lock().unwrap_or_else(|p| p.into_inner()) = Some(b.clone());
                        b
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "the bank profiles cannot be opened");
                        self.last
                            .lock()
                            .unwrap_or_else(|p| p.into_inner())
                            .clone()
                            .unwrap_or_else(|| Arc::new(Banks::of(Vec::new(), Vec::new())))
                    }
                },
            };
            (banks, self.settings())
        }
    }

    /// The window processes this resident starts.
    struct Windows {
        scope: Scope,
        /// Makes the reminder loop look again (a closed window may have renewed).
        check: Mutex<Option<Sender<()>>>,
    }

    impl Windows {
        fn start(&self, open: Option<&str>) {
            let mut child = match launcher::start_window(&self.scope, open) {
                Ok(c) => c,
                Err(e) => {
                    tracing::error!(error = %e, "cannot start the window");
                    return;
                }
            };
            let check = self.check.lock().unwrap_or_else(|p| p.into_inner()).clone();
            let waited = std::thread::Builder::new()
                .name("window".into())
                .spawn(move || {
                    let status = child.wait();
                    tracing::info!(?status, "the window process ended");
                    if let Some(check) = check {
                        let _ = check.send(());
                    }
                });
            if let Err(e) = waited {
                tracing::warn!(error = %e, "cannot watch the window process");
            }
        }
    }

    impl Actions for Windows {
        fn open(&self) {
            self.start(None);
        }

        fn renew(&self, fingerprint: String) {
            self.start(Some(&fingerprint));
        }

        fn quit(&self) {
            tracing::info!("quit from the tray");
            // Called inside the menu's D-Bus method: exit once its reply has gone out,
            // so the desktop's tray sees an answer rather than a vanished peer.
            std::thread::spawn(|| {
                std::thread::sleep(std::time::Duration::from_millis(300));
                std::process::exit(0);
            });
        }
    }
}
