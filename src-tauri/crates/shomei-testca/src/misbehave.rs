//! Only with the `misbehave` feature (tests; never a release build): how an enrollment
//! that passed every check is answered, per [`Behaviour`], in one of the hostile ways the client must refuse (a certificate for another key,
//! subject or issuer, outside its validity, a huge or dripping body, a redirect, garbage,
//! too few or unrelated certificates, an HTTP error).

use std::sync::Arc;

use hyper::header::{HeaderValue, CONTENT_LENGTH, CONTENT_TYPE, LOCATION};
use hyper::{Response, StatusCode};
use time::{Duration, OffsetDateTime};

use crate::body::AnswerBody;
use crate::est::{pkcs7_answer, text, Answer, Base64Style, Behaviour, Shared};
use crate::issue::{self, CERTS_ONLY};
use crate::pkcs7::pkcs7_certs_only;
use crate::{csr, TestCa, TestCaError};

/// The answer to a verified enrollment `request` under `behaviour` (never `Pending`).
pub(crate) fn answer(
    shared: &Shared,
    request: csr::VerifiedCsr,
    behaviour: Behaviour,
    style: Base64Style,
) -> Answer {
    match behaviour {
        Behaviour::Fail { status } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            text(status, "failure on demand")
        }
        Behaviour::Redirect { location } => {
            let mut answer = text(StatusCode::FOUND, "moved");
            match HeaderValue::from_str(&location) {
                Ok(location) => answer.headers_mut().insert(LOCATION, location),
                Err(_) => return text(StatusCode::INTERNAL_SERVER_ERROR, "bad redirect"),
            };
            answer
        }
        Behaviour::GarbageBase64 => {
            let mut answer = Response::new(AnswerBody::full(
                "MIIB*** this is not base64 ***\n!!@@##$$%%\n",
            ));
            answer
                .headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static(CERTS_ONLY));
            answer
        }
        Behaviour::HugeBody {
            bytes,
            declare_length,
        } => {
            let body = AnswerBody::repeated(b'A', bytes, Arc::clone(&shared.streamed));
            let mut answer = Response::new(body);
            let headers = answer.headers_mut();
            headers.insert(CONTENT_TYPE, HeaderValue::from_static(CERTS_ONLY));
            if declare_length {
                headers.insert(CONTENT_LENGTH, HeaderValue::from(bytes));
            }
            answer
        }
        Behaviour::UnrelatedCertificates { count } => {
            match (0..count)
                .map(|i| unrelated_certificate(&shared.ca, i))
                .collect::<Result<Vec<_>, _>>()
            {
                Ok(certs) => {
                    pkcs7_answer(StatusCode::OK, CERTS_ONLY, &pkcs7_certs_only(&certs), style)
                }
                Err(e) => issue::failed(&e),
            }
        }
        Behaviour::SlowDrip { bytes_per_second } => {
            let mut answer = issue::normal(shared, request, style);
            if answer.status() == StatusCode::OK {
                if let AnswerBody::Full(Some(bytes)) = answer.body_mut() {
                    let bytes = std::mem::take(bytes);
                    // Four ticks a second, at least one byte each.
                    let per_tick = (bytes_per_second as usize / 4).max(1);
                    *answer.body_mut() =
                        AnswerBody::drip(bytes, per_tick, std::time::Duration::from_millis(250));
                }
            }
            answer
        }
        other => certify(shared, request, &other, style),
    }
}

/// Issues for `request`, misbehaving in what it certifies (key, subject, issuer, validity).
fn certify(
    shared: &Shared,
    request: csr::VerifiedCsr,
    behaviour: &Behaviour,
    style: Base64Style,
) -> Answer {
    let now = OffsetDateTime::now_utc();
    let (not_before, not_after) = match behaviour {
        Behaviour::Expired => (now - Duration::days(30), now - Duration::days(1)),
        Behaviour::NotYetValid => (now + Duration::days(2), now + Duration::days(365)),
        Behaviour::NotBeforeIn { seconds } => {
            let (_, not_after) = issue::normal_validity(shared, now);
            (now + Duration::seconds(i64::from(*seconds)), not_after)
        }
        Behaviour::ValidFor { days } => (
            now - Duration::minutes(1),
            now + Duration::days(i64::from(*days)),
        ),
        _ => issue::normal_validity(shared, now),
    };
    let request = match behaviour {
        Behaviour::WrongKey => throwaway_request(request.subject.clone()),
        Behaviour::ReencodedSubject => {
            let subject = reencoded(&request.subject);
            throwaway_request(subject).and_then(|other| {
                if other.subject_der == request.subject_der {
                    return Err(TestCaError::UnsupportedSubject(
                        "no attribute of this subject can be re-encoded".into(),
                    ));
                }
                Ok(csr::VerifiedCsr {
                    subject_der: other.subject_der,
                    subject: other.subject,
                    ..request
                })
            })
        }
        Behaviour::WrongSubject => {
            let mut subject = request.subject.clone();
            subject.push(rcgen::DnType::CommonName, "別の会社 (wrong subject)");
            throwaway_request(subject).map(|other| csr::VerifiedCsr {
                subject_der: other.subject_der,
                subject: other.subject,
                ..request
            })
        }
        _ => Ok(request),
    };
    let issued = request.and_then(|r| match behaviour {
        Behaviour::OtherIssuer => {
            // Same name as a typical bank CA, but another key: only the chain tells.
            TestCa::generate("Shomei Test CA")?.issue_verified(r, not_before, not_after)
        }
        _ => shared.issuing_ca().issue_verified(r, not_before, not_after),
    });
    issue::signed(shared, issued, style)
}

/// The same name in other string types: PrintableStrings as UTF8Strings, and
/// UTF8Strings that a PrintableString can carry as PrintableStrings.
fn reencoded(subject: &rcgen::DistinguishedName) -> rcgen::DistinguishedName {
    let mut out = rcgen::DistinguishedName::new();
    for (kind, value) in subject.iter() {
        let value = match value {
            rcgen::DnValue::PrintableString(s) => rcgen::DnValue::Utf8String(s.as_str().to_owned()),
            rcgen::DnValue::Utf8String(s) => {
                match rcgen::string::PrintableString::try_from(s.as_str()) {
                    Ok(printable) => rcgen::DnValue::PrintableString(printable),
                    Err(_) => value.clone(),
                }
            }
            other => other.clone(),
        };
        out.push(kind.clone(), value);
    }
    out
}

/// A certificate from `ca` for a fresh key and a made-up subject.
fn unrelated_certificate(ca: &TestCa, i: usize) -> Result<Vec<u8>, TestCaError> {
    let mut subject = rcgen::DistinguishedName::new();
    subject.push(rcgen::DnType::CommonName, format!("unrelated {i}"));
    let now = OffsetDateTime::now_utc();
    ca.issue_verified(
        throwaway_request(subject)?,
        now - Duration::minutes(1),
        now + Duration::days(30),
    )
}

/// A request for `subject` signed by a fresh key: how the misbehaving modes get a
/// certificate the client did not ask for.
fn throwaway_request(subject: rcgen::DistinguishedName) -> Result<csr::VerifiedCsr, TestCaError> {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)?;
    let mut params = rcgen::CertificateParams::default();
    params.distinguished_name = subject;
    let request = params.serialize_request(&key)?;
    csr::parse_and_verify(request.der())
}
