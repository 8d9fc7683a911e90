//! Loading the dated facts the alert rules read: one query per kind of fact
//! over the whole ledger (never a query per organization), the queries read
//! side by side in organization order, so that one organization's facts are
//! held at a time (`by_org`).

use std::collections::BTreeMap;

use rusqlite::Connection;

use super::by_org::ByOrg;
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

type S = Option<String>;

/// The earliest day the ledger can hold; stands in for a missing entry date.
fn epoch() -> Date {
    Date(jiff::civil::date(1900, 1, 1))
}

/// A party organization's side of a link: its id, whether it is joint, and
/// the link's span within the organization's life.
type LinkRow = (String, Option<String>, S, S, S, S);

/// An assignment's instructor and facts.
type AssignmentRow = (String, Assignment);

/// One organization's own columns, as its facts begin: what is held of
/// every organization at once (about 100 bytes each), sorted by id.
struct Head {
    id: Box<str>,
    entered: Date,
    closed: Option<Date>,
    gone: Option<Date>,
    verified: Option<Date>,
    employees: Option<i64>,
    enterprise: bool,
    identity_check: bool,
}

impl Head {
    fn read(r: &rusqlite::Row<'_>) -> rusqlite::Result<Head> {
        let entered = day(r.get(1)?).unwrap_or_else(epoch);
        let (status, status_on): (S, S) = (r.get(6)?, r.get(7)?);
        let gone = status
            .as_deref()
            .and_then(|s| RegStatus::parse(s).ok())
            .is_some_and(|s| !s.is_operating())
            .then(|| day(status_on).unwrap_or(entered));
        Ok(Head {
            id: r.get::<_, String>(0)?.into_boxed_str(),
            entered,
            closed: day(r.get(2)?),
            gone,
            verified: day(r.get(8)?),
            employees: r.get(4)?,
            enterprise: r.get::<_, S>(3)?.as_deref() == Some("enterprise"),
            identity_check: r.get::<_, Option<i64>>(5)?.unwrap_or(0) != 0,
        })
    }

    fn facts(self) -> OrgFacts {
        OrgFacts {
            id: self.id.into_string(),
            entered: self.entered,
            closed: self.closed,
            enterprise: self.enterprise,
            employees: self.employees,
            identity_check: self.identity_check,
            gone: self.gone,
            surveys: Vec::new(),
            covers: Vec::new(),
            assignments: Vec::new(),
            members: Vec::new(),
            registration_task: None,
            verified: self.verified,
        }
    }
}

