//! Loading the dated facts the alert rules read: one query per kind of fact
//! over the whole ledger, grouped in memory (never a query per organization).

use std::collections::HashMap;

use rusqlite::Connection;

use crate::domain::Date;
use crate::domain::alerts::{
    Assignment, Cover, JointFacts, Member, OrgFacts, Span, SurveyFact, TaskFacts,
};
use crate::domain::kinds::RegStatus;
use crate::error::Result;

/// A stored day (`YYYY-MM-DD`); anything unreadable counts as absent. Read
/// by hand: the rules load about ten dates per organization.
pub(crate) fn day(s: Option<String>) -> Option<Date> {
    let b = s?.into_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i32> {
        b[r].iter().try_fold(0i32, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + i32::from(c - b'0'))
        })
    };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    jiff::civil::Date::new(y as i16, m as i8, d as i8)
        .ok()
        .map(Date)
}

fn rows<T>(
    conn: &Connection,
    sql: &str,
    only: Option<&str>,
    f: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    let mut stmt = conn.prepare(sql)?;
    let out = stmt
        .query_map([only], f)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(out)
}

type S = Option<String>;

/// Rows of `N` text columns (ids and dates).
fn texts<const N: usize>(conn: &Connection, sql: &str, only: Option<&str>) -> Result<Vec<[S; N]>> {
    rows(conn, sql, only, |r| {
        let mut a: [S; N] = std::array::from_fn(|_| None);
        for (i, x) in a.iter_mut().enumerate() {
            *x = r.get(i)?;
        }
        Ok(a)
    })
}

/// The earliest day the ledger can hold; stands in for a missing entry date.
fn epoch() -> Date {
    Date(jiff::civil::date(1900, 1, 1))
}

pub struct Facts {
    pub orgs: Vec<OrgFacts>,
    pub joints: Vec<JointFacts>,
    pub tasks: Vec<TaskFacts>,
}

