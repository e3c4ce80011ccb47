use super::*;

const GNOME_DEFAULT: &str = "\
org.gnome.system.proxy autoconfig-url ''
org.gnome.system.proxy ignore-hosts ['localhost', '127.0.0.0/8', '::1']
org.gnome.system.proxy mode 'none'
org.gnome.system.proxy use-same-proxy true
org.gnome.system.proxy.ftp host ''
org.gnome.system.proxy.ftp port 0
org.gnome.system.proxy.http authentication-password ''
org.gnome.system.proxy.http authentication-user ''
org.gnome.system.proxy.http enabled false
org.gnome.system.proxy.http host ''
org.gnome.system.proxy.http port 8080
org.gnome.system.proxy.http use-authentication false
org.gnome.system.proxy.https host ''
org.gnome.system.proxy.https port 0
org.gnome.system.proxy.socks host ''
org.gnome.system.proxy.socks port 0
";

/// The default listing with some lines replaced (`schema key` → value).
fn gnome(changes: &[(&str, &str)]) -> String {
    GNOME_DEFAULT
        .lines()
        .map(|line| {
            let head: String = line.splitn(3, ' ').take(2).collect::<Vec<_>>().join(" ");
            match changes.iter().find(|(k, _)| *k == head) {
                Some((_, v)) => format!("{head} {v}\n"),
                None => format!("{line}\n"),
            }
        })
        .collect()
}

fn manual(setting: Setting) -> DesktopProxy {
    match setting {
        Setting::Manual(p) => p,
        other => panic!("expected a manual proxy, got {other:?}"),
    }
}

fn unusable(setting: Setting) -> String {
    match setting {
        Setting::Unusable(why) => why,
        other => panic!("expected Unusable, got {other:?}"),
    }
}

#[test]
fn the_desktop_comes_from_xdg_current_desktop() {
    for (value, expected) in [
        ("GNOME", Some(Desktop::Gnome)),
        ("ubuntu:GNOME", Some(Desktop::Gnome)),
        ("X-Cinnamon", Some(Desktop::Gnome)),
        ("MATE", Some(Desktop::Gnome)),
        ("Budgie:GNOME", Some(Desktop::Gnome)),
        ("Unity", Some(Desktop::Gnome)),
        ("KDE", Some(Desktop::Kde)),
        ("kde", Some(Desktop::Kde)),
        ("XFCE", None),
        ("", None),
        (":::", None),
        ("sway", None),
    ] {
        assert_eq!(desktop(value), expected, "{value:?}");
    }
}

#[test]
fn the_environment_wins_over_the_desktop() {
    let env = ProxyEnvironment::empty();
    assert!(!environment_names_a_proxy(&env));
    assert!(!environment_names_a_proxy(
        &env.clone().with("HTTPS_PROXY", "  ")
    ));
    assert!(!environment_names_a_proxy(
        &env.clone().with("HTTP_PROXY", "http://p:1")
    ));
    assert!(!environment_names_a_proxy(
        &env.clone().with("NO_PROXY", "*")
    ));
    for key in ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"] {
        assert!(
            environment_names_a_proxy(&env.clone().with(key, "http://p:1")),
            "{key}"
        );
    }
    let env = env
        .with("HTTPS_PROXY", "http://u:secret@p:1")
        .with("PATH", "/bin");
    let shown = format!("{env:?}");
    assert!(
        !shown.contains("secret") && shown.contains("HTTPS_PROXY"),
        "{shown}"
    );
    assert_eq!(env.clone().without("PATH").get("PATH"), None);
}

#[test]
fn gnome_modes() {
    assert_eq!(gnome_setting(GNOME_DEFAULT), Setting::Direct);
    let auto = gnome(&[("org.gnome.system.proxy mode", "'auto'")]);
    assert!(unusable(gnome_setting(&auto)).contains("PAC"));
    let odd = gnome(&[("org.gnome.system.proxy mode", "'sideways'")]);
    assert!(unusable(gnome_setting(&odd)).contains("sideways"));
    let broken = gnome(&[("org.gnome.system.proxy mode", "manual")]);
    unusable(gnome_setting(&broken));
    unusable(gnome_setting(""));
    unusable(gnome_setting("No such schema “org.gnome.system.proxy”\n"));
    // Manual with nothing set: direct, as GLib does.
    let empty = gnome(&[("org.gnome.system.proxy mode", "'manual'")]);
    assert_eq!(gnome_setting(&empty), Setting::Direct);
    let socks = gnome(&[
        ("org.gnome.system.proxy mode", "'manual'"),
        ("org.gnome.system.proxy.socks host", "'socks.corp'"),
        ("org.gnome.system.proxy.socks port", "1080"),
    ]);
    assert!(unusable(gnome_setting(&socks)).contains("SOCKS"));
}

