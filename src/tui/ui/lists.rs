//! Overlays that are lists: help (every binding of the current scope, from
//! the keymap itself, filterable by typing), the command palette, facet
//! pickers, and the quit confirmation.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::{Paragraph, Row, Table};

use super::form::{centered, clear};
use crate::i18n::tr;
use crate::tui::state::{App, ListPos, Picker};
use crate::tui::update::palette_actions;

fn frame_list(
    f: &mut Frame,
    area: Rect,
    app: &App,
    title: String,
    filter: Option<&str>,
    rows: Vec<[String; 2]>,
    pos: &ListPos,
) {
    let h = (rows.len() as u16 + 4)
        .min(area.height.saturating_sub(2))
        .max(6);
    let rect = centered(area, 64.min(area.width.saturating_sub(2)), h);
    clear(f, rect);
    let block = app.theme.block(title, true);
    let inner = block.inner(rect);
    f.render_widget(block, rect);
    let mut y = inner.y;
    if let Some(flt) = filter {
        let line = format!("> {flt}");
        f.render_widget(
            Paragraph::new(line.clone()).style(app.theme.accent()),
            Rect { height: 1, ..inner },
        );
        f.set_cursor_position((inner.x + crate::text::width(&line) as u16, inner.y));
        y += 1;
    }
    let list_area = Rect {
        y,
        height: inner.height.saturating_sub(y - inner.y),
        ..inner
    };
    let height = list_area.height as usize;
    let mut p = *pos;
    p.clamp(rows.len());
    p.scroll_into_view(height);
    let shown: Vec<Row> = rows
        .iter()
        .enumerate()
        .skip(p.offset)
        .take(height)
        .map(|(i, r)| {
            let row = Row::new(vec![r[0].clone(), r[1].clone()]);
            if i == p.selected {
                row.style(app.theme.selected())
            } else {
                row
            }
        })
        .collect();
    f.render_widget(
        Table::new(shown, [Constraint::Length(12), Constraint::Min(10)]),
        list_area,
    );
}

/// Help rows for the current scope, filtered by `filter` (key, name or description).
pub fn help_rows(app: &App, filter: &str) -> Vec<[String; 2]> {
    let flt = filter.to_lowercase();
    app.keymap
        .for_scope(app.scope())
        .into_iter()
        .map(|b| [b.label(), b.action.describe().to_string()])
        .filter(|r| {
            flt.is_empty()
                || r[0].to_lowercase().contains(&flt)
                || r[1].to_lowercase().contains(&flt)
        })
        .collect()
}

pub fn help(f: &mut Frame, area: Rect, app: &App, filter: &str, pos: &ListPos) {
    let rows = help_rows(app, filter);
    let title = format!(" {} ({}) ", tr("按键", "Keys"), rows.len());
    frame_list(f, area, app, title, Some(filter), rows, pos);
}

pub fn palette(f: &mut Frame, area: Rect, app: &App, filter: &str, pos: &ListPos) {
    let scope = app.scope();
    let rows: Vec<[String; 2]> = palette_actions(app)
        .into_iter()
        .map(|a| {
            [
                app.keymap.key_for(scope, a).unwrap_or_default(),
                format!("{} ({})", a.describe(), a.name()),
            ]
        })
        .collect();
    frame_list(
        f,
        area,
        app,
        format!(" {} ", tr("命令", "Commands")),
        Some(filter),
        rows,
        pos,
    );
}

pub fn picker(f: &mut Frame, area: Rect, app: &App, p: &Picker) {
    let rows: Vec<[String; 2]> = p
        .options
        .iter()
        .map(|o| [String::new(), crate::text::clean(&o.1)])
        .collect();
    frame_list(
        f,
        area,
        app,
        format!(" {} ", tr("筛选", "Filter")),
        None,
        rows,
        &p.pos,
    );
}
