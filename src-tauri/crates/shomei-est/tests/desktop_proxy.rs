//! The Linux desktop's proxy setting, end to end: a renewal through a real CONNECT
//! proxy on 127.0.0.1 because the desktop says so, and directly when its exceptions
//! or an unsupported mode say so.
//!
//! GNOME: the real `gsettings` with `GSETTINGS_BACKEND=keyfile` and `XDG_CONFIG_HOME`
//! in a temporary directory, so what one `gsettings set` writes the client's own
//! `gsettings` run reads (Debian: libglib2.0-bin, gsettings-desktop-schemas). Without
//! them these tests are skipped loudly, or fail when `SHOMEI_REQUIRE_DESKTOP_PROXY=1`
//! (CI). KDE: a real `kioslaverc` file.
//!
//! Every test passes its own [`ProxyEnvironment`]: nothing changes this process's
//! environment (tests run on parallel threads).
#![cfg(target_os = "linux")]

mod connect_proxy;
mod misbehaviour_common;

use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use connect_proxy::{proxy, Proxy};
use misbehaviour_common::{current_certificate, roots, Bank, SoftKey};
use rustls_pki_types::CertificateDer;
use shomei_est::{ClientIdentity, EstClient, EstEndpoint, EstOptions, ProxyEnvironment};
use shomei_testca::{EstServer, ServerOptions, TestCa};

/// This process's environment without any proxy variable, the desktop's settings
/// kept in `config` (and no system-wide copies).
fn environment(config: &Path, desktop: &str) -> ProxyEnvironment {
    let mut env = ProxyEnvironment::from_process();
    for key in [
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
        "NO_PROXY",
        "no_proxy",
    ] {
        env = env.without(key);
    }
    env.with("XDG_CURRENT_DESKTOP", desktop)
        .with("XDG_CONFIG_HOME", config)
        .with("XDG_CONFIG_DIRS", config.join("no-system-config"))
        .with("GSETTINGS_BACKEND", "keyfile")
}

/// A test CA and a client whose system proxy is looked up in `env`.
async fn bank_in(env: &ProxyEnvironment) -> Bank {
    let ca = Arc::new(TestCa::generate("Shomei Test CA").unwrap());
    let server = EstServer::start(Arc::clone(&ca), ServerOptions::default())
        .await
        .unwrap();
    let key = Arc::new(SoftKey::generate());
    let current = current_certificate(&ca, &key);
    let client = EstClient::with_options_in(
        EstEndpoint {
            base_url: server.base_url(),
            label: None,
            pinned_roots: roots(&ca),
        },
        Some(ClientIdentity {
            chain: vec![CertificateDer::from(current.der.clone())],
            key,
        }),
        EstOptions::default(),
        env,
    )
    .unwrap();
    Bank {
        ca,
        server,
        current,
        client,
    }
}

/// Renew through a client configured by `env`; how many tunnels `p` opened.
async fn renew_counting(env: &ProxyEnvironment, p: &Proxy) -> usize {
    let bank = bank_in(env).await;
    bank.renew().await.expect("renewed");
    assert_eq!(bank.server.issued_count(), 1);
    p.tunnels()
}

// --- GNOME ------------------------------------------------------------------------------