#[test]
fn gnome_manual_https_proxy_and_ignore_hosts() {
    let listing = gnome(&[
        ("org.gnome.system.proxy mode", "'manual'"),
        ("org.gnome.system.proxy.https host", "'proxy.corp.example'"),
        ("org.gnome.system.proxy.https port", "3128"),
        ("org.gnome.system.proxy.http host", "'other'"),
        (
            "org.gnome.system.proxy ignore-hosts",
            "['localhost', '127.0.0.0/8', '::1', '*.intra.example', '.lan', 'bank.example:8443', '[fe80::1]:80', \"it's\", '']",
        ),
    ]);
    let p = manual(gnome_setting(&listing));
    assert_eq!(
        p.address.url().expose_secret(),
        "http://proxy.corp.example:3128"
    );
    assert_eq!(
        p.no_proxy,
        [
            "localhost",
            "127.0.0.0/8",
            "::1",
            ".intra.example",
            ".lan",
            "bank.example",
            "fe80::1"
        ]
    );
}

#[test]
fn gnome_falls_back_to_the_http_proxy_with_its_password() {
    let listing = gnome(&[
        ("org.gnome.system.proxy mode", "'manual'"),
        ("org.gnome.system.proxy.http host", "'10.1.2.3'"),
        ("org.gnome.system.proxy.http port", "8080"),
        ("org.gnome.system.proxy.http use-authentication", "true"),
        ("org.gnome.system.proxy.http authentication-user", "'田中'"),
        (
            "org.gnome.system.proxy.http authentication-password",
            "'p@ss word\\'s'",
        ),
        ("org.gnome.system.proxy ignore-hosts", "@as []"),
    ]);
    let p = manual(gnome_setting(&listing));
    assert_eq!(
        p.address.url().expose_secret(),
        "http://%E7%94%B0%E4%B8%AD:p%40ss%20word%27s@10.1.2.3:8080"
    );
    assert!(!format!("{p:?}").contains("word"));
    assert!(p.no_proxy.is_empty());
    // Without use-authentication the user and password are not used.
    let listing = listing.replace("use-authentication true", "use-authentication false");
    assert_eq!(
        manual(gnome_setting(&listing))
            .address
            .url()
            .expose_secret(),
        "http://10.1.2.3:8080"
    );
}

#[test]
fn gnome_hostile_values_are_unusable_not_guessed() {
    for (host, port) in [
        ("'proxy'", "0"),
        ("'proxy'", "-1"),
        ("'proxy'", "70000"),
        ("'proxy'", "eighty"),
        ("'proxy'", "int32 8080"),
        ("'proxy:3128'", "3128"),
        ("\"it's [::1]\"", "3128"),
        ("'a\\nb'", "3128"),
        ("'x\\u0001y'", "3128"),
        ("'http://proxy'", "3128"),
        ("'user@proxy'", "3128"),
        ("' '", "3128"),
    ] {
        let listing = gnome(&[
            ("org.gnome.system.proxy mode", "'manual'"),
            ("org.gnome.system.proxy.https host", host),
            ("org.gnome.system.proxy.https port", port),
        ]);
        let why = unusable(gnome_setting(&listing));
        assert!(why.contains("https proxy"), "{host} {port}: {why}");
    }
    // IPv6 hosts, bracketed or not.
    for host in ["'::1'", "'[::1]'"] {
        let listing = gnome(&[
            ("org.gnome.system.proxy mode", "'manual'"),
            ("org.gnome.system.proxy.https host", host),
            ("org.gnome.system.proxy.https port", "3128"),
        ]);
        assert_eq!(
            manual(gnome_setting(&listing))
                .address
                .url()
                .expose_secret(),
            "http://[::1]:3128"
        );
    }
    // An unreadable ignore-hosts is an empty list, not a crash.
    let listing = gnome(&[
        ("org.gnome.system.proxy mode", "'manual'"),
        ("org.gnome.system.proxy.https host", "'proxy'"),
        ("org.gnome.system.proxy.https port", "3128"),
        ("org.gnome.system.proxy ignore-hosts", "['unterminated"),
    ]);
    assert!(manual(gnome_setting(&listing)).no_proxy.is_empty());
}

