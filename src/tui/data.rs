//! What the panes show, read from the store. The UI draws from these rows and
//! never touches the database itself.

use rusqlite::{Connection, params};

use crate::domain::Date;
use crate::error::Result;
use std::collections::{BTreeMap, HashMap};

use crate::domain::kinds::{Coverage, OrgKind};
use crate::store::read::{self, OrgRow};
use crate::text::clean;
use crate::tui::search;

#[derive(Debug, Clone)]
pub struct TaskRow {
    pub id: String,
    pub kind: String,
    pub org: String,
    pub org_id: Option<String>,
    pub stage: String,
    pub office: String,
    pub due_on: String,
    pub overdue_days: i64,
}

#[derive(Debug, Clone)]
pub struct AlertRow {
    pub id: String,
    pub rule: String,
    pub org: String,
    pub org_id: Option<String>,
    pub raised_on: String,
    pub due_on: Option<String>,
    pub age_days: i64,
}

/// One organization as the list shows it: interned places and names, enums
/// for codes, so 100,000 rows stay small in memory.
#[derive(Debug, Clone)]
pub struct ListRow {
    pub id: Box<str>,
    pub name: Box<str>,
    pub code: Option<Box<str>>,
    pub address: Box<str>,
    pub kind: OrgKind,
    pub coverage: Coverage,
    /// Indexes into `Names`; `NONE` when absent.
    pub street: u32,
    pub community: u32,
    pub instructor: u32,
    pub employees: Option<i64>,
    pub members: u32,
    pub last_survey: Option<Date>,
}

pub const NONE: u32 = u32::MAX;

/// Street, community and instructor names, stored once.
#[derive(Default)]
pub struct Names {
    list: Vec<Box<str>>,
    map: HashMap<Box<str>, u32>,
}

impl Names {
    pub fn intern(&mut self, s: Option<&str>) -> u32 {
        let Some(s) = s else { return NONE };
        if let Some(i) = self.map.get(s) {
            return *i;
        }
        let i = self.list.len() as u32;
        self.list.push(s.into());
        self.map.insert(s.into(), i);
        i
    }

    pub fn get(&self, i: u32) -> &str {
        self.list.get(i as usize).map(|s| &**s).unwrap_or("")
    }
}

/// Organizations with their names and search index, built together off the UI thread.
#[derive(Default)]
pub struct OrgData {
    pub rows: Vec<ListRow>,
    pub names: Names,
    pub index: search::Index,
}

impl OrgData {
    /// Adds one row; imported text never reaches the terminal as control sequences.
    pub fn push(&mut self, r: OrgRow) {
        self.push_in(r, None);
    }

    /// Adds one row in `building`: (its name, its `search::building_key`).
    pub fn push_in(&mut self, r: OrgRow, building: Option<(&str, &str)>) {
        let name = clean(&r.name);
        let address = clean(&r.address);
        self.index
            .push_row(&name, &search::place_key(&address, building));
        let row = ListRow {
            id: r.id.into(),
            code: r.code.map(|c| clean(&c).into()),
            address: address.into(),
            kind: OrgKind::parse(&r.kind).unwrap_or(OrgKind::Enterprise),
            coverage: Coverage::parse(&r.coverage).unwrap_or(Coverage::Uncovered),
            street: self.names.intern(Some(&clean(&r.street))),
            community: self.names.intern(r.community.map(|c| clean(&c)).as_deref()),
            instructor: self
                .names
                .intern(r.instructor.map(|c| clean(&c)).as_deref()),
            employees: r.employees,
            members: r.members.max(0) as u32,
            last_survey: r
                .last_survey_on
                .and_then(|d| Date::parse("last_survey_on", &d).ok()),
            name: name.into(),
        };
        self.rows.push(row);
    }

    pub fn from_rows(rows: Vec<OrgRow>) -> OrgData {
        let mut d = OrgData::default();
        for r in rows {
            d.push(r);
        }
        d
    }
}

/// The buildings organizations sit in, for their search keys: each building's
/// name and readings once, and which organizations are in which. Only
/// organizations in a building are listed, so this stays small.
#[derive(Default)]
struct Buildings {
    /// (name, `search::building_key`)
    list: Vec<(String, String)>,
    of_org: HashMap<Box<str>, u32>,
}

