//! The subcommands' arguments and `--help`. Everything is parsed before anything
//! is opened, so a usage error never touches a token or a store.

use std::path::PathBuf;

use super::Lang;
use crate::options::PIN_IN_ARGV;

pub const HELP: &str = "\
shomei: renews the client certificates (電子証明書) of Japanese corporate internet banking.

usage:
  shomei [GLOBAL]                      open the window (the default)
  shomei [GLOBAL] status [--json]      every certificate: issued to, expiry date (JST),
                                       days left, state, store
  shomei [GLOBAL] renew --identity SHA256 (--pin-env VAR | --pin-stdin)
                        [--yes] [--confirm-final-try]
  shomei profile check FILE            validate a bank profile; every problem with line:column
  shomei [GLOBAL] export-ical [--out FILE]
                                       expiry and renewal-window dates as iCalendar (RFC 5545)

global options:
  --demo             the embedded demo bank (a SoftHSM token; never your own stores)
  --demo-dir DIR     keep the demo in DIR (implies --demo)
  --profile FILE     the bank profile (default: the per-user shomei/bank.toml)
  --lang ja|en       the words of the output (default ja)
  --help, -h         this text

status:
  --json             the listing as the window gets it (camelCase JSON) on stdout

renew:
  --identity SHA256  the certificate's SHA-256 fingerprint (拇印), as status shows it
  --pin-env VAR      read the token PIN (専用USBのパスワード) from environment variable VAR
  --pin-stdin        read the PIN from the first line of stdin (requires --yes)
  --yes              answer はい to both consents; without it they are asked on the terminal
  --confirm-final-try
                     spend the token's final PIN try (without it: exit 4, nothing tried)
  A PIN is never accepted as an argument (--pin is refused): argv is visible to every
  user of the computer. Progress goes to stderr; the result to stdout.

export-ical:
  --out FILE         write the calendar to FILE (default: stdout)

exit codes:
  0  success
  1  failure not listed below (internal error)
  2  usage: unknown or missing arguments, --pin in argv, --pin-stdin without --yes,
     the PIN variable unset
  3  PIN: incorrect or locked
  4  the token is at its final PIN try and --confirm-final-try was not given (nothing tried)
  5  store: token absent or removed, PKCS#11 module missing, certificate not found
  6  bank: unreachable, not trusted (pinned CA; a TLS-inspecting proxy?), rejected the
     request, issued a wrong certificate, or has not issued yet
  7  outside the renewal window (更新期間外)
  8  bank profile unreadable or invalid
  9  cancelled: a consent was answered いいえ, or cancelled on the token (nothing changed)
  status prints what it could read and exits with the code of the first store it could
  not read (0 when every store was read).
";

#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    Help,
    Status { json: bool },
    Renew(RenewArgs),
    ProfileCheck(PathBuf),
    ExportIcal { out: Option<PathBuf> },
}

#[derive(Debug, PartialEq, Eq)]
pub enum PinSource {
    Env(String),
    Stdin,
}

#[derive(Debug, PartialEq, Eq)]
pub struct RenewArgs {
    pub identity: String,
    pub pin: PinSource,
    pub yes: bool,
    pub confirm_final_try: bool,
}

pub struct Parsed {
    pub command: Command,
    pub lang: Lang,
}

pub fn parse(lang: Option<String>, words: Vec<String>) -> Result<Parsed, String> {
    let (mut lang, mut help, mut rest) = (lang, false, Vec::new());
    let mut it = words.into_iter();
    while let Some(word) = it.next() {
        match word.as_str() {
            "--pin" => return Err(PIN_IN_ARGV.to_owned()),
            w if w.starts_with("--pin=") => return Err(PIN_IN_ARGV.to_owned()),
            "--lang" => lang = Some(it.next().ok_or("--lang needs ja or en")?),
            "--help" | "-h" | "help" => help = true,
            _ => rest.push(word),
        }
    }
    let lang = match lang.as_deref() {
        None | Some("ja") => Lang::Ja,
        Some("en") => Lang::En,
        Some(other) => return Err(format!("--lang: unknown language {other:?} (ja or en)")),
    };
    if help {
        let command = Command::Help;
        return Ok(Parsed { command, lang });
    }
    let Some((name, args)) = rest.split_first() else {
        return Err("no command given".to_owned());
    };
    let command = match name.as_str() {
        "status" => match args {
            [] => Command::Status { json: false },
            [json] if json == "--json" => Command::Status { json: true },
            _ => return Err(unexpected("status", args)),
        },
        "renew" => Command::Renew(renew(args)?),
        "profile" => match args {
            [check, file] if check == "check" => Command::ProfileCheck(file.into()),
            _ => return Err("usage: shomei profile check FILE".to_owned()),
        },
        "export-ical" => match args {
            [] => Command::ExportIcal { out: None },
            [out, file] if out == "--out" => Command::ExportIcal {
                out: Some(file.into()),
            },
            _ => return Err(unexpected("export-ical", args)),
        },
        other => return Err(format!("unknown command: {other}")),
    };
    Ok(Parsed { command, lang })
}

