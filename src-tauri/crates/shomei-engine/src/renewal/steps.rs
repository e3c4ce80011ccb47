//! Progress events around each step, and the small things every step shares.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use secrecy::SecretString;
use shomei_store::{StoreError, Token};

use super::ProgressSink;
use crate::error::{EngineError, Result};
use crate::model::{ProgressEvent, RenewalStep, StepPhase};

/// Emits started/finished/failed around each step, and logs one line per step:
/// the renewal, the bank, the identity's fingerprint, the step, how long it took,
/// and for a failure its code, the store's native code (CKR_*, HRESULT, OSStatus)
/// and the error's text. Never the PIN or the bank's password (not even their length).
pub(super) struct Steps<'a> {
    pub id: String,
    pub sink: &'a ProgressSink,
    /// The password the bank gave for the renewal (HTTP authentication, the
    /// challengePassword), for this call only, like the PIN.
    pub bank_password: Option<&'a SecretString>,
    /// The bank's id (its profile's).
    pub bank: &'a str,
    /// The fingerprint of the identity being renewed (the old one).
    pub fingerprint: String,
    /// When the running step started.
    started_at: Mutex<Option<Instant>>,
}

impl<'a> Steps<'a> {
    pub fn new(
        id: String,
        sink: &'a ProgressSink,
        bank_password: Option<&'a SecretString>,
        bank: &'a str,
        fingerprint: &str,
    ) -> Self {
        Steps {
            id,
            sink,
            bank_password,
            bank,
            fingerprint: fingerprint.to_ascii_lowercase(),
            started_at: Mutex::new(None),
        }
    }
}

impl Steps<'_> {
    fn emit(&self, step: RenewalStep, phase: StepPhase, error: Option<&EngineError>) {
        (self.sink)(ProgressEvent {
            renewal_id: self.id.clone(),
            step,
            phase,
            error: error.map(EngineError::view),
        });
    }

    pub fn started(&self, step: RenewalStep) {
        *self.started_at.lock().unwrap_or_else(|p| p.into_inner()) = Some(Instant::now());
        self.emit(step, StepPhase::Started, None);
    }

    pub fn finish<T>(&self, step: RenewalStep, result: Result<T>) -> Result<T> {
        let ms = self
            .started_at
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
            .map_or(0, |t| t.elapsed().as_millis());
        match &result {
            Ok(_) => {
                tracing::info!(
                    renewal = %self.id,
                    bank = %self.bank,
                    fingerprint = %self.fingerprint,
                    step = %wire_name(&step),
                    ms,
                    "renewal step done"
                );
                self.emit(step, StepPhase::Finished, None);
            }
            Err(e) => {
                let view = e.view();
                tracing::warn!(
                    renewal = %self.id,
                    bank = %self.bank,
                    fingerprint = %self.fingerprint,
                    step = %wire_name(&step),
                    ms,
                    code = %wire_name(&view.code),
                    native = view.native_code.as_deref().unwrap_or("-"),
                    error = ?e.to_string(),
                    "renewal step failed"
                );
                self.emit(step, StepPhase::Failed, Some(e));
            }
        }
        result
    }

    pub fn run<T>(&self, step: RenewalStep, f: impl FnOnce() -> Result<T>) -> Result<T> {
        self.started(step);
        self.finish(step, f())
    }
}

/// A step or an error code as the UI and the CLI's JSON name it (`generateKey`,
/// `pinIncorrect`).
fn wire_name(value: &(impl serde::Serialize + std::fmt::Debug)) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => name,
        _ => format!("{value:?}"),
    }
}

impl super::Engine {
    /// End the token login once a renewal is over, so the next one asks for the
    /// PIN. A PKCS#11 login belongs to the whole process: while another renewal of
    /// this process waits at consent 2 on the same token, it keeps the login (its
    /// install needs the private key); that renewal logs out when it ends.
    pub(super) fn log_out_all(&self, stores: &super::pair::StorePair) {
        for token in stores.each() {
            self.log_out(token);
        }
    }

    pub(super) fn log_out(&self, token: &dyn Token) {
        let waiting_here = self
            .awaiting
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .values()
            .any(|a| {
                a.stores
                    .each()
                    .iter()
                    .any(|t| t.label() == token.label() && t.serial() == token.serial())
            });
        if waiting_here {
            return;
        }
        if let Err(e) = token.logout() {
            tracing::warn!(error = %e, "could not log out of the token");
        }
    }
}

/// Unique, sortable by start time, and safe as a file name.
pub(super) fn new_renewal_id() -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!("{nanos:x}-{}", N.fetch_add(1, Ordering::Relaxed))
}

/// Refuse before sending a PIN the token would lock on, unless confirmed.
pub(super) fn check_pin(token: &dyn Token, confirm_final_try: bool) -> Result<()> {
    let status = token.pin_status()?;
    if status.locked {
        return Err(StoreError::PinLocked.into());
    }
    if status.final_try && !confirm_final_try {
        return Err(EngineError::PinFinalTry);
    }
    Ok(())
}
