//! The updater's configuration as this build carries it, made strict before the app is
//! built: every endpoint https, the signature must name the version it was made for
//! (`requireSignedVersion`), no downgrades, no `dangerous*` switch. A configuration
//! Shomei refuses is removed, so the plugin never reads it.

use shomei_engine::model::UpdateProblem;
use shomei_engine::updates;

/// What this build's configuration allows.
#[derive(Debug, Clone, PartialEq)]
pub enum Setup {
    /// No updater configuration: no plugin, no request, ever.
    Off,
    /// A configuration Shomei refuses (an http endpoint, no key): no plugin; the
    /// window says why.
    Refused(UpdateProblem, String),
    On,
}

/// Reads `plugins.updater` from the build's configuration and makes it strict
/// (see the module's words). A refused configuration is removed, so nothing reads it.
pub fn prepare(config: &mut tauri::Config) -> Setup {
    let plugins = &mut config.plugins.0;
    let Some(updater) = plugins.get_mut("updater") else {
        return Setup::Off;
    };
    let setup = match strict(updater) {
        Ok(()) => Setup::On,
        Err((problem, why)) => Setup::Refused(problem, why),
    };
    if setup != Setup::On {
        plugins.remove("updater");
    }
    setup
}

fn strict(updater: &mut serde_json::Value) -> Result<(), (UpdateProblem, String)> {
    let internal = |why: &str| (UpdateProblem::Internal, why.to_owned());
    let object = updater
        .as_object_mut()
        .ok_or_else(|| internal("plugins.updater is not an object"))?;
    let pubkey = object.get("pubkey").and_then(|k| k.as_str()).unwrap_or("");
    if pubkey.trim().is_empty() {
        return Err(internal("plugins.updater.pubkey is missing"));
    }
    let endpoints: Vec<&str> = object
        .get("endpoints")
        .and_then(|e| e.as_array())
        .map(|a| a.iter().filter_map(|e| e.as_str()).collect())
        .unwrap_or_default();
    updates::endpoints_secure(endpoints.iter().copied()).map_err(|problem| {
        (
            problem,
            format!("plugins.updater.endpoints must be https URLs: {endpoints:?}"),
        )
    })?;
    object.insert("requireSignedVersion".into(), true.into());
    object.insert("allowDowngrades".into(), false.into());
    for switch in [
        "dangerousInsecureTransportProtocol",
        "dangerousAcceptInvalidCerts",
        "dangerousAcceptInvalidHostnames",
    ] {
        object.insert(switch.into(), false.into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(updater: serde_json::Value) -> tauri::Config {
        let mut config = tauri::Config::default();
        config.plugins.0.insert("updater".into(), updater);
        config
    }

    #[test]
    fn no_configuration_no_updater() {
        assert_eq!(prepare(&mut tauri::Config::default()), Setup::Off);
    }

    #[test]
    fn a_configuration_is_made_strict() {
        let mut c = config(serde_json::json!({
            "pubkey": "dW50cnVzdGVkIGNvbW1lbnQ6IG1pbmlzaWduIHB1YmxpYyBrZXk=",
            "endpoints": ["https://updates.example.jp/shomei/latest.json"],
            "allowDowngrades": true,
            "dangerousAcceptInvalidCerts": true,
            "dangerousInsecureTransportProtocol": true,
        }));
        assert_eq!(prepare(&mut c), Setup::On);
        let u = &c.plugins.0["updater"];
        assert_eq!(u["requireSignedVersion"], true);
        assert_eq!(u["allowDowngrades"], false);
        assert_eq!(u["dangerousAcceptInvalidCerts"], false);
        assert_eq!(u["dangerousInsecureTransportProtocol"], false);
        // The plugin reads it as Shomei left it.
        let parsed: tauri_plugin_updater::Config = serde_json::from_value(u.clone()).unwrap();
        assert!(parsed.require_signed_version && !parsed.allow_downgrades);
    }

    #[test]
    fn http_endpoints_and_missing_keys_are_refused_and_removed() {
        for bad in [
            serde_json::json!({"pubkey": "k", "endpoints": ["http://127.0.0.1:1/latest.json"]}),
            serde_json::json!({"pubkey": "k", "endpoints": ["https://a/x", "http://b/y"]}),
            serde_json::json!({"pubkey": "k", "endpoints": []}),
            serde_json::json!({"pubkey": "", "endpoints": ["https://a/x"]}),
            serde_json::json!({"endpoints": ["https://a/x"]}),
            serde_json::json!("https://a/x"),
        ] {
            let mut c = config(bad.clone());
            assert!(matches!(prepare(&mut c), Setup::Refused(..)), "{bad}");
            assert!(!c.plugins.0.contains_key("updater"), "{bad}");
        }
        let mut c = config(serde_json::json!({"pubkey": "k", "endpoints": ["http://a/x"]}));
        assert!(matches!(
            prepare(&mut c),
            Setup::Refused(UpdateProblem::InsecureEndpoint, _)
        ));
    }
}