/// Each organization's facts (`only`, or every live one), one at a time
/// in id order; returns the joint branches' facts, which need every link
/// and so come after (none for one organization). Every query takes the
/// organization as `?1` and runs in organization order beside the others:
/// no organization's facts are held once handed on.
pub fn each_org(
    conn: &Connection,
    only: Option<&str>,
    mut f: impl FnMut(&OrgFacts),
) -> Result<Vec<JointFacts>> {
    let mut orgs = conn.prepare(
        "SELECT id, entered_on, closed_on, kind, employees, identity_check, status, status_on,
                CASE WHEN pending = 1 THEN verified_on END
         FROM orgs WHERE deleted = 0 AND (?1 IS NULL OR id = ?1)",
    )?;
    // `+org_id`: sorted, not read through the organization index, which
    // would fetch the rows' pages at random, one page read per row.
    let mut surveys = conn.prepare(
        "SELECT org_id, on_date, employees, identity_check FROM surveys
         WHERE ?1 IS NULL OR org_id = ?1 ORDER BY +org_id, on_date",
    )?;
    let mut links = conn.prepare(
        "SELECT l.org_id, p.id, p.mode, l.from_on, l.to_on, p.founded_on, p.dissolved_on
         FROM links l JOIN party_orgs p ON p.id = l.party_org_id
         WHERE l.deleted = 0 AND p.deleted = 0 AND (?1 IS NULL OR l.org_id = ?1)
         ORDER BY +l.org_id",
    )?;
    let mut assignments = conn.prepare(
        "SELECT org_id, id, instructor_id, from_on, to_on FROM assignments
         WHERE deleted = 0 AND (?1 IS NULL OR org_id = ?1) ORDER BY +org_id, rowid",
    )?;
    let mut visits = conn.prepare(
        "SELECT org_id, instructor_id, on_date FROM visits
         WHERE ?1 IS NULL OR org_id = ?1 ORDER BY +org_id",
    )?;
    let mut persons = conn.prepare(
        "SELECT org_id, id, hired_on, left_on, status, relation FROM persons
         WHERE deleted = 0 AND status IN ('formal', 'probationary') AND (?1 IS NULL OR org_id = ?1)
         ORDER BY +org_id, rowid",
    )?;
    let mut transfers = conn.prepare(
        "SELECT p.org_id, t.person_id, t.on_date FROM transfers t JOIN persons p ON p.id = t.person_id
         WHERE t.from_relation IN ('residence', 'elsewhere') AND (?1 IS NULL OR p.org_id = ?1)
         ORDER BY p.org_id, t.rowid",
    )?;
    let mut checks = conn.prepare(
        "SELECT org_id, MIN(created_on) FROM task_list WHERE deleted = 0 AND kind = 'registration'
         AND (?1 IS NULL OR org_id = ?1) GROUP BY org_id ORDER BY org_id",
    )?;
    let mut surveys = ByOrg::new(surveys.query([only])?, |r| {
        let (employees, ic): (Option<i64>, Option<i64>) = (r.get(2)?, r.get(3)?);
        Ok((
            r.get(0)?,
            day(r.get(1)?).map(|on| SurveyFact {
                on,
                employees,
                identity_check: ic.map(|x| x != 0),
            }),
        ))
    });
    let mut links: ByOrg<'_, LinkRow> = ByOrg::new(links.query([only])?, |r| {
        Ok((
            r.get(0)?,
            (
                r.get::<_, S>(1)?.unwrap_or_default(), // a primary key
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ),
        ))
    });
    let mut assignments: ByOrg<'_, Option<AssignmentRow>> =
        ByOrg::new(assignments.query([only])?, |r| {
            let from = day(r.get(3)?);
            Ok((
                r.get(0)?,
                from.map(|from| -> rusqlite::Result<AssignmentRow> {
                    Ok((
                        r.get::<_, S>(2)?.unwrap_or_default(),
                        Assignment {
                            id: r.get::<_, S>(1)?.unwrap_or_default(), // a primary key
                            span: Span {
                                from,
                                to: day(r.get(4)?),
                            },
                            visits: Vec::new(),
                        },
                    ))
                })
                .transpose()?,
            ))
        });
    let mut visits = ByOrg::new(visits.query([only])?, |r| {
        Ok((
            r.get(0)?,
            (r.get::<_, S>(1)?.unwrap_or_default(), day(r.get(2)?)),
        ))
    });
    let mut persons = ByOrg::new(persons.query([only])?, |r| {
        let relation: S = r.get(5)?;
        Ok((
            r.get(0)?,
            day(r.get(2)?)
                .map(|hired| -> rusqlite::Result<Member> {
                    Ok(Member {
                        id: r.get::<_, S>(1)?.unwrap_or_default(), // a primary key
                        hired,
                        left: day(r.get(3)?),
                        formal: r.get::<_, S>(4)?.as_deref() == Some("formal"),
                        outside: matches!(relation.as_deref(), Some("residence" | "elsewhere")),
                        transfers: Vec::new(),
                    })
                })
                .transpose()?,
        ))
    });
    let mut transfers = ByOrg::new(transfers.query([only])?, |r| {
        Ok((r.get(0)?, (r.get::<_, S>(1)?, day(r.get(2)?))))
    });
    let mut checks = ByOrg::new(checks.query([only])?, |r| Ok((r.get(0)?, day(r.get(1)?))));
    let mut joints: BTreeMap<String, JointFacts> = BTreeMap::new();
    // Read in the table's order and sorted here: read in id order, they
    // would visit the table's pages at random, one page read per row.
    let mut heads = orgs
        .query_map([only], Head::read)?
        .collect::<rusqlite::Result<Vec<Head>>>()?;
    heads.sort_unstable_by(|a, b| a.id.cmp(&b.id));
    for head in heads {
        let mut o = head.facts();
        let org = o.id.clone();
        surveys.take(&org, |s| o.surveys.extend(s), |_| {})?;
        let mut linked = Vec::new();
        links.take(&org, |l| linked.push(l), |l| unlinked(&mut joints, l))?;
        for l in linked {
            link(&mut o, &mut joints, l);
        }
        // Each assignment's instructor, for its visits: the last
        // assignment of an instructor to the organization takes them.
        let mut by_instructor: Vec<String> = Vec::new();
        assignments.take(
            &org,
            |a| {
                if let Some((ins, a)) = a {
                    by_instructor.push(ins);
                    o.assignments.push(a);
                }
            },
            |_| {},
        )?;
        visits.take(
            &org,
            |(ins, on)| {
                let k = by_instructor.iter().rposition(|i| *i == ins);
                if let (Some(k), Some(on)) = (k, on) {
                    o.assignments[k].visits.push(on);
                }
            },
            |_| {},
        )?;
        persons.take(&org, |m| o.members.extend(m), |_| {})?;
        transfers.take(
            &org,
            |(person, on)| {
                // an organization's few members, looked through
                let m = o
                    .members
                    .iter_mut()
                    .find(|m| Some(&m.id) == person.as_ref());
                if let (Some(m), Some(on)) = (m, on) {
                    m.transfers.push(on);
                }
            },
            |_| {},
        )?;
        checks.take(&org, |d| o.registration_task = d, |_| {})?;
        f(&o);
    }
    if only.is_some() {
        return Ok(Vec::new());
    }
    links.rest(|l| unlinked(&mut joints, l))?;
    Ok(joints.into_values().collect())
}

