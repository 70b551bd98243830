//! Calendar dates and UTC timestamps without a date library: parsing `YYYY-MM-DD` and RFC 3339,
//! formatting both, and counting days, weekdays and months, via the days-from-civil arithmetic
//! (proleptic Gregorian). The one date type of the workspace: complaints' birth dates here, the
//! guides' date questions and holiday calendar (`jmo_guide::date`) on top of it.

use crate::codes;
use crate::error::FieldError;
use serde::{Serialize, Serializer};

/// A day of the calendar, years 1 to 9999 (what `YYYY-MM-DD` can write).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

pub fn is_leap_year(year: u32) -> bool {
    year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400))
}

pub fn days_in_month(year: u32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

impl Date {
    /// The first and the last date `YYYY-MM-DD` can write.
    pub const MIN: Date = Date { year: 1, month: 1, day: 1 };
    pub const MAX: Date = Date { year: 9999, month: 12, day: 31 };

    /// A date that exists in the calendar (years 1 to 9999), or `None`.
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        ((1..=9999).contains(&year) && (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year as u32, month))
            .then_some(Date { year, month, day })
    }

    /// Parses `YYYY-MM-DD` (ISO 8601, what `<input type=date>` gives).
    pub fn parse(s: &str) -> Result<Date, FieldError> {
        Date::parse_bytes(s.as_bytes())
    }

    fn parse_bytes(b: &[u8]) -> Result<Date, FieldError> {
        let bad = FieldError::new(codes::DATE_FORMAT);
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(bad);
        }
        let year = digits(&b[0..4]).ok_or(bad)? as u16;
        let month = digits(&b[5..7]).ok_or(bad)? as u8;
        let day = digits(&b[8..10]).ok_or(bad)? as u8;
        Date::new(year, month, day).ok_or(bad)
    }

    /// Days since 1970-01-01 (negative before).
    pub fn days_since_epoch(self) -> i64 {
        days_from_civil(self.year as i64, self.month as i64, self.day as i64)
    }

    /// The date `days` after 1970-01-01 (before, when negative); kept within [`Date::MIN`] and
    /// [`Date::MAX`].
    pub fn from_days_since_epoch(days: i64) -> Date {
        let days = days.clamp(Date::MIN.days_since_epoch(), Date::MAX.days_since_epoch());
        let (year, month, day) = civil_from_days(days);
        Date { year: year as u16, month: month as u8, day: day as u8 }
    }

    /// The date in Jakarta (WIB, UTC+7, no daylight saving) at `unix_seconds`: the agency's day,
    /// which the server and the widget both count date questions against.
    pub fn in_jakarta(unix_seconds: i64) -> Date {
        Date::from_days_since_epoch((unix_seconds + 7 * 3600).div_euclid(86_400))
    }

    /// 0 = Monday … 6 = Sunday.
    pub fn weekday(self) -> u32 {
        // 1970-01-01 was a Thursday.
        (self.days_since_epoch() + 3).rem_euclid(7) as u32
    }

    /// The day `days` later (or earlier, when negative); kept within [`Date::MIN`] and [`Date::MAX`].
    pub fn add_days(self, days: i64) -> Date {
        Date::from_days_since_epoch(self.days_since_epoch().saturating_add(days))
    }

    /// The same day `months` later, or the month's last day when it is shorter; at most
    /// [`Date::MAX`].
    pub fn add_months(self, months: u32) -> Date {
        let total = self.year as i64 * 12 + (self.month as i64 - 1) + months as i64;
        let year = total.div_euclid(12);
        if year > Date::MAX.year as i64 {
            return Date::MAX;
        }
        let (year, month) = (year as u16, (total.rem_euclid(12) + 1) as u8);
        Date { year, month, day: self.day.min(days_in_month(year as u32, month)) }
    }
}

impl core::fmt::Display for Date {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A UTC instant with second precision, as seconds since the Unix epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// Parses RFC 3339 (`2025-03-01T08:30:00Z`, `2025-03-01T15:30:00.123+07:00`).
    pub fn parse(s: &str) -> Result<Timestamp, FieldError> {
        let bad = FieldError::new(codes::DATETIME_FORMAT);
        let b = s.as_bytes();
        if b.len() < 20 || !matches!(b[10], b'T' | b't' | b' ') || b[13] != b':' || b[16] != b':' {
            return Err(bad);
        }
        let date = Date::parse_bytes(&b[..10]).map_err(|_| bad)?;
        let hour = digits(&b[11..13]).ok_or(bad)? as i64;
        let minute = digits(&b[14..16]).ok_or(bad)? as i64;
        let second = digits(&b[17..19]).ok_or(bad)? as i64;
        if hour > 23 || minute > 59 || second > 60 {
            return Err(bad);
        }
        let mut rest = &b[19..];
        if rest.first() == Some(&b'.') {
            let frac = rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
            if frac == 0 || frac > 9 {
                return Err(bad);
            }
            rest = &rest[1 + frac..];
        }
        let offset = match rest {
            [b'Z' | b'z'] => 0,
            [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
                let h = digits(&[*h1, *h2]).ok_or(bad)? as i64;
                let m = digits(&[*m1, *m2]).ok_or(bad)? as i64;
                if h > 23 || m > 59 {
                    return Err(bad);
                }
                let o = h * 3600 + m * 60;
                if *sign == b'-' { -o } else { o }
            }
            _ => return Err(bad),
        };
        let secs = date.days_since_epoch() * 86_400 + hour * 3600 + minute * 60 + second.min(59);
        Ok(Timestamp(secs - offset))
    }

