//! Calendar dates. Stored as `YYYY-MM-DD` text, which sorts as dates do.
//!
//! A date the ledger accepts from a person, a file or the command line lies
//! in the years `FIRST_YEAR..=LAST_YEAR`: the one rule, kept here, that
//! `Date::ymd`, `Date::parse` and every import path apply.

use std::fmt;
use std::str::FromStr;

use crate::error::Error;
use crate::i18n::tr;

/// The earliest year a ledger date may have.
pub const FIRST_YEAR: i16 = 1900;
/// The latest year a ledger date may have.
pub const LAST_YEAR: i16 = 2100;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub jiff::civil::Date);

/// Why a date is refused, in the user's language.
pub fn out_of_range_reason() -> &'static str {
    tr("应在 1900–2100 年之间", "outside the years 1900–2100")
}

impl Date {
    /// The first day the ledger accepts.
    pub const MIN: Date = Date(jiff::civil::date(FIRST_YEAR, 1, 1));
    /// The last day the ledger accepts.
    pub const MAX: Date = Date(jiff::civil::date(LAST_YEAR, 12, 31));

    /// Whether the date lies in the years the ledger accepts.
    pub fn in_range(self) -> bool {
        (FIRST_YEAR..=LAST_YEAR).contains(&self.0.year())
    }

    /// The date itself if the ledger accepts it; else an error naming
    /// `field` and the date.
    pub fn checked(self, field: &str) -> Result<Self, Error> {
        if self.in_range() {
            Ok(self)
        } else {
            Err(Error::invalid(
                field,
                self.to_string(),
                out_of_range_reason(),
            ))
        }
    }

    /// A calendar date in the accepted years.
    pub fn ymd(y: i16, m: i8, d: i8) -> Result<Self, Error> {
        let date = jiff::civil::Date::new(y, m, d).map(Date).map_err(|_| {
            Error::invalid(
                "date",
                format!("{y}-{m}-{d}"),
                tr("不是有效日期", "not a calendar date"),
            )
        })?;
        date.checked("date")
    }

    /// Whether `s` is a day the ledger accepts, spelled as it writes one
    /// (`YYYY-MM-DD`): what `parse` takes and `to_string` gives back
    /// unchanged. Without parsing text or formatting one, since every day
    /// a command writes is checked so.
    pub fn is_written(s: &str) -> bool {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return false;
        }
        let num = |from: usize, to: usize| -> Option<i16> {
            b[from..to].iter().try_fold(0i16, |n, d| {
                d.is_ascii_digit().then(|| n * 10 + i16::from(d - b'0'))
            })
        };
        let (Some(y), Some(m), Some(d)) = (num(0, 4), num(5, 7), num(8, 10)) else {
            return false;
        };
        let (Ok(m), Ok(d)) = (i8::try_from(m), i8::try_from(d)) else {
            return false;
        };
        jiff::civil::Date::new(y, m, d).is_ok_and(|x| Date(x).in_range())
    }

    /// Parses `YYYY-MM-DD` in the accepted years; `field` names the input in
    /// the error.
    pub fn parse(field: &str, s: &str) -> Result<Self, Error> {
        let t = s.trim();
        let ok = t.len() == 10 && t.as_bytes()[4] == b'-' && t.as_bytes()[7] == b'-';
        if !ok {
            return Err(Error::invalid(
                field,
                s,
                tr("应为 YYYY-MM-DD", "expected YYYY-MM-DD"),
            ));
        }
        let date = jiff::civil::Date::from_str(t)
            .map(Date)
            .map_err(|_| Error::invalid(field, s, tr("不是有效日期", "not a calendar date")))?;
        date.checked(field)
    }

    /// The local calendar date now.
    pub fn today_local() -> Self {
        Date(jiff::ZonedDateTime::now().date())
    }

    /// `n` days later (earlier when negative). Never panics: past the
    /// calendar's ends (years -9999 and 9999) it stops at the end.
    pub fn add_days(self, n: i64) -> Self {
        match jiff::Span::new().try_days(n) {
            Ok(span) => Date(self.0.saturating_add(span)),
            Err(_) if n < 0 => Date(jiff::civil::Date::MIN),
            Err(_) => Date(jiff::civil::Date::MAX),
        }
    }

    /// Whole days from `self` to `later` (negative when `later` is earlier).
    pub fn days_until(self, later: Date) -> i64 {
        match self.0.until((jiff::Unit::Day, later.0)) {
            Ok(span) => i64::from(span.get_days()),
            Err(_) => 0,
        }
    }

    pub fn year(self) -> i16 {
        self.0.year()
    }
    pub fn month(self) -> i8 {
        self.0.month()
    }
    pub fn day(self) -> i8 {
        self.0.day()
    }
    pub fn is_first_of_month(self) -> bool {
        self.0.day() == 1
    }
    pub fn is_last_of_month(self) -> bool {
        self.0.day() == self.0.days_in_month()
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02}",
            self.0.year(),
            self.0.month(),
            self.0.day()
        )
    }
}

impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints() {
        let d = Date::parse("on", "2022-09-30").unwrap();
        assert_eq!(d.to_string(), "2022-09-30");
        assert!(d.is_last_of_month());
        assert_eq!(d.add_days(1).to_string(), "2022-10-01");
        assert_eq!(Date::parse("on", "2022-03-31").unwrap().days_until(d), 183);
    }

    /// `is_written` says yes exactly when `parse` takes the text and prints
    /// it back unchanged.
    #[test]
    fn a_written_day_is_what_parses_and_prints_back() {
        for s in [
            "2022-09-30",
            "2000-02-29",
            "1900-01-01",
            "2100-12-31",
            "2022-02-30",
            "2100-02-29",
            "1899-12-31",
            "2101-01-01",
            "2022-9-30",
            "2022-09-3",
            " 2022-09-30",
            "2022-09-30 ",
            "2022/09/30",
            "2022-00-10",
            "2022-13-01",
            "2022-01-00",
            "+022-01-01",
            "2022-0a-01",
            "",
            "yesterday",
        ] {
            let round = Date::parse("on", s).is_ok_and(|d| d.to_string() == s);
            assert_eq!(Date::is_written(s), round, "{s:?}");
        }
    }

    #[test]
    fn refuses_malformed() {
        for bad in ["2022-9-30", "2022-02-30", "yesterday", "", "2022/09/30"] {
            let e = Date::parse("on", bad).unwrap_err().to_string();
            assert!(e.contains(crate::domain::fields::spoken_name("on")), "{e}");
        }
    }

    #[test]
    fn the_accepted_years_end_exactly_at_their_edges() {
        for good in ["1900-01-01", "2100-12-31", "2000-02-29"] {
            assert_eq!(Date::parse("on", good).unwrap().to_string(), good);
        }
        for bad in ["1899-12-31", "2101-01-01", "0001-01-01", "9999-12-31"] {
            let e = Date::parse("founded", bad).unwrap_err().to_string();
            assert!(
                e.contains(crate::domain::fields::spoken_name("founded"))
                    && e.contains(bad)
                    && e.contains("1900"),
                "{e}"
            );
        }
        assert_eq!(Date::ymd(1900, 1, 1).unwrap(), Date::MIN);
        assert_eq!(Date::ymd(2100, 12, 31).unwrap(), Date::MAX);
        assert!(Date::ymd(1899, 12, 31).is_err());
        assert!(Date::ymd(2101, 1, 1).is_err());
        assert!(Date::MIN.in_range() && Date::MAX.in_range());
        assert!(!Date::MIN.add_days(-1).in_range());
        assert!(!Date::MAX.add_days(1).in_range());
        assert_eq!(Date::MAX.add_days(1).checked("x").ok(), None);
        assert_eq!(Date::MIN.checked("x").ok(), Some(Date::MIN));
    }

    #[test]
    fn adding_any_number_of_days_stops_at_the_calendar_ends() {
        let d = Date::parse("on", "2022-09-30").unwrap();
        let end = Date(jiff::civil::Date::MAX);
        let start = Date(jiff::civil::Date::MIN);
        // Beyond jiff's span limit, at it, and past the calendar's end.
        for n in [i64::MAX, 99_999_999, 7_304_485, 7_304_484, 3_000_000] {
            assert_eq!(d.add_days(n), end, "{n}");
        }
        for n in [i64::MIN, -99_999_999, -7_304_485, -7_304_484, -5_000_000] {
            assert_eq!(d.add_days(n), start, "{n}");
        }
        assert_eq!(d.add_days(3650).to_string(), "2032-09-27");
        assert_eq!(d.add_days(-1).to_string(), "2022-09-29");
        assert_eq!(end.add_days(1), end);
        assert_eq!(start.days_until(end), 7_304_483);
    }
}