/// A link of organization `o`: what it covers, and toward a joint branch's
/// breadth while the organization operates.
fn link(o: &mut OrgFacts, joints: &mut BTreeMap<String, JointFacts>, l: LinkRow) {
    let (pid, mode, from, to, founded, dissolved) = l;
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
    if mode.as_deref() == Some("joint") {
        // A joint branch covers the organizations that operate: a closed,
        // deregistered or deleted one no longer counts toward its breadth.
        let counted = Span {
            from: span.from,
            to: [span.to, o.closed, o.gone].into_iter().flatten().min(),
        };
        joint(joints, pid, founded, dissolved).links.push(counted);
    }
    o.covers.push(Cover {
        span,
        standalone: mode.as_deref() == Some("standalone"),
    });
}

/// A link of an organization not read (a deleted one): a joint branch
/// linked only to such still has its facts, with nothing counted.
fn unlinked(joints: &mut BTreeMap<String, JointFacts>, l: LinkRow) {
    let (pid, mode, from, _, founded, dissolved) = l;
    if let (Some("joint"), Some(_), Some(founded)) = (mode.as_deref(), day(from), day(founded)) {
        joint(joints, pid, founded, day(dissolved));
    }
}

/// Joint branch `pid`'s facts, begun on its first link.
fn joint(
    joints: &mut BTreeMap<String, JointFacts>,
    pid: String,
    founded: Date,
    dissolved: Option<Date>,
) -> &mut JointFacts {
    joints.entry(pid.clone()).or_insert_with(|| JointFacts {
        id: pid,
        life: Span {
            from: founded,
            to: dissolved,
        },
        links: Vec::new(),
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