#[test]
fn gvariant_text() {
    assert_eq!(gvariant_string("'none'").as_deref(), Some("none"));
    assert_eq!(gvariant_string("\"it's\"").as_deref(), Some("it's"));
    assert_eq!(gvariant_string("'it\\'s'").as_deref(), Some("it's"));
    assert_eq!(gvariant_string("'x\\\\y'").as_deref(), Some("x\\y"));
    assert_eq!(gvariant_string("'a\\nb'").as_deref(), Some("a\nb"));
    assert_eq!(gvariant_string("'x\\u0001y'").as_deref(), Some("x\u{1}y"));
    assert_eq!(gvariant_string("'\\U0001F600'").as_deref(), Some("😀"));
    assert_eq!(gvariant_string("'é日本'").as_deref(), Some("é日本"));
    assert_eq!(gvariant_string("''").as_deref(), Some(""));
    for bad in [
        "",
        "none",
        "'open",
        "'a' b",
        "'\\q'",
        "'\\u00'",
        "'\\uD800'",
        "'\\",
        "\"mixed'",
    ] {
        assert_eq!(gvariant_string(bad), None, "{bad:?}");
    }
    assert_eq!(
        gvariant_string_array("['a', \"b'c\", 'd\\\\']"),
        Some(vec!["a".into(), "b'c".into(), "d\\".into()])
    );
    assert_eq!(gvariant_string_array("@as []"), Some(vec![]));
    assert_eq!(gvariant_string_array("[]"), Some(vec![]));
    assert_eq!(gvariant_string_array("['a,b']"), Some(vec!["a,b".into()]));
    for bad in [
        "",
        "[",
        "['a'",
        "['a' 'b']",
        "['a',]",
        "'a'",
        "[1, 2]",
        "['a'] x",
    ] {
        assert_eq!(gvariant_string_array(bad), None, "{bad:?}");
    }
}

#[test]
fn kde_manual_proxy_and_no_proxy_for() {
    let rc = "[General]\nhttpsProxy=http://wrong 1\n\n[Proxy Settings]\n\
              NoProxyFor=localhost,.intra.example *.corp 10.0.0.0/8\n\
              ProxyType=1\nhttpsProxy=http://proxy.corp.example 3128\n\
              httpProxy=http://other 80\n";
    let p = manual(kde_setting(&[rc]));
    assert_eq!(
        p.address.url().expose_secret(),
        "http://proxy.corp.example:3128"
    );
    assert_eq!(
        p.no_proxy,
        ["localhost", ".intra.example", ".corp", "10.0.0.0/8"]
    );
}

#[test]
fn kde_types_and_exceptions() {
    let rc = |body: &str| format!("[Proxy Settings]\n{body}\n");
    let with = "httpsProxy=http://proxy 3128";
    assert_eq!(kde_setting(&[]), Setting::Direct);
    assert_eq!(kde_setting(&[&rc(with)]), Setting::Direct, "no ProxyType");
    assert_eq!(
        kde_setting(&[&rc(&format!("ProxyType=0\n{with}"))]),
        Setting::Direct
    );
    assert_eq!(
        kde_setting(&[&rc(&format!("ProxyType=4\n{with}"))]),
        Setting::Direct
    );
    assert!(unusable(kde_setting(&[&rc(
        "ProxyType=2\nProxy Config Script=http://wpad/x.pac"
    )]))
    .contains("PAC"));
    assert!(unusable(kde_setting(&[&rc("ProxyType=3")])).contains("WPAD"));
    unusable(kde_setting(&[&rc("ProxyType=one")]));
    assert_eq!(
        kde_setting(&[&rc("ProxyType=1\nhttpsProxy=")]),
        Setting::Direct
    );
    let reversed = rc(&format!("ProxyType=1\nReversedException=true\n{with}"));
    assert!(unusable(kde_setting(&[&reversed])).contains("listed hosts"));
    // The user's file overrides the system-wide one, key by key.
    let system = rc(&format!("ProxyType=1\n{with}\nNoProxyFor=a.example"));
    let user = rc("httpsProxy=http://mine:8080");
    let p = manual(kde_setting(&[&system, &user]));
    assert_eq!(p.address.url().expose_secret(), "http://mine:8080");
    assert_eq!(p.no_proxy, ["a.example"]);
    let off = rc("ProxyType=0");
    assert_eq!(kde_setting(&[&system, &off]), Setting::Direct);
}

#[test]
fn kde_proxy_values() {
    for (value, url) in [
        ("http://proxy 3128", "http://proxy:3128"),
        ("http://proxy:3128", "http://proxy:3128"),
        ("http://proxy:3128/", "http://proxy:3128"),
        ("proxy 3128", "http://proxy:3128"),
        ("proxy:3128", "http://proxy:3128"),
        ("http://[::1] 3128", "http://[::1]:3128"),
        ("http://u:p@proxy 3128", "http://u:p@proxy:3128"),
    ] {
        assert_eq!(
            kde_proxy_address(value).unwrap().url().expose_secret(),
            url,
            "{value}"
        );
    }
    for value in [
        "http://proxy",
        "http://proxy 0",
        "http://proxy 99999",
        "http://proxy port",
        "http://proxy:1 2",
        "http://pro xy 3128",
        "socks://proxy 1080",
        "https://proxy 3128",
        "\"http://proxy 3128\"",
        "http://::1 3128",
        " ",
    ] {
        assert!(kde_proxy_address(value).is_err(), "{value:?}");
    }
    let rc = "[Proxy Settings]\nProxyType=1\nhttpsProxy=socks://proxy 1080\n";
    assert!(unusable(kde_setting(&[rc])).contains("httpsProxy"));
}

