//! Fault injection beside the real token: a [`Token`] that delegates to a real
//! SoftHSM token and misbehaves on demand where SoftHSM cannot (its PIN has no
//! final-try flag; it cannot be pulled out).

use std::sync::{Arc, Mutex};

use secrecy::SecretString;
use shomei_engine::{BankProfile, Engine, StoreSource};
use shomei_store::pkcs11::Pkcs11Module;
use shomei_store::{
    DataObject, Identity, KeyHandle, KeyPresence, KeyProtection, KeySpec, Listing, NewKey,
    PinStatus, SignatureScheme, StorageKind, StoreError, Token,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    None,
    /// The token reports CKF_USER_PIN_FINAL_TRY.
    FinalTry,
    /// The token reports CKF_USER_PIN_LOCKED.
    Locked,
    /// The user cancels the login (a PIN pad, an OS dialog).
    LoginCancelled,
    /// The token is pulled out right after the new key is generated.
    RemovedAfterKeyGeneration,
    /// The certificate is stored, then the token fails (pulled out mid-install).
    FailAfterStoringCertificate,
}

pub struct FaultyToken {
    inner: Arc<dyn Token>,
    fault: Mutex<Fault>,
    removed: Arc<Mutex<bool>>,
    pub logins: Mutex<u32>,
}

impl FaultyToken {
    pub fn new(inner: Arc<dyn Token>, fault: Fault) -> Self {
        FaultyToken {
            inner,
            fault: Mutex::new(fault),
            removed: Arc::new(Mutex::new(false)),
            logins: Mutex::new(0),
        }
    }

    fn fault(&self) -> Fault {
        *self.fault.lock().unwrap()
    }

    fn check_present(&self, op: &'static str) -> shomei_store::Result<()> {
        if *self.removed.lock().unwrap() {
            Err(StoreError::TokenRemoved { op, native: None })
        } else {
            Ok(())
        }
    }
}

/// A key whose token may be pulled out under it.
#[derive(Debug)]
struct FaultyKey {
    inner: Arc<dyn KeyHandle>,
    removed: Arc<Mutex<bool>>,
}

impl KeyHandle for FaultyKey {
    fn public_key(&self) -> &[u8] {
        self.inner.public_key()
    }
    fn algorithm(&self) -> shomei_store::KeyAlgorithm {
        self.inner.algorithm()
    }
    fn sign(&self, scheme: SignatureScheme, message: &[u8]) -> shomei_store::Result<Vec<u8>> {
        if *self.removed.lock().unwrap() {
            return Err(StoreError::TokenRemoved {
                op: "sign",
                native: None,
            });
        }
        self.inner.sign(scheme, message)
    }
}

impl Token for FaultyToken {
    fn label(&self) -> &str {
        self.inner.label()
    }
    fn storage(&self) -> StorageKind {
        self.inner.storage()
    }
    fn pin_status(&self) -> shomei_store::Result<PinStatus> {
        self.check_present("read token info")?;
        let mut status = self.inner.pin_status()?;
        status.final_try |= self.fault() == Fault::FinalTry;
        status.locked |= self.fault() == Fault::Locked;
        Ok(status)
    }
    fn login(&self, pin: &SecretString) -> shomei_store::Result<()> {
        *self.logins.lock().unwrap() += 1;
        self.check_present("login")?;
        if self.fault() == Fault::LoginCancelled {
            return Err(StoreError::Cancelled);
        }
        self.inner.login(pin)
    }
    fn logout(&self) -> shomei_store::Result<()> {
        self.inner.logout()
    }
    fn list_identities(&self) -> Listing {
        self.inner.list_identities()
    }
    fn find_identity(&self, fingerprint: &str) -> shomei_store::Result<Identity> {
        self.inner.find_identity(fingerprint)
    }
    fn pending_key(
        &self,
        key_id: &[u8],
        public_key: &[u8],
        algorithm: shomei_store::KeyAlgorithm,
    ) -> shomei_store::Result<Arc<dyn KeyHandle>> {
        self.check_present("find key")?;
        Ok(Arc::new(FaultyKey {
            inner: self.inner.pending_key(key_id, public_key, algorithm)?,
            removed: self.removed.clone(),
        }))
    }

