//! Asking the bank: send the request (or the journaled one again), poll while it
//! answers "pending", verify what it issues, and hold it for consent 2.

use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;

use rustls_pki_types::{CertificateDer, UnixTime};
use shomei_est::{
    accept_issued, build_csr_with, ClientIdentity, Enrollment, EstClient, EstEndpoint, EstError,
    Expectation, HttpCredentials, Rejection, CLOCK_SKEW,
};
use shomei_store::{CertificateInfo, Identity, KeyHandle, KeySpec, Token};

use super::claim::Claim;
use super::pair::StorePair;
use super::steps::Steps;
use super::{poll, AwaitingInstall, Engine};
use crate::error::{EngineError, Result};
use crate::journal::{key_spec, Record, Stage};
use crate::model::{IssuedCertificate, RenewalStep};
use crate::network;
use crate::rules::RenewalRules;
use crate::views;

/// What verifying the bank's answer gave: the certificate, or one that is right
/// but valid only from a time ahead of this computer's clock.
enum Verified {
    Now(CertificateInfo),
    Later(CertificateInfo),
}

impl Engine {
    /// Request (again, with the journaled request; or a new one signed by
    /// `new_key`) until issued, verify, journal it as issued and hold it for
    /// consent 2 with `claim`'s lock. On failure the new key goes, except while the
    /// bank may still answer: then the renewal stays journaled.
    pub(super) async fn request_until_issued(
        &self,
        steps: &Steps<'_>,
        stores: &StorePair,
        old: &Identity,
        mut record: Record,
        new_key: Option<&dyn KeyHandle>,
        claim: Claim,
    ) -> Result<IssuedCertificate> {
        let fresh = new_key.is_some();
        let token = &stores.new;
        let verified = self
            .request_and_verify(steps, stores, old, &mut record, new_key)
            .await;
        let issued = match verified {
            Ok(Verified::Now(issued)) => issued,
            Ok(Verified::Later(issued)) => return Err(self.keep_for_later(token, record, &issued)),
            Err(e @ (EngineError::StillPending { .. } | EngineError::IssuedInFuture { .. })) => {
                return Err(e)
            }
            // The request may have reached the bank (a dropped connection, a timeout,
            // a server error or maintenance): keep the key and the request, so the
            // next attempt asks again with the same request instead of a second one
            // the bank might refuse. A request this call never managed to send is
            // undone instead: the bank never saw it.
            Err(e @ EngineError::Est(_)) if record.requested() && answer_may_come(&e, fresh) => {
                return Err(e)
            }
            Err(e) => {
                self.abandon(token.as_ref(), &record);
                return Err(e);
            }
        };
        record.issued = Some(issued.der.clone());
        record.new_fingerprint = Some(issued.fingerprint.clone());
        record.next_poll_at = None;
        record.at(Stage::Issued, self.now());
        self.journal_write(token.as_ref(), &mut record)
            .inspect_err(|_| self.abandon(token.as_ref(), &record))?;
        Ok(self.hold_for_install(stores.clone(), record, &issued, claim))
    }

    pub(super) fn hold_for_install(
        &self,
        stores: StorePair,
        record: Record,
        issued: &CertificateInfo,
        claim: Claim,
    ) -> IssuedCertificate {
        let renewal_id = record.renewal_id.clone();
        self.awaiting
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(
                renewal_id.clone(),
                AwaitingInstall {
                    bank: self.bank.id.clone(),
                    stores,
                    record,
                    lock: claim.into_lock(),
                },
            );
        IssuedCertificate {
            renewal_id,
            details: views::details(issued),
        }
    }

    /// The bank issued a certificate that is right but valid only from later
    /// than this computer's clock allows: never thrown away. It is journaled as
    /// pending, to be checked again from its notBefore.
    fn keep_for_later(
        &self,
        token: &Arc<dyn Token>,
        mut record: Record,
        issued: &CertificateInfo,
    ) -> EngineError {
        record.issued = Some(issued.der.clone());
        record.new_fingerprint = Some(issued.fingerprint.clone());
        let skew = i64::try_from(CLOCK_SKEW.as_secs()).unwrap_or(0);
        record.next_poll_at = Some(issued.not_before - skew);
        record.at(Stage::Pending, self.now());
        if let Err(e) = self.journal_write(token.as_ref(), &mut record) {
            return e;
        }
        EngineError::IssuedInFuture {
            not_before: issued.not_before,
        }
    }

