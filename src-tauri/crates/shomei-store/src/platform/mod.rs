//! The OS store of this PC (パソコンに保存する): one module per platform, one name.
//!
//! STATUS: these back ends are not implemented yet: each `PcStore::open` returns
//! [`StoreError::Unsupported`](crate::StoreError::Unsupported) so the UI can say
//! "not available on this PC yet" instead of failing later. The real ones (Windows
//! CNG + CurrentUser MY, macOS login Keychain, Linux NSS shared database) are the
//! store work that follows the walking skeleton; they will implement
//! [`Token`](crate::Token) like the PKCS#11 back end does.

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
