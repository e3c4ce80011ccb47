//! 電子証明書更新前処理中: the checks before a renewal, run one after the other
//! and reported as each changes, so the window ticks them live. The certificate
//! is found; it can be renewed now (inside the bank's window, or an unfinished
//! renewal's "not before" has passed); the bank answers and proves to be the bank;
//! the USB token the renewal uses is there and its PIN is not locked.
//!
//! Must never: log in, use a key, send anything secret, or change a store or the
//! journal. A failed check stops the others (they stay `waiting`); the renewal's
//! own check repeats all of it, so nothing here is relied upon later.

use std::sync::Arc;
use std::time::Duration;

use shomei_est::{EstClient, EstEndpoint};
use shomei_store::{Identity, StorageKind, StoreError, Token};

use super::Engine;
use crate::error::{EngineError, Result};
use crate::journal::{Record, Stage};
use crate::model::{CheckState, PinWarning, PrecheckItem, PrecheckKind, PrecheckReport};
use crate::network;

/// Where each check's state goes as it changes (the shell forwards it to the window).
pub type PrecheckSink = Arc<dyn Fn(PrecheckItem) + Send + Sync>;

/// The longest the bank check waits: the window must not sit on this screen for
/// the profile's full request timeout.
const BANK_CHECK_LIMIT: Duration = Duration::from_secs(20);

const ORDER: [PrecheckKind; 4] = [
    PrecheckKind::Certificate,
    PrecheckKind::Window,
    PrecheckKind::Bank,
    PrecheckKind::Token,
];

/// What the certificate check found.
struct Found {
    /// The identity and its store; `None` when only an unfinished renewal names it.
    old: Option<(Arc<dyn Token>, Identity)>,
    /// This bank's unfinished renewal that renewing it carries on.
    record: Option<Record>,
}

struct Run<'a> {
    items: Vec<PrecheckItem>,
    sink: &'a PrecheckSink,
}

impl Run<'_> {
    fn set(&mut self, check: PrecheckKind, state: CheckState, error: Option<&EngineError>) {
        let item = self
            .items
            .iter_mut()
            .find(|i| i.check == check)
            .expect("every check has an item");
        item.state = state;
        item.error = error.map(EngineError::view);
        (self.sink)(item.clone());
    }

    /// Runs one check: running, then passed or failed. `false`: stop here.
    fn record<T>(&mut self, check: PrecheckKind, result: &Result<T>) -> bool {
        match result {
            Ok(_) => self.set(check, CheckState::Passed, None),
            Err(e) => {
                tracing::info!(?check, error = %e, "pre-renewal check failed");
                self.set(check, CheckState::Failed, Some(e));
            }
        }
        result.is_ok()
    }
}

impl Engine {
    /// Check that renewing `fingerprint` can begin, reporting each check to `sink`
    /// as it starts and ends. Needs no PIN and changes nothing.
    pub async fn precheck(&self, fingerprint: &str, sink: &PrecheckSink) -> PrecheckReport {
        let mut run = Run {
            items: ORDER
                .iter()
                .map(|&check| PrecheckItem {
                    check,
                    state: CheckState::Waiting,
                    error: None,
                    pin: None,
                })
                .collect(),
            sink,
        };
        let carries_on = self.run_checks(fingerprint, &mut run).await;
        let passed = run
            .items
            .iter()
            .all(|i| matches!(i.state, CheckState::Passed | CheckState::NotNeeded));
        PrecheckReport {
            fingerprint: fingerprint.to_owned(),
            checks: run.items,
            passed,
            carries_on,
        }
    }

    /// The checks in order; returns whether the renewal carries one on.
    async fn run_checks(&self, fingerprint: &str, run: &mut Run<'_>) -> bool {
        run.set(PrecheckKind::Certificate, CheckState::Running, None);
        let found = self.precheck_certificate(fingerprint);
        if !run.record(PrecheckKind::Certificate, &found) {
            return false;
        }
        let Ok(found) = found else { return false };
        let carries_on = found.record.is_some();

        run.set(PrecheckKind::Window, CheckState::Running, None);
        let window = self.precheck_window(&found);
        if !run.record(PrecheckKind::Window, &window) {
            return carries_on;
        }

        run.set(PrecheckKind::Bank, CheckState::Running, None);
        let bank = self.precheck_bank().await;
        if !run.record(PrecheckKind::Bank, &bank) {
            return carries_on;
        }

        let tokens = self.tokens_used(&found);
        if matches!(&tokens, Ok(t) if t.is_empty()) {
            run.set(PrecheckKind::Token, CheckState::NotNeeded, None);
            return carries_on;
        }
        run.set(PrecheckKind::Token, CheckState::Running, None);
        let pin = tokens.and_then(|tokens| precheck_pins(&tokens));
        if run.record(PrecheckKind::Token, &pin) {
            if let Ok(Some(warning)) = pin {
                let item = run.items.last_mut().expect("the token check");
                item.pin = Some(warning);
                (run.sink)(item.clone());
            }
        }
        carries_on
    }

