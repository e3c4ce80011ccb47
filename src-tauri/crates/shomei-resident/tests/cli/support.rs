//! `support-bundle --out FILE` on the demo after a wrong PIN, with HOME and USER
//! naming the test's folder: the zip has the log's failed step and the listing,
//! and neither the PIN nor the home folder nor the user name. Without `--out` it
//! is a usage error; a file that cannot be written is exit 1.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use super::*;

const USER: &str = "shomeiclitester";

#[test]
fn support_bundle_of_the_demo() {
    let Some((tmp, demo, fp)) = demo_with_identity("support") else {
        return;
    };
    let dir = demo.to_str().unwrap();
    let home = tmp.0.to_str().unwrap();
    let env = [("HOME", home), ("USER", USER), ("XDG_CONFIG_HOME", home)];
    let renew = [
        "--demo-dir",
        dir,
        "renew",
        "--identity",
        &fp,
        "--pin-env",
        "SHOMEI_TEST_PIN",
        "--yes",
    ];
    let out = shomei(&renew, &[("SHOMEI_TEST_PIN", "zq-wrong-pin")], None);
    assert_eq!(code(&out), 3, "wrong PIN: {}", text(&out.stderr));

    let zip = tmp.0.join("support.zip");
    let args = [
        "--demo-dir",
        dir,
        "--lang",
        "en",
        "support-bundle",
        "--out",
        zip.to_str().unwrap(),
    ];
    let out = shomei(&args, &env, None);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains(&format!("Saved the support information: {}", zip.display())),
        "{}",
        text(&out.stderr)
    );
    let files = unzip(&zip);
    let log = files
        .iter()
        .find(|(n, _)| n.starts_with("logs/shomei."))
        .map(|(_, t)| t.as_str())
        .unwrap_or_else(|| panic!("no log in {:?}", files.keys()));
    assert!(
        log.contains("CKR_PIN_INCORRECT") && log.contains(&fp),
        "{log}"
    );
    assert!(files["status.json"].contains(&fp));
    // The failed renewal the tray goes on showing, in the list and in its own file.
    assert!(
        files["status.json"].contains("\"pinIncorrect\"")
            && files["failures.json"].contains("\"pinIncorrect\""),
        "{}\n{}",
        files["status.json"],
        files["failures.json"]
    );
    assert!(files["system.txt"].contains("app: shomei (command line)"));
    assert!(files["profiles/demo.toml"].contains("Shomei Demo USB"));
    assert!(
        files["README.txt"].contains("Parts (0 could not be collected)"),
        "{}",
        files["README.txt"]
    );
    for (name, text) in &files {
        for secret in ["zq-wrong-pin", home, USER, "PRIVATE KEY"] {
            assert!(!text.contains(secret), "{secret:?} in {name}:\n{text}");
        }
    }

    let out = shomei(
        &["--demo-dir", dir, "--lang", "en", "support-bundle"],
        &env,
        None,
    );
    assert_eq!(code(&out), 2, "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("usage: shomei support-bundle --out FILE"));

    let nowhere = tmp.0.join("no-such-folder").join("b.zip");
    let args = [
        "--demo-dir",
        dir,
        "--lang",
        "en",
        "support-bundle",
        "--out",
        nowhere.to_str().unwrap(),
    ];
    let out = shomei(&args, &env, None);
    assert_eq!(code(&out), 1, "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("Could not save the support information"));
    assert!(!nowhere.exists());
}

#[test]
fn support_bundle_when_no_profile_loads() {
    let tmp = TempDir::new("support-broken");
    let broken = tmp.0.join("broken.toml");
    std::fs::write(
        &broken,
        "name = \"壊れた信用金庫\"\n[est]\nbase_url = \"http://insecure.example\"\n",
    )
    .unwrap();
    let zip = tmp.0.join("support.zip");
    let home = tmp.0.to_str().unwrap();
    let env = [
        ("HOME", home),
        ("USER", USER),
        ("XDG_CONFIG_HOME", home),
        ("XDG_DATA_HOME", home),
    ];
    let args = [
        "--profile",
        broken.to_str().unwrap(),
        "--lang",
        "en",
        "support-bundle",
        "--out",
        zip.to_str().unwrap(),
    ];
    let out = shomei(&args, &env, None);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let files = unzip(&zip);
    assert!(
        files["profiles.json"].contains("\"state\": \"invalid\""),
        "{}",
        files["profiles.json"]
    );
    assert!(
        files["profiles.json"].contains("~/broken.toml"),
        "{}",
        files["profiles.json"]
    );
    assert!(files["profiles/broken.toml"].contains("壊れた信用金庫"));
    assert!(
        files["errors.txt"].contains("# Profiles not in use (1)"),
        "{}",
        files["errors.txt"]
    );
    assert!(
        files["errors.txt"].contains("base_url"),
        "{}",
        files["errors.txt"]
    );
    assert!(
        files["README.txt"].contains("Parts (0 could not be collected)"),
        "{}",
        files["README.txt"]
    );
}

/// Every entry of the zip as text.
fn unzip(path: &Path) -> BTreeMap<String, String> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut files = BTreeMap::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let mut text = String::new();
        entry.read_to_string(&mut text).unwrap();
        files.insert(entry.name().unwrap().into_owned(), text);
    }
    files
}
