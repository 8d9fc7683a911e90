//! Migration 11: registration checks implied by the organization row.
//!
//! An organization entered from a registration list is given a registration
//! check, due on `orgs.check_due_on`. Until someone works on it, the check
//! is not a row of its own: `task_list` reads it from the organization, with
//! the organization's id as its id. The first step on it (a survey, a
//! hand-over, a close) writes the task row, with the same values, through
//! the write path; from then on it is a task like any other, and the row
//! hides the implied one. Every replica derives the same check from the same
//! organization, so lists agree before and after sync, and two replicas that
//! both write it write the same row. A hundred thousand imported
//! organizations thus cost no task rows, no task ops and no task indexes
//! until their checks are worked.
//!
//! Also: `orgs_id_place` goes. No query reads it (the primary key serves
//! the joins it was made for) and it was the ledger's largest index.

pub const V11_CHECKS: &str = r#"
ALTER TABLE orgs ADD COLUMN check_due_on TEXT;
-- Only the organizations with a check: a ledger without imports reads
-- none of its rows for the list.
CREATE INDEX orgs_check ON orgs(check_due_on) WHERE check_due_on IS NOT NULL;
DROP INDEX IF EXISTS orgs_id_place;
CREATE VIEW task_list AS
  SELECT id, kind, org_id, community_id, stage, office, due_on, created_on,
         closed_on, note, deleted, stage_on
  FROM tasks
  UNION ALL
  SELECT o.id, 'registration', o.id, NULL, 'survey', 'economic', o.check_due_on,
         o.entered_on, NULL, NULL, 0, NULL
  FROM orgs o
  WHERE o.check_due_on IS NOT NULL AND o.deleted = 0
    AND NOT EXISTS (SELECT 1 FROM tasks r WHERE r.id = o.id);
"#;

/// The implied checks alone, for a reader that walks the task rows in their
/// own order first (`alert_facts::each_task`): (id, org, created, due).
pub const IMPLIED: &str = "
SELECT o.id, o.id, o.entered_on, o.check_due_on FROM orgs o
WHERE o.check_due_on IS NOT NULL AND o.deleted = 0
  AND NOT EXISTS (SELECT 1 FROM tasks r WHERE r.id = o.id)";
