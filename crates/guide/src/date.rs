//! Calendar dates for date questions: parsing `YYYY-MM-DD` and measuring elapsed days, working
//! days and calendar months. Working days skip weekends and the days off of the [`Calendar`]
//! (public holidays and *cuti bersama*, kept as content in `content/holidays/<year>.toml`).
//! Small on purpose: no date crate reaches the widget.

use crate::model::{Language, Limit, List, Localized, Text};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        ((1..=9999).contains(&year) && (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month))
            .then_some(Date { year, month, day })
    }

    /// Parses `YYYY-MM-DD`, as an HTML date input gives it.
    pub fn parse(text: &str) -> Option<Date> {
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return None;
        }
        let number = |range: std::ops::Range<usize>| -> Option<u32> {
            let part = &text[range];
            part.bytes().all(|b| b.is_ascii_digit()).then(|| part.parse().ok())?
        };
        Date::new(number(0..4)? as i32, number(5..7)?, number(8..10)?)
    }

    /// Days since 1970-01-01 (negative before).
    pub fn days_since_epoch(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date in Jakarta (WIB, UTC+7, no daylight saving) at `unix_seconds`: the agency's day,
    /// which the server and the widget both count date questions against.
    pub fn in_jakarta(unix_seconds: i64) -> Date {
        Date::from_days_since_epoch((unix_seconds + 7 * 3600).div_euclid(86_400))
    }

    pub fn from_days_since_epoch(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// 0 = Monday … 6 = Sunday.
    pub fn weekday(self) -> u32 {
        // 1970-01-01 was a Thursday.
        (self.days_since_epoch() + 3).rem_euclid(7) as u32
    }

    /// The same day `months` later, or the month's last day when it is shorter.
    pub fn add_months(self, months: u32) -> Date {
        let total = self.year as i64 * 12 + i64::from(self.month - 1) + i64::from(months);
        let year = total.div_euclid(12) as i32;
        let month = total.rem_euclid(12) as u32 + 1;
        Date { year, month, day: self.day.min(days_in_month(year, month)) }
    }
}

/// The contract's calendar rule, so complaints and guides agree on which dates exist.
pub fn days_in_month(year: i32, month: u32) -> u32 {
    match (u32::try_from(year), u8::try_from(month)) {
        (Ok(year), Ok(month)) => jmo_contract::date::days_in_month(year, month).into(),
        _ => 0,
    }
}

/// Whether a day off is a public holiday or a *cuti bersama* (joint leave day set by the
/// ministers' joint decree). Both are not working days.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DayOffKind {
    Holiday,
    CutiBersama,
}

impl DayOffKind {
    pub fn code(self) -> &'static str {
        match self {
            DayOffKind::Holiday => "holiday",
            DayOffKind::CutiBersama => "cuti_bersama",
        }
    }

    pub fn from_code(code: &str) -> Option<DayOffKind> {
        [DayOffKind::Holiday, DayOffKind::CutiBersama].into_iter().find(|k| k.code() == code)
    }
}

/// One public holiday or *cuti bersama* day.
#[derive(Clone, Debug, PartialEq)]
pub struct DayOff {
    pub date: Date,
    pub kind: DayOffKind,
    pub name: Localized,
}

/// The days off of one year, from `content/holidays/<year>.toml`.
#[derive(Clone, Debug, PartialEq)]
pub struct HolidayYear {
    pub year: i32,
    /// `true` while the joint decree (SKB) for the year is not published and the dates are an
    /// editor's estimate.
    pub estimated: bool,
    /// Where the dates come from (the decree's number, or how they were estimated).
    pub source: Text,
    pub days: List<DayOff>,
}

/// Every known day off, and the month names used to write dates in texts.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Calendar {
    pub years: List<HolidayYear>,
    /// The twelve month names, separated by spaces ("Januari Februari …" / "January February …").
    pub month_names: Localized,
}

impl Calendar {
    pub fn year(&self, year: i32) -> Option<&HolidayYear> {
        self.years.iter().find(|y| y.year == year)
    }

    /// The public holiday or *cuti bersama* on `date`, if any.
    pub fn day_off(&self, date: Date) -> Option<&DayOff> {
        self.year(date.year)?.days.iter().find(|d| d.date == date)
    }

    /// Monday to Friday and neither a public holiday nor *cuti bersama*.
    pub fn is_working_day(&self, date: Date) -> bool {
        date.weekday() < 5 && self.day_off(date).is_none()
    }

    /// `date` written out for a participant: "15 Januari 2027" / "15 January 2027". Falls back to
    /// `YYYY-MM-DD` when the content has no month names.
    pub fn format(&self, date: Date, lang: Language) -> String {
        match self.month_names.get(lang).split_whitespace().nth(date.month as usize - 1) {
            Some(month) => format!("{} {month} {}", date.day, date.year),
            None => format!("{:04}-{:02}-{:02}", date.year, date.month, date.day),
        }
    }
}

