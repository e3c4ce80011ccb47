//! The embedded demo: a private SoftHSM token, a demo bank CA, an identity for
//! 「株式会社デモ商事」 that expires in 12 days, and the EST test CA serving on
//! 127.0.0.1, so anyone can walk a full renewal without a bank. [`Extras`]
//! (`SHOMEI_DEMO_EXTRAS`) add a PC store of the demo's own and an expired
//! certificate, for the end-to-end tests and anyone who wants to see those screens.
//!
//! Everything lives in the directory given (never the user's own stores). The
//! demo PIN is public on purpose; real PINs never appear anywhere.

mod extras;

pub use extras::{
    Extras, DEMO_EXPIRED_DAYS_AGO, DEMO_EXPIRED_NAME, DEMO_PC_DAYS_LEFT, DEMO_PC_NAME, EXTRAS_ENV,
};

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls_pki_types::CertificateDer;
use secrecy::SecretString;
use shomei_store::signer::CsrSigner;
use shomei_store::softhsm::SoftHsm;
use shomei_store::{KeySpec, Token};
use shomei_testca::{EstServer, ServerOptions, TestCa};
use time::{Duration, OffsetDateTime};

use crate::error::{EngineError, Result};
use crate::profile::BankProfile;

pub const DEMO_PIN: &str = "123456";
const DEMO_SO_PIN: &str = "demo-so-0000";
pub const DEMO_TOKEN_LABEL: &str = "Shomei Demo USB";
pub const DEMO_BANK: &str = "デモ信用金庫";
pub const DEMO_COMPANY: &str = "株式会社デモ商事";
/// The demo bank's support contact (`[support] name`).
pub const DEMO_SUPPORT: &str = "デモ信用金庫 デモ窓口";
/// Days the demo identity has left when it is created.
pub const DEMO_DAYS_LEFT: i64 = 12;

pub struct Demo {
    pub dir: PathBuf,
    pub server: EstServer,
    pub profile: BankProfile,
    pub pinned_roots: Vec<CertificateDer<'static>>,
}

fn internal(what: &str) -> impl Fn(String) -> EngineError + '_ {
    move |e| EngineError::Internal(format!("demo: {what}: {e}"))
}

/// A new private directory for a demo (owner-only, a name nobody can guess) in
/// the system's temporary directory.
pub fn fresh_directory() -> Result<PathBuf> {
    crate::private_dir::create_fresh(&std::env::temp_dir(), "shomei-demo-")
        .map_err(|e| internal("create directory")(e.to_string()))
}

/// Whether the demo can run here: SoftHSM2's module is installed (the .deb only
/// recommends it). The window asks before it restarts on the demo.
pub fn check_requirements() -> Result<()> {
    let module = shomei_store::softhsm::module_path();
    if module.is_file() {
        Ok(())
    } else {
        Err(EngineError::DemoNeedsSoftHsm(module.display().to_string()))
    }
}

/// Point SoftHSM at the demo's private token directory. Call it while the process
/// has one thread: it sets `SOFTHSM2_CONF`. [`start`] does it too if not done.
pub fn prepare_token_directory(dir: &Path) -> Result<()> {
    check_requirements()?;
    crate::private_dir::create(dir).map_err(|e| internal("create directory")(e.to_string()))?;
    SoftHsm::create(&dir.join("softhsm"))?;
    Ok(())
}

/// Prepare (or reuse) the demo in `dir`, with the [`Extras`] `SHOMEI_DEMO_EXTRAS`
/// asks for, and start its EST test CA.
/// Must run before anything else in the process loads SoftHSM.
pub async fn start(dir: &Path) -> Result<Demo> {
    start_with(dir, Extras::from_env()?).await
}

/// [`start`] with the extras given. Extras are added when the demo's stores are
/// created; a directory made before keeps what it has.
pub async fn start_with(dir: &Path, extras: Extras) -> Result<Demo> {
    prepare_token_directory(dir)?;
    let hsm = SoftHsm::create(&dir.join("softhsm"))?;
    let ca = Arc::new(load_or_create_ca(dir)?);
    let server = EstServer::start(ca.clone(), ServerOptions::default())
        .await
        .map_err(|e| internal("start the test CA")(e.to_string()))?;

    let pin = SecretString::from(DEMO_PIN.to_owned());
    let token: Box<dyn Token> =
        match hsm
            .module()
            .open_token(&shomei_store::pkcs11::TokenSelector::by_label(
                DEMO_TOKEN_LABEL,
            )) {
            Ok(token) => Box::new(token),
            Err(_) => Box::new(hsm.init_token(
                DEMO_TOKEN_LABEL,
                &SecretString::from(DEMO_SO_PIN.to_owned()),
                &pin,
            )?),
        };
    if token.list_identities().identities.is_empty() {
        token.login(&pin)?;
        create_demo_identity(token.as_ref(), &ca)?;
        if extras.expired {
            extras::create_expired_identity(token.as_ref(), &ca)?;
        }
    }
    let nss_database = extras::pc_store(dir, extras, &ca)?;

    let profile_path = dir.join("bank.toml");
    let profile = profile_text(
        &server.base_url(),
        hsm.module().path(),
        nss_database.as_deref(),
    );
    std::fs::write(&profile_path, profile).map_err(|e| internal("write profile")(e.to_string()))?;
    let (profile, pinned_roots) =
        BankProfile::load(&profile_path).map_err(|e| internal("load profile")(e.to_string()))?;
    Ok(Demo {
        dir: dir.to_path_buf(),
        server,
        profile,
        pinned_roots,
    })
}

