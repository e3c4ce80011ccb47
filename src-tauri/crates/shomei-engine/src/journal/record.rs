//! One renewal's journal record: the last step it reached and the public facts
//! needed to finish it or undo it.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use serde::{Deserialize, Serialize};

/// Bumped when the format changes incompatibly; a newer record is reported,
/// never guessed at.
pub const FORMAT: u32 = 1;

/// The label a new key carries until its certificate is installed:
/// `shomei-pending-<renewal id>`.
pub const PENDING_KEY_PREFIX: &str = "shomei-pending-";

/// The step a renewal is about to take (or, for `Pending`/`Issued`, is waiting in).
/// Written before the step runs, so after a crash the step may or may not have
/// happened; recovery must handle both.
/// In the order a renewal passes them (the derived order is that order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Stage {
    /// Checks passed; a key labelled `key_label` is about to be generated.
    Begun,
    /// The key exists (`key_id`); the request is about to be built and sent.
    KeyGenerated,
    /// The request (`csr`) is about to be sent; the bank may issue for it.
    Requested,
    /// The bank answered 202: ask again with the same request from `next_poll_at`.
    /// With `issued` set, the bank did issue, but the certificate is valid only from
    /// a time ahead of this computer's clock: it is checked again from `next_poll_at`.
    Pending,
    /// The issued certificate passed every check; waiting for consent 2.
    Issued,
    /// The user consented; the certificate is about to be stored.
    Installing,
    /// The new identity was read back from the store; the replaced one is about to
    /// be archived.
    Installed,
    /// The record is about to be removed (only used to name crash points).
    Done,
}

/// A store, as a record names it: the source's name ("USB token", "this PC"),
/// and the token's label and serial.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Place {
    pub store: String,
    pub token_label: String,
    #[serde(default)]
    pub token_serial: String,
}

impl Place {
    /// Where `token`, opened from the source `store`, is.
    pub fn of(store: &str, token: &dyn shomei_store::Token) -> Place {
        Place {
            store: store.to_owned(),
            token_label: token.label().to_owned(),
            token_serial: token.serial().to_owned(),
        }
    }

    /// Whether `token` is this store: its label and serial (two tokens of one bank
    /// may share a label); a place written before serials were journaled has none.
    pub fn is(&self, token: &dyn shomei_store::Token) -> bool {
        self.token_label == token.label()
            && (self.token_serial.is_empty() || self.token_serial == token.serial())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Record {
    pub format: u32,
    pub renewal_id: String,
    pub stage: Stage,
    /// When the renewal started and when this record was written (Unix seconds).
    pub started_at: i64,
    pub updated_at: i64,
    /// The store's name ("USB token", "this PC") and the token's label and serial:
    /// for people, and to find the token again when the identity is gone.
    pub store: String,
    /// The bank (profile id) it was started for; empty in records of versions
    /// that served one bank only.
    #[serde(default)]
    pub bank: String,
    pub token_label: String,
    #[serde(default)]
    pub token_serial: String,
    /// Where the new key and certificate go, when that is another store than the
    /// old identity's (a renewal into the other store); `None`: the same store.
    /// Such a record is never copied onto a token (see `renewal/pair.rs`).
    #[serde(default)]
    pub target: Option<Place>,
    /// A copy of this record is kept on the USB token itself (a public data object),
    /// so the renewal can be carried on wherever the token goes. Once set, a copy
    /// that has vanished from a present token means another computer finished or
    /// discarded the renewal.
    #[serde(default)]
    pub on_token: bool,
    /// The identity being replaced, by SHA-256 fingerprint.
    pub old_fingerprint: String,
    /// The label the old identity had (the new one gets it).
    pub old_label: String,
    /// The label the new key carries until its certificate is installed.
    pub key_label: String,
    #[serde(with = "b64_opt", default)]
    pub key_id: Option<Vec<u8>>,
    /// The new key's public key, as the key handle reports it.
    #[serde(with = "b64_opt", default)]
    pub new_public_key: Option<Vec<u8>>,
    /// The PKCS#10 request (DER), sent again unchanged when polling.
    #[serde(with = "b64_opt", default)]
    pub csr: Option<Vec<u8>>,
    /// The request carries the bank's challenge password (its CA asked for one):
    /// then it is NOT kept here (a password never goes to a file or a token), and
    /// carrying the renewal on builds it again, with the same key and the password
    /// the user gives again.
    #[serde(default)]
    pub challenge: bool,
    /// The kind of the new key (`rsa2048`, `rsa3072`, `p256`), to find it again.
    #[serde(default)]
    pub new_key_kind: Option<String>,
    #[serde(default)]
    pub polls: u32,
    #[serde(default)]
    pub next_poll_at: Option<i64>,
    /// The verified certificate (DER) and its fingerprint.
    #[serde(with = "b64_opt", default)]
    pub issued: Option<Vec<u8>>,
    #[serde(default)]
    pub new_fingerprint: Option<String>,
    /// Why removing the replaced identity failed (installed stage): reported, tried
    /// again, and never a reason to block the new identity's next renewal.
    #[serde(default)]
    pub archive_error: Option<String>,
}

/// The journal's name for a kind of key.
pub fn key_kind(spec: shomei_store::KeySpec) -> &'static str {
    match spec {
        shomei_store::KeySpec::Rsa2048 => "rsa2048",
        shomei_store::KeySpec::Rsa3072 => "rsa3072",
        shomei_store::KeySpec::EcP256 => "p256",
    }
}

/// The kind of key the journal names.
pub fn key_spec(kind: &str) -> Option<shomei_store::KeySpec> {
    [
        shomei_store::KeySpec::Rsa2048,
        shomei_store::KeySpec::Rsa3072,
        shomei_store::KeySpec::EcP256,
    ]
    .into_iter()
    .find(|s| key_kind(*s) == kind)
}

impl Record {
    /// The store of the identity being replaced.
    pub fn place(&self) -> Place {
        Place {
            store: self.store.clone(),
            token_label: self.token_label.clone(),
            token_serial: self.token_serial.clone(),
        }
    }

    /// Whether the request was made (and so may have reached the bank).
    pub fn requested(&self) -> bool {
        self.csr.is_some() || self.challenge
    }

    pub fn decode(bytes: &[u8]) -> Result<Record, String> {
        #[derive(Deserialize)]
        struct Version {
            format: u32,
        }
        let version: Version = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
        if version.format != FORMAT {
            return Err(format!(
                "journal format {} (this version reads {FORMAT})",
                version.format
            ));
        }
        serde_json::from_slice(bytes).map_err(|e| e.to_string())
    }

    /// Of two copies of one record (the journal's and the token's), the one further
    /// along: the later stage, then the later write.
    pub fn newer_than(&self, other: &Record) -> bool {
        (self.stage, self.updated_at) > (other.stage, other.updated_at)
    }

    /// Move to `stage`, stamping the time.
    pub fn at(&mut self, stage: Stage, now: i64) -> &Self {
        self.stage = stage;
        self.updated_at = now;
        self
    }
}

mod b64_opt {
    use super::*;
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(bytes) => s.serialize_some(&B64.encode(bytes)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<u8>>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|text| B64.decode(text).map_err(serde::de::Error::custom))
            .transpose()
    }
}
