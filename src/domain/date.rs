//! Calendar dates. Stored as `YYYY-MM-DD` text, which sorts as dates do.

use std::fmt;
use std::str::FromStr;

use crate::error::Error;
use crate::i18n::tr;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub jiff::civil::Date);

impl Date {
    pub fn ymd(y: i16, m: i8, d: i8) -> Result<Self, Error> {
        jiff::civil::Date::new(y, m, d)
            .map(Date)
            .map_err(|_| Error::invalid("date", format!("{y}-{m}-{d}"), tr("不是有效日期", "not a calendar date")))
    }

    /// Parses `YYYY-MM-DD`; `field` names the input in the error.
    pub fn parse(field: &str, s: &str) -> Result<Self, Error> {
        let t = s.trim();
        let ok = t.len() == 10 && t.as_bytes()[4] == b'-' && t.as_bytes()[7] == b'-';
        if !ok {
            return Err(Error::invalid(field, s, tr("应为 YYYY-MM-DD", "expected YYYY-MM-DD")));
        }
        jiff::civil::Date::from_str(t)
            .map(Date)
            .map_err(|_| Error::invalid(field, s, tr("不是有效日期", "not a calendar date")))
    }

    /// The local calendar date now.
    pub fn today_local() -> Self {
        Date(jiff::ZonedDateTime::now().date())
    }

    pub fn add_days(self, n: i64) -> Self {
        // Dates here stay far from jiff's limits (years -9999..9999).
        match self.0.checked_add(jiff::Span::new().days(n)) {
            Ok(d) => Date(d),
            Err(_) => self,
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

    #[test]
    fn refuses_malformed() {
        for bad in ["2022-9-30", "2022-02-30", "yesterday", "", "2022/09/30"] {
            let e = Date::parse("on", bad).unwrap_err().to_string();
            assert!(e.contains("on"), "{e}");
        }
    }
}