/// The demo's bank profile (`bank.toml` in the demo directory): the demo EST
/// server, its CA, the demo token on SoftHSM, and never this PC's own store: no
/// PC store at all, or (`nss_database`) the demo's own NSS database.
pub fn profile_text(base_url: &str, module: &Path, nss_database: Option<&Path>) -> String {
    let pc_store = match nss_database {
        Some(db) => format!(
            "# The demo's own NSS database, never this PC's.\n\
             [pc_store]\nnss_database = {}\n",
            toml_string(&db.display().to_string())
        ),
        None => "# The demo never looks at this PC's own certificate store.\n\
                 [pc_store]\nenabled = false\n"
            .to_owned(),
    };
    format!(
        "# Demo bank profile, written by `shomei --demo`.\n\
         name = \"{DEMO_BANK}\"\n\
         media_storage = true\n\
         key_policy = \"same\"\n\n\
         [est]\nbase_url = \"{base_url}\"\nca_file = \"ca.pem\"\n\n\
         [renewal]\nwindow_opens_days = 30\nreminder_days = [30, 10, 3, 1, 0]\nreacquire_grace_days = 90\n\n\
         [token]\nmodule = {}\nlabel = \"{DEMO_TOKEN_LABEL}\"\n\n\
         [support]\nname = \"{DEMO_SUPPORT}\"\nhours = \"デモのため問い合わせ先はありません\"\n\n\
         {pc_store}",
        toml_string(&module.display().to_string()),
    )
}

/// A TOML basic string (a module path may hold backslashes on Windows).
fn toml_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn load_or_create_ca(dir: &Path) -> Result<TestCa> {
    let (cert_path, key_path) = (dir.join("ca.pem"), dir.join("ca-key.pem"));
    if let (Ok(cert), Ok(key)) = (
        std::fs::read_to_string(&cert_path),
        std::fs::read_to_string(&key_path),
    ) {
        return TestCa::from_pem(&cert, &key).map_err(|e| internal("load CA")(e.to_string()));
    }
    let ca = TestCa::generate("Shomei Demo Bank CA")
        .map_err(|e| internal("create CA")(e.to_string()))?;
    std::fs::write(&key_path, ca.key_pem()).map_err(|e| internal("save CA")(e.to_string()))?;
    std::fs::write(&cert_path, ca.cert_pem()).map_err(|e| internal("save CA")(e.to_string()))?;
    Ok(ca)
}

/// The demo identity in any store: key generated there, certificate for
/// 「株式会社デモ商事」 issued by `ca`, 12 days left. (Tests use it for NSS too.)
pub fn create_demo_identity(token: &dyn Token, ca: &TestCa) -> Result<()> {
    create_identity(token, ca, KeySpec::Rsa2048)
}

/// [`create_demo_identity`] with another kind of key.
pub fn create_identity(token: &dyn Token, ca: &TestCa, spec: KeySpec) -> Result<()> {
    let not_after = OffsetDateTime::now_utc() + Duration::days(DEMO_DAYS_LEFT);
    create_named_identity(token, ca, spec, DEMO_COMPANY, not_after)
}

/// An identity of 「株式会社デモ商事」 whose common name is `name`, with its key
/// generated in `token`, valid for a year until `not_after`.
pub(crate) fn create_named_identity(
    token: &dyn Token,
    ca: &TestCa,
    spec: KeySpec,
    name: &str,
    not_after: OffsetDateTime,
) -> Result<()> {
    let key = token.generate_key(spec, name)?;
    let mut params = rcgen::CertificateParams::default();
    // A fresh name: the default one holds a CN that a later push would replace in place.
    params.distinguished_name = rcgen::DistinguishedName::new();
    params.distinguished_name.push(
        rcgen::DnType::CountryName,
        rcgen::DnValue::PrintableString("JP".try_into().expect("printable")),
    );
    params
        .distinguished_name
        .push(rcgen::DnType::OrganizationName, DEMO_COMPANY);
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, name);
    let signer = CsrSigner::new(key.handle.as_ref())
        .ok_or_else(|| EngineError::Internal("demo key cannot sign a request".into()))?;
    let csr = params
        .serialize_request(&signer)
        .map_err(|e| internal("sign request")(e.to_string()))?;
    let not_before = not_after - Duration::days(365);
    let cert = ca
        .issue_from_csr(csr.der(), not_before, not_after)
        .map_err(|e| internal("issue demo certificate")(e.to_string()))?;
    token.install_certificate(&key.key_id, name, &cert)?;
    Ok(())
}
