//! Engine errors and their translation to the UI's [`ErrorView`] codes.

use shomei_est::{EstError, Rejection};
use shomei_store::StoreError;

use crate::model::{ErrorCode, ErrorView, NotRenewable};
use crate::views::rfc3339;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EngineError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Est(#[from] EstError),
    #[error("renewal is not possible now: {0}")]
    OutsideWindow(String),
    #[error("no renewal {0} is in progress")]
    UnknownRenewal(String),
    /// The token is at its final PIN try and the user has not confirmed; nothing was tried.
    #[error("final PIN try not confirmed")]
    PinFinalTry,
    /// A previous run's renewal of this identity was carried to its end: the
    /// certificate with this fingerprint replaced it.
    #[error("already renewed: the new certificate is {0}")]
    AlreadyRenewed(String),
    /// Another call of this process is renewing this identity right now.
    #[error("a renewal of certificate {0} is already running")]
    Busy(String),
    /// Another process (the window, the command line) holds this renewal.
    #[error("the renewal of certificate {0} is in progress in another window or command")]
    InProgressElsewhere(String),
    /// The bank answered "later"; the request is kept and asked again from
    /// `next_poll_at` (Unix seconds).
    #[error("the bank has not issued yet: {detail}")]
    StillPending {
        next_poll_at: Option<i64>,
        detail: String,
    },
    /// The issued certificate is valid only from `not_before` (Unix seconds), later
    /// than this computer's clock allows. It is kept with its key.
    #[error("the issued certificate is valid only from {}: this computer's clock may be behind; it is kept and checked again then", rfc3339(*.not_before))]
    IssuedInFuture { not_before: i64 },
    #[error("this certificate cannot be renewed here: {0:?}")]
    NotRenewable(NotRenewable),
    /// The store the renewal was to go into is not ready (the USB token is not
    /// plugged in, its software is not installed): the manual's preparation
    /// guidance applies. Nothing was made.
    #[error("the store to renew into is not ready: {error}")]
    Target {
        into: crate::model::StorageKind,
        error: StoreError,
    },
    /// An unfinished renewal of this identity goes into the other store than the
    /// one asked for: carry it on (into that store) or discard it first.
    #[error("an unfinished renewal of this certificate goes into {unfinished_into:?}, not {into:?}: carry it on or discard it first")]
    UnfinishedElsewhere {
        into: crate::model::StorageKind,
        unfinished_into: crate::model::StorageKind,
    },
    /// The bank does not offer this kind of store (no media storage: no USB token).
    #[error("the bank offers no {0:?} to renew into")]
    StoreNotOffered(crate::model::StorageKind),
    /// No bank profile is loaded (none deployed, or every one broken).
    #[error("no bank profile is loaded")]
    NoBank,
    /// The demo cannot start: SoftHSM2's module is not at `0` (not installed).
    #[error("the demo needs SoftHSM2 (apt install softhsm2): no module at {0}")]
    DemoNeedsSoftHsm(String),
    #[error("not supported: {0}")]
    Unsupported(String),
    #[error("{0}")]
    Internal(String),
}

