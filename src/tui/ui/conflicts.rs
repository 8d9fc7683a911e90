//! The sync conflicts view: each conflict with its competing values, who
//! wrote each and when; a digit keeps that value.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::i18n::tr;
use crate::sync::conflicts::Conflict;
use crate::text::clean;
use crate::tui::state::App;

fn kind_label(kind: &str) -> &'static str {
    match kind {
        "delete" => tr("删除与修改", "delete against edit"),
        "duplicate" => tr("信用代码重复", "shared credit code"),
        _ => tr("同一字段两处修改", "one field edited twice"),
    }
}

pub fn draw(f: &mut Frame, area: Rect, app: &App, list: &[Conflict]) {
    let block = app.theme.block(
        format!(" {} ({}) ", tr("同步冲突", "Sync conflicts"), list.len()),
        true,
    );
    let inner = block.inner(area);
    f.render_widget(block, area);
    if list.is_empty() {
        f.render_widget(
            Paragraph::new(tr("没有冲突", "no conflicts")).style(app.theme.dim()),
            inner,
        );
        return;
    }
    let mut lines: Vec<Line> = Vec::new();
    let mut selected_line = 0;
    for (i, c) in list.iter().enumerate() {
        let chosen = i == app.conflicts_pos.selected;
        if chosen {
            selected_line = lines.len();
        }
        let head = format!(
            "{} {} · {} · {}.{}",
            if chosen { "▶" } else { " " },
            clean(c.label.as_deref().unwrap_or(&c.row)),
            kind_label(&c.kind),
            c.table,
            c.field
        );
        lines.push(Line::from(Span::styled(
            head,
            if chosen {
                app.theme.selected()
            } else {
                app.theme.accent()
            },
        )));
        for v in &c.values {
            let value = match &v.value {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let what = match &v.row {
                Some(row) => format!("{}: {}", tr("保留", "keep"), clean(row)),
                None => format!("{}={}", v.field, clean(&value)),
            };
            let at = v.at.get(..16).unwrap_or(&v.at);
            lines.push(Line::from(format!(
                "    {}. {what}   ({} {at})",
                v.n,
                clean(&v.who)
            )));
        }
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        tr(
            "j/k 选择冲突 · 1-9 保留对应的值 · Esc 返回",
            "j/k choose a conflict · 1-9 keep that value · Esc back",
        ),
        app.theme.dim(),
    )));
    let height = inner.height as usize;
    let scroll = selected_line.saturating_sub(height.saturating_sub(4)) as u16;
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0)),
        inner,
    );
}