impl Buildings {
    fn load(conn: &Connection) -> Result<Buildings> {
        let mut b = Buildings::default();
        let mut ids: HashMap<String, u32> = HashMap::new();
        let mut stmt = conn.prepare(
            "SELECT o.id, b.id, COALESCE(b.name, '') FROM orgs o JOIN buildings b ON b.id = o.building_id
             WHERE o.deleted = 0 AND b.deleted = 0",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let bid: String = r.get(1)?;
            let i = match ids.get(&bid) {
                Some(i) => *i,
                None => {
                    let name = clean(&r.get::<_, String>(2)?);
                    let key = search::building_key(&name);
                    let i = b.list.len() as u32;
                    b.list.push((name, key));
                    ids.insert(bid, i);
                    i
                }
            };
            b.of_org.insert(r.get::<_, String>(0)?.into(), i);
        }
        Ok(b)
    }

    fn of(&self, org: &str) -> Option<(&str, &str)> {
        let i = *self.of_org.get(org)?;
        self.list
            .get(i as usize)
            .map(|(n, k)| (n.as_str(), k.as_str()))
    }
}

impl search::Searchable for ListRow {
    fn texts(&self) -> [&str; 3] {
        [
            &self.name,
            self.code.as_deref().unwrap_or(""),
            &self.address,
        ]
    }
}

pub fn orgs(conn: &Connection, today: Date) -> Result<OrgData> {
    let buildings = Buildings::load(conn)?;
    let mut d = OrgData::default();
    read::org_rows_each(conn, today, |r| {
        let b = buildings.of(&r.id);
        d.push_in(r, b)
    })?;
    d.rows.shrink_to_fit();
    Ok(d)
}

fn days(from: &str, to: Date) -> i64 {
    Date::parse("date", from)
        .map(|d| d.days_until(to))
        .unwrap_or(0)
}

/// Rows a pane keeps: beyond this the title still counts them all, but a
/// cadre narrows by office or rule rather than scrolling (and 100,000 rows
/// stay out of memory).
pub const PANE_ROWS: usize = 2000;
/// Alerts kept under each rule's heading, oldest first.
pub const RULE_ROWS: usize = 200;

