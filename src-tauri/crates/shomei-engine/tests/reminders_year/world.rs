//! The world of the simulated year: what the stores, the journal and the
//! profiles hold at a moment, as `Banks::list` would return it.

use shomei_engine::model::{
    BankRef, CertStatus, ErrorCode, ErrorView, ExpiredGuidance, IdentityListing, IdentityView,
    NotRenewable, ProfileOrigin, ProfileState, ProfileView, StorageKind, UnfinishedRenewal,
    UnfinishedStage,
};
use shomei_engine::rules::{days_left, jst};
use time::macros::datetime;
use time::PrimitiveDateTime;

/// A Japan-time moment as Unix seconds.
pub fn at(t: PrimitiveDateTime) -> i64 {
    t.assume_offset(shomei_engine::rules::JST).unix_timestamp()
}

pub fn when(unix: i64) -> String {
    let t = jst(unix);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

pub fn bank(id: &str, name: &str) -> BankRef {
    BankRef {
        id: id.into(),
        name: name.into(),
        support: None,
        asks_password: false,
    }
}

pub struct Cert {
    name: &'static str,
    fingerprint: &'static str,
    not_after: i64,
    bank: Option<BankRef>,
    storage: StorageKind,
    superseded: bool,
}

pub fn view(c: &Cert, now: i64) -> IdentityView {
    let rfc = shomei_engine::views::rfc3339;
    IdentityView {
        fingerprint: c.fingerprint.into(),
        subject_cn: c.name.into(),
        subject: format!("CN={}", c.name),
        issuer: "CN=Test CA".into(),
        not_before: rfc(c.not_after - 397 * 86_400),
        not_after: rfc(c.not_after),
        days_left: days_left(c.not_after, now),
        status: if now > c.not_after {
            CertStatus::Expired
        } else {
            CertStatus::Valid
        },
        window_opens: None,
        storage: c.storage,
        store_label: "store".into(),
        expired: (now > c.not_after).then_some(ExpiredGuidance::Reissue { support: None }),
        not_renewable: if c.bank.is_none() {
            Some(NotRenewable::UnknownIssuer)
        } else if c.superseded {
            Some(NotRenewable::Superseded {
                by_fingerprint: "ff".into(),
                by_not_after: rfc(c.not_after + 365 * 86_400),
            })
        } else {
            None
        },
        bank: c.bank.clone(),
        renewable_into: vec![c.storage],
        role: None,
        last_failure: None,
    }
}

pub fn unfinished(
    id: &str,
    fp: &str,
    stage: UnfinishedStage,
    started: i64,
    stuck: bool,
) -> UnfinishedRenewal {
    UnfinishedRenewal {
        renewal_id: id.into(),
        fingerprint: fp.into(),
        label: "B1".into(),
        new_fingerprint: None,
        store: "token".into(),
        store_label: "token".into(),
        storage: StorageKind::UsbToken,
        stage,
        started_at: shomei_engine::views::rfc3339(started),
        next_poll_at: None,
        stuck,
        archive_error: None,
        bank: Some(bank("bank-b", "みどり銀行")),
    }
}

/// What is in the stores and the journal, changed by the simulation's events.
#[derive(Default)]
pub struct World {
    pub a1_renewed: bool,
    pub token_plugged_out: bool,
    pub profile_c_broken: bool,
    pub stuck: bool,
    pub interrupted: bool,
    pub pin_locked: bool,
}

pub const A1: &str = "a1a1";
pub const A1_NEW: &str = "a1b2";

impl World {
    pub fn certs(&self) -> Vec<Cert> {
        let a = || Some(bank("shinkin-a", "さくら信用金庫"));
        let b = || Some(bank("bank-b", "みどり銀行"));
        let cert = |name, fingerprint, not_after, bank, storage| Cert {
            name,
            fingerprint,
            not_after,
            bank,
            storage,
            superseded: false,
        };
        let mut certs = vec![
            if self.a1_renewed {
                cert(
                    "A1'",
                    A1_NEW,
                    at(datetime!(2027-03-15 23:59:59)),
                    a(),
                    StorageKind::ThisPc,
                )
            } else {
                cert(
                    "A1",
                    A1,
                    at(datetime!(2026-03-15 23:59:59)),
                    a(),
                    StorageKind::ThisPc,
                )
            },
            cert(
                "A2",
                "a2a2",
                at(datetime!(2026-06-30 23:59:59)),
                a(),
                StorageKind::ThisPc,
            ),
            // Bank B's points are its own: 40, 14, 7 and the expiry day; notAfter at noon.
            cert(
                "B2",
                "b2b2",
                at(datetime!(2027-06-30 23:59:59)),
                b(),
                StorageKind::ThisPc,
            ),
            // Nobody's certificate, and one already replaced: never reminded of.
            cert(
                "U1",
                "u1u1",
                at(datetime!(2026-05-01 23:59:59)),
                None,
                StorageKind::ThisPc,
            ),
            Cert {
                superseded: true,
                ..cert(
                    "S1",
                    "s1s1",
                    at(datetime!(2026-04-01 23:59:59)),
                    a(),
                    StorageKind::ThisPc,
                )
            },
        ];
        if !self.token_plugged_out {
            certs.push(cert(
                "B1",
                "B1B1",
                at(datetime!(2026-09-20 12:00:00)),
                b(),
                StorageKind::UsbToken,
            ));
        }
        certs
    }

    pub fn listing(&self, now: i64) -> IdentityListing {
        let mut listing = IdentityListing {
            identities: self.certs().iter().map(|c| view(c, now)).collect(),
            errors: vec![ErrorView::of(ErrorCode::TokenAbsent, None)],
            unfinished: Vec::new(),
            profiles: Vec::new(),
        };
        if self.stuck {
            let started = at(datetime!(2026-07-20 10:00));
            listing.unfinished.push(unfinished(
                "r-b1",
                "B1B1",
                UnfinishedStage::Pending,
                started,
                true,
            ));
        }
        if self.interrupted {
            let started = at(datetime!(2026-09-01 10:00));
            listing.unfinished.push(unfinished(
                "r-b1b",
                "B1B1",
                UnfinishedStage::Interrupted,
                started,
                false,
            ));
        }
        if self.pin_locked {
            listing.errors.push(ErrorView::of(
                ErrorCode::PinLocked,
                Some("みどり銀行 USB".into()),
            ));
        }
        listing.profiles.push(ProfileView {
            id: "bank-c".into(),
            name: Some("あおば銀行".into()),
            path: "/etc/shomei/banks.d/bank-c.toml".into(),
            origin: ProfileOrigin::Administrator,
            state: if self.profile_c_broken {
                ProfileState::Invalid
            } else {
                ProfileState::Loaded
            },
            issues: Vec::new(),
        });
        listing
    }
}
