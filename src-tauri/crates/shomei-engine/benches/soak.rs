//! Soak figures for the renewal engine (a benchmark, not a test: it prints, it never
//! fails on time).
//!
//!   cargo bench -p shomei-engine --bench soak
//!   SHOMEI_SOAK_RENEWALS=3 cargo bench -p shomei-engine --bench soak   # smoke run
//!
//! N renewals (default 200) back to back of one identity on a real SoftHSM2 token,
//! against the EST test CA over real TLS (client authentication signed on the token),
//! each one `Engine::list` → `start_renewal` → `install_renewal`, as the app does,
//! with the journal on disk (in the temporary directory), so every step is written
//! and fsynced as in the app.
//! The test CA issues 13-day certificates, so every renewed certificate is again
//! inside the renewal window and outlives the one it replaces (the engine refuses a
//! renewal that shortens it; the test CA gives each certificate a later notAfter
//! than the last); the profile removes the replaced identity
//! (`replaced = "remove"`), so the token should end as it began: one identity, one key.
//!
//! Prints failures (count and the first messages; a failed renewal does not stop the
//! run), the median, p95 and max time per renewal, with and without key generation
//! (timed from the GenerateKey started/finished progress events), the process's memory
//! (VmRSS, VmHWM from /proc/self/status) at the start and end, and what the token
//! holds at the end, counted with raw PKCS#11 calls. Exits 1 when a renewal failed, the
//! token did not end with exactly one identity and one private key (and no other object
//! left behind), or the journal still holds a record.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cryptoki::object::{Attribute, ObjectClass};
use cryptoki::session::UserType;
use cryptoki::types::AuthPin;
use secrecy::SecretString;
use shomei_engine::demo::{self, DEMO_PIN, DEMO_TOKEN_LABEL};
use shomei_engine::model::{IdentityView, RenewalStep, StepPhase};
use shomei_engine::profile::Replaced;
use shomei_engine::{BankProfile, Engine, Journal, ProgressSink};
use shomei_store::softhsm::{self, SoftHsm};
use shomei_store::{KeySpec, Token};
use shomei_testca::{EstServer, ServerOptions, TestCa};

const DEFAULT_RENEWALS: usize = 200;
/// Days the test CA's certificates are valid: inside the 30-day window, so the
/// renewed certificate can be renewed again at once, and longer than the first
/// identity's 12 days.
const VALIDITY_DAYS: u32 = 13;
const SO_PIN: &str = "soak-so-0000";
/// How many failure messages are printed in full.
const SHOWN_FAILURES: usize = 5;

fn renewals_wanted() -> usize {
    match std::env::var("SHOMEI_SOAK_RENEWALS") {
        Err(_) => DEFAULT_RENEWALS,
        Ok(v) => match v.trim().parse::<usize>() {
            Ok(n) if n > 0 => n,
            _ => {
                eprintln!("SHOMEI_SOAK_RENEWALS must be a positive number, not {v:?}");
                std::process::exit(2);
            }
        },
    }
}

/// VmRSS and VmHWM (peak RSS) in KiB, from /proc/self/status (Linux only).
#[derive(Debug, Clone, Copy)]
struct Memory {
    rss_kib: u64,
    hwm_kib: u64,
}

fn memory() -> Option<Memory> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
    };
    Some(Memory {
        rss_kib: field("VmRSS:")?,
        hwm_kib: field("VmHWM:")?,
    })
}

fn mib(kib: Option<u64>) -> String {
    kib.map_or_else(
        || "n/a".to_owned(),
        |k| format!("{:.1} MiB", k as f64 / 1024.0),
    )
}

/// Nearest-rank percentile of sorted samples.
fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

/// One renewal's figures.
struct Sample {
    total: Duration,
    keygen: Duration,
}

/// What the token holds, counted with raw PKCS#11 calls (not the store code under test).
struct Objects {
    private_keys: usize,
    public_keys: usize,
    certificates: usize,
    all: usize,
}

