//! `[network]`: the proxy choice and the time limits, and a proxy password that is
//! accepted but never repeated.

use super::*;

fn url(text: &str) -> shomei_est::ProxyChoice {
    shomei_est::ProxyChoice::Url(shomei_est::ProxyAddress::parse_url(text).unwrap())
}

fn network(lines: &str) -> String {
    format!("{BASE}[network]\n{lines}\n")
}

#[test]
fn proxy_choices_and_time_limits_are_read() {
    let p = parse(&network(""), Path::new("bank.toml")).unwrap();
    assert_eq!(p.network, NetworkSection::default());
    assert_eq!(p.network.proxy, shomei_est::ProxyChoice::System);
    assert_eq!(
        (p.network.timeout_seconds, p.network.connect_timeout_seconds),
        (60, 15)
    );
    for (value, expected) in [
        ("system", shomei_est::ProxyChoice::System),
        ("direct", shomei_est::ProxyChoice::Direct),
        (
            "http://proxy.corp.example:8080",
            url("http://proxy.corp.example:8080"),
        ),
        ("http://[fd00::1]:3128/", url("http://[fd00::1]:3128/")),
        (
            "http://shomei:p%40ss@10.0.0.1:8080",
            url("http://shomei:p%40ss@10.0.0.1:8080"),
        ),
    ] {
        let text = network(&format!("proxy = \"{value}\""));
        let p = parse(&text, Path::new("bank.toml")).unwrap_or_else(|e| panic!("{value}: {e:#?}"));
        assert_eq!(p.network.proxy, expected, "{value}");
    }
    let text = network("timeout_seconds = 600\nconnect_timeout_seconds = 600");
    assert_eq!(issues(&text).len(), 1, "connect may not exceed the whole");
    let text = network("timeout_seconds = 5\nconnect_timeout_seconds = 5");
    let p = parse(&text, Path::new("bank.toml")).unwrap();
    assert_eq!(
        (p.network.timeout_seconds, p.network.connect_timeout_seconds),
        (5, 5)
    );
}

#[test]
fn each_network_error_points_at_its_key() {
    let cases: Vec<(String, &str, usize, &str)> = vec![
        (
            network("proxy = \"auto\""),
            "network.proxy",
            6,
            "\"system\"",
        ),
        (
            network("proxy = \"proxy.corp:8080\""),
            "network.proxy",
            6,
            "\"system\"",
        ),
        (network("proxy = \"\""), "network.proxy", 6, "Empty"),
        (network("proxy = 8080"), "network.proxy", 6, "a string"),
        (
            network("proxy = \"https://proxy:8443\""),
            "network.proxy",
            6,
            "http://",
        ),
        (
            network("proxy = \"socks5://proxy:1080\""),
            "network.proxy",
            6,
            "socks",
        ),
        (
            network("proxy = \"http://proxy\""),
            "network.proxy",
            6,
            "port",
        ),
        (
            network("proxy = \"http://proxy:0\""),
            "network.proxy",
            6,
            "65535",
        ),
        (
            network("proxy = \"http://proxy:99999\""),
            "network.proxy",
            6,
            "65535",
        ),
        (
            network("proxy = \"http://proxy:80x\""),
            "network.proxy",
            6,
            "65535",
        ),
        (
            network("proxy = \"http://:8080\""),
            "network.proxy",
            6,
            "host",
        ),
        (
            network("proxy = \"http://::1:8080\""),
            "network.proxy",
            6,
            "[::1]",
        ),
        (
            network("proxy = \"http://pro xy:8080\""),
            "network.proxy",
            6,
            "host",
        ),
        (
            network("proxy = \"http://proxy:8080/pac\""),
            "network.proxy",
            6,
            "follow",
        ),
        (
            network("proxy = \"http://a b:pw@proxy:8080\""),
            "network.proxy",
            6,
            "percent",
        ),
        (
            network("timeout_seconds = 4"),
            "network.timeout_seconds",
            6,
            "5 and 600",
        ),
        (
            network("timeout_seconds = 601"),
            "network.timeout_seconds",
            6,
            "5 and 600",
        ),
        (
            network("timeout_seconds = \"60\""),
            "network.timeout_seconds",
            6,
            "integer",
        ),
        (
            network("connect_timeout_seconds = 0"),
            "network.connect_timeout_seconds",
            6,
            "1 and 120",
        ),
        (
            network("timeout_seconds = 10\nconnect_timeout_seconds = 11"),
            "network.connect_timeout_seconds",
            7,
            "timeout_seconds (10 s)",
        ),
        (
            network("pac_url = \"http://wpad/x.pac\""),
            "network.pac_url",
            6,
            "unknown field",
        ),
        (
            format!("{BASE}network = \"direct\"\n"),
            "est.network",
            5,
            "unknown field",
        ),
        (
            format!("network = \"direct\"\n{BASE}"),
            "network",
            1,
            "a table",
        ),
    ];
    for (text, field, line, says) in cases {
        let issue = one_issue(&text, field, line);
        assert!(issue.en.contains(says), "{text}\n{issue}");
    }
}

