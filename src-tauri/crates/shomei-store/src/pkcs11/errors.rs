//! Maps cryptoki's errors to [`StoreError`] kinds, keeping the PKCS#11 return value
//! and the failing function as the platform code.

use cryptoki::error::{Error as CkError, RvError};

use crate::error::StoreError;

/// Classify a PKCS#11 failure of operation `op`.
pub(crate) fn classify(op: &'static str, err: CkError) -> StoreError {
    match err {
        CkError::Pkcs11(rv, function) => match rv {
            RvError::TokenNotPresent | RvError::TokenNotRecognized => {
                StoreError::TokenAbsent(format!("{op}: {function}: {rv:?}"))
            }
            // A session that vanished mid-operation means the token was pulled out.
            RvError::DeviceRemoved | RvError::SessionHandleInvalid | RvError::SessionClosed => {
                StoreError::TokenRemoved { op }
            }
            // A PIN of the wrong length or with invalid characters is, to the user,
            // simply a wrong PIN.
            RvError::PinIncorrect
            | RvError::PinLenRange
            | RvError::PinInvalid
            | RvError::PinExpired => StoreError::PinIncorrect { retries_left: None },
            RvError::PinLocked => StoreError::PinLocked,
            RvError::FunctionCanceled => StoreError::Cancelled,
            _ => StoreError::Platform {
                op,
                code: format!("{function}: {rv:?}"),
            },
        },
        other => StoreError::Platform {
            op,
            code: format!("{other:?}"),
        },
    }
}

/// Shorthand for `map_err(|e| classify(op, e))`.
pub(crate) trait Classify<T> {
    fn during(self, op: &'static str) -> Result<T, StoreError>;
}

impl<T> Classify<T> for Result<T, CkError> {
    fn during(self, op: &'static str) -> Result<T, StoreError> {
        self.map_err(|e| classify(op, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cryptoki::context::Function;

    #[test]
    fn pin_and_presence_errors_are_classified() {
        let c = |rv| classify("test", CkError::Pkcs11(rv, Function::Login));
        assert!(matches!(
            c(RvError::PinIncorrect),
            StoreError::PinIncorrect { .. }
        ));
        assert!(matches!(
            c(RvError::PinLenRange),
            StoreError::PinIncorrect { .. }
        ));
        assert!(matches!(c(RvError::PinLocked), StoreError::PinLocked));
        assert!(matches!(
            c(RvError::DeviceRemoved),
            StoreError::TokenRemoved { .. }
        ));
        assert!(matches!(
            c(RvError::TokenNotPresent),
            StoreError::TokenAbsent(_)
        ));
        match c(RvError::GeneralError) {
            StoreError::Platform { op, code } => {
                assert_eq!(op, "test");
                assert!(code.contains("GeneralError"), "{code}");
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}
