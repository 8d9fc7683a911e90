//! Read queries for views and reports. Coverage on a day is computed by SQL
//! over all organizations at once, never a query per organization.

use rusqlite::{Connection, params};
use serde::Serialize;

use crate::domain::kinds::Coverage;
use crate::domain::{Date, Id};
use crate::error::Result;
use crate::store::schema_survey_days::FIRST_SURVEY;

/// `cov(org_id, rank)`: organizations with a coverage link in force on day
/// `?1` to a party organization that exists that day; rank 0 own, 1 building,
/// 2 joint (the strongest when several apply).
pub const COVERED: &str = "
cov AS (
  SELECT l.org_id AS org_id,
         MIN(CASE p.mode WHEN 'standalone' THEN 0 WHEN 'building' THEN 1 ELSE 2 END) AS rank
  FROM links l JOIN party_orgs p INDEXED BY party_orgs_span ON p.id = l.party_org_id
  WHERE l.deleted = 0 AND p.deleted = 0 AND l.from_on <= ?1 AND (l.to_on IS NULL OR l.to_on > ?1)
    AND p.founded_on <= ?1 AND (p.dissolved_on IS NULL OR p.dissolved_on > ?1)
  GROUP BY l.org_id
)";

/// An organization `o` operating on day `?1`: in N (one definition, in
/// `counts`), so lists show what reports count.
pub use super::counts::OPERATING;

/// The planner is told which indexes to use (`INDEXED BY`, `CROSS JOIN`
/// order): without statistics it prefers the primary-key index, which costs a
/// second lookup per organization.
/// Rank in `cov` to a coverage code.
pub const RANK_CODE: &str =
    "CASE cov.rank WHEN 0 THEN 'own' WHEN 1 THEN 'building' ELSE 'joint' END";

/// `cls(id, street_id, community_id, coverage)` for every organization
/// operating on day `?1`: own, building, joint, instructor only, none. Used
/// for lists; counts use the cheaper grouped queries in `report::coverage`.
pub fn classify() -> String {
    format!(
        "WITH {COVERED},
ins AS (
  SELECT DISTINCT org_id FROM assignments
  WHERE deleted = 0 AND from_on <= ?1 AND (to_on IS NULL OR to_on > ?1)
),
cls AS (
  SELECT o.id, o.street_id, o.community_id,
    CASE WHEN cov.org_id IS NOT NULL THEN {RANK_CODE}
         WHEN ins.org_id IS NOT NULL THEN 'instructor' ELSE 'none' END AS coverage
  FROM orgs o LEFT JOIN cov ON cov.org_id = o.id LEFT JOIN ins ON ins.org_id = o.id
  WHERE {OPERATING}
)"
    )
}

#[derive(Debug, Clone, Serialize)]
pub struct OrgRow {
    pub id: String,
    pub name: String,
    pub code: Option<String>,
    pub kind: String,
    pub street: String,
    pub community: Option<String>,
    pub employees: Option<i64>,
    pub members: i64,
    pub coverage: String,
    pub instructor: Option<String>,
    pub last_survey_on: Option<String>,
    pub address: String,
}

#[derive(Debug, Default)]
pub struct OrgFilter {
    pub street: Option<Id>,
    pub coverage: Option<Coverage>,
}

// The last survey day is `schema_survey_days::LAST_SURVEY`, spelled out
// because a constant cannot be spliced into another (a test holds the two
// together).
const ORG_ROW_SELECT: &str = "
SELECT o.id, o.name, o.code, o.kind, s.name, c.name, o.employees,
  (SELECT COUNT(*) FROM persons p WHERE p.org_id = o.id AND p.deleted = 0
     AND (p.hired_on IS NULL OR p.hired_on <= ?1) AND (p.left_on IS NULL OR p.left_on > ?1)
     AND p.status IN ('formal','probationary')),
  cls.coverage,
  (SELECT i.name FROM assignments a JOIN instructors i ON i.id = a.instructor_id
     WHERE a.org_id = o.id AND a.deleted = 0 AND a.from_on <= ?1 AND (a.to_on IS NULL OR a.to_on > ?1)
     ORDER BY a.from_on DESC LIMIT 1),
  (SELECT max(sv.on_date) FROM surveys sv WHERE sv.org_id = o.id), o.address
