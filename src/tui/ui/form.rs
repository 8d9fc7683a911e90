//! A form drawn over the screen, with the real cursor at the focused text
//! field so an input method's candidate window opens in place.
//!
//! Rows are laid out here, measured in terminal cells (CJK takes two), so
//! the cursor's row is the row the field is drawn on. Read-only text and
//! lists wrap: a name is never cut. A list taller than the screen allows
//! shows a window of whole items and says which ones.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use unicode_width::UnicodeWidthChar;

use crate::i18n::tr;
use crate::text::{clean, pad, width};
use crate::tui::form::{Field, FieldKind, Form};
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

/// Clears `rect` for an overlay. A wide character just left of it would
/// hide the overlay's left border (its second half lies under the border):
/// it gives way to a space.
pub fn clear(f: &mut Frame, rect: Rect) {
    f.render_widget(Clear, rect);
    if rect.x == 0 {
        return;
    }
    let buf = f.buffer_mut();
    for y in rect.y..rect.bottom() {
        if let Some(cell) = buf.cell_mut((rect.x - 1, y)) {
            if width(cell.symbol()) > 1 {
                cell.set_symbol(" ");
            }
        }
    }
}

/// `s` cut into lines of at most `w` cells, at character boundaries (a
/// character wider than `w` gets a line of its own).
pub fn wrap(s: &str, w: usize) -> Vec<String> {
    let w = w.max(1);
    let mut out = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if used + cw > w && !line.is_empty() {
            out.push(std::mem::take(&mut line));
            used = 0;
        }
        line.push(c);
        used += cw;
    }
    if !line.is_empty() || out.is_empty() {
        out.push(line);
    }
    out
}

/// The end of `s` that fits in fewer than `w` cells (an edited value keeps
/// its end, where the cursor usually is, in view).
fn tail(s: &str, w: usize) -> String {
    if width(s) <= w {
        return s.to_string();
    }
    let mut acc = String::new();
    let mut used = 0;
    for c in s.chars().rev() {
        let cw = c.width().unwrap_or(0);
        if used + cw >= w {
            break;
        }
        used += cw;
        acc.insert(0, c);
    }
    acc
}

/// A list's items as rows: numbered, each wrapped whole within `w` cells.
fn item_rows(items: &[String], w: usize) -> Vec<Vec<String>> {
    let digits = items.len().to_string().len();
    let indent = digits + 2;
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            wrap(&clean(item), w.saturating_sub(indent))
                .into_iter()
                .enumerate()
                .map(|(k, part)| {
                    if k == 0 {
                        format!("{:>digits$}. {part}", i + 1)
                    } else {
                        format!("{}{part}", " ".repeat(indent))
                    }
                })
                .collect()
        })
        .collect()
}

/// Which items of a list fit in `budget` rows from item `scroll` on (moved
/// back when the end leaves room), and whether a line must say so.
fn window(items: &[Vec<String>], scroll: usize, budget: usize) -> (usize, usize, bool) {
    let total: usize = items.iter().map(Vec::len).sum();
    if total <= budget {
        return (0, items.len(), false);
    }
    let room = budget.saturating_sub(1).max(1);
    let mut start = scroll.min(items.len().saturating_sub(1));
    let fits = |from: usize| items[from..].iter().map(Vec::len).sum::<usize>() <= room;
    while start > 0 && fits(start - 1) {
        start -= 1;
    }
    let mut end = start;
    let mut used = 0;
    while end < items.len() && (end == start || used + items[end].len() <= room) {
        used += items[end].len();
        end += 1;
    }
    (start, end, true)
}

/// Rows a field takes, besides a list's (which get what is left).
fn fixed_rows(field: &Field, value_w: usize, lw: usize, inner_w: usize) -> usize {
    let own = match &field.kind {
        FieldKind::Info(s) => wrap(&clean(s), value_w.saturating_sub(1)).len(),
        FieldKind::List(_) => 0,
        _ => 1,
    };
    let error = field
        .error
        .as_ref()
        .map(|e| wrap(&format!("{}   ↳ {}", pad("", lw), clean(e)), inner_w).len())
        .unwrap_or(0);
    own + error
}

