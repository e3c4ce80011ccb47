//! Writes the seed corpus (corpus/<target>/). Run once, from src-tauri/fuzz:
//!
//!     cargo run --example gen_corpus
//!
//! Certificates come from the project's test CA (shomei-testca): the CA itself, an ECDSA
//! P-256 client certificate and, when the `openssl` command is there, an RSA 2048 one
//! (ring cannot generate RSA keys) plus a PKCS#7 made by `openssl crl2pkcs7 -nocrl`.
//! EST answers are base64 as `shomei_est::pkcs7::encode_base64_wrapped` sends it, on one
//! line, and with CRLF. Each file is one input; the fuzzers only read them.

use std::path::Path;
use std::process::Command;

use shomei_testca::{pkcs7_certs_only, TestCa};
use time::{Duration, OffsetDateTime};

fn csr(key: &rcgen::KeyPair, cn: &str) -> Vec<u8> {
    let mut params = rcgen::CertificateParams::default();
    params
        .distinguished_name
        .push(rcgen::DnType::OrganizationName, "株式会社デモ商事");
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, cn);
    params.serialize_request(key).unwrap().der().to_vec()
}

/// An RSA 2048 CSR made by the openssl command, if there is one.
fn openssl_rsa_csr(dir: &Path) -> Option<Vec<u8>> {
    let key = dir.join("rsa.key");
    let req = dir.join("rsa.csr");
    let ok = Command::new("openssl")
        .args([
            "req", "-new", "-newkey", "rsa:2048", "-nodes", "-outform", "DER", "-subj",
        ])
        .arg("/O=Shomei Fuzz/CN=RSA User")
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&req)
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    ok.then(|| std::fs::read(&req).unwrap())
}

