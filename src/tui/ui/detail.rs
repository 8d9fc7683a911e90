//! The detail view of one organization: facts, party organizations and
//! coverage history, persons, instructors and visits, tasks, alerts, and the
//! row's audit history.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::domain::kinds::{
    Coverage, Mode, OrgKind, Political, Relation, Rule, Source, Stage, TaskKind,
};
use crate::i18n::tr;
use crate::text::{clean, pad, width};
use crate::tui::state::App;
use crate::tui::state::Detail;

fn section<'a>(app: &App, title: &str) -> Line<'a> {
    Line::from(Span::styled(format!("── {title} "), app.theme.accent()))
}

pub fn draw(f: &mut Frame, area: Rect, app: &App, detail: &Detail) {
    let d = &detail.org;
    let r = &d.row;
    let block = app.theme.block(format!(" {} ", clean(&r.name)), true);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let yn = |b: bool| if b { tr("是", "yes") } else { tr("否", "no") };
    let facts: Vec<(&str, String)> = vec![
        (
            tr("信用代码", "Credit code"),
            r.code.clone().unwrap_or_default(),
        ),
        (
            tr("类型", "Kind"),
            OrgKind::parse(&r.kind)
                .map(|k| k.label())
                .unwrap_or("")
                .into(),
        ),
        (
            tr("街道/社区", "Street/community"),
            format!("{} / {}", r.street, r.community.clone().unwrap_or_default()),
        ),
        (
            tr("楼宇", "Building"),
            d.building.clone().unwrap_or_default(),
        ),
        (tr("地址", "Address"), d.address.clone()),
        (tr("行业", "Industry"), d.industry.clone()),
        (
            tr("从业人数", "Employees"),
            r.employees.map(|e| e.to_string()).unwrap_or_default(),
        ),
        (tr("党员", "Members"), r.members.to_string()),
        (
            tr("覆盖", "Coverage"),
            Coverage::parse(&r.coverage)
                .map(|c| c.label())
                .unwrap_or("")
                .into(),
        ),
        (
            tr("身份识别机制", "Identity check"),
            yn(d.identity_check).into(),
        ),
        (
            tr("法人是党员", "Legal rep. member"),
            yn(d.legal_rep_member).into(),
        ),
        (
            tr("首次/最近摸排", "First/last survey"),
            format!(
                "{} / {}",
                d.first_survey_on.clone().unwrap_or_default(),
                r.last_survey_on.clone().unwrap_or_default()
            ),
        ),
    ];
    let kw = facts.iter().map(|(k, _)| width(k)).max().unwrap_or(0);
    let mut lines: Vec<Line> = facts
        .into_iter()
        .map(|(k, v)| {
            Line::from(vec![
                Span::styled(pad(k, kw), app.theme.dim()),
                Span::raw("  "),
                Span::raw(clean(&v)),
            ])
        })
        .collect();
    lines.push(section(
        app,
        tr("党组织与覆盖", "Party organizations and coverage"),
    ));
    if d.links.is_empty() {
        lines.push(Line::from(tr("  （无）", "  (none)")));
    }
    for l in &d.links {
        let mode = Mode::parse(&l.mode).map(|m| m.label()).unwrap_or("");
        lines.push(Line::from(format!(
            "  {} · {mode} · {} → {}",
            clean(&l.party_org),
            l.from_on,
            l.to_on.clone().unwrap_or_default()
        )));
    }
    lines.push(section(app, tr("人员", "Persons")));
    for p in &d.persons {
        let st = Political::parse(&p.status).map(|s| s.label()).unwrap_or("");
        let rel = p
            .relation
            .as_deref()
            .and_then(|r| Relation::parse(r).ok())
            .map(|r| r.label())
            .unwrap_or("");
        let mgr = if p.manager {
            tr(" · 管理人员", " · manager")
        } else {
            ""
        };
        let floating = if p.floating {
            tr(" · 流动党员", " · floating")
        } else {
            ""
        };
        let line = format!("  {} · {st} · {rel}{floating}{mgr}", clean(&p.name));
        // Those who left stay listed (history), dimmed, with the day.
        match &p.left_on {
            Some(day) => lines.push(Line::from(Span::styled(
                format!(
                    "{line} · {} {day}{}",
                    tr("离职", "left"),
                    match (&p.moved_to, p.leave_reason.as_deref()) {
                        (Some(to), _) => format!(" → {}", clean(to)),
                        (None, Some(r)) if !r.is_empty() => format!(" ({})", clean(r)),
                        _ => String::new(),
                    }
                ),
                app.theme.dim(),
            ))),
            None => lines.push(Line::from(line)),
        }
    }
    lines.push(section(app, tr("党建指导员", "Instructors")));
    for a in &d.instructors {
        let src = Source::parse(&a.source).map(|s| s.label()).unwrap_or("");
        lines.push(Line::from(format!(
            "  {} · {src} · {} → {} · {} {} {}",
            clean(&a.instructor),
            a.from_on,
            a.to_on.clone().unwrap_or_default(),
            a.visits,
            tr("次走访，最近", "visits, last"),
            a.last_visit_on.clone().unwrap_or_default()
        )));
    }
    let tasks = &detail.tasks;
    if !tasks.is_empty() {
        lines.push(section(app, tr("任务", "Tasks")));
        for t in tasks {
            let kind = TaskKind::parse(&t.kind).map(|k| k.label()).unwrap_or("");
            let stage = Stage::parse(&t.stage).map(|s| s.label()).unwrap_or("");
            lines.push(Line::from(format!("  {kind} · {stage} · {}", t.due_on)));
        }
    }
    let alerts = &detail.alerts;
    if !alerts.is_empty() {
        lines.push(section(app, tr("预警", "Alerts")));
        for a in alerts {
            lines.push(Line::from(Span::styled(
                format!(
                    "  {} · {} · {}{}",
                    Rule::parse(&a.rule)
                        .map(|r| r.label())
                        .unwrap_or(a.rule.as_str()),
                    a.raised_on,
                    a.age_days,
                    tr("天", "d")
                ),
                app.theme.warn(),
            )));
        }
    }
    lines.push(section(app, tr("修改记录", "History")));
    for h in d.history.iter().rev().take(12) {
        let at = h.at.get(..16).unwrap_or(&h.at);
        // op values are JSON: show strings without their quotes
        let value = serde_json::from_str::<String>(&h.value).unwrap_or_else(|_| h.value.clone());
        lines.push(Line::from(format!(
            "  {at} {} {} {}={}",
            clean(&h.user),
            h.action,
            h.field,
            clean(&value)
        )));
    }
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((app.detail_scroll, 0)),
        inner,
    );
}
