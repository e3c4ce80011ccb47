//! Loading a profile file and its pinned CA certificate(s).

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;

use super::install::MAX_PROFILE_BYTES;
use super::{schema, BankProfile, ProfileIssue};

#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error("{path}: 読めません / cannot read: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Every problem found, in the order of the file.
    #[error("{}", Invalid { path, issues })]
    Invalid {
        path: PathBuf,
        issues: Vec<ProfileIssue>,
    },
}

struct Invalid<'a> {
    path: &'a Path,
    issues: &'a [ProfileIssue],
}

impl fmt::Display for Invalid<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.issues.len();
        write!(
            f,
            "{}: 銀行プロファイルに {n} 件の問題があります / the bank profile has {n} problem(s)",
            self.path.display()
        )?;
        for issue in self.issues {
            write!(f, "\n{}:{issue}", self.path.display())?;
        }
        Ok(())
    }
}

impl BankProfile {
    /// Read, validate and return the profile with its pinned CA certificates.
    /// Every problem (TOML, schema, values, CA files) is reported together.
    pub fn load(path: &Path) -> Result<(BankProfile, Vec<CertificateDer<'static>>), ProfileError> {
        let text = read_profile_text(path).map_err(|source| ProfileError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let mut built = schema::build(&text, path);
        let mut roots = Vec::new();
        for file in &built.profile.est.ca_files {
            match read_certificates(file) {
                Ok(mut certs) => roots.append(&mut certs),
                Err((ja, en)) => built.issues.push(ProfileIssue::at(
                    &text,
                    built.ca_file_span.as_ref(),
                    "est.ca_file",
                    ja,
                    en,
                )),
            }
        }
        if !built.issues.is_empty() {
            let mut issues = built.issues;
            issues.sort_by_key(|i| (i.line, i.column));
            return Err(ProfileError::Invalid {
                path: path.to_path_buf(),
                issues,
            });
        }
        Ok((built.profile, roots))
    }
}

/// A profile's text, at most [`MAX_PROFILE_BYTES`]: a bigger file in a profile
/// directory (or a link to one) is refused, never read whole.
pub fn read_profile_text(path: &Path) -> std::io::Result<String> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(MAX_PROFILE_BYTES + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_PROFILE_BYTES {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "1 MiB を超えています / larger than 1 MiB",
        ));
    }
    String::from_utf8(bytes).map_err(|_| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "UTF-8 ではありません / not UTF-8",
        )
    })
}

/// A CA file is a few certificates; anything bigger is not one (and never read whole).
const CA_FILE_MAX: u64 = 1 << 20;

/// The certificates of one PEM file, or why it cannot pin anything (ja, en).
fn read_certificates(file: &Path) -> Result<Vec<CertificateDer<'static>>, (String, String)> {
    let shown = file.display();
    let cannot_read = |e: std::io::Error| {
        (
            format!("CA 証明書ファイル {shown} を読めません（{e}）。"),
            format!("cannot read the CA certificate file {shown} ({e})."),
        )
    };
    // Only a plain file is opened: a FIFO or a device (`/dev/tty`) named by a
    // hostile profile would block the open or the read for ever.
    match std::fs::metadata(file) {
        Ok(m) if !m.is_file() => {
            return Err((
                format!(
                    "{shown} は通常のファイルではありません（フォルダーや特殊なファイルです）。"
                ),
                format!("{shown} is not a plain file (a folder or a special file)."),
            ))
        }
        Ok(_) => {}
        Err(e) => return Err(cannot_read(e)),
    }
    let mut pem = Vec::new();
    std::fs::File::open(file)
        .and_then(|f| f.take(CA_FILE_MAX + 1).read_to_end(&mut pem))
        .map_err(cannot_read)?;
    if pem.len() as u64 > CA_FILE_MAX {
        return Err((
            format!("{shown} が大きすぎます（CA 証明書ファイルは 1 MiB まで）。"),
            format!("{shown} is too large (a CA certificate file is at most 1 MiB)."),
        ));
    }
    let mut certs = Vec::new();
    for (i, item) in CertificateDer::pem_slice_iter(&pem).enumerate() {
        let bad = |what: String| {
            (
                format!(
                    "{shown} の {} 番目の証明書が正しくありません（{what}）。",
                    i + 1
                ),
                format!("certificate {} in {shown} is not valid ({what}).", i + 1),
            )
        };
        let cert = item.map_err(|e| bad(format!("{e:?}")))?;
        x509_parser::parse_x509_certificate(cert.as_ref()).map_err(|e| bad(e.to_string()))?;
        certs.push(cert);
    }
    if certs.is_empty() {
        return Err((
            format!("{shown} に PEM 形式の証明書（-----BEGIN CERTIFICATE-----）がありません。"),
            format!("{shown} holds no PEM certificate (-----BEGIN CERTIFICATE-----)."),
        ));
    }
    Ok(certs)
}
