//! One PKCS#11 token, opened by label or serial, with one read-write session.
//!
//! Certificates are CKO_CERTIFICATE/CKC_X_509 objects; a certificate and its
//! private key share CKA_ID. Login state is per token in PKCS#11, so the session is
//! shared (behind a mutex: cryptoki sessions are not `Sync`) by every key handle.

use std::sync::{Arc, Mutex};

use cryptoki::context::Pkcs11;
use cryptoki::object::{Attribute, AttributeType, CertificateType, ObjectClass, ObjectHandle};
use cryptoki::session::{Session, UserType};
use cryptoki::slot::Slot;
use secrecy::{ExposeSecret, SecretString};

use super::errors::Classify;
use super::key::{generate, rsa_public_key, Pkcs11Key};
use crate::cert::{CertificateInfo, KeyAlgorithm};
use crate::error::{Result, StoreError};
use crate::key::{KeyHandle, KeySpec};
use crate::token::{
    DataObject, Identity, KeyPresence, KeyProtection, Listing, NewKey, PinStatus, StorageKind,
    Token,
};

pub struct Pkcs11Token {
    pub(super) ctx: Pkcs11,
    pub(super) slot: Slot,
    label: String,
    serial: String,
    storage: StorageKind,
    session: Arc<Mutex<Session>>,
}

impl Pkcs11Token {
    pub(crate) fn open(
        ctx: Pkcs11,
        slot: Slot,
        (label, serial): (&str, &str),
        storage: StorageKind,
    ) -> Result<Self> {
        let session = ctx.open_rw_session(slot).during("open session")?;
        Ok(Pkcs11Token {
            ctx,
            slot,
            label: label.to_owned(),
            serial: serial.to_owned(),
            storage,
            session: Arc::new(Mutex::new(session)),
        })
    }

    pub(super) fn session(&self) -> std::sync::MutexGuard<'_, Session> {
        self.session.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn certificate_objects(&self, session: &Session) -> Result<Vec<ObjectHandle>> {
        session
            .find_objects(&[
                Attribute::Class(ObjectClass::CERTIFICATE),
                Attribute::CertificateType(CertificateType::X_509),
            ])
            .during("find certificates")
    }

    fn read_identity(&self, session: &Session, object: ObjectHandle) -> Result<Identity> {
        let attrs = session
            .get_attributes(
                object,
                &[
                    AttributeType::Id,
                    AttributeType::Label,
                    AttributeType::Value,
                ],
            )
            .during("read certificate")?;
        let (mut id, mut label, mut value) = (Vec::new(), String::new(), None);
        for a in attrs {
            match a {
                Attribute::Id(v) => id = v,
                Attribute::Label(v) => label = String::from_utf8_lossy(&v).into_owned(),
                Attribute::Value(v) => value = Some(v),
                _ => {}
            }
        }
        let der = value.ok_or(StoreError::Malformed {
            what: "certificate object",
            reason: "no CKA_VALUE".into(),
        })?;
        Ok(Identity {
            certificate: CertificateInfo::parse(&der)?,
            key_id: id,
            label,
        })
    }

    pub(super) fn objects_with_id(
        &self,
        session: &Session,
        class: ObjectClass,
        id: &[u8],
    ) -> Result<Vec<ObjectHandle>> {
        session
            .find_objects(&[Attribute::Class(class), Attribute::Id(id.to_vec())])
            .during("find key")
    }

    fn private_key_by_id(&self, session: &Session, id: &[u8]) -> Result<ObjectHandle> {
        match self
            .objects_with_id(session, ObjectClass::PRIVATE_KEY, id)?
            .as_slice()
        {
            [one] => Ok(*one),
            [] => Err(StoreError::NotFound(
                format!("private key with id {}", hex::encode(id)).into(),
            )),
            _ => Err(StoreError::Malformed {
                what: "token",
                reason: format!("several private keys share id {}", hex::encode(id)),
            }),
        }
    }

