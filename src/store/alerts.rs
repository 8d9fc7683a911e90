//! Alerts are derived: every replica computes them from the facts as of a day
//! (the rules in `domain::alerts`), so the same facts give the same alerts,
//! with the same raised and resolved days, everywhere. Only decisions —
//! snooze and dismiss — are written, in `alerts`, one row per episode (rule,
//! subject, raised day). Rows an earlier version wrote for every episode stay
//! as history; only their decisions count.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use super::alert_facts::{self, day};
use crate::config::Alerts as Limits;
use crate::domain::alerts::{self as rules, Finding, Rule};
use crate::domain::command::AlertKey;
use crate::domain::kinds::{AlertGroup, AlertState};
use crate::domain::{Date, Id};
use crate::error::{Error, Noun, Result};
use crate::i18n::tr;

/// Every episode the rules find as of `today`, open and resolved, oldest first.
pub fn findings(conn: &Connection, l: &Limits, today: Date) -> Result<Vec<Finding>> {
    findings_of(conn, l, today, None)
}

/// The episodes about one organization (`only`), or all.
fn findings_of(
    conn: &Connection,
    l: &Limits,
    today: Date,
    only: Option<&str>,
) -> Result<Vec<Finding>> {
    let mut out: Vec<Finding> = Vec::new();
    each_finding(conn, l, today, only, |x| out.push(x))?;
    out.sort_by(|a, b| (a.raised, a.rule, &a.subject).cmp(&(b.raised, b.rule, &b.subject)));
    Ok(out)
}

/// Each episode the rules find, once, as they find it.
fn each_finding(
    conn: &Connection,
    l: &Limits,
    today: Date,
    only: Option<&str>,
    mut f: impl FnMut(Finding),
) -> Result<()> {
    let joints = alert_facts::each_org(conn, only, |o| once(rules::for_org(o, l, today), &mut f))?;
    for b in &joints {
        once(rules::joint_branch_too_broad(b, l, today), &mut f);
    }
    alert_facts::each_task(conn, only, |t| {
        once(rules::stage_overdue(&t, l, today), &mut f)
    })
}

/// One source's findings (an organization's, a joint branch's, a task's),
/// each episode the first time it comes. A source may find an episode
/// twice; two sources never find the same one, since every subject (an
/// organization, its members and assignments, a branch, a task) belongs
/// to one source: so no set of every episode found is kept.
fn once(found: Vec<Finding>, f: &mut impl FnMut(Finding)) {
    let mut kept: Vec<Finding> = Vec::with_capacity(found.len());
    for x in found {
        let same = |k: &Finding| (k.raised, k.rule) == (x.raised, x.rule) && k.subject == x.subject;
        if !kept.iter().any(same) {
            kept.push(x);
        }
    }
    kept.into_iter().for_each(f);
}

/// The same episode gets the same id on every replica that finds it, so a
/// decision taken on one names the same alert on all: a UUIDv7 stamped with
/// the raised day, its random part from a hash of rule, subject and day.
pub fn episode_id(rule: Rule, subject: &str, raised: Date) -> Id {
    use sha2::{Digest, Sha256};
    let h = Sha256::digest(format!("{}\0{}\0{}", rule.code(), subject, raised));
    let mut random = [0u8; 10];
    random.copy_from_slice(&h[..10]);
    let epoch = Date(jiff::civil::date(1970, 1, 1));
    let ms = u64::try_from(epoch.days_until(raised)).unwrap_or(0) * 86_400_000;
    Id::seeded(ms, random)
}

#[derive(Debug, Clone, Serialize)]
pub struct AlertRow {
    pub id: String,
    /// `rule:subject`, the same for every episode of one alert.
    pub key: String,
    pub rule: String,
    pub subject: String,
    /// The person or party organization the alert is about, when not the organization.
    pub subject_name: Option<String>,
    pub org_id: Option<String>,
    pub org: Option<String>,
    pub street: Option<String>,
    pub raised_on: String,
    pub due_on: Option<String>,
    pub resolved_on: Option<String>,
    /// As of today: the facts resolve it, else the decision taken on it.
    pub state: AlertState,
    pub until_on: Option<String>,
    pub reason: Option<String>,
    pub escalated: bool,
    pub overdue: bool,
    /// first-time | backlog | routine (see `domain::alerts::group`).
    pub group: AlertGroup,
    /// Days since it was raised.
    pub age_days: i64,
}

impl AlertRow {
    /// Open: wants an answer today (not resolved, dismissed or snoozed).
    pub fn is_open(&self) -> bool {
        self.state == AlertState::Open
    }