FROM cls JOIN orgs o ON o.id = cls.id
LEFT JOIN streets s ON s.id = o.street_id
LEFT JOIN communities c ON c.id = o.community_id";

/// Tables an organization row (`org_rows_each`) is not read from: a change
/// that wrote only these leaves every row as it was (`changes`).
pub const ORG_ROWS_UNREAD: &[&str] = &[
    "tasks",
    "task_steps",
    "alerts",
    "status_changes",
    "transfers",
    "visits",
    "users",
];

/// Whether a change that wrote `tables` may have changed organization rows.
pub fn org_rows_touched(tables: &std::collections::BTreeSet<String>) -> bool {
    tables
        .iter()
        .any(|t| !ORG_ROWS_UNREAD.contains(&t.as_str()))
}

fn org_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<OrgRow> {
    Ok(OrgRow {
        id: r.get(0)?,
        name: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
        code: r.get(2)?,
        kind: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
        street: r.get::<_, Option<String>>(4)?.unwrap_or_default(),
        community: r.get(5)?,
        employees: r.get(6)?,
        members: r.get(7)?,
        coverage: r.get(8)?,
        instructor: r.get(9)?,
        last_survey_on: r.get(10)?,
        address: r.get::<_, Option<String>>(11)?.unwrap_or_default(),
    })
}

/// Calls `each` for every organization operating on `day`, by street then
/// name, without collecting them (the terminal app keeps a compact copy).
pub fn org_rows_each(conn: &Connection, day: Date, mut each: impl FnMut(OrgRow)) -> Result<()> {
    let sql = format!("{} {ORG_ROW_SELECT} ORDER BY s.name, o.name", classify());
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query([day.to_string()])?;
    while let Some(r) = rows.next()? {
        each(org_row(r)?);
    }
    Ok(())
}

