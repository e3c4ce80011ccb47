//! EST request routing and handling (RFC 7030 `/cacerts`, `/simplereenroll`, `/csrattrs`,
//! HTTP authentication first when configured), and the
//! `Behaviour` switch that decides how an otherwise valid enrollment is answered. Every
//! request passes through [`handle`], so new misbehaviours for fault-injection tests only
//! need a new `Behaviour` variant and a branch in [`Shared::decide`].

use std::convert::Infallible;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use bytes::Bytes;
use http_body_util::{BodyExt as _, LengthLimitError, Limited};
use hyper::body::Incoming;
use hyper::header::{HeaderValue, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, RETRY_AFTER};
use hyper::{Method, Request, Response, StatusCode};
use x509_parser::prelude::{FromDer, X509Certificate};

use crate::body::AnswerBody;
use crate::pkcs7::{base64_decode_lenient, base64_wrapped, pkcs7_certs_only};
use crate::{auth, csr, csrattrs, CsrAttrs, HttpAuth, TestCa};

/// Largest request body accepted; a base64 RSA 4096 CSR is under 3 KiB.
const MAX_BODY: usize = 64 * 1024;

/// How the server answers enrollments that are otherwise valid. Everything but `Normal`
/// and `Pending` (what the demo uses) exists only with the `misbehave` feature, which
/// tests turn on and release builds never have.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Behaviour {
    /// Issue at once.
    #[default]
    Normal,
    /// Answer `202 Accepted` with `Retry-After: retry_after_secs` to the next `times`
    /// enrollments, then issue (RFC 7030 §4.2.3 "pending").
    Pending { times: u32, retry_after_secs: u32 },
    /// Issue a valid certificate for ANOTHER key (same subject): a hostile or buggy CA.
    #[cfg(feature = "misbehave")]
    WrongKey,
    /// Issue a certificate for the request's key under ANOTHER subject.
    #[cfg(feature = "misbehave")]
    WrongSubject,
    /// Answer every enrollment with this HTTP status.
    #[cfg(feature = "misbehave")]
    Fail { status: u16 },
    /// Issue the requested certificate, but signed by ANOTHER CA (same name, other key).
    #[cfg(feature = "misbehave")]
    OtherIssuer,
    /// Issue the requested certificate already expired (valid from 30 days ago to
    /// yesterday).
    #[cfg(feature = "misbehave")]
    Expired,
    /// Issue the requested certificate valid only from two days from now.
    #[cfg(feature = "misbehave")]
    NotYetValid,
    /// Issue the requested certificate valid from `seconds` from now (a bank whose
    /// clock is a little ahead of the client's).
    #[cfg(feature = "misbehave")]
    NotBeforeIn { seconds: u32 },
    /// Issue the requested certificate valid for `days` only (shorter than the one
    /// it renews, when that has more left).
    #[cfg(feature = "misbehave")]
    ValidFor { days: u32 },
    /// Issue the requested certificate with every PrintableString of its subject
    /// re-encoded as a UTF8String: the same name (RFC 5280 §7.1), other bytes.
    #[cfg(feature = "misbehave")]
    ReencodedSubject,
    /// Answer 200 with `bytes` bytes of base64-looking text, streamed in chunks as fast as
    /// the client reads (the server never holds it whole); with `declare_length` the
    /// answer carries a `Content-Length`, otherwise it is chunked.
    #[cfg(feature = "misbehave")]
    HugeBody { bytes: u64, declare_length: bool },
    /// Issue normally, but send the answer `bytes_per_second` bytes per second.
    #[cfg(feature = "misbehave")]
    SlowDrip { bytes_per_second: u32 },
    /// Answer `302 Found` pointing at `location` (plain http, another host…).
    #[cfg(feature = "misbehave")]
    Redirect { location: String },
    /// Answer 200 with a PKCS#7 content type and a body that is not base64.
    #[cfg(feature = "misbehave")]
    GarbageBase64,
    /// Answer a valid certs-only PKCS#7 holding `count` certificates from this CA for
    /// other keys and subjects, and not the requested one (0: an empty PKCS#7).
    #[cfg(feature = "misbehave")]
    UnrelatedCertificates { count: usize },
}

/// What [`Shared::decide`] tells the enrollment handler to do.
enum Decision {
    Pending {
        retry_after_secs: u32,
    },
    /// Issue (or misbehave) as this behaviour says; never `Pending`.
    Answer(Behaviour),
}

