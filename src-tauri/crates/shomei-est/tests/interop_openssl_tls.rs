//! Interoperability with OpenSSL (SPEC §6, issue 4): `EstClient` authenticates with a
//! client certificate to `openssl s_server -Verify 1 -verify_return_error -HTTP` over
//! TLS 1.2 and TLS 1.3, and `cacerts()` parses the base64 PKCS#7 that `openssl
//! crl2pkcs7` + `openssl base64` made; a server whose certificate is not from the
//! pinned CA is `EstError::ServerNotTrusted`. The PKI is made with the openssl CLI; the
//! client's key is a software key behind a `KeyHandle`. Without `openssl` the tests
//! print a loud SKIPPED notice, or fail when `SHOMEI_REQUIRE_INTEROP=1` (CI).

mod openssl_common;

use openssl_common::*;
use shomei_est::{ClientIdentity, EstClient, EstEndpoint, EstError};

// ---------------------------------------------------------------------------------------
// 1. TLS client authentication against openssl s_server.

async fn client_auth_against_s_server(test: &str, tls: &str) {
    if !openssl_available(test) {
        return;
    }
    let pki = Pki::new();
    pki.ca("ca", "Interop Bank CA");
    pki.server("server", "ca");
    let key = Arc::new(SoftKey::generate());
    let client_cn = format!("Shomei Interop Client {tls}");
    pki.client("client", "ca", &key, &client_cn);

    let ca_der = pki.der("ca");
    let p7 = pki.crl2pkcs7(&["ca"]);
    let docroot = docroot_with_cacerts(&pki, &pki.base64(&p7, false));
    let server = SServer::start(&pki, &docroot, "server", "ca", tls);

    let endpoint = EstEndpoint {
        base_url: server.base_url(),
        label: None,
        pinned_roots: vec![CertificateDer::from(ca_der.clone())],
    };
    let client = EstClient::new(
        endpoint.clone(),
        Some(ClientIdentity {
            chain: vec![pem_der(&pki, "client")],
            key: key.clone(),
        }),
    )
    .expect("client");
    let got = bounded("cacerts", client.cacerts()).await;
    let log = server.log();
    let got = got.unwrap_or_else(|e| panic!("{test}: cacerts failed: {e}\ns_server:\n{log}"));
    // OpenSSL's own PKCS#7, through OpenSSL's HTTP answer, parsed by us.
    assert_eq!(got, vec![ca_der.clone()], "s_server log:\n{log}");
    // s_server verified OUR certificate (its verify callback prints every chain element).
    assert!(
        log.contains(&format!("CN = {client_cn}")) && log.contains("verify return:1"),
        "s_server did not report verifying the client certificate:\n{log}"
    );
    assert!(
        !log.contains("verify error"),
        "s_server reported a verify error:\n{log}"
    );

    // Control: the same server refuses a client without a certificate, so the success
    // above really was the client certificate's.
    let anonymous = EstClient::new(endpoint, None).expect("client");
    match bounded("anonymous cacerts", anonymous.cacerts()).await {
        // TLS 1.2 fails the handshake (nothing sent); TLS 1.3 may fail only after the
        // request was written, when the server's alert arrives.
        Err(EstError::Unreachable(_) | EstError::NotSent(_)) => {}
        other => panic!(
            "{test}: s_server -Verify 1 -verify_return_error accepted a client without a certificate: {other:?}\n{}",
            server.log()
        ),
    }
}

#[tokio::test]
async fn interop_client_auth_openssl_s_server_tls12() {
    client_auth_against_s_server("interop_client_auth_openssl_s_server_tls12", "-tls1_2").await;
}

#[tokio::test]
async fn interop_client_auth_openssl_s_server_tls13() {
    client_auth_against_s_server("interop_client_auth_openssl_s_server_tls13", "-tls1_3").await;
}

#[tokio::test]
async fn interop_s_server_not_from_the_pinned_ca_is_unreachable() {
    let test = "interop_s_server_not_from_the_pinned_ca_is_unreachable";
    if !openssl_available(test) {
        return;
    }
    let pki = Pki::new();
    pki.ca("ca", "Interop Bank CA");
    pki.ca("proxy", "Intercepting Proxy CA");
    // Same name and address, but issued by a CA the profile does not pin.
    pki.server("server", "proxy");
    let key = Arc::new(SoftKey::generate());
    pki.client("client", "ca", &key, "Shomei Interop Client");
    let p7 = pki.crl2pkcs7(&["ca"]);
    let docroot = docroot_with_cacerts(&pki, &pki.base64(&p7, false));
    let server = SServer::start(&pki, &docroot, "server", "ca", "-tls1_3");

    let client = EstClient::new(
        EstEndpoint {
            base_url: server.base_url(),
            label: None,
            pinned_roots: vec![pem_der(&pki, "ca")],
        },
        Some(ClientIdentity {
            chain: vec![pem_der(&pki, "client")],
            key,
        }),
    )
    .expect("client");
    match bounded("cacerts", client.cacerts()).await {
        Err(EstError::ServerNotTrusted(why)) => assert!(
            why.to_lowercase().contains("certificate"),
            "the reason should name the certificate problem: {why}"
        ),
        other => panic!("expected EstError::ServerNotTrusted, got {other:?}"),
    }
}
