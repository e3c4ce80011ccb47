//! The subcommands' arguments and `--help`. Everything is parsed before anything
//! is opened, so a usage error never touches a token or a store.

use shomei_engine::model::StorageKind;
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
                        [--yes] [--confirm-final-try] [--wait DURATION]
                        [--into pc|usb] [--bank-password-env VAR]
  shomei [GLOBAL] discard RENEWAL_ID (--pin-env VAR | --pin-stdin)
                        [--yes] [--confirm-final-try]
                                       give up an unfinished renewal (status lists them)
  shomei profile check FILE            validate a bank profile; every problem with line:column
  shomei [GLOBAL] export-ical [--out FILE]
                                       expiry and renewal-window dates as iCalendar (RFC 5545)

global options:
  --demo             the embedded demo bank (a SoftHSM token; never your own stores)
  --demo-dir DIR     keep the demo in DIR (implies --demo)
  --profile FILE     the bank profile (default: the per-user shomei/bank.toml)
  --lang ja|en       the words of the output (default: the OS's language, LC_ALL,
                     LC_MESSAGES or LANG; Japanese unless it says English)
  --help, -h         this text

status:
  --json             the listing as the window gets it (camelCase JSON) on stdout
  Unfinished renewals (中断された更新) are listed with what happened, and what renew
  (carry it on) or discard (give it up) would do.

renew:
  --identity SHA256  the certificate's SHA-256 fingerprint (拇印), as status shows it
  --pin-env VAR      read the token PIN (専用USBのパスワード) from environment variable VAR
  --pin-stdin        read the PIN from the first line of stdin (requires --yes)
  --yes              answer はい to both consents; without it they are asked on the terminal
  --confirm-final-try
                     spend the token's final PIN try (without it: exit 4, nothing tried)
  A PIN is never accepted as an argument (--pin is refused): argv is visible to every
  user of the computer; --pin-env removes the variable from the environment once read.
  Progress goes to stderr; the result to stdout. When the bank asked to be asked again
  later, renew says when (JST) and exits 10 without asking for the PIN.
  --into pc|usb      save the new certificate on this PC (パソコンに保存する) or on the
                     bank's USB token (専用USBに保存する); default: where the current one
                     is. status --json lists each certificate's renewableInto.
  --bank-password-env VAR
                     the password the bank gave for the renewal, read and removed from
                     variable VAR: its HTTP authentication (profile est.http_user) and
                     the challenge password its CA may ask for (/csrattrs)
  --wait DURATION    wait for a pending bank up to DURATION (90s, 10m, 2h; at most 24h)
                     in this run, asking again when the bank says (at least 1 s apart,
                     doubling, at most a day); exits 10 if it has not issued by then

discard:
  RENEWAL_ID         the unfinished renewal, as status lists it
  --pin-env, --pin-stdin, --yes, --confirm-final-try
                     as for renew (the PIN logs in to remove the renewal's new key);
                     without --yes the question is asked on the terminal
  The old certificate stays as it is. Works when its certificate is gone.

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
     request, or issued a wrong certificate (another key or subject, not this bank's CA,
     or one expiring no later than the current one)
  7  outside the renewal window (更新期間外)
  8  bank profile unreadable or invalid
  9  cancelled: a consent was answered いいえ, or cancelled on the token (nothing changed)
  10 pending: the bank has not issued yet (or issued a certificate valid only from a
     later time); the request is kept; run renew again after the time printed
  11 in progress: this renewal is being worked on in another window or command right
     now, or an unfinished renewal of it goes into the other store than --into says;
     nothing was done
  12 not renewable here: no private key, not issued by the bank's CA, or replaced by a
     newer certificate of the same subject
  status prints what it could read and exits with the code of the first store it could
  not read (0 when every store was read).
";

#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    Help,
    Status { json: bool },
    Renew(RenewArgs),
    Discard(DiscardArgs),
    ProfileCheck(PathBuf),
    ExportIcal { out: Option<PathBuf> },
}

#[derive(Debug, PartialEq, Eq)]
pub enum PinSource {
    Env(String),
    Stdin,
}

/// How a command that logs in to the token gets its PIN and its consents.
#[derive(Debug, PartialEq, Eq)]
pub struct Secured {
    pub pin: PinSource,
    pub yes: bool,
    pub confirm_final_try: bool,
}

#[derive(Debug, PartialEq, Eq)]
pub struct RenewArgs {
    pub identity: String,
    pub secured: Secured,
    /// `--wait 10m`: wait for a pending bank up to this long in this one run.
    pub wait: Option<std::time::Duration>,
    /// `--into pc|usb`: the store the new certificate goes to (default: where the
    /// current one is).
    pub into: Option<StorageKind>,
    /// `--bank-password-env VAR`: the variable holding the password of the bank's
    /// HTTP authentication (profile `est.http_user`).
    pub bank_password_env: Option<String>,
}