    async fn request_and_verify(
        &self,
        steps: &Steps<'_>,
        stores: &StorePair,
        old: &Identity,
        record: &mut Record,
        new_key: Option<&dyn KeyHandle>,
    ) -> Result<Verified> {
        steps.started(RenewalStep::Request);
        let answer = match self.request(steps, stores, old, record, new_key).await {
            // The stores sign the CSR and inside the TLS handshake: when a token was
            // pulled out, the EST error only says "connection failed". Ask them.
            Err(e @ EngineError::Est(_)) => {
                match stores.each().into_iter().find_map(|t| t.pin_status().err()) {
                    Some(store) => Err(EngineError::Store(store)),
                    None => Err(e),
                }
            }
            other => other,
        };
        let (certs, ca_certs) = steps.finish(RenewalStep::Request, answer)?;
        steps.run(RenewalStep::Verify, || {
            let new_public_key = record
                .new_public_key
                .as_deref()
                .ok_or_else(|| Self::internal("journal record has no new public key"))?;
            let expectation = Expectation {
                new_public_key,
                current: &old.certificate,
                pinned_roots: &self.pinned_roots,
                ca_certs: &ca_certs,
                now: UnixTime::since_unix_epoch(Duration::from_secs(
                    u64::try_from(self.now()).unwrap_or(0),
                )),
            };
            match accept_issued(&certs, &expectation) {
                Ok(issued) => Ok(Verified::Now(issued)),
                Err(EstError::Rejected(Rejection::NotYetValid { .. })) => {
                    let issued = certs
                        .iter()
                        .filter_map(|der| CertificateInfo::parse(der).ok())
                        .find(|c| c.public_key == new_public_key)
                        .ok_or_else(|| Self::internal("the not yet valid certificate vanished"))?;
                    Ok(Verified::Later(issued))
                }
                Err(e) => Err(e.into()),
            }
        })
    }

    /// Whether the bank asked not to be asked before a time further away than
    /// this call waits: then it is not asked, and no PIN is needed to say so.
    pub(super) fn too_early(&self, record: &Record, old_not_after: i64) -> Option<EngineError> {
        let due = poll::due_at(record, self.closes_at(old_not_after), self.now())?;
        let wait = due - self.now();
        (wait > secs(self.poll.max_wait_each)).then(|| self.still_pending(record, Some(due)))
    }

    fn closes_at(&self, old_not_after: i64) -> i64 {
        RenewalRules::from(&self.profile.renewal)
            .closes_at(old_not_after)
            .unix_timestamp()
    }

    /// The bank's answer: the certificates of a 200, and what `cacerts` publishes.
    async fn request(
        &self,
        steps: &Steps<'_>,
        stores: &StorePair,
        old: &Identity,
        record: &mut Record,
        new_key: Option<&dyn KeyHandle>,
    ) -> Result<(Vec<Vec<u8>>, Vec<Vec<u8>>)> {
        let token = &stores.new;
        let csr = match (&record.csr, new_key) {
            (Some(csr), _) => csr.clone(),
            (None, Some(key)) => {
                let csr = build_csr_with(&old.certificate, key, self.challenge(steps))?;
                // A request with the bank's challenge password is never written down.
                match self.challenge(steps) {
                    Some(_) => record.challenge = true,
                    None => record.csr = Some(csr.clone()),
                }
                record.at(Stage::Requested, self.now());
                self.journal_write(token.as_ref(), record)?;
                csr
            }
            (None, None) if record.challenge => self.request_again(steps, stores, old, record)?,
            (None, None) => return Err(Self::internal("journal record has no request")),
        };
        // The bank asked to wait until then (a previous run's 202), or the issued
        // certificate becomes valid then.
        if let Some(e) = self.too_early(record, old.certificate.not_after) {
            return Err(e);
        }
        if let Some(due) = poll::due_at(
            record,
            self.closes_at(old.certificate.not_after),
            self.now(),
        ) {
            let wait = u64::try_from(due - self.now()).unwrap_or(0);
            tokio::time::sleep(Duration::from_secs(wait)).await;
        }
        let client = self.est_client(stores, old, self.credentials(steps))?;
        if let Some(issued) = &record.issued {
            // Issued earlier, valid only from now on: checked again, not asked again.
            return Ok((vec![issued.clone()], cacerts(&client).await));
        }
        let mut polls_now = 0;
        let deadline = self
            .poll
            .total_wait
            .map(|limit| self.now().saturating_add(secs(limit)));
        loop {
            match client.simple_reenroll(&csr).await? {
                Enrollment::Issued(certs) => return Ok((certs, cacerts(&client).await)),
                Enrollment::Pending { retry_after } => {
                    record.polls += 1;
                    let now = self.now();
                    let due = poll::next_poll_at(
                        now,
                        retry_after.as_secs(),
                        record.polls,
                        &self.poll,
                        self.closes_at(old.certificate.not_after),
                    );
                    record.next_poll_at = Some(due);
                    record.at(Stage::Pending, now);
                    self.journal_write(token.as_ref(), record)?;
                    let wait = Duration::from_secs(u64::try_from(due - now).unwrap_or(0));
                    // Waiting less than asked is pointless: when the bank asks for
                    // more than this call waits, the journal carries it over.
                    if polls_now >= self.poll.max_polls
                        || wait > self.poll.max_wait_each
                        || deadline.is_some_and(|end| due > end)
                    {
                        return Err(self.still_pending(record, Some(due)));
                    }
                    polls_now += 1;
                    tokio::time::sleep(wait).await;
                }
            }
        }
    }

