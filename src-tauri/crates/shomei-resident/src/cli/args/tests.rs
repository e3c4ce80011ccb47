//! The subcommands' arguments: what is accepted, and what is refused before
//! anything is opened.

use super::*;

fn words(s: &str) -> Vec<String> {
    s.split_whitespace().map(str::to_owned).collect()
}

/// Parsed with `--lang en` (the refusals below are checked in English; without
/// `--lang` they would follow the OS's language).
fn command(s: &str) -> Result<Command, String> {
    parse(Some("en".into()), words(s)).map(|p| p.command)
}

#[test]
fn renew_takes_the_pin_only_from_env_or_stdin() {
    let Command::Renew(r) = command("renew --identity ab --pin-env P --yes").unwrap() else {
        panic!("not renew");
    };
    assert_eq!(r.identity, "ab");
    assert_eq!(
        (r.secured.pin, r.secured.yes),
        (PinSource::Env("P".into()), true)
    );
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
    assert!(command("renew --identity ab --pin-env A extra").is_err());
    assert!(command("renew --identity --pin-env A").is_err());
}

#[test]
fn renew_waits_only_as_long_as_told_and_at_most_a_day() {
    let wait = |s: &str| match command(&format!("renew --identity ab --pin-env P {s}")) {
        Ok(Command::Renew(r)) => Ok(r.wait),
        Ok(_) => panic!("not renew"),
        Err(e) => Err(e),
    };
    let secs = |n| Ok(Some(std::time::Duration::from_secs(n)));
    assert_eq!(wait(""), Ok(None));
    assert_eq!(wait("--wait 10m"), secs(600));
    assert_eq!(wait("--wait 90s"), secs(90));
    assert_eq!(wait("--wait 45"), secs(45));
    assert_eq!(wait("--wait 24h"), secs(86_400));
    let Command::Renew(r) = command("renew --wait 2h --pin-env P --identity cd").unwrap() else {
        panic!("not renew");
    };
    assert_eq!(
        (r.identity.as_str(), r.wait.map(|w| w.as_secs())),
        ("cd", Some(7200))
    );
    for bad in ["25h", "10d", "-1m", "m", "1.5h", "99999999999999999999h"] {
        assert!(
            wait(&format!("--wait {bad}"))
                .unwrap_err()
                .contains("--wait"),
            "{bad}"
        );
    }
    assert!(wait("--wait").unwrap_err().contains("--wait needs"));
    let into = |s: &str| match command(&format!("renew --identity ab --pin-env P {s}")) {
        Ok(Command::Renew(r)) => Ok(r.into),
        Ok(_) => panic!("not renew"),
        Err(e) => Err(e),
    };
    assert_eq!(into(""), Ok(None));
    assert_eq!(into("--into pc"), Ok(Some(StorageKind::ThisPc)));
    assert_eq!(into("--into usb"), Ok(Some(StorageKind::UsbToken)));
    assert!(into("--into nas").unwrap_err().contains("--into needs"));
    assert!(into("--into").is_err());
    let Command::Renew(r) =
        command("renew --identity ab --pin-env P --bank-password-env BANK_PW").unwrap()
    else {
        panic!("not renew");
    };
    assert_eq!(r.bank_password_env.as_deref(), Some("BANK_PW"));
    assert!(
        command("renew --identity ab --pin-env P --bank-password-env s3cr:t")
            .unwrap_err()
            .contains("NAME")
    );
}

#[test]
fn discard_takes_a_renewal_id_and_the_pin_like_renew() {
    let Command::Discard(d) = command("discard 18a-0 --pin-stdin --yes").unwrap() else {
        panic!("not discard");
    };
    assert_eq!(d.renewal_id, "18a-0");
    assert_eq!((d.secured.pin, d.secured.yes), (PinSource::Stdin, true));
    assert!(command("discard --pin-env P").is_err());
    assert!(command("discard a b --pin-env P").is_err());
    assert!(command("discard a --pin 1234").is_err());
    assert!(command("discard a --pin-stdin")
        .unwrap_err()
        .contains("--yes"));
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
    assert_eq!(
        parse(Some("en".into()), words("status --lang ja"))
            .unwrap()
            .lang,
        Lang::Ja
    );
    // A refusal is said in the language asked for.
    let Err(said) = parse(Some("ja".into()), words("renew --identity ab --pin-stdin")) else {
        panic!("--pin-stdin without --yes was accepted");
    };
    assert!(said.contains("--yes が必要です"), "{said}");
}
