//! Migration 2: the survey loop's stage history, alert bookkeeping, and the
//! registration facts an import brings.

pub const V2_LOOP: &str = r#"
-- When the task entered its current stage (stage_overdue counts from it).
ALTER TABLE tasks ADD COLUMN stage_on TEXT;
CREATE INDEX tasks_open ON tasks(closed_on, due_on);

-- Each hand-over in the loop, with the note that went with it.
CREATE TABLE task_steps (
  id TEXT PRIMARY KEY,
  task_id TEXT REFERENCES tasks(id) DEFERRABLE INITIALLY DEFERRED,
  on_date TEXT, from_stage TEXT, stage TEXT, office TEXT, note TEXT
);
CREATE INDEX task_steps_task ON task_steps(task_id, on_date);

-- The day the ledger first raised the alert (raised_on is the day the
-- triggering fact became true, which may be earlier).
ALTER TABLE alerts ADD COLUMN noticed_on TEXT;
CREATE INDEX alerts_raised ON alerts(raised_on);
CREATE INDEX alerts_org ON alerts(org_id);

-- The day the registration status last changed, and the registered founding date.
ALTER TABLE orgs ADD COLUMN status_on TEXT;
ALTER TABLE orgs ADD COLUMN established_on TEXT;
"#;