    fn private_key(&self, identity: &Identity) -> shomei_store::Result<Arc<dyn KeyHandle>> {
        self.check_present("find key")?;
        Ok(Arc::new(FaultyKey {
            inner: self.inner.private_key(identity)?,
            removed: self.removed.clone(),
        }))
    }
    fn generate_key(&self, spec: KeySpec, label: &str) -> shomei_store::Result<NewKey> {
        let key = self.inner.generate_key(spec, label)?;
        if self.fault() == Fault::RemovedAfterKeyGeneration {
            *self.removed.lock().unwrap() = true;
        }
        Ok(NewKey {
            key_id: key.key_id,
            handle: Arc::new(FaultyKey {
                inner: key.handle,
                removed: self.removed.clone(),
            }),
        })
    }
    fn key_protection(&self, key_id: &[u8]) -> shomei_store::Result<KeyProtection> {
        self.inner.key_protection(key_id)
    }
    fn delete_key(&self, key_id: &[u8]) -> shomei_store::Result<()> {
        // Cleaning up works again once the test "plugs the token back in".
        self.inner.delete_key(key_id)
    }
    fn keys_labelled(&self, label_prefix: &str) -> shomei_store::Result<Vec<(Vec<u8>, String)>> {
        self.inner.keys_labelled(label_prefix)
    }
    fn install_certificate(
        &self,
        key_id: &[u8],
        label: &str,
        cert_der: &[u8],
    ) -> shomei_store::Result<Identity> {
        let identity = self.inner.install_certificate(key_id, label, cert_der)?;
        if self.fault() == Fault::FailAfterStoringCertificate {
            return Err(StoreError::TokenRemoved {
                op: "store certificate",
                native: None,
            });
        }
        Ok(identity)
    }
    fn remove_identity(&self, fingerprint: &str) -> shomei_store::Result<()> {
        self.inner.remove_identity(fingerprint)
    }
    fn serial(&self) -> &str {
        self.inner.serial()
    }
    fn label_key(&self, key_id: &[u8], label: &str) -> shomei_store::Result<()> {
        self.inner.label_key(key_id, label)
    }
    fn key_presence(&self, identity: &Identity) -> KeyPresence {
        self.inner.key_presence(identity)
    }
    fn data_objects(&self, application: &str) -> shomei_store::Result<Vec<DataObject>> {
        self.inner.data_objects(application)
    }
    fn put_data_object(
        &self,
        application: &str,
        label: &str,
        value: &[u8],
    ) -> shomei_store::Result<()> {
        self.inner.put_data_object(application, label, value)
    }
    fn remove_data_object(&self, application: &str, label: &str) -> shomei_store::Result<()> {
        self.inner.remove_data_object(application, label)
    }
}

/// An engine of the demo bank whose only store is the demo token behind a
/// [`FaultyToken`] with `fault`.
pub fn faulty_engine(
    profile: &BankProfile,
    roots: &[rustls_pki_types::CertificateDer<'static>],
    fault: Fault,
) -> (Engine, Arc<FaultyToken>) {
    let module = Pkcs11Module::load(profile.module_path().unwrap()).unwrap();
    let selector = profile.token.as_ref().unwrap().selector();
    let inner: Arc<dyn Token> = Arc::new(module.open_token(&selector).unwrap());
    let faulty = Arc::new(FaultyToken::new(inner, fault));
    let source_token = faulty.clone();
    let engine = Engine::new(profile.clone(), roots.to_vec()).with_sources(vec![StoreSource::new(
        "faulty USB token",
        false,
        move || Ok(source_token.clone() as Arc<dyn Token>),
    )]);
    (engine, faulty)
}
