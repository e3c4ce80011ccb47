//! A bank that wants a user name and password after the client certificate: Basic is
//! answered once, only when asked, and the password never shows in an error.

use secrecy::SecretString;
use shomei_est::{AuthProblem, CsrRequirements, EstError, EstOptions, HttpCredentials};
use shomei_testca::{HttpAuth, ServerOptions};

use crate::misbehaviour_common::{bank_with, Bank};

const PASSWORD: &str = "himitsu-パスワード-42";

fn basic() -> Option<HttpAuth> {
    Some(HttpAuth::Basic {
        user: "keiri01".into(),
        password: PASSWORD.into(),
    })
}

fn with_credentials(user: &str, password: &str) -> EstOptions {
    EstOptions {
        credentials: Some(HttpCredentials::new(user, SecretString::from(password))),
        ..EstOptions::default()
    }
}

async fn bank(auth: Option<HttpAuth>, options: EstOptions) -> Bank {
    let server = ServerOptions {
        http_auth: auth,
        ..ServerOptions::default()
    };
    bank_with(server, options).await
}

fn auth_required<T: std::fmt::Debug>(result: Result<T, EstError>) -> (Vec<String>, AuthProblem) {
    match result {
        Err(EstError::AuthRequired { offered, problem }) => (offered, problem),
        other => panic!("expected AuthRequired, got {other:?}"),
    }
}

#[tokio::test]
async fn without_credentials_a_401_is_auth_required_and_nothing_is_issued() {
    let bank = bank(basic(), EstOptions::default()).await;
    let expected = (vec!["Basic".to_owned()], AuthProblem::NoCredentials);
    assert_eq!(auth_required(bank.client.cacerts().await), expected);
    assert_eq!(auth_required(bank.client.csr_attributes().await), expected);
    assert_eq!(auth_required(bank.renew().await), expected);
    assert_eq!(bank.server.issued_count(), 0);
    assert_eq!(bank.server.authorization_count(), 0);
}

#[tokio::test]
async fn wrong_credentials_are_refused_once_and_never_shown() {
    let wrong = "falsch-パス-99";
    let options = with_credentials("keiri01", wrong);
    let options_text = format!("{options:?}");
    let bank = bank(basic(), options).await;
    let error = bank.renew().await.unwrap_err();
    assert!(
        matches!(
            &error,
            EstError::AuthRequired { offered, problem: AuthProblem::CredentialsRefused }
                if offered == &["Basic"]
        ),
        "{error:?}"
    );
    // Asked once, answered once: no loop of guesses.
    assert_eq!(bank.server.authorization_count(), 1);
    assert_eq!(bank.server.issued_count(), 0);
    for text in [error.to_string(), format!("{error:?}"), options_text] {
        assert!(!text.contains(wrong) && !text.contains("falsch"), "{text}");
        assert!(!text.contains(PASSWORD), "{text}");
    }
    assert!(error.to_string().contains("refused"), "{error}");
}

#[tokio::test]
async fn right_credentials_fetch_everything_and_renew() {
    let bank = bank(basic(), with_credentials("keiri01", PASSWORD)).await;
    assert_eq!(
        bank.client.cacerts().await.unwrap(),
        [bank.ca.cert_der().to_vec()]
    );
    assert_eq!(
        bank.client.csr_attributes().await.unwrap(),
        CsrRequirements::none()
    );
    let issued = bank.renew().await.unwrap();
    assert_eq!(issued.subject_der, bank.current.subject_der);
    assert_eq!(bank.server.issued_count(), 1);
    // One Authorization per exchange, each after the server's 401.
    assert_eq!(bank.server.authorization_count(), 3);
}

#[tokio::test]
async fn credentials_are_never_sent_unasked() {
    let bank = bank(None, with_credentials("keiri01", PASSWORD)).await;
    bank.client.cacerts().await.unwrap();
    bank.renew().await.unwrap();
    assert_eq!(bank.server.authorization_count(), 0);
}

#[tokio::test]
async fn a_scheme_other_than_basic_is_refused_without_sending_the_password() {
    let bank = bank(
        Some(HttpAuth::DigestOnly),
        with_credentials("keiri01", PASSWORD),
    )
    .await;
    let (offered, problem) = auth_required(bank.renew().await);
    assert_eq!(
        (offered, problem),
        (vec!["Digest".to_owned()], AuthProblem::SchemeUnsupported)
    );
    assert_eq!(bank.server.authorization_count(), 0);
}
