//! `alerts`, `alert snooze|dismiss`, `today`, `report response`. Alerts are
//! computed from the facts as of the day; reading them writes nothing.

use std::collections::BTreeMap;

use super::args::{AlertCmd, AlertsArgs};
use super::out::{self, outln};
use super::{Ctx, print_json, text_or_json};
use crate::domain::alerts::Rule;
use crate::domain::kinds::{AlertGroup, Office};
use crate::domain::{Command, Date};
use crate::error::{Error, Result};
use crate::i18n::tr;
use crate::report::response;
use crate::store::alerts::{self, AlertFilter, AlertRow, act_now_first};
use crate::store::tasks::{self as task_store, TaskFilter};
use crate::store::{Store, resolve};
use crate::text::{clean, pad};

fn opened(ctx: &Ctx) -> Result<(Store, Date)> {
    let store = ctx.open()?;
    let today = ctx.today(&store)?;
    Ok((store, today))
}

pub fn list(ctx: &Ctx, a: AlertsArgs) -> Result<()> {
    let json = text_or_json(&a.format)?;
    let rule = a.rule.as_deref().map(Rule::parse).transpose()?;
    let group = a.group.as_deref().map(AlertGroup::parse).transpose()?;
    let (store, today) = opened(ctx)?;
    let f = AlertFilter {
        rule,
        group,
        all: a.all,
        ..AlertFilter::default()
    };
    let mut rows = alerts::list(store.conn(), today, &ctx.config.alerts, &f)?;
    if json {
        return print_json(&rows);
    }
    if rule.is_some() || group.is_some() || a.all {
        if rows.is_empty() {
            outln!("{}", tr("没有预警", "no alerts"))?;
        }
        for r in &rows {
            outln!("{}", line(r))?;
        }
        return Ok(());
    }
    // The checklist: first-time items whole, the rest as counts.
    let open: Vec<AlertRow> = std::mem::take(&mut rows)
        .into_iter()
        .filter(|a| a.is_open())
        .collect();
    let mut first: Vec<&AlertRow> = open
        .iter()
        .filter(|a| a.group == AlertGroup::FirstTime)
        .collect();
    act_now_first(&mut first);
    outln!(
        "{} ({}): {}",
        AlertGroup::FirstTime.label(),
        tr("近期发生、待处理", "recent, act now"),
        first.len()
    )?;
    for r in &first {
        outln!("  {}", line(r))?;
    }
    for g in [AlertGroup::Backlog, AlertGroup::Routine] {
        let of: Vec<&AlertRow> = open.iter().filter(|a| a.group == g).collect();
        outln!(
            "{}: {}  ({} alerts --group {})",
            g.label(),
            of.len(),
            tr("逐条查看：", "listed by"),
            g.code()
        )?;
        for (rule, street, n, oldest) in summary(&of) {
            outln!(
                "  {}  {}  {n}  {} {}",
                pad(&rule_label(&rule), widest(Rule::ALL, |r| r.label())),
                pad(&clean(&street), 12),
                tr("最早", "oldest"),
                clean(&oldest)
            )?;
        }
    }
    Ok(())
}

/// (rule, street, count, oldest raised day) per rule and street.
fn summary(rows: &[&AlertRow]) -> Vec<(String, String, usize, String)> {
    let mut by: BTreeMap<(String, String), (usize, String)> = BTreeMap::new();
    for r in rows {
        let e = by
            .entry((r.rule.clone(), r.street.clone().unwrap_or_default()))
            .or_insert((0, r.raised_on.clone()));
        e.0 += 1;
        if r.raised_on < e.1 {
            e.1 = r.raised_on.clone();
        }
    }
    by.into_iter()
        .map(|((rule, street), (n, oldest))| (rule, street, n, oldest))
        .collect()
}

/// A rule's label, or the stored id (cleaned) of a rule this version does not know.
fn rule_label(rule: &str) -> String {
    Rule::parse(rule).map_or_else(|_| clean(rule), |x| x.label().to_string())
}

/// One alert on one line.
fn line(r: &AlertRow) -> String {
    let label = rule_label(&r.rule);
    let mut marks = Vec::new();
    if r.escalated {
        marks.push(tr("提级督办", "escalated"));
    }
    if r.overdue {
        marks.push(tr("逾期", "overdue"));
    }
    if !r.is_open() {
        marks.push(r.state.label());
    }
    let what = match (&r.org, &r.subject_name) {
        (Some(o), Some(s)) => format!("{} {}", clean(o), clean(s)),
        (Some(o), None) => clean(o),
        (None, Some(s)) => clean(s),
        (None, None) => clean(&r.subject),
    };
    format!(
        "{}  {}  {} {}  {}  {}{}",
        clean(&r.id),
        clean(&r.raised_on),
        tr("限", "due"),
        clean(r.due_on.as_deref().unwrap_or("-")),
        pad(&label, widest(Rule::ALL, |r| r.label())),
        what,
        if marks.is_empty() {
            String::new()
        } else {
            format!("  [{}]", marks.join(", "))
        }
    )
}

