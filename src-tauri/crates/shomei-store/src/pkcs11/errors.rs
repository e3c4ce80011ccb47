//! Maps cryptoki's errors to [`StoreError`] kinds, keeping the PKCS#11 return value
//! typed ([`NativeCode::Pkcs11`]) and the failing function in the words.

use cryptoki::error::{Error as CkError, RvError};

use crate::error::{Detail, NativeCode, StoreError};

/// Classify a PKCS#11 failure of operation `op`.
pub(crate) fn classify(op: &'static str, err: CkError) -> StoreError {
    match err {
        CkError::Pkcs11(rv, function) => {
            let native = Some(NativeCode::Pkcs11(rv));
            // cryptoki names C_Login `Login`.
            let call = format!("C_{function:?}");
            match rv {
                RvError::TokenNotPresent | RvError::TokenNotRecognized => StoreError::TokenAbsent(
                    Detail::native(format!("{op}: {call}"), NativeCode::Pkcs11(rv)),
                ),
                // A session that vanished mid-operation means the token was pulled out.
                RvError::DeviceRemoved | RvError::SessionHandleInvalid | RvError::SessionClosed => {
                    StoreError::TokenRemoved { op, native }
                }
                // A PIN of the wrong length or with invalid characters is, to the user,
                // simply a wrong PIN; the code says which it was.
                RvError::PinIncorrect
                | RvError::PinLenRange
                | RvError::PinInvalid
                | RvError::PinExpired => StoreError::PinIncorrect {
                    retries_left: None,
                    few_left: false,
                    native,
                },
                RvError::PinLocked => StoreError::PinLocked,
                RvError::FunctionCanceled => StoreError::Cancelled,
                _ => StoreError::Platform {
                    op,
                    code: Detail::native(call, NativeCode::Pkcs11(rv)),
                },
            }
        }
        // Loading, a null pointer, a conversion: cryptoki's own words, no code.
        other => StoreError::Platform {
            op,
            code: other.to_string().into(),
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

    fn c(rv: RvError) -> StoreError {
        classify("test", CkError::Pkcs11(rv, Function::Login))
    }

    #[test]
    fn pin_and_presence_errors_are_classified() {
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
        assert!(matches!(
            c(RvError::FunctionCanceled),
            StoreError::Cancelled
        ));
    }

    #[test]
    fn the_return_value_is_kept_typed() {
        for rv in [
            RvError::PinIncorrect,
            RvError::PinLenRange,
            RvError::DeviceRemoved,
            RvError::SessionHandleInvalid,
            RvError::TokenNotPresent,
            RvError::GeneralError,
        ] {
            assert_eq!(c(rv).native_code(), Some(NativeCode::Pkcs11(rv)), "{rv:?}");
        }
        match c(RvError::GeneralError) {
            StoreError::Platform { op, code } => {
                assert_eq!(op, "test");
                assert_eq!(code.to_string(), "C_Login: CKR_GENERAL_ERROR (0x5)");
            }
            other => panic!("unexpected {other:?}"),
        }
        let wrapped = classify("load", CkError::NotSupported);
        assert_eq!(wrapped.native_code(), None);
    }
}
