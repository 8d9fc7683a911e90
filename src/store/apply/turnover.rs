//! Turnover: a person leaves or changes employer, an instructor's assignment
//! ends, an organization closes. Each ends something dated on the writer's
//! day and keeps the row, so a report for an earlier day still counts it.

use super::*;
use crate::domain::Date;
use crate::domain::kinds::RegStatus;

/// The day refused when it comes before `start` (the day the thing began).
fn not_before(
    w: &Writer<'_>,
    start: Option<&str>,
    zh: &'static str,
    en: &'static str,
) -> Result<()> {
    match start {
        Some(s) if w.on.to_string().as_str() < s => Err(Error::invalid(
            "on",
            w.on.to_string(),
            &format!("{} {s}", tr(zh, en)),
        )),
        _ => Ok(()),
    }
}

/// (org, hired_on, left_on) of a person who has not left yet.
fn employed(w: &Writer<'_>, person: &Id) -> Result<(String, Option<String>)> {
    w.require(Noun::Person, person)?;
    let (org, hired, left): (Option<String>, Option<String>, Option<String>) = w.one(
        "SELECT org_id, hired_on, left_on FROM persons WHERE id = ?1",
        [&person.0],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    if let Some(l) = left {
        return Err(Error::invalid(
            "person",
            person.as_str(),
            &format!("{} {l}", tr("已离职，离职日期", "has already left, on")),
        ));
    }
    not_before(
        w,
        hired.as_deref(),
        "早于入职日期",
        "is before the hire date",
    )?;
    Ok((org.unwrap_or_default(), hired))
}

pub(super) fn leave(w: &mut Writer<'_>, person: &Id, reason: &str) -> Result<()> {
    employed(w, person)?;
    let reason = text("leave_reason", reason, false)?;
    let on = w.on;
    w.update(
        "persons",
        person,
        &[("left_on", on.into()), ("leave_reason", reason.into())],
    )
}

/// Ends the employment at the old organization and starts one at `org` on
/// the same day: a new row, so the old organization keeps the member in its
/// past and the new one gets a hire (what the rules and reports read).
pub(super) fn move_to(w: &mut Writer<'_>, id: &Id, person: &Id, org: &Id) -> Result<()> {
    let (from_org, _) = employed(w, person)?;
    w.require(Noun::Org, org)?;
    if from_org == org.0 {
        return Err(Error::invalid(
            "to",
            org.as_str(),
            tr("已在该组织工作", "the person already works there"),
        ));
    }
    org_operating(w, org)?;
    type Row = (
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let ((name, phone, status, relation), branch, floating, manager): (
        Row,
        Option<String>,
        Option<i64>,
        Option<i64>,
    ) = w.one(
        "SELECT name, phone, status, relation, branch_id, floating, manager FROM persons WHERE id = ?1",
        [&person.0],
        |r| {
            Ok((
                (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?),
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        },
    )?;
    let on = w.on;
    w.update("persons", person, &[("left_on", on.into())])?;
    // The relation goes along as it is: it moves only by a transfer. No
    // status change is recorded: the status did not change, and a report
    // counts status changes as newly identified activists.
    w.insert(
        "persons",
        id,
        &[
            ("org_id", org.into()),
            ("name", name.into()),
            ("phone", phone.unwrap_or_default().into()),
            ("status", status.into()),
            ("hired_on", on.into()),
            ("relation", relation.into()),
            ("branch_id", branch.into()),
            ("floating", (floating.unwrap_or(0) != 0).into()),
            ("manager", (manager.unwrap_or(0) != 0).into()),
            ("moved_from", person.into()),
        ],
    )
}

pub(super) fn end_assignment(w: &mut Writer<'_>, assignment: &Id) -> Result<()> {
    w.require(Noun::Assignment, assignment)?;
    let (from, to): (Option<String>, Option<String>) = w.one(
        "SELECT from_on, to_on FROM assignments WHERE id = ?1",
        [&assignment.0],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    if let Some(t) = to {
        return Err(Error::invalid(
            "assignment",
            assignment.as_str(),
            &format!("{} {t}", tr("已结束，结束日期", "has already ended, on")),
        ));
    }
    not_before(
        w,
        from.as_deref(),
        "早于选派日期",
        "is before the assignment began on",
    )?;
    let on = w.on;
    w.update("assignments", assignment, &[("to_on", on.into())])
}

/// Closes the row (`closed_on`) and records why as the registration status
/// and its day; a status already the same keeps its earlier day.
pub(super) fn close_org(w: &mut Writer<'_>, org: &Id, reason: RegStatus) -> Result<()> {
    w.require(Noun::Org, org)?;
    if reason.is_operating() {
        return RegStatus::parse_closure(reason.code()).map(|_| ());
    }
    let (status, entered, closed): (Option<String>, Option<String>, Option<String>) = w.one(
        "SELECT status, entered_on, closed_on FROM orgs WHERE id = ?1",
        [&org.0],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    if let Some(c) = closed {
        return Err(Error::invalid(
            "org",
            org.as_str(),
            &format!("{} {c}", tr("已关闭，关闭日期", "is already closed, on")),
        ));
    }
    not_before(
        w,
        entered.as_deref(),
        "早于入册日期",
        "is before the day it entered the ledger",
    )?;
    let on: Date = w.on;
    let mut f: Vec<(&'static str, Val)> = Vec::new();
    if status.as_deref() != Some(reason.code()) {
        f.push(("status", reason.code().into()));
        f.push(("status_on", on.into()));
    }
    f.push(("closed_on", on.into()));
    w.update("orgs", org, &f)
}
