//! What the scheduler remembers between runs: for each identity (by
//! fingerprint) the latest reminder point it fired, and which failures it has
//! announced. One small JSON file, replaced atomically (temp file, fsync,
//! rename, fsync of the directory) like the journal's records and the settings.
//!
//! A file that cannot be read or understood is logged and replaced by a fresh
//! state: at worst the latest point of each identity is shown once more.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::points::Point;

/// The file's name in the directory the caller gives (beside the journal's
/// directory, never inside it: every `.json` there is a renewal record).
pub const FILE_NAME: &str = "reminders.json";

/// The version of the format written.
const FORMAT: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct State {
    pub format: u32,
    /// By fingerprint (lower-case hex).
    pub identities: BTreeMap<String, Fired>,
    /// Failures announced and still present, by key, with when they were announced.
    pub failures: BTreeMap<String, i64>,
}

impl Default for State {
    fn default() -> Self {
        State {
            format: FORMAT,
            identities: BTreeMap::new(),
            failures: BTreeMap::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Fired {
    pub not_after: i64,
    /// The latest point shown; points up to it never fire again.
    pub point: Point,
    pub fired_at: i64,
    /// Since when the identity has not been in the stores (a USB token left
    /// elsewhere, or renewed elsewhere); forgotten after a while.
    #[serde(default)]
    pub missing_since: Option<i64>,
}

/// The state in `dir`: a fresh one when there is no file, or when it cannot be
/// read or understood (logged).
pub fn load(dir: &Path) -> State {
    crate::atomic_file::load(dir, FILE_NAME, "reminder state", parse)
        .ok()
        .flatten()
        .unwrap_or_default()
}

/// The state in `bytes` (reminders.json); why not, when it is corrupt or of
/// another format.
pub fn parse(bytes: &[u8]) -> Result<State, String> {
    match serde_json::from_slice::<State>(bytes) {
        Ok(state) if state.format == FORMAT => Ok(state),
        Ok(state) => Err(format!("unknown format {}", state.format)),
        Err(e) => Err(format!("corrupt: {e}")),
    }
}

/// The bytes [`save`] writes for `state`.
pub fn to_bytes(state: &State) -> std::io::Result<Vec<u8>> {
    serde_json::to_vec_pretty(state).map_err(std::io::Error::other)
}

/// Writes `state` to `dir` (created if needed), replacing the old file in one
/// step: a crash leaves either the old file or the new one, never half of one.
pub fn save(dir: &Path, state: &State) -> std::io::Result<()> {
    crate::atomic_file::replace(&dir.join(FILE_NAME), &to_bytes(state)?)
}