    /// The episode, as a decision names it.
    pub fn key(&self) -> Result<AlertKey> {
        let raised = day(Some(self.raised_on.clone()))
            .ok_or_else(|| Error::invalid("raised_on", self.raised_on.as_str(), "YYYY-MM-DD"))?;
        Ok(AlertKey {
            id: Id(self.id.clone()),
            rule: Rule::parse(&self.rule)?,
            subject: self.subject.clone(),
            org: self.org_id.clone().map(Id),
            raised_on: raised,
        })
    }
}

/// The order a checklist acts in: overdue first, then by due day (none
/// last), then oldest first.
pub fn act_now_first(rows: &mut [&AlertRow]) {
    rows.sort_by(|a, b| {
        (!a.overdue, a.due_on.is_none(), &a.due_on, &a.raised_on).cmp(&(
            !b.overdue,
            b.due_on.is_none(),
            &b.due_on,
            &b.raised_on,
        ))
    });
}

#[derive(Debug, Default)]
pub struct AlertFilter {
    pub rule: Option<Rule>,
    pub group: Option<AlertGroup>,
    /// Dismissed and resolved ones too.
    pub all: bool,
    pub street: Option<Id>,
    pub community: Option<Id>,
    pub org: Option<Id>,
}

struct Decision {
    state: AlertState,
    until: Option<String>,
    reason: Option<String>,
}

/// Snoozes and dismissals by episode id.
fn decisions(conn: &Connection) -> Result<HashMap<String, Decision>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, state, until_on, reason FROM alerts WHERE state IN ('snoozed', 'dismissed')",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<String>>(2)?,
            r.get::<_, Option<String>>(3)?,
        ))
    })?;
    let mut out = HashMap::new();
    for r in rows {
        let (id, state, until, reason) = r?;
        if let Ok(state) = AlertState::parse(&state) {
            out.insert(
                id,
                Decision {
                    state,
                    until,
                    reason,
                },
            );
        }
    }
    Ok(out)
}

/// Where the organizations are and what they and the streets are called.
struct Places {
    orgs: HashMap<String, (String, Option<String>, Option<String>)>,
    streets: HashMap<String, String>,
}

/// Every organization's place, or those of `only` (looked up one by one).
fn places<'a>(conn: &Connection, only: Option<impl Iterator<Item = &'a str>>) -> Result<Places> {
    type Place = (String, String, Option<String>, Option<String>);
    let place = |r: &rusqlite::Row<'_>| -> rusqlite::Result<Place> {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, Option<String>>(1)?.unwrap_or_default(),
            r.get::<_, Option<String>>(2)?,
            r.get::<_, Option<String>>(3)?,
        ))
    };
    let mut orgs = HashMap::new();
    match only {
        None => {
            let mut stmt =
                conn.prepare_cached("SELECT id, name, street_id, community_id FROM orgs")?;
            for r in stmt.query_map([], place)? {
                let (id, name, street, community) = r?;
                orgs.insert(id, (name, street, community));
            }
        }
        Some(ids) => {
            let mut stmt = conn.prepare_cached(
                "SELECT id, name, street_id, community_id FROM orgs WHERE id = ?1",
            )?;
            for id in ids {
                if orgs.contains_key(id) {
                    continue;
                }
                if let Some((id, name, street, community)) =
                    stmt.query_row([id], place).optional()?
                {
                    orgs.insert(id, (name, street, community));
                }
            }
        }
    }
    let mut streets = HashMap::new();
    let mut stmt = conn.prepare_cached("SELECT id, name FROM streets")?;
    for r in stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, Option<String>>(1)?.unwrap_or_default(),
        ))
    })? {
        let (id, name) = r?;
        streets.insert(id, name);
    }
    Ok(Places { orgs, streets })
}

/// Whether a rule's subject is a person or a party organization with a
/// name to show (the others are about the organization itself, an
/// instructor's assignment or a task).
fn names_subject(rule: Rule) -> bool {
    match rule {
        Rule::RelationNotTransferred | Rule::JointBranchTooBroad => true,
        Rule::NewMemberHire
        | Rule::IdentityCheckMissing
        | Rule::InstructorMissing
        | Rule::InstructorVisitOverdue
        | Rule::BranchEligible
        | Rule::LedgerStale
        | Rule::RegistrationMissing
        | Rule::DeregisteredActive
        | Rule::StageOverdue => false,
    }
}

/// The name of a person or party organization an alert is about, and the
/// party organization's street.
fn subject(conn: &Connection, id: &str) -> Result<(Option<String>, Option<String>)> {
    Ok(conn
        .prepare_cached(
            "SELECT name, NULL FROM persons WHERE id = ?1
             UNION ALL SELECT name, street_id FROM party_orgs WHERE id = ?1 LIMIT 1",
        )?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .unwrap_or((None, None)))
}