fn count_objects(hsm: &SoftHsm) -> Objects {
    let ctx = hsm.module().context();
    let slot = ctx
        .get_slots_with_initialized_token()
        .expect("slots")
        .into_iter()
        .find(|s| {
            ctx.get_token_info(*s)
                .is_ok_and(|t| t.label().trim_end() == DEMO_TOKEN_LABEL)
        })
        .expect("soak token present");
    let session = ctx.open_ro_session(slot).expect("session");
    let logged_in = match session.login(UserType::User, Some(&AuthPin::new(DEMO_PIN.into()))) {
        Ok(()) => true,
        Err(cryptoki::error::Error::Pkcs11(cryptoki::error::RvError::UserAlreadyLoggedIn, _)) => {
            false
        }
        Err(e) => panic!("login to count objects: {e}"),
    };
    let count = |template: &[Attribute]| session.find_objects(template).expect("find").len();
    let objects = Objects {
        private_keys: count(&[Attribute::Class(ObjectClass::PRIVATE_KEY)]),
        public_keys: count(&[Attribute::Class(ObjectClass::PUBLIC_KEY)]),
        certificates: count(&[Attribute::Class(ObjectClass::CERTIFICATE)]),
        all: count(&[]),
    };
    if logged_in {
        // The engine checks the PIN state itself; leave the token as it was.
        let _ = session.logout();
    }
    objects
}

/// The bench's own demo-like setup: the demo's token, CA and identity, but a test CA
/// that issues short-lived certificates (demo::start always uses the defaults).
async fn set_up(dir: &Path, hsm: &SoftHsm) -> (EstServer, Engine) {
    let ca = Arc::new(TestCa::generate("Shomei Soak Bank CA").expect("CA"));
    std::fs::write(dir.join("ca.pem"), ca.cert_pem()).expect("write CA");
    let server = EstServer::start(
        ca.clone(),
        ServerOptions {
            validity_days: VALIDITY_DAYS,
            ..ServerOptions::default()
        },
    )
    .await
    .expect("test CA starts");

    let pin = SecretString::from(DEMO_PIN.to_owned());
    let token = hsm
        .init_token(
            DEMO_TOKEN_LABEL,
            &SecretString::from(SO_PIN.to_owned()),
            &pin,
        )
        .expect("token");
    token.login(&pin).expect("login");
    demo::create_identity(&token, &ca, KeySpec::Rsa2048).expect("first identity");
    token.logout().expect("logout");
    drop(token);

    // The demo profile, saying explicitly that a renewal removes what it replaced.
    let text = demo::profile_text(&server.base_url(), hsm.module().path(), None).replacen(
        "\n[est]",
        "\nreplaced = \"remove\"\n\n[est]",
        1,
    );
    let profile_path = dir.join("bank.toml");
    std::fs::write(&profile_path, text).expect("write profile");
    let (profile, roots) = BankProfile::load(&profile_path).expect("profile loads");
    assert_eq!(profile.replaced, Replaced::Remove, "profile must remove");

    // The journal on disk, as the app has it: every step is written and fsynced.
    let journal = Journal::open(&dir.join("journal")).expect("journal");
    let engine = Engine::new(profile, roots).with_journal(journal);
    (server, engine)
}

/// The identity to renew: the one that expires last (there should be only one).
fn current(identities: &[IdentityView]) -> Option<&IdentityView> {
    identities.iter().max_by_key(|i| i.days_left)
}

fn main() {
    let mem_start = memory();
    let wanted = renewals_wanted();

    if !softhsm::module_path().exists() {
        println!(
            "SoftHSM2 not installed ({}): the soak was NOT run",
            softhsm::module_path().display()
        );
        std::process::exit(1);
    }
    let dir = tempfile::tempdir().expect("temp dir");
    // SOFTHSM2_CONF is set here, while the process has one thread.
    demo::prepare_token_directory(dir.path()).expect("SoftHSM directory");
    let hsm = SoftHsm::create(&dir.path().join("softhsm")).expect("SoftHSM");

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let code = runtime.block_on(soak(dir.path(), hsm, wanted, mem_start));
    drop(runtime);
    std::process::exit(code);
}

