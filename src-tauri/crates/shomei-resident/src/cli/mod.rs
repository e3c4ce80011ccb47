//! The IT-staff command line on the same binary (SPEC §5): `status`, `renew`,
//! `discard`, `profile check`, `export-ical`, `support-bundle`. It drives the engine exactly as the window
//! does and never creates a window. Exit codes are in [`exit`] and `--help`.

mod args;
mod dates;
mod discard;
mod exit;
mod ical;
mod output;
mod pin;
mod profile_check;
mod profiles;
mod renew;
mod session;
mod status;
mod support_bundle;
mod unfinished;

use crate::options::Options;
use args::Command;

/// The language of the command line's words (SPEC §7): `--lang`, else the OS's.
/// Every word comes from the one catalog per locale (`shomei_engine::words`).
pub use shomei_engine::words::Locale as Lang;

/// Runs a subcommand (or `--help`); returns the process exit code.
pub fn run(options: Options) -> i32 {
    let parsed = if options.help {
        args::parse(options.lang.clone(), vec!["help".to_owned()])
    } else {
        args::parse(options.lang.clone(), options.command.clone())
    };
    let (command, lang) = match parsed {
        Ok(p) => (p.command, p.lang),
        Err(e) => {
            eprintln!("shomei: {e}\n(shomei --help)");
            return exit::USAGE;
        }
    };
    match command {
        Command::Help => output::print(args::HELP).err().unwrap_or(exit::OK),
        Command::ProfileCheck(file) => profile_check::run(&file, lang),
        Command::Status { json } => with_session(&options, lang, |s| status::run(s, json, lang)),
        Command::SupportBundle { out } => support_bundle::run(&options, &out, lang),
        Command::ExportIcal { out } => {
            with_session(&options, lang, |s| ical::run(s, out.as_deref(), lang))
        }
        // The PIN leaves the environment before anything else runs (no thread yet).
        Command::Renew(renew) => {
            let bank_password = renew
                .bank_password_env
                .as_deref()
                .map(|var| pin::bank_password(var, lang))
                .transpose();
            match (pin::early(&renew.secured.pin, lang), bank_password) {
                (Ok(pin), Ok(bank_password)) => with_session(&options, lang, |s| {
                    renew::run(s, &renew, pin, bank_password, lang)
                }),
                (Err(message), _) | (_, Err(message)) => usage(&message),
            }
        }
        Command::Discard(discard) => match pin::early(&discard.secured.pin, lang) {
            Ok(pin) => with_session(&options, lang, |s| discard::run(s, &discard, pin, lang)),
            Err(message) => usage(&message),
        },
    }
}

fn usage(message: &str) -> i32 {
    eprintln!("shomei: {message}");
    exit::USAGE
}

fn with_session(
    options: &Options,
    lang: Lang,
    command: impl FnOnce(&mut session::Session) -> i32,
) -> i32 {
    match session::open(options, lang) {
        Ok(mut session) => command(&mut session),
        Err(code) => code,
    }
}
