//! Handlers for the survey loop (task hand-overs), decisions on alerts, and
//! organizations entered from a registration list, called from `apply`'s one
//! match. Same rules: validate inside the transaction, write only through the
//! `Writer`.

use rusqlite::OptionalExtension;

use super::Val;
use super::apply::{insert_org, text};
use super::write::Writer;
use crate::domain::command::{AlertKey, ImportedOrg, NewOrg};
use crate::domain::kinds::{AlertState, Office, RegStatus, Stage, TaskKind};
use crate::domain::{Date, Id, workflow};
use crate::error::{Error, Noun, Result};
use crate::i18n::tr;

/// Hands a task to the next stage's office.
pub fn advance(w: &mut Writer<'_>, id: &Id, task: &Id, note: &str) -> Result<()> {
    let (stage, _) = open_task(w, task)?;
    let next = workflow::next(stage);
    step(w, id, task, stage, next, next.office(), note)
}

pub fn close(w: &mut Writer<'_>, id: &Id, task: &Id, note: &str) -> Result<()> {
    let (stage, _) = open_task(w, task)?;
    step(w, id, task, stage, Stage::Closed, None, note)
}

/// Gives a task to another office without changing its stage.
pub fn reassign(w: &mut Writer<'_>, id: &Id, task: &Id, office: Office, note: &str) -> Result<()> {
    let (stage, cur) = open_task(w, task)?;
    if cur.as_deref() == Some(office.code()) {
        return Err(Error::invalid(
            "office",
            office.code(),
            tr("任务已在该科室", "already holds the task"),
        ));
    }
    step(w, id, task, stage, stage, Some(office), note)
}

pub fn snooze(w: &mut Writer<'_>, alert: &AlertKey, until: Date) -> Result<()> {
    if until <= w.on {
        return Err(Error::invalid(
            "until",
            until.to_string(),
            tr("应晚于今天", "must be after today"),
        ));
    }
    decide(
        w,
        alert,
        vec![
            ("state", AlertState::Snoozed.code().into()),
            ("until_on", until.into()),
        ],
    )
}

pub fn dismiss(w: &mut Writer<'_>, alert: &AlertKey, reason: &str) -> Result<()> {
    let reason = text("reason", reason, true)?;
    decide(
        w,
        alert,
        vec![
            ("state", AlertState::Dismissed.code().into()),
            ("reason", reason.into()),
        ],
    )
}

/// A survey recorded for `org` completes the survey stage of its open
/// half-year, registration and ad-hoc tasks: they move on to the next office
/// as a hand-over would, without a second entry. `implied`: the
/// organization has a registration check (`orgs.check_due_on`).
pub(super) fn survey_done(w: &mut Writer<'_>, org: &Id, implied: bool) -> Result<()> {
    let sql = format!(
        "SELECT t.id FROM tasks t WHERE t.org_id = ?1 AND {} AND t.stage = 'survey'
         AND t.kind IN ('half-year', 'registration', 'ad-hoc') ORDER BY t.id",
        super::tasks::OPEN
    );
    let mut tasks: Vec<Id> = match w.seen.borrow_mut().no_tasks(w.tx)? {
        true => Vec::new(),
        false => {
            w.tx.prepare_cached(&sql)?
                .query_map([org.as_str()], |r| r.get(0).map(Id))?
                .collect::<rusqlite::Result<_>>()?
        }
    };
    // The organization's registration check, if it is still implied (once
    // written, the query above finds it).
    if implied && materialize(w, org)? {
        tasks.push(org.clone());
    }
    let note = tr("摸排已录入", "survey recorded");
    for t in tasks {
        let next = workflow::next(Stage::Survey);
        step(w, &Id::new(), &t, Stage::Survey, next, next.office(), note)?;
    }
    Ok(())
}

/// Writes the row of a registration check implied by its organization
/// (`task_list`), with the values the list shows, before its first step:
/// the step's ops then land on a row every replica holds, and a replica
/// that writes the same check writes the same row. Whether it wrote one.
fn materialize(w: &mut Writer<'_>, task: &Id) -> Result<bool> {
    let implied: Option<(Option<String>, Option<String>)> =
        w.tx.prepare_cached(&format!("{} AND o.id = ?1", super::schema_checks::IMPLIED))?
            .query_row([task.as_str()], |r| Ok((r.get(2)?, r.get(3)?)))
            .optional()?;
    let Some((created, due)) = implied else {
        return Ok(false);
    };
    let stage = workflow::first_stage(TaskKind::Registration);
    w.insert(
        "tasks",
        task,
        &[
            ("kind", TaskKind::Registration.code().into()),
            ("org_id", task.as_str().into()),
            ("stage", stage.code().into()),
            ("office", stage.office().map(|o| o.code()).into()),
            ("due_on", due.into()),
            ("created_on", created.into()),
        ],
    )?;
    Ok(true)
}

