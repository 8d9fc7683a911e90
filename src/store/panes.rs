//! What the app's panes read: open tasks (the user's office first), an
//! organization's open tasks, and which building each organization is in.
//! The app draws from these rows and holds no SQL of its own.

use rusqlite::{Connection, params};

use super::tasks::OPEN;
use crate::domain::Date;
use crate::error::Result;
use crate::text::clean;

#[derive(Debug, Clone)]
pub struct PaneTask {
    pub id: String,
    pub kind: String,
    /// The organization, or the community of a task about a community.
    pub org: String,
    pub org_id: Option<String>,
    pub stage: String,
    pub office: String,
    pub due_on: String,
    pub overdue_days: i64,
}

fn days(from: &str, to: Date) -> i64 {
    Date::parse("date", from)
        .map(|d| d.days_until(to))
        .unwrap_or(0)
}

/// The first `limit` open tasks, `office`'s first, then by due day; with the
/// count of all open tasks and of the office's.
pub fn tasks(
    conn: &Connection,
    today: Date,
    office: &str,
    limit: usize,
) -> Result<(Vec<PaneTask>, i64, i64)> {
    let (total, mine): (i64, i64) = conn.query_row(
        &format!(
            "SELECT COUNT(*), COALESCE(SUM(COALESCE(t.office, '') = ?1), 0) FROM task_list t WHERE {OPEN}"
        ),
        [office],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT t.id, t.kind, COALESCE(o.name, c.name, ''), t.org_id, t.stage, COALESCE(t.office, ''), COALESCE(t.due_on, '')
         FROM task_list t LEFT JOIN orgs o ON o.id = t.org_id LEFT JOIN communities c ON c.id = t.community_id
         WHERE {OPEN}
         ORDER BY (COALESCE(t.office, '') = ?1) DESC, t.due_on, t.id LIMIT ?2"
    ))?;
    let rows = stmt.query_map(params![office, limit as i64], |r| {
        Ok(PaneTask {
            id: r.get(0)?,
            kind: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
            org: r.get(2)?,
            org_id: r.get(3)?,
            stage: r.get::<_, Option<String>>(4)?.unwrap_or_default(),
            office: r.get(5)?,
            due_on: r.get(6)?,
            overdue_days: 0,
        })
    })?;
    let mut out: Vec<PaneTask> = rows.collect::<rusqlite::Result<_>>()?;
    for t in &mut out {
        t.org = clean(&t.org);
        t.overdue_days = days(&t.due_on, today).max(0);
    }
    Ok((out, total, mine))
}

/// One organization's open tasks, by due day.
pub fn org_tasks(conn: &Connection, org: &str) -> Result<Vec<PaneTask>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT t.id, COALESCE(t.kind, ''), COALESCE(t.stage, ''), COALESCE(t.office, ''), COALESCE(t.due_on, '')
         FROM task_list t WHERE t.org_id = ?1 AND {OPEN} ORDER BY t.due_on"
    ))?;
    let rows = stmt.query_map([org], |r| {
        Ok(PaneTask {
            id: r.get(0)?,
            kind: r.get(1)?,
            org: String::new(),
            org_id: Some(org.to_string()),
            stage: r.get(2)?,
            office: r.get(3)?,
            due_on: r.get(4)?,
            overdue_days: 0,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// (organization id, building id, building name) of every organization in a
/// building, both live.
pub fn buildings_each(conn: &Connection, mut f: impl FnMut(String, String, String)) -> Result<()> {
    let mut stmt = conn.prepare(
        "SELECT o.id, b.id, COALESCE(b.name, '') FROM orgs o JOIN buildings b ON b.id = o.building_id
         WHERE o.deleted = 0 AND b.deleted = 0",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        f(r.get(0)?, r.get(1)?, r.get(2)?);
    }
    Ok(())
}

/// SQLite's counter of commits by other connections: cheap to poll.
pub fn data_version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA data_version", [], |r| r.get(0))?)
}
