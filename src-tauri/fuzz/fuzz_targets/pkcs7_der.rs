//! The DER PKCS#7 (CMS ContentInfo / SignedData) parser under the base64 layer, fed raw
//! bytes so the fuzzer does not spend its mutations on the base64 alphabet.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = shomei_est::pkcs7::certificates(data);
});