#[test]
fn kconfig_groups_flags_and_escapes() {
    let text = "# comment\n[Proxy Settings][$i]\n  ProxyType = 1 \n\
                httpsProxy[$e]=http://proxy\\s3128\nNoProxyFor[ja]=localized\n\
                Weird\\Key=a\\\\b\\q\nno equals sign\n\
                [Proxy Settings][Nested]\nProxyType=0\n[Other]\nProxyType=2\n";
    assert_eq!(
        kconfig_group(text, "Proxy Settings"),
        [
            ("ProxyType".to_owned(), "1".to_owned()),
            ("httpsProxy".to_owned(), "http://proxy 3128".to_owned()),
            ("Weird\\Key".to_owned(), "a\\b\\q".to_owned()),
        ]
    );
    assert!(kconfig_group("", "Proxy Settings").is_empty());
    assert!(kconfig_group("[Proxy Settings", "Proxy Settings").is_empty());
}

#[test]
fn no_proxy_entries() {
    for (raw, expected) in [
        ("localhost", Some("localhost")),
        ("  bank.example  ", Some("bank.example")),
        ("*.example.com", Some(".example.com")),
        (".example.com", Some(".example.com")),
        ("*", Some("*")),
        ("example.com:8443", Some("example.com")),
        ("10.0.0.1", Some("10.0.0.1")),
        ("10.0.0.1:80", Some("10.0.0.1")),
        ("10.0.0.0/8", Some("10.0.0.0/8")),
        ("::1", Some("::1")),
        ("fe80::/10", Some("fe80::/10")),
        ("[::1]", Some("::1")),
        ("[::1]:8080", Some("::1")),
        ("'quoted.example'", Some("quoted.example")),
        ("\"quoted.example\"", Some("quoted.example")),
        ("日本.example", Some("日本.example")),
        ("", None),
        ("   ", None),
        ("''", None),
        ("<local>", None),
        ("192.168.*", None),
        ("*example.com", None),
        ("*.", None),
        (".", None),
        ("..example", None),
        ("a b", None),
        ("a,b", None),
        ("host:port", None),
        ("host:123456", None),
        ("10.0.0.0/33", None),
        ("10.0.0.0/", None),
        ("fe80::/129", None),
        ("[::1", None),
        ("[nope]", None),
        ("[::1]junk", None),
        ("gg::1", None),
        ("it's", None),
        ("x\u{1}y", None),
    ] {
        assert_eq!(no_proxy_entry(raw).as_deref(), expected, "{raw:?}");
    }
}

#[test]
fn a_desktop_proxy_becomes_a_reqwest_proxy_with_its_exceptions() {
    let found = DesktopProxy {
        address: ProxyAddress::parse_url("http://proxy:3128").unwrap(),
        no_proxy: vec![".intra.example".into()],
    };
    assert!(to_reqwest(Desktop::Gnome, Setting::Manual(found), Some("a.example, b")).is_some());
    assert!(to_reqwest(Desktop::Kde, Setting::Direct, None).is_none());
    assert!(to_reqwest(Desktop::Kde, Setting::Unusable("PAC".into()), None).is_none());
}

#[test]
fn the_environment_is_honoured_before_anything_is_run() {
    // A proxy in the environment: the desktop is not even asked (gsettings is
    // never run, kioslaverc never read), whatever XDG_CURRENT_DESKTOP says.
    let env = ProxyEnvironment::empty()
        .with("HTTPS_PROXY", "http://env-proxy:1")
        .with("XDG_CURRENT_DESKTOP", "GNOME")
        .with("PATH", "/nonexistent");
    assert!(system_proxy(&env).is_none());
    // No desktop we know: nothing either.
    let env = ProxyEnvironment::empty().with("XDG_CURRENT_DESKTOP", "XFCE");
    assert!(system_proxy(&env).is_none());
    // GNOME without a runnable gsettings: nothing, no panic.
    let env = ProxyEnvironment::empty()
        .with("XDG_CURRENT_DESKTOP", "GNOME")
        .with("PATH", "/nonexistent");
    assert!(system_proxy(&env).is_none());
}