/// `openssl crl2pkcs7 -nocrl` of the given DER certificates, DER out.
fn openssl_crl2pkcs7(dir: &Path, certs: &[&[u8]]) -> Option<Vec<u8>> {
    let mut cmd = Command::new("openssl");
    cmd.args(["crl2pkcs7", "-nocrl", "-outform", "DER", "-out"])
        .arg(dir.join("p7.der"));
    for (i, der) in certs.iter().enumerate() {
        let pem = dir.join(format!("c{i}.pem"));
        let text = format!(
            "-----BEGIN CERTIFICATE-----\n{}-----END CERTIFICATE-----\n",
            shomei_est::pkcs7::encode_base64_wrapped(der)
        );
        std::fs::write(&pem, text).unwrap();
        cmd.arg("-certfile").arg(pem);
    }
    let ok = cmd.status().is_ok_and(|s| s.success());
    ok.then(|| std::fs::read(dir.join("p7.der")).unwrap())
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join(name), bytes).unwrap();
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = root.join("corpus");
    let tmp = tempfile::tempdir().unwrap();

    let ca = TestCa::generate("Shomei Fuzz Seed CA").unwrap();
    let now = OffsetDateTime::now_utc();
    let (from, to) = (now - Duration::days(1), now + Duration::days(365));
    let ec_key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let ec_cert = ca
        .issue_from_csr(&csr(&ec_key, "管理者"), from, to)
        .unwrap();
    let rsa_cert =
        openssl_rsa_csr(tmp.path()).map(|req| ca.issue_from_csr(&req, from, to).unwrap());
    if rsa_cert.is_none() {
        eprintln!("gen_corpus: no openssl command: no RSA seed");
    }

    let mut messages: Vec<(&str, Vec<u8>)> = vec![
        ("cacerts", pkcs7_certs_only(&[ca.cert_der().to_vec()])),
        ("issued-ec", pkcs7_certs_only(&[ec_cert.clone()])),
        (
            "ca-and-ec",
            pkcs7_certs_only(&[ca.cert_der().to_vec(), ec_cert.clone()]),
        ),
    ];
    if let Some(rsa) = &rsa_cert {
        messages.push(("issued-rsa", pkcs7_certs_only(&[rsa.clone()])));
    }
    if let Ok(empty) = std::panic::catch_unwind(|| pkcs7_certs_only(&[])) {
        messages.push(("zero-certs", empty));
    }
    if let Some(p7) = openssl_crl2pkcs7(tmp.path(), &[ca.cert_der(), &ec_cert]) {
        messages.push(("openssl-crl2pkcs7", p7));
    }

    for (name, der) in &messages {
        // Each must parse back, or it is no seed.
        shomei_est::pkcs7::certificates(der).unwrap();
        write(&corpus.join("pkcs7_der"), &format!("{name}.der"), der);
        let wrapped = shomei_est::pkcs7::encode_base64_wrapped(der);
        write(&corpus.join("est_answer"), &format!("{name}.b64"), &wrapped);
    }
    let issued = &messages[1].1;
    let wrapped = shomei_est::pkcs7::encode_base64_wrapped(issued);
    write(
        &corpus.join("est_answer"),
        "issued-ec-one-line.b64",
        wrapped.replace('\n', ""),
    );
    write(
        &corpus.join("est_answer"),
        "issued-ec-crlf.b64",
        wrapped.replace('\n', "\r\n"),
    );
    write(&corpus.join("est_answer"), "garbage.b64", "!!!not base64\n");
    write(&corpus.join("pkcs7_der"), "bare-certificate.der", &ec_cert);

    let retry = [
        ("seconds", "120"),
        ("zero", "0"),
        ("padded", "  30 \t"),
        ("negative", "-5"),
        ("huge", "18446744073709551615"),
        ("overflow", "18446744073709551616"),
        ("imf-fixdate", "Tue, 24 Nov 2026 12:05:00 GMT"),
        ("rfc850", "Tuesday, 24-Nov-26 12:05:00 GMT"),
        ("asctime", "Tue Nov 24 12:05:00 2026"),
        ("past", "Thu, 01 Jan 1970 00:00:00 GMT"),
        ("words", "soon"),
    ];
    for (name, value) in retry {
        write(&corpus.join("retry_after"), name, value);
    }

    // /csrattrs answers: what the test CA advertises, RFC 7030 A.2 verbatim, none, garbage.
    let required = |key, challenge_password: Option<&str>| {
        shomei_testca::Required {
            key,
            challenge_password: challenge_password.map(str::to_owned),
        }
        .to_der()
    };
    let csrattrs = [
        (
            "rsa3072-challenge.b64",
            required(
                Some(shomei_testca::RequiredKey::Rsa { bits: 3072 }),
                Some("pw"),
            ),
        ),
        (
            "p256.b64",
            required(Some(shomei_testca::RequiredKey::EcP256), None),
        ),
        (
            "p384.b64",
            required(Some(shomei_testca::RequiredKey::EcP384), None),
        ),
        ("empty-sequence.b64", vec![0x30, 0x00]),
    ];
    for (name, der) in csrattrs {
        write(
            &corpus.join("csrattrs"),
            name,
            shomei_est::pkcs7::encode_base64_wrapped(&der),
        );
    }
    let a2 = root.join("../crates/shomei-est/tests/data/rfc7030/a2-csrattrs-response.b64");
    write(
        &corpus.join("csrattrs"),
        "rfc7030-a2.b64",
        std::fs::read(a2).unwrap(),
    );
    write(&corpus.join("csrattrs"), "empty-body.b64", "");
    write(&corpus.join("csrattrs"), "garbage.b64", "!!!not base64\n");

    // Bank profiles: the documented example, then small valid and invalid ones.
    let example =
        std::fs::read_to_string(root.join("../crates/shomei-engine/profiles/shinkin-example.toml"))
            .unwrap();
    let base = "name = \"デモ信用金庫\"\n[est]\nbase_url = \"https://127.0.0.1:8443\"\nca_file = \"ca.pem\"\n";
    let valid = [
        ("shinkin-example.toml", example.clone()),
        ("minimal.toml", base.to_owned()),
        (
            "usb-rsa3072-keep.toml",
            format!(
                "media_storage = true\nkey_policy = \"rsa3072\"\nreplaced = \"keep\"\n{base}label = \"corp\"\n\
                 [token]\nserial = \"0123456789\"\nmodule = \"/usr/lib/softhsm/libsofthsm2.so\"\n"
            ),
        ),
        (
            "p256-window-support.toml",
            format!(
                "key_policy = \"p256\"\n{base}[renewal]\nwindow_opens_days = 40\nlast_day_cutoff = \"15:00\"\n\
                 reminder_days = [40, 7, 0]\nreacquire_grace_days = 0\n[support]\nphone = \"03-0000-0000\"\n\
                 [pc_store]\nenabled = false\nnss_database = \"/tmp/nssdb\"\n"
            ),
        ),
        (
            "ca-rollover-inline.toml",
            "name = 'x'\nest = { base_url = 'https://h/', ca_file = ['old.pem', 'new.pem'] }\n\
             token = { label = 'T', module = { linux = '/a.so', windows = 'C:\\\\a.dll' } }\n"
                .to_owned(),
        ),
    ];
    let invalid = [
        ("unknown-field.toml", format!("bogus = 1\n{base}")),
        (
            "no-name.toml",
            base.replace("name = \"デモ信用金庫\"\n", ""),
        ),
        ("plain-http.toml", base.replace("https://", "http://")),
        (
            "token-without-selector.toml",
            format!("{base}[token]\nmodule = \"/a.so\"\n"),
        ),
        (
            "media-storage-without-token.toml",
            format!("media_storage = true\n{base}"),
        ),
        (
            "bad-key-policy.toml",
            format!("key_policy = \"rsa1024\"\n{base}"),
        ),
        (
            "renewal-out-of-range.toml",
            format!(
                "{base}[renewal]\nwindow_opens_days = 7\nlast_day_cutoff = \"25:61\"\n\
                 reminder_days = [0, 99, -1]\nreacquire_grace_days = 401\n"
            ),
        ),
        (
            "wrong-types.toml",
            "name = 1\nreplaced = true\n[est]\nbase_url = []\nca_file = 3\n".to_owned(),
        ),
        ("syntax-error.toml", "name = \"信用金庫\n[est\n".to_owned()),
        ("empty.toml", String::new()),
    ];
    let origin = Path::new("/etc/shomei/bank.toml");
    for (name, text) in &valid {
        if let Err(issues) = shomei_engine::BankProfile::parse(text, origin) {
            panic!("{name} should be valid: {issues:?}");
        }
        write(&corpus.join("bank_profile"), name, text);
    }
    for (name, text) in &invalid {
        assert!(
            shomei_engine::BankProfile::parse(text, origin).is_err(),
            "{name} should be invalid"
        );
        write(&corpus.join("bank_profile"), name, text);
    }
    eprintln!("gen_corpus: wrote {}", corpus.display());
}
