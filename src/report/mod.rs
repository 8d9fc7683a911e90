//! Reports: coverage as of a day, a period's summary, and their exports.

pub mod coverage;
pub mod export;
pub mod period;
pub mod response;

use serde::Serialize;

/// Organization counts for one group (a street, a community, the district).
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Counts {
    pub total: i64,
    pub covered: i64,
    pub own: i64,
    pub joint: i64,
    pub building: i64,
    pub instructor_only: i64,
    pub uncovered: i64,
    pub work_covered: i64,
    pub own_rate: f64,
    pub coverage_rate: f64,
    pub work_coverage_rate: f64,
}

impl Counts {
    pub fn add(&mut self, coverage: &str, n: i64) {
        self.total += n;
        match coverage {
            "own" => self.own += n,
            "joint" => self.joint += n,
            "building" => self.building += n,
            "instructor" => self.instructor_only += n,
            _ => self.uncovered += n,
        }
        self.finish();
    }

    fn finish(&mut self) {
        self.covered = self.own + self.joint + self.building;
        self.work_covered = self.covered + self.instructor_only;
        let rate = |x: i64| {
            if self.total == 0 {
                0.0
            } else {
                x as f64 / self.total as f64
            }
        };
        self.own_rate = rate(self.own);
        self.coverage_rate = rate(self.covered);
        self.work_coverage_rate = rate(self.work_covered);
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Csv,
    Xlsx,
}

impl Format {
    pub fn parse(s: &str) -> crate::Result<Format> {
        match s {
            "text" => Ok(Format::Text),
            "json" => Ok(Format::Json),
            "csv" => Ok(Format::Csv),
            "xlsx" => Ok(Format::Xlsx),
            _ => Err(crate::Error::invalid("format", s, "text|json|csv|xlsx")),
        }
    }
}
