//! Text that came from outside (files, other replicas, people) before it is
//! shown: control characters, escape sequences and bidirectional controls
//! never reach a terminal.

/// Bidirectional formatting characters: they reorder what a terminal shows
/// (a name can appear to end in something it does not), so they are removed
/// from text and escaped in JSON. U+061C (Arabic letter mark), U+200E/U+200F
/// (LRM/RLM), U+202A..U+202E (embeddings and overrides), U+2066..U+2069
/// (isolates).
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
    )
}

/// A character `clean` never lets through: C0 and C1 controls, DEL, and
/// bidirectional controls.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

/// Removes C0/C1 control characters (DEL too), bidirectional controls and
/// whole ANSI escape sequences (CSI, OSC, DCS, ...). Tabs and newlines become
/// spaces.
pub fn clean(s: &str) -> String {
    if !s.chars().any(is_unsafe) {
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
            c if is_unsafe(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// `clean` line by line, keeping the line breaks: for whole blocks of text
/// (tables, reports, messages) on their way to a terminal.
pub fn clean_lines(s: &str) -> String {
    if !s.chars().any(|c| c != '\n' && is_unsafe(c)) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    for (i, line) in s.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&clean(line));
    }
    out
}

/// Serialized JSON made safe to print: DEL, C1 controls and bidirectional
/// controls (which serde_json leaves raw) become `\uXXXX` escapes. They can
/// only occur inside strings, so the result is valid JSON that decodes to the
/// same values; C0 controls are already escaped by the serializer.
pub fn json_safe(json: &str) -> String {
    let unsafe_here = |c: char| c >= '\u{7f}' && is_unsafe(c);
    if !json.chars().any(unsafe_here) {
        return json.to_string();
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if unsafe_here(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
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

/// An age as a cadre reads it: days under two months, then months, then
/// years ("12天", "3个月", "8年").
pub fn age(days: i64) -> String {
    let days = days.max(0);
    match days {
        0..=59 => format!("{days}{}", crate::i18n::tr("天", " d")),
        60..=729 => format!("{}{}", days / 30, crate::i18n::tr("个月", " mo")),
        _ => format!("{}{}", days / 365, crate::i18n::tr("年", " y")),
    }
}

/// Cuts `s` to at most `w` cells, ending in "…" when cut.
pub fn fit(s: &str, w: usize) -> String {
    if width(s) <= w {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + cw + 1 > w {
            break;
        }
        used += cw;
        out.push(c);
    }
    out.push('…');
    out
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
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| clean(c)).collect())
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| width(h)).collect();
    for r in &rows {
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
        out.push_str(&line(r));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{clean, clean_lines, json_safe, table, width};

    #[test]
    fn strips_escapes() {
        assert_eq!(clean("某公司\u{1b}]52;c;aGVsbG8=\u{7}"), "某公司");
        assert_eq!(clean("a\u{1b}[31mred\u{1b}[0m"), "ared");
        assert_eq!(clean("x\u{1b}]0;title\u{1b}\\y"), "xy");
        assert_eq!(clean("tab\there\u{0}"), "tab here");
        assert_eq!(clean("武陵区"), "武陵区");
    }

    #[test]
    fn strips_bidi_controls_and_del() {
        let hostile = "甲\u{202e}moc.exe\u{2066}乙\u{2069}\u{200e}\u{200f}\u{61c}\u{202a}\u{7f}丙";
        assert_eq!(clean(hostile), "甲moc.exe乙丙");
        for c in ['\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{202e}'] {
            assert_eq!(clean(&format!("a{c}b")), "ab", "{:x}", c as u32);
        }
        for c in ['\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}'] {
            assert_eq!(clean(&format!("a{c}b")), "ab", "{:x}", c as u32);
        }
        // C1 controls outside sequences, and the single-byte CSI with its parameters
        assert_eq!(clean("a\u{85}b\u{9b}31mc"), "abc");
        // joiners and other format characters that shape text are kept
        assert_eq!(clean("a\u{200d}b"), "a\u{200d}b");
    }

    #[test]
    fn clean_lines_keeps_line_breaks_only() {
        assert_eq!(clean_lines("一\u{1b}[2J\n二\u{202e}\t三\n"), "一\n二 三\n");
        assert_eq!(clean_lines("plain\ntext\n"), "plain\ntext\n");
    }

    #[test]
    fn json_safe_escapes_and_decodes_to_the_same_value() {
        let v = serde_json::json!({
            "name": "某\u{1b}]52;c;aGk=\u{7}\u{9b}\u{85}\u{7f}\u{202e}\u{2066}\u{200f}\u{61c}公司"
        });
        let raw = serde_json::to_string_pretty(&v).unwrap();
        let safe = json_safe(&raw);
        assert!(
            safe.chars().all(|c| c == '\n' || !super::is_unsafe(c)),
            "{safe}"
        );
        assert!(safe.contains("\\u202e") && safe.contains("\\u009b") && safe.contains("\\u007f"));
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, v);
        assert_eq!(json_safe("{\"a\": \"武陵\"}"), "{\"a\": \"武陵\"}");
    }

    #[test]
    fn table_sizes_columns_by_what_is_shown() {
        let rows = vec![
            vec!["\u{1b}[31m甲\u{1b}[0m".to_string(), "1".to_string()],
            vec!["乙公司".to_string(), "2".to_string()],
        ];
        let t = table(&["name", "n"], &rows, &[false, true]);
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines[1], "甲      1");
        assert_eq!(width(lines[1]), width(lines[2]));
    }
}

#[cfg(test)]
mod age_tests {
    use super::{age, fit, width};

    #[test]
    fn ages_read_as_days_months_years() {
        use crate::i18n::tr;
        assert_eq!(age(3), format!("3{}", tr("天", " d")));
        assert_eq!(age(59), format!("59{}", tr("天", " d")));
        assert_eq!(age(60), format!("2{}", tr("个月", " mo")));
        assert_eq!(age(3181), format!("8{}", tr("年", " y")));
    }

    #[test]
    fn fit_cuts_by_cells() {
        assert_eq!(fit("abc", 3), "abc");
        assert_eq!(fit("武陵区某某公司", 7), "武陵区…");
        assert!(width(&fit("武陵区某某公司", 8)) <= 8);
    }
}
