//! Time limits of date questions: elapsed days, working days and calendar months, counted on the
//! contract's [`Date`] (re-exported here, with its parsing and day arithmetic). Working days skip
//! weekends and the days off of the [`Calendar`] (public holidays and *cuti bersama*, kept as
//! content in `content/holidays/<year>.toml`). Small on purpose: no date crate reaches the widget.

use crate::model::{Language, Limit, List, Localized, Text};

/// The contract's date (`YYYY-MM-DD`, years 1 to 9999), with its day arithmetic: the same type
/// for complaints, guides, the widget and the server.
pub use jmo_contract::date::Date;

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
    pub year: u16,
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
    pub fn year(&self, year: u16) -> Option<&HolidayYear> {
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
            None => date.to_string(),
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
                // A year has far fewer days off than days: this ends within n + 400 steps (or on
                // the last date there is).
                while counted < n && day < Date::MAX {
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