/// The alerts as of `today` that `f` asks for, newest first.
pub fn list(conn: &Connection, today: Date, l: &Limits, f: &AlertFilter) -> Result<Vec<AlertRow>> {
    let found = findings_of(conn, l, today, f.org.as_ref().map(|o| o.as_str()))?;
    rows(conn, found, today, l, f)
}

/// What a listing knows of one episode once the decisions are read.
struct Judged<'a> {
    x: Finding,
    id: Id,
    state: AlertState,
    group: AlertGroup,
    decision: Option<&'a Decision>,
}

/// An episode if `f` asks for it by rule, organization, group and state,
/// with its decision (the place filters need the places, in `row`).
fn judge<'a>(
    x: Finding,
    id: Id,
    decided: &'a HashMap<String, Decision>,
    today: Date,
    l: &Limits,
    f: &AlertFilter,
) -> Option<Judged<'a>> {
    if f.rule.is_some_and(|r| r != x.rule)
        || f.org
            .as_ref()
            .is_some_and(|o| x.org.as_deref() != Some(o.as_str()))
    {
        return None;
    }
    let group = rules::group(x.rule, x.raised, today, l.first_time_days);
    if f.group.is_some_and(|g| g != group) {
        return None;
    }
    let decision = decided.get(id.as_str());
    // Stored days compare as text; the day is written out only for a
    // decision with an end.
    let snoozed = |d: &Decision| {
        d.until
            .as_deref()
            .is_some_and(|u| u > today.to_string().as_str())
    };
    let state = match (decision, x.resolved) {
        (Some(d), _) if d.state == AlertState::Dismissed => AlertState::Dismissed,
        (_, Some(_)) => AlertState::Resolved,
        (Some(d), None) if snoozed(d) => AlertState::Snoozed,
        _ => AlertState::Open,
    };
    if !f.all && !matches!(state, AlertState::Open | AlertState::Snoozed) {
        return None;
    }
    Some(Judged {
        x,
        id,
        state,
        group,
        decision,
    })
}

/// The row of one judged episode, or none when it is outside `f`'s place.
fn row(
    conn: &Connection,
    j: Judged<'_>,
    places: &Places,
    today: Date,
    l: &Limits,
    f: &AlertFilter,
) -> Result<Option<AlertRow>> {
    let Judged {
        x,
        id,
        state,
        group,
        decision: d,
    } = j;
    let org = x.org.as_deref().and_then(|o| places.orgs.get(o));
    let (subject_name, branch_street) = if names_subject(x.rule) {
        subject(conn, &x.subject)?
    } else {
        (None, None)
    };
    let street_id = org.and_then(|o| o.1.clone()).or(branch_street);
    if f.street
        .as_ref()
        .is_some_and(|s| street_id.as_deref() != Some(s.as_str()))
        || f.community
            .as_ref()
            .is_some_and(|c| org.and_then(|o| o.2.as_deref()) != Some(c.as_str()))
    {
        return Ok(None);
    }
    let open = state == AlertState::Open;
    Ok(Some(AlertRow {
        id: id.0,
        key: format!("{}:{}", x.rule.code(), x.subject),
        rule: x.rule.code().to_string(),
        subject_name,
        org_id: x.org.clone(),
        org: org.map(|o| o.0.clone()),
        street: street_id.and_then(|s| places.streets.get(&s).cloned()),
        raised_on: x.raised.to_string(),
        due_on: x.due.map(|d| d.to_string()),
        resolved_on: x.resolved.map(|d| d.to_string()),
        state,
        until_on: d.and_then(|d| d.until.clone()),
        reason: d.and_then(|d| d.reason.clone()),
        escalated: open && rules::escalated(x.rule, x.raised, l, today),
        overdue: open && x.due.is_some_and(|d| d < today),
        group,
        age_days: x.raised.days_until(today).max(0),
        subject: x.subject,
    }))
}

fn rows(
    conn: &Connection,
    found: Vec<Finding>,
    today: Date,
    l: &Limits,
    f: &AlertFilter,
) -> Result<Vec<AlertRow>> {
    let decided = decisions(conn)?;
    let places = places(conn, None::<std::iter::Empty<&str>>)?;
    let mut out = Vec::new();
    for x in found {
        let id = episode_id(x.rule, &x.subject, x.raised);
        if let Some(j) = judge(x, id, &decided, today, l, f) {
            out.extend(row(conn, j, &places, today, l, f)?);
        }
    }
    newest_first(&mut out);
    Ok(out)
}

/// The order a listing shows: newest first, then by rule and organization.
fn newest_first(rows: &mut [AlertRow]) {
    rows.sort_by(|a, b| (&b.raised_on, &a.rule, &a.org).cmp(&(&a.raised_on, &b.rule, &b.org)));
}

/// The open alerts of a group: how many, and the oldest's age in days.
#[derive(Debug, Default, Clone, Copy)]
pub struct GroupTally {
    pub open: usize,
    pub oldest_days: i64,
}