/// State shared by all connections of one server.
pub(crate) struct Shared {
    pub ca: Arc<TestCa>,
    pub rollover: Option<crate::server::Rollover>,
    pub label: Option<String>,
    pub validity_days: u32,
    pub behaviour: Mutex<Behaviour>,
    pub issued: AtomicUsize,
    /// The notAfter (Unix seconds) of the last certificate issued: the next one
    /// expires at least a second later, so back-to-back renewals (the soak, the
    /// crash matrix) each outlive the certificate they replace, as yearly ones do.
    pub last_not_after: Mutex<i64>,
    /// `simplereenroll` requests received, whatever the answer.
    pub requests: AtomicUsize,
    /// Bytes of streamed (huge) answers handed to connections so far.
    pub streamed: Arc<AtomicU64>,
    /// What every EST request must carry after TLS, if anything.
    pub http_auth: Option<HttpAuth>,
    /// Requests that carried an `Authorization` header, right or wrong.
    pub authorizations: AtomicUsize,
    pub csrattrs: Mutex<CsrAttrs>,
}

impl Shared {
    pub(crate) fn csrattrs(&self) -> CsrAttrs {
        self.csrattrs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The CA that signs new certificates: the successor after a rollover.
    pub(crate) fn issuing_ca(&self) -> &TestCa {
        self.rollover.as_ref().map_or(&self.ca, |r| &r.new_ca)
    }

    /// Consumes one step of the current behaviour. Holding the lock for the
    /// read-and-decrement keeps concurrent requests from both taking the last "pending".
    fn decide(&self) -> Decision {
        let mut behaviour = self
            .behaviour
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        match &mut *behaviour {
            Behaviour::Pending { times: 0, .. } => Decision::Answer(Behaviour::Normal),
            Behaviour::Pending {
                times,
                retry_after_secs,
            } => {
                *times -= 1;
                Decision::Pending {
                    retry_after_secs: *retry_after_secs,
                }
            }
            other => Decision::Answer(other.clone()),
        }
    }
}

enum Route {
    CaCerts,
    SimpleReenroll,
    CsrAttrs,
}

/// `/.well-known/est/[label/]operation`; with a label configured, only the labelled paths.
fn route(path: &str, label: Option<&str>) -> Option<Route> {
    let rest = path.strip_prefix("/.well-known/est/")?;
    let operation = match label {
        Some(label) => rest.strip_prefix(label)?.strip_prefix('/')?,
        None => rest,
    };
    match operation {
        "cacerts" => Some(Route::CaCerts),
        "simplereenroll" => Some(Route::SimpleReenroll),
        "csrattrs" => Some(Route::CsrAttrs),
        _ => None,
    }
}

pub(crate) type Answer = Response<AnswerBody>;

/// Answers one request. `peer_cert` is the DER client certificate of the TLS connection.
pub(crate) async fn handle(
    shared: Arc<Shared>,
    peer_cert: Option<Arc<[u8]>>,
    request: Request<Incoming>,
) -> Result<Answer, Infallible> {
    let route = route(request.uri().path(), shared.label.as_deref());
    if request.headers().contains_key(AUTHORIZATION) {
        shared.authorizations.fetch_add(1, Ordering::SeqCst);
    }
    if route.is_some() {
        if let Some(unauthorized) = auth::check(shared.http_auth.as_ref(), request.headers()) {
            return Ok(unauthorized);
        }
    }
    let answer = match (route, request.method()) {
        (Some(Route::CaCerts), &Method::GET) => cacerts(&shared),
        (Some(Route::CsrAttrs), &Method::GET) => csrattrs::answer(&shared.csrattrs()),
        (Some(Route::SimpleReenroll), &Method::POST) => {
            simplereenroll(&shared, peer_cert.as_deref(), request).await
        }
        _ => text(StatusCode::NOT_FOUND, "not found"),
    };
    Ok(answer)
}

fn cacerts(shared: &Shared) -> Answer {
    let mut certs = vec![shared.ca.cert_der().to_vec()];
    if let Some(rollover) = &shared.rollover {
        certs.push(rollover.new_with_old.clone());
        certs.push(rollover.new_ca.cert_der().to_vec());
    }
    let p7 = pkcs7_certs_only(&certs);
    pkcs7_answer(
        StatusCode::OK,
        "application/pkcs7-mime",
        &p7,
        Base64Style::Wrapped,
    )
}

async fn simplereenroll(
    shared: &Shared,
    peer_cert: Option<&[u8]>,
    request: Request<Incoming>,
) -> Answer {
    shared.requests.fetch_add(1, Ordering::SeqCst);
    if !is_pkcs10(request.headers().get(CONTENT_TYPE)) {
        return text(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Content-Type must be application/pkcs10",
        );
    }
    let body = match read_body(request).await {
        Ok(body) => body,
        Err(answer) => return *answer,
    };
    // Answer in the client's style: strongSwan's EST client sends one line and cannot
    // read a wrapped reply, while clients that wrap read both.
    let style = if body.contains(&b'\n') {
        Base64Style::Wrapped
    } else {
        Base64Style::OneLine
    };
    let Ok(csr_der) = base64_decode_lenient(&body) else {
        return text(StatusCode::BAD_REQUEST, "body is not base64");
    };
    let request = match csr::parse_and_verify(&csr_der) {
        Ok(request) => request,
        Err(e) => return text(StatusCode::BAD_REQUEST, &e.to_string()),
    };
    // RFC 7030 §4.2.2: a re-enrollment keeps the subject of the certificate that
    // authenticated the connection.
    let Some(peer_cert) = peer_cert else {
        return text(StatusCode::BAD_REQUEST, "no TLS client certificate");
    };
    let Ok((_, peer)) = X509Certificate::from_der(peer_cert) else {
        return text(StatusCode::BAD_REQUEST, "unreadable TLS client certificate");
    };
    if peer.subject().as_raw() != request.subject_der.as_slice() {
        return text(
            StatusCode::BAD_REQUEST,
            "subject differs from the TLS client certificate's",
        );
    }
    if let CsrAttrs::Require(required) = shared.csrattrs() {
        if let Some(why) = required.violation(&request) {
            return text(StatusCode::BAD_REQUEST, &why);
        }
    }

    match shared.decide() {
        Decision::Pending { retry_after_secs } => {
            let mut answer = text(StatusCode::ACCEPTED, "pending");
            answer
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from(retry_after_secs));
            answer
        }
        Decision::Answer(behaviour) => answer(shared, request, behaviour, style),
    }
}

