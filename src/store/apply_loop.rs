//! Handlers for the survey loop (task hand-overs), alerts, and organizations
//! entered from a registration list. Same rules as `apply`: validate inside
//! the transaction, write only through the `Writer`.

use rusqlite::OptionalExtension;

use super::Val;
use super::apply::{insert_org, text};
use super::write::Writer;
use crate::domain::command::{ImportedOrg, NewAlert, NewOrg};
use crate::domain::kinds::{Office, RegStatus, Stage};
use crate::domain::{Command, Id, workflow};
use crate::error::{Error, Noun, Result};
use crate::i18n::tr;

pub fn apply(w: &mut Writer<'_>, cmd: Command) -> Result<()> {
    match cmd {
        Command::AdvanceTask { id, task, note } => {
            let (stage, _) = open_task(w, &task)?;
            let next = workflow::next(stage);
            step(w, &id, &task, stage, next, next.office(), &note)
        }
        Command::CloseTask { id, task, note } => {
            let (stage, _) = open_task(w, &task)?;
            step(w, &id, &task, stage, Stage::Closed, None, &note)
        }
        Command::ReassignTask {
            id,
            task,
            office,
            note,
        } => {
            let (stage, cur) = open_task(w, &task)?;
            if cur.as_deref() == Some(office.code()) {
                return Err(Error::invalid(
                    "office",
                    office.code(),
                    tr("任务已在该科室", "already holds the task"),
                ));
            }
            step(w, &id, &task, stage, stage, Some(office), &note)
        }
        Command::RaiseAlert(a) => raise(w, a),
        Command::ResolveAlert { alert, on } => {
            let state = alert_state(w, &alert)?;
            if state == "resolved" {
                return Err(alert_closed(&alert));
            }
            let mut f: Vec<(&'static str, Val)> = vec![("resolved_on", on.into())];
            if state != "dismissed" {
                f.push(("state", "resolved".into()));
            }
            w.update("alerts", &alert, &f)
        }
        Command::SnoozeAlert { alert, until } => {
            let state = alert_state(w, &alert)?;
            if state == "resolved" || state == "dismissed" {
                return Err(alert_closed(&alert));
            }
            if until <= w.on {
                return Err(Error::invalid(
                    "until",
                    until.to_string(),
                    tr("应晚于今天", "must be after today"),
                ));
            }
            w.update(
                "alerts",
                &alert,
                &[("state", "snoozed".into()), ("until_on", until.into())],
            )
        }
        Command::DismissAlert { alert, reason } => {
            let reason = text("reason", &reason, true)?;
            let state = alert_state(w, &alert)?;
            if state == "resolved" || state == "dismissed" {
                return Err(alert_closed(&alert));
            }
            w.update(
                "alerts",
                &alert,
                &[("state", "dismissed".into()), ("reason", reason.into())],
            )
        }
        Command::ImportOrg(o) => import_org(w, o),
        other => Err(Error::Other(format!(
            "not a loop command: {}",
            other.name()
        ))),
    }
}

/// The task's stage and office; closed tasks take no more steps.
/// A survey recorded for `org` completes the survey stage of its open
/// half-year, registration and ad-hoc tasks: they move on to the next office
/// as a hand-over would, without a second entry.
pub(super) fn survey_done(w: &mut Writer<'_>, org: &Id) -> Result<()> {
    let tasks: Vec<String> =
        w.tx.prepare_cached(
            "SELECT id FROM tasks WHERE org_id = ?1 AND deleted = 0 AND stage = 'survey'
             AND kind IN ('half-year', 'registration', 'ad-hoc') AND closed_on IS NULL
             ORDER BY id",
        )?
        .query_map([org.as_str()], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let note = tr("摸排已录入", "survey recorded");
    for t in tasks {
        let next = workflow::next(Stage::Survey);
        step(
            w,
            &Id::new(),
            &Id(t),
            Stage::Survey,
            next,
            next.office(),
            note,
        )?;
    }
    Ok(())
}

fn open_task(w: &Writer<'_>, task: &Id) -> Result<(Stage, Option<String>)> {
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

fn alert_state(w: &Writer<'_>, alert: &Id) -> Result<String> {
    let s: Option<Option<String>> =
        w.tx.prepare_cached("SELECT state FROM alerts WHERE id = ?1")?
            .query_row([alert.as_str()], |r| r.get(0))
            .optional()?;
    match s {
        Some(s) => Ok(s.unwrap_or_default()),
        None => Err(Error::not_found(Noun::Alert, alert.as_str())),
    }
}

fn alert_closed(alert: &Id) -> Error {
    Error::invalid(
        "alert",
        alert.as_str(),
        tr("预警已解除或已忽略", "is already resolved or dismissed"),
    )
}

fn raise(w: &mut Writer<'_>, a: NewAlert) -> Result<()> {
    if let Some(o) = &a.org {
        super::resolve::require(w.tx, Noun::Org, o)?;
    }
    // One live alert per (rule, subject): a new episode only after the last one ended.
    let live =
        w.tx.prepare_cached(
            "SELECT 1 FROM alerts WHERE rule = ?1 AND subject = ?2 AND resolved_on IS NULL",
        )?
        .exists([a.rule.code(), a.subject.as_str()])?;
    if live && a.resolved_on.is_none() {
        return Err(Error::invalid(
            "alert",
            format!("{}:{}", a.rule.code(), a.subject),
            tr("已有未解除的同一预警", "is already raised"),
        ));
    }
    let on = w.on;
    let state = if a.resolved_on.is_some() {
        "resolved"
    } else {
        "open"
    };
    w.insert(
        "alerts",
        &a.id,
        &[
            ("rule", a.rule.code().into()),
            ("subject", a.subject.into()),
            ("org_id", a.org.as_ref().into()),
            ("raised_on", a.raised_on.into()),
            ("due_on", a.due_on.into()),
            ("resolved_on", a.resolved_on.into()),
            ("state", state.into()),
            ("noticed_on", on.into()),
        ],
    )
}

fn import_org(w: &mut Writer<'_>, o: ImportedOrg) -> Result<()> {
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
    insert_org(w, org, placed)?;
    let status_on = (o.status != RegStatus::Active).then_some(on);
    w.update(
        "orgs",
        &o.id,
        &[
            ("status_on", status_on.into()),
            ("established_on", o.established_on.into()),
            // Registered is not operating: counted once verified.
            ("pending", true.into()),
        ],
    )
}