    pub fn from_unix(secs: i64) -> Timestamp {
        Timestamp(secs)
    }

    pub fn unix(self) -> i64 {
        self.0
    }

    /// The calendar date (UTC) of this instant.
    pub fn date(self) -> Date {
        Date::from_days_since_epoch(self.0.div_euclid(86_400))
    }
}

/// Formats as `YYYY-MM-DDTHH:MM:SSZ`.
impl core::fmt::Display for Timestamp {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let secs = self.0.rem_euclid(86_400);
        write!(f, "{}T{:02}:{:02}:{:02}Z", self.date(), secs / 3600, secs % 3600 / 60, secs % 60)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

fn digits(b: &[u8]) -> Option<u32> {
    b.iter().try_fold(0u32, |acc, &c| c.is_ascii_digit().then(|| acc * 10 + (c - b'0') as u32))
}

// Howard Hinnant's algorithms (http://howardhinnant.github.io/date_algorithms.html).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_formats_timestamps() {
        assert_eq!(Timestamp::parse("1970-01-01T00:00:00Z"), Ok(Timestamp(0)));
        let t = Timestamp::parse("2025-03-01T15:30:00.5+07:00").unwrap();
        assert_eq!(t.to_string(), "2025-03-01T08:30:00Z");
        assert_eq!(Timestamp::parse("2024-02-29T23:59:59-01:00").unwrap().to_string(), "2024-03-01T00:59:59Z");
        for bad in ["2025-02-29T00:00:00Z", "2025-03-01T24:00:00Z", "2025-03-01", "2025-03-01T00:00:00", "x"] {
            assert!(Timestamp::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn dates_must_exist() {
        assert!(Date::parse("2000-02-29").is_ok());
        assert!(Date::parse("1900-02-29").is_err());
        assert!(Date::parse("1990-13-01").is_err());
        assert!(Date::parse("1990-1-01").is_err());
        assert_eq!(Date::parse("2024-02-29"), Ok(Date { year: 2024, month: 2, day: 29 }));
        for bad in ["2023-02-29", "2024-13-01", "2024-00-10", "0000-01-01", "24-01-01", "2024-01-32", "abcd-ef-gh", "", "2024-01-+1"] {
            assert!(Date::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Date::new(10_000, 1, 1), None, "YYYY-MM-DD cannot write it");
        assert_eq!(Date::new(9999, 12, 31), Some(Date::MAX));
    }

    fn d(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    #[test]
    fn the_day_turns_at_midnight_in_jakarta() {
        // `date -u -d "2026-12-01 17:00:00" +%s`: midnight of 2 December in WIB.
        assert_eq!(Date::in_jakarta(1_796_144_400), d("2026-12-02"));
        assert_eq!(Date::in_jakarta(1_796_144_399), d("2026-12-01"));
        assert_eq!(Date::in_jakarta(0), d("1970-01-01"));
    }

    #[test]
    fn epoch_days_round_trip_and_weekdays() {
        assert_eq!(d("1970-01-01").days_since_epoch(), 0);
        assert_eq!(d("2000-03-01").days_since_epoch(), 11_017);
        assert_eq!(d("2026-11-24").weekday(), 1, "24 November 2026 is a Tuesday");
        assert_eq!(d("0001-01-01").weekday(), 0, "1 January of year 1 (proleptic) is a Monday");
        let (first, last) = (Date::MIN.days_since_epoch(), Date::MAX.days_since_epoch());
        for days in (first..=last).step_by(997).chain([first, last]) {
            assert_eq!(Date::from_days_since_epoch(days).days_since_epoch(), days);
        }
        assert_eq!(Date::from_days_since_epoch(first - 1), Date::MIN);
        assert_eq!(Date::from_days_since_epoch(i64::MAX), Date::MAX);
        assert_eq!(Timestamp(-1).date(), d("1969-12-31"));
    }

    #[test]
    fn days_and_months_later() {
        assert_eq!(d("2024-02-28").add_days(1), d("2024-02-29"));
        assert_eq!(d("2026-12-31").add_days(1), d("2027-01-01"));
        assert_eq!(d("2026-03-01").add_days(-1), d("2026-02-28"));
        assert_eq!(d("9999-12-30").add_days(i64::MAX), Date::MAX);
        assert_eq!(d("2026-01-31").add_months(1), d("2026-02-28"));
        assert_eq!(d("2024-01-31").add_months(1), d("2024-02-29"));
        assert_eq!(d("2026-11-15").add_months(2), d("2027-01-15"));
        assert_eq!(d("2026-11-15").add_months(0), d("2026-11-15"));
        assert_eq!(d("2026-11-15").add_months(u32::MAX), Date::MAX);
    }

    #[test]
    fn formats_as_yyyy_mm_dd() {
        assert_eq!(d("0987-06-05").to_string(), "0987-06-05");
        assert_eq!(Date::MAX.to_string(), "9999-12-31");
    }
}
