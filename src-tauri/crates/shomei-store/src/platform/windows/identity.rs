//! What makes a certificate in the store an identity: the CERT_KEY_PROV_INFO_PROP_ID
//! that names its key (read and written here), its friendly name, and archiving.

use windows::core::PWSTR;
use windows::Win32::Security::Cryptography::*;

use super::handles::{wide, CertContext};
use crate::cert::CertificateInfo;
use crate::error::{Result, StoreError};
use crate::token::Identity;

/// The provider our keys live in, as CRYPT_KEY_PROV_INFO names it.
pub(super) const KSP_NAME: &str = "Microsoft Software Key Storage Provider";

/// Where a certificate's private key is, from CERT_KEY_PROV_INFO_PROP_ID.
pub(super) struct KeyLink {
    pub(super) container: String,
    pub(super) provider: String,
    pub(super) provider_type: u32,
}

fn wide_string(p: PWSTR) -> Option<String> {
    // SAFETY: callers pass pointers from a CryptoAPI-filled structure: null or a
    // NUL-terminated UTF-16 string inside the same buffer.
    (!p.is_null()).then(|| unsafe { p.to_string() }.unwrap_or_default())
}

pub(super) fn is_archived(cert: &CertContext) -> Result<bool> {
    Ok(cert.property(CERT_ARCHIVED_PROP_ID)?.is_some())
}

pub(super) fn key_link(cert: &CertContext) -> Result<Option<KeyLink>> {
    let Some((buf, size)) = cert.property(CERT_KEY_PROV_INFO_PROP_ID)? else {
        return Ok(None);
    };
    if size < std::mem::size_of::<CRYPT_KEY_PROV_INFO>() {
        return Err(StoreError::Malformed {
            what: "CERT_KEY_PROV_INFO_PROP_ID",
            reason: format!("{size} bytes"),
        });
    }
    // SAFETY: CryptoAPI wrote a CRYPT_KEY_PROV_INFO at the start of this 8-byte
    // aligned buffer, its strings inside the same buffer, which outlives `info`.
    let info = unsafe { &*buf.as_ptr().cast::<CRYPT_KEY_PROV_INFO>() };
    Ok(Some(KeyLink {
        container: wide_string(info.pwszContainerName).unwrap_or_default(),
        provider: wide_string(info.pwszProvName).unwrap_or_default(),
        provider_type: info.dwProvType,
    }))
}

fn friendly_name(cert: &CertContext) -> Result<Option<String>> {
    Ok(cert
        .property(CERT_FRIENDLY_NAME_PROP_ID)?
        .map(|(buf, size)| {
            let units: Vec<u16> = utf16_units(&buf, size);
            String::from_utf16_lossy(&units)
                .trim_end_matches('\0')
                .to_owned()
        }))
}

fn utf16_units(buf: &[u64], size: usize) -> Vec<u16> {
    let bytes: Vec<u8> = buf
        .iter()
        .flat_map(|w| w.to_le_bytes())
        .take(size)
        .collect();
    bytes
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect()
}

/// The identity behind a certificate, `None` when it is not one (archived, no key).
pub(super) fn read_identity(cert: &CertContext) -> Result<Option<Identity>> {
    if is_archived(cert)? {
        return Ok(None);
    }
    let Some(link) = key_link(cert)? else {
        return Ok(None);
    };
    let certificate = CertificateInfo::parse(cert.der())?;
    let label = friendly_name(cert)?
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| certificate.subject_cn.clone());
    Ok(Some(Identity {
        certificate,
        key_id: link.container.into_bytes(),
        label,
    }))
}

/// Link `cert` to the CNG key `name` (CRYPT_KEY_PROV_INFO, `dwProvType` 0) and give
/// it `label` as its friendly name.
pub(super) fn link_key(cert: &CertContext, name: &str, label: &str) -> Result<()> {
    let mut container = wide(name);
    let mut provider = wide(KSP_NAME);
    let info = CRYPT_KEY_PROV_INFO {
        pwszContainerName: PWSTR(container.as_mut_ptr()),
        pwszProvName: PWSTR(provider.as_mut_ptr()),
        dwProvType: 0, // a CNG key storage provider
        dwFlags: CRYPT_KEY_FLAGS(0),
        cProvParam: 0,
        rgProvParam: std::ptr::null_mut(),
        dwKeySpec: 0,
    };
    let name_units = wide(label);
    let friendly = CRYPT_INTEGER_BLOB {
        cbData: (name_units.len() * 2) as u32,
        pbData: name_units.as_ptr().cast_mut().cast(),
    };
    // SAFETY: each pointer is to a structure of the property's documented type
    // whose strings (`container`, `provider`, `name_units`) outlive the calls.
    unsafe {
        cert.set_property(
            CERT_KEY_PROV_INFO_PROP_ID,
            std::ptr::from_ref(&info).cast(),
            "link certificate to key",
        )?;
        cert.set_property(
            CERT_FRIENDLY_NAME_PROP_ID,
            std::ptr::from_ref(&friendly).cast(),
            "set friendly name",
        )
    }
}

/// Archive `cert` (CERT_ARCHIVED_PROP_ID): enumeration and browsers skip it from now on.
pub(super) fn archive(cert: &CertContext) -> Result<()> {
    // Only the property's presence matters: an empty CRYPT_DATA_BLOB, as .NET's
    // X509Certificate2.Archived sets it.
    let blob = CRYPT_INTEGER_BLOB::default();
    // SAFETY: CERT_ARCHIVED_PROP_ID takes a CRYPT_DATA_BLOB, which outlives the call.
    unsafe {
        cert.set_property(
            CERT_ARCHIVED_PROP_ID,
            std::ptr::from_ref(&blob).cast(),
            "archive certificate",
        )
    }
}
