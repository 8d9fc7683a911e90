//! Survey tasks: the list views read, and the half-year update tasks the
//! ledger makes for itself.

use rusqlite::{Connection, params};
use serde::Serialize;

use super::read::OPERATING;
use crate::domain::command::NewTask;
use crate::domain::kinds::{Office, Stage, TaskKind};
use crate::domain::{Command, Date, Id, workflow};
use crate::error::Result;
use crate::i18n::tr;

/// An open task, for a query that names the tasks table `t`: not deleted,
/// not closed. The one definition the lists, the app and the loop use.
pub const OPEN: &str =
    "t.deleted = 0 AND t.closed_on IS NULL AND COALESCE(t.stage, '') <> 'closed'";

#[derive(Debug, Clone, Serialize)]
pub struct TaskRow {
    pub id: String,
    pub kind: String,
    pub org_id: Option<String>,
    pub org: Option<String>,
    pub community: Option<String>,
    pub street: Option<String>,
    pub stage: String,
    pub office: Option<String>,
    pub due_on: Option<String>,
    pub created_on: Option<String>,
    pub stage_on: Option<String>,
    pub closed_on: Option<String>,
    pub note: String,
    pub overdue: bool,
}

#[derive(Debug, Default)]
pub struct TaskFilter {
    pub office: Option<Office>,
    pub due_before: Option<Date>,
    /// Closed tasks too.
    pub all: bool,
    pub street: Option<Id>,
    pub community: Option<Id>,
}

pub fn list(conn: &Connection, today: Date, f: &TaskFilter) -> Result<Vec<TaskRow>> {
    let sql = format!(
        "
SELECT t.id, t.kind, t.org_id, o.name, c.name, s.name, t.stage, t.office, t.due_on,
       t.created_on, COALESCE(t.stage_on, t.created_on), t.closed_on, t.note
FROM task_list t
LEFT JOIN orgs o ON o.id = t.org_id
LEFT JOIN communities c ON c.id = COALESCE(t.community_id, o.community_id)
LEFT JOIN streets s ON s.id = COALESCE(o.street_id, c.street_id)
WHERE t.deleted = 0
  AND (?1 = 1 OR ({OPEN}))
  AND (?2 IS NULL OR t.office = ?2)
  AND (?3 IS NULL OR t.due_on < ?3)
  AND (?4 IS NULL OR s.id = ?4)
  AND (?5 IS NULL OR c.id = ?5)
ORDER BY t.due_on, o.name, t.id"
    );
    let mut stmt = conn.prepare(&sql)?;
    let t = today.to_string();
    let rows = stmt.query_map(
        params![
            f.all as i64,
            f.office.map(|o| o.code()),
            f.due_before.map(|d| d.to_string()),
            f.street.as_ref().map(|s| s.as_str()),
            f.community.as_ref().map(|c| c.as_str()),
        ],
        |r| {
            let due: Option<String> = r.get(8)?;
            let closed: Option<String> = r.get(11)?;
            Ok(TaskRow {
                id: r.get(0)?,
                kind: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
                org_id: r.get(2)?,
                org: r.get(3)?,
                community: r.get(4)?,
                street: r.get(5)?,
                stage: r.get::<_, Option<String>>(6)?.unwrap_or_default(),
                office: r.get(7)?,
                overdue: closed.is_none() && due.as_deref().is_some_and(|d| d < t.as_str()),
                due_on: due,
                created_on: r.get(9)?,
                stage_on: r.get(10)?,
                closed_on: closed,
                note: r.get::<_, Option<String>>(12)?.unwrap_or_default(),
            })
        },
    )?;
    let mut rows: Vec<TaskRow> = rows.collect::<rusqlite::Result<_>>()?;
    for r in &mut rows {
        if r.note.is_empty() && r.kind == TaskKind::Registration.code() {
            r.note = registration_note(r.street.is_some()).to_string();
        }
    }
    Ok(rows)
}

/// What a registration check asks, in the reader's language (an implied
/// check has no note of its own; one written by an earlier release does).
fn registration_note(placed: bool) -> &'static str {
    if placed {
        tr(
            "市监登记名单新增，请核实",
            "new in the registration list: verify it",
        )
    } else {
        tr(
            "市监登记名单新增；未能确定所属街道，请核实定位",
            "new in the registration list; street unknown: place it",
        )
    }
}

/// Half-year update tasks for every organization operating on `today` and
/// not verified since the current cycle began (a survey, or its entry into
/// the ledger, counts: ledger_stale counts them alike), unless it already has
/// one for this cycle (so running it twice makes none the second time).
/// Each is dated the cycle's first day and its id follows from the
/// organization and the cycle, so two replicas that both make a cycle's
/// tasks before they sync make the same rows, not two tasks each.
/// The batch only adds tasks.
pub fn half_year_plan(conn: &Connection, today: Date) -> Result<crate::store::Batch> {
    let (start, due) = workflow::cycle(today);
    let sql = format!(
        "SELECT o.id FROM orgs o
         WHERE {OPERATING}
           AND NOT EXISTS (SELECT 1 FROM surveys sv WHERE sv.org_id = o.id AND sv.on_date >= ?2)
           AND (o.entered_on IS NULL OR o.entered_on < ?2)
           AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.org_id = o.id AND t.deleted = 0
                           AND t.kind = 'half-year' AND t.due_on = ?3)
         ORDER BY o.id"
    );
    let mut stmt = conn.prepare(&sql)?;
    let ids = stmt
        .query_map(
            params![today.to_string(), start.to_string(), due.to_string()],
            |r| r.get::<_, String>(0),
        )?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let len = ids.len();
    // Each task is made as the batch takes it: the ids are all it holds.
    let due_day = due.to_string();
    let tasks = ids.into_iter().map(move |org| {
        let id = Id::derived(&["half-year", &org, &due_day]);
        let task = Command::AddTask(NewTask {
            id,
            kind: TaskKind::HalfYear,
            org: Some(Id(org)),
            community: None,
            stage: workflow::first_stage(TaskKind::HalfYear),
            due_on: due,
            note: String::new(),
        });
        (start, task)
    });
    let mut batch = crate::store::Batch::made_as_taken(len, start, tasks, &["tasks"]);
    batch.appending = true;
    // It runs behind the app's first screen: its memory counts.
    batch.cache = crate::store::PageCache::Light;
    Ok(batch)
}

/// The stage label for a stored code (unknown codes shown as stored).
pub fn stage_label(code: &str) -> String {
    Stage::parse(code).map_or_else(|_| code.to_string(), |s| s.label().to_string())
}