/// The facts of one organization (`only`), or of all. Every query takes the
/// organization as `?1`; a joint branch's breadth needs all its links, so
/// joint branches are left out of one organization's facts.
pub fn load_for(conn: &Connection, only: Option<&str>) -> Result<Facts> {
    let mut orgs: Vec<OrgFacts> = Vec::new();
    let mut idx: HashMap<String, usize> = HashMap::new();
    for (id, entered, closed, kind, emp, ic, status, status_on, verified) in rows(
        conn,
        "SELECT id, entered_on, closed_on, kind, employees, identity_check, status, status_on,
                CASE WHEN pending = 1 THEN verified_on END
         FROM orgs WHERE deleted = 0 AND (?1 IS NULL OR id = ?1)",
        only,
        |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, S>(1)?,
                r.get::<_, S>(2)?,
                r.get::<_, S>(3)?,
                r.get::<_, Option<i64>>(4)?,
                r.get::<_, Option<i64>>(5)?,
                r.get::<_, S>(6)?,
                r.get::<_, S>(7)?,
                r.get::<_, S>(8)?,
            ))
        },
    )? {
        let entered = day(entered).unwrap_or_else(epoch);
        let gone = status
            .as_deref()
            .and_then(|s| RegStatus::parse(s).ok())
            .is_some_and(|s| !s.is_operating())
            .then(|| day(status_on).unwrap_or(entered));
        idx.insert(id.clone(), orgs.len());
        orgs.push(OrgFacts {
            id,
            entered,
            closed: day(closed),
            enterprise: kind.as_deref() == Some("enterprise"),
            employees: emp,
            identity_check: ic.unwrap_or(0) != 0,
            gone,
            surveys: Vec::new(),
            covers: Vec::new(),
            assignments: Vec::new(),
            members: Vec::new(),
            registration_task: None,
            verified: day(verified),
        });
    }
    let mut at = |org: &str| idx.get(org).copied();
    for (org, on, emp, ic) in rows(
        conn,
        "SELECT org_id, on_date, employees, identity_check FROM surveys
         WHERE ?1 IS NULL OR org_id = ?1 ORDER BY on_date",
        only,
        |r| {
            Ok((
                r.get::<_, S>(0)?,
                r.get::<_, S>(1)?,
                r.get::<_, Option<i64>>(2)?,
                r.get::<_, Option<i64>>(3)?,
            ))
        },
    )? {
        if let (Some(i), Some(on)) = (org.as_deref().and_then(&mut at), day(on)) {
            orgs[i].surveys.push(SurveyFact {
                on,
                employees: emp,
                identity_check: ic.map(|x| x != 0),
            });
        }
    }
    let mut joints: HashMap<String, JointFacts> = HashMap::new();
    for [org, pid, mode, from, to, founded, dissolved] in texts::<7>(
        conn,
        "SELECT l.org_id, p.id, p.mode, l.from_on, l.to_on, p.founded_on, p.dissolved_on
         FROM links l JOIN party_orgs p ON p.id = l.party_org_id
         WHERE l.deleted = 0 AND p.deleted = 0 AND (?1 IS NULL OR l.org_id = ?1)",
        only,
    )? {
        let pid = pid.unwrap_or_default(); // a primary key
        let (Some(from), Some(founded)) = (day(from), day(founded)) else {
            continue;
        };
        let (to, dissolved) = (day(to), day(dissolved));
        let end = match (to, dissolved) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let span = Span {
            from: from.max(founded),
            to: end,
        };
        let i = org.as_deref().and_then(&mut at);
        if mode.as_deref() == Some("joint") {
            // A joint branch covers the organizations that operate: a closed,
            // deregistered or deleted one no longer counts toward its breadth.
            let counted = i.map(|i| Span {
                from: span.from,
                to: [span.to, orgs[i].closed, orgs[i].gone]
                    .into_iter()
                    .flatten()
                    .min(),
            });
            let j = joints.entry(pid.clone()).or_insert_with(|| JointFacts {
                id: pid,
                life: Span {
                    from: founded,
                    to: dissolved,
                },
                links: Vec::new(),
            });
            if let Some(c) = counted {
                j.links.push(c);
            }
        }
        if let Some(i) = i {
            orgs[i].covers.push(Cover {
                span,
                standalone: mode.as_deref() == Some("standalone"),
            });
        }
    }
    let mut by_pair: HashMap<(String, String), (usize, usize)> = HashMap::new();
    for [id, ins, org, from, to] in texts::<5>(
        conn,
        "SELECT id, instructor_id, org_id, from_on, to_on FROM assignments
         WHERE deleted = 0 AND (?1 IS NULL OR org_id = ?1)",
        only,
    )? {
        let id = id.unwrap_or_default(); // a primary key
        let (Some(org), Some(from)) = (org, day(from)) else {
            continue;
        };
        if let Some(i) = at(&org) {
            by_pair.insert(
                (ins.unwrap_or_default(), org),
                (i, orgs[i].assignments.len()),
            );
            orgs[i].assignments.push(Assignment {
                id,
                span: Span { from, to: day(to) },
                visits: Vec::new(),
            });
        }
    }
    for [ins, org, on] in texts::<3>(
        conn,
        "SELECT instructor_id, org_id, on_date FROM visits WHERE ?1 IS NULL OR org_id = ?1",
        only,
    )? {
        let key = (ins.unwrap_or_default(), org.unwrap_or_default());
        if let (Some(&(i, k)), Some(on)) = (by_pair.get(&key), day(on)) {
            orgs[i].assignments[k].visits.push(on);
        }
    }
    let mut people: HashMap<String, (usize, usize)> = HashMap::new();
    for [id, org, hired, left, status, relation] in texts::<6>(
        conn,
        "SELECT id, org_id, hired_on, left_on, status, relation FROM persons
         WHERE deleted = 0 AND status IN ('formal', 'probationary') AND (?1 IS NULL OR org_id = ?1)",
        only,
    )? {
        let id = id.unwrap_or_default(); // a primary key
        let (Some(i), Some(hired)) = (org.as_deref().and_then(&mut at), day(hired)) else {
            continue;
        };
        people.insert(id.clone(), (i, orgs[i].members.len()));
        orgs[i].members.push(Member {
            id,
            hired,
            left: day(left),
            formal: status.as_deref() == Some("formal"),
            outside: matches!(relation.as_deref(), Some("residence" | "elsewhere")),
            transfers: Vec::new(),
        });
    }
    for [person, on] in texts::<2>(
        conn,
        "SELECT person_id, on_date FROM transfers WHERE from_relation IN ('residence', 'elsewhere')
         AND (?1 IS NULL OR person_id IN (SELECT id FROM persons WHERE org_id = ?1))",
        only,
    )? {
        if let (Some(&(i, k)), Some(on)) = (person.and_then(|p| people.get(&p)), day(on)) {
            orgs[i].members[k].transfers.push(on);
        }
    }
    for [org, made] in texts::<2>(
        conn,
        "SELECT org_id, MIN(created_on) FROM tasks WHERE deleted = 0 AND kind = 'registration'
         AND (?1 IS NULL OR org_id = ?1) GROUP BY org_id",
        only,
    )? {
        if let Some(i) = org.as_deref().and_then(&mut at) {
            orgs[i].registration_task = day(made);
        }
    }
    Ok(Facts {
        orgs,
        joints: match only {
            Some(_) => Vec::new(),
            None => joints.into_values().collect(),
        },
        tasks: tasks(conn, only)?,
    })
}

fn tasks(conn: &Connection, only: Option<&str>) -> Result<Vec<TaskFacts>> {
    let mut out: Vec<TaskFacts> = Vec::new();
    let mut idx: HashMap<String, usize> = HashMap::new();
    for [id, org, created, closed, due] in texts::<5>(
        conn,
        "SELECT id, org_id, created_on, closed_on, due_on FROM tasks
         WHERE deleted = 0 AND (?1 IS NULL OR org_id = ?1)",
        only,
    )? {
        let id = id.unwrap_or_default(); // a primary key
        let Some(created) = day(created) else {
            continue;
        };
        idx.insert(id.clone(), out.len());
        out.push(TaskFacts {
            id,
            org,
            steps: vec![created],
            closed: day(closed),
            due: day(due),
        });
    }
    for [task, on] in texts::<2>(
        conn,
        "SELECT task_id, on_date FROM task_steps WHERE stage IS NOT from_stage
         AND (?1 IS NULL OR task_id IN (SELECT id FROM tasks WHERE org_id = ?1)) ORDER BY on_date",
        only,
    )? {
        if let (Some(&i), Some(on)) = (task.and_then(|t| idx.get(&t)), day(on)) {
            out[i].steps.push(on);
        }
    }
    Ok(out)
}