/// `gsettings` on the keyfile back end in `config`, as a user's session would run it.
fn gsettings(config: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new("gsettings")
        .args(args)
        .env("GSETTINGS_BACKEND", "keyfile")
        .env("XDG_CONFIG_HOME", config)
        .output()
        .map_err(|e| format!("cannot run gsettings: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(format!(
            "gsettings {args:?}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// A temporary settings directory if `gsettings` and the GNOME proxy schema are
/// there; otherwise `None` after a loud skip (or a failure when they are required).
fn gnome_settings(test: &str) -> Option<tempfile::TempDir> {
    let dir = tempfile::tempdir().unwrap();
    match gsettings(dir.path(), &["list-keys", "org.gnome.system.proxy.https"]) {
        Ok(_) => Some(dir),
        Err(why) => {
            if std::env::var("SHOMEI_REQUIRE_DESKTOP_PROXY").as_deref() == Ok("1") {
                panic!("{test}: gsettings with the org.gnome.system.proxy schema is required (SHOMEI_REQUIRE_DESKTOP_PROXY=1): {why}");
            }
            eprintln!(
                "\n*** SKIPPED {test}: gsettings or the org.gnome.system.proxy schema is missing \
                 (Debian: libglib2.0-bin gsettings-desktop-schemas): {why} ***\n"
            );
            None
        }
    }
}

fn set(config: &Path, schema: &str, key: &str, value: &str) {
    gsettings(config, &["set", schema, key, value]).unwrap();
}

/// Manual mode, the https proxy at `p`, these ignore-hosts.
fn gnome_manual(config: &Path, p: &Proxy, ignore_hosts: &str) {
    set(config, "org.gnome.system.proxy", "mode", "manual");
    set(
        config,
        "org.gnome.system.proxy.https",
        "host",
        &p.addr.ip().to_string(),
    );
    set(
        config,
        "org.gnome.system.proxy.https",
        "port",
        &p.addr.port().to_string(),
    );
    set(
        config,
        "org.gnome.system.proxy",
        "ignore-hosts",
        ignore_hosts,
    );
    assert!(
        config.join("glib-2.0/settings/keyfile").is_file(),
        "the keyfile back end keeps the settings in a file"
    );
}

#[tokio::test]
async fn gnome_manual_proxy_carries_the_renewal() {
    let Some(dir) = gnome_settings("gnome_manual_proxy_carries_the_renewal") else {
        return;
    };
    let p = proxy(None, None).await;
    // The default ignore-hosts hold 127.0.0.0/8, where the test bank is.
    gnome_manual(dir.path(), &p, "['example.invalid', '*.intra.example']");
    let env = environment(dir.path(), "ubuntu:GNOME");
    assert!(
        renew_counting(&env, &p).await >= 1,
        "went through the proxy"
    );
}

#[tokio::test]
async fn gnome_ignore_hosts_go_direct() {
    let Some(dir) = gnome_settings("gnome_ignore_hosts_go_direct") else {
        return;
    };
    let p = proxy(None, None).await;
    gnome_manual(dir.path(), &p, "['localhost', '127.0.0.0/8', '::1']");
    let env = environment(dir.path(), "GNOME");
    assert_eq!(
        renew_counting(&env, &p).await,
        0,
        "127.0.0.1 is an exception"
    );
}

#[tokio::test]
async fn gnome_http_proxy_with_its_password_serves_https_too() {
    let Some(dir) = gnome_settings("gnome_http_proxy_with_its_password_serves_https_too") else {
        return;
    };
    let p = proxy(Some("s3cret pw@"), None).await;
    let config = dir.path();
    set(config, "org.gnome.system.proxy", "mode", "manual");
    set(config, "org.gnome.system.proxy", "ignore-hosts", "@as []");
    let http = "org.gnome.system.proxy.http";
    set(config, http, "host", &p.addr.ip().to_string());
    set(config, http, "port", &p.addr.port().to_string());
    set(config, http, "use-authentication", "true");
    set(config, http, "authentication-user", "shomei");
    set(config, http, "authentication-password", "s3cret pw@");
    let env = environment(config, "GNOME");
    assert_eq!(renew_counting(&env, &p).await, 1);
}

#[tokio::test]
async fn gnome_automatic_configuration_is_not_guessed() {
    let Some(dir) = gnome_settings("gnome_automatic_configuration_is_not_guessed") else {
        return;
    };
    let p = proxy(None, None).await;
    gnome_manual(dir.path(), &p, "@as []");
    set(dir.path(), "org.gnome.system.proxy", "mode", "auto");
    set(
        dir.path(),
        "org.gnome.system.proxy",
        "autoconfig-url",
        "http://wpad.example.invalid/proxy.pac",
    );
    let env = environment(dir.path(), "GNOME");
    assert_eq!(renew_counting(&env, &p).await, 0, "PAC: direct, logged");
}

#[tokio::test]
async fn an_environment_proxy_wins_over_gnome() {
    let Some(dir) = gnome_settings("an_environment_proxy_wins_over_gnome") else {
        return;
    };
    let p = proxy(None, None).await;
    gnome_manual(dir.path(), &p, "@as []");
    // The environment names a proxy: the desktop is not consulted (reqwest then
    // reads the process's own environment, which names none here).
    let env = environment(dir.path(), "GNOME").with("HTTPS_PROXY", "http://127.0.0.1:9");
    assert_eq!(renew_counting(&env, &p).await, 0);
}

// --- KDE --------------------------------------------------------------------------------

fn kioslaverc(config: &Path, body: &str) {
    std::fs::write(
        config.join("kioslaverc"),
        format!("[General]\nhttpsProxy=http://wrong.invalid 1\n\n[Proxy Settings]\n{body}"),
    )
    .unwrap();
}

#[tokio::test]
async fn kde_manual_proxy_carries_the_renewal() {
    let dir = tempfile::tempdir().unwrap();
    let p = proxy(None, None).await;
    kioslaverc(
        dir.path(),
        &format!(
            "NoProxyFor=localhost,.intra.example\nProxyType=1\nhttpsProxy=http://{} {}\n",
            p.addr.ip(),
            p.addr.port()
        ),
    );
    let env = environment(dir.path(), "KDE");
    assert!(
        renew_counting(&env, &p).await >= 1,
        "went through the proxy"
    );
}

#[tokio::test]
async fn kde_no_proxy_for_goes_direct() {
    let dir = tempfile::tempdir().unwrap();
    let p = proxy(None, None).await;
    kioslaverc(
        dir.path(),
        &format!(
            "NoProxyFor=localhost,127.0.0.1\nProxyType=1\nhttpsProxy=http://{}:{}\n",
            p.addr.ip(),
            p.addr.port()
        ),
    );
    let env = environment(dir.path(), "KDE");
    assert_eq!(
        renew_counting(&env, &p).await,
        0,
        "127.0.0.1 is an exception"
    );
}

#[tokio::test]
async fn kde_pac_and_system_wide_settings() {
    let dir = tempfile::tempdir().unwrap();
    let p = proxy(None, None).await;
    // An administrator's system-wide file names the proxy; the user's switches to PAC.
    let system = dir.path().join("no-system-config");
    std::fs::create_dir_all(&system).unwrap();
    std::fs::write(
        system.join("kioslaverc"),
        format!(
            "[Proxy Settings]\nProxyType=1\nhttpsProxy=http://{} {}\n",
            p.addr.ip(),
            p.addr.port()
        ),
    )
    .unwrap();
    let env = environment(dir.path(), "KDE");
    assert!(
        renew_counting(&env, &p).await >= 1,
        "the system-wide setting"
    );
    let before = p.tunnels();
    kioslaverc(
        dir.path(),
        "ProxyType=2\nProxy Config Script=http://wpad.invalid/x.pac\n",
    );
    assert_eq!(
        renew_counting(&env, &p).await,
        before,
        "PAC: direct, logged"
    );
}
