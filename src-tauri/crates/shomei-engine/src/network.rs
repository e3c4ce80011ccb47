//! The way to the bank: the profile's `[network]` section as the EST client's options.
//!
//! `proxy = "system"` (the default) leaves the choice to `shomei-est`: the
//! environment's `HTTPS_PROXY`/`NO_PROXY`, the OS's setting on Windows and macOS,
//! and on Linux the GNOME/KDE desktop's manual proxy.

use std::time::Duration;

use crate::profile::BankProfile;

/// The EST client's options for this bank: its proxy choice and time limits.
pub fn est_options(profile: &BankProfile) -> shomei_est::EstOptions {
    let network = &profile.network;
    shomei_est::EstOptions {
        timeout: Duration::from_secs(network.timeout_seconds.into()),
        connect_timeout: Duration::from_secs(network.connect_timeout_seconds.into()),
        proxy: network.proxy.clone(),
        ..shomei_est::EstOptions::default()
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use shomei_est::{EstOptions, ProxyChoice};

    use super::*;

    const BASE: &str =
        "name = \"x\"\n[est]\nbase_url = \"https://e.example\"\nca_file = \"ca.pem\"\n";

    fn options(network: &str) -> EstOptions {
        let text = format!("{BASE}[network]\n{network}\n");
        let profile =
            BankProfile::parse(&text, Path::new("bank.toml")).unwrap_or_else(|e| panic!("{e:#?}"));
        est_options(&profile)
    }

    #[test]
    fn without_a_network_section_the_client_defaults_hold() {
        let profile = BankProfile::parse(BASE, Path::new("bank.toml")).unwrap();
        assert_eq!(est_options(&profile), EstOptions::default());
        assert_eq!(options(""), EstOptions::default());
    }

    #[test]
    fn proxy_and_timeouts_reach_the_client() {
        assert_eq!(options("proxy = \"direct\"").proxy, ProxyChoice::Direct);
        assert_eq!(options("proxy = \"system\"").proxy, ProxyChoice::System);
        let o = options(
            "proxy = \"http://shomei:pw%40x@proxy.corp.example:8080\"\n\
             timeout_seconds = 120\nconnect_timeout_seconds = 5",
        );
        assert_eq!(
            o.proxy,
            ProxyChoice::Url(
                shomei_est::ProxyAddress::parse_url("http://shomei:pw%40x@proxy.corp.example:8080")
                    .unwrap()
            )
        );
        assert_eq!(o.timeout, Duration::from_secs(120));
        assert_eq!(o.connect_timeout, Duration::from_secs(5));
        let shown = format!("{o:?}");
        assert!(
            !shown.contains("pw%40x") && !shown.contains("shomei:"),
            "{shown}"
        );
        assert!(shown.contains("proxy.corp.example:8080"), "{shown}");
    }
}