/// Working days after `from`, up to and including `to`: Monday to Friday, without the public
/// holidays and *cuti bersama* of `calendar`. "More than 5 working days have passed" is
/// `working_days_between(from, to, calendar) > 5`.
pub fn working_days_between(from: Date, to: Date, calendar: &Calendar) -> i64 {
    let (start, end) = (from.days_since_epoch(), to.days_since_epoch());
    if end <= start {
        return 0;
    }
    let total = end - start;
    let mut count = total / 7 * 5;
    let mut weekday = from.weekday() as i64;
    for _ in 0..total % 7 {
        weekday = (weekday + 1) % 7;
        if weekday < 5 {
            count += 1;
        }
    }
    // Days off that fall on a weekday inside (from, to]; the content check refuses duplicates.
    let days_off = calendar
        .years
        .iter()
        .filter(|y| (from.year..=to.year).contains(&y.year))
        .flat_map(|y| y.days.iter())
        .filter(|d| d.date > from && d.date <= to && d.date.weekday() < 5)
        .count();
    count - days_off as i64
}

impl Date {
    /// The day `days` later (or earlier, when negative).
    pub fn add_days(self, days: i64) -> Date {
        Date::from_days_since_epoch(self.days_since_epoch() + days)
    }
}

impl Limit {
    /// Whether this much time has passed between `since` and `today`.
    pub fn reached(self, since: Date, today: Date, calendar: &Calendar) -> bool {
        match self {
            Limit::Days(n) => today.days_since_epoch() - since.days_since_epoch() >= i64::from(n),
            Limit::WorkingDays(n) => working_days_between(since, today, calendar) >= i64::from(n),
            Limit::Months(n) => today >= since.add_months(n),
        }
    }

    /// The first day on which this much time has passed since `since`: the day a participant
    /// told to wait can act ("Anda bisa mengajukan mulai 15 Januari 2027").
    pub fn reached_on(self, since: Date, calendar: &Calendar) -> Date {
        match self {
            Limit::Days(n) => since.add_days(i64::from(n)),
            Limit::Months(n) => since.add_months(n),
            Limit::WorkingDays(n) => {
                let (mut day, mut counted) = (since, 0);
                // A year has far fewer days off than days: this ends within n + 400 steps.
                while counted < n {
                    day = day.add_days(1);
                    if calendar.is_working_day(day) {
                        counted += 1;
                    }
                }
                day
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn parses_only_real_dates() {
        assert_eq!(Date::parse("2024-02-29"), Some(Date { year: 2024, month: 2, day: 29 }));
        for bad in ["2023-02-29", "2024-13-01", "2024-00-10", "2024-1-01", "24-01-01", "2024-01-32", "abcd-ef-gh", "", "2024-01-+1"] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn epoch_days_round_trip_and_weekdays() {
        assert_eq!(d("1970-01-01").days_since_epoch(), 0);
        assert_eq!(d("2000-03-01").days_since_epoch(), 11_017);
        assert_eq!(d("2026-11-24").weekday(), 1, "24 November 2026 is a Tuesday");
        for days in (-800_000..800_000).step_by(997) {
            assert_eq!(Date::from_days_since_epoch(days).days_since_epoch(), days);
        }
    }

    #[test]
    fn months_clamp_to_the_end_of_shorter_months() {
        assert_eq!(d("2026-01-31").add_months(1), d("2026-02-28"));
        assert_eq!(d("2024-01-31").add_months(1), d("2024-02-29"));
        assert_eq!(d("2026-11-15").add_months(2), d("2027-01-15"));
    }

    #[test]
    fn working_days_skip_weekends() {
        let none = Calendar::default();
        // Friday 2026-11-20 → Friday 2026-11-27: Mon..Fri = 5.
        assert_eq!(working_days_between(d("2026-11-20"), d("2026-11-27"), &none), 5);
        // Friday → Monday: one working day.
        assert_eq!(working_days_between(d("2026-11-20"), d("2026-11-23"), &none), 1);
        assert_eq!(working_days_between(d("2026-11-21"), d("2026-11-22"), &none), 0);
        assert_eq!(working_days_between(d("2026-11-27"), d("2026-11-20"), &none), 0);
    }

    #[test]
    fn limits() {
        let none = &Calendar::default();
        let letter = d("2026-10-24");
        assert!(!Limit::Months(1).reached(letter, d("2026-11-23"), none));
        assert!(Limit::Months(1).reached(letter, d("2026-11-24"), none));
        assert!(!Limit::WorkingDays(5).reached(d("2026-11-20"), d("2026-11-26"), none));
        assert!(Limit::WorkingDays(5).reached(d("2026-11-20"), d("2026-11-27"), none));
        assert!(Limit::Days(7).reached(d("2026-11-17"), d("2026-11-24"), none));
    }
}