    /// A client for the bank's EST service that logs in with the CURRENT
    /// identity's key, in its own store.
    fn est_client(
        &self,
        stores: &StorePair,
        old: &Identity,
        credentials: Option<HttpCredentials>,
    ) -> Result<EstClient> {
        let mut options = network::est_options(&self.profile);
        options.credentials = credentials;
        Ok(EstClient::with_options(
            EstEndpoint {
                base_url: self.profile.est.base_url.clone(),
                label: self.profile.est.label.clone(),
                pinned_roots: self.pinned_roots.clone(),
            },
            Some(ClientIdentity {
                chain: vec![CertificateDer::from(old.certificate.der.clone())],
                key: stores.old.private_key(old)?,
            }),
            options,
        )?)
    }

    /// The challenge password for the request, when the bank's CA asks for one
    /// (`/csrattrs`): the bank's password the user gave with the renewal.
    fn challenge<'s>(&self, steps: &Steps<'s>) -> Option<&'s SecretString> {
        steps.bank_password
    }

    /// The request of a renewal whose challenge password was not journaled, built
    /// again: the same key (found by its id and journaled public key), the same
    /// subject, the password the user gives again. Without it the renewal stays
    /// as it is (the bank may have the first request) and the user is asked for it.
    fn request_again(
        &self,
        steps: &Steps<'_>,
        stores: &StorePair,
        old: &Identity,
        record: &Record,
    ) -> Result<Vec<u8>> {
        let Some(password) = self.challenge(steps) else {
            return Err(EstError::AuthRequired {
                offered: vec!["challengePassword".into()],
                problem: shomei_est::AuthProblem::NoCredentials,
            }
            .into());
        };
        let (Some(key_id), Some(public_key), Some(spec)) = (
            record.key_id.as_deref(),
            record.new_public_key.as_deref(),
            record.new_key_kind.as_deref().and_then(key_spec),
        ) else {
            return Err(Self::internal("journal record cannot name its key"));
        };
        let key = stores
            .new
            .pending_key(key_id, public_key, spec.algorithm())?;
        Ok(build_csr_with(
            &old.certificate,
            key.as_ref(),
            Some(password),
        )?)
    }

    /// The HTTP credentials for this call: the profile's user with the password
    /// the user gave, when the profile names a user and a password was given.
    fn credentials(&self, steps: &Steps<'_>) -> Option<HttpCredentials> {
        let user = self.profile.est.http_user.as_ref()?;
        Some(HttpCredentials::new(
            user.clone(),
            steps.bank_password?.clone(),
        ))
    }

    /// The key to generate: `proposed`, unless the bank's CA asks (`/csrattrs`,
    /// RFC 7030 §4.5) for another one it may have (never weaker). What cannot be
    /// honoured (a key the stores cannot make, an extension, a challenge password,
    /// which Shomei does not send) is refused here, before any key exists.
    pub(super) async fn bank_key_spec(
        &self,
        steps: &Steps<'_>,
        stores: &StorePair,
        old: &Identity,
        proposed: KeySpec,
    ) -> Result<KeySpec> {
        let client = self.est_client(stores, old, self.credentials(steps))?;
        let asked = client.csr_attributes().await?;
        if !asked.ignored.is_empty() {
            tracing::debug!(ignored = ?asked.ignored, "csrattrs: hints not acted on");
        }
        let spec = asked
            .honour(proposed, self.challenge(steps).is_some())
            .map_err(EstError::from)?;
        if spec != proposed {
            tracing::info!(?proposed, ?spec, "the bank's CA asks for another key");
        }
        Ok(spec)
    }

    fn still_pending(&self, record: &Record, due: Option<i64>) -> EngineError {
        let when = due.map(views::rfc3339).unwrap_or_default();
        let detail = if record.issued.is_some() {
            format!("the issued certificate becomes valid at {when}; it is kept")
        } else {
            format!(
                "after {} requests the bank asks to ask again at {when}; the request is kept",
                record.polls
            )
        };
        EngineError::StillPending {
            next_poll_at: due,
            detail,
        }
    }
}

fn secs(d: Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX)
}

/// After a CA rollover the new certificate chains to the pinned CA only through
/// what cacerts publishes (NewWithOld). Without it the answer alone still
/// decides; the pinned CA stays the only anchor.
async fn cacerts(client: &EstClient) -> Vec<Vec<u8>> {
    client.cacerts().await.unwrap_or_else(|e| {
        tracing::warn!(error = %e, "cacerts unavailable after issuance");
        Vec::new()
    })
}

/// Whether the bank may still answer the request that got this error: the
/// answer was lost, or the bank failed or was busy rather than refusing. A
/// request that was never sent can have no answer, unless an earlier run (this
/// is not a `fresh` request) may have sent it.
fn answer_may_come(error: &EngineError, fresh: bool) -> bool {
    match error {
        EngineError::Est(EstError::Unreachable(_)) => true,
        EngineError::Est(EstError::NotSent(_) | EstError::ServerNotTrusted(_)) => !fresh,
        // Asked again without the bank's password (or with a wrong one): an earlier
        // run may have sent the request with it, so it is kept for a call that has it.
        EngineError::Est(EstError::AuthRequired { .. }) => !fresh,
        EngineError::Est(EstError::Http { status, .. }) => {
            *status >= 500 || *status == 408 || *status == 429
        }
        _ => false,
    }
}
