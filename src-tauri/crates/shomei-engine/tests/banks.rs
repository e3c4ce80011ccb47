//! Several banks at once (issue 10, item 2): profiles from an administrator's
//! directory and a user's (one broken, one overridden), two real SoftHSM tokens,
//! two EST test CAs over TLS on 127.0.0.1, and one identity of no bank.

mod common;

use std::path::Path;
use std::sync::Arc;

use secrecy::SecretString;
use serde_json::{json, Value};
use shomei_engine::demo::{create_demo_identity, DEMO_PIN};
use shomei_engine::model::ErrorCode;
use shomei_engine::profile::{Catalog, Places};
use shomei_engine::Banks;
use shomei_store::pkcs11::TokenSelector;
use shomei_store::softhsm;
use shomei_store::Token;
use shomei_testca::{Behaviour, EstServer, ServerOptions, TestCa};

struct Bank {
    ca: Arc<TestCa>,
    server: EstServer,
}

async fn bank(name: &str) -> Bank {
    let ca = Arc::new(TestCa::generate(name).unwrap());
    let server = EstServer::start(ca.clone(), ServerOptions::default())
        .await
        .unwrap();
    Bank { ca, server }
}

fn profile(dir: &Path, file: &str, name: &str, bank: &Bank, module: &Path, token: &str) {
    std::fs::create_dir_all(dir).unwrap();
    let ca_file = format!("{file}-ca.pem");
    std::fs::write(dir.join(&ca_file), bank.ca.cert_pem()).unwrap();
    let text = format!(
        "name = \"{name}\"\nmedia_storage = true\n\n\
         [est]\nbase_url = \"{}\"\nca_file = \"{ca_file}\"\n\n\
         [token]\nmodule = \"{}\"\nlabel = \"{token}\"\n\n\
         [pc_store]\nenabled = false\n",
        bank.server.base_url(),
        module.display()
    );
    std::fs::write(dir.join(format!("{file}.toml")), text).unwrap();
}

fn identity_of<'a>(listing: &'a Value, bank: Option<&str>) -> &'a Value {
    let found: Vec<&Value> = listing["identities"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["bank"]["id"].as_str() == bank)
        .collect();
    assert_eq!(found.len(), 1, "one identity of {bank:?} in {listing:#}");
    found[0]
}

