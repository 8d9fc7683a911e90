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

/// Each row of `sql`, read by `f` and handed to `each` as it comes: the
/// rows are never all held at once (a district of 100,000 organizations
/// has hundreds of thousands of them).
fn rows<T>(
    conn: &Connection,
    sql: &str,
    only: Option<&str>,
    f: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    mut each: impl FnMut(T),
) -> Result<()> {
    let mut stmt = conn.prepare(sql)?;
    for r in stmt.query_map([only], f)? {
        each(r?);
    }
    Ok(())
}

type S = Option<String>;

/// Rows of `N` text columns (ids and dates), one at a time.
fn texts<const N: usize>(
    conn: &Connection,
    sql: &str,
    only: Option<&str>,
    each: impl FnMut([S; N]),
) -> Result<()> {
    rows(
        conn,
        sql,
        only,
        |r| {
            let mut a: [S; N] = std::array::from_fn(|_| None);
            for (i, x) in a.iter_mut().enumerate() {
                *x = r.get(i)?;
            }
            Ok(a)
        },
        each,
    )
}

/// Room for the organizations of a whole-ledger load, so their list is
/// allocated once instead of doubling past 100,000 (one organization's: none).
fn room(conn: &Connection, only: Option<&str>) -> Result<usize> {
    if only.is_some() {
        return Ok(0);
    }
    let n: i64 = conn.query_row("SELECT count(*) FROM orgs WHERE deleted = 0", [], |r| {
        r.get(0)
    })?;
    Ok(usize::try_from(n).unwrap_or(0))
}

/// The earliest day the ledger can hold; stands in for a missing entry date.
fn epoch() -> Date {
    Date(jiff::civil::date(1900, 1, 1))
}

/// The facts of organizations and joint branches; tasks' come one at a
/// time (`each_task`).
pub struct Facts {
    pub orgs: Vec<OrgFacts>,
    pub joints: Vec<JointFacts>,
}