    fn label_key_in(&self, session: &Session, key_id: &[u8], label: &str) -> Result<()> {
        for class in [ObjectClass::PRIVATE_KEY, ObjectClass::PUBLIC_KEY] {
            for object in self.objects_with_id(session, class, key_id)? {
                session
                    .update_attributes(object, &[Attribute::Label(label.as_bytes().to_vec())])
                    .during("label key")?;
            }
        }
        Ok(())
    }

    fn pin_status_now(&self) -> Result<PinStatus> {
        let info = self
            .ctx
            .get_token_info(self.slot)
            .during("read token info")?;
        Ok(PinStatus {
            count_low: info.user_pin_count_low(),
            final_try: info.user_pin_final_try(),
            locked: info.user_pin_locked(),
        })
    }
}

/// CKA_SERIAL_NUMBER is the DER encoding of the serial INTEGER, tag included.
fn der_integer(value: &[u8]) -> Vec<u8> {
    // Serials are at most 20 octets (RFC 5280), so the short length form suffices.
    let mut out = vec![0x02, value.len() as u8];
    out.extend_from_slice(value);
    out
}

impl Token for Pkcs11Token {
    fn label(&self) -> &str {
        &self.label
    }

    fn serial(&self) -> &str {
        &self.serial
    }

    fn storage(&self) -> StorageKind {
        self.storage
    }

    fn pin_status(&self) -> Result<PinStatus> {
        self.pin_status_now()
    }

    fn login(&self, pin: &SecretString) -> Result<()> {
        if self.pin_status_now()?.locked {
            return Err(StoreError::PinLocked);
        }
        // A store without a password (an NSS database created without one) needs no login.
        let info = self
            .ctx
            .get_token_info(self.slot)
            .during("read token info")?;
        if !info.login_required() {
            return Ok(());
        }
        let pin = cryptoki::types::AuthPin::new(pin.expose_secret().into());
        let result = self.session().login(UserType::User, Some(&pin));
        match result {
            Ok(()) => Ok(()),
            Err(cryptoki::error::Error::Pkcs11(
                cryptoki::error::RvError::UserAlreadyLoggedIn,
                _,
            )) => Ok(()),
            Err(e) => match super::errors::classify("login", e) {
                StoreError::PinIncorrect { native, .. } => {
                    // The token's flags after the failure are the only honest count.
                    let status = self.pin_status_now().unwrap_or_default();
                    if status.locked {
                        Err(StoreError::PinLocked)
                    } else {
                        Err(StoreError::PinIncorrect {
                            retries_left: status.final_try.then_some(1),
                            few_left: status.count_low || status.final_try,
                            native,
                        })
                    }
                }
                other => Err(other),
            },
        }
    }

    fn logout(&self) -> Result<()> {
        match self.session().logout() {
            Ok(())
            | Err(cryptoki::error::Error::Pkcs11(cryptoki::error::RvError::UserNotLoggedIn, _)) => {
                Ok(())
            }
            Err(e) => Err(super::errors::classify("logout", e)),
        }
    }

    fn list_identities(&self) -> Listing {
        let session = self.session();
        let mut listing = Listing::default();
        match self.certificate_objects(&session) {
            Ok(objects) => {
                for object in objects {
                    match self.read_identity(&session, object) {
                        Ok(identity) => listing.identities.push(identity),
                        Err(e) => listing.errors.push(e),
                    }
                }
            }
            Err(e) => listing.errors.push(e),
        }
        listing
    }

    fn private_key(&self, identity: &Identity) -> Result<Arc<dyn KeyHandle>> {
        let session = self.session();
        let handle = self.private_key_by_id(&session, &identity.key_id)?;
        // The token's own public key where it has one (RSA private keys carry their
        // modulus); otherwise the certificate's, which the key belongs to by CKA_ID.
        let public_key = match identity.certificate.key_algorithm {
            KeyAlgorithm::Rsa { .. } => rsa_public_key(&session, handle)
                .unwrap_or_else(|_| identity.certificate.public_key.clone()),
            _ => identity.certificate.public_key.clone(),
        };
        Ok(Arc::new(Pkcs11Key::new(
            self.session.clone(),
            handle,
            public_key,
            identity.certificate.key_algorithm,
        )))
    }