pub fn alert(ctx: &Ctx, c: AlertCmd) -> Result<()> {
    let mut store = ctx.open()?;
    let today = ctx.today(&store)?;
    let l = &ctx.config.alerts;
    let (cmd, id) = match c {
        AlertCmd::Snooze { alert, until } => {
            let until = Date::parse("until", &until)?;
            let a = alerts::find(store.conn(), today, l, &alert)?;
            (
                Command::SnoozeAlert {
                    alert: a.key()?,
                    until,
                },
                a.id,
            )
        }
        AlertCmd::Dismiss { alert } => {
            let reason = ctx.reason.clone().unwrap_or_default();
            if reason.trim().is_empty() {
                return Err(Error::invalid(
                    "reason",
                    reason,
                    tr("忽略预警须写明 --reason", "dismissing needs --reason"),
                ));
            }
            let a = alerts::find(store.conn(), today, l, &alert)?;
            (
                Command::DismissAlert {
                    alert: a.key()?,
                    reason,
                },
                a.id,
            )
        }
    };
    let on = ctx.on(&store)?;
    store.apply(&ctx.actor, on, cmd, ctx.reason.as_deref())?;
    outln!("{id}")
}

pub fn response(ctx: &Ctx, from: &str, to: &str, format: &str) -> Result<()> {
    let json = text_or_json(format)?;
    let (from, to) = (Date::parse("from", from)?, Date::parse("to", to)?);
    if to < from {
        return Err(Error::invalid(
            "to",
            to.to_string(),
            tr("早于 --from", "is before --from"),
        ));
    }
    let (store, today) = opened(ctx)?;
    let episodes = alerts::raised_between(store.conn(), &ctx.config.alerts, today, from, to)?;
    let r = response::compute(from, to, &episodes);
    if json {
        print_json(&r)
    } else {
        out::text(&response::render_text(&r))
    }
}

/// The morning checklist: first-time alerts, tasks due and overdue, and one
/// line of counts per alert group, on one 80×24 screen.
pub fn today(ctx: &Ctx, format: &str) -> Result<()> {
    let json = text_or_json(format)?;
    let (store, today) = opened(ctx)?;
    let conn = store.conn();
    let street = ctx
        .config
        .scope
        .street
        .as_deref()
        .map(|s| resolve::street(conn, s))
        .transpose()?;
    let community = ctx
        .config
        .scope
        .community
        .as_deref()
        .map(|c| resolve::community(conn, c, street.as_ref()))
        .transpose()?;
    let office = Some(ctx.config.user.office.as_str())
        .filter(|o| !o.is_empty())
        .map(Office::parse)
        .transpose()?;
    let open = alerts::list(
        conn,
        today,
        &ctx.config.alerts,
        &AlertFilter {
            street: street.clone(),
            community: community.clone(),
            ..AlertFilter::default()
        },
    )?;
    // raised since yesterday
    let since = today.add_days(-1).to_string();
    let new: Vec<&AlertRow> = open
        .iter()
        .filter(|a| a.is_open() && a.raised_on >= since)
        .collect();
    let mut by_rule: BTreeMap<String, usize> = BTreeMap::new();
    let mut groups: BTreeMap<&str, usize> = AlertGroup::ALL.iter().map(|g| (g.code(), 0)).collect();
    for a in open.iter().filter(|a| a.is_open()) {
        *by_rule.entry(a.rule.clone()).or_default() += 1;
        *groups.entry(a.group.code()).or_default() += 1;
    }
    let mut first: Vec<&AlertRow> = open
        .iter()
        .filter(|a| a.is_open() && a.group == AlertGroup::FirstTime)
        .collect();
    act_now_first(&mut first);
    let tasks = task_store::list(
        conn,
        today,
        &TaskFilter {
            office,
            due_before: Some(today.add_days(1)),
            street,
            community,
            ..TaskFilter::default()
        },
    )?;
    let t = today.to_string();
    let (due, late): (Vec<_>, Vec<_>) = tasks
        .iter()
        .partition(|r| r.due_on.as_deref() == Some(t.as_str()));
    if json {
        return print_json(&serde_json::json!({
            "date": today,
            "scope": {
                "street": ctx.config.scope.street,
                "community": ctx.config.scope.community,
                "office": office.map(|o| o.code()),
            },
            "new_alerts": new,
            "first_time": first,
            "groups": groups,
            "tasks_due_today": due,
            "tasks_overdue": late,
            "open_alerts_by_rule": by_rule,
        }));
    }
    let scope: Vec<String> = [
        ctx.config.scope.street.as_deref(),
        ctx.config.scope.community.as_deref(),
        office.map(|o| o.label()),
    ]
    .into_iter()
    .flatten()
    .map(clean)
    .collect();
    outln!(
        "{} {today}{}",
        tr("两新台账今日清单", "Two-new ledger checklist"),
        if scope.is_empty() {
            String::new()
        } else {
            format!("  ({})", scope.join(" "))
        }
    )?;
    // One 80×24 screen: a header, three short sections, one line of counts.
    section(
        tr(
            "第一时间预警（逾期在前）",
            "First-time alerts (overdue first)",
        ),
        first.len(),
        FIRST_SHOWN,
        first.iter().map(|a| short_alert(a)),
    )?;
    section(
        tr("今天到期的任务", "Tasks due today"),
        due.len(),
        TASKS_SHOWN,
        due.iter().map(|r| short_task(r)),
    )?;
    section(
        tr("逾期任务", "Overdue tasks"),
        late.len(),
        TASKS_SHOWN,
        late.iter().map(|r| short_task(r)),
    )?;
    let oldest = |g: AlertGroup| {
        open.iter()
            .filter(|a| a.is_open() && a.group == g)
            .map(|a| a.age_days)
            .max()
    };
    let counts: Vec<String> = AlertGroup::ALL
        .iter()
        .map(|g| {
            let n = groups.get(g.code()).copied().unwrap_or(0);
            match (g, oldest(*g)) {
                (AlertGroup::Backlog, Some(d)) if n > 0 => format!(
                    "{} {n}（{} {}）",
                    g.label(),
                    tr("最久", "oldest"),
                    crate::text::age(d)
                ),
                _ => format!("{} {n}", g.label()),
            }
        })
        .collect();
    outln!(
        "{}: {}",
        tr("未处理预警", "Open alerts"),
        counts.join(" · ")
    )?;
    Ok(())
}

