//! Read queries about people: who works where on a day, who left, who moved,
//! and the floating members (流动党员).

use rusqlite::{Connection, params};
use serde::Serialize;

use crate::domain::{Date, Id};
use crate::error::Result;

/// A person `p` who is a floating member (流动党员): a party member whose
/// organizational relation sits elsewhere (outside the district) and who is
/// marked floating. Status and relation are the current ones.
pub const FLOATING: &str = "p.floating = 1 AND p.relation = 'elsewhere'
  AND p.status IN ('formal', 'probationary')";

/// A person `p` employed on day `?1`: hired on or before it, not left by it.
pub const EMPLOYED: &str = "(p.hired_on IS NULL OR p.hired_on <= ?1)
  AND (p.left_on IS NULL OR p.left_on > ?1)";

#[derive(Debug, Clone, Serialize)]
pub struct PersonRow {
    pub id: String,
    pub name: String,
    pub org_id: String,
    pub org: String,
    pub street: String,
    pub status: String,
    pub relation: Option<String>,
    pub floating: bool,
    pub manager: bool,
    pub hired_on: Option<String>,
    pub left_on: Option<String>,
    pub leave_reason: Option<String>,
    /// The organization the person moved here from, for a move.
    pub moved_from: Option<String>,
    /// The organization the person moved to, for a row a move ended.
    pub moved_to: Option<String>,
}

#[derive(Debug, Default)]
pub struct PersonFilter {
    pub org: Option<Id>,
    pub street: Option<Id>,
    /// Only floating members (`FLOATING`).
    pub floating: bool,
    /// Also the people who left (and those not yet hired).
    pub all: bool,
}

/// The columns of `PersonRow` over `persons p JOIN orgs o`.
const SELECT: &str = "
SELECT p.id, p.name, p.org_id, o.name, s.name, p.status, p.relation,
  COALESCE(p.floating, 0), COALESCE(p.manager, 0), p.hired_on, p.left_on, p.leave_reason,
  (SELECT fo.name FROM persons q JOIN orgs fo ON fo.id = q.org_id WHERE q.id = p.moved_from),
  (SELECT t.name FROM persons n JOIN orgs t ON t.id = n.org_id
     WHERE n.moved_from = p.id AND n.deleted = 0 LIMIT 1)
FROM persons p JOIN orgs o ON o.id = p.org_id LEFT JOIN streets s ON s.id = o.street_id";

fn person_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<PersonRow> {
    let text = |i: usize| -> rusqlite::Result<String> {
        Ok(r.get::<_, Option<String>>(i)?.unwrap_or_default())
    };
    Ok(PersonRow {
        id: r.get(0)?,
        name: text(1)?,
        org_id: text(2)?,
        org: text(3)?,
        street: text(4)?,
        status: text(5)?,
        relation: r.get(6)?,
        floating: r.get::<_, i64>(7)? != 0,
        manager: r.get::<_, i64>(8)? != 0,
        hired_on: r.get(9)?,
        left_on: r.get(10)?,
        leave_reason: r.get(11)?,
        moved_from: r.get(12)?,
        moved_to: r.get(13)?,
    })
}

/// People of organizations in the ledger (not deleted), by street,
/// organization and name; employed on `day` unless `f.all`.
pub fn persons(conn: &Connection, day: Date, f: &PersonFilter) -> Result<Vec<PersonRow>> {
    let sql = format!(
        "{SELECT} WHERE p.deleted = 0 AND o.deleted = 0
           AND (?2 IS NULL OR p.org_id = ?2) AND (?3 IS NULL OR o.street_id = ?3)
           AND (?4 = 1 OR ({EMPLOYED})) AND (?5 = 0 OR ({FLOATING}))
         ORDER BY s.name, o.name, p.left_on IS NOT NULL, p.name, p.hired_on"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(
        params![
            day.to_string(),
            f.org.as_ref().map(|o| o.as_str()),
            f.street.as_ref().map(|s| s.as_str()),
            f.all,
            f.floating
        ],
        person_row,
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One organization's people: those employed on `day` first, then the ones
/// who left (history), each by name.
pub fn of_org(conn: &Connection, org: &Id, day: Date) -> Result<Vec<PersonRow>> {
    let sql = format!(
        "{SELECT} WHERE p.deleted = 0 AND p.org_id = ?2
         ORDER BY NOT ({EMPLOYED}), p.status, p.name, p.hired_on"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(params![day.to_string(), org.as_str()], person_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
