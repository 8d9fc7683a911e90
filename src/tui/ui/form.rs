//! A form drawn over the screen, with the real cursor at the focused text
//! field so an input method's candidate window opens in place.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use crate::i18n::tr;
use crate::text::{clean, pad, width};
use crate::tui::form::{FieldKind, Form};
use crate::tui::state::App;

pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

pub fn draw(f: &mut Frame, area: Rect, app: &App, form: &Form) {
    let errors = form.fields.iter().filter(|x| x.error.is_some()).count() as u16;
    let extra = form
        .conflict
        .as_ref()
        .map(|c| c.len() as u16 + 3)
        .unwrap_or(0)
        + u16::from(form.message.is_some())
        + u16::from(form.confirm_quit);
    let h = form.fields.len() as u16 + errors + extra + 4;
    let rect = centered(area, 72.min(area.width.saturating_sub(2)), h);
    f.render_widget(Clear, rect);
    let block = app.theme.block(format!(" {} ", form.kind.title()), true);
    let inner = block.inner(rect);
    f.render_widget(block, rect);
    let lw = form
        .fields
        .iter()
        .map(|x| width(x.label))
        .max()
        .unwrap_or(0);
    let mut lines: Vec<Line> = Vec::new();
    let mut cursor: Option<(u16, u16)> = None;
    let value_w = inner.width.saturating_sub(lw as u16 + 3) as usize;
    for (i, field) in form.fields.iter().enumerate() {
        let focused = i == form.focus;
        let label = Span::styled(
            pad(field.label, lw),
            if focused {
                app.theme.accent()
            } else {
                app.theme.dim()
            },
        );
        let shown = clean(&field.display());
        // keep the end of a long value (and the cursor) in view
        let visible: String = if width(&shown) > value_w {
            let mut acc = String::new();
            for c in shown.chars().rev() {
                if width(&acc) + unicode_width::UnicodeWidthChar::width(c).unwrap_or(0) >= value_w {
                    break;
                }
                acc.insert(0, c);
            }
            acc
        } else {
            shown.clone()
        };
        let style = if focused {
            app.theme.selected()
        } else {
            ratatui::style::Style::new()
        };
        if focused && matches!(field.kind, FieldKind::Text) {
            let before: String = field
                .input
                .lines()
                .first()
                .map(|l| l.chars().take(field.input.cursor().1).collect())
                .unwrap_or_default();
            let offset = width(&clean(&before))
                .min(value_w.saturating_sub(1))
                .min(width(&visible));
            cursor = Some((
                inner.x + lw as u16 + 3 + offset as u16,
                inner.y + lines.len() as u16,
            ));
        }
        lines.push(Line::from(vec![
            label,
            Span::raw(" : "),
            Span::styled(visible, style),
        ]));
        if let Some(e) = &field.error {
            lines.push(Line::from(Span::styled(
                format!("{}   ↳ {}", pad("", lw), clean(e)),
                app.theme.warn(),
            )));
        }
    }
    if let Some(c) = &form.conflict {
        lines.push(Line::from(Span::styled(
            tr(
                "已被他人修改：",
                "Changed by someone else since you opened it:",
            ),
            app.theme.warn(),
        )));
        for (label, theirs, yours) in c {
            lines.push(Line::from(format!(
                "  {label}: {} {} / {} {}",
                tr("现为", "now"),
                clean(theirs),
                tr("您填", "yours"),
                clean(yours)
            )));
        }
        lines.push(Line::from(tr(
            "Ctrl-S 仍用您的值 · r 载入最新 · Esc 返回编辑",
            "Ctrl-S keep yours · r load theirs · Esc back to editing",
        )));
    }
    if form.confirm_quit {
        lines.push(Line::from(Span::styled(
            tr(
                "表单有未保存内容，确定退出？(y/N)",
                "The form has unsaved input. Quit? (y/N)",
            ),
            app.theme.warn(),
        )));
    }
    if let Some(m) = &form.message {
        lines.push(Line::from(Span::styled(clean(m), app.theme.warn())));
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        tr(
            "Tab/↑↓ 切换字段 · ←→ 选择 · Ctrl-S 保存 · Esc 取消",
            "Tab/↑↓ field · ←→ choose · Ctrl-S save · Esc cancel",
        ),
        app.theme.dim(),
    )));
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
    if let Some(pos) = cursor.filter(|_| form.conflict.is_none()) {
        f.set_cursor_position(pos);
    }
}
