//! The body of a `/csrattrs` answer (RFC 7030 §4.5) as the bank's server sends it: base64
//! of a DER `CsrAttrs`. What comes out is then decided on for every key the client could
//! propose, and any refusal is worded. Nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shomei_store::KeySpec;

fuzz_target!(|data: &[u8]| {
    if let Ok(asked) = shomei_est::csrattrs::parse(data) {
        for proposed in [KeySpec::Rsa2048, KeySpec::Rsa3072, KeySpec::EcP256] {
            for challenge_password in [false, true] {
                match asked.honour(proposed, challenge_password) {
                    Ok(spec) => assert!(asked.key.is_some() || spec == proposed),
                    Err(refusal) => assert!(!refusal.to_string().is_empty()),
                }
            }
        }
    }
});
