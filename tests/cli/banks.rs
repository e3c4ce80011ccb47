//! Bank profiles from the administrator's directory and the user's: `status`
//! lists every bank's identities with their bank and every broken profile with
//! its problems at line and column, and exits 8 for the broken one.

use super::*;

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
    let user = config.join("shomei").join("banks");
    std::fs::create_dir_all(&user).unwrap();
    std::fs::write(
        user.join("other.toml"),
        "name = \"別の銀行\"\n[est]\nbase_url = \"http://bank.example\"\nca_file = \"ca.pem\"\n",
    )
    .unwrap();
    let conf = demo.join("softhsm").join("softhsm2.conf");
    let data = tmp.0.join("data");
    let env = [
        ("SHOMEI_SYSTEM_BANKS_DIR", admin.to_str().unwrap()),
        ("XDG_CONFIG_HOME", config.to_str().unwrap()),
        ("XDG_DATA_HOME", data.to_str().unwrap()),
        ("SOFTHSM2_CONF", conf.to_str().unwrap()),
    ];

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
