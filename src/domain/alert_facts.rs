//! The dated facts the alert rules read (loaded by `store::alert_facts`),
//! and what a rule finds.

use super::Date;
pub use super::kinds::Rule;

/// `[from, to)`; `to` is the first day no longer in force.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Span {
    pub from: Date,
    pub to: Option<Date>,
}

impl Span {
    pub fn holds(&self, d: Date) -> bool {
        self.from <= d && self.to.is_none_or(|t| t > d)
    }
}

#[derive(Clone, Debug)]
pub struct Cover {
    pub span: Span,
    pub standalone: bool,
}

#[derive(Clone, Debug)]
pub struct Member {
    pub id: String,
    pub hired: Date,
    pub left: Option<Date>,
    pub formal: bool,
    /// The relation sits at the residence or elsewhere now.
    pub outside: bool,
    /// Days the relation was transferred in from outside.
    pub transfers: Vec<Date>,
}

#[derive(Clone, Debug)]
pub struct SurveyFact {
    pub on: Date,
    pub employees: Option<i64>,
    pub identity_check: Option<bool>,
}

#[derive(Clone, Debug)]
pub struct Assignment {
    pub id: String,
    pub span: Span,
    pub visits: Vec<Date>,
}

#[derive(Clone, Debug)]
pub struct OrgFacts {
    pub id: String,
    pub entered: Date,
    pub closed: Option<Date>,
    pub enterprise: bool,
    pub employees: Option<i64>,
    pub identity_check: bool,
    /// A registration status that is not operating (deregistered, revoked,
    /// moved out, suspended), and since when.
    pub gone: Option<Date>,
    pub surveys: Vec<SurveyFact>,
    pub covers: Vec<Cover>,
    pub assignments: Vec<Assignment>,
    pub members: Vec<Member>,
    /// The first registration-check task, when one was made.
    pub registration_task: Option<Date>,
    /// A registration-list row said to operate (a survey or `org confirm`), since.
    pub verified: Option<Date>,
}

#[derive(Clone, Debug)]
pub struct JointFacts {
    pub id: String,
    pub life: Span,
    pub links: Vec<Span>,
}

#[derive(Clone, Debug)]
pub struct TaskFacts {
    pub id: String,
    pub org: Option<String>,
    /// The day it was made and each day its stage changed.
    pub steps: Vec<Date>,
    pub closed: Option<Date>,
    /// The day it is due, if it has one.
    pub due: Option<Date>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub rule: Rule,
    pub subject: String,
    pub org: Option<String>,
    pub raised: Date,
    pub due: Option<Date>,
    pub resolved: Option<Date>,
}

impl OrgFacts {
    pub(super) fn covered(&self, d: Date) -> bool {
        self.covers.iter().any(|c| c.span.holds(d))
    }
    pub(super) fn instructed(&self, d: Date) -> bool {
        self.assignments.iter().any(|a| a.span.holds(d))
    }
    /// The first day from `d` on (up to `today`) on which none of the
    /// members works there any more: the last one present left.
    pub(super) fn members_gone(&self, d: Date, today: Date) -> Option<Date> {
        let present = |day: Date| {
            self.members
                .iter()
                .any(|m| m.hired <= day && m.left.is_none_or(|l| l > day))
        };
        self.members
            .iter()
            .filter_map(|m| m.left)
            .filter(|l| *l >= d && *l <= today && !present(*l))
            .min()
    }
    pub(super) fn operating(&self, d: Date) -> bool {
        self.entered <= d && self.closed.is_none_or(|c| c > d)
    }
    /// The first day after `d` (up to `today`) on which `f` starts to hold.
    pub(super) fn first_start(
        &self,
        starts: impl Iterator<Item = Date>,
        d: Date,
        today: Date,
    ) -> Option<Date> {
        starts
            .chain(self.closed)
            .filter(|s| *s >= d && *s <= today)
            .min()
    }
}
