//! ECDSA P-256 as certificates and TLS carry it.
//!
//! Tokens and CNG sign with a bare r‖s (PKCS#11 CKM_ECDSA, BCRYPT ECDSA), while
//! X.509 and TLS want the DER `ECDSA-Sig-Value`; and PKCS#11 returns the public
//! point wrapped in a DER OCTET STRING (CKA_EC_POINT) where certificates carry it
//! bare. Both conversions live here so every back end agrees.

use der::asn1::{OctetStringRef, UintRef};
use der::{Decode, Encode, Sequence};

use crate::error::{Result, StoreError};

/// Length of one P-256 scalar.
pub(crate) const P256_SCALAR: usize = 32;
/// An uncompressed P-256 point: 0x04 ‖ X ‖ Y.
pub(crate) const P256_POINT: usize = 65;

/// DER of `SEQUENCE { 1.2.840.10045.3.1.7 }`'s OID alone: the CKA_EC_PARAMS of P-256.
pub(crate) const P256_PARAMS: [u8; 10] =
    [0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07];

#[derive(Sequence)]
struct EcdsaSigValue<'a> {
    r: UintRef<'a>,
    s: UintRef<'a>,
}

fn malformed(what: &'static str) -> impl Fn(der::Error) -> StoreError {
    move |e| StoreError::Malformed {
        what,
        reason: e.to_string(),
    }
}

/// r‖s (two 32-byte big-endian scalars) → DER ECDSA-Sig-Value.
pub(crate) fn raw_signature_to_der(raw: &[u8]) -> Result<Vec<u8>> {
    if raw.len() != 2 * P256_SCALAR {
        return Err(StoreError::Malformed {
            what: "ECDSA signature",
            reason: format!("{} bytes, expected {}", raw.len(), 2 * P256_SCALAR),
        });
    }
    let (r, s) = raw.split_at(P256_SCALAR);
    EcdsaSigValue {
        r: UintRef::new(r).map_err(malformed("ECDSA signature"))?,
        s: UintRef::new(s).map_err(malformed("ECDSA signature"))?,
    }
    .to_der()
    .map_err(malformed("ECDSA signature"))
}

/// The bare uncompressed point from CKA_EC_POINT, which PKCS#11 v2.40 says is a DER
/// OCTET STRING (some tokens return it bare: accepted too).
pub(crate) fn point_from_ec_point_attribute(value: &[u8]) -> Result<Vec<u8>> {
    if value.len() == P256_POINT && value[0] == 0x04 {
        return Ok(value.to_vec());
    }
    let point = OctetStringRef::from_der(value).map_err(malformed("EC point"))?;
    let point = point.as_bytes();
    if point.len() != P256_POINT || point[0] != 0x04 {
        return Err(StoreError::Malformed {
            what: "EC point",
            reason: format!("not an uncompressed P-256 point ({} bytes)", point.len()),
        });
    }
    Ok(point.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_signatures_become_der_with_sign_padding() {
        let mut raw = [0u8; 64];
        raw[0] = 0x80; // r needs a leading zero in DER
        raw[63] = 0x01; // s is small: leading zeros stripped
        let der = raw_signature_to_der(&raw).unwrap();
        assert_eq!(&der[..4], &[0x30, 0x26, 0x02, 0x21]);
        assert_eq!(der[4], 0x00);
        assert_eq!(&der[der.len() - 3..], &[0x02, 0x01, 0x01]);
        assert!(raw_signature_to_der(&raw[..63]).is_err());
    }

    #[test]
    fn ec_points_are_unwrapped_from_octet_strings() {
        let mut point = vec![0x04];
        point.extend([7u8; 64]);
        let wrapped = [vec![0x04, 0x41], point.clone()].concat();
        assert_eq!(point_from_ec_point_attribute(&wrapped).unwrap(), point);
        assert_eq!(point_from_ec_point_attribute(&point).unwrap(), point);
        assert!(point_from_ec_point_attribute(&[0x04, 0x01, 0x02]).is_err());
    }
}
