//! What the crash matrix and the two-process test share: the child binary, a
//! directory holding the bank CA every child uses, and the stores to run on.

use std::path::Path;
use std::process::Command;

use shomei_store::softhsm;
use shomei_testca::TestCa;

pub const CHILD: &str = env!("CARGO_BIN_EXE_shomei-crash-child");

/// A directory with the demo CA's files, as every child expects.
pub fn fresh_dir(ca: &TestCa) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ca.pem"), ca.cert_pem()).unwrap();
    std::fs::write(dir.path().join("ca-key.pem"), ca.key_pem()).unwrap();
    dir
}

/// "token" (SoftHSM2) and "nss" (certutil), each skipped loudly when missing unless
/// the environment requires it (CI does).
pub fn stores_available(what: &str) -> Vec<&'static str> {
    let mut stores = Vec::new();
    if Path::new(&softhsm::module_path()).exists() {
        stores.push("token");
    } else {
        assert!(
            !softhsm::required_by_environment(),
            "SoftHSM2 required (SHOMEI_REQUIRE_SOFTHSM=1) but missing"
        );
        eprintln!("\n*** SKIPPED {what} on the token: SoftHSM2 is not installed. ***\n");
    }
    if Command::new("certutil").arg("-H").output().is_ok() {
        stores.push("nss");
    } else {
        assert!(
            std::env::var_os("SHOMEI_REQUIRE_NSS").is_none_or(|v| v != "1"),
            "NSS required (SHOMEI_REQUIRE_NSS=1) but certutil is missing"
        );
        eprintln!("\n*** SKIPPED {what} on NSS: certutil is not installed. ***\n");
    }
    stores
}
