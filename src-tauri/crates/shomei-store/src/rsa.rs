//! RSA public keys as certificates carry them: the RSAPublicKey DER of PKCS#1.
//!
//! Every back end reads a modulus and an exponent in its own way (PKCS#11
//! attributes, a CNG `BCRYPT_RSAPUBLIC_BLOB`) and turns them into the same bytes
//! here, so [`KeyHandle::public_key`](crate::KeyHandle::public_key) compares equal to
//! the certificate's subjectPublicKey whatever the store.

use der::Encode;

use crate::error::{Result, StoreError};

/// RSAPublicKey DER from big-endian modulus and exponent (leading zeros allowed).
pub(crate) fn encode_rsa_public_key(n: &[u8], e: &[u8]) -> Result<Vec<u8>> {
    let malformed = |e: der::Error| StoreError::Malformed {
        what: "RSA public key",
        reason: e.to_string(),
    };
    let key = pkcs1::RsaPublicKey {
        modulus: der::asn1::UintRef::new(n).map_err(malformed)?,
        public_exponent: der::asn1::UintRef::new(e).map_err(malformed)?,
    };
    key.to_der().map_err(malformed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rsa_public_key_encoding_is_pkcs1() {
        // A store may return the modulus with a leading zero; DER keeps exactly
        // one, because 0xC3 has its sign bit set.
        let der = encode_rsa_public_key(&[0x00, 0xC3], &[0x01, 0x00, 0x01]).unwrap();
        let expected = [
            0x30, 0x09, 0x02, 0x02, 0x00, 0xC3, 0x02, 0x03, 0x01, 0x00, 0x01,
        ];
        assert_eq!(der, expected);
    }
}
