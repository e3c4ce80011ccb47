//! The window's hardening as configured: a change that loosens it fails here, not
//! in a review. (The commands' own checks are `validate`'s tests; the web side's
//! view of them is tests/e2e/hostile.test.mjs.)

const CONF: &str = include_str!("../../tauri.conf.json");
const CAPABILITY: &str = include_str!("../capabilities/default.json");
const MANIFEST: &str = include_str!("../../Cargo.toml");

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).expect("valid JSON")
}

#[test]
fn the_csp_allows_only_the_apps_own_files_and_its_ipc() {
    let conf = json(CONF);
    let csp = conf["app"]["security"]["csp"]
        .as_str()
        .expect("a CSP string");
    let directives: Vec<(&str, Vec<&str>)> = csp
        .split(';')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(|d| {
            let mut words = d.split_whitespace();
            (words.next().unwrap(), words.collect())
        })
        .collect();
    let sources = |name: &str| {
        directives
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, s)| s.clone())
            .unwrap_or_else(|| panic!("no {name} in {csp}"))
    };
    assert_eq!(sources("default-src"), ["'none'"]);
    assert_eq!(sources("script-src"), ["'self'"]);
    assert_eq!(sources("style-src"), ["'self'"]);
    assert_eq!(sources("object-src"), ["'none'"]);
    assert_eq!(sources("base-uri"), ["'none'"]);
    assert_eq!(sources("connect-src"), ["ipc:", "http://ipc.localhost"]);
    for (name, list) in &directives {
        for source in list {
            assert!(
                !source.contains("unsafe") && *source != "*" && *source != "data:",
                "{name} allows {source}"
            );
            let remote = source.starts_with("http") || source.starts_with("ws");
            assert!(
                !remote || *source == "http://ipc.localhost",
                "{name} allows remote {source}"
            );
        }
    }
    let security = &conf["app"]["security"];
    for loosening in [
        "dangerousDisableAssetCspModification",
        "devCsp",
        "assetProtocol",
    ] {
        assert!(security.get(loosening).is_none(), "{loosening} is set");
    }
}

#[test]
fn no_dev_server_and_no_remote_pages() {
    let conf = json(CONF);
    assert!(conf["build"].get("devUrl").is_none());
    assert_eq!(conf["build"]["frontendDist"], "ui/dist");
    for window in conf["app"]["windows"].as_array().unwrap() {
        assert!(window.get("url").is_none(), "a window with its own url");
    }
    for url in ["tauri://localhost/", "http://tauri.localhost/index.html"] {
        assert!(crate::lifecycle::is_ours(&url.parse().unwrap()), "{url}");
    }
    for url in [
        "https://example.com/",
        "http://localhost:1420/",
        "tauri://evil.example/",
        "file:///etc/passwd",
        "data:text/html,<p>x</p>",
        "https://tauri.localhost.example.com/",
    ] {
        assert!(!crate::lifecycle::is_ours(&url.parse().unwrap()), "{url}");
    }
}

#[test]
fn devtools_are_not_compiled_into_release() {
    // Tauri opens the inspector in release builds only with its `devtools` feature.
    let tauri = MANIFEST
        .lines()
        .find(|l| l.starts_with("tauri = "))
        .expect("the tauri dependency");
    assert!(!tauri.contains("devtools"), "{tauri}");
}

#[test]
fn the_window_gets_no_core_default_and_no_plugin_permission() {
    let capability = json(CAPABILITY);
    let permissions: Vec<&str> = capability["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().expect("plain permission names"))
        .collect();
    let core: Vec<&str> = permissions
        .iter()
        .copied()
        .filter(|p| p.contains(':'))
        .collect();
    assert_eq!(
        core,
        [
            "core:event:allow-listen",
            "core:event:allow-unlisten",
            "core:window:allow-set-title"
        ],
        "only what ui/src/lib/backend/tauri.ts uses"
    );
    assert!(permissions
        .iter()
        .all(|p| p.contains(':') || p.starts_with("allow-")));
    assert_eq!(capability["windows"], serde_json::json!(["main"]));
    assert!(
        capability.get("remote").is_none(),
        "no remote origin may call"
    );
}
