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

/// The implied checks alone (the view's second part, which a migration
/// keeps as it was written; a test holds the two together), for the write
/// that makes one a row and for a reader that walks the task rows in their
/// own order first (`alert_facts::each_task`): (id, org, created, due).
pub const IMPLIED: &str = "
SELECT o.id, o.id, o.entered_on, o.check_due_on FROM orgs o
WHERE o.check_due_on IS NOT NULL AND o.deleted = 0
  AND NOT EXISTS (SELECT 1 FROM tasks r WHERE r.id = o.id)";

#[cfg(test)]
mod tests {
    use super::IMPLIED;
    use crate::domain::command::ImportedOrg;
    use crate::domain::kinds::{OrgKind, RegStatus};
    use crate::domain::{Command, Date, Id};
    use crate::store::{Actor, Store};

    fn ids(conn: &rusqlite::Connection, sql: &str) -> Vec<(String, String, String)> {
        conn.prepare(sql)
            .expect("prepare")
            .query_map([], |r| Ok((r.get(0)?, r.get(2)?, r.get(3)?)))
            .expect("query")
            .collect::<rusqlite::Result<_>>()
            .expect("rows")
    }

    /// `IMPLIED` reads exactly the view's implied checks: not a written
    /// check, not a deleted organization's, not an organization without one.
    #[test]
    fn implied_is_the_views_second_part() {
        let dir = tempfile::tempdir().expect("dir");
        let mut s = Store::open(&dir.path().join("l.db")).expect("open");
        let actor = Actor::of_process("test", "district");
        let on = Date::parse("on", "2022-04-01").expect("day");
        let street = Id::new();
        let run = |s: &mut Store, cmd: Command| {
            s.apply(&actor, on, cmd, None).expect("apply");
        };
        run(
            &mut s,
            Command::AddStreet {
                id: street.clone(),
                name: "南坪街道".into(),
                committee: String::new(),
            },
        );
        let imported: Vec<Id> = (0..3).map(|_| Id::new()).collect();
        for (i, id) in imported.iter().enumerate() {
            run(
                &mut s,
                Command::ImportOrg(ImportedOrg {
                    id: id.clone(),
                    name: format!("常德新{i}公司"),
                    code: None,
                    kind: OrgKind::Enterprise,
                    status: RegStatus::Active,
                    street: Some(street.clone()),
                    community: None,
                    address: String::new(),
                    employees: None,
                    established_on: None,
                    check_due_on: on.add_days(14),
                }),
            );
        }
        run(
            &mut s,
            Command::CloseTask {
                id: Id::new(),
                task: imported[1].clone(),
                note: String::new(),
            },
        );
        run(
            &mut s,
            Command::Delete {
                table: "orgs".into(),
                row: imported[2].clone(),
            },
        );
        let view = ids(
            s.conn(),
            "SELECT id, org_id, created_on, due_on FROM task_list
             WHERE id NOT IN (SELECT id FROM tasks) ORDER BY id",
        );
        assert_eq!(view.len(), 1, "{view:?}");
        assert_eq!(view[0].0, imported[0].0);
        assert_eq!(ids(s.conn(), &format!("{IMPLIED} ORDER BY o.id")), view);
    }
}