/// Lines of `today`: a cell short of the screen's width.
const WIDTH: usize = 78;
const FIRST_SHOWN: usize = 8;

/// A column as wide as the widest label of a vocabulary, by display width,
/// so the columns line up in Chinese.
fn widest<T: Copy>(all: &[T], label: fn(T) -> &'static str) -> usize {
    all.iter()
        .map(|v| crate::text::width(label(*v)))
        .max()
        .unwrap_or(0)
}
const TASKS_SHOWN: usize = 4;

fn short_alert(a: &AlertRow) -> String {
    let what = match (&a.org, &a.subject_name) {
        (Some(o), Some(p)) => format!("{o} {p}"),
        (Some(x), None) | (None, Some(x)) => x.clone(),
        (None, None) => a.subject.clone(),
    };
    let mark = if a.overdue {
        tr(" [逾期]", " [overdue]")
    } else {
        ""
    };
    crate::text::fit(
        &format!(
            "{}  {}  {}{mark}",
            crate::text::pad_left(&crate::text::age(a.age_days), 5),
            pad(&rule_label(&a.rule), widest(Rule::ALL, |r| r.label())),
            clean(&what)
        ),
        WIDTH,
    )
}

/// A task without its id (the tasks list has it): due day, stage, kind, where.
fn short_task(r: &crate::store::tasks::TaskRow) -> String {
    let mark = if r.overdue { tr("逾期", "late") } else { "" };
    let kind = crate::domain::kinds::TaskKind::parse(&r.kind)
        .map_or_else(|_| clean(&r.kind), |k| k.label().to_string());
    let what = r.org.as_deref().or(r.community.as_deref()).unwrap_or("");
    crate::text::fit(
        &format!(
            "{} {}  {}  {}  {}",
            clean(r.due_on.as_deref().unwrap_or("-")),
            pad(mark, 4),
            pad(
                &clean(&crate::store::tasks::stage_label(&r.stage)),
                widest(crate::domain::kinds::Stage::ALL, |s| s.label())
            ),
            pad(
                &kind,
                widest(crate::domain::kinds::TaskKind::ALL, |k| k.label())
            ),
            clean(what)
        ),
        WIDTH,
    )
}

fn section(title: &str, n: usize, shown: usize, lines: impl Iterator<Item = String>) -> Result<()> {
    outln!("{title}: {n}")?;
    for l in lines.take(shown) {
        outln!("  {l}")?;
    }
    if n > shown {
        outln!("  … {} {}", tr("另有", "and"), n - shown)?;
    }
    Ok(())
}
