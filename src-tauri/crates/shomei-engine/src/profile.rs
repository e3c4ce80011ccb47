//! The bank profile: what an administrator deploys so Shomei knows the bank.
//!
//! This is the walking skeleton's subset (name, EST endpoint, pinned CA, token);
//! the full profile (key policy, window, reminders, grace days, contact, per-OS
//! module paths, validation with line numbers in both languages) is issue 4.

use std::path::{Path, PathBuf};

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;
use serde::Deserialize;

/// What to do with the replaced identity once the new one is installed and read back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Replaced {
    /// Delete exactly the replaced certificate (and its key if nothing else uses it).
    #[default]
    Remove,
    /// Leave it in the store.
    Keep,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BankProfile {
    /// Display name, e.g. 「デモ信用金庫」.
    pub name: String,
    pub est: EstSection,
    /// Present when the bank offers media storage (電子証明書媒体保管).
    pub token: Option<TokenSection>,
    #[serde(default)]
    pub replaced: Replaced,
    #[serde(default)]
    pub pc_store: PcStoreSection,
}

/// The OS store of this PC (パソコンに保存する).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PcStoreSection {
    /// Whether to look there at all (the demo does not: it never reads the user's stores).
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Linux: another NSS database than Chromium's `~/.pki/nssdb`.
    pub nss_database: Option<PathBuf>,
}

fn yes() -> bool {
    true
}

impl Default for PcStoreSection {
    fn default() -> Self {
        PcStoreSection {
            enabled: true,
            nss_database: None,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EstSection {
    pub base_url: String,
    pub label: Option<String>,
    /// PEM file of the pinned CA certificate(s), relative to the profile file.
    pub ca_file: PathBuf,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenSection {
    /// PKCS#11 module; the SafeNet eToken default for this OS when absent.
    pub module: Option<PathBuf>,
    /// The token is chosen by label and/or serial number, never by slot index.
    pub label: Option<String>,
    pub serial: Option<String>,
}

impl TokenSection {
    pub fn selector(&self) -> shomei_store::pkcs11::TokenSelector {
        shomei_store::pkcs11::TokenSelector {
            label: self.label.clone(),
            serial: self.serial.clone(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {source}")]
    Syntax {
        path: PathBuf,
        source: toml::de::Error,
    },
    #[error("{path}: no certificate in the pinned CA file")]
    NoCa { path: PathBuf },
    #[error("{path}: [token] needs a label or a serial to choose the token by")]
    NoTokenSelector { path: PathBuf },
}

impl BankProfile {
    pub fn load(path: &Path) -> Result<(BankProfile, Vec<CertificateDer<'static>>), ProfileError> {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| ProfileError::Io { path, source }
        };
        let text = std::fs::read_to_string(path).map_err(io(path))?;
        let profile: BankProfile =
            toml::from_str(&text).map_err(|source| ProfileError::Syntax {
                path: path.to_path_buf(),
                source,
            })?;
        if profile
            .token
            .as_ref()
            .is_some_and(|t| t.label.is_none() && t.serial.is_none())
        {
            return Err(ProfileError::NoTokenSelector {
                path: path.to_path_buf(),
            });
        }
        let ca_path = path
            .parent()
            .unwrap_or(Path::new("."))
            .join(&profile.est.ca_file);
        let pem = std::fs::read(&ca_path).map_err(io(&ca_path))?;
        let roots: Vec<_> = CertificateDer::pem_slice_iter(&pem)
            .filter_map(Result::ok)
            .collect();
        if roots.is_empty() {
            return Err(ProfileError::NoCa { path: ca_path });
        }
        Ok((profile, roots))
    }

    pub fn module_path(&self) -> Option<PathBuf> {
        self.token.as_ref().map(|t| {
            t.module
                .clone()
                .unwrap_or_else(|| PathBuf::from(shomei_store::pkcs11::DEFAULT_MODULE))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_profile_and_pinned_ca() {
        let dir = tempfile::tempdir().unwrap();
        let ca = shomei_testca::TestCa::generate("Profile Test CA").unwrap();
        std::fs::write(dir.path().join("ca.pem"), ca.cert_pem()).unwrap();
        let path = dir.path().join("bank.toml");
        std::fs::write(
            &path,
            "name = \"デモ信用金庫\"\n[est]\nbase_url = \"https://127.0.0.1:8443\"\nca_file = \"ca.pem\"\n\
             [token]\nlabel = \"Shomei Demo\"\n",
        )
        .unwrap();
        let (profile, roots) = BankProfile::load(&path).unwrap();
        assert_eq!(profile.name, "デモ信用金庫");
        assert_eq!(roots.len(), 1);
        assert_eq!(roots[0].as_ref(), ca.cert_der());
        assert_eq!(profile.replaced, Replaced::Remove);
        assert!(profile.module_path().is_some());
    }

    #[test]
    fn unknown_fields_are_errors_with_a_position() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bank.toml");
        std::fs::write(&path, "name = \"x\"\nbogus = 1\n").unwrap();
        let err = BankProfile::load(&path).unwrap_err().to_string();
        assert!(err.contains("line 2"), "{err}");
    }
}
