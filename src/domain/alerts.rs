//! The first-time alert rules as pure functions over dated facts. Each rule
//! yields episodes: raised on the day the triggering fact became true, and
//! resolved on the day the data stopped matching (when the ledger's dates tell
//! it). The store compares them with the alerts it holds (`store::alerts`).

use super::Date;
use super::kinds::AlertGroup;
use super::limits::AlertLimits as Limits;

pub use super::alert_facts::*;

fn finding(
    rule: Rule,
    subject: &str,
    org: &str,
    raised: Date,
    due: Option<Date>,
    resolved: Option<Date>,
) -> Finding {
    Finding {
        rule,
        subject: subject.to_string(),
        org: Some(org.to_string()),
        raised,
        due,
        resolved,
    }
}

/// Episodes of "nothing happened for more than `interval` days" over the
/// sorted days something happened; `end` closes the watch (a closed task).
pub fn gaps(
    days: &[Date],
    interval: i64,
    end: Option<Date>,
    today: Date,
) -> Vec<(Date, Option<Date>)> {
    let mut out = Vec::new();
    let mut days: Vec<Date> = days.iter().copied().filter(|d| *d <= today).collect();
    days.sort();
    days.dedup();
    let end = end.filter(|e| *e <= today);
    for (i, &a) in days.iter().enumerate() {
        let raised = a.add_days(interval.saturating_add(1));
        let next = days.get(i + 1).copied().or(end);
        match next {
            Some(b) if b >= raised => out.push((raised, Some(b))),
            Some(_) => {}
            None if raised <= today => out.push((raised, None)),
            None => {}
        }
    }
    out
}

/// A party member newly hired by an organization with no party organization
/// (a move to it is a hire there); resolved when a party organization covers
/// it, or when the members hired since have all left again.
pub fn new_member_hire(o: &OrgFacts, l: &Limits, today: Date) -> Vec<Finding> {
    let mut hires: Vec<Date> = o
        .members
        .iter()
        .filter(|m| m.left.is_none_or(|l| l > m.hired))
        .map(|m| m.hired)
        .filter(|h| *h >= o.entered && *h <= today && o.operating(*h))
        .collect();
    hires.sort();
    let mut out: Vec<Finding> = Vec::new();
    for h in hires {
        if o.covered(h) {
            continue;
        }
        if let Some(last) = out.last() {
            if last.resolved.is_none_or(|r| h < r) {
                continue;
            }
        }
        let covered = o.first_start(o.covers.iter().map(|c| c.span.from), h, today);
        let resolved = [covered, o.members_gone(h, today)]
            .into_iter()
            .flatten()
            .min();
        out.push(finding(
            Rule::NewMemberHire,
            &o.id,
            &o.id,
            h,
            Some(due(h, l.hire_due_days)),
            resolved,
        ));
    }
    out
}

/// An enterprise of `identity_check_employees` or more without a new-hire
/// political-identity check: raised by the survey that found it so.
pub fn identity_check_missing(o: &OrgFacts, l: &Limits, today: Date) -> Vec<Finding> {
    if !o.enterprise {
        return Vec::new();
    }
    let big = |n: Option<i64>| n.is_some_and(|n| n >= l.identity_check_employees);
    let mut out = Vec::new();
    // Entered without a check (the ledger's fields say so until a survey
    // answers): a first answer of "yes" ends that first stretch.
    let first = o
        .surveys
        .iter()
        .find(|s| s.on <= today && s.identity_check.is_some());
    let mut open: Option<Date> = first
        .filter(|s| s.on > o.entered && s.identity_check == Some(true))
        .filter(|s| big(s.employees.or(o.employees)))
        .map(|_| o.entered);
    let mut surveyed = false;
    for s in o.surveys.iter().filter(|s| s.on <= today) {
        surveyed |= s.identity_check.is_some();
        let missing = big(s.employees) && s.identity_check == Some(false);
        let fixed = s.identity_check == Some(true)
            || s.employees.is_some_and(|n| n < l.identity_check_employees);
        match open {
            None if missing => open = Some(s.on),
            Some(r) if fixed => {
                out.push(finding(
                    Rule::IdentityCheckMissing,
                    &o.id,
                    &o.id,
                    r,
                    None,
                    Some(s.on),
                ));
                open = None;
            }
            _ => {}
        }
    }
    let now = o.operating(today) && big(o.employees) && !o.identity_check;
    match open {
        Some(r) if now => out.push(finding(
            Rule::IdentityCheckMissing,
            &o.id,
            &o.id,
            r,
            None,
            None,
        )),
        None if now && !surveyed => out.push(finding(
            Rule::IdentityCheckMissing,
            &o.id,
            &o.id,
            o.entered,
            None,
            None,
        )),
        _ => {}
    }
    out
}

