//! Command-line options of the desktop app. (The IT-staff command line —
//! `status`, `renew`, … — comes with the engine work, issue 5.)

use std::path::PathBuf;

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Run on the embedded demo (private SoftHSM token, demo CA, test EST server).
    pub demo: bool,
    /// Where the demo keeps its files; a fresh private temp dir when absent.
    pub demo_dir: Option<PathBuf>,
    /// The bank profile to use (otherwise the per-user default location).
    pub profile: Option<PathBuf>,
}

pub const USAGE: &str = "\
usage: shomei [--demo [--demo-dir DIR]] [--profile FILE]

  --demo            run on the embedded demo bank (no real certificate is touched)
  --demo-dir DIR    keep the demo's token, CA and profile in DIR
  --profile FILE    the bank profile (TOML) to use
";

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
    }
}