/// What `tally` finds: each group's open alerts, and the rows it kept.
pub struct Tally {
    pub counts: HashMap<AlertGroup, GroupTally>,
    pub rows: Vec<AlertRow>,
}

/// The open alerts of each group as of `today` (how many, the oldest's age
/// in days), and the rows of the open ones in `keep`'s group. Only those
/// rows are built: a district of 100,000 organizations has more than
/// 100,000 alerts, and a pane that shows a group's first rows should not
/// hold a row for each.
pub fn tally(conn: &Connection, today: Date, l: &Limits, keep: AlertGroup) -> Result<Tally> {
    let decided = decisions(conn)?;
    let f = AlertFilter::default();
    let mut counts: HashMap<AlertGroup, GroupTally> = HashMap::new();
    let mut kept = Vec::new();
    each_finding(conn, l, today, None, |x| {
        let id = episode_id(x.rule, &x.subject, x.raised);
        let Some(j) = judge(x, id, &decided, today, l, &f) else {
            return;
        };
        if j.state != AlertState::Open {
            return;
        }
        let c = counts.entry(j.group).or_default();
        c.open += 1;
        c.oldest_days = c.oldest_days.max(j.x.raised.days_until(today).max(0));
        if j.group == keep {
            kept.push(j);
        }
    })?;
    let places = places(conn, Some(kept.iter().filter_map(|j| j.x.org.as_deref())))?;
    let mut out = Vec::with_capacity(kept.len());
    for j in kept {
        out.extend(row(conn, j, &places, today, l, &f)?);
    }
    newest_first(&mut out);
    Ok(Tally { counts, rows: out })
}

/// The alert named by its id or a unique prefix of it (8 characters or
/// more), among those listed as of `today` (open or snoozed).
pub fn find(conn: &Connection, today: Date, l: &Limits, input: &str) -> Result<AlertRow> {
    let t = input.trim().to_ascii_lowercase();
    let ok = t.len() >= 8 && t.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
    if !ok {
        return Err(Error::not_found(Noun::Alert, input));
    }
    let mut hits: Vec<AlertRow> = list(conn, today, l, &AlertFilter::default())?
        .into_iter()
        .filter(|a| a.id.starts_with(&t))
        .collect();
    match hits.len() {
        0 => Err(Error::not_found(Noun::Alert, input)),
        1 => Ok(hits.remove(0)),
        _ => Err(Error::invalid(
            "alert",
            input,
            tr(
                "对应多条预警，请写得更长",
                "matches several alerts; give more of it",
            ),
        )),
    }
}

/// (rule, raised, resolved, org name, street name) of an alert episode.
pub type Episode = (
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// The episodes raised in [from, to], as the facts tell them as of `today`.
pub fn raised_between(
    conn: &Connection,
    l: &Limits,
    today: Date,
    from: Date,
    to: Date,
) -> Result<Vec<Episode>> {
    let found: Vec<Finding> = findings(conn, l, today)?
        .into_iter()
        .filter(|f| f.raised >= from && f.raised <= to)
        .collect();
    let all = AlertFilter {
        all: true,
        ..AlertFilter::default()
    };
    let mut rows = rows(conn, found, today, l, &all)?;
    rows.sort_by(|a, b| a.raised_on.cmp(&b.raised_on));
    Ok(rows
        .into_iter()
        .map(|a| (a.rule, a.raised_on, a.resolved_on, a.org, a.street))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_source_hands_on_each_episode_once_the_first_time_it_comes() {
        let day = |d| Date::ymd(2024, 3, d).expect("date");
        let x = |rule, subject: &str, raised, due| Finding {
            rule,
            subject: subject.to_string(),
            org: Some("o".into()),
            raised: day(raised),
            due: Some(day(due)),
            resolved: None,
        };
        let found = vec![
            x(Rule::IdentityCheckMissing, "o", 1, 10),
            x(Rule::IdentityCheckMissing, "o", 1, 20),
            x(Rule::IdentityCheckMissing, "o", 2, 10),
            x(Rule::NewMemberHire, "o", 1, 10),
            x(Rule::IdentityCheckMissing, "p", 1, 10),
        ];
        let mut out = Vec::new();
        once(found, &mut |f| out.push(f));
        let got: Vec<_> = out
            .iter()
            .map(|f| (f.rule, f.subject.as_str(), f.raised, f.due))
            .collect();
        assert_eq!(
            got,
            vec![
                (Rule::IdentityCheckMissing, "o", day(1), Some(day(10))),
                (Rule::IdentityCheckMissing, "o", day(2), Some(day(10))),
                (Rule::NewMemberHire, "o", day(1), Some(day(10))),
                (Rule::IdentityCheckMissing, "p", day(1), Some(day(10))),
            ]
        );
    }
}
