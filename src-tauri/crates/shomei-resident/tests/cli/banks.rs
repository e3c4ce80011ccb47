//! Bank profiles from the administrator's directory and the user's: `status`
//! lists every bank's identities with their bank and every broken profile with
//! its problems at line and column, and exits 8 for the broken one.

use super::*;

/// The environment that points the binary at these directories and this SoftHSM
/// configuration instead of this user's own.
fn places(
    tmp: &TempDir,
    admin: &Path,
    config: &Path,
    softhsm: &Path,
) -> Vec<(&'static str, String)> {
    let text = |p: &Path| p.to_str().unwrap().to_owned();
    vec![
        ("SHOMEI_SYSTEM_BANKS_DIR", text(admin)),
        ("XDG_CONFIG_HOME", text(config)),
        ("XDG_DATA_HOME", text(&tmp.0.join("data"))),
        ("SOFTHSM2_CONF", text(softhsm)),
    ]
}

fn pairs<'a>(env: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    env.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

#[test]
fn status_serves_the_profiles_of_both_directories_and_lists_a_broken_one() {
    let Some((tmp, demo, fp)) = demo_with_identity("banks") else {
        return;
    };
    // The demo's bank, deployed by an administrator (its CA file beside it).
    let admin = tmp.0.join("admin");
    std::fs::create_dir_all(&admin).unwrap();
    std::fs::copy(demo.join("bank.toml"), admin.join("demo-bank.toml")).unwrap();
    std::fs::copy(demo.join("ca.pem"), admin.join("ca.pem")).unwrap();
    // The user's own, broken at line 3.
    let config = tmp.0.join("config");
    let user = config.join(shomei_resident::banks::DIR_NAME).join("banks");
    std::fs::create_dir_all(&user).unwrap();
    std::fs::write(
        user.join("other.toml"),
        "name = \"別の銀行\"\n[est]\nbase_url = \"http://bank.example\"\nca_file = \"ca.pem\"\n",
    )
    .unwrap();
    let env = places(
        &tmp,
        &admin,
        &config,
        &demo.join("softhsm").join("softhsm2.conf"),
    );
    let env = pairs(&env);

    let out = shomei(&["status", "--json"], &env, None);
    assert_eq!(code(&out), 8, "a broken profile: {}", text(&out.stderr));
    let listing: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let id = only_identity(&listing);
    assert_eq!(id["fingerprint"], fp.as_str());
    assert_eq!(id["bank"]["id"], "demo-bank");
    assert_eq!(id["bank"]["name"], "デモ信用金庫");
    let profiles = listing["profiles"].as_array().unwrap();
    assert_eq!(profiles.len(), 2, "{listing:#}");
    assert_eq!(
        (&profiles[0]["origin"], &profiles[0]["state"]),
        (&"administrator".into(), &"loaded".into())
    );
    assert_eq!(
        (&profiles[1]["origin"], &profiles[1]["state"]),
        (&"user".into(), &"invalid".into())
    );
    assert!(
        profiles[1]["issues"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["line"] == 3 && i["field"] == "est.base_url"),
        "{listing:#}"
    );

    // The words: the bank as a heading, the problem at its place, in each language.
    let out = shomei(&["status"], &env, None);
    assert_eq!(code(&out), 8);
    assert!(
        text(&out.stdout).contains("デモ信用金庫\n"),
        "{}",
        text(&out.stdout)
    );
    let said = text(&out.stderr);
    let place = format!("{}:3:", user.join("other.toml").display());
    assert!(said.contains(&place), "{said}");
    assert!(
        said.contains("銀行プロファイルに問題があるため使っていません"),
        "{said}"
    );
    let out = shomei(&["--lang", "en", "status"], &env, None);
    assert!(text(&out.stderr).contains("bank profile not used: it has problems"));

    // The user's profile of the administrator's name is ignored and said so.
    std::fs::copy(user.join("other.toml"), user.join("demo-bank.toml")).unwrap();
    let out = shomei(&["status", "--json"], &env, None);
    let listing: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(only_identity(&listing)["bank"]["id"], "demo-bank");
    assert!(listing["profiles"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["id"] == "demo-bank" && p["state"] == "overriddenByAdministrator"));

    // --profile FILE still means exactly that one file.
    let only = admin.join("demo-bank.toml");
    let out = shomei(
        &["--profile", only.to_str().unwrap(), "status", "--json"],
        &env,
        None,
    );
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let listing: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(listing["profiles"].as_array().unwrap().len(), 1);
}