#[derive(Debug, PartialEq, Eq)]
pub struct DiscardArgs {
    pub renewal_id: String,
    pub secured: Secured,
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
    // Without --lang, the OS's language (LC_ALL, LC_MESSAGES, LANG; Japanese unless
    // it says English).
    let lang = match lang.as_deref() {
        None => shomei_engine::words::os_locale(),
        Some(word) => Lang::parse(word)
            .ok_or_else(|| format!("--lang: unknown language {word:?} (ja or en)"))?,
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
        "discard" => Command::Discard(discard(args)?),
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
    let (secured, rest) = secured("renew", args)?;
    let (mut identity, mut wait, mut into, mut bank_password_env) = (None, None, None, None);
    let mut it = rest.iter();
    while let Some(flag) = it.next() {
        match flag.as_str() {
            "--identity" => {
                identity = Some(it.next().ok_or("--identity needs a fingerprint")?.clone());
            }
            "--wait" => {
                let text = it.next().ok_or("--wait needs a duration, e.g. 10m")?;
                wait = Some(duration(text)?);
            }
            "--bank-password-env" => {
                let var = it
                    .next()
                    .ok_or("--bank-password-env needs a variable name")?;
                if !is_variable_name(var) {
                    return Err(format!(
                        "--bank-password-env takes the NAME of an environment variable, not a \
                         password ({var:?} is not a variable name)"
                    ));
                }
                bank_password_env = Some(var.clone());
            }
            "--into" => {
                into = Some(match it.next().map(String::as_str) {
                    Some("pc") => StorageKind::ThisPc,
                    Some("usb") => StorageKind::UsbToken,
                    _ => {
                        return Err(
                            "--into needs pc (this PC's store) or usb (the bank's USB token)"
                                .into(),
                        )
                    }
                });
            }
            other => return Err(format!("renew: unknown argument: {other}")),
        }
    }
    let identity = identity.ok_or("renew needs --identity SHA256 (see shomei status)")?;
    Ok(RenewArgs {
        identity,
        secured,
        wait,
        into,
        bank_password_env,
    })
}

/// The longest `--wait`: a script that would wait longer runs `renew` again later
/// (the request is journaled and carried on).
const MAX_WAIT: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

/// `90s`, `10m`, `2h` or plain seconds, at most a day.
fn duration(text: &str) -> Result<std::time::Duration, String> {
    let bad = || format!("--wait: {text:?} is not a duration such as 90s, 10m or 2h (at most 24h)");
    let (digits, unit) = match text.find(|c: char| !c.is_ascii_digit()) {
        Some(at) => text.split_at(at),
        None => (text, "s"),
    };
    let n: u64 = digits.parse().map_err(|_| bad())?;
    let seconds = match unit {
        "s" => Some(n),
        "m" => n.checked_mul(60),
        "h" => n.checked_mul(3600),
        _ => None,
    }
    .ok_or_else(bad)?;
    let wait = std::time::Duration::from_secs(seconds);
    if wait > MAX_WAIT {
        return Err(bad());
    }
    Ok(wait)
}

fn discard(args: &[String]) -> Result<DiscardArgs, String> {
    let (secured, rest) = secured("discard", args)?;
    match rest.as_slice() {
        [id] if !id.starts_with('-') => Ok(DiscardArgs {
            renewal_id: id.clone(),
            secured,
        }),
        [] => Err("discard needs the RENEWAL_ID that status lists".into()),
        other => Err(format!(
            "discard: unexpected arguments: {}",
            other.join(" ")
        )),
    }
}

/// The PIN source and consent flags of `command`; the other arguments are
/// returned in order for the command to read.
fn secured(command: &str, args: &[String]) -> Result<(Secured, Vec<String>), String> {
    let (mut pin, mut yes, mut confirm_final_try, mut rest) = (None, false, false, Vec::new());
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
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
            "--identity" | "--wait" | "--into" | "--bank-password-env" => {
                rest.push(arg.clone());
                rest.extend(it.next().cloned());
            }
            other if other.starts_with('-') => {
                return Err(format!("{command}: unknown argument: {other}"))
            }
            _ => rest.push(arg.clone()),
        }
    }
    let pin = pin.ok_or_else(|| {
        format!("{command} needs the PIN from --pin-env VAR or --pin-stdin (never as an argument)")
    })?;
    if pin == PinSource::Stdin && !yes {
        return Err(
            "--pin-stdin needs --yes: stdin carries the PIN, so the consents \
                    cannot be asked there / --pin-stdin には --yes が必要です"
                .to_owned(),
        );
    }
    Ok((
        Secured {
            pin,
            yes,
            confirm_final_try,
        },
        rest,
    ))
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
mod tests;
