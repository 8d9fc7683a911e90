//! Text that came from outside (files, other replicas, people) before it is
//! shown: control characters and escape sequences never reach a terminal.

/// Removes C0/C1 control characters and whole ANSI escape sequences
/// (CSI, OSC, DCS, ...). Tabs and newlines become spaces.
pub fn clean(s: &str) -> String {
    if !s.chars().any(|c| c.is_control()) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        match c {
            '\u{1b}' => skip_escape(&mut it),
            '\u{9b}' => skip_until_final(&mut it),
            '\u{9d}' | '\u{90}' | '\u{9e}' | '\u{9f}' => skip_string(&mut it),
            '\t' | '\n' | '\r' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

fn skip_escape(it: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    match it.next() {
        Some('[') => skip_until_final(it),
        Some(']') | Some('P') | Some('_') | Some('^') | Some('X') => skip_string(it),
        // two-character escapes (ESC c, ESC 7, ...) end here
        _ => {}
    }
}

/// CSI parameters end at a byte in 0x40..=0x7E.
fn skip_until_final(it: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    for c in it.by_ref() {
        if ('\u{40}'..='\u{7e}').contains(&c) {
            break;
        }
    }
}

/// OSC/DCS strings end at BEL or ST (ESC \ or 0x9C).
fn skip_string(it: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while let Some(c) = it.next() {
        match c {
            '\u{7}' | '\u{9c}' => break,
            '\u{1b}' => {
                if it.peek() == Some(&'\\') {
                    it.next();
                }
                break;
            }
            _ => {}
        }
    }
}

/// Display width in terminal cells (CJK characters take two).
pub fn width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

/// Pads `s` with spaces to `w` cells (left-aligned); never cuts.
pub fn pad(s: &str, w: usize) -> String {
    let n = width(s);
    let mut out = s.to_string();
    out.extend(std::iter::repeat_n(' ', w.saturating_sub(n)));
    out
}

/// Right-aligns `s` in `w` cells.
pub fn pad_left(s: &str, w: usize) -> String {
    let n = width(s);
    let mut out: String = std::iter::repeat_n(' ', w.saturating_sub(n)).collect();
    out.push_str(s);
    out
}

/// A plain text table, columns sized by display width.
pub fn table(header: &[&str], rows: &[Vec<String>], right: &[bool]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| width(h)).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            if i < widths.len() {
                widths[i] = widths[i].max(width(c));
            }
        }
    }
    let line = |cells: Vec<String>| -> String {
        let parts: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let w = widths.get(i).copied().unwrap_or(0);
                if right.get(i).copied().unwrap_or(false) {
                    pad_left(c, w)
                } else {
                    pad(c, w)
                }
            })
            .collect();
        parts.join("  ").trim_end().to_string()
    };
    let mut out = line(header.iter().map(|h| h.to_string()).collect());
    out.push('\n');
    for r in rows {
        out.push_str(&line(r.iter().map(|c| clean(c)).collect()));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::clean;

    #[test]
    fn strips_escapes() {
        assert_eq!(clean("某公司\u{1b}]52;c;aGVsbG8=\u{7}"), "某公司");
        assert_eq!(clean("a\u{1b}[31mred\u{1b}[0m"), "ared");
        assert_eq!(clean("x\u{1b}]0;title\u{1b}\\y"), "xy");
        assert_eq!(clean("tab\there\u{0}"), "tab here");
        assert_eq!(clean("武陵区"), "武陵区");
    }
}
