//! Alerts in the store: bringing the stored alerts in line with what the rules
//! find (`refresh`), and listing them.

use std::collections::HashMap;

use rusqlite::{Connection, params};
use serde::Serialize;

use super::alert_facts::{self, day};
use super::{Actor, Store};
use crate::config::Alerts as Limits;
use crate::domain::alerts::{self as rules, Finding, Rule};
use crate::domain::command::NewAlert;
use crate::domain::kinds::AlertGroup;
use crate::domain::{Command, Date, Id};
use crate::error::Result;

/// What the rules find as of `today`, and the days data was put right.
pub struct Found {
    pub findings: Vec<Finding>,
    pub fixes: HashMap<(Rule, String), Date>,
}

pub fn findings(conn: &Connection, l: &Limits, today: Date) -> Result<Found> {
    let facts = alert_facts::load(conn)?;
    let mut out: Vec<Finding> = Vec::new();
    let mut fixes = HashMap::new();
    for o in &facts.orgs {
        out.extend(rules::for_org(o, l, today));
        for (r, s, d) in rules::fixes(o, l, today) {
            fixes.insert((r, s), d);
        }
    }
    for b in &facts.joints {
        out.extend(rules::joint_branch_too_broad(b, l, today));
        if let Some((r, s, d)) = rules::joint_fix(b, today) {
            fixes.insert((r, s), d);
        }
    }
    for t in &facts.tasks {
        out.extend(rules::stage_overdue(t, l, today));
    }
    out.sort_by(|a, b| (a.raised, a.rule, &a.subject).cmp(&(b.raised, b.rule, &b.subject)));
    out.dedup_by(|a, b| (a.raised, a.rule) == (b.raised, b.rule) && a.subject == b.subject);
    Ok(Found {
        findings: out,
        fixes,
    })
}

struct Stored {
    id: String,
    raised: Option<Date>,
    resolved: Option<Date>,
    seen: bool,
}

/// The commands that bring the stored alerts in line with the findings:
/// new episodes are raised (with the day their fact became true), stored ones
/// the data no longer matches are resolved (on the day the data says, else
/// `today`). Nothing to do gives no commands, so refreshing twice writes once.
pub fn plan(conn: &Connection, found: &Found, today: Date) -> Result<Vec<Command>> {
    // by rule, then subject: lookups borrow the finding's subject, no copies
    let mut stored: HashMap<Rule, HashMap<String, Vec<Stored>>> = HashMap::new();
    let mut stmt = conn.prepare("SELECT id, rule, subject, raised_on, resolved_on FROM alerts")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, Option<String>>(1)?.unwrap_or_default(),
            r.get::<_, Option<String>>(2)?.unwrap_or_default(),
            r.get::<_, Option<String>>(3)?,
            r.get::<_, Option<String>>(4)?,
        ))
    })?;
    for r in rows {
        let (id, rule, subject, raised, resolved) = r?;
        // a rule this version does not know is left as it is
        let Ok(rule) = Rule::parse(&rule) else {
            continue;
        };
        stored
            .entry(rule)
            .or_default()
            .entry(subject)
            .or_default()
            .push(Stored {
                id,
                raised: day(raised),
                resolved: day(resolved),
                seen: false,
            });
    }
    let (mut resolves, mut raises) = (Vec::new(), Vec::new());
    let mut none: Vec<Stored> = Vec::new();
    for f in &found.findings {
        let rows = stored
            .get_mut(&f.rule)
            .and_then(|m| m.get_mut(f.subject.as_str()))
            .unwrap_or(&mut none);
        let hit = rows
            .iter()
            .position(|s| !s.seen && s.raised == Some(f.raised))
            .or_else(|| {
                f.resolved
                    .is_none()
                    .then(|| rows.iter().position(|s| !s.seen && s.resolved.is_none()))
                    .flatten()
            });
        match hit {
            Some(k) => {
                rows[k].seen = true;
                if let (None, Some(on)) = (rows[k].resolved, f.resolved) {
                    resolves.push(Command::ResolveAlert {
                        alert: Id(rows[k].id.clone()),
                        on,
                    });
                }
            }
            None => raises.push(Command::RaiseAlert(NewAlert {
                id: episode_id(f),
                rule: f.rule,
                subject: f.subject.clone(),
                org: f.org.clone().map(Id),
                raised_on: f.raised,
                due_on: f.due,
                resolved_on: f.resolved,
            })),
        }
    }
    for (rule, subjects) in &stored {
        for (subject, rows) in subjects {
            let pending: Vec<&Stored> = rows
                .iter()
                .filter(|s| !s.seen && s.resolved.is_none())
                .collect();
            if pending.is_empty() {
                continue;
            }
            let fix = found.fixes.get(&(*rule, subject.clone())).copied();
            for s in pending {
                let on = fix
                    .filter(|d| s.raised.is_none_or(|r| *d >= r) && *d <= today)
                    .unwrap_or(today);
                resolves.push(Command::ResolveAlert {
                    alert: Id(s.id.clone()),
                    on,
                });
            }
        }
    }
    resolves.extend(raises);
    Ok(resolves)
}