    fn pending_key(
        &self,
        key_id: &[u8],
        public_key: &[u8],
        algorithm: KeyAlgorithm,
    ) -> Result<Arc<dyn KeyHandle>> {
        let session = self.session();
        let handle = self.private_key_by_id(&session, key_id)?;
        // An RSA private key carries its modulus: it must be the journaled key's.
        if let (KeyAlgorithm::Rsa { .. }, Ok(own)) = (algorithm, rsa_public_key(&session, handle)) {
            if own != public_key {
                return Err(StoreError::Malformed {
                    what: "pending key",
                    reason: "its public key is not the one journaled".into(),
                });
            }
        }
        Ok(Arc::new(Pkcs11Key::new(
            self.session.clone(),
            handle,
            public_key.to_vec(),
            algorithm,
        )))
    }

    fn generate_key(&self, spec: KeySpec, label: &str) -> Result<NewKey> {
        let session = self.session();
        let key_id = session.generate_random_vec(20).during("generate key id")?;
        let (handle, public_key) = generate(&session, spec, &key_id, label)?;
        Ok(NewKey {
            key_id,
            handle: Arc::new(Pkcs11Key::new(
                self.session.clone(),
                handle,
                public_key,
                spec.algorithm(),
            )),
        })
    }

    fn key_protection(&self, key_id: &[u8]) -> Result<KeyProtection> {
        let session = self.session();
        let handle = self.private_key_by_id(&session, key_id)?;
        let attrs = session
            .get_attributes(
                handle,
                &[
                    AttributeType::Token,
                    AttributeType::Sensitive,
                    AttributeType::Extractable,
                    AttributeType::NeverExtractable,
                ],
            )
            .during("read key attributes")?;
        let mut p = KeyProtection {
            on_token: false,
            sensitive: false,
            extractable: true,
            never_extractable: false,
        };
        for a in attrs {
            match a {
                Attribute::Token(v) => p.on_token = v,
                Attribute::Sensitive(v) => p.sensitive = v,
                Attribute::Extractable(v) => p.extractable = v,
                Attribute::NeverExtractable(v) => p.never_extractable = v,
                _ => {}
            }
        }
        Ok(p)
    }

    fn delete_key(&self, key_id: &[u8]) -> Result<()> {
        let session = self.session();
        // Found by CKA_ID whether or not the certificate parses.
        if !self
            .objects_with_id(&session, ObjectClass::CERTIFICATE, key_id)?
            .is_empty()
        {
            return Err(StoreError::InUse(format!("key id {}", hex::encode(key_id))));
        }
        // Logged out, the private half is invisible: deleting the public half alone
        // would leave a key nobody can find by its pair.
        if !self.private_objects_visible(&session) {
            return Err(StoreError::Platform {
                op: "delete key",
                code: "not logged in: the private key is not visible".into(),
            });
        }
        for class in [ObjectClass::PRIVATE_KEY, ObjectClass::PUBLIC_KEY] {
            for object in self.objects_with_id(&session, class, key_id)? {
                session.destroy_object(object).during("delete key")?;
            }
        }
        Ok(())
    }

    fn keys_labelled(&self, label_prefix: &str) -> Result<Vec<(Vec<u8>, String)>> {
        let session = self.session();
        let mut found = Vec::new();
        for key in session
            .find_objects(&[Attribute::Class(ObjectClass::PRIVATE_KEY)])
            .during("find keys")?
        {
            let (mut id, mut label) = (None, None);
            for a in session
                .get_attributes(key, &[AttributeType::Id, AttributeType::Label])
                .during("read key")?
            {
                match a {
                    Attribute::Id(v) => id = Some(v),
                    Attribute::Label(v) => label = String::from_utf8(v).ok(),
                    _ => {}
                }
            }
            if let (Some(id), Some(label)) = (id, label) {
                if label.starts_with(label_prefix) {
                    found.push((id, label));
                }
            }
        }
        Ok(found)
    }