/// The facts of one organization (`only`), or of all. Every query takes the
/// organization as `?1`; a joint branch's breadth needs all its links, so
/// joint branches are left out of one organization's facts.
pub fn load_for(conn: &Connection, only: Option<&str>) -> Result<Facts> {
    let n = room(conn, only)?;
    let mut orgs: Vec<OrgFacts> = Vec::with_capacity(n);
    let mut idx: HashMap<String, usize> = HashMap::with_capacity(n);
    rows(
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
        |(id, entered, closed, kind, emp, ic, status, status_on, verified)| {
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
        },
    )?;
    let mut at = |org: &str| idx.get(org).copied();
    rows(
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
        |(org, on, emp, ic)| {
            if let (Some(i), Some(on)) = (org.as_deref().and_then(&mut at), day(on)) {
                orgs[i].surveys.push(SurveyFact {
                    on,
                    employees: emp,
                    identity_check: ic.map(|x| x != 0),
                });
            }
        },
    )?;
    let mut joints: HashMap<String, JointFacts> = HashMap::new();
    texts::<7>(
        conn,
        "SELECT l.org_id, p.id, p.mode, l.from_on, l.to_on, p.founded_on, p.dissolved_on
         FROM links l JOIN party_orgs p ON p.id = l.party_org_id
         WHERE l.deleted = 0 AND p.deleted = 0 AND (?1 IS NULL OR l.org_id = ?1)",
        only,
        |[org, pid, mode, from, to, founded, dissolved]| {
            let pid = pid.unwrap_or_default(); // a primary key
            let (Some(from), Some(founded)) = (day(from), day(founded)) else {
                return;
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
        },
    )?;
    let mut by_pair: HashMap<(String, String), (usize, usize)> = HashMap::new();
    texts::<5>(
        conn,
        "SELECT id, instructor_id, org_id, from_on, to_on FROM assignments
         WHERE deleted = 0 AND (?1 IS NULL OR org_id = ?1)",
        only,
        |[id, ins, org, from, to]| {
            let id = id.unwrap_or_default(); // a primary key
            let (Some(org), Some(from)) = (org, day(from)) else {
                return;
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
        },
    )?;
    texts::<3>(
        conn,
        "SELECT instructor_id, org_id, on_date FROM visits WHERE ?1 IS NULL OR org_id = ?1",
        only,
        |[ins, org, on]| {
            let key = (ins.unwrap_or_default(), org.unwrap_or_default());
            if let (Some(&(i, k)), Some(on)) = (by_pair.get(&key), day(on)) {
                orgs[i].assignments[k].visits.push(on);
            }
        },
    )?;
    texts::<6>(
        conn,
        "SELECT id, org_id, hired_on, left_on, status, relation FROM persons
         WHERE deleted = 0 AND status IN ('formal', 'probationary') AND (?1 IS NULL OR org_id = ?1)",
        only,
        |[id, org, hired, left, status, relation]| {
            let id = id.unwrap_or_default(); // a primary key
            let (Some(i), Some(hired)) = (org.as_deref().and_then(&mut at), day(hired)) else {
                return;
            };
            orgs[i].members.push(Member {
                id,
                hired,
                left: day(left),
                formal: status.as_deref() == Some("formal"),
                outside: matches!(relation.as_deref(), Some("residence" | "elsewhere")),
                transfers: Vec::new(),
            });
        },
    )?;
    texts::<3>(
        conn,
        "SELECT p.org_id, t.person_id, t.on_date FROM transfers t JOIN persons p ON p.id = t.person_id
         WHERE t.from_relation IN ('residence', 'elsewhere') AND (?1 IS NULL OR p.org_id = ?1)
         ORDER BY t.rowid",
        only,
        |[org, person, on]| {
            let (Some(i), Some(person), Some(on)) =
                (org.as_deref().and_then(&mut at), person, day(on))
            else {
                return;
            };
            // an organization's few members, looked through instead of a map
            // of every member's id
            if let Some(m) = orgs[i].members.iter_mut().find(|m| m.id == person) {
                m.transfers.push(on);
            }
        },
    )?;
    texts::<2>(
        conn,
        "SELECT org_id, MIN(created_on) FROM task_list WHERE deleted = 0 AND kind = 'registration'
         AND (?1 IS NULL OR org_id = ?1) GROUP BY org_id",
        only,
        |[org, made]| {
            if let Some(i) = org.as_deref().and_then(&mut at) {
                orgs[i].registration_task = day(made);
            }
        },
    )?;
    Ok(Facts {
        orgs,
        joints: match only {
            Some(_) => Vec::new(),
            None => joints.into_values().collect(),
        },
    })
}

/// Each task's facts, one task at a time: a district of 100,000
/// organizations has as many half-year tasks each cycle, and the rules
/// read one task at a time.
pub fn each_task(
    conn: &Connection,
    only: Option<&str>,
    mut f: impl FnMut(TaskFacts),
) -> Result<()> {
    // One row per step (or one for a task without steps), a task's rows
    // together: the join runs in the tasks' rowid order.
    let mut stmt = conn.prepare(
        "SELECT t.rowid, t.id, t.org_id, t.created_on, t.closed_on, t.due_on, s.on_date
         FROM tasks t LEFT JOIN task_steps s ON s.task_id = t.id AND s.stage IS NOT s.from_stage
         WHERE t.deleted = 0 AND (?1 IS NULL OR t.org_id = ?1) ORDER BY t.rowid",
    )?;
    let finish = |mut t: TaskFacts| {
        t.steps[1..].sort();
        t
    };
    let mut last: Option<i64> = None;
    let mut cur: Option<TaskFacts> = None;
    let mut rows = stmt.query([only])?;
    while let Some(r) = rows.next()? {
        let rowid: i64 = r.get(0)?;
        if last != Some(rowid) {
            last = Some(rowid);
            if let Some(t) = cur.take() {
                f(finish(t));
            }
            // a task without a readable creation day has no facts
            cur = match day(r.get(3)?) {
                Some(created) => Some(TaskFacts {
                    id: r.get::<_, Option<String>>(1)?.unwrap_or_default(), // a primary key
                    org: r.get(2)?,
                    steps: vec![created],
                    closed: day(r.get(4)?),
                    due: day(r.get(5)?),
                }),
                None => None,
            };
        }
        if let (Some(t), Some(on)) = (cur.as_mut(), day(r.get(6)?)) {
            t.steps.push(on);
        }
    }
    if let Some(t) = cur {
        f(finish(t));
    }
    // Then the registration checks still implied by their organization
    // (no row yet, so no steps either).
    let mut stmt = conn.prepare(&format!(
        "{} AND (?1 IS NULL OR o.id = ?1)",
        super::schema_checks::IMPLIED
    ))?;
    let mut rows = stmt.query([only])?;
    while let Some(r) = rows.next()? {
        if let Some(created) = day(r.get(2)?) {
            f(TaskFacts {
                id: r.get::<_, Option<String>>(0)?.unwrap_or_default(),
                org: r.get(1)?,
                steps: vec![created],
                closed: None,
                due: day(r.get(3)?),
            });
        }
    }
    Ok(())
}