/// The task's stage and office; closed tasks take no more steps.
fn open_task(w: &mut Writer<'_>, task: &Id) -> Result<(Stage, Option<String>)> {
    materialize(w, task)?;
    let row: Option<(Option<String>, Option<String>)> =
        w.tx.prepare_cached("SELECT stage, office FROM tasks WHERE id = ?1 AND deleted = 0")?
            .query_row([task.as_str()], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
    let Some((stage, office)) = row else {
        return Err(Error::not_found(Noun::Task, task.as_str()));
    };
    let stage = Stage::parse(stage.as_deref().unwrap_or(""))?;
    if stage == Stage::Closed {
        return Err(Error::invalid(
            "task",
            task.as_str(),
            tr("任务已办结", "is already closed"),
        ));
    }
    Ok((stage, office))
}

fn step(
    w: &mut Writer<'_>,
    id: &Id,
    task: &Id,
    from: Stage,
    to: Stage,
    office: Option<Office>,
    note: &str,
) -> Result<()> {
    let note = text("note", note, false)?;
    let on = w.on;
    let mut f: Vec<(&'static str, Val)> = vec![("office", office.map(|o| o.code()).into())];
    if to != from {
        f.push(("stage", to.code().into()));
        f.push(("stage_on", on.into()));
    }
    if to == Stage::Closed {
        f.push(("closed_on", on.into()));
    }
    w.update("tasks", task, &f)?;
    w.insert(
        "task_steps",
        id,
        &[
            ("task_id", task.into()),
            ("on_date", on.into()),
            ("from_stage", from.code().into()),
            ("stage", to.code().into()),
            ("office", office.map(|o| o.code()).into()),
            ("note", note.into()),
        ],
    )
}

/// Writes a decision on a derived alert: the row keyed by the episode is
/// made when the first decision is taken (rows an earlier version wrote for
/// every episode are updated in place). A dismissed alert stays dismissed.
fn decide(w: &mut Writer<'_>, a: &AlertKey, mut f: Vec<(&'static str, Val)>) -> Result<()> {
    match &a.org {
        Some(o) => w.require(Noun::Org, o)?,
        None => w.require(Noun::Branch, &Id(a.subject.clone()))?,
    }
    if a.raised_on > w.on {
        return Err(Error::invalid(
            "raised_on",
            a.raised_on.to_string(),
            tr("晚于今天", "is after today"),
        ));
    }
    let state: Option<Option<String>> =
        w.tx.prepare_cached("SELECT state FROM alerts WHERE id = ?1")?
            .query_row([a.id.as_str()], |r| r.get(0))
            .optional()?;
    match state {
        Some(Some(s)) if s == AlertState::Dismissed.code() => Err(Error::invalid(
            "alert",
            a.id.as_str(),
            tr("预警已忽略", "is already dismissed"),
        )),
        Some(_) => w.update("alerts", &a.id, &f),
        None => {
            let mut row: Vec<(&'static str, Val)> = vec![
                ("rule", a.rule.code().into()),
                ("subject", a.subject.as_str().into()),
                ("org_id", a.org.as_ref().into()),
                ("raised_on", a.raised_on.into()),
            ];
            row.append(&mut f);
            w.insert("alerts", &a.id, &row)
        }
    }
}

pub fn import_org(w: &mut Writer<'_>, o: ImportedOrg) -> Result<()> {
    let on = w.on;
    let placed = o.street.is_some();
    let org = NewOrg {
        id: o.id.clone(),
        name: o.name,
        code: o.code,
        kind: o.kind,
        status: o.status,
        street: o.street.unwrap_or_else(|| Id(String::new())),
        community: o.community,
        building: None,
        address: o.address,
        industry: String::new(),
        employees: o.employees,
        legal_rep_member: false,
        identity_check: false,
        contact: String::new(),
        phone: String::new(),
        entered_on: on,
    };
    // In the row's insert, not an update after it: the same ops (a field
    // with no value makes none, as an update would not), no re-read.
    let mut extra: Vec<(&'static str, Val)> = Vec::new();
    if o.status != RegStatus::Active {
        extra.push(("status_on", on.into()));
    }
    if let Some(d) = o.established_on {
        extra.push(("established_on", d.into()));
    }
    // Registered is not operating: counted once verified.
    extra.push(("pending", true.into()));
    extra.push(("check_due_on", o.check_due_on.into()));
    insert_org(w, org, placed, extra)
}
