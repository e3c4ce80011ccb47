//! PKCS#11 back end (cryptoki): the bank's dedicated USB token (専用USB) through
//! its middleware, SoftHSM2 in tests and the demo, and later NSS's soft token.
//!
//! Reference: PKCS#11 v2.40 base specification, §4.6 (certificates), §4.9 (keys),
//! §5.6 (C_Login and the CKF_USER_PIN_* flags).

mod data;
pub(crate) mod errors;
mod key;
mod module;
pub mod nss;
mod selector;
mod token;

pub use module::{Pkcs11Module, DEFAULT_MODULE};
pub use selector::TokenSelector;
pub use token::Pkcs11Token;
