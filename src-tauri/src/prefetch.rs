//! The window's first list, read while the webview starts: the stores are listed
//! on a blocking thread as the window is built, and the page's first
//! `list_identities` takes that listing instead of starting its own (SoftHSM's
//! C_Initialize and the reads then overlap WebKit's start). Only the first call,
//! only within [`FRESH_FOR`], and only for the same banks; every later call lists
//! afresh.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use shomei_engine::model::IdentityListing;
use shomei_engine::Banks;
use tauri::async_runtime::JoinHandle;

/// Older than this, the prefetched listing is not used.
pub const FRESH_FOR: Duration = Duration::from_secs(15);

struct Started {
    at: Instant,
    banks: Arc<Banks>,
    listing: JoinHandle<IdentityListing>,
}

#[derive(Default)]
pub struct Prefetch(Mutex<Option<Started>>);

impl Prefetch {
    /// Starts listing `banks` now.
    pub fn start(&self, banks: Arc<Banks>) {
        let listed = banks.clone();
        let listing = tauri::async_runtime::spawn_blocking(move || listed.list());
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(Started {
            at: Instant::now(),
            banks,
            listing,
        });
    }

    /// The prefetched listing of `banks`, once, if it is fresh enough.
    pub async fn take(&self, banks: &Arc<Banks>) -> Option<IdentityListing> {
        let started = self.0.lock().unwrap_or_else(|p| p.into_inner()).take()?;
        if !Arc::ptr_eq(&started.banks, banks) || started.at.elapsed() > FRESH_FOR {
            return None;
        }
        started.listing.await.ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn once_and_only_for_the_same_banks() {
        tauri::async_runtime::block_on(async {
            let prefetch = Prefetch::default();
            let ours = Arc::new(Banks::of(Vec::new(), Vec::new()));
            let swapped = Arc::new(Banks::of(Vec::new(), Vec::new()));
            prefetch.start(ours.clone());
            assert!(prefetch.take(&swapped).await.is_none(), "other banks");
            prefetch.start(ours.clone());
            assert!(prefetch.take(&ours).await.is_some());
            assert!(prefetch.take(&ours).await.is_none(), "taken twice");
        });
    }
}
