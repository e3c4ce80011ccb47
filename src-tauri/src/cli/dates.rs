//! Calendar dates in Japan time for the command line's output, from the RFC 3339
//! UTC strings the engine's views carry (UTC+9, no daylight saving).

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ymd {
    pub year: i64,
    pub month: u32,
    pub day: u32,
}

/// Unix time of an RFC 3339 timestamp (`2026-12-06T14:59:59Z`, `…+09:00`, fractions ignored).
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let date = Ymd {
        year: num(0..4)?,
        month: num(5..7)? as u32,
        day: num(8..10)? as u32,
    };
    let secs = days_from_civil(date) * 86_400 + num(11..13)? * 3600 + num(14..16)? * 60;
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        rest = frac.trim_start_matches(|c: char| c.is_ascii_digit());
    }
    let offset = match rest.as_bytes().first()? {
        b'Z' | b'z' => 0,
        sign @ (b'+' | b'-') => {
            let h: i64 = rest.get(1..3)?.parse().ok()?;
            let m: i64 = rest.get(4..6)?.parse().ok()?;
            (h * 3600 + m * 60) * if *sign == b'-' { -1 } else { 1 }
        }
        _ => return None,
    };
    Some(secs + num(17..19)? - offset)
}

/// The calendar date in Japan of a Unix time.
pub fn jst_date(unix: i64) -> Ymd {
    civil_from_days((unix + 9 * 3600).div_euclid(86_400))
}

/// `20261206T150000Z`: a UTC DATE-TIME for iCalendar's DTSTAMP.
pub fn utc_stamp(unix: i64) -> String {
    let d = civil_from_days(unix.div_euclid(86_400));
    let s = unix.rem_euclid(86_400);
    format!(
        "{}T{:02}{:02}{:02}Z",
        d.basic(),
        s / 3600,
        s % 3600 / 60,
        s % 60
    )
}

impl Ymd {
    pub fn plus_days(self, n: i64) -> Ymd {
        civil_from_days(days_from_civil(self) + n)
    }

    /// `20261206` (iCalendar DATE).
    pub fn basic(self) -> String {
        format!("{:04}{:02}{:02}", self.year, self.month, self.day)
    }

    /// `2026-12-06`.
    pub fn iso(self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// `2026年12月6日（令和8年12月6日）` (SPEC §7); the era only from 令和 on.
    pub fn ja(self) -> String {
        let western = format!("{}年{}月{}日", self.year, self.month, self.day);
        if (self.year, self.month) < (2019, 5) {
            return western;
        }
        let era = match self.year - 2018 {
            1 => "元".to_owned(),
            n => n.to_string(),
        };
        format!("{western}（令和{era}年{}月{}日）", self.month, self.day)
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(d: Ymd) -> i64 {
    let y = if d.month <= 2 { d.year - 1 } else { d.year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(d.month) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d.day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> Ymd {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    Ymd { year, month, day }
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
        let leap = Ymd {
            year: 2028,
            month: 3,
            day: 1,
        };
        assert_eq!(leap.plus_days(-1).iso(), "2028-02-29");
        assert_eq!(leap.plus_days(-30).iso(), "2028-01-31");
        assert_eq!(utc_stamp(t), "20261206T145959Z");
        assert_eq!(
            jst_date(parse_rfc3339("2019-05-01T00:00:00+09:00").unwrap()).ja(),
            "2019年5月1日（令和元年5月1日）"
        );
    }
}