async fn soak(dir: &Path, hsm: &SoftHsm, wanted: usize, mem_start: Option<Memory>) -> i32 {
    let (server, engine) = set_up(dir, hsm).await;
    let before = count_objects(hsm);
    let mem_ready = memory();

    // Progress events with the time they arrived.
    let events: Arc<Mutex<Vec<(RenewalStep, StepPhase, Instant)>>> = Arc::default();
    let sink_events = events.clone();
    let sink: ProgressSink = Arc::new(move |e| {
        let at = Instant::now();
        sink_events.lock().unwrap().push((e.step, e.phase, at));
    });

    let mut samples: Vec<Sample> = Vec::with_capacity(wanted);
    let mut list_times: Vec<Duration> = Vec::with_capacity(wanted);
    let mut failures: Vec<String> = Vec::new();
    // A listing that is not exactly one identity (counted apart from failed renewals).
    let mut list_anomalies: Vec<String> = Vec::new();
    let mut archive_failures = 0usize;
    let mut rss_after: Vec<Option<u64>> = Vec::with_capacity(wanted);
    let soak_start = Instant::now();

    for n in 1..=wanted {
        let listed = Instant::now();
        let listing = engine.list();
        list_times.push(listed.elapsed());
        if !listing.errors.is_empty()
            || listing.identities.len() != 1
            || !listing.unfinished.is_empty()
        {
            list_anomalies.push(format!(
                "#{n} list: {} identities, {} unfinished renewals, errors {:?}",
                listing.identities.len(),
                listing.unfinished.len(),
                listing.errors
            ));
        }
        let Some(old) = current(&listing.identities) else {
            failures.push(format!("#{n}: no identity left to renew; stopping"));
            break;
        };
        let fingerprint = old.fingerprint.clone();

        events.lock().unwrap().clear();
        let pin = SecretString::from(DEMO_PIN.to_owned());
        let started = Instant::now();
        let result = match engine
            .start_renewal(&fingerprint, pin, false, sink.clone())
            .await
        {
            Ok(issued) => engine
                .install_renewal(&issued.renewal_id, sink.clone())
                .await
                .map_err(|e| ("install", e)),
            Err(e) => Err(("start", e)),
        };
        let total = started.elapsed();

        let events = std::mem::take(&mut *events.lock().unwrap());
        let at = |step, phase| {
            events
                .iter()
                .find(|(s, p, _)| *s == step && *p == phase)
                .map(|(_, _, t)| *t)
        };
        if at(RenewalStep::Archive, StepPhase::Failed).is_some() {
            archive_failures += 1;
        }
        match result {
            Ok(outcome) if outcome.replaced_fingerprint == fingerprint => {
                let keygen = match (
                    at(RenewalStep::GenerateKey, StepPhase::Started),
                    at(RenewalStep::GenerateKey, StepPhase::Finished),
                ) {
                    (Some(a), Some(b)) => b.duration_since(a),
                    _ => Duration::ZERO,
                };
                samples.push(Sample { total, keygen });
            }
            Ok(outcome) => failures.push(format!(
                "#{n}: replaced {} instead of {fingerprint}",
                outcome.replaced_fingerprint
            )),
            Err((half, e)) => failures.push(format!("#{n} {half}: {:?}: {e}", e.code())),
        }
        rss_after.push(memory().map(|m| m.rss_kib));
    }
    let soak_time = soak_start.elapsed();
    let mem_end = memory();

    let final_listing = engine.list();
    let after = count_objects(hsm);
    let issued = server.issued_count();
    let (journal_left, journal_errors) = engine.journal().load();
    drop(engine);
    server.shutdown();

    // Figures.
    let mut totals: Vec<Duration> = samples.iter().map(|s| s.total).collect();
    let mut without: Vec<Duration> = samples.iter().map(|s| s.total - s.keygen).collect();
    let mut keygens: Vec<Duration> = samples.iter().map(|s| s.keygen).collect();
    totals.sort();
    without.sort();
    keygens.sort();
    list_times.sort();

    println!();
    println!(
        "soak: {wanted} renewals on SoftHSM2 (RSA 2048) against the EST test CA over TLS, \
         certificates valid {VALIDITY_DAYS} days, replaced = remove"
    );
    println!("  {:<36} {}", "renewals attempted", rss_after.len());
    println!("  {:<36} {}", "renewals succeeded", samples.len());
    println!("  {:<36} {}", "failures", failures.len());
    println!(
        "  {:<36} {archive_failures}",
        "archive failures (non-fatal)"
    );
    println!(
        "  {:<36} {}",
        "listings not exactly one identity",
        list_anomalies.len()
    );
    println!("  {:<36} {issued}", "certificates issued by the test CA");
    println!("  {:<36} {:.1} s", "wall time", soak_time.as_secs_f64());
    if !totals.is_empty() {
        println!(
            "  {:<36} median {}, p95 {}, max {}",
            "per renewal (total)",
            ms(percentile(&totals, 50.0)),
            ms(percentile(&totals, 95.0)),
            ms(*totals.last().unwrap())
        );
        println!(
            "  {:<36} median {}, p95 {}, max {}",
            "per renewal without key generation",
            ms(percentile(&without, 50.0)),
            ms(percentile(&without, 95.0)),
            ms(*without.last().unwrap())
        );
        println!(
            "  {:<36} median {}, p95 {}, max {}",
            "key generation (RSA 2048 on token)",
            ms(percentile(&keygens, 50.0)),
            ms(percentile(&keygens, 95.0)),
            ms(*keygens.last().unwrap())
        );
    }
    if !list_times.is_empty() {
        println!(
            "  {:<36} median {}, max {}",
            "Engine::list before each renewal",
            ms(percentile(&list_times, 50.0)),
            ms(*list_times.last().unwrap())
        );
    }
    // SoftHSM slowing down as objects come and go shows as a drift between the
    // first and the last tenth of the run.
    if samples.len() >= 20 {
        let tenth = samples.len() / 10;
        let median_of = |part: &[Sample]| {
            let mut v: Vec<Duration> = part.iter().map(|s| s.total - s.keygen).collect();
            v.sort();
            percentile(&v, 50.0)
        };
        println!(
            "  {:<36} first {tenth}: {}, last {tenth}: {}",
            "drift (median without key gen.)",
            ms(median_of(&samples[..tenth])),
            ms(median_of(&samples[samples.len() - tenth..]))
        );
    }
    println!(
        "  {:<36} start {}, before 1st renewal {}, after 1st {}, after #{} {}, end {}",
        "memory VmRSS",
        mib(mem_start.map(|m| m.rss_kib)),
        mib(mem_ready.map(|m| m.rss_kib)),
        mib(rss_after.first().copied().flatten()),
        rss_after.len().div_ceil(2),
        mib(rss_after
            .get(rss_after.len().div_ceil(2).saturating_sub(1))
            .copied()
            .flatten()),
        mib(mem_end.map(|m| m.rss_kib)),
    );
    println!(
        "  {:<36} {}",
        "memory VmHWM (peak RSS) at the end",
        mib(mem_end.map(|m| m.hwm_kib))
    );
    println!(
        "  {:<36} identities {}, private keys {} (start {}), public keys {} (start {}), \
         certificates {} (start {}), all objects {} (start {})",
        "token at the end",
        final_listing.identities.len(),
        after.private_keys,
        before.private_keys,
        after.public_keys,
        before.public_keys,
        after.certificates,
        before.certificates,
        after.all,
        before.all,
    );
    println!(
        "  {:<36} {} records, {} unreadable",
        "journal left at the end",
        journal_left.len(),
        journal_errors.len()
    );
    let leak_free = journal_left.is_empty()
        && journal_errors.is_empty()
        && final_listing.identities.len() == 1
        && after.private_keys == 1
        && after.certificates == 1
        && after.all == before.all;
    println!(
        "  {:<36} {}",
        "token check",
        if leak_free {
            "OK: exactly one identity and one private key, no objects or journal records left behind"
        } else {
            "FAILED: the token (or the journal) did not end as it began"
        }
    );
    for (what, list) in [("failure", &failures), ("listing", &list_anomalies)] {
        for f in list.iter().take(SHOWN_FAILURES) {
            println!("  {what} {f}");
        }
        if list.len() > SHOWN_FAILURES {
            println!("  … and {} more", list.len() - SHOWN_FAILURES);
        }
    }
    i32::from(!(failures.is_empty() && list_anomalies.is_empty() && leak_free))
}
