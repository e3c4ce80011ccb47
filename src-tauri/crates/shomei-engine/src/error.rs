//! Engine errors and their translation to the UI's [`ErrorView`] codes.

use shomei_est::EstError;
use shomei_store::StoreError;

use crate::model::{ErrorCode, ErrorView};

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
    /// Another call is renewing this identity right now.
    #[error("a renewal of certificate {0} is already running")]
    Busy(String),
    #[error("the bank has not issued yet: {0}")]
    StillPending(String),
    #[error("not supported: {0}")]
    Unsupported(String),
    #[error("{0}")]
    Internal(String),
}

impl EngineError {
    pub fn code(&self) -> ErrorCode {
        match self {
            EngineError::Store(e) => match e {
                StoreError::TokenAbsent(_) => ErrorCode::TokenAbsent,
                StoreError::ModuleMissing { .. } => ErrorCode::ModuleMissing,
                StoreError::TokenRemoved { .. } => ErrorCode::TokenRemoved,
                StoreError::PinIncorrect { .. } => ErrorCode::PinIncorrect,
                StoreError::PinLocked => ErrorCode::PinLocked,
                StoreError::Cancelled => ErrorCode::Cancelled,
                StoreError::NotFound(_) => ErrorCode::NotFound,
                _ => ErrorCode::Internal,
            },
            EngineError::Est(e) => match e {
                EstError::Unreachable(_) => ErrorCode::BankUnreachable,
                EstError::ServerNotTrusted(_) => ErrorCode::BankNotTrusted,
                EstError::Rejected(_) => ErrorCode::CertificateMismatch,
                EstError::Http { .. } | EstError::Malformed(_) => ErrorCode::BankRejected,
                _ => ErrorCode::Internal,
            },
            EngineError::OutsideWindow(_) => ErrorCode::OutsideWindow,
            EngineError::UnknownRenewal(_) => ErrorCode::RenewalUnknown,
            EngineError::PinFinalTry => ErrorCode::PinFinalTry,
            EngineError::StillPending(_) => ErrorCode::StillPending,
            EngineError::AlreadyRenewed(_) => ErrorCode::AlreadyRenewed,
            EngineError::Busy(_) => ErrorCode::Internal,
            EngineError::Unsupported(_) => ErrorCode::Internal,
            EngineError::Internal(_) => ErrorCode::Internal,
        }
    }

    pub fn view(&self) -> ErrorView {
        let retries_left = match self {
            EngineError::Store(StoreError::PinIncorrect { retries_left }) => *retries_left,
            _ => None,
        };
        ErrorView {
            code: self.code(),
            retries_left,
            detail: Some(self.to_string()),
        }
    }
}

pub type Result<T, E = EngineError> = std::result::Result<T, E>;
