//! The limits the alert rules apply: days until an event is due, sizes that
//! make a branch eligible or a joint branch too broad. Their defaults are
//! here; the `[alerts]` table of a config file may set each.

use serde::Deserialize;

/// The rules' limits, in days or counts.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AlertLimits {
    pub identity_check_employees: i64,
    pub hire_due_days: i64,
    pub instructor_due_days: i64,
    pub instructor_escalate_days: i64,
    pub visit_interval_days: i64,
    pub branch_min_members: i64,
    pub joint_branch_max_orgs: i64,
    pub stale_days: i64,
    pub stage_overdue_days: i64,
    /// An event alert is first-time for this many days, backlog after.
    pub first_time_days: i64,
}

impl Default for AlertLimits {
    fn default() -> Self {
        AlertLimits {
            identity_check_employees: 10,
            hire_due_days: 7,
            instructor_due_days: 7,
            instructor_escalate_days: 30,
            visit_interval_days: 90,
            branch_min_members: 3,
            joint_branch_max_orgs: 5,
            stale_days: 183,
            stage_overdue_days: 14,
            first_time_days: 30,
        }
    }
}