/// The same episode gets the same id on every replica that finds it, so
/// replicas that evaluate the rules independently do not double it when they
/// exchange ops: a UUIDv7 stamped with the raised day, its random part from
/// a hash of rule, subject and day.
fn episode_id(f: &Finding) -> Id {
    use sha2::{Digest, Sha256};
    let h = Sha256::digest(format!("{}\0{}\0{}", f.rule.code(), f.subject, f.raised));
    let mut random = [0u8; 10];
    random.copy_from_slice(&h[..10]);
    let epoch = Date(jiff::civil::date(1970, 1, 1));
    let ms = u64::try_from(epoch.days_until(f.raised)).unwrap_or(0) * 86_400_000;
    Id::seeded(ms, random)
}

#[derive(Debug, Default, Serialize)]
pub struct Refreshed {
    pub raised: usize,
    pub resolved: usize,
}

/// Evaluates every rule as of `today` and writes the difference in one
/// transaction (audited as `alerts.refresh`).
pub fn refresh(store: &mut Store, actor: &Actor, l: &Limits, today: Date) -> Result<Refreshed> {
    let found = findings(store.conn(), l, today)?;
    let cmds = plan(store.conn(), &found, today)?;
    let mut r = Refreshed::default();
    for c in &cmds {
        match c {
            Command::RaiseAlert(a) if a.resolved_on.is_none() => r.raised += 1,
            Command::RaiseAlert(_) => {}
            _ => r.resolved += 1,
        }
    }
    if !cmds.is_empty() {
        store.apply_batch(
            actor,
            "alerts.refresh",
            cmds.into_iter().map(|c| (today, c)).collect(),
        )?;
    }
    Ok(r)
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
    /// open | snoozed | dismissed | resolved, as of today.
    pub state: String,
    pub until_on: Option<String>,
    pub reason: Option<String>,
    pub noticed_on: Option<String>,
    pub escalated: bool,
    pub overdue: bool,
    /// first-time | backlog | routine (see `domain::alerts::group`).
    pub group: AlertGroup,
    /// Days since it was raised.
    pub age_days: i64,
}

#[derive(Debug, Default)]
pub struct AlertFilter {
    pub rule: Option<Rule>,
    pub group: Option<AlertGroup>,
    /// Dismissed and resolved ones too.
    pub all: bool,
    pub street: Option<Id>,
    pub community: Option<Id>,
}