    fn install_certificate(&self, key_id: &[u8], label: &str, cert_der: &[u8]) -> Result<Identity> {
        let info = CertificateInfo::parse(cert_der)?;
        let parsed = x509_parser::parse_x509_certificate(cert_der)
            .map_err(|e| StoreError::Malformed {
                what: "certificate",
                reason: e.to_string(),
            })?
            .1;
        {
            let session = self.session();
            // Browsers and vendor tools look certificates up by CKA_SUBJECT/ISSUER/SERIAL.
            session
                .create_object(&[
                    Attribute::Class(ObjectClass::CERTIFICATE),
                    Attribute::CertificateType(CertificateType::X_509),
                    Attribute::Token(true),
                    Attribute::Private(false),
                    Attribute::Id(key_id.to_vec()),
                    Attribute::Label(label.as_bytes().to_vec()),
                    Attribute::Subject(parsed.subject().as_raw().to_vec()),
                    Attribute::Issuer(parsed.issuer().as_raw().to_vec()),
                    Attribute::SerialNumber(der_integer(parsed.raw_serial())),
                    Attribute::Value(cert_der.to_vec()),
                ])
                .during("store certificate")?;
            // A process stopped here leaves a certificate whose key still has its
            // pending label: the engine finishes it with `label_key`.
            crate::crash::point("install: certificate stored, key not relabelled");
            self.label_key_in(&session, key_id, label)?;
        }
        self.find_identity(&info.fingerprint)
    }

    fn label_key(&self, key_id: &[u8], label: &str) -> Result<()> {
        let session = self.session();
        self.label_key_in(&session, key_id, label)
    }

    fn key_presence(&self, identity: &Identity) -> KeyPresence {
        self.presence_of_key(identity)
    }

    fn data_objects(&self, application: &str) -> Result<Vec<DataObject>> {
        self.read_data_objects(application)
    }

    fn put_data_object(&self, application: &str, label: &str, value: &[u8]) -> Result<()> {
        self.write_data_object(application, label, value)
    }

    fn remove_data_object(&self, application: &str, label: &str) -> Result<()> {
        self.delete_data_object(application, label)
    }

    fn remove_identity(&self, fingerprint: &str) -> Result<()> {
        let session = self.session();
        let mut target = None;
        let mut others_by_id = Vec::new();
        for object in self.certificate_objects(&session)? {
            // An unreadable object elsewhere on the token must not block this removal.
            let Ok(identity) = self.read_identity(&session, object) else {
                continue;
            };
            if identity
                .certificate
                .fingerprint
                .eq_ignore_ascii_case(fingerprint)
            {
                if target.is_some() {
                    return Err(StoreError::Malformed {
                        what: "token",
                        reason: format!("certificate {fingerprint} is stored twice"),
                    });
                }
                target = Some((object, identity.key_id));
            } else {
                others_by_id.push(identity.key_id);
            }
        }
        let (object, key_id) = target
            .ok_or_else(|| StoreError::NotFound(format!("certificate {fingerprint}").into()))?;
        // Another certificate object with the key's CKA_ID, even one that does not
        // parse, keeps the key.
        let sharing = self
            .objects_with_id(&session, ObjectClass::CERTIFICATE, &key_id)?
            .len();
        session
            .destroy_object(object)
            .during("remove certificate")?;
        if !others_by_id.contains(&key_id) && sharing <= 1 {
            for class in [ObjectClass::PRIVATE_KEY, ObjectClass::PUBLIC_KEY] {
                for object in self.objects_with_id(&session, class, &key_id)? {
                    session.destroy_object(object).during("remove key")?;
                }
            }
        }
        Ok(())
    }
}