#[cfg(feature = "misbehave")]
use crate::misbehave::answer;

/// Without the `misbehave` feature there is one way to answer (`Pending` is decided
/// before): issue.
#[cfg(not(feature = "misbehave"))]
fn answer(shared: &Shared, request: csr::VerifiedCsr, _: Behaviour, style: Base64Style) -> Answer {
    crate::issue::normal(shared, request, style)
}

/// `application/pkcs10`, parameters and case ignored.
fn is_pkcs10(content_type: Option<&HeaderValue>) -> bool {
    content_type
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/pkcs10"))
}

/// The whole body, or the answer to give when it is too large or unreadable.
async fn read_body(request: Request<Incoming>) -> Result<Bytes, Box<Answer>> {
    let too_large = || {
        Box::new(text(
            StatusCode::PAYLOAD_TOO_LARGE,
            "request body too large",
        ))
    };
    // Refuse early on a declared length, so the client is not made to upload it all.
    let declared = request
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > MAX_BODY as u64) {
        return Err(too_large());
    }
    match Limited::new(request.into_body(), MAX_BODY).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => Err(too_large()),
        Err(_) => Err(Box::new(text(
            StatusCode::BAD_REQUEST,
            "cannot read the request body",
        ))),
    }
}

/// How an answer's base64 is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Base64Style {
    /// 64 columns, final newline (what most servers send).
    Wrapped,
    /// One line, no newline.
    OneLine,
}

pub(crate) fn pkcs7_answer(
    status: StatusCode,
    content_type: &'static str,
    p7_der: &[u8],
    style: Base64Style,
) -> Answer {
    let text = match style {
        Base64Style::Wrapped => base64_wrapped(p7_der),
        Base64Style::OneLine => {
            use base64::Engine;
            base64::engine::general_purpose::STANDARD.encode(p7_der)
        }
    };
    let mut answer = Response::new(AnswerBody::full(text));
    *answer.status_mut() = status;
    let headers = answer.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        "content-transfer-encoding",
        HeaderValue::from_static("base64"),
    );
    answer
}

pub(crate) fn text(status: StatusCode, message: &str) -> Answer {
    let mut answer = Response::new(AnswerBody::full(format!("{message}\n")));
    *answer.status_mut() = status;
    answer.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    answer
}