pub fn draw(f: &mut Frame, area: Rect, app: &App, form: &Form) {
    let rect_w = 72.min(area.width.saturating_sub(2));
    let inner_w = rect_w.saturating_sub(2) as usize;
    let lw = form
        .fields
        .iter()
        .map(|x| width(x.label))
        .max()
        .unwrap_or(0);
    let value_w = inner_w.saturating_sub(lw + 3).max(1);
    let footer = footer(app, form, inner_w);
    let fixed: usize = form
        .fields
        .iter()
        .map(|x| fixed_rows(x, value_w, lw, inner_w))
        .sum();
    // what is left of the screen goes to the lists (a row of the screen
    // stays visible above and below the form)
    let budget = (area.height as usize)
        .saturating_sub(4 + footer.len() + fixed)
        .max(1);

    let mut lines: Vec<Line> = Vec::new();
    let mut cursor: Option<(usize, usize)> = None;
    let typing = form.typing_target();
    for (i, field) in form.fields.iter().enumerate() {
        let focused = i == form.focus;
        let label_style = if focused {
            app.theme.accent()
        } else {
            app.theme.dim()
        };
        let value_style = if focused && field.editable() {
            app.theme.selected()
        } else {
            Style::new()
        };
        let row = |label: &str, value: String, style: Style| {
            Line::from(vec![
                Span::styled(pad(label, lw), label_style),
                Span::raw(if label.is_empty() { "   " } else { " : " }),
                Span::styled(value, style),
            ])
        };
        match &field.kind {
            FieldKind::Info(s) => {
                for (k, part) in wrap(&clean(s), value_w.saturating_sub(1))
                    .into_iter()
                    .enumerate()
                {
                    lines.push(row(
                        if k == 0 { field.label } else { "" },
                        part,
                        value_style,
                    ));
                }
            }
            FieldKind::List(items) => {
                let rows = item_rows(items, value_w.saturating_sub(1));
                let (start, end, partial) = window(&rows, field.scroll, budget);
                let mut first = true;
                for part in rows[start..end].iter().flatten() {
                    lines.push(row(
                        if first { field.label } else { "" },
                        part.clone(),
                        value_style,
                    ));
                    first = false;
                }
                if first {
                    lines.push(row(field.label, String::new(), value_style));
                }
                if partial {
                    let (a, b, n) = (start + 1, end, items.len());
                    let note = if app.lang_is_zh() {
                        format!("第 {a}-{b} 个，共 {n} 个（PgUp/PgDn 翻看）")
                    } else {
                        format!("{a}-{b} of {n} (PgUp/PgDn)")
                    };
                    lines.push(row("", note, app.theme.dim()));
                }
            }
            _ => {
                let shown = clean(&field.display());
                let visible = tail(&shown, value_w);
                // the real cursor where typed text goes: this field, or the
                // one after the read-only row that has the focus
                if typing == Some(i) && matches!(field.kind, FieldKind::Text) {
                    let before: String = field
                        .input
                        .lines()
                        .first()
                        .map(|l| l.chars().take(field.input.cursor().1).collect())
                        .unwrap_or_default();
                    let offset = width(&clean(&before))
                        .min(value_w.saturating_sub(1))
                        .min(width(&visible));
                    cursor = Some((lw + 3 + offset, lines.len()));
                }
                lines.push(row(field.label, visible, value_style));
            }
        }
        if let Some(e) = &field.error {
            for part in wrap(&format!("{}   ↳ {}", pad("", lw), clean(e)), inner_w) {
                lines.push(Line::from(Span::styled(part, app.theme.warn())));
            }
        }
    }
    let h = (lines.len() + footer.len() + 2).min(u16::MAX as usize) as u16;
    let rect = centered(area, rect_w, h);
    clear(f, rect);
    let block = app.theme.block(format!(" {} ", form.kind.title()), true);
    let inner = block.inner(rect);
    f.render_widget(block, rect);
    lines.extend(footer);
    f.render_widget(Paragraph::new(lines), inner);
    let inside = |(x, y): (usize, usize)| x < inner.width as usize && y < inner.height as usize;
    if let Some((x, y)) = cursor.filter(|c| form.conflict.is_none() && inside(*c)) {
        f.set_cursor_position((inner.x + x as u16, inner.y + y as u16));
    }
}

/// The lines under the fields: a conflict, a question, a message, the keys.
fn footer(app: &App, form: &Form, w: usize) -> Vec<Line<'static>> {
    let mut out: Vec<Line> = Vec::new();
    let mut add = |text: &str, style: Style| {
        for part in wrap(text, w) {
            out.push(Line::from(Span::styled(part, style)));
        }
    };
    if let Some(c) = &form.conflict {
        add(
            tr(
                "已被他人修改：",
                "Changed by someone else since you opened it:",
            ),
            app.theme.warn(),
        );
        for (label, theirs, yours) in c {
            add(
                &format!(
                    "  {label}: {} {} / {} {}",
                    tr("现为", "now"),
                    clean(theirs),
                    tr("您填", "yours"),
                    clean(yours)
                ),
                Style::new(),
            );
        }
        add(
            tr(
                "Ctrl-S 仍用您的值 · r 载入最新 · Esc 返回编辑",
                "Ctrl-S keep yours · r load theirs · Esc back to editing",
            ),
            Style::new(),
        );
    }
    if form.confirm_quit {
        add(
            tr(
                "表单有未保存内容，确定退出？(y/N)",
                "The form has unsaved input. Quit? (y/N)",
            ),
            app.theme.warn(),
        );
    }
    if let Some(m) = &form.message {
        add(&clean(m), app.theme.warn());
    }
    add("", Style::new());
    add(
        tr(
            "Tab/↑↓ 切换字段 · ←→ 选择 · Ctrl-S 保存 · Esc 取消",
            "Tab/↑↓ field · ←→ choose · Ctrl-S save · Esc cancel",
        ),
        app.theme.dim(),
    );
    out
}
