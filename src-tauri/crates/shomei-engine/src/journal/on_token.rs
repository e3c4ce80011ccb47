//! The travelling copy: a USB token's renewal records kept ON the token, as
//! public PKCS#11 data objects (CKO_DATA, CKA_APPLICATION [`APPLICATION`],
//! labelled with the renewal id, the record's JSON as the value).
//!
//! Why: a 専用USB token moves between computers and user accounts. A renewal the
//! bank answered with "later" on one computer leaves its pending key on the
//! token; the journal of that computer alone would make the key look orphaned
//! everywhere else, and the issued certificate could never be installed. With the
//! record on the token, whichever computer the token is plugged into sees the
//! renewal, carries it on or discards it, and the copy's absence later tells the
//! first computer that its local record is over.
//!
//! Owns: reading and writing those copies. Must never: put anything but the
//! public record there (it is readable without a PIN), or trust a copy beyond
//! what [`plausible`] checks (another program could have written it).

use shomei_store::{StorageKind, StoreError, Token};

use super::{Record, Stage, FORMAT, PENDING_KEY_PREFIX};

/// CKA_APPLICATION of the copies.
pub const APPLICATION: &str = "Shomei renewal journal";

/// Whether records of renewals in `token` travel with it.
pub fn travels(token: &dyn Token) -> bool {
    token.storage() == StorageKind::UsbToken
}

/// Whether `record` belongs to `token`: the store of the identity it replaces.
pub fn belongs_to(record: &Record, token: &dyn Token) -> bool {
    record.place().is(token)
}

/// A copy's value: the record's JSON, as the journal holds it.
fn encode(record: &Record) -> Result<Vec<u8>, StoreError> {
    serde_json::to_vec(record).map_err(|e| StoreError::Platform {
        op: "encode journal record",
        code: e.to_string().into(),
    })
}

/// Write (or replace) the copy of `record` on `token`.
pub fn put(token: &dyn Token, record: &Record) -> Result<(), StoreError> {
    let json = encode(record)?;
    token.put_data_object(APPLICATION, &record.renewal_id, &json)
}

/// Whether `token` shows this very record, as another computer would read it.
pub fn holds(token: &dyn Token, record: &Record) -> Result<bool, StoreError> {
    let json = encode(record)?;
    Ok(token
        .data_objects(APPLICATION)?
        .iter()
        .any(|o| o.label == record.renewal_id && o.value == json))
}

pub fn remove(token: &dyn Token, renewal_id: &str) -> Result<(), StoreError> {
    token.remove_data_object(APPLICATION, renewal_id)
}

/// The copies on `token` (one per renewal: the newest if a replacement was cut
/// short), and why others could not be used.
pub fn load(token: &dyn Token) -> (Vec<Record>, Vec<String>) {
    if !travels(token) {
        return Default::default();
    }
    let objects = match token.data_objects(APPLICATION) {
        Ok(objects) => objects,
        Err(StoreError::Unsupported(_)) => return Default::default(),
        Err(e) => {
            return (
                Vec::new(),
                vec![format!("journal records on the token: {e}")],
            )
        }
    };
    let (mut records, mut errors): (Vec<Record>, Vec<String>) = Default::default();
    for object in objects {
        match Record::decode(&object.value).and_then(|r| plausible(r, &object.label, token)) {
            Ok(record) => match records
                .iter_mut()
                .find(|r| r.renewal_id == record.renewal_id)
            {
                Some(kept) if record.newer_than(kept) => *kept = record,
                Some(_) => {}
                None => records.push(record),
            },
            Err(e) => errors.push(format!(
                "journal record {:?} on the token: {e}",
                object.label
            )),
        }
    }
    records.sort_by(|a, b| a.renewal_id.cmp(&b.renewal_id));
    (records, errors)
}

/// A copy is used only if it is a record this program would have written for
/// this token: what recovery would do with it is then what it would do with its
/// own. (Recovery never removes a key that a certificate uses, whatever a record
/// says.)
fn plausible(record: Record, label: &str, token: &dyn Token) -> Result<Record, String> {
    let id_ok = !record.renewal_id.is_empty()
        && record
            .renewal_id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-');
    if !id_ok || record.renewal_id != label {
        return Err("its label is not its renewal id".into());
    }
    if record.format != FORMAT || !belongs_to(&record, token) {
        return Err("written for another token or format".into());
    }
    if record.key_label != format!("{PENDING_KEY_PREFIX}{}", record.renewal_id) {
        return Err("its key label is not the renewal's".into());
    }
    if record.stage >= Stage::KeyGenerated && record.key_id.as_deref().is_none_or(<[u8]>::is_empty)
    {
        return Err("it names no key".into());
    }
    if let Some(issued) = &record.issued {
        let cert = shomei_store::CertificateInfo::parse(issued).map_err(|e| e.to_string())?;
        if record.new_public_key.as_deref() != Some(cert.public_key.as_slice())
            || record.new_fingerprint.as_deref() != Some(cert.fingerprint.as_str())
        {
            return Err("its certificate is not for its key".into());
        }
    }
    Ok(record)
}
