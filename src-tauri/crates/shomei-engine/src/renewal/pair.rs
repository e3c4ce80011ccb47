//! The two stores of a renewal: where the identity being replaced is (its key
//! signs the TLS login to the bank, and it is archived there at the end), and
//! where the new key is generated and the new certificate installed. They are
//! one and the same store unless the user renews into the other one
//! (パソコンに保存する ↔ 専用USBに保存する).
//!
//! A renewal into the other store is journaled with both stores named (the
//! record's `store`/`token_label`/`token_serial` for the old side, `target` for
//! the new) and is never copied onto a USB token: it can only be carried on where
//! both stores are, on this computer. A token carried away mid-renewal is
//! covered by the orphan tidy's rule (a young pending key on a USB token stays).

use std::sync::Arc;

use shomei_store::{StoreError, Token};

use super::Engine;
use crate::error::{EngineError, Result};
use crate::journal::{Place, Record};
use crate::model::StorageKind;

#[derive(Clone)]
pub(super) struct StorePair {
    /// Where the identity being replaced is.
    pub old: Arc<dyn Token>,
    /// Where the new key and certificate go.
    pub new: Arc<dyn Token>,
}

impl StorePair {
    pub fn same(token: Arc<dyn Token>) -> StorePair {
        StorePair {
            old: token.clone(),
            new: token,
        }
    }

    /// Whether the new identity goes into another store than the old one's.
    pub fn crossed(&self) -> bool {
        !same_token(self.old.as_ref(), self.new.as_ref())
    }

    /// Each store once; a USB token first, so that the one PIN (the token's: the
    /// PC stores here need none) is tried there before anywhere else.
    pub fn each(&self) -> Vec<&dyn Token> {
        if !self.crossed() {
            return vec![self.old.as_ref()];
        }
        let mut both = vec![self.old.as_ref(), self.new.as_ref()];
        both.sort_by_key(|t| t.storage() != shomei_store::StorageKind::UsbToken);
        both
    }
}

fn same_token(a: &dyn Token, b: &dyn Token) -> bool {
    a.storage() == b.storage() && a.label() == b.label() && a.serial() == b.serial()
}

impl Engine {
    /// The store to put the renewal of an identity in `old` into: `into`, when it
    /// names the other kind of store than `old`'s; otherwise `old` itself.
    pub(super) fn target_for(
        &self,
        old: &Arc<dyn Token>,
        into: Option<StorageKind>,
    ) -> Result<(Arc<dyn Token>, &'static str)> {
        let here = crate::views::storage(old.storage());
        let Some(into) = into.filter(|into| *into != here) else {
            return Ok((old.clone(), ""));
        };
        let wanted = match into {
            StorageKind::UsbToken => shomei_store::StorageKind::UsbToken,
            StorageKind::ThisPc => shomei_store::StorageKind::ThisPc,
        };
        let mut first_error = None;
        for source in self
            .sources
            .iter()
            .filter(|s| s.storage.is_none_or(|k| k == wanted))
        {
            match source.open() {
                Ok(token) if token.storage() == wanted => return Ok((token, source.name)),
                Ok(_) => {}
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        Err(match first_error {
            // Missing token or token software: the preparation guidance applies.
            Some(error) => EngineError::Target { into, error },
            None => EngineError::StoreNotOffered(into),
        })
    }

    /// The stores of a journaled renewal: for one in place, the store of its old or
    /// new identity (or its token by label and serial); for one into another
    /// store, each side by its identity or by the place the record names.
    pub(super) fn stores_of(&self, record: &Record) -> Result<StorePair> {
        let Some(target) = &record.target else {
            return Ok(StorePair::same(self.token_of(record)?));
        };
        let by_identity = |fp: Option<&String>| {
            fp.and_then(|fp| self.locate(fp).ok())
                .map(|(token, _, _)| token)
        };
        let old = match by_identity(Some(&record.old_fingerprint)) {
            Some(token) => token,
            None => self.open_place(&record.place())?,
        };
        let new = match by_identity(record.new_fingerprint.as_ref()) {
            Some(token) if !same_token(token.as_ref(), old.as_ref()) => token,
            _ => self.open_place(target)?,
        };
        Ok(StorePair { old, new })
    }

    /// The store a record names by source, label and serial.
    fn open_place(&self, place: &Place) -> Result<Arc<dyn Token>> {
        let mut first_error = None;
        for source in self.sources.iter().filter(|s| s.name == place.store) {
            match source.open() {
                Ok(token) if place.is(token.as_ref()) => return Ok(token),
                Ok(_) => {}
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        Err(first_error
            .unwrap_or_else(|| StoreError::TokenAbsent(place.token_label.clone().into()))
            .into())
    }
}