/// Surveyed for the first time with no party organization and no instructor;
/// raised again when, after that, an instructor's assignment ends and leaves
/// it with neither.
pub fn instructor_missing(o: &OrgFacts, l: &Limits, today: Date) -> Vec<Finding> {
    let Some(first) = o.surveys.iter().map(|s| s.on).filter(|d| *d <= today).min() else {
        return Vec::new();
    };
    let mut candidates: Vec<Date> = vec![first];
    candidates.extend(
        o.assignments
            .iter()
            .filter_map(|a| a.span.to)
            .filter(|d| *d > first && *d <= today),
    );
    candidates.sort();
    candidates.dedup();
    let starts = || {
        o.covers
            .iter()
            .map(|c| c.span.from)
            .chain(o.assignments.iter().map(|a| a.span.from))
    };
    let mut out: Vec<Finding> = Vec::new();
    for raised in candidates {
        if !o.operating(raised) || o.covered(raised) || o.instructed(raised) {
            continue;
        }
        if out
            .last()
            .is_some_and(|f| f.resolved.is_none_or(|r| r > raised))
        {
            continue; // still open from before
        }
        let resolved = o.first_start(starts(), raised, today);
        out.push(finding(
            Rule::InstructorMissing,
            &o.id,
            &o.id,
            raised,
            Some(due(raised, l.instructor_due_days)),
            resolved,
        ));
    }
    out
}

/// The checklist group of an open alert raised on `raised`: an event rule's
/// alert is first-time within `first_time_days` of today, backlog after.
pub fn group(rule: Rule, raised: Date, today: Date, first_time_days: i64) -> AlertGroup {
    if !rule.is_event() {
        AlertGroup::Routine
    } else if raised.days_until(today) <= first_time_days {
        AlertGroup::FirstTime
    } else {
        AlertGroup::Backlog
    }
}

/// The day an alert raised on `raised` is due: the ledger's last day at the
/// latest, so a late event's alert is still one the ledger can store.
pub fn due(raised: Date, days: i64) -> Date {
    raised.add_days(days).min(Date::MAX)
}

/// Whether an open instructor_missing alert raised on `raised` is escalated.
pub fn escalated(rule: Rule, raised: Date, l: &Limits, today: Date) -> bool {
    rule == Rule::InstructorMissing && raised.add_days(l.instructor_escalate_days) <= today
}

/// An instructor who has not visited for more than `visit_interval_days`.
pub fn instructor_visit_overdue(o: &OrgFacts, l: &Limits, today: Date) -> Vec<Finding> {
    let mut out = Vec::new();
    for a in &o.assignments {
        let mut days = vec![a.span.from];
        days.extend(a.visits.iter().copied().filter(|v| *v >= a.span.from));
        let end = match (a.span.to, o.closed) {
            (Some(t), Some(c)) => Some(t.min(c)),
            (t, c) => t.or(c),
        };
        for (raised, resolved) in gaps(&days, l.visit_interval_days, end, today) {
            out.push(finding(
                Rule::InstructorVisitOverdue,
                &a.id,
                &o.id,
                raised,
                None,
                resolved,
            ));
        }
    }
    out
}

