//! 管理者 / 利用者: which role of the company's internet banking a certificate is
//! for, where its subject says so. Both roles have certificates that expire
//! separately (SPEC §7), so the list names the role beside the name.
//!
//! The subject says so when one of its organizational unit (OU), title or common
//! name (CN) values contains 管理者 or 利用者, or an OU or title is exactly
//! "administrator" / "admin" or "user" (any case). Nothing else is guessed.

use x509_parser::prelude::{FromDer, X509Name};

use crate::model::Role;

const OU: &str = "2.5.4.11";
const TITLE: &str = "2.5.4.12";
const CN: &str = "2.5.4.3";

/// The role named by the subject (DER), if exactly one role is named.
pub fn of_subject(subject_der: &[u8]) -> Option<Role> {
    let (_, name) = X509Name::from_der(subject_der).ok()?;
    let mut found = None;
    for attr in name.iter_attributes() {
        let oid = attr.attr_type().to_id_string();
        if oid != OU && oid != TITLE && oid != CN {
            continue;
        }
        let Ok(value) = attr.as_str() else { continue };
        let role = if value.contains("管理者") {
            Some(Role::Administrator)
        } else if value.contains("利用者") {
            Some(Role::User)
        } else if oid != CN {
            match value.trim().to_ascii_lowercase().as_str() {
                "administrator" | "admin" => Some(Role::Administrator),
                "user" => Some(Role::User),
                _ => None,
            }
        } else {
            None
        };
        match (found, role) {
            (_, None) => {}
            (None, Some(r)) => found = Some(r),
            (Some(a), Some(b)) if a != b => return None,
            _ => {}
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    type Attrs<'a> = &'a [(rcgen::DnType, &'a str)];

    fn subject(attrs: Attrs<'_>) -> Vec<u8> {
        let mut params = rcgen::CertificateParams::default();
        params.distinguished_name = rcgen::DistinguishedName::new();
        for (t, v) in attrs {
            params.distinguished_name.push(t.clone(), *v);
        }
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = params.self_signed(&key).unwrap();
        let (_, parsed) = x509_parser::parse_x509_certificate(cert.der()).unwrap();
        parsed.subject().as_raw().to_vec()
    }

    #[test]
    fn reads_the_role_where_the_subject_names_it() {
        use rcgen::DnType::{CommonName, OrganizationName, OrganizationalUnitName};
        let cases: [(Attrs<'_>, Option<Role>); 7] = [
            (
                &[(CommonName, "YAMADA TARO (管理者)")],
                Some(Role::Administrator),
            ),
            (
                &[(OrganizationalUnitName, "利用者"), (CommonName, "SATO")],
                Some(Role::User),
            ),
            (
                &[(OrganizationalUnitName, "Administrator")],
                Some(Role::Administrator),
            ),
            (&[(OrganizationalUnitName, " user ")], Some(Role::User)),
            // A name is not a role: "User" as a CN, an O of the bank's users.
            (
                &[(CommonName, "User"), (OrganizationName, "管理者協会")],
                None,
            ),
            (&[(CommonName, "株式会社デモ商事")], None),
            // Both named: not guessed.
            (
                &[
                    (OrganizationalUnitName, "管理者"),
                    (CommonName, "X (利用者)"),
                ],
                None,
            ),
        ];
        for (attrs, want) in cases {
            assert_eq!(of_subject(&subject(attrs)), want, "{attrs:?}");
        }
        assert_eq!(of_subject(b"not DER"), None);
    }
}