#[tokio::test]
async fn two_banks_two_tokens_one_broken_profile_and_an_identity_of_no_bank() {
    let Some(hsm) = softhsm::for_tests_or_skip("two_banks") else {
        return;
    };
    let pin = SecretString::from(DEMO_PIN.to_owned());
    let so_pin = SecretString::from("so-pin-9876".to_owned());
    let (a, b, stranger) = (
        bank("A Bank CA").await,
        bank("B Bank CA").await,
        bank("Nobody CA").await,
    );
    // Token A holds A's identity and one no profile's CA issued; token B holds B's.
    let token_a = hsm.init_token("A Bank USB", &so_pin, &pin).unwrap();
    token_a.login(&pin).unwrap();
    create_demo_identity(&token_a, &a.ca).unwrap();
    create_demo_identity(&token_a, &stranger.ca).unwrap();
    token_a.logout().unwrap();
    let token_b = hsm.init_token("B Bank USB", &so_pin, &pin).unwrap();
    token_b.login(&pin).unwrap();
    create_demo_identity(&token_b, &b.ca).unwrap();
    token_b.logout().unwrap();

    let root = tempfile::tempdir().unwrap();
    let (admin, user) = (root.path().join("admin"), root.path().join("user"));
    let module = hsm.module().path().to_path_buf();
    profile(&admin, "a", "A銀行", &a, &module, "A Bank USB");
    profile(&user, "b", "B信用金庫", &b, &module, "B Bank USB");
    // A user's copy of the administrator's profile: ignored, and said so.
    profile(&user, "a", "偽のA銀行", &b, &module, "B Bank USB");
    std::fs::write(
        admin.join("broken.toml"),
        "name = \"C銀行\"\n\n[renewal]\nwindow_opens_days = \"thirty\"\n",
    )
    .unwrap();
    std::fs::write(admin.join("notes.txt"), "not a profile").unwrap();

    let catalog = Catalog::load(&Places {
        administrator: Some(admin.clone()),
        user: Some(user.clone()),
        legacy_file: None,
    });
    let journal = root.path().join("journal");
    let banks = Banks::open(catalog, &journal).unwrap();
    let listing = serde_json::to_value(banks.list()).unwrap();

    // Every profile, in order, with its state; the broken one with line and column.
    let profiles: Vec<(String, String, String)> = listing["profiles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let s = |k: &str| p[k].as_str().unwrap_or_default().to_owned();
            (s("id"), s("origin"), s("state"))
        })
        .collect();
    let expected = [
        ("a", "administrator", "loaded"),
        ("broken", "administrator", "invalid"),
        ("a", "user", "overriddenByAdministrator"),
        ("b", "user", "loaded"),
    ];
    assert_eq!(
        profiles,
        expected.map(|(a, b, c)| (a.to_owned(), b.to_owned(), c.to_owned())),
        "{listing:#}"
    );
    let broken = &listing["profiles"][1];
    assert_eq!(broken["name"], "C銀行");
    let issues = broken["issues"].as_array().unwrap();
    assert!(
        issues
            .iter()
            .any(|i| i["line"] == 4 && i["field"] == "renewal.window_opens_days"),
        "{broken:#}"
    );
    assert!(issues.iter().all(|i| i["line"].as_u64() > Some(0)
        && !i["ja"].as_str().unwrap().is_empty()
        && !i["en"].as_str().unwrap().is_empty()));

    // One identity per bank, each with its bank, and the stranger as 発行元不明.
    assert_eq!(listing["identities"].as_array().unwrap().len(), 3);
    let of_a = identity_of(&listing, Some("a"));
    assert_eq!(
        (&of_a["bank"]["id"], &of_a["bank"]["name"]),
        (&json!("a"), &json!("A銀行"))
    );
    assert_eq!(of_a["storeLabel"], "A Bank USB");
    assert!(of_a["notRenewable"].is_null());
    let of_b = identity_of(&listing, Some("b"));
    assert_eq!(of_b["bank"]["name"], "B信用金庫");
    assert_eq!(of_b["storeLabel"], "B Bank USB");
    let nobody = identity_of(&listing, None);
    assert_eq!(nobody["notRenewable"]["reason"], "unknownIssuer");
    assert!(
        listing["errors"].as_array().unwrap().is_empty(),
        "{listing:#}"
    );

    // The stranger is never renewed, by any bank.
    let stranger_fp = nobody["fingerprint"].as_str().unwrap();
    let err = banks
        .start_renewal(
            stranger_fp,
            Default::default(),
            pin.clone(),
            common::recorder().0,
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotRenewable, "{err}");
    assert_eq!(a.server.request_count() + b.server.request_count(), 0);

    // B's identity is renewed by B's bank alone: its CA, its token. The journal
    // carries the bank while B's CA says "later".
    let b_fp = of_b["fingerprint"].as_str().unwrap().to_owned();
    b.server.set_behaviour(Behaviour::Pending {
        times: 1,
        retry_after_secs: 3600,
    });
    let err = banks
        .start_renewal(&b_fp, Default::default(), pin.clone(), common::recorder().0)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::StillPending, "{err}");
    assert_eq!((a.server.request_count(), b.server.request_count()), (0, 1));
    let listing = serde_json::to_value(banks.list()).unwrap();
    let unfinished = listing["unfinished"].as_array().unwrap();
    assert_eq!(unfinished.len(), 1, "{listing:#}");
    assert_eq!(unfinished[0]["bank"]["id"], "b");
    let record: Value = serde_json::from_slice(
        &std::fs::read(journal.join(format!(
            "{}.json",
            unfinished[0]["renewalId"].as_str().unwrap()
        )))
        .unwrap(),
    )
    .unwrap();
    assert_eq!(record["bank"], "b");

    // A renewal of A meanwhile: A's housekeeping leaves B's pending key alone.
    let a_fp = of_a["fingerprint"].as_str().unwrap().to_owned();
    let issued = banks
        .start_renewal(&a_fp, Default::default(), pin.clone(), common::recorder().0)
        .await
        .unwrap();
    banks
        .install_renewal(&issued.renewal_id, common::recorder().0)
        .await
        .unwrap();
    assert_eq!(a.server.issued_count(), 1);
    assert_eq!(b.server.issued_count(), 0);

    // B's bank issues now: carried on with the same request, into B's token.
    b.server.set_behaviour(Behaviour::Normal);
    let record_path = journal.join(format!(
        "{}.json",
        unfinished[0]["renewalId"].as_str().unwrap()
    ));
    let mut due: Value = serde_json::from_slice(&std::fs::read(&record_path).unwrap()).unwrap();
    due["nextPollAt"] = json!(0);
    std::fs::write(&record_path, serde_json::to_vec(&due).unwrap()).unwrap();
    let issued = banks
        .start_renewal(&b_fp, Default::default(), pin.clone(), common::recorder().0)
        .await
        .expect("B's pending renewal carried on");
    banks
        .install_renewal(&issued.renewal_id, common::recorder().0)
        .await
        .unwrap();
    let listing = serde_json::to_value(banks.list()).unwrap();
    assert!(listing["unfinished"].as_array().unwrap().is_empty());
    let new_b = identity_of(&listing, Some("b"));
    assert_ne!(new_b["fingerprint"], b_fp.as_str());
    assert_eq!(new_b["storeLabel"], "B Bank USB");
    let new_a = identity_of(&listing, Some("a"));
    assert_ne!(new_a["fingerprint"], a_fp.as_str());
    assert_eq!(identity_of(&listing, None)["fingerprint"], stranger_fp);
    // B's token holds exactly its new identity.
    let b_now = hsm
        .module()
        .open_token(&TokenSelector::by_label("B Bank USB"))
        .unwrap()
        .list_identities()
        .identities;
    assert_eq!(b_now.len(), 1);
}