pub fn list(conn: &Connection, today: Date, l: &Limits, f: &AlertFilter) -> Result<Vec<AlertRow>> {
    let sql = "
SELECT a.id, a.rule, a.subject, COALESCE(pe.name, po.name), a.org_id, o.name, s.name,
       a.raised_on, a.due_on, a.resolved_on, a.state, a.until_on, a.reason, a.noticed_on
FROM alerts a
LEFT JOIN orgs o ON o.id = a.org_id
LEFT JOIN persons pe ON pe.id = a.subject
LEFT JOIN party_orgs po ON po.id = a.subject
LEFT JOIN streets s ON s.id = COALESCE(o.street_id, po.street_id)
WHERE (?1 IS NULL OR a.rule = ?1)
  AND (?2 = 1 OR a.state IN ('open', 'snoozed'))
  AND (?3 IS NULL OR s.id = ?3)
  AND (?4 IS NULL OR o.community_id = ?4)
ORDER BY a.raised_on DESC, a.rule, o.name";
    let mut stmt = conn.prepare(sql)?;
    let t = today.to_string();
    let rows = stmt.query_map(
        params![
            f.rule.map(|r| r.code()),
            f.all as i64,
            f.street.as_ref().map(|s| s.as_str()),
            f.community.as_ref().map(|c| c.as_str())
        ],
        |r| {
            let state: String = r.get::<_, Option<String>>(10)?.unwrap_or_default();
            let until: Option<String> = r.get(11)?;
            let awake = state == "snoozed" && until.as_deref().is_some_and(|u| u <= t.as_str());
            let state = if awake { "open".to_string() } else { state };
            let raised: String = r.get::<_, Option<String>>(7)?.unwrap_or_default();
            let due: Option<String> = r.get(8)?;
            let rule: String = r.get::<_, Option<String>>(1)?.unwrap_or_default();
            let open = state == "open";
            let escalated = open
                && match (Rule::parse(&rule), day(Some(raised.clone()))) {
                    (Ok(rule), Some(d)) => rules::escalated(rule, d, l, today),
                    _ => false,
                };
            let subject: String = r.get::<_, Option<String>>(2)?.unwrap_or_default();
            let raised_day = day(Some(raised.clone())).unwrap_or(today);
            // A rule this version does not know is housekeeping to it.
            let group = Rule::parse(&rule).map_or(AlertGroup::Routine, |x| {
                rules::group(x, raised_day, today, l.first_time_days)
            });
            Ok(AlertRow {
                group,
                age_days: raised_day.days_until(today).max(0),
                id: r.get(0)?,
                key: format!("{rule}:{subject}"),
                overdue: open && due.as_deref().is_some_and(|d| d < t.as_str()),
                rule,
                subject,
                subject_name: r.get(3)?,
                org_id: r.get(4)?,
                org: r.get(5)?,
                street: r.get(6)?,
                raised_on: raised,
                due_on: due,
                resolved_on: r.get(9)?,
                state,
                until_on: until,
                reason: r.get(12)?,
                noticed_on: r.get(13)?,
                escalated,
            })
        },
    )?;
    let rows: Vec<AlertRow> = rows.collect::<rusqlite::Result<_>>()?;
    Ok(match f.group {
        Some(g) => rows.into_iter().filter(|a| a.group == g).collect(),
        None => rows,
    })
}

/// (rule, raised, resolved, org name, street name) of alerts raised in [from, to].
pub type Episode = (
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

pub fn raised_between(conn: &Connection, from: Date, to: Date) -> Result<Vec<Episode>> {
    let mut stmt = conn.prepare(
        "SELECT a.rule, a.raised_on, a.resolved_on, o.name, s.name FROM alerts a
         LEFT JOIN orgs o ON o.id = a.org_id LEFT JOIN streets s ON s.id = o.street_id
         WHERE a.raised_on >= ?1 AND a.raised_on <= ?2 ORDER BY a.raised_on",
    )?;
    let rows = stmt.query_map(params![from.to_string(), to.to_string()], |r| {
        Ok((
            r.get::<_, Option<String>>(0)?.unwrap_or_default(),
            r.get::<_, Option<String>>(1)?.unwrap_or_default(),
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
