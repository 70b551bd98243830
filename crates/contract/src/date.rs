//! Calendar dates and UTC timestamps without a date library: parsing `YYYY-MM-DD` and RFC 3339,
//! and formatting timestamps, via the days-from-civil arithmetic (proleptic Gregorian).

use crate::codes;
use crate::error::FieldError;
use serde::{Serialize, Serializer};

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
    /// A date that exists in the calendar, or `None`.
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        (year >= 1 && (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year as u32, month))
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

    /// Days since 1970-01-01.
    pub fn days_since_epoch(self) -> i64 {
        days_from_civil(self.year as i64, self.month as i64, self.day as i64)
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
        let (y, m, d) = civil_from_days(self.0.div_euclid(86_400));
        Date { year: y as u16, month: m as u8, day: d as u8 }
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
    }
}
