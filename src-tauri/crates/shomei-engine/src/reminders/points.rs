//! The reminder points: which apply to a bank, which one an identity has reached
//! at a moment, and when the next one comes. Pure functions of (points, notAfter,
//! now), in Japan time through the rules module's day counting.

use std::cmp::Ordering;
use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use time::Duration;

use crate::model::Settings;
use crate::profile::DEFAULT_REMINDER_DAYS;
use crate::rules::{days_left, jst_date, JST};
use crate::Banks;

/// A moment in a certificate's reminder life. Ordered by when it comes: 30 days
/// before the expiry date < 10 days < … < the expiry day (`Days(0)`) < `Expired`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Point {
    /// From 00:00 JST this many days before the expiry date.
    Days(u32),
    /// Past notAfter.
    Expired,
}

impl Point {
    fn rank(self) -> i64 {
        match self {
            Point::Days(d) => -i64::from(d),
            Point::Expired => 1,
        }
    }
}

impl Ord for Point {
    fn cmp(&self, other: &Self) -> Ordering {
        self.rank().cmp(&other.rank())
    }
}

impl PartialOrd for Point {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The latest point reached at `now`: `Expired` once past notAfter, else the
/// smallest point `p` with `p >= days left` (none before the first point).
pub fn reached(points: &[u32], not_after: i64, now: i64) -> Option<Point> {
    if now > not_after {
        return Some(Point::Expired);
    }
    let left = i64::from(days_left(not_after, now));
    points
        .iter()
        .copied()
        .filter(|&p| i64::from(p) >= left)
        .min()
        .map(Point::Days)
}

/// When `point` comes for a certificate with this notAfter (Unix seconds).
pub fn comes_at(point: Point, not_after: i64) -> i64 {
    match point {
        Point::Expired => not_after.saturating_add(1),
        Point::Days(p) => jst_date(not_after)
            .saturating_sub(Duration::days(i64::from(p)))
            .midnight()
            .assume_offset(JST)
            .unix_timestamp(),
    }
}

/// The first moment after `now` when a point of `points` (or expiry) comes.
pub fn next_after(points: &[u32], not_after: i64, now: i64) -> Option<i64> {
    points
        .iter()
        .map(|&p| Point::Days(p))
        .chain([Point::Expired])
        .map(|p| comes_at(p, not_after))
        .filter(|&t| t > now)
        .min()
}

/// Which reminder points apply to which bank: the user's own days
/// (`Settings.reminder_days`) when set, else each bank profile's
/// `renewal.reminder_days`, else the default [30, 10, 3, 1, 0].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Points {
    user: Option<Vec<u32>>,
    banks: HashMap<String, Vec<u32>>,
}

impl Points {
    /// The user's override from `settings`, no bank's points yet.
    pub fn new(settings: &Settings) -> Points {
        Points {
            user: settings.reminder_days.clone(),
            banks: HashMap::new(),
        }
    }

    /// The points of the bank whose profile id is `bank_id`.
    pub fn with_bank(mut self, bank_id: &str, days: &[u32]) -> Points {
        self.banks.insert(bank_id.to_owned(), days.to_vec());
        self
    }

    /// The user's override and every loaded bank's profile points.
    pub fn of(settings: &Settings, banks: &Banks) -> Points {
        banks
            .engines()
            .iter()
            .fold(Points::new(settings), |points, engine| {
                points.with_bank(&engine.bank().id, &engine.profile().renewal.reminder_days)
            })
    }

    /// The points for an identity of the bank `bank_id`.
    pub fn for_bank(&self, bank_id: &str) -> &[u32] {
        self.user
            .as_deref()
            .or_else(|| self.banks.get(bank_id).map(Vec::as_slice))
            .unwrap_or(&DEFAULT_REMINDER_DAYS)
    }
}
