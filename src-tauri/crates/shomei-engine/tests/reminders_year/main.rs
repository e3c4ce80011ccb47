//! The reminder scheduler over a simulated year and a bit (issue 12, item 6):
//! the engine's clock (`ManualClock`), several banks and identities, the PC asleep
//! for weeks, the clock moved back and forth, restarts (the state reloaded from
//! disk), a renewal in the middle, a USB token away for days, failures that come,
//! go and come back. The listing is what `Banks::list` returns, built here so the
//! year can be walked in a second; `reminders_banks.rs` drives real stores.
//! Asserts exactly which notices fire and when.

mod world;

use shomei_engine::reminders::{Check, Notice, Points, Scheduler, CHECK_EVERY};
use shomei_engine::settings::Settings;
use shomei_engine::words::Locale;
use shomei_engine::{Clock, ManualClock};
use time::macros::datetime;

use world::{at, when, World, A1, A1_NEW};

enum Action {
    /// The PC sleeps (or is off) until then; it restarts on waking.
    SleepUntil(i64),
    /// The clock is set to this time (back or forth).
    JumpTo(i64),
    Change(fn(&mut World)),
}

/// A notice as a line of the expected table.
fn line(n: &Notice) -> String {
    let name = |fp: &str| match fp {
        A1 => "A1",
        A1_NEW => "A1'",
        "a2a2" => "A2",
        "B1B1" => "B1",
        _ => "?",
    };
    match n {
        Notice::Due {
            fingerprint,
            point,
            days_left,
            ..
        } => format!("due {} at {point} ({days_left} left)", name(fingerprint)),
        Notice::Expired { fingerprint, .. } => format!("expired {}", name(fingerprint)),
        Notice::RenewalStuck { renewal_id, .. } => format!("stuck {renewal_id}"),
        Notice::RenewalFailed {
            renewal_id, stage, ..
        } => format!("failed {renewal_id} {stage:?}"),
        Notice::PinLocked { .. } => "pin locked".into(),
        Notice::ProfileBroken { id, .. } => format!("profile broken {id}"),
    }
}