    /// The certificate is in its store; or it is gone, and this bank's unfinished
    /// renewal of it is what renewing it carries on.
    fn precheck_certificate(&self, fingerprint: &str) -> Result<Found> {
        let located = self.locate(fingerprint);
        let tokens = match &located {
            Ok((token, _, _)) => vec![token.clone()],
            Err(_) => self.open_all(),
        };
        let known = self.known(&tokens.iter().map(|t| t.as_ref()).collect::<Vec<_>>(), None);
        // As the renewal's own check decides: an unfinished renewal of it, or one cut
        // short installing it as the new identity.
        let record = known
            .replacing(fingerprint)
            .or_else(|| {
                known
                    .installing(fingerprint)
                    .filter(|r| r.stage == Stage::Installing)
            })
            .filter(|r| self.owns(r))
            .cloned();
        match located {
            Ok((token, old, _)) => Ok(Found {
                old: Some((token, old)),
                record,
            }),
            Err(EngineError::Store(StoreError::NotFound(_))) if record.is_some() => {
                Ok(Found { old: None, record })
            }
            Err(e) => Err(e),
        }
    }

    /// A fresh renewal: renewable here, inside the window, a subject and key the
    /// request can carry. Carrying one on: the bank's "not before" has passed.
    fn precheck_window(&self, found: &Found) -> Result<()> {
        match (&found.record, &found.old) {
            (Some(record), Some((_, old))) => {
                match self.too_early(record, old.certificate.not_after) {
                    Some(e) => Err(e),
                    None => Ok(()),
                }
            }
            (Some(_), None) => Ok(()),
            (None, Some((token, old))) => self.fresh_check(token.as_ref(), old).map(|_| ()),
            (None, None) => Err(Self::internal("nothing to renew")),
        }
    }

    /// `GET /cacerts` without a client certificate through the profile's proxy;
    /// passed once the server proved to be the bank (`EstClient::reach`).
    async fn precheck_bank(&self) -> Result<()> {
        let mut options = network::est_options(&self.profile);
        options.timeout = options.timeout.min(BANK_CHECK_LIMIT);
        options.connect_timeout = options.connect_timeout.min(BANK_CHECK_LIMIT);
        let client = EstClient::with_options(
            EstEndpoint {
                base_url: self.profile.est.base_url.clone(),
                label: self.profile.est.label.clone(),
                pinned_roots: self.pinned_roots.clone(),
            },
            None,
            options,
        )?;
        let reached = client.reach().await?;
        tracing::debug!(?reached, "the bank answered the pre-renewal check");
        Ok(())
    }

    /// The USB tokens the renewal uses: where the identity is, or the stores of the
    /// unfinished renewal it carries on. A renewal on this PC uses none (a renewal
    /// into the token is chosen on the next screen, which checks the token itself).
    fn tokens_used(&self, found: &Found) -> Result<Vec<Arc<dyn Token>>> {
        let stores = match (&found.record, &found.old) {
            (Some(record), _) => {
                let pair = self.stores_of(record)?;
                vec![pair.old.clone(), pair.new.clone()]
            }
            (None, Some((token, _))) => vec![token.clone()],
            (None, None) => Vec::new(),
        };
        let mut tokens: Vec<Arc<dyn Token>> = Vec::new();
        for store in stores {
            let same =
                |t: &Arc<dyn Token>| t.label() == store.label() && t.serial() == store.serial();
            if store.storage() == StorageKind::UsbToken && !tokens.iter().any(same) {
                tokens.push(store);
            }
        }
        Ok(tokens)
    }
}

/// Each token's PIN flags, read without logging in: locked fails; few tries left
/// is a warning the PIN screen repeats.
fn precheck_pins(tokens: &[Arc<dyn Token>]) -> Result<Option<PinWarning>> {
    let mut warning: Option<PinWarning> = None;
    for token in tokens {
        let status = token.pin_status()?;
        if status.locked {
            return Err(StoreError::PinLocked.into());
        }
        if status.final_try || status.count_low {
            let w = warning.get_or_insert(PinWarning {
                final_try: false,
                count_low: false,
            });
            w.final_try |= status.final_try;
            w.count_low |= status.count_low;
        }
    }
    Ok(warning)
}
