//! What the panes show, read from the store. The UI draws from these rows and
//! never touches the database itself.

use rusqlite::Connection;

use crate::domain::Date;
use crate::error::Result;
use std::collections::{BTreeMap, HashMap};

use crate::config::Alerts as Limits;
use crate::domain::kinds::{AlertGroup, Coverage, OrgKind};
use crate::store::alerts as store_alerts;
use crate::store::panes;
use crate::store::read::{self, OrgRow};
use crate::text::clean;
use crate::tui::search;

pub use crate::store::panes::PaneTask as TaskRow;

#[derive(Debug, Clone)]
pub struct AlertRow {
    pub id: String,
    pub rule: String,
    /// The organization, with the person or party organization it is about.
    pub org: String,
    pub org_id: Option<String>,
    pub raised_on: String,
    pub due_on: Option<String>,
    pub age_days: i64,
    pub overdue: bool,
}

impl From<&store_alerts::AlertRow> for AlertRow {
    fn from(a: &store_alerts::AlertRow) -> Self {
        let org = match (&a.org, &a.subject_name) {
            (Some(o), Some(s)) => format!("{o} {s}"),
            (Some(x), None) | (None, Some(x)) => x.clone(),
            (None, None) => a.subject.clone(),
        };
        AlertRow {
            id: a.id.clone(),
            rule: a.rule.clone(),
            org: clean(&org),
            org_id: a.org_id.clone(),
            raised_on: a.raised_on.clone(),
            due_on: a.due_on.clone(),
            age_days: a.age_days,
            overdue: a.overdue,
        }
    }
}

/// The open alerts of one group: how many, and the oldest one's age in days.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GroupCount {
    pub open: i64,
    pub oldest_days: i64,
}

/// The alerts pane: the first-time group whole (overdue first, then by due
/// day), the other groups as counts.
#[derive(Debug, Clone, Default)]
pub struct AlertPane {
    pub first: Vec<AlertRow>,
    pub groups: BTreeMap<AlertGroup, GroupCount>,
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
        panes::buildings_each(conn, |org, bid, name| {
            let i = match ids.get(&bid) {
                Some(i) => *i,
                None => {
                    let name = clean(&name);
                    let key = search::building_key(&name);
                    let i = b.list.len() as u32;
                    b.list.push((name, key));
                    ids.insert(bid, i);
                    i
                }
            };
            b.of_org.insert(org.into(), i);
        })?;
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

/// Rows a pane keeps: beyond this the title still counts them all, but a
/// cadre narrows by office or rule rather than scrolling (and 100,000 rows
/// stay out of memory).
pub const PANE_ROWS: usize = 2000;

/// Open tasks, the given office's first, then by due date; with the count of
/// all open tasks and of the office's.
pub fn tasks(conn: &Connection, today: Date, office: &str) -> Result<(Vec<TaskRow>, i64, i64)> {
    panes::tasks(conn, today, office, PANE_ROWS)
}

/// The alerts as of `today`, derived from the facts (no decision hides them):
/// each group counted, rows built only for the first-time group's.
pub fn alerts(conn: &Connection, today: Date, l: &Limits) -> Result<AlertPane> {
    let tally = store_alerts::tally(conn, today, l, AlertGroup::FirstTime)?;
    let mut pane = AlertPane::default();
    for g in AlertGroup::ALL {
        let c = tally.counts.get(g).copied().unwrap_or_default();
        pane.groups.insert(
            *g,
            GroupCount {
                open: i64::try_from(c.open).unwrap_or(i64::MAX),
                oldest_days: c.oldest_days,
            },
        );
    }
    let mut first: Vec<&store_alerts::AlertRow> = tally.rows.iter().collect();
    store_alerts::act_now_first(&mut first);
    pane.first = first.into_iter().map(AlertRow::from).collect();
    Ok(pane)
}

/// One organization's open alerts and tasks, for its detail view (the panes
/// keep only the first rows of each).
pub fn for_org(
    conn: &Connection,
    org: &str,
    today: Date,
    l: &Limits,
) -> Result<(Vec<AlertRow>, Vec<TaskRow>)> {
    let f = store_alerts::AlertFilter {
        org: Some(crate::domain::Id(org.to_string())),
        ..Default::default()
    };
    let mut alerts: Vec<AlertRow> = store_alerts::list(conn, today, l, &f)?
        .iter()
        .filter(|a| a.is_open())
        .map(AlertRow::from)
        .collect();
    alerts.sort_by(|a, b| a.raised_on.cmp(&b.raised_on));
    let tasks = panes::org_tasks(conn, org)?;
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

pub use crate::store::panes::data_version;