/// The first `limit` organizations operating on `day`, by street then name,
/// as `org_rows_each` gives them: read from the street-and-name index, with
/// coverage worked out for these rows only, so it costs the same at 1,000
/// organizations or 100,000 (the app's first frame shows them).
pub fn org_rows_first(conn: &Connection, day: Date, limit: usize) -> Result<Vec<OrgRow>> {
    let sql = format!(
        "WITH first AS (
  SELECT o.id FROM streets s INDEXED BY streets_name
    CROSS JOIN orgs o INDEXED BY orgs_street_name ON o.street_id = s.id
  WHERE {OPERATING} ORDER BY s.name, o.name LIMIT ?2
),
cov AS (
  SELECT l.org_id AS org_id,
         MIN(CASE p.mode WHEN 'standalone' THEN 0 WHEN 'building' THEN 1 ELSE 2 END) AS rank
  FROM first f CROSS JOIN links l INDEXED BY links_org ON l.org_id = f.id
    CROSS JOIN party_orgs p ON p.id = l.party_org_id
  WHERE l.deleted = 0 AND p.deleted = 0 AND l.from_on <= ?1 AND (l.to_on IS NULL OR l.to_on > ?1)
    AND p.founded_on <= ?1 AND (p.dissolved_on IS NULL OR p.dissolved_on > ?1)
  GROUP BY l.org_id
),
ins AS (
  SELECT DISTINCT a.org_id FROM first f CROSS JOIN assignments a ON a.org_id = f.id
  WHERE a.deleted = 0 AND a.from_on <= ?1 AND (a.to_on IS NULL OR a.to_on > ?1)
),
cls AS (
  SELECT f.id,
    CASE WHEN cov.org_id IS NOT NULL THEN {RANK_CODE}
         WHEN ins.org_id IS NOT NULL THEN 'instructor' ELSE 'none' END AS coverage
  FROM first f LEFT JOIN cov ON cov.org_id = f.id LEFT JOIN ins ON ins.org_id = f.id
)
{ORG_ROW_SELECT} ORDER BY s.name, o.name"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(params![day.to_string(), limit as i64], org_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Organizations operating on `day`, by street then name.
pub fn org_list(conn: &Connection, day: Date, f: &OrgFilter) -> Result<Vec<OrgRow>> {
    let sql = format!(
        "{} {ORG_ROW_SELECT}
         WHERE (?2 IS NULL OR o.street_id = ?2) AND (?3 IS NULL OR cls.coverage = ?3)
         ORDER BY s.name, o.name",
        classify()
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(
        params![
            day.to_string(),
            f.street.as_ref().map(|s| s.as_str()),
            f.coverage.map(|c| c.code())
        ],
        org_row,
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[derive(Debug, Serialize)]
pub struct LinkView {
    pub party_org: String,
    pub party_org_id: String,
    pub mode: String,
    pub from_on: String,
    pub to_on: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct AssignmentView {
    /// The assignment's id (`instructor end ID`).
    pub id: String,
    pub instructor: String,
    pub source: String,
    pub from_on: String,
    pub to_on: Option<String>,
    pub visits: i64,
    pub last_visit_on: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HistoryView {
    pub at: String,
    pub user: String,
    pub action: String,
    pub field: String,
    pub value: String,
}

#[derive(Debug, Serialize)]
pub struct OrgDetail {
    #[serde(flatten)]
    pub row: OrgRow,
    pub status: String,
    pub building: Option<String>,
    pub address: String,
    pub industry: String,
    pub legal_rep_member: bool,
    pub identity_check: bool,
    pub entered_on: Option<String>,
    pub closed_on: Option<String>,
    pub first_survey_on: Option<String>,
    /// Entered from the registration list: counts in N from `verified_on`.
    pub pending: bool,
    pub verified_on: Option<String>,
    pub links: Vec<LinkView>,
    /// Employed on the day first, then those who left (history).
    pub persons: Vec<super::read_people::PersonRow>,
    pub instructors: Vec<AssignmentView>,
    pub history: Vec<HistoryView>,
}

fn list<T>(
    conn: &Connection,
    sql: &str,
    id: &Id,
    f: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map([id.as_str()], f)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Everything known about one organization, as of `day`. An organization not
/// operating on `day` is still shown (coverage "none").
pub fn org_detail(conn: &Connection, id: &Id, day: Date) -> Result<OrgDetail> {
    let sql = format!(
        "{}, one AS (SELECT o.id, o.street_id, o.community_id, COALESCE((SELECT coverage FROM cls WHERE cls.id = o.id), 'none') AS coverage
                       FROM orgs o WHERE o.id = ?2)
         {}",
        classify(),
        ORG_ROW_SELECT.replace("FROM cls JOIN orgs o ON o.id = cls.id", "FROM one cls JOIN orgs o ON o.id = cls.id")
    );
    let row = conn.query_row(&sql, params![day.to_string(), id.as_str()], org_row)?;
    let mut d = conn.query_row(
        &format!(
            "SELECT o.status, b.name, o.address, o.industry, o.legal_rep_member, o.identity_check,
                    o.entered_on, o.closed_on, {FIRST_SURVEY}, o.pending, o.verified_on
             FROM orgs o LEFT JOIN buildings b ON b.id = o.building_id WHERE o.id = ?1"
        ),
        [id.as_str()],
        |r| {
            Ok(OrgDetail {
                row: row.clone(),
                status: r.get::<_, Option<String>>(0)?.unwrap_or_default(),
                building: r.get(1)?,
                address: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
                industry: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
                legal_rep_member: r.get::<_, Option<i64>>(4)?.unwrap_or(0) != 0,
                identity_check: r.get::<_, Option<i64>>(5)?.unwrap_or(0) != 0,
                entered_on: r.get(6)?,
                closed_on: r.get(7)?,
                first_survey_on: r.get(8)?,
                pending: r.get::<_, Option<i64>>(9)?.unwrap_or(0) != 0,
                verified_on: r.get(10)?,
                links: Vec::new(),
                persons: Vec::new(),
                instructors: Vec::new(),
                history: Vec::new(),
            })
        },
    )?;
    let links = list(
        conn,
        "SELECT p.name, p.id, p.mode, l.from_on, l.to_on FROM links l JOIN party_orgs p ON p.id = l.party_org_id
         WHERE l.org_id = ?1 AND l.deleted = 0 ORDER BY l.from_on",
        id,
        |r| {
            Ok(LinkView {
                party_org: r.get(0)?,
                party_org_id: r.get(1)?,
                mode: r.get(2)?,
                from_on: r.get(3)?,
                to_on: r.get(4)?,
            })
        },
    )?;
    let persons = super::read_people::of_org(conn, id, day)?;
    let instructors = list(
        conn,
        "SELECT a.id, i.name, i.source, a.from_on, a.to_on,
           (SELECT COUNT(*) FROM visits v WHERE v.org_id = a.org_id AND v.instructor_id = a.instructor_id),
           (SELECT MAX(on_date) FROM visits v WHERE v.org_id = a.org_id AND v.instructor_id = a.instructor_id)
         FROM assignments a JOIN instructors i ON i.id = a.instructor_id
         WHERE a.org_id = ?1 AND a.deleted = 0 ORDER BY a.from_on",
        id,
        |r| {
            Ok(AssignmentView {
                id: r.get(0)?,
                instructor: r.get(1)?,
                source: r.get(2)?,
                from_on: r.get(3)?,
                to_on: r.get(4)?,
                visits: r.get(5)?,
                last_visit_on: r.get(6)?,
            })
        },
    )?;
    // The row's ops through the op log's row index (see `merge::ROW_MATCH`).
    let history = list(
        conn,
        "SELECT a.at, a.user_name, a.action, o.field, o.value FROM oplog o
         JOIN audit a ON a.site_id = o.site_id AND o.seq BETWEEN a.first_seq AND a.last_seq
         WHERE o.tbl = 'orgs' AND +o.row_id = ?1 AND substr(o.row_id, 25) = substr(?1, 25)
         ORDER BY o.hlc",
        id,
        |r| {
            Ok(HistoryView {
                at: r.get(0)?,
                user: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
                action: r.get(2)?,
                field: r.get(3)?,
                value: r.get::<_, Option<String>>(4)?.unwrap_or_default(),
            })
        },
    )?;
    // A row op made the row: shown as the fields it set, one a line, in
    // the order of their names whichever way the op lists them.
    let history = history
        .into_iter()
        .flat_map(
            |h| match crate::store::op::row_fields("orgs", Some(&h.value)) {
                Some(mut fields) if h.field == crate::store::op::ROW => {
                    fields.sort();
                    fields
                }
                .into_iter()
                .map(|(field, value)| HistoryView {
                    field,
                    value,
                    ..h.clone()
                })
                .collect(),
                _ if h.field.starts_with(crate::store::op::STUB) => vec![HistoryView {
                    field: h
                        .field
                        .trim_start_matches(crate::store::op::STUB)
                        .to_string(),
                    value: crate::i18n::tr("（已压缩）", "(compacted)").to_string(),
                    ..h
                }],
                _ => vec![h],
            },
        )
        .collect();
    d.links = links;
    d.persons = persons;
    d.instructors = instructors;
    d.history = history;
    Ok(d)
}

/// Streets with their ids, by name.
pub fn streets(conn: &Connection) -> Result<Vec<(Id, String)>> {
    let mut stmt = conn.prepare("SELECT id, name FROM streets WHERE deleted = 0 ORDER BY name")?;
    let rows = stmt.query_map([], |r| Ok((Id(r.get(0)?), r.get::<_, String>(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod unread_tests {
    use super::*;

    /// The tables said not to feed an organization row appear nowhere in
    /// the query that reads the rows: a join added there later fails here
    /// instead of leaving the app's list stale.
    /// The row's last survey day is read as everywhere else.
    #[test]
    fn org_rows_read_the_last_survey_day_as_spelled_once() {
        assert!(ORG_ROW_SELECT.contains(crate::store::schema_survey_days::LAST_SURVEY));
    }

    #[test]
    fn org_rows_read_none_of_the_unread_tables() {
        let sql = format!("{} {ORG_ROW_SELECT}", classify());
        let words: std::collections::BTreeSet<&str> = sql
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .collect();
        assert!(words.contains("orgs") && words.contains("persons"));
        for t in ORG_ROWS_UNREAD {
            assert!(!words.contains(t), "{t} is read by the organization rows");
        }
    }
}
