//! Shared by the OpenSSL interoperability tests: the tool (required in CI or skipped
//! loudly), a PKI made with the openssl CLI, a software key behind `KeyHandle`, and
//! an `openssl s_server` that is always killed.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read};
use std::net::{Ipv4Addr, TcpListener};
pub use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
pub use std::sync::{Arc, Mutex};
pub use std::time::Duration;

use rcgen::SigningKey as _;
pub use rustls_pki_types::CertificateDer;
use shomei_store::{KeyAlgorithm, KeyHandle, SignatureScheme, StoreError};

/// Bound on every one-shot openssl command.
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(30);
/// Bound on `s_server` printing ACCEPT.
pub const SERVER_START_TIMEOUT: Duration = Duration::from_secs(15);
/// Bound on one EST exchange (the client's own timeout is longer).
pub const EXCHANGE_TIMEOUT: Duration = Duration::from_secs(20);

// ---------------------------------------------------------------------------------------
// The tool, required or skipped.

/// True when `openssl` runs. Otherwise: panic under `SHOMEI_REQUIRE_INTEROP=1`, or a
/// loud notice and false.
pub fn openssl_available(test: &str) -> bool {
    let ok = Command::new("openssl")
        .arg("version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if ok {
        return true;
    }
    if std::env::var("SHOMEI_REQUIRE_INTEROP").as_deref() == Ok("1") {
        panic!("{test}: `openssl` is not installed but SHOMEI_REQUIRE_INTEROP=1");
    }
    eprintln!(
        "\n*** SKIPPED {test}: `openssl` is not installed (set SHOMEI_REQUIRE_INTEROP=1 to fail instead) ***\n"
    );
    false
}

/// Runs a one-shot command in `dir` with a deadline; panics with its stderr on failure.
pub fn run(dir: &Path, program: &str, args: &[&str]) -> Vec<u8> {
    let out = shomei_testca::tool::run_with_deadline(dir, program, args, COMMAND_TIMEOUT);
    assert!(
        out.status.success(),
        "{program} {args:?} failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

pub fn openssl(dir: &Path, args: &[&str]) -> Vec<u8> {
    run(dir, "openssl", args)
}

// ---------------------------------------------------------------------------------------
// A PKI made by the openssl CLI.

pub struct Pki {
    dir: tempfile::TempDir,
}

impl Pki {
    pub fn new() -> Pki {
        Pki {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn write(&self, name: &str, contents: &[u8]) {
        std::fs::write(self.path(name), contents).expect("write");
    }

    pub fn openssl(&self, args: &[&str]) -> Vec<u8> {
        openssl(self.dir.path(), args)
    }

    /// Self-signed ECDSA P-256 CA `<name>.pem` / `<name>.key`.
    pub fn ca(&self, name: &str, cn: &str) {
        self.openssl(&[
            "req",
            "-x509",
            "-new",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            &format!("{name}.key"),
            "-out",
            &format!("{name}.pem"),
            "-days",
            "2",
            "-subj",
            &format!("/CN={cn}/O=Shomei Interop"),
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ]);
    }

    /// Signs `<name>.csr` with CA `ca` into `<name>.pem`, with the extension lines given.
    fn sign(&self, name: &str, ca: &str, extensions: &str) {
        let ext = format!("{name}.ext");
        self.write(&ext, extensions.as_bytes());
        self.openssl(&[
            "x509",
            "-req",
            "-in",
            &format!("{name}.csr"),
            "-CA",
            &format!("{ca}.pem"),
            "-CAkey",
            &format!("{ca}.key"),
            "-set_serial",
            &format!("0x{:x}", rand_serial()),
            "-days",
            "1",
            "-sha256",
            "-extfile",
            &ext,
            "-out",
            &format!("{name}.pem"),
        ]);
    }

    /// A TLS server certificate for IP 127.0.0.1 issued by `ca`: `<name>.pem` / `<name>.key`.
    pub fn server(&self, name: &str, ca: &str) {
        self.openssl(&[
            "req",
            "-new",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            &format!("{name}.key"),
            "-out",
            &format!("{name}.csr"),
            "-subj",
            "/CN=127.0.0.1/O=Shomei Interop",
        ]);
        self.sign(
            name,
            ca,
            "basicConstraints=critical,CA:FALSE\n\
             keyUsage=critical,digitalSignature\n\
             extendedKeyUsage=serverAuth\n\
             subjectAltName=IP:127.0.0.1,DNS:localhost\n",
        );
    }

    /// A client certificate for `key` issued by `ca`, from a request rcgen made: `<name>.pem`.
    pub fn client(&self, name: &str, ca: &str, key: &SoftKey, cn: &str) {
        let mut params = rcgen::CertificateParams::default();
        params.distinguished_name = rcgen::DistinguishedName::new();
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, cn);
        params
            .distinguished_name
            .push(rcgen::DnType::OrganizationName, "Shomei Interop");
        let csr = params.serialize_request(&key.0).expect("CSR");
        self.write(&format!("{name}.csr"), csr.pem().expect("PEM").as_bytes());
        self.sign(
            name,
            ca,
            "basicConstraints=critical,CA:FALSE\n\
             keyUsage=critical,digitalSignature\n\
             extendedKeyUsage=clientAuth\n",
        );
    }

    /// DER of the PEM certificate `<name>.pem`, converted by openssl.
    pub fn der(&self, name: &str) -> Vec<u8> {
        self.openssl(&["x509", "-in", &format!("{name}.pem"), "-outform", "DER"])
    }

    /// `openssl crl2pkcs7 -nocrl -certfile <bundle> -outform DER` for these PEM files, in order.
    pub fn crl2pkcs7(&self, names: &[&str]) -> Vec<u8> {
        let mut bundle = Vec::new();
        for name in names {
            bundle.extend(std::fs::read(self.path(&format!("{name}.pem"))).expect("read PEM"));
        }
        let bundle_name = format!("bundle-{}.pem", names.join("-"));
        self.write(&bundle_name, &bundle);
        self.openssl(&[
            "crl2pkcs7",
            "-nocrl",
            "-certfile",
            &bundle_name,
            "-outform",
            "DER",
        ])
    }

    /// `openssl base64` of `der` (wrapped at 64 columns, LF), or with `-A` one line.
    pub fn base64(&self, der: &[u8], one_line: bool) -> Vec<u8> {
        self.write("b64-in.der", der);
        let mut args = vec!["base64", "-e", "-in", "b64-in.der"];
        if one_line {
            args.push("-A");
        }
        self.openssl(&args)
    }
}

pub fn rand_serial() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    h.finish() >> 1
}

// ---------------------------------------------------------------------------------------
// A test-only software key behind the store's KeyHandle (ring ECDSA P-256 via rcgen).

pub struct SoftKey(rcgen::KeyPair, Vec<u8>);

impl SoftKey {
    pub fn generate() -> SoftKey {
        let pair = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).expect("P-256");
        let public = pair.public_key_raw().to_vec();
        SoftKey(pair, public)
    }
}

impl std::fmt::Debug for SoftKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SoftKey(P-256)")
    }
}

