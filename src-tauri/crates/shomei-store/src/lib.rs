//! Places that hold a client certificate and its private key.
//!
//! Owns: the store → token → identity → key hierarchy ([`Token`], [`KeyHandle`]),
//! certificate parsing ([`CertificateInfo`]), the adapters that let rcgen and rustls
//! sign with a store's key ([`signer`]), and one module per back end.
//! Must never: export a private key, log a PIN, or touch an identity other than
//! the one named by its fingerprint.

pub mod cert;
pub mod crash;
mod ecdsa;
pub mod error;
pub mod key;
mod native;
pub mod pkcs11;
mod platform;
mod rsa;
pub mod signer;
pub mod softhsm;
pub mod token;

pub use cert::{fingerprint, CertificateInfo, KeyAlgorithm};
pub use error::{Detail, NativeCode, Result, StoreError};
pub use key::{KeyHandle, KeySpec, SignatureScheme};
pub use platform::PcStore;
pub use token::{
    DataObject, Identity, KeyPresence, KeyProtection, Listing, NewKey, PinStatus, StorageKind,
    Token,
};
