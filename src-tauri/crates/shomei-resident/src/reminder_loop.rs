//! The reminder loop: a thread of its own that asks the core's scheduler
//! (`shomei_engine::reminders`) what to show, at start, at its `next_check_at`
//! (at most `CHECK_EVERY` = 3 h away), and again after the system wakes from
//! sleep or the clock is changed. Both are seen without an OS wake API: every
//! `TICK` the wall clock's progress is compared with the monotonic clock's,
//! which stands still while the system sleeps (CLOCK_MONOTONIC on Linux) and is
//! never set.
//!
//! Owns: when to check. Must never: hold up the window (it waits `FIRST_CHECK`
//! before its first look, so the window's own listing goes first).

use std::path::PathBuf;
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use shomei_engine::model::Settings;
use shomei_engine::reminders::{Scheduler, CHECK_EVERY};
use shomei_engine::settings;
use shomei_engine::words::{self, Locale};
use shomei_engine::Banks;

use crate::notify::{self, OnClick};

/// What a check looks at: the banks in use and the settings, fresh each time (the
/// window may have added a profile or changed the reminder days meanwhile).
pub type Current = Box<dyn Fn() -> (Arc<Banks>, Settings) + Send>;

/// How often the clocks are compared.
const TICK: Duration = Duration::from_secs(60);
/// Wall and monotonic progress differing by more than this over one tick means
/// the system slept or the clock was set.
const JUMP_SLACK: i64 = 30;
/// The first check waits this long after start.
const FIRST_CHECK: Duration = Duration::from_secs(3);

/// Starts the loop; the scheduler's memory is `data_dir/reminders.json` (the
/// directory that holds `journal/`, never `journal/` itself).
/// `checked` is called after each check (the tray refreshes its state from it).
/// What the returned sender sends makes the loop check at once (the window closed:
/// a renewal may have happened); `None` when the thread could not start.
pub fn start(
    data_dir: PathBuf,
    current: Current,
    on_click: OnClick,
    checked: Box<dyn Fn() + Send>,
) -> Option<Sender<()>> {
    let (asked, asks) = channel();
    let spawned = std::thread::Builder::new()
        .name("reminders".into())
        .spawn(move || {
            std::thread::sleep(FIRST_CHECK);
            let mut scheduler = Scheduler::open(&data_dir);
            loop {
                let next = check(&current, &on_click, &mut scheduler);
                checked();
                let why = wait(next, &asks);
                tracing::info!(?why, "checking the reminders again");
            }
        });
    match spawned {
        Ok(_) => Some(asked),
        Err(e) => {
            tracing::error!(error = %e, "cannot start the reminder loop: no reminders in this session");
            None
        }
    }
}

/// One check: shows what is due; returns when to look again (Unix seconds).
fn check(current: &Current, on_click: &OnClick, scheduler: &mut Scheduler) -> i64 {
    let (banks, settings) = current();
    let lang = Locale::from_tag(settings::locale(&settings, Some(words::os_locale().tag())));
    let check = scheduler.check(&banks, &settings);
    tracing::info!(
        notices = check.notices.len(),
        next_check_at = check.next_check_at,
        "reminders checked"
    );
    for notice in &check.notices {
        notify::show(notice, lang, on_click);
    }
    check.next_check_at
}

/// Why the loop looks again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wake {
    /// The time the scheduler asked for (or `CHECK_EVERY`) has come.
    Due,
    /// The system slept, or the clock was set forward or back.
    ClockJumped,
    /// Someone asked (the window closed).
    Asked,
}

/// Sleeps in ticks until `next` (Unix seconds, wall clock), a clock jump or an ask.
fn wait(next: i64, asks: &Receiver<()>) -> Wake {
    let mut waiting = Waiting::new(next, wall_now(), Instant::now());
    loop {
        match asks.recv_timeout(TICK) {
            Ok(()) => return Wake::Asked,
            Err(RecvTimeoutError::Timeout) => {}
            // Nobody can ask any more: tick on.
            Err(RecvTimeoutError::Disconnected) => std::thread::sleep(TICK),
        }
        if let Some(why) = waiting.tick(wall_now(), Instant::now()) {
            return why;
        }
    }
}

fn wall_now() -> i64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// The waiting between two checks, over both clocks (pure, for the tests).
struct Waiting {
    next: i64,
    started: Instant,
    last_wall: i64,
    last_mono: Instant,
}

impl Waiting {
    fn new(next: i64, wall: i64, mono: Instant) -> Waiting {
        Waiting {
            // A `next` further than CHECK_EVERY (or a clock that jumps) never
            // stretches the wait past it: the monotonic cap below also holds.
            next: next.min(wall.saturating_add(CHECK_EVERY)),
            started: mono,
            last_wall: wall,
            last_mono: mono,
        }
    }

    /// After one tick: whether to check now, and why.
    fn tick(&mut self, wall: i64, mono: Instant) -> Option<Wake> {
        let wall_step = wall - self.last_wall;
        let mono_step = mono.duration_since(self.last_mono).as_secs() as i64;
        self.last_wall = wall;
        self.last_mono = mono;
        if (wall_step - mono_step).abs() > JUMP_SLACK {
            return Some(Wake::ClockJumped);
        }
        let waited = mono.duration_since(self.started).as_secs() as i64;
        (wall >= self.next || waited >= CHECK_EVERY).then_some(Wake::Due)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_800_000_000;

    #[test]
    fn waits_for_the_next_check_and_no_longer_than_three_hours() {
        let m0 = Instant::now();
        let at = |s: u64| m0 + Duration::from_secs(s);
        let mut w = Waiting::new(T0 + 150, T0, m0);
        assert_eq!(w.tick(T0 + 60, at(60)), None);
        assert_eq!(w.tick(T0 + 120, at(120)), None);
        assert_eq!(w.tick(T0 + 180, at(180)), Some(Wake::Due));

        let mut far = Waiting::new(T0 + 30 * 86_400, T0, m0);
        let mut s = 0;
        let why = loop {
            s += 60;
            if let Some(why) = far.tick(T0 + s as i64, at(s)) {
                break why;
            }
        };
        assert_eq!((why, s), (Wake::Due, CHECK_EVERY as u64));
    }

    #[test]
    fn sees_a_sleep_and_a_clock_set_either_way() {
        let m0 = Instant::now();
        let at = |s: u64| m0 + Duration::from_secs(s);
        // Asleep for 8 hours: the wall clock moved 8 h in one monotonic minute.
        let mut w = Waiting::new(T0 + 3 * 3600, T0, m0);
        assert_eq!(w.tick(T0 + 60, at(60)), None);
        assert_eq!(w.tick(T0 + 8 * 3600, at(120)), Some(Wake::ClockJumped));
        // The clock set back a day.
        let mut w = Waiting::new(T0 + 3 * 3600, T0, m0);
        assert_eq!(w.tick(T0 - 86_400 + 60, at(60)), Some(Wake::ClockJumped));
        // A late tick on a busy machine is not a jump.
        let mut w = Waiting::new(T0 + 3 * 3600, T0, m0);
        assert_eq!(w.tick(T0 + 75, at(75)), None);
    }
}