fn unexpected(command: &str, args: &[String]) -> String {
    format!("{command}: unexpected arguments: {}", args.join(" "))
}

fn renew(args: &[String]) -> Result<RenewArgs, String> {
    let (mut identity, mut pin, mut yes, mut confirm_final_try) = (None, None, false, false);
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--identity" => identity = Some(it.next().ok_or("--identity needs a fingerprint")?),
            "--pin-env" => {
                let var = it.next().ok_or("--pin-env needs a variable name")?;
                if !is_variable_name(var) {
                    return Err(format!(
                        "--pin-env takes the NAME of an environment variable, not a PIN \
                         ({var:?} is not a variable name)"
                    ));
                }
                pin = replace_pin(pin, PinSource::Env(var.clone()))?;
            }
            "--pin-stdin" => pin = replace_pin(pin, PinSource::Stdin)?,
            "--yes" | "-y" => yes = true,
            "--confirm-final-try" => confirm_final_try = true,
            other => return Err(format!("renew: unknown argument: {other}")),
        }
    }
    let identity = identity.ok_or("renew needs --identity SHA256 (see shomei status)")?;
    let pin =
        pin.ok_or("renew needs the PIN from --pin-env VAR or --pin-stdin (never as an argument)")?;
    if pin == PinSource::Stdin && !yes {
        return Err(
            "--pin-stdin needs --yes: stdin carries the PIN, so the two consents \
                    cannot be asked there / --pin-stdin には --yes が必要です"
                .to_owned(),
        );
    }
    Ok(RenewArgs {
        identity: identity.clone(),
        pin,
        yes,
        confirm_final_try,
    })
}

fn replace_pin(old: Option<PinSource>, new: PinSource) -> Result<Option<PinSource>, String> {
    match old {
        None => Ok(Some(new)),
        Some(_) => Err("give only one of --pin-env and --pin-stdin".to_owned()),
    }
}

fn is_variable_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_owned).collect()
    }

    fn command(s: &str) -> Result<Command, String> {
        parse(None, words(s)).map(|p| p.command)
    }

    #[test]
    fn renew_takes_the_pin_only_from_env_or_stdin() {
        let Command::Renew(r) = command("renew --identity ab --pin-env P --yes").unwrap() else {
            panic!("not renew");
        };
        assert_eq!((r.pin, r.yes), (PinSource::Env("P".into()), true));
        assert!(command("renew --identity ab --pin 123456 --yes")
            .unwrap_err()
            .contains("--pin-env"));
        assert!(command("renew --identity ab --pin=1 --yes").is_err());
        assert!(command("renew --identity ab --pin-env 123456").is_err());
        assert!(command("renew --identity ab --pin-stdin")
            .unwrap_err()
            .contains("--yes"));
        assert!(command("renew --identity ab").is_err());
        assert!(command("renew --identity ab --pin-env A --pin-stdin --yes").is_err());
    }

    #[test]
    fn other_commands() {
        assert_eq!(command("status --json"), Ok(Command::Status { json: true }));
        assert_eq!(command("status --lang en --help"), Ok(Command::Help));
        assert!(command("status --yes").is_err());
        assert_eq!(
            command("profile check a.toml"),
            Ok(Command::ProfileCheck("a.toml".into()))
        );
        assert!(command("export-ical --out").is_err());
        assert!(command("frobnicate").is_err());
        assert!(parse(Some("fr".into()), words("status")).is_err());
        assert_eq!(
            parse(None, words("status --lang en")).unwrap().lang,
            Lang::En
        );
    }
}