#[test]
fn a_simulated_year_fires_exactly_these_notices() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::at(at(datetime!(2026-01-01 00:00)));
    let end = at(datetime!(2027-03-20 00:00));
    let points = Points::new(&Settings::default()).with_bank("bank-b", &[40, 14, 7, 0]);
    let mut events: std::collections::VecDeque<(i64, Action)> = [
        (
            at(datetime!(2026-02-10 18:00)),
            Action::SleepUntil(at(datetime!(2026-03-06 08:30))),
        ),
        (
            at(datetime!(2026-03-10 12:00)),
            Action::Change(|w| w.a1_renewed = true),
        ),
        (
            at(datetime!(2026-04-01 09:00)),
            Action::Change(|w| w.profile_c_broken = true),
        ),
        (
            at(datetime!(2026-04-03 09:00)),
            Action::Change(|w| w.profile_c_broken = false),
        ),
        (
            at(datetime!(2026-04-20 09:00)),
            Action::Change(|w| w.profile_c_broken = true),
        ),
        (
            at(datetime!(2026-04-21 09:00)),
            Action::Change(|w| w.profile_c_broken = false),
        ),
        (
            at(datetime!(2026-06-29 10:00)),
            Action::JumpTo(at(datetime!(2026-06-10 10:00))),
        ),
        (
            at(datetime!(2026-06-12 10:00)),
            Action::JumpTo(at(datetime!(2026-07-03 09:00))),
        ),
        (
            at(datetime!(2026-08-15 09:00)),
            Action::Change(|w| w.stuck = true),
        ),
        (
            at(datetime!(2026-08-25 09:00)),
            Action::Change(|w| w.stuck = false),
        ),
        (
            at(datetime!(2026-09-01 10:05)),
            Action::Change(|w| w.interrupted = true),
        ),
        (
            at(datetime!(2026-09-02 09:00)),
            Action::Change(|w| w.interrupted = false),
        ),
        (
            at(datetime!(2026-09-10 09:00)),
            Action::Change(|w| w.token_plugged_out = true),
        ),
        (
            at(datetime!(2026-09-15 09:00)),
            Action::Change(|w| w.token_plugged_out = false),
        ),
        (
            at(datetime!(2026-10-01 09:00)),
            Action::Change(|w| w.pin_locked = true),
        ),
        (
            at(datetime!(2026-10-05 09:00)),
            Action::Change(|w| w.pin_locked = false),
        ),
        (
            at(datetime!(2026-12-28 20:00)),
            Action::SleepUntil(at(datetime!(2027-01-05 08:00))),
        ),
    ]
    .into();

    let mut world = World::default();
    let mut scheduler = Scheduler::open(dir.path());
    let mut fired: Vec<(String, String)> = Vec::new();
    let mut checks = 0u32;
    let mut a1_forgotten_by = None;
    let check =
        |scheduler: &mut Scheduler, world: &World, fired: &mut Vec<(String, String)>| -> Check {
            let now = clock.now();
            let check = scheduler.due(now, &world.listing(now), &points);
            assert!(
                now < check.next_check_at && check.next_check_at <= now + CHECK_EVERY,
                "{}: next check at {}",
                when(now),
                when(check.next_check_at)
            );
            for notice in &check.notices {
                fired.push((when(now), line(notice)));
                // Every notice has words in both languages, placeholders filled.
                for lang in Locale::ALL {
                    let (title, body) = (notice.title(lang), notice.body(lang));
                    assert!(!title.is_empty() && !body.contains('{'), "{title} {body}");
                }
            }
            check
        };
    let mut next = check(&mut scheduler, &world, &mut fired).next_check_at;
    while clock.now() < end {
        checks += 1;
        // A restart every fifth check: the state comes back from disk.
        if checks.is_multiple_of(5) {
            scheduler = Scheduler::open(dir.path());
        }
        match events.front() {
            Some((t, _)) if *t <= next => {
                let (t, action) = events.pop_front().unwrap();
                assert!(t >= clock.now(), "events in order");
                clock.set(t);
                match action {
                    Action::SleepUntil(u) => {
                        clock.set(u);
                        scheduler = Scheduler::open(dir.path());
                    }
                    Action::JumpTo(u) => clock.set(u),
                    Action::Change(change) => change(&mut world),
                }
            }
            _ => clock.set(next),
        }
        next = check(&mut scheduler, &world, &mut fired).next_check_at;
        let state = Scheduler::open(dir.path());
        if a1_forgotten_by.is_none()
            && world.a1_renewed
            && !state.state().identities.contains_key(A1)
        {
            a1_forgotten_by = Some(when(clock.now()));
        }
    }
    assert!(events.is_empty());

    let expected: Vec<(&str, &str)> = vec![
        // Asleep over A1's 30-day point and its 10-day point: only the 10-day one, on waking.
        ("2026-03-06 08:30:00", "due A1 at 10 (9 left)"),
        // A bank profile broken, mended, broken again.
        ("2026-04-01 09:00:00", "profile broken bank-c"),
        ("2026-04-20 09:00:00", "profile broken bank-c"),
        ("2026-05-31 00:00:00", "due A2 at 30 (30 left)"),
        ("2026-06-20 00:00:00", "due A2 at 10 (10 left)"),
        ("2026-06-27 00:00:00", "due A2 at 3 (3 left)"),
        ("2026-06-29 00:00:00", "due A2 at 1 (1 left)"),
        // Back to 6/10 for two days: nothing again. Then forward past the expiry
        // day: only the latest point, expired.
        ("2026-07-03 09:00:00", "expired A2"),
        ("2026-08-11 00:00:00", "due B1 at 40 (40 left)"),
        ("2026-08-15 09:00:00", "stuck r-b1"),
        // Announced once the renewal is 15 minutes old (it may have been running).
        ("2026-09-01 10:15:00", "failed r-b1b Interrupted"),
        ("2026-09-06 00:00:00", "due B1 at 14 (14 left)"),
        // The token was away over its 7-day point: caught up when it is back, and
        // its 14-day point is not repeated.
        ("2026-09-15 09:00:00", "due B1 at 7 (5 left)"),
        ("2026-09-20 00:00:00", "due B1 at 0 (0 left)"),
        ("2026-09-20 12:00:01", "expired B1"),
        ("2026-10-01 09:00:00", "pin locked"),
        // The renewed A1: its own points, a year later.
        ("2027-02-13 00:00:00", "due A1' at 30 (30 left)"),
        ("2027-03-05 00:00:00", "due A1' at 10 (10 left)"),
        ("2027-03-12 00:00:00", "due A1' at 3 (3 left)"),
        ("2027-03-14 00:00:00", "due A1' at 1 (1 left)"),
        ("2027-03-15 00:00:00", "due A1' at 0 (0 left)"),
        ("2027-03-16 00:00:00", "expired A1'"),
    ];
    let fired: Vec<(&str, &str)> = fired
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    assert_eq!(fired, expected);
    // The renewed-away A1 was forgotten 14 days after it left the store.
    assert_eq!(a1_forgotten_by.as_deref(), Some("2026-03-24 12:00:00"));
    assert!(checks > 3000, "{checks} checks");
}
