//! Calendar dates in Japan time for the command line's output, from the RFC 3339
//! UTC strings the engine's views carry. Arithmetic is the `time` crate's and the
//! Japan date the engine's (`shomei_engine::rules::jst_date`); this module only
//! formats.

use shomei_engine::words;
use time::format_description::well_known::Rfc3339;
use time::{Date, Duration, OffsetDateTime};

use super::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ymd(Date);

/// Unix time of an RFC 3339 timestamp (`2026-12-06T14:59:59Z`, `…+09:00`).
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    OffsetDateTime::parse(s, &Rfc3339)
        .ok()
        .map(OffsetDateTime::unix_timestamp)
}

/// The calendar date in Japan of a Unix time.
pub fn jst_date(unix: i64) -> Ymd {
    Ymd(shomei_engine::rules::jst_date(unix))
}

/// `20261206T150000Z`: a UTC DATE-TIME for iCalendar's DTSTAMP.
pub fn utc_stamp(unix: i64) -> String {
    let t = OffsetDateTime::from_unix_timestamp(unix).unwrap_or(OffsetDateTime::UNIX_EPOCH);
    format!(
        "{}T{:02}{:02}{:02}Z",
        Ymd(t.date()).basic(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

impl Ymd {
    pub fn plus_days(self, n: i64) -> Ymd {
        Ymd(self.0.saturating_add(Duration::days(n)))
    }

    /// `20261206` (iCalendar DATE).
    pub fn basic(self) -> String {
        format!(
            "{:04}{:02}{:02}",
            self.0.year(),
            u8::from(self.0.month()),
            self.0.day()
        )
    }

    /// `2026-12-06`.
    pub fn iso(self) -> String {
        format!(
            "{:04}-{:02}-{:02}",
            self.0.year(),
            u8::from(self.0.month()),
            self.0.day()
        )
    }

    /// `2026年12月6日（令和8年12月6日）` (SPEC §7); the era only from 令和 on.
    pub fn ja(self) -> String {
        let (year, month, day) = (self.0.year(), u8::from(self.0.month()), self.0.day());
        let western = format!("{year}年{month}月{day}日");
        if (year, month) < (2019, 5) {
            return western;
        }
        let era = match year - 2018 {
            1 => "元".to_owned(),
            n => n.to_string(),
        };
        format!("{western}（令和{era}年{month}月{day}日）")
    }
}

/// A moment in Japan time, in the language's words: `2026年12月6日 14:05（日本時間）`
/// or `2026-12-06 14:05 JST`; the RFC 3339 text itself if it does not parse.
pub fn jst_moment(rfc3339: &str, lang: Lang) -> String {
    let Some(unix) = parse_rfc3339(rfc3339) else {
        return rfc3339.to_owned();
    };
    let at = shomei_engine::rules::jst(unix);
    let time = format!("{:02}:{:02}", at.hour(), at.minute());
    let date = match lang {
        Lang::Ja => format!("{}年{}月{}日", at.year(), u8::from(at.month()), at.day()),
        Lang::En => Ymd(at.date()).iso(),
    };
    words::text(
        lang,
        "cli.dates.moment",
        &[("date", &date), ("time", &time)],
    )
}

/// A calendar day in Japan time, in the language's words: `2026年12月6日（令和8年12月6日）`
/// or `2026-12-06 (JST)`; the RFC 3339 text itself if it does not parse.
pub fn jst_day(rfc3339: &str, lang: Lang) -> String {
    let Some(day) = parse_rfc3339(rfc3339).map(jst_date) else {
        return rfc3339.to_owned();
    };
    let date = match lang {
        Lang::Ja => day.ja(),
        Lang::En => day.iso(),
    };
    words::text(lang, "cli.dates.day", &[("date", &date)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japan_dates_from_rfc3339() {
        let t = parse_rfc3339("2026-12-06T14:59:59Z").unwrap();
        assert_eq!(t, 1_796_569_199);
        assert_eq!(jst_date(t).ja(), "2026年12月6日（令和8年12月6日）");
        assert_eq!(jst_date(t + 1).iso(), "2026-12-07");
        assert_eq!(parse_rfc3339("2026-12-06T23:59:59.5+09:00"), Some(t));
        assert_eq!(parse_rfc3339("2026-12-06"), None);
        let leap = jst_date(parse_rfc3339("2028-03-01T00:00:00+09:00").unwrap());
        assert_eq!(leap.plus_days(-1).iso(), "2028-02-29");
        assert_eq!(leap.plus_days(-30).iso(), "2028-01-31");
        assert_eq!(leap.basic(), "20280301");
        assert_eq!(utc_stamp(t), "20261206T145959Z");
        assert_eq!(
            jst_date(parse_rfc3339("2019-05-01T00:00:00+09:00").unwrap()).ja(),
            "2019年5月1日（令和元年5月1日）"
        );
    }

    #[test]
    fn moments_are_said_in_japan_time() {
        assert_eq!(
            jst_moment("2026-12-06T05:05:00Z", Lang::Ja),
            "2026年12月6日 14:05（日本時間）"
        );
        assert_eq!(
            jst_moment("2026-12-06T15:30:00Z", Lang::En),
            "2026-12-07 00:30 JST"
        );
        assert_eq!(jst_moment("soon", Lang::En), "soon");
        assert_eq!(
            jst_day("2026-12-06T14:59:59Z", Lang::Ja),
            "2026年12月6日（令和8年12月6日）"
        );
        assert_eq!(
            jst_day("2026-12-06T15:00:00Z", Lang::En),
            "2026-12-07 (JST)"
        );
    }
}
