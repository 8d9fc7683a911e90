//! The three panes of the main screen. Only the rows in view are built, so a
//! frame costs the same with 900 organizations or 100,000.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};

use crate::domain::kinds::{AlertGroup, Coverage, Rule, Stage, TaskKind};
use crate::i18n::tr;
use crate::tui::state::{App, ListPos, Pane};

fn window(pos: &ListPos, len: usize, height: usize) -> (usize, usize) {
    let mut p = *pos;
    p.clamp(len);
    p.scroll_into_view(height);
    let start = p.offset.min(len);
    (start, (start + height).min(len))
}

fn coverage_label(code: &str) -> &'static str {
    Coverage::parse(code).map(|c| c.label()).unwrap_or("")
}

pub fn orgs(f: &mut Frame, area: Rect, app: &App) {
    let o = &app.orgs;
    let focused = app.focus == Pane::Orgs;
    let mut title = if o.loading && !o.rows.is_empty() {
        // the first page is shown; the rest and the search index are on their way
        format!(
            " {} ({} / {} {}) ",
            tr("组织", "Organizations"),
            o.visible.len(),
            o.total_hint,
            tr("载入中", "loading")
        )
    } else {
        format!(" {} ({}) ", tr("组织", "Organizations"), o.visible.len())
    };
    let mut facets: Vec<String> = Vec::new();
    if let Some(s) = &o.street {
        facets.push(s.clone());
    }
    if let Some(c) = &o.coverage {
        facets.push(coverage_label(c).to_string());
    }
    if let Some(k) = &o.kind {
        facets.push(
            crate::domain::kinds::OrgKind::parse(k)
                .map(|k| k.label().to_string())
                .unwrap_or_default(),
        );
    }
    if !facets.is_empty() {
        title.push_str(&format!("[{}] ", facets.join(" ")));
    }
    let block = app.theme.block(title, focused);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let search_line = o.searching || !o.query.is_empty();
    let (search_area, table_area) = if search_line {
        (
            Rect { height: 1, ..inner },
            Rect {
                y: inner.y + 1,
                height: inner.height.saturating_sub(1),
                ..inner
            },
        )
    } else {
        (Rect { height: 0, ..inner }, inner)
    };
    if search_line {
        let text = format!("/{}", o.query);
        f.render_widget(
            Paragraph::new(text.clone()).style(app.theme.accent()),
            search_area,
        );
        if o.searching && app.overlay_is_none() {
            // the real cursor, so an input method's candidate window opens here
            let x = search_area.x
                + (crate::text::width(&text) as u16).min(search_area.width.saturating_sub(1));
            f.set_cursor_position((x, search_area.y));
        }
    }
    if let (Some(e), true) = (&o.failed, o.rows.is_empty()) {
        let msg = crate::text::clean(e);
        f.render_widget(Paragraph::new(msg).style(app.theme.warn()), table_area);
        return;
    }
    if o.loading && o.rows.is_empty() {
        let msg = format!("{} ({})", tr("正在载入…", "loading…"), o.total_hint);
        f.render_widget(Paragraph::new(msg).style(app.theme.dim()), table_area);
        return;
    }
    let height = table_area.height.saturating_sub(1) as usize;
    let (start, end) = window(&o.pos, o.visible.len(), height);
    let w = table_area.width;
    let wide = w >= 96;
    let mid = w >= 64;
    let mut header = vec![tr("名称", "Name")];
    let mut widths = vec![Constraint::Min(16)];
    if mid {
        header.push(tr("街道/社区", "Street/Community"));
        widths.push(Constraint::Length(if wide { 20 } else { 12 }));
        header.push(tr("人数", "Staff"));
        widths.push(Constraint::Length(5));
        header.push(tr("党员", "Mbrs"));
        widths.push(Constraint::Length(4));
    }
    header.push(tr("覆盖", "Coverage"));
    widths.push(Constraint::Length(if app.lang_is_zh() { 10 } else { 15 }));
    if wide {
        header.push(tr("指导员", "Instructor"));
        widths.push(Constraint::Length(8));
        header.push(tr("最近摸排", "Surveyed"));
        widths.push(Constraint::Length(10));
    }
    let rows: Vec<Row> = (start..end)
        .filter_map(|k| {
            let r = o.rows.get(*o.visible.get(k)? as usize)?;
            let marked = o.marked.contains(&*r.id);
            let name = if marked {
                format!("✓ {}", r.name)
            } else {
                r.name.to_string()
            };
            let mut cells = vec![Cell::from(name)];
            let street = o.names.get(r.street);
            if mid {
                let place = if wide {
                    format!("{street}/{}", o.names.get(r.community))
                } else {
                    street.trim_end_matches("街道").to_string()
                };
                cells.push(Cell::from(place));
                cells.push(Cell::from(
                    r.employees.map(|e| e.to_string()).unwrap_or_default(),
                ));
                cells.push(Cell::from(r.members.to_string()));
            }
            cells.push(Cell::from(r.coverage.short()));
            if wide {
                cells.push(Cell::from(o.names.get(r.instructor).to_string()));
                cells.push(Cell::from(
                    r.last_survey.map(|d| d.to_string()).unwrap_or_default(),
                ));
            }
            let row = Row::new(cells);
            Some(if k == o.pos.selected && focused {
                row.style(app.theme.selected())
            } else {
                row
            })
        })
        .collect();
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(app.theme.header()))
        .column_spacing(1);
    f.render_widget(table, table_area);
}