impl KeyHandle for SoftKey {
    fn public_key(&self) -> &[u8] {
        // The uncompressed point 0x04 ‖ X ‖ Y.
        &self.1
    }

    fn algorithm(&self) -> KeyAlgorithm {
        KeyAlgorithm::EcP256
    }

    fn sign(&self, scheme: SignatureScheme, message: &[u8]) -> shomei_store::Result<Vec<u8>> {
        match scheme {
            // rcgen's P-256 signs with ring's ECDSA_P256_SHA256_ASN1_SIGNING: DER.
            SignatureScheme::EcdsaP256Sha256 => {
                self.0.sign(message).map_err(|e| StoreError::Platform {
                    op: "soft sign",
                    code: e.to_string().into(),
                })
            }
            _ => Err(StoreError::Unsupported("soft P-256 key: ECDSA only")),
        }
    }
}

// ---------------------------------------------------------------------------------------
// openssl s_server, killed on drop.

pub struct SServer {
    child: Child,
    port: u16,
    log: Arc<Mutex<String>>,
}

impl SServer {
    /// `openssl s_server` on 127.0.0.1 serving `-HTTP` from `docroot`, requiring a client
    /// certificate from `client_ca`. Returns once it printed ACCEPT.
    pub fn start(pki: &Pki, docroot: &Path, server: &str, client_ca: &str, tls: &str) -> SServer {
        let port = free_port();
        let mut child = Command::new("openssl")
            .args([
                "s_server",
                "-accept",
                &format!("127.0.0.1:{port}"),
                "-cert",
                pki.path(&format!("{server}.pem")).to_str().unwrap(),
                "-key",
                pki.path(&format!("{server}.key")).to_str().unwrap(),
                "-CAfile",
                pki.path(&format!("{client_ca}.pem")).to_str().unwrap(),
                "-Verify",
                "1",
                "-verify_return_error",
                tls,
                "-HTTP",
            ])
            .current_dir(docroot)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start openssl s_server");
        let log = Arc::new(Mutex::new(String::new()));
        let (ready_tx, ready_rx) = mpsc::channel();
        let stdout = child.stdout.take().expect("piped");
        let stderr = child.stderr.take().expect("piped");
        for (stream, ready) in [
            (Box::new(stdout) as Box<dyn Read + Send>, Some(ready_tx)),
            (Box::new(stderr), None),
        ] {
            let log = Arc::clone(&log);
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines() {
                    let Ok(line) = line else { break };
                    if line.trim() == "ACCEPT" {
                        if let Some(ready) = &ready {
                            let _ = ready.send(());
                        }
                    }
                    let mut log = log.lock().unwrap();
                    log.push_str(&line);
                    log.push('\n');
                }
            });
        }
        let mut server = SServer { child, port, log };
        if ready_rx.recv_timeout(SERVER_START_TIMEOUT).is_err() {
            let log = server.log();
            server.stop();
            panic!("openssl s_server did not print ACCEPT within {SERVER_START_TIMEOUT:?}:\n{log}");
        }
        server
    }

    pub fn base_url(&self) -> String {
        format!("https://127.0.0.1:{}", self.port)
    }

    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for SServer {
    fn drop(&mut self) {
        self.stop();
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

pub fn pem_der(pki: &Pki, name: &str) -> CertificateDer<'static> {
    CertificateDer::from(pki.der(name))
}

/// A docroot whose `.well-known/est/cacerts` is an HTTP answer (`-HTTP` sends the file
/// as is, headers included) carrying `body`.
pub fn docroot_with_cacerts(pki: &Pki, body: &[u8]) -> PathBuf {
    let root = pki.path("www");
    let est = root.join(".well-known/est");
    std::fs::create_dir_all(&est).expect("docroot");
    let mut answer = b"HTTP/1.0 200 OK\r\n\
Content-Type: application/pkcs7-mime\r\n\
Content-Transfer-Encoding: base64\r\n\
Connection: close\r\n\r\n"
        .to_vec();
    answer.extend_from_slice(body);
    std::fs::write(est.join("cacerts"), answer).expect("cacerts file");
    root
}

pub async fn bounded<T>(what: &str, f: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(EXCHANGE_TIMEOUT, f)
        .await
        .unwrap_or_else(|_| panic!("{what} did not finish within {EXCHANGE_TIMEOUT:?}"))
}
