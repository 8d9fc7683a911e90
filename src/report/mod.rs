//! Reports: coverage as of a day, a period's summary, and their exports.

pub mod coverage;
pub mod export;
pub mod ledger;
pub mod period;
pub mod response;

use serde::Serialize;

/// Organization counts for one group (a street, a community, a kind, the
/// district). `not_covered` = `total` − `covered` (no party organization:
/// instructor only or nothing), split into those where party members work
/// (有党员未组建) and those without members (无党员).
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
    pub not_covered: i64,
    pub not_covered_with_members: i64,
    pub not_covered_no_members: i64,
    pub own_rate: f64,
    pub coverage_rate: f64,
    pub work_coverage_rate: f64,
}

impl Counts {
    /// Adds `n` organizations covered as `coverage` (own, joint, building,
    /// instructor, none); `members`: party members work there.
    pub fn add(&mut self, coverage: &str, members: bool, n: i64) {
        self.total += n;
        match coverage {
            "own" => self.own += n,
            "joint" => self.joint += n,
            "building" => self.building += n,
            "instructor" => self.instructor_only += n,
            _ => self.uncovered += n,
        }
        if !matches!(coverage, "own" | "joint" | "building") {
            if members {
                self.not_covered_with_members += n;
            } else {
                self.not_covered_no_members += n;
            }
        }
        self.finish();
    }

    fn finish(&mut self) {
        self.covered = self.own + self.joint + self.building;
        self.work_covered = self.covered + self.instructor_only;
        self.not_covered = self.total - self.covered;
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