/// Open tasks, the given office's first, then by due date; with the count of
/// all open tasks and of the office's.
pub fn tasks(conn: &Connection, today: Date, office: &str) -> Result<(Vec<TaskRow>, i64, i64)> {
    let open = "t.deleted = 0 AND t.closed_on IS NULL AND COALESCE(t.stage, '') <> 'closed'";
    let (total, mine): (i64, i64) = conn.query_row(
        &format!("SELECT COUNT(*), COALESCE(SUM(COALESCE(t.office, '') = ?1), 0) FROM tasks t WHERE {open}"),
        [office],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT t.id, t.kind, COALESCE(o.name, c.name, ''), t.org_id, t.stage, COALESCE(t.office, ''), COALESCE(t.due_on, '')
         FROM tasks t LEFT JOIN orgs o ON o.id = t.org_id LEFT JOIN communities c ON c.id = t.community_id
         WHERE {open}
         ORDER BY (COALESCE(t.office, '') = ?1) DESC, t.due_on, t.id LIMIT ?2"
    ))?;
    let rows = stmt.query_map(params![office, PANE_ROWS as i64], |r| {
        Ok(TaskRow {
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
    let mut out: Vec<TaskRow> = rows.collect::<rusqlite::Result<_>>()?;
    for t in &mut out {
        t.org = clean(&t.org);
        t.overdue_days = days(&t.due_on, today).max(0);
    }
    Ok((out, total, mine))
}

/// Open alerts grouped by rule (rules in order of their oldest alert), the
/// oldest of each rule first; with every rule's full count.
pub fn alerts(conn: &Connection, today: Date) -> Result<(Vec<AlertRow>, BTreeMap<String, i64>)> {
    let open = "WITH open AS (
           SELECT a.id, a.rule, a.subject, a.org_id, a.raised_on, a.due_on FROM alerts a
           WHERE a.resolved_on IS NULL
             AND (COALESCE(a.state, 'open') IN ('open', 'escalated') OR (a.state = 'snoozed' AND a.until_on <= ?1)))";
    let mut counts = BTreeMap::new();
    let mut stmt = conn.prepare_cached(&format!(
        "{open} SELECT COALESCE(rule, ''), COUNT(*) FROM open GROUP BY rule"
    ))?;
    for r in stmt.query_map([today.to_string()], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
    })? {
        let (rule, n) = r?;
        counts.insert(rule, n);
    }
    let mut stmt = conn.prepare_cached(&format!(
        "{open},
         ranked AS (SELECT *, ROW_NUMBER() OVER (PARTITION BY rule ORDER BY raised_on, id) AS k,
                           MIN(raised_on) OVER (PARTITION BY rule) AS first FROM open)
         SELECT r.id, COALESCE(r.rule, ''), COALESCE(o.name, r.subject, ''), r.org_id, COALESCE(r.raised_on, ''), r.due_on
         FROM ranked r LEFT JOIN orgs o ON o.id = r.org_id
         WHERE r.k <= ?2 ORDER BY r.first, r.rule, r.raised_on, r.id"
    ))?;
    let rows = stmt.query_map(params![today.to_string(), RULE_ROWS as i64], |r| {
        Ok(AlertRow {
            id: r.get(0)?,
            rule: r.get(1)?,
            org: r.get(2)?,
            org_id: r.get(3)?,
            raised_on: r.get(4)?,
            due_on: r.get(5)?,
            age_days: 0,
        })
    })?;
    let mut out: Vec<AlertRow> = rows.collect::<rusqlite::Result<_>>()?;
    for a in &mut out {
        a.org = clean(&a.org);
        a.age_days = days(&a.raised_on, today).max(0);
    }
    Ok((out, counts))
}

/// One organization's open alerts and tasks, for its detail view (the panes
/// keep only the first rows of each).
pub fn for_org(conn: &Connection, org: &str, today: Date) -> Result<(Vec<AlertRow>, Vec<TaskRow>)> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, COALESCE(rule, ''), COALESCE(raised_on, ''), due_on FROM alerts
         WHERE org_id = ?1 AND resolved_on IS NULL AND COALESCE(state, 'open') <> 'dismissed' ORDER BY raised_on",
    )?;
    let alerts = stmt
        .query_map([org], |r| {
            Ok(AlertRow {
                id: r.get(0)?,
                rule: r.get(1)?,
                org: String::new(),
                org_id: Some(org.to_string()),
                raised_on: r.get(2)?,
                due_on: r.get(3)?,
                age_days: 0,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?
        .into_iter()
        .map(|mut a| {
            a.age_days = days(&a.raised_on, today).max(0);
            a
        })
        .collect();
    let mut stmt = conn.prepare_cached(
        "SELECT id, COALESCE(kind, ''), COALESCE(stage, ''), COALESCE(office, ''), COALESCE(due_on, '') FROM tasks
         WHERE org_id = ?1 AND deleted = 0 AND closed_on IS NULL AND COALESCE(stage, '') <> 'closed' ORDER BY due_on",
    )?;
    let tasks = stmt
        .query_map([org], |r| {
            Ok(TaskRow {
                id: r.get(0)?,
                kind: r.get(1)?,
                org: String::new(),
                org_id: Some(org.to_string()),
                stage: r.get(2)?,
                office: r.get(3)?,
                due_on: r.get(4)?,
                overdue_days: 0,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok((alerts, tasks))
}

/// The status bar's sync part: when this replica last synced, and how many
/// local changes no peer has yet.
pub fn sync_state(conn: &Connection) -> Result<String> {
    let s = crate::store::peers::status(conn)?;
    Ok(format!(
        "{} {} · {} {}",
        crate::i18n::tr("上次同步", "last sync"),
        s.last_sync
            .as_deref()
            .and_then(|t| t.get(..16))
            .unwrap_or(crate::i18n::tr("从未", "never")),
        crate::i18n::tr("未发送", "unsent"),
        s.unsent
    ))
}

/// SQLite's counter of commits by other connections: cheap to poll.
pub fn data_version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA data_version", [], |r| r.get(0))?)
}