#[test]
fn a_refused_proxy_url_never_repeats_its_password() {
    for url in [
        "http://shomei:hunter2@proxy",
        "https://shomei:hunter2@proxy:8443",
        "http://shomei:hunter2@proxy:8080/x",
        "http://shomei:hun ter2@proxy:8080",
        "shomei:hunter2@proxy:8080",
    ] {
        let text = network(&format!("proxy = \"{url}\""));
        let issue = one_issue(&text, "network.proxy", 6);
        let shown = issue.to_string();
        assert!(
            !shown.contains("hunter2") && !shown.contains("hun ter2"),
            "{url}: {shown}"
        );
        assert!(shown.contains("<redacted>@proxy"), "{url}: {shown}");
    }
    // Nor does a valid one in the profile's Debug (what a log would print).
    let text = network("proxy = \"http://shomei:hunter2@proxy:8080\"");
    let p = parse(&text, Path::new("bank.toml")).unwrap();
    let shown = format!("{p:?}");
    assert!(!shown.contains("hunter2"), "{shown}");
}

/// Whether a type implements `serde::Serialize`, decided by the compiler: the
/// inherent constant exists only when it does, and is then chosen over the
/// trait's.
struct Serializable<T: ?Sized>(std::marker::PhantomData<T>);

trait NotSerializable {
    const IS: bool = false;
}

impl<T: ?Sized> NotSerializable for Serializable<T> {}

impl<T: ?Sized + serde::Serialize> Serializable<T> {
    const IS: bool = true;
}

/// Checked when the tests compile: a `Serialize` added to any of these fails the build.
const _: () = {
    // The probe can tell (a String is serializable, a SecretString is not)...
    assert!(Serializable::<String>::IS);
    assert!(Serializable::<crate::model::ErrorView>::IS);
    assert!(!Serializable::<secrecy::SecretString>::IS);
    // ...and nothing that holds a proxy password is.
    assert!(!Serializable::<shomei_est::ProxyAddress>::IS);
    assert!(!Serializable::<shomei_est::ProxyChoice>::IS);
    assert!(!Serializable::<shomei_est::EstOptions>::IS);
    assert!(!Serializable::<NetworkSection>::IS);
    assert!(!Serializable::<BankProfile>::IS);
};

#[test]
fn a_proxy_password_is_a_secret_from_the_profile_to_the_client() {
    let text = network("proxy = \"http://shomei:hunter2%21@proxy:8080\"");
    let p = parse(&text, Path::new("bank.toml")).unwrap();
    let shomei_est::ProxyChoice::Url(address) = &p.network.proxy else {
        panic!("{:?}", p.network.proxy);
    };
    // Only what reqwest is handed holds it.
    use secrecy::ExposeSecret;
    assert_eq!(
        address.url().expose_secret(),
        "http://shomei:hunter2%21@proxy:8080"
    );
    let options = crate::network::est_options(&p);
    for shown in [
        format!("{address:?}"),
        format!("{address}"),
        format!("{:?}", p.network),
        format!("{options:?}"),
        format!("{p:?}"),
    ] {
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("<redacted>@proxy:8080"), "{shown}");
    }
}