/// A member whose relation still sits at the residence or elsewhere while a
/// party organization in the district covers the employer.
pub fn relation_not_transferred(o: &OrgFacts, today: Date) -> Vec<Finding> {
    let mut out = Vec::new();
    let cover_at = |d: Date| {
        o.covers
            .iter()
            .filter(|c| c.span.holds(d))
            .map(|c| c.span.from)
            .min()
    };
    for m in &o.members {
        if m.hired > today {
            continue;
        }
        for &t in m.transfers.iter().filter(|t| **t <= today) {
            if let Some(from) = cover_at(t) {
                let raised = from.max(m.hired);
                if raised < t {
                    out.push(finding(
                        Rule::RelationNotTransferred,
                        &m.id,
                        &o.id,
                        raised,
                        None,
                        Some(t),
                    ));
                }
            }
        }
        let present = m.left.is_none_or(|d| d > today) && o.operating(today);
        if m.outside && present {
            if let Some(from) = cover_at(today) {
                out.push(finding(
                    Rule::RelationNotTransferred,
                    &m.id,
                    &o.id,
                    from.max(m.hired),
                    None,
                    None,
                ));
            }
        }
    }
    out
}

/// `branch_min_members` or more formal members and no own branch.
pub fn branch_eligible(o: &OrgFacts, l: &Limits, today: Date) -> Vec<Finding> {
    let mut hired: Vec<Date> = o
        .members
        .iter()
        .filter(|m| m.formal && m.hired <= today && m.left.is_none_or(|d| d > today))
        .map(|m| m.hired)
        .collect();
    hired.sort();
    let Some(&nth) = usize::try_from(l.branch_min_members - 1)
        .ok()
        .and_then(|i| hired.get(i))
    else {
        return Vec::new();
    };
    let eligible = nth.max(o.entered);
    let own = |d: Date| o.covers.iter().any(|c| c.standalone && c.span.holds(d));
    // Raised when the members are there without an own branch, and again
    // each time an own branch ends while they still are.
    let mut candidates: Vec<Date> = vec![eligible];
    candidates.extend(
        o.covers
            .iter()
            .filter(|c| c.standalone)
            .filter_map(|c| c.span.to)
            .filter(|d| *d > eligible && *d <= today),
    );
    candidates.sort();
    candidates.dedup();
    let starts = || {
        o.covers
            .iter()
            .filter(|c| c.standalone)
            .map(|c| c.span.from)
    };
    let mut out: Vec<Finding> = Vec::new();
    for raised in candidates {
        if own(raised) || !o.operating(raised) || raised > today {
            continue;
        }
        if out
            .last()
            .is_some_and(|f| f.resolved.is_none_or(|r| r > raised))
        {
            continue; // still open from before
        }
        let resolved = o.first_start(starts(), raised, today);
        out.push(finding(
            Rule::BranchEligible,
            &o.id,
            &o.id,
            raised,
            None,
            resolved,
        ));
    }
    out
}

/// A joint branch covering more than `joint_branch_max_orgs` organizations:
/// raised the day a link takes it past the limit, resolved the day links
/// ending (or the branch dissolving) bring it back, once per such stretch.
pub fn joint_branch_too_broad(b: &JointFacts, l: &Limits, today: Date) -> Vec<Finding> {
    let mut ev: Vec<(Date, i64)> = Vec::new();
    for s in &b.links {
        let from = s.from.max(b.life.from);
        let to = [s.to, b.life.to].into_iter().flatten().min();
        if from > today || to.is_some_and(|t| t <= from) {
            continue;
        }
        ev.push((from, 1));
        if let Some(t) = to.filter(|t| *t <= today) {
            ev.push((t, -1));
        }
    }
    ev.sort();
    let mut out = Vec::new();
    let (mut n, mut open) = (0i64, None::<Date>);
    for (i, &(day, delta)) in ev.iter().enumerate() {
        n += delta;
        // all of a day's changes before judging it
        if ev.get(i + 1).is_some_and(|(d, _)| *d == day) {
            continue;
        }
        match open {
            None if n > l.joint_branch_max_orgs => open = Some(day),
            Some(r) if n <= l.joint_branch_max_orgs => {
                out.push(joint_finding(b, r, Some(day)));
                open = None;
            }
            _ => {}
        }
    }
    if let Some(r) = open {
        out.push(joint_finding(b, r, None));
    }
    out
}

