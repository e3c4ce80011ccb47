//! Command-line options shared by the desktop app and the IT-staff command line.
//! Options before the first word that is not an option are global; that word and
//! everything after it are the subcommand (`status`, `renew`, …, see `cli`).

use std::path::PathBuf;

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Run on the embedded demo (private SoftHSM token, demo CA, test EST server).
    pub demo: bool,
    /// Where the demo keeps its files; a fresh private temp dir when absent.
    pub demo_dir: Option<PathBuf>,
    /// The bank profile to use (otherwise the per-user default location).
    pub profile: Option<PathBuf>,
    /// `--lang en`: the command line's words in English (otherwise the OS's language).
    pub lang: Option<String>,
    /// `--open FP`: open the renewal of the identity FP (a notification, a shortcut or
    /// a script; a running Shomei is handed it, see `lifecycle`).
    pub open: Option<String>,
    /// `--tray`: start in the tray only, no window (the login start passes it).
    pub tray: bool,
    /// `--window-only` (the window binary): a resident runs the tray and the
    /// reminders; exit when the window closes (see `launcher`).
    pub window_only: bool,
    /// `--help` / `-h` before any subcommand.
    pub help: bool,
    /// The subcommand and its own arguments; empty: open the window.
    pub command: Vec<String>,
}

pub const USAGE: &str = "\
usage: shomei [--demo [--demo-dir DIR]] [--profile FILE] [COMMAND ...]

  --demo            run on the embedded demo bank (no real certificate is touched)
  --demo-dir DIR    keep the demo's token, CA and profile in DIR
  --profile FILE    the bank profile (TOML) to use
  --lang ja|en      language of the command line's output (default: the OS's)
  --open FP         open the renewal of the certificate FP (a running Shomei does it)
  --tray            start in the tray only, with no window (used at login)
  --help            the commands and their exit codes
";

/// Why `--pin` is refused wherever it appears.
pub const PIN_IN_ARGV: &str = "--pin is refused: a PIN on the command line is visible to every \
user of this computer (ps, /proc, shell history). Use --pin-env VAR or --pin-stdin. \
/ PIN をコマンドラインに書くと他の利用者から見えるため受け付けません。";

pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Options, String> {
    let mut options = Options::default();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--demo" => options.demo = true,
            "--demo-dir" => {
                options.demo = true;
                options.demo_dir = Some(args.next().ok_or("--demo-dir needs a directory")?.into());
            }
            "--profile" => {
                options.profile = Some(args.next().ok_or("--profile needs a file")?.into());
            }
            "--lang" => options.lang = Some(args.next().ok_or("--lang needs ja or en")?),
            "--open" => {
                let fp = args
                    .next()
                    .ok_or("--open needs a certificate's fingerprint")?;
                if fp.is_empty() || !fp.chars().all(|c| c.is_ascii_hexdigit() || c == ':') {
                    return Err(format!(
                        "--open needs a certificate's fingerprint, not {fp:?}"
                    ));
                }
                options.open = Some(fp);
            }
            "--tray" => options.tray = true,
            "--window-only" => options.window_only = true,
            "--help" | "-h" => options.help = true,
            "--pin" => return Err(PIN_IN_ARGV.to_owned()),
            other if !other.starts_with('-') => {
                options.command.push(arg);
                options.command.extend(args);
                break;
            }
            other => return Err(format!("unknown argument: {other}")),
        }
    }
    Ok(options)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn parses_demo_and_profile() {
        assert_eq!(parse(args(&[])).unwrap(), Options::default());
        let o = parse(args(&["--demo-dir", "/tmp/d"])).unwrap();
        assert!(o.demo);
        assert_eq!(o.demo_dir, Some(PathBuf::from("/tmp/d")));
        let o = parse(args(&["--profile", "bank.toml"])).unwrap();
        assert_eq!(o.profile, Some(PathBuf::from("bank.toml")));
        assert!(parse(args(&["--pin", "1234"])).is_err());
        assert!(parse(args(&["--profile"])).is_err());
        let o = parse(args(&["--demo-dir", "d", "status", "--json"])).unwrap();
        assert_eq!(o.command, args(&["status", "--json"]));
        let o = parse(args(&["--demo-dir", "d", "--open", "AB:0c", "--tray"])).unwrap();
        assert_eq!(o.open.as_deref(), Some("AB:0c"));
        assert!(o.tray && o.command.is_empty());
        assert!(parse(args(&["--window-only"])).unwrap().window_only);
        assert!(parse(args(&["--open"])).is_err());
        assert!(parse(args(&["--open", "status"])).is_err());
        assert!(parse(args(&["--pin", "1"]))
            .unwrap_err()
            .contains("--pin-env"));
    }
}