pub fn tasks(f: &mut Frame, area: Rect, app: &App) {
    let focused = app.focus == Pane::Tasks;
    let list = app.visible_tasks();
    let which = if app.all_tasks {
        tr("全部", "all")
    } else {
        tr("本办", "mine")
    };
    let block = app.theme.block(
        format!(
            " {} ({}) {which} ",
            tr("摸排任务", "Tasks"),
            if app.all_tasks || app.office.is_empty() {
                app.tasks_total.0
            } else {
                app.tasks_total.1
            }
        ),
        focused,
    );
    let inner = block.inner(area);
    f.render_widget(block, area);
    let height = inner.height.saturating_sub(1) as usize;
    let (start, end) = window(&app.tasks_pos, list.len(), height);
    let narrow = inner.width < 56;
    let rows: Vec<Row> = (start..end)
        .filter_map(|k| {
            let t = list.get(k)?;
            let kind = TaskKind::parse(&t.kind).map(|x| x.label()).unwrap_or("");
            let stage = Stage::parse(&t.stage).map(|x| x.label()).unwrap_or("");
            let due = match (t.overdue_days > 0, narrow) {
                (true, false) => Line::from(Span::styled(
                    format!("{} +{}", &t.due_on, t.overdue_days),
                    app.theme.warn(),
                )),
                (true, true) => Line::from(Span::styled(t.due_on.clone(), app.theme.warn())),
                _ => Line::from(t.due_on.clone()),
            };
            let mut cells = vec![Cell::from(t.org.clone())];
            if !narrow {
                cells.push(Cell::from(kind));
            }
            cells.push(Cell::from(stage));
            cells.push(Cell::from(due));
            let row = Row::new(cells);
            Some(if k == app.tasks_pos.selected && focused {
                row.style(app.theme.selected())
            } else {
                row
            })
        })
        .collect();
    let mut header = vec![tr("组织", "Org")];
    let mut widths = vec![Constraint::Min(8)];
    if !narrow {
        header.push(tr("类型", "Kind"));
        widths.push(Constraint::Length(10));
    }
    header.extend([tr("环节", "Stage"), tr("期限", "Due")]);
    widths.extend([
        Constraint::Length(11),
        Constraint::Length(if narrow { 10 } else { 16 }),
    ]);
    f.render_widget(
        Table::new(rows, widths)
            .header(Row::new(header).style(app.theme.header()))
            .column_spacing(1),
        inner,
    );
}

/// The first-time alerts whole (act now: overdue first), the backlog and the
/// routine checks collapsed to one line each with their counts.
pub fn alerts(f: &mut Frame, area: Rect, app: &App) {
    let focused = app.focus == Pane::Alerts;
    let count = |g: AlertGroup| app.alert_groups.get(&g).copied().unwrap_or_default();
    let block = app.theme.block(
        format!(
            " {} ({}) ",
            tr("第一时间预警", "First-time alerts"),
            count(AlertGroup::FirstTime).open
        ),
        focused,
    );
    let inner = block.inner(area);
    f.render_widget(block, area);
    // the two collapsed groups take the last lines
    let folded: Vec<Line> = [AlertGroup::Backlog, AlertGroup::Routine]
        .into_iter()
        .map(|g| {
            let c = count(g);
            let oldest = if c.open > 0 {
                format!(
                    "  {} {}",
                    tr("最久", "oldest"),
                    crate::text::age(c.oldest_days)
                )
            } else {
                String::new()
            };
            Line::from(format!("▸ {} {}{oldest}", g.label(), c.open)).style(app.theme.dim())
        })
        .collect();
    let list_h = inner.height.saturating_sub(folded.len() as u16);
    let list = Rect {
        height: list_h,
        ..inner
    };
    let foot = Rect {
        y: inner.y + list_h,
        height: inner.height - list_h,
        ..inner
    };
    f.render_widget(Paragraph::new(folded), foot);
    if app.alerts.is_empty() {
        f.render_widget(
            Paragraph::new(tr("近期没有待处理的预警", "nothing to act on now"))
                .style(app.theme.dim()),
            list,
        );
        return;
    }
    let (start, end) = window(&app.alerts_pos, app.alerts.len(), list.height as usize);
    let rows: Vec<Row> = app.alerts[start..end]
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let label = Rule::parse(&a.rule)
                .map(|r| r.label().to_string())
                .unwrap_or_else(|_| a.rule.clone());
            let age = if a.overdue {
                format!("{}!", crate::text::age(a.age_days))
            } else {
                crate::text::age(a.age_days)
            };
            let row = Row::new(vec![
                Cell::from(a.org.clone()),
                Cell::from(label),
                Cell::from(age),
            ]);
            if start + i == app.alerts_pos.selected && focused {
                row.style(app.theme.selected())
            } else if a.overdue {
                row.style(app.theme.accent())
            } else {
                row
            }
        })
        .collect();
    let widths = [
        Constraint::Min(8),
        Constraint::Min(8),
        Constraint::Length(6),
    ];
    f.render_widget(Table::new(rows, widths).column_spacing(1), list);
}
