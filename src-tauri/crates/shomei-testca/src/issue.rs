//! How an enrollment that passed every check is answered normally: a certificate for the
//! request's key and subject from the issuing CA, valid from a minute ago for the server's
//! validity, in a certs-only PKCS#7. The misbehaving answers (`misbehave`, only with the
//! `misbehave` feature) reuse these pieces.

use std::sync::atomic::Ordering;

use hyper::StatusCode;
use time::{Duration, OffsetDateTime};

use crate::est::{pkcs7_answer, text, Answer, Base64Style, Shared};
use crate::pkcs7::pkcs7_certs_only;
use crate::{csr, TestCaError};

pub(crate) const CERTS_ONLY: &str = "application/pkcs7-mime; smime-type=certs-only";

/// The normal answer to a verified enrollment `request`.
pub(crate) fn normal(shared: &Shared, request: csr::VerifiedCsr, style: Base64Style) -> Answer {
    let (not_before, not_after) = normal_validity(shared, OffsetDateTime::now_utc());
    let issued = shared
        .issuing_ca()
        .issue_verified(request, not_before, not_after);
    signed(shared, issued, style)
}

/// From a minute before `now` for the server's validity, after the last notAfter given.
pub(crate) fn normal_validity(
    shared: &Shared,
    now: OffsetDateTime,
) -> (OffsetDateTime, OffsetDateTime) {
    let validity = Duration::days(i64::from(shared.validity_days));
    (
        now - Duration::minutes(1),
        later_than_the_last(shared, now + validity),
    )
}

/// The answer carrying `issued` (counted), or the error's.
pub(crate) fn signed(
    shared: &Shared,
    issued: Result<Vec<u8>, TestCaError>,
    style: Base64Style,
) -> Answer {
    match issued {
        Ok(cert) => {
            shared.issued.fetch_add(1, Ordering::SeqCst);
            pkcs7_answer(
                StatusCode::OK,
                CERTS_ONLY,
                &pkcs7_certs_only(&[cert]),
                style,
            )
        }
        Err(e) => failed(&e),
    }
}

/// `at`, or a second after the last notAfter this server gave, whichever is later.
pub(crate) fn later_than_the_last(shared: &Shared, at: OffsetDateTime) -> OffsetDateTime {
    let mut last = shared
        .last_not_after
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    let at = at.unix_timestamp().max(*last + 1);
    *last = at;
    OffsetDateTime::from_unix_timestamp(at).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

pub(crate) fn failed(e: &TestCaError) -> Answer {
    match e {
        TestCaError::UnsupportedKey(_) | TestCaError::UnsupportedSubject(_) => {
            text(StatusCode::BAD_REQUEST, &e.to_string())
        }
        _ => {
            tracing::error!("test CA failed to issue: {e}");
            text(StatusCode::INTERNAL_SERVER_ERROR, "issuance failed")
        }
    }
}
