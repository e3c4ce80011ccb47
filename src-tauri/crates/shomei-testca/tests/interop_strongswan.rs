//! Interoperability of the project's EST test CA with strongSwan's EST client, an
//! implementation we did not write (SPEC §6, issue 4): `pki --est` re-enrolls against
//! `EstServer` over real TLS with client-certificate authentication on 127.0.0.1.
//!
//! Every key and request on the client side is made by strongSwan (`pki --gen`,
//! `pki --req`); the CA is `TestCa`. Debian packages: strongswan-pki (the `pki` tool) and
//! libstrongswan-extra-plugins (its curl fetcher, which `--est` needs). Without `pki` on
//! PATH the test prints a loud SKIPPED notice, or fails when `SHOMEI_REQUIRE_INTEROP=1` (CI).
//! Every `pki` process is bounded in time and killed if it overruns.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::time::Duration;

use shomei_testca::{EstServer, ServerOptions, TestCa};
use time::OffsetDateTime;
use x509_parser::prelude::{FromDer, X509Certificate, X509CertificationRequest};

/// Bound on every `pki` command (`--est` polls only on 202, which the server does not send).
const PKI_TIMEOUT: Duration = Duration::from_secs(60);

/// The subject of the identity being renewed (ASCII, so strongSwan writes PrintableString
/// and rcgen keeps it byte for byte).
const DN: &str = "C=JP, O=Shomei Interop Shinkin, CN=Interop Corp 001";

/// True when `pki` runs. Otherwise: panic under `SHOMEI_REQUIRE_INTEROP=1`, or a loud
/// notice and false.
fn pki_available(test: &str) -> bool {
    let ok = Command::new("pki")
        .arg("--help")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    if ok {
        return true;
    }
    if std::env::var("SHOMEI_REQUIRE_INTEROP").as_deref() == Ok("1") {
        panic!(
            "{test}: strongSwan `pki` is not installed (Debian strongswan-pki, \
             libstrongswan-extra-plugins) but SHOMEI_REQUIRE_INTEROP=1"
        );
    }
    eprintln!(
        "\n*** SKIPPED {test}: strongSwan `pki` is not installed (Debian strongswan-pki, \
         libstrongswan-extra-plugins; set SHOMEI_REQUIRE_INTEROP=1 to fail instead) ***\n"
    );
    false
}

/// Runs `pki` in `dir` with a deadline. Blocking: call it from `spawn_blocking`
/// while the test CA serves on the runtime.
fn pki(dir: &Path, args: &[&str]) -> Output {
    shomei_testca::tool::run_with_deadline(dir, "pki", args, PKI_TIMEOUT)
}

fn pki_ok(dir: &Path, args: &[&str]) -> Vec<u8> {
    let out = pki(dir, args);
    assert!(
        out.status.success(),
        "pki {args:?} failed ({}): {}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn pem(label: &str, der: &[u8]) -> String {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).unwrap());
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interop_strongswan_pki_est_reenrolls_with_the_test_ca() {
    let test = "interop_strongswan_pki_est_reenrolls_with_the_test_ca";
    if !pki_available(test) {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path().to_path_buf();

    // The identity being renewed: strongSwan key and request, certificate from the test CA.
    let ca = Arc::new(TestCa::generate("Interop EST CA").expect("CA"));
    std::fs::write(d.join("ca.pem"), ca.cert_pem()).unwrap();
    let old_key = pki_ok(&d, &["--gen", "--type", "ecdsa", "--size", "256"]);
    std::fs::write(d.join("old.der"), &old_key).unwrap();
    let old_csr = pki_ok(
        &d,
        &["--req", "--in", "old.der", "--type", "ecdsa", "--dn", DN],
    );
    let now = OffsetDateTime::now_utc();
    let old_cert = ca
        .issue_from_csr(
            &old_csr,
            now - time::Duration::minutes(5),
            now + time::Duration::days(1),
        )
        .expect("old certificate");
    std::fs::write(d.join("old.pem"), pem("CERTIFICATE", &old_cert)).unwrap();

    // The renewal request: a new strongSwan key, the same subject.
    let new_key = pki_ok(&d, &["--gen", "--type", "ecdsa", "--size", "256"]);
    std::fs::write(d.join("new.der"), &new_key).unwrap();
    let new_csr = pki_ok(
        &d,
        &["--req", "--in", "new.der", "--type", "ecdsa", "--dn", DN],
    );
    std::fs::write(d.join("csr.der"), &new_csr).unwrap();
    let (_, request) = X509CertificationRequest::from_der(&new_csr).expect("strongSwan CSR");
    let requested_spki = request.certification_request_info.subject_pki.raw.to_vec();
    let (_, old) = X509Certificate::from_der(&old_cert).unwrap();
    assert_eq!(
        old.subject().as_raw(),
        request.certification_request_info.subject.as_raw(),
        "the test CA must have kept strongSwan's subject encoding"
    );

    let server = EstServer::start(Arc::clone(&ca), ServerOptions::default())
        .await
        .expect("EST server");
    let url = server.base_url();
    let est = {
        let d = d.clone();
        tokio::task::spawn_blocking(move || {
            pki(
                &d,
                &[
                    "--est",
                    "--url",
                    &url,
                    "--cacert",
                    "ca.pem",
                    "--cert",
                    "old.pem",
                    "--key",
                    "old.der",
                    "--in",
                    "csr.der",
                    "--outform",
                    "der",
                    "--maxpolltime",
                    "30",
                    "--debug",
                    "2",
                ],
            )
        })
        .await
        .expect("pki --est task")
    };
    let log = format!(
        "{}\n{}",
        String::from_utf8_lossy(&est.stderr),
        String::from_utf8_lossy(if est.status.success() {
            b""
        } else {
            &est.stdout
        })
    );
    let issued_count = server.issued_count();
    server.shutdown();

    // Whatever strongSwan made of the answer, the test CA accepted strongSwan's TLS client
    // authentication and its request, and issued exactly one certificate.
    assert_eq!(
        issued_count, 1,
        "the test CA did not issue for strongSwan ({}):\n{log}",
        est.status
    );
    assert!(
        log.contains("sending TLS client certificate"),
        "strongSwan did not authenticate with the old certificate:\n{log}"
    );

    // strongSwan sends its request on one line and cannot read a wrapped answer; the
    // test CA answers in the client's style, so strongSwan reads the certificate.
    assert!(
        est.status.success(),
        "pki --est failed ({}):\n{log}",
        est.status
    );
    let (_, issued) = X509Certificate::from_der(&est.stdout)
        .unwrap_or_else(|e| panic!("pki --est output is not a DER certificate: {e}\n{log}"));
    assert_eq!(
        issued.subject().as_raw(),
        old.subject().as_raw(),
        "issued subject is the renewed identity's"
    );
    assert_eq!(
        issued.public_key().raw,
        requested_spki.as_slice(),
        "issued key is the one strongSwan requested"
    );
    let (_, ca_cert) = X509Certificate::from_der(ca.cert_der()).unwrap();
    issued
        .verify_signature(Some(ca_cert.public_key()))
        .expect("issued by the test CA");
}
