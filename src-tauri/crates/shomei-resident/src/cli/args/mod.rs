//! The subcommands' arguments and `--help`. Everything is parsed before anything
//! is opened, so a usage error never touches a token or a store.

use shomei_engine::model::StorageKind;
use std::path::PathBuf;

use shomei_engine::words;

use super::Lang;

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
  shomei [GLOBAL] support-bundle --out FILE
                                       a zip for the bank's helpdesk (サポート情報)

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

support-bundle:
  --out FILE         write the zip to FILE: the recent logs (each file's last 1 MiB), the
                     versions and the OS, the bank profiles without proxy passwords, what
                     status --json shows, the journal's public records, the reminders' and
                     settings' state and the last errors. Never a PIN, a password or a key;
                     the home folder and the user name are redacted. A part that cannot be
                     collected is noted in it (README.txt); exit 1 only when FILE cannot be
                     written.

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
    SupportBundle { out: PathBuf },
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

pub fn parse(lang: Option<String>, args: Vec<String>) -> Result<Parsed, String> {
    // The language first (--lang, else the OS's: LC_ALL, LC_MESSAGES, LANG; Japanese
    // unless it says English), so that every refusal below is said in it.
    let os = words::os_locale();
    let mut lang_word = lang;
    let (mut help, mut rest) = (false, Vec::new());
    let mut it = args.into_iter();
    while let Some(word) = it.next() {
        match word.as_str() {
            "--lang" => {
                lang_word = Some(
                    it.next()
                        .ok_or_else(|| words::text(os, "cli.usage.langNeedsValue", &[]))?,
                );
            }
            "--help" | "-h" | "help" => help = true,
            _ => rest.push(word),
        }
    }
    let lang = match lang_word.as_deref() {
        None => os,
        Some(word) => Lang::parse(word)
            .ok_or_else(|| words::text(os, "cli.usage.unknownLang", &[("lang", word)]))?,
    };
    if rest.iter().any(|w| w == "--pin" || w.starts_with("--pin=")) {
        return Err(words::text(lang, "cli.usage.pinInArgv", &[]));
    }
    if help {
        let command = Command::Help;
        return Ok(Parsed { command, lang });
    }
    let Some((name, args)) = rest.split_first() else {
        return Err(words::text(lang, "cli.usage.noCommand", &[]));
    };
    let command = match name.as_str() {
        "status" => match args {
            [] => Command::Status { json: false },
            [json] if json == "--json" => Command::Status { json: true },
            _ => return Err(unexpected("status", args, lang)),
        },
        "renew" => Command::Renew(renew(args, lang)?),
        "discard" => Command::Discard(discard(args, lang)?),
        "profile" => match args {
            [check, file] if check == "check" => Command::ProfileCheck(file.into()),
            _ => return Err(words::text(lang, "cli.usage.profile", &[])),
        },
        "export-ical" => match args {
            [] => Command::ExportIcal { out: None },
            [out, file] if out == "--out" => Command::ExportIcal {
                out: Some(file.into()),
            },
            _ => return Err(unexpected("export-ical", args, lang)),
        },
        "support-bundle" => match args {
            [out, file] if out == "--out" => Command::SupportBundle { out: file.into() },
            _ => return Err(words::text(lang, "cli.usage.supportBundle", &[])),
        },
        other => {
            return Err(words::text(
                lang,
                "cli.usage.unknownCommand",
                &[("command", other)],
            ))
        }
    };
    Ok(Parsed { command, lang })
}

fn unexpected(command: &str, args: &[String], lang: Lang) -> String {
    words::text(
        lang,
        "cli.usage.unexpected",
        &[("command", command), ("args", &args.join(" "))],
    )
}

fn unknown(command: &str, arg: &str, lang: Lang) -> String {
    words::text(
        lang,
        "cli.usage.unknownArgument",
        &[("command", command), ("arg", arg)],
    )
}

fn renew(args: &[String], lang: Lang) -> Result<RenewArgs, String> {
    let (secured, rest) = secured("renew", args, lang)?;
    let (mut identity, mut wait, mut into, mut bank_password_env) = (None, None, None, None);
    let mut it = rest.iter();
    while let Some(flag) = it.next() {
        match flag.as_str() {
            "--identity" => {
                let fingerprint = it
                    .next()
                    .ok_or_else(|| words::text(lang, "cli.usage.identityNeedsValue", &[]))?;
                identity = Some(fingerprint.clone());
            }
            "--wait" => {
                let text = it
                    .next()
                    .ok_or_else(|| words::text(lang, "cli.usage.waitNeedsValue", &[]))?;
                wait =
                    Some(duration(text).ok_or_else(|| {
                        words::text(lang, "cli.usage.badWait", &[("text", text)])
                    })?);
            }
            "--bank-password-env" => {
                let var = it
                    .next()
                    .ok_or_else(|| words::text(lang, "cli.usage.bankPasswordEnvNeedsValue", &[]))?;
                if !is_variable_name(var) {
                    return Err(words::text(
                        lang,
                        "cli.usage.bankPasswordEnvNotName",
                        &[("value", &format!("{var:?}"))],
                    ));
                }
                bank_password_env = Some(var.clone());
            }
            "--into" => {
                into = Some(match it.next().map(String::as_str) {
                    Some("pc") => StorageKind::ThisPc,
                    Some("usb") => StorageKind::UsbToken,
                    _ => return Err(words::text(lang, "cli.usage.intoNeedsValue", &[])),
                });
            }
            other => return Err(unknown("renew", other, lang)),
        }
    }
    let identity =
        identity.ok_or_else(|| words::text(lang, "cli.usage.renewNeedsIdentity", &[]))?;
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
fn duration(text: &str) -> Option<std::time::Duration> {
    let (digits, unit) = match text.find(|c: char| !c.is_ascii_digit()) {
        Some(at) => text.split_at(at),
        None => (text, "s"),
    };
    let n: u64 = digits.parse().ok()?;
    let seconds = match unit {
        "s" => Some(n),
        "m" => n.checked_mul(60),
        "h" => n.checked_mul(3600),
        _ => None,
    }?;
    let wait = std::time::Duration::from_secs(seconds);
    (wait <= MAX_WAIT).then_some(wait)
}

fn discard(args: &[String], lang: Lang) -> Result<DiscardArgs, String> {
    let (secured, rest) = secured("discard", args, lang)?;
    match rest.as_slice() {
        [id] if !id.starts_with('-') => Ok(DiscardArgs {
            renewal_id: id.clone(),
            secured,
        }),
        [] => Err(words::text(lang, "cli.usage.discardNeedsId", &[])),
        other => Err(unexpected("discard", other, lang)),
    }
}

/// The PIN source and consent flags of `command`; the other arguments are
/// returned in order for the command to read.
fn secured(command: &str, args: &[String], lang: Lang) -> Result<(Secured, Vec<String>), String> {
    let (mut pin, mut yes, mut confirm_final_try, mut rest) = (None, false, false, Vec::new());
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--pin-env" => {
                let var = it
                    .next()
                    .ok_or_else(|| words::text(lang, "cli.usage.pinEnvNeedsValue", &[]))?;
                if !is_variable_name(var) {
                    return Err(words::text(
                        lang,
                        "cli.usage.pinEnvNotName",
                        &[("value", &format!("{var:?}"))],
                    ));
                }
                pin = replace_pin(pin, PinSource::Env(var.clone()), lang)?;
            }
            "--pin-stdin" => pin = replace_pin(pin, PinSource::Stdin, lang)?,
            "--yes" | "-y" => yes = true,
            "--confirm-final-try" => confirm_final_try = true,
            "--identity" | "--wait" | "--into" | "--bank-password-env" => {
                rest.push(arg.clone());
                rest.extend(it.next().cloned());
            }
            other if other.starts_with('-') => return Err(unknown(command, other, lang)),
            _ => rest.push(arg.clone()),
        }
    }
    let pin =
        pin.ok_or_else(|| words::text(lang, "cli.usage.needsPin", &[("command", command)]))?;
    if pin == PinSource::Stdin && !yes {
        return Err(words::text(lang, "cli.usage.pinStdinNeedsYes", &[]));
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

fn replace_pin(
    old: Option<PinSource>,
    new: PinSource,
    lang: Lang,
) -> Result<Option<PinSource>, String> {
    match old {
        None => Ok(Some(new)),
        Some(_) => Err(words::text(lang, "cli.usage.onePinSource", &[])),
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
