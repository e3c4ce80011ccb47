//! The body of an EST answer (`simplereenroll`, `cacerts`) as the bank's server sends it:
//! base64 (wrapped or not) of a PKCS#7 certs-only message. Every certificate that comes out
//! is then read the way the store and the acceptance checks read it. Nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(certs) = shomei_est::pkcs7::parse_certs_only(data) {
        for der in &certs {
            let _ = shomei_store::CertificateInfo::parse(der);
        }
    }
});
