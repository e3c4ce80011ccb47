//! The last renewal of each identity that failed and was rolled back (the bank
//! refused, a wrong PIN, the bank unreachable, the token pulled out…), remembered
//! after the window that showed the error has closed, so the list and the tray
//! still say it until a renewal of that identity ends otherwise.
//!
//! A failure that leaves a renewal in the journal needs no memory of its own:
//! the list shows the unfinished renewal, and that wins ([`crate::Banks::list`]).
//!
//! One small JSON file, `failures.json`, in the data directory beside the journal's
//! (never inside it: the journal's directory holds only renewal records, and the
//! updater refuses to install while anything is there). Replaced in one step. It
//! holds fingerprints, error codes, native codes and times: nothing secret. The
//! window and the command line may both write it; each write re-reads the file
//! first, so at worst two failures at the same instant keep only one of them.
//!
//! Owns: which outcome records, clears or leaves a failure ([`effect`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::error::EngineError;
use crate::model::{ErrorCode, LastFailure};

/// The file's name in the data directory.
pub const FILE_NAME: &str = "failures.json";

/// The version of the format written.
const FORMAT: u32 = 1;

/// A failure older than this is forgotten at the next write (a certificate is
/// renewed once a year; an identity long gone leaves no entry behind).
const FORGET_AFTER: i64 = 400 * 24 * 3600;

/// What a renewal call's outcome does to the identity's remembered failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// It failed: remember it (replacing an older one).
    Record(ErrorCode),
    /// It got further than any failure before it (renewed, waiting at the bank,
    /// issued): forget the old one.
    Clear,
    /// Nothing was attempted (the user cancelled, another window works on it, the
    /// renewal window is closed…): what was remembered stays.
    Keep,
}