/// The two-bank set-up of issue 10 at the command line: an administrator's
/// directory (bank A, and a broken profile) and the user's (bank B), two tokens,
/// and on token A an identity no profile's CA issued.
#[test]
fn status_json_lists_both_banks_an_identity_of_no_bank_and_a_broken_profile() {
    if !softhsm_or_skip("two banks at the command line") {
        return;
    }
    use shomei_store::Token as _;
    let tmp = TempDir::new("two-banks");
    // This test's own SoftHSM directory; its children get it through SOFTHSM2_CONF.
    let hsm = shomei_store::softhsm::SoftHsm::create(&tmp.0.join("softhsm")).unwrap();
    let pin = secrecy::SecretString::from(DEMO_PIN.to_owned());
    let so = secrecy::SecretString::from("so-pin-2468".to_owned());
    let (ca_a, ca_b, stranger) = (
        shomei_testca::TestCa::generate("A Bank CA").unwrap(),
        shomei_testca::TestCa::generate("B Bank CA").unwrap(),
        shomei_testca::TestCa::generate("Nobody CA").unwrap(),
    );
    for (label, cas) in [
        ("A Bank USB", vec![&ca_a, &stranger]),
        ("B Bank USB", vec![&ca_b]),
    ] {
        let token = hsm.init_token(label, &so, &pin).unwrap();
        token.login(&pin).unwrap();
        for ca in cas {
            shomei_engine::demo::create_demo_identity(&token, ca).unwrap();
        }
        token.logout().unwrap();
    }
    let (admin, config) = (tmp.0.join("admin"), tmp.0.join("config"));
    let user = config.join(shomei_resident::banks::DIR_NAME).join("banks");
    let write = |dir: &Path, id: &str, name: &str, ca: &shomei_testca::TestCa, token: &str| {
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(dir.join(format!("{id}-ca.pem")), ca.cert_pem()).unwrap();
        let text = format!(
            "name = \"{name}\"\n[est]\nbase_url = \"https://127.0.0.1:9\"\nca_file = \"{id}-ca.pem\"\n\
             [token]\nmodule = \"{}\"\nlabel = \"{token}\"\n[pc_store]\nenabled = false\n",
            hsm.module().path().display()
        );
        std::fs::write(dir.join(format!("{id}.toml")), text).unwrap();
    };
    write(&admin, "a", "A銀行", &ca_a, "A Bank USB");
    write(&user, "b", "B信用金庫", &ca_b, "B Bank USB");
    std::fs::write(
        admin.join("broken.toml"),
        "name = \"C銀行\"\n[est]\nbase_url = \"https://c.example\"\n[renewal]\nwindow_opens_days = 99\n",
    )
    .unwrap();
    let env = places(&tmp, &admin, &config, &hsm.dir().join("softhsm2.conf"));
    let env = pairs(&env);

    let out = shomei(&["status", "--json"], &env, None);
    assert_eq!(code(&out), 8, "{}", text(&out.stderr));
    let listing: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids = listing["identities"].as_array().unwrap();
    assert_eq!(ids.len(), 3, "{listing:#}");
    let bank_of = |label: &str, bank: Option<&str>| {
        ids.iter()
            .filter(|i| i["storeLabel"] == label && i["bank"]["id"].as_str() == bank)
            .count()
    };
    assert_eq!(bank_of("A Bank USB", Some("a")), 1, "{listing:#}");
    assert_eq!(bank_of("B Bank USB", Some("b")), 1, "{listing:#}");
    assert_eq!(bank_of("A Bank USB", None), 1, "発行元不明: {listing:#}");
    let unknown = ids.iter().find(|i| i["bank"].is_null()).unwrap();
    assert_eq!(unknown["notRenewable"]["reason"], "unknownIssuer");
    assert!(unknown["renewableInto"].as_array().unwrap().is_empty());
    let states: Vec<(&str, &str)> = listing["profiles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap(), p["state"].as_str().unwrap()))
        .collect();
    assert_eq!(
        states,
        [("a", "loaded"), ("broken", "invalid"), ("b", "loaded")]
    );
    let broken = &listing["profiles"][1];
    let issues = broken["issues"].as_array().unwrap();
    assert!(
        issues.len() >= 2,
        "the missing CA file and the window: {broken:#}"
    );
    assert!(
        issues
            .iter()
            .any(|i| i["field"] == "renewal.window_opens_days" && i["line"] == 5),
        "{broken:#}"
    );

    // In words: each bank a heading, the identity of no bank under 発行元不明.
    let out = shomei(&["status"], &env, None);
    let said = text(&out.stdout);
    for heading in ["A銀行\n", "B信用金庫\n", "発行元不明"] {
        assert!(said.contains(heading), "{heading:?} in {said}");
    }
}
