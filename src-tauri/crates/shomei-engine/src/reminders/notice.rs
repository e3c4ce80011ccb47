//! What the tray shows: one notice per reminder point reached or failure found,
//! with its words in both languages (`notify.*` in `ui/locales/*.json`).

use crate::model::{BankRef, ExpiredGuidance, ProfileState, UnfinishedStage};
use crate::rules::jst_date;
use crate::words::{self, Locale};

use super::points::Point;

/// A notice to show now. Clicking one opens the renewal of [`Notice::fingerprint`]
/// when it has one, else the certificate list. Serializes as `{"kind": "due", …}`
/// (camelCase) for the OS log or the window; not a UI model type (no bindings).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Notice {
    /// A reminder point was reached before expiry: 「電子証明書の更新をお願いします」.
    Due {
        fingerprint: String,
        bank: BankRef,
        /// The subject's common name (発行先).
        subject: String,
        not_after: i64,
        /// Calendar days in Japan time to the expiry date, at the check.
        days_left: i32,
        /// The point that fired (days before the expiry date); the latest reached.
        point: u32,
    },
    /// The certificate is past its notAfter.
    Expired {
        fingerprint: String,
        bank: BankRef,
        subject: String,
        not_after: i64,
        /// 再取得 until a date, or 再発行 at the bank (from the list).
        guidance: Option<ExpiredGuidance>,
    },
    /// A request waits at the bank longer than the profile's `pending_limit_days`.
    RenewalStuck {
        renewal_id: String,
        fingerprint: String,
        label: String,
        bank: Option<BankRef>,
    },
    /// A renewal stopped where only the user can carry it on (or discard it):
    /// interrupted, issued but not installed, stopped while installing, or the
    /// replaced certificate could not be removed.
    RenewalFailed {
        renewal_id: String,
        fingerprint: String,
        label: String,
        bank: Option<BankRef>,
        stage: UnfinishedStage,
    },
    /// A USB token whose PIN is locked (`detail`: which, when the store says).
    PinLocked { detail: Option<String> },
    /// A bank profile that no longer loads: its bank's certificates are not served.
    ProfileBroken {
        id: String,
        name: Option<String>,
        path: String,
        state: ProfileState,
    },
}

impl Notice {
    /// The identity whose renewal a click opens.
    pub fn fingerprint(&self) -> Option<&str> {
        match self {
            Notice::Due { fingerprint, .. }
            | Notice::Expired { fingerprint, .. }
            | Notice::RenewalStuck { fingerprint, .. }
            | Notice::RenewalFailed { fingerprint, .. } => Some(fingerprint),
            Notice::PinLocked { .. } | Notice::ProfileBroken { .. } => None,
        }
    }

    /// The reminder point of a `Due` or `Expired` notice.
    pub fn point(&self) -> Option<Point> {
        match self {
            Notice::Due { point, .. } => Some(Point::Days(*point)),
            Notice::Expired { .. } => Some(Point::Expired),
            _ => None,
        }
    }

    /// A failure rather than a reminder (the OS log's level, the tray's state).
    pub fn is_failure(&self) -> bool {
        self.point().is_none()
    }

    /// The notification's title.
    pub fn title(&self, lang: Locale) -> String {
        match self {
            Notice::Due { .. } => words::text(lang, "notify.dueTitle", &[]),
            Notice::Expired { .. } => words::text(lang, "notify.expiredTitle", &[]),
            Notice::RenewalStuck { .. } => words::text(lang, "notify.stuckTitle", &[]),
            Notice::RenewalFailed { .. } => words::text(lang, "notify.failedTitle", &[]),
            Notice::PinLocked { .. } => words::text(lang, "notify.pinLockedTitle", &[]),
            Notice::ProfileBroken { .. } => words::text(lang, "notify.profileBrokenTitle", &[]),
        }
    }

    /// The notification's body.
    pub fn body(&self, lang: Locale) -> String {
        match self {
            Notice::Due {
                bank,
                subject,
                not_after,
                days_left,
                ..
            } => {
                let date = day(lang, *not_after);
                if *days_left <= 0 {
                    words::text(
                        lang,
                        "notify.dueTodayBody",
                        &[("name", subject), ("bank", &bank.name), ("date", &date)],
                    )
                } else {
                    let n = days_left.to_string();
                    words::text(
                        lang,
                        "notify.dueBody",
                        &[
                            ("name", subject),
                            ("bank", &bank.name),
                            ("date", &date),
                            ("n", &n),
                        ],
                    )
                }
            }
            Notice::Expired {
                bank,
                subject,
                not_after,
                guidance,
                ..
            } => {
                let date = day(lang, *not_after);
                match guidance {
                    Some(ExpiredGuidance::Reacquire { until, .. }) => {
                        let until = crate::views::unix(&format!("{until}T00:00:00+09:00"))
                            .map_or_else(|| until.clone(), |t| day(lang, t));
                        words::text(
                            lang,
                            "notify.expiredReacquireBody",
                            &[
                                ("name", subject),
                                ("bank", &bank.name),
                                ("date", &date),
                                ("until", &until),
                            ],
                        )
                    }
                    _ => words::text(
                        lang,
                        "notify.expiredReissueBody",
                        &[("name", subject), ("bank", &bank.name), ("date", &date)],
                    ),
                }
            }
            Notice::RenewalStuck { label, .. } => {
                words::text(lang, "notify.stuckBody", &[("name", label)])
            }
            Notice::RenewalFailed { label, .. } => {
                words::text(lang, "notify.failedBody", &[("name", label)])
            }
            Notice::PinLocked { .. } => words::text(lang, "notify.pinLockedBody", &[]),
            Notice::ProfileBroken { id, name, path, .. } => words::text(
                lang,
                "notify.profileBrokenBody",
                &[("name", name.as_deref().unwrap_or(id)), ("path", path)],
            ),
        }
    }
}

/// A calendar day in Japan time: 2026年12月6日, or 2026-12-06.
fn day(lang: Locale, unix: i64) -> String {
    let date = jst_date(unix);
    let (y, m, d) = (date.year(), u8::from(date.month()), date.day());
    match lang {
        Locale::Ja => format!("{y}年{m}月{d}日"),
        Locale::En => format!("{y:04}-{m:02}-{d:02}"),
    }
}