/// The effect of `result`, the outcome of a call that renews (or carries on) one
/// identity. Exhaustive on purpose: a new error code must be placed here.
pub fn effect<T>(result: &Result<T, EngineError>) -> Effect {
    let Err(e) = result else {
        return Effect::Clear;
    };
    let code = e.code();
    match code {
        ErrorCode::StillPending | ErrorCode::IssuedNotYetValid | ErrorCode::AlreadyRenewed => {
            Effect::Clear
        }
        // Refused before anything was tried: the token or its software not there
        // (the manual's preparation), a store the bank does not offer, and the rest.
        ErrorCode::Cancelled
        | ErrorCode::RenewalInProgress
        | ErrorCode::InvalidRequest
        | ErrorCode::OutsideWindow
        | ErrorCode::NotRenewable
        | ErrorCode::PinFinalTry
        | ErrorCode::UnfinishedElsewhere
        | ErrorCode::NoBankProfile
        | ErrorCode::DemoNeedsSoftHsm
        | ErrorCode::NotSaved
        | ErrorCode::StoreNotOffered
        | ErrorCode::TokenAbsent
        | ErrorCode::ModuleMissing
        | ErrorCode::RenewalUnknown => Effect::Keep,
        // NotFound too: mid-renewal it is a key or certificate the store lost (read
        // back, signing); for an identity that is not there, no row shows it.
        ErrorCode::BankAuthRequired
        | ErrorCode::BankRequirementUnsupported
        | ErrorCode::NotFound
        | ErrorCode::TokenRemoved
        | ErrorCode::PinIncorrect
        | ErrorCode::PinLocked
        | ErrorCode::BankUnreachable
        | ErrorCode::BankNotTrusted
        | ErrorCode::BankRejected
        | ErrorCode::CertificateMismatch
        | ErrorCode::IssuedNotLonger
        | ErrorCode::Internal => Effect::Record(code),
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct State {
    format: u32,
    /// By fingerprint (lower-case hex).
    identities: BTreeMap<String, Entry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Entry {
    code: ErrorCode,
    /// Unix seconds.
    at: i64,
    #[serde(default)]
    native_code: Option<String>,
}

/// Where the failures are remembered: a directory, or memory (tests, and a
/// `Banks` nobody gave a directory).
pub struct Failures {
    dir: Option<PathBuf>,
    memory: Mutex<State>,
}

impl Failures {
    pub fn in_memory() -> Self {
        Failures {
            dir: None,
            memory: Mutex::new(State::default()),
        }
    }

    /// Failures remembered in `dir/failures.json` (the file is read at each use:
    /// another process may have written it).
    pub fn open(dir: &Path) -> Self {
        Failures {
            dir: Some(dir.to_path_buf()),
            memory: Mutex::new(State::default()),
        }
    }

    /// Applies the outcome `result` of a renewal of `fingerprint` at `now`.
    pub fn settle<T>(&self, fingerprint: &str, result: &Result<T, EngineError>, now: i64) {
        let change = match effect(result) {
            Effect::Keep => return,
            Effect::Clear => None,
            Effect::Record(code) => Some(Entry {
                code,
                at: now,
                native_code: result.as_ref().err().and_then(|e| e.view().native_code),
            }),
        };
        self.change(fingerprint, change, now);
    }

    /// Forgets the failure of `fingerprint` (its renewal was discarded).
    pub fn forget(&self, fingerprint: &str, now: i64) {
        self.change(fingerprint, None, now);
    }

    fn change(&self, fingerprint: &str, change: Option<Entry>, now: i64) {
        let fingerprint = fingerprint.to_ascii_lowercase();
        let mut memory = self.memory.lock().unwrap_or_else(|p| p.into_inner());
        // A file that exists but cannot be read is not overwritten: it holds the
        // other identities' failures.
        let Ok(mut state) = self.current(&memory) else {
            return;
        };
        let before = state.clone();
        match change {
            Some(entry) => {
                tracing::info!(fingerprint = %fingerprint, code = ?entry.code, "renewal failure remembered");
                state.identities.insert(fingerprint, entry);
            }
            None => {
                state.identities.remove(&fingerprint);
            }
        }
        state.identities.retain(|_, e| fresh(e, now));
        if state == before {
            return;
        }
        state.format = FORMAT;
        if let Some(dir) = &self.dir {
            let saved = serde_json::to_vec_pretty(&state)
                .map_err(std::io::Error::other)
                .and_then(|bytes| crate::atomic_file::replace(&dir.join(FILE_NAME), &bytes));
            if let Err(e) = saved {
                // The error was on screen; only its memory for the tray is lost.
                tracing::warn!(dir = %dir.display(), error = %e, "cannot remember the renewal failure");
            }
        }
        *memory = state;
    }

    /// Every failure remembered at `now`, by fingerprint (lower case).
    pub fn all(&self, now: i64) -> BTreeMap<String, LastFailure> {
        let memory = self.memory.lock().unwrap_or_else(|p| p.into_inner());
        self.current(&memory)
            .unwrap_or_default()
            .identities
            .into_iter()
            .filter(|(_, e)| fresh(e, now))
            .map(|(fingerprint, e)| {
                let view = LastFailure {
                    code: e.code,
                    at: crate::views::rfc3339(e.at),
                    native_code: e.native_code,
                };
                (fingerprint, view)
            })
            .collect()
    }

    /// The state now: the file's (a missing or corrupt one is empty, logged), or
    /// memory's; `Err` when the file is there but cannot be read (logged).
    fn current(&self, memory: &State) -> std::io::Result<State> {
        let Some(dir) = &self.dir else {
            return Ok(memory.clone());
        };
        Ok(
            crate::atomic_file::load(dir, FILE_NAME, "remembered failures", parse)?
                .unwrap_or_default(),
        )
    }
}

/// Not yet forgotten at `now` (a hand-edited time cannot overflow it).
fn fresh(entry: &Entry, now: i64) -> bool {
    now.saturating_sub(entry.at) < FORGET_AFTER
}

fn parse(bytes: &[u8]) -> Result<State, String> {
    match serde_json::from_slice::<State>(bytes) {
        Ok(state) if state.format == FORMAT => Ok(state),
        Ok(state) => Err(format!("unknown format {}", state.format)),
        Err(e) => Err(format!("corrupt: {e}")),
    }
}

#[cfg(test)]
#[path = "failures_tests.rs"]
mod tests;
