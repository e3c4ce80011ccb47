//! `pkcs7_certs_only`: decoded back with `cms`, and parsed by openssl.

mod common;

use std::io::Write as _;
use std::process::{Command, Stdio};

use cms::content_info::ContentInfo;
use cms::signed_data::SignedData;
use der::{Decode, Encode};
use shomei_testca::{pkcs7_certs_only, TestCa};

fn two_certs() -> Vec<Vec<u8>> {
    let ca = TestCa::generate("Shomei Test CA").unwrap();
    let (leaf, _) = common::client_identity(&ca, &common::jp_subject());
    vec![ca.cert_der().to_vec(), leaf]
}

#[test]
fn decodes_back_with_cms() {
    let certs = two_certs();
    let p7 = pkcs7_certs_only(&certs);
    let info = ContentInfo::from_der(&p7).unwrap();
    assert_eq!(info.content_type, const_oid_signed_data());
    let signed: SignedData = info.content.decode_as().unwrap();
    assert!(signed.signer_infos.0.is_empty());
    assert!(signed.digest_algorithms.is_empty());
    assert!(signed.encap_content_info.econtent.is_none());
    let mut decoded: Vec<Vec<u8>> = signed
        .certificates
        .unwrap()
        .0
        .iter()
        .map(|choice| match choice {
            cms::cert::CertificateChoices::Certificate(c) => c.to_der().unwrap(),
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    // A SET OF comes out in DER order, not in the order given.
    let mut expected = certs.clone();
    decoded.sort();
    expected.sort();
    assert_eq!(decoded, expected);
}

fn const_oid_signed_data() -> der::asn1::ObjectIdentifier {
    der::asn1::ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2")
}

#[test]
fn openssl_prints_the_certificates() {
    let certs = two_certs();
    let p7 = pkcs7_certs_only(&certs);
    let mut child = Command::new("openssl")
        .args(["pkcs7", "-inform", "DER", "-print_certs"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("openssl must be installed for this test");
    child.stdin.take().unwrap().write_all(&p7).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "openssl: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        text.matches("-----BEGIN CERTIFICATE-----").count(),
        2,
        "{text}"
    );
    assert!(
        text.contains("CN = Shomei Test CA") || text.contains("CN=Shomei Test CA"),
        "{text}"
    );
}

#[test]
fn empty_list_still_encodes() {
    let p7 = pkcs7_certs_only(&[]);
    let info = ContentInfo::from_der(&p7).unwrap();
    let signed: SignedData = info.content.decode_as().unwrap();
    assert!(signed.certificates.is_none_or(|c| c.0.is_empty()));
}
