//! `tasks`, `tasks generate`, `task add|advance|close|reassign`.

use super::args::{TaskCmd, TasksArgs, TasksSub};
use super::out::outln;
use super::{Ctx, print_json, text_or_json};
use crate::domain::command::NewTask;
use crate::domain::kinds::{Office, Stage, TaskKind};
use crate::domain::{Command, Date, Id, workflow};
use crate::error::{Error, Result};
use crate::i18n::tr;
use crate::store::tasks::{self, TaskFilter, TaskRow};
use crate::store::{Store, resolve};
use crate::text::{clean, pad};

/// Makes this cycle's half-year tasks; returns how many were made.
pub fn generate(ctx: &Ctx, store: &mut Store, today: Date) -> Result<usize> {
    let batch = tasks::half_year_plan(store.conn(), today)?;
    if batch.is_empty() {
        return Ok(0);
    }
    let planned = batch.len();
    let applied = store.apply_batch(&ctx.actor, "tasks.generate", batch)?;
    Ok(planned - applied.already.min(planned))
}

pub fn list(ctx: &Ctx, a: TasksArgs) -> Result<()> {
    let mut store = ctx.open()?;
    let today = ctx.today(&store)?;
    if let Some(TasksSub::Generate) = a.cmd {
        let n = generate(ctx, &mut store, today)?;
        let (_, due) = workflow::cycle(today);
        return outln!(
            "{} {n} {} {due}",
            tr("已生成半年更新任务", "half-year update tasks made:"),
            tr("个，截止", "due")
        );
    }
    let json = text_or_json(&a.format)?;
    let f = TaskFilter {
        office: a.office.as_deref().map(Office::parse).transpose()?,
        due_before: a
            .due_before
            .as_deref()
            .map(|d| Date::parse("due-before", d))
            .transpose()?,
        all: a.all,
        ..TaskFilter::default()
    };
    let rows = tasks::list(store.conn(), today, &f)?;
    if json {
        return print_json(&rows);
    }
    if rows.is_empty() {
        outln!("{}", tr("没有任务", "no tasks"))?;
    }
    for r in &rows {
        outln!("{}", line(r))?;
    }
    Ok(())
}

/// One task on one line: short id, due date, office, stage, kind, organization.
pub fn line(r: &TaskRow) -> String {
    let mark = if r.overdue { tr("逾期", "late") } else { "" };
    let office = r
        .office
        .as_deref()
        .and_then(|o| Office::parse(o).ok())
        .map_or("-", |o| o.label());
    // A kind or stage this version does not know is shown as stored, cleaned.
    let kind = TaskKind::parse(&r.kind).map_or_else(|_| clean(&r.kind), |k| k.label().to_string());
    let what = r
        .org
        .as_deref()
        .or(r.community.as_deref())
        .map(clean)
        .unwrap_or_default();
    format!(
        "{}  {} {}  {}  {}  {}  {}",
        clean(&r.id),
        clean(r.due_on.as_deref().unwrap_or("-")),
        pad(mark, 4),
        pad(office, 8),
        pad(&clean(&tasks::stage_label(&r.stage)), 10),
        pad(&kind, 8),
        what
    )
}

pub fn task(ctx: &Ctx, c: TaskCmd) -> Result<()> {
    let mut store = ctx.open()?;
    let conn = store.conn();
    let cmd = match c {
        TaskCmd::Add {
            kind,
            org,
            community,
            street,
            stage,
            due,
            note,
        } => {
            let kind = TaskKind::parse(&kind)?;
            let street = street
                .as_deref()
                .map(|s| resolve::street(conn, s))
                .transpose()?;
            let org = org.as_deref().map(|o| resolve::org(conn, o)).transpose()?;
            let community = community
                .as_deref()
                .map(|c| resolve::community(conn, c, street.as_ref()))
                .transpose()?;
            if org.is_none() && community.is_none() {
                return Err(Error::invalid(
                    "org",
                    "",
                    tr("需要 --org 或 --community", "needs --org or --community"),
                ));
            }
            let stage = match stage {
                Some(s) => Stage::parse(&s)?,
                None => workflow::first_stage(kind),
            };
            if stage == Stage::Closed {
                return Err(Error::invalid(
                    "stage",
                    "closed",
                    tr("新任务不能已办结", "a new task cannot be closed"),
                ));
            }
            let on = ctx.on(&store)?;
            let due_on = match due {
                Some(d) => Date::parse("due", &d)?,
                None => on.add_days(ctx.config.alerts.stage_overdue_days),
            };
            Command::AddTask(NewTask {
                id: Id::new(),
                kind,
                org,
                community,
                stage,
                due_on,
                note,
            })
        }
        TaskCmd::Advance { task, note } => Command::AdvanceTask {
            id: Id::new(),
            task: resolve::task(conn, &task)?,
            note,
        },
        TaskCmd::Close { task, note } => Command::CloseTask {
            id: Id::new(),
            task: resolve::task(conn, &task)?,
            note,
        },
        TaskCmd::Reassign { task, office, note } => Command::ReassignTask {
            id: Id::new(),
            task: resolve::task(conn, &task)?,
            office: Office::parse(&office)?,
            note,
        },
    };
    let task = match &cmd {
        Command::AdvanceTask { task, .. }
        | Command::CloseTask { task, .. }
        | Command::ReassignTask { task, .. } => Some(task.clone()),
        _ => None,
    };
    match task {
        None => ctx.write(&mut store, cmd),
        Some(t) => {
            let on = ctx.on(&store)?;
            store.apply(&ctx.actor, on, cmd, ctx.reason.as_deref())?;
            let (stage, office): (Option<String>, Option<String>) = store.conn().query_row(
                "SELECT stage, office FROM task_list WHERE id = ?1",
                [t.as_str()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            let office = office
                .as_deref()
                .and_then(|o| Office::parse(o).ok())
                .map_or("-", |o| o.label());
            outln!(
                "{t}  {}  {office}",
                tasks::stage_label(stage.as_deref().unwrap_or(""))
            )
        }
    }
}
