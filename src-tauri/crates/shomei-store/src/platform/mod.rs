//! The OS store of this PC (パソコンに保存する): one module per platform, one name
//! (`PcStore`), each implementing [`Token`](crate::Token) like the PKCS#11 back end.
//!
//! - Linux: Chromium's NSS shared database, through NSS's soft token (PKCS#11).
//! - Windows: CurrentUser `MY` + a non-exportable key in the Microsoft Software Key
//!   Storage Provider (CNG), linked by CERT_KEY_PROV_INFO_PROP_ID. Tested under Wine
//!   where Wine implements the calls.
//! - macOS: the login Keychain (security-framework). Compiled in CI, never run here:
//!   see the module's notes for what is unverified.

#[cfg(target_os = "linux")]
mod linux;
#[cfg(target_os = "linux")]
pub use linux::PcStore;

#[cfg(windows)]
mod windows;
#[cfg(windows)]
pub use windows::PcStore;

#[cfg(target_os = "macos")]
mod macos;
#[cfg(target_os = "macos")]
pub use macos::PcStore;

#[cfg(not(any(target_os = "linux", windows, target_os = "macos")))]
mod other {
    /// No OS store on this platform.
    pub struct PcStore;
    impl PcStore {
        pub fn open() -> crate::Result<Box<dyn crate::Token>> {
            Err(crate::StoreError::Unsupported(
                "no OS certificate store on this platform",
            ))
        }
    }
}
#[cfg(not(any(target_os = "linux", windows, target_os = "macos")))]
pub use other::PcStore;