fn joint_finding(b: &JointFacts, raised: Date, resolved: Option<Date>) -> Finding {
    Finding {
        rule: Rule::JointBranchTooBroad,
        subject: b.id.clone(),
        org: None,
        raised,
        due: None,
        resolved,
    }
}

/// A ledger row not verified (entered or surveyed) for more than `stale_days`.
pub fn ledger_stale(o: &OrgFacts, l: &Limits, today: Date) -> Vec<Finding> {
    let mut days = vec![o.entered];
    days.extend(o.surveys.iter().map(|s| s.on));
    gaps(&days, l.stale_days, o.closed, today)
        .into_iter()
        .map(|(r, x)| finding(Rule::LedgerStale, &o.id, &o.id, r, None, x))
        .collect()
}

/// Registered with market supervision, entered from the registration list,
/// and not yet verified by a survey or a confirmation: open exactly while
/// such a row is pending and out of N.
pub fn registration_missing(o: &OrgFacts, today: Date) -> Vec<Finding> {
    let Some(made) = o.registration_task.filter(|d| *d <= today) else {
        return Vec::new();
    };
    let verified = o
        .surveys
        .iter()
        .map(|s| s.on)
        .chain(o.verified)
        .filter(|d| *d >= made && *d <= today)
        .min();
    let resolved = verified.or(o.closed.filter(|c| *c <= today));
    vec![finding(
        Rule::RegistrationMissing,
        &o.id,
        &o.id,
        made,
        None,
        resolved,
    )]
}

/// Deregistered or revoked by market supervision, still operating in the ledger.
pub fn deregistered_active(o: &OrgFacts, today: Date) -> Vec<Finding> {
    let Some(since) = o.gone.filter(|d| *d <= today) else {
        return Vec::new();
    };
    let resolved = o.closed.filter(|c| *c <= today).map(|c| c.max(since));
    if resolved == Some(since) {
        return Vec::new();
    }
    vec![finding(
        Rule::DeregisteredActive,
        &o.id,
        &o.id,
        since,
        None,
        resolved,
    )]
}

/// A loop stage held more than `stage_overdue_days`.
/// A task with a due day is overdue from the day after it until its stage
/// moves on (or it closes); each later stage then has `stage_overdue_days`.
/// A task without one is overdue when a stage sits longer than that.
pub fn stage_overdue(t: &TaskFacts, l: &Limits, today: Date) -> Vec<Finding> {
    let episodes = match t.due {
        Some(due) => {
            let mut after: Vec<Date> = t.steps.iter().copied().filter(|s| *s > due).collect();
            after.sort();
            let mut eps = Vec::new();
            let raised = due.add_days(1);
            let closed_in_time = t.closed.is_some_and(|c| c <= due);
            if raised <= today && !closed_in_time {
                let end = [after.first().copied(), t.closed]
                    .into_iter()
                    .flatten()
                    .min()
                    .filter(|e| *e <= today);
                eps.push((raised, end));
            }
            if !closed_in_time {
                eps.extend(gaps(&after, l.stage_overdue_days, t.closed, today));
            }
            eps
        }
        None => gaps(&t.steps, l.stage_overdue_days, t.closed, today),
    };
    episodes
        .into_iter()
        .map(|(raised, resolved)| Finding {
            rule: Rule::StageOverdue,
            subject: t.id.clone(),
            org: t.org.clone(),
            raised,
            due: None,
            resolved,
        })
        .collect()
}

/// Every rule over one organization.
pub fn for_org(o: &OrgFacts, l: &Limits, today: Date) -> Vec<Finding> {
    let mut out = new_member_hire(o, l, today);
    out.extend(identity_check_missing(o, l, today));
    out.extend(instructor_missing(o, l, today));
    out.extend(instructor_visit_overdue(o, l, today));
    out.extend(relation_not_transferred(o, today));
    out.extend(branch_eligible(o, l, today));
    out.extend(ledger_stale(o, l, today));
    out.extend(registration_missing(o, today));
    out.extend(deregistered_active(o, today));
    out
}

#[cfg(test)]
#[path = "alerts_tests.rs"]
mod tests;