impl EngineError {
    pub fn code(&self) -> ErrorCode {
        match self {
            EngineError::Store(e) | EngineError::Target { error: e, .. } => store_code(e),
            EngineError::Est(e) => match e {
                EstError::Unreachable(_) | EstError::NotSent(_) => ErrorCode::BankUnreachable,
                EstError::ServerNotTrusted(_) => ErrorCode::BankNotTrusted,
                EstError::Rejected(Rejection::NotLonger { .. }) => ErrorCode::IssuedNotLonger,
                EstError::Rejected(_) => ErrorCode::CertificateMismatch,
                EstError::Http { .. } | EstError::Malformed(_) => ErrorCode::BankRejected,
                EstError::AuthRequired { .. } => ErrorCode::BankAuthRequired,
                EstError::CannotHonour(_) => ErrorCode::BankRequirementUnsupported,
                _ => ErrorCode::Internal,
            },
            EngineError::OutsideWindow(_) => ErrorCode::OutsideWindow,
            EngineError::UnknownRenewal(_) => ErrorCode::RenewalUnknown,
            EngineError::PinFinalTry => ErrorCode::PinFinalTry,
            EngineError::StillPending { .. } => ErrorCode::StillPending,
            EngineError::IssuedInFuture { .. } => ErrorCode::IssuedNotYetValid,
            EngineError::AlreadyRenewed(_) => ErrorCode::AlreadyRenewed,
            EngineError::Busy(_) | EngineError::InProgressElsewhere(_) => {
                ErrorCode::RenewalInProgress
            }
            EngineError::NotRenewable(_) => ErrorCode::NotRenewable,
            EngineError::NoBank => ErrorCode::NoBankProfile,
            EngineError::DemoNeedsSoftHsm(_) => ErrorCode::DemoNeedsSoftHsm,
            EngineError::StoreNotOffered(_) => ErrorCode::StoreNotOffered,
            EngineError::UnfinishedElsewhere { .. } => ErrorCode::UnfinishedElsewhere,
            EngineError::Unsupported(_) => ErrorCode::Internal,
            EngineError::Internal(_) => ErrorCode::Internal,
        }
    }

    pub fn view(&self) -> ErrorView {
        let (retries_left, few_left) = match self {
            EngineError::Store(StoreError::PinIncorrect {
                retries_left,
                few_left,
                ..
            }) => (*retries_left, *few_left),
            _ => (None, false),
        };
        let at = match self {
            EngineError::StillPending { next_poll_at, .. } => next_poll_at.map(rfc3339),
            EngineError::IssuedInFuture { not_before } => Some(rfc3339(*not_before)),
            _ => None,
        };
        let native_code = match self {
            EngineError::Store(e) | EngineError::Target { error: e, .. } => {
                e.native_code().map(|c| c.to_string())
            }
            _ => None,
        };
        let into = match self {
            EngineError::Target { into, .. } | EngineError::StoreNotOffered(into) => Some(*into),
            EngineError::UnfinishedElsewhere {
                unfinished_into, ..
            } => Some(*unfinished_into),
            _ => None,
        };
        ErrorView {
            code: self.code(),
            retries_left,
            at,
            detail: Some(self.to_string()),
            native_code,
            into,
            few_left,
        }
    }
}

fn store_code(e: &StoreError) -> ErrorCode {
    match e {
        StoreError::TokenAbsent(_) => ErrorCode::TokenAbsent,
        StoreError::ModuleMissing { .. } => ErrorCode::ModuleMissing,
        StoreError::TokenRemoved { .. } => ErrorCode::TokenRemoved,
        StoreError::PinIncorrect { .. } => ErrorCode::PinIncorrect,
        StoreError::PinLocked => ErrorCode::PinLocked,
        StoreError::Cancelled => ErrorCode::Cancelled,
        StoreError::NotFound(_) => ErrorCode::NotFound,
        _ => ErrorCode::Internal,
    }
}

pub type Result<T, E = EngineError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;
    use shomei_store::{Detail, NativeCode};

    #[test]
    fn the_view_carries_the_native_code_for_the_helpdesk() {
        let keyset = NativeCode::Hresult(0x8009_0016_u32 as i32);
        let view = EngineError::from(StoreError::NotFound(Detail::native("key", keyset))).view();
        assert_eq!(view.code, ErrorCode::NotFound);
        assert_eq!(
            view.native_code.as_deref(),
            Some("HRESULT 0x80090016 (NTE_BAD_KEYSET)")
        );
        let json = serde_json::to_value(&view).unwrap();
        assert_eq!(json["nativeCode"], "HRESULT 0x80090016 (NTE_BAD_KEYSET)");

        let words = EngineError::from(StoreError::NotFound("certificate 00".into())).view();
        assert_eq!(words.native_code, None);
        let json = serde_json::to_value(&words).unwrap();
        assert!(json.get("nativeCode").is_none(), "absent, not null: {json}");
    }
}
