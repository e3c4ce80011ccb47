//! What a token holds besides identities, and what it shows before a login: the
//! public data objects an application keeps there (the renewal journal's copies),
//! and whether a certificate's private key is present.

use cryptoki::object::{Attribute, AttributeType, ObjectClass, ObjectHandle};
use cryptoki::session::{Session, SessionState};

use super::errors::Classify;
use super::token::Pkcs11Token;
use crate::error::Result;
use crate::token::{DataObject, Identity, KeyPresence};

impl Pkcs11Token {
    fn data_objects_of(&self, session: &Session, application: &str) -> Result<Vec<ObjectHandle>> {
        session
            .find_objects(&[
                Attribute::Class(ObjectClass::DATA),
                Attribute::Token(true),
                Attribute::Application(application.as_bytes().to_vec()),
            ])
            .during("find data objects")
    }

    fn data_object_labelled(
        &self,
        session: &Session,
        application: &str,
        label: &str,
    ) -> Result<Vec<ObjectHandle>> {
        session
            .find_objects(&[
                Attribute::Class(ObjectClass::DATA),
                Attribute::Token(true),
                Attribute::Application(application.as_bytes().to_vec()),
                Attribute::Label(label.as_bytes().to_vec()),
            ])
            .during("find data object")
    }

    /// Whether private objects are visible now: logged in, or a store that needs
    /// no login (an NSS database without a password).
    pub(super) fn private_objects_visible(&self, session: &Session) -> bool {
        let logged_in = session.get_session_info().is_ok_and(|info| {
            matches!(
                info.session_state(),
                SessionState::RoUser | SessionState::RwUser
            )
        });
        logged_in
            || self
                .ctx
                .get_token_info(self.slot)
                .is_ok_and(|info| !info.login_required())
    }

    /// A private key sharing the certificate's CKA_ID is proof. Without one: where
    /// private objects are visible, there is none; before a login, a token that
    /// holds no key object at all with that CKA_ID (not even the public half, which
    /// every key pair generated on a token keeps beside the private one) has none.
    pub(super) fn presence_of_key(&self, identity: &Identity) -> KeyPresence {
        if identity.key_id.is_empty() {
            return KeyPresence::Absent;
        }
        let session = self.session();
        let with_id = |class| {
            self.objects_with_id(&session, class, &identity.key_id)
                .map(|found| !found.is_empty())
        };
        match with_id(ObjectClass::PRIVATE_KEY) {
            Ok(true) => KeyPresence::Present,
            Ok(false) if self.private_objects_visible(&session) => KeyPresence::Absent,
            Ok(false) => match with_id(ObjectClass::PUBLIC_KEY) {
                Ok(true) => KeyPresence::Unknown,
                Ok(false) => KeyPresence::Absent,
                Err(_) => KeyPresence::Unknown,
            },
            Err(_) => KeyPresence::Unknown,
        }
    }

    pub(super) fn read_data_objects(&self, application: &str) -> Result<Vec<DataObject>> {
        let session = self.session();
        let mut found = Vec::new();
        for object in self.data_objects_of(&session, application)? {
            let (mut label, mut value) = (None, None);
            for a in session
                .get_attributes(object, &[AttributeType::Label, AttributeType::Value])
                .during("read data object")?
            {
                match a {
                    Attribute::Label(v) => label = String::from_utf8(v).ok(),
                    Attribute::Value(v) => value = Some(v),
                    _ => {}
                }
            }
            if let (Some(label), Some(value)) = (label, value) {
                found.push(DataObject { label, value });
            }
        }
        Ok(found)
    }

    /// The new object is created before the old one is destroyed, so a token pulled
    /// out in between keeps at least one copy (the reader takes the newest).
    pub(super) fn write_data_object(
        &self,
        application: &str,
        label: &str,
        value: &[u8],
    ) -> Result<()> {
        let session = self.session();
        let old = self.data_object_labelled(&session, application, label)?;
        session
            .create_object(&[
                Attribute::Class(ObjectClass::DATA),
                Attribute::Token(true),
                Attribute::Private(false),
                Attribute::Application(application.as_bytes().to_vec()),
                Attribute::Label(label.as_bytes().to_vec()),
                Attribute::Value(value.to_vec()),
            ])
            .during("store data object")?;
        for object in old {
            session
                .destroy_object(object)
                .during("replace data object")?;
        }
        Ok(())
    }

    pub(super) fn delete_data_object(&self, application: &str, label: &str) -> Result<()> {
        let session = self.session();
        for object in self.data_object_labelled(&session, application, label)? {
            session
                .destroy_object(object)
                .during("remove data object")?;
        }
        Ok(())
    }
}
