//! The ledger (台账) as the upper office's spreadsheet: one row per
//! organization in `org list`, the thirteen columns the district asks for,
//! as CSV (UTF-8 with a BOM) or XLSX.
//!
//! Text that could start a formula (`=`, `+`, `-`, `@`) never becomes one:
//! XLSX cells are written as strings, and CSV cells get a leading apostrophe
//! (`'=…`), the mark spreadsheet programs and the office's import tools read
//! as "text follows". Every text cell is cleaned of control characters.

use std::collections::HashMap;

use super::export::xlsx_error;
use crate::domain::kinds::{Coverage, OrgKind};
use crate::error::{Error, Result};
use crate::i18n::tr;
use crate::store::read::OrgRow;
use crate::text::clean;

/// A cell: numbers stay numbers (they can be summed), the rest is text.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Num(i64),
    Text(String),
}

/// The thirteen column headers, in the current language.
pub fn headers() -> [&'static str; 13] {
    [
        tr("序号", "No."),
        tr("组织名称", "name"),
        tr("统一社会信用代码", "credit code"),
        tr("类型", "kind"),
        tr("街道", "street"),
        tr("社区", "community"),
        tr("地址", "address"),
        tr("从业人数", "employees"),
        tr("党员数", "party members"),
        tr("覆盖方式", "coverage"),
        tr("所属党组织", "party organization"),
        tr("党建指导员", "instructor"),
        tr("最近摸排日期", "last survey"),
    ]
}

/// Column widths in the sheet, in characters.
const WIDTHS: [f64; 13] = [
    6.0, 32.0, 21.0, 12.0, 12.0, 12.0, 32.0, 9.0, 8.0, 10.0, 28.0, 10.0, 12.0,
];

/// The rows of `list` (in its order), with the party organizations covering
/// each organization (`party_orgs`, by organization id).
pub fn rows(list: &[OrgRow], party_orgs: &HashMap<String, String>) -> Vec<Vec<Cell>> {
    let text = |s: &str| Cell::Text(clean(s));
    let opt = |s: &Option<String>| text(s.as_deref().unwrap_or(""));
    list.iter()
        .enumerate()
        .map(|(i, r)| {
            vec![
                Cell::Num(i as i64 + 1),
                text(&r.name),
                opt(&r.code),
                text(OrgKind::parse(&r.kind).map_or(r.kind.as_str(), |k| k.label())),
                text(&r.street),
                opt(&r.community),
                text(&r.address),
                r.employees.map_or(Cell::Text(String::new()), Cell::Num),
                Cell::Num(r.members),
                text(Coverage::parse(&r.coverage).map_or(r.coverage.as_str(), |c| c.label())),
                text(party_orgs.get(&r.id).map_or("", String::as_str)),
                opt(&r.instructor),
                opt(&r.last_survey_on),
            ]
        })
        .collect()
}

/// A text cell as CSV writes it: cleaned, and with a leading apostrophe when
/// it would otherwise start a formula.
pub fn csv_text(s: &str) -> String {
    let s = clean(s);
    if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s
    }
}

/// CSV, UTF-8 with a byte-order mark (so spreadsheet programs on Chinese
/// Windows read it as UTF-8), a header line, then the rows.
pub fn csv_bytes(headers: &[&str], rows: &[Vec<Cell>]) -> Result<Vec<u8>> {
    let mut buf = vec![0xEF, 0xBB, 0xBF];
    {
        let mut w = csv::Writer::from_writer(&mut buf);
        let e = |e: csv::Error| Error::Other(format!("csv: {e}"));
        w.write_record(headers).map_err(e)?;
        for r in rows {
            let cells = r.iter().map(|c| match c {
                Cell::Num(n) => n.to_string(),
                Cell::Text(t) => csv_text(t),
            });
            w.write_record(cells).map_err(e)?;
        }
        w.flush()?;
    }
    Ok(buf)
}

/// One sheet: a bold header row that stays in view and filters, numbers as
/// numbers, every other cell as a string (never a formula).
pub fn xlsx_bytes(sheet: &str, headers: &[&str], rows: &[Vec<Cell>]) -> Result<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let x = xlsx_error;
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(sheet).map_err(x)?;
    let bold = Format::new().set_bold();
    for (c, h) in headers.iter().enumerate() {
        let c = c as u16;
        ws.write_string_with_format(0, c, *h, &bold).map_err(x)?;
        ws.set_column_width(c, WIDTHS.get(c as usize).copied().unwrap_or(12.0))
            .map_err(x)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Num(n) => {
                    ws.write_number(r, c, *n as f64).map_err(x)?;
                }
                Cell::Text(t) if !t.is_empty() => {
                    ws.write_string(r, c, clean(t)).map_err(x)?;
                }
                Cell::Text(_) => {}
            }
        }
    }
    ws.set_freeze_panes(1, 0).map_err(x)?;
    if !headers.is_empty() {
        let last_col = headers.len() as u16 - 1;
        ws.autofilter(0, 0, rows.len() as u32, last_col)
            .map_err(x)?;
    }
    wb.save_to_buffer().map_err(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_marked_as_text() {
        assert_eq!(csv_text("=1+1"), "'=1+1");
        assert_eq!(csv_text("+86"), "'+86");
        assert_eq!(csv_text("-2"), "'-2");
        assert_eq!(csv_text("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_text("常德=公司"), "常德=公司");
        assert_eq!(csv_text("a\u{1b}[31mb"), "ab");
    }

    #[test]
    fn csv_has_the_bom_and_quotes_what_needs_it() {
        let b = csv_bytes(
            &["a", "b"],
            &[vec![Cell::Num(1), Cell::Text("=x,y".into())]],
        )
        .unwrap();
        assert!(b.starts_with(&[0xEF, 0xBB, 0xBF]));
        let s = String::from_utf8(b[3..].to_vec()).unwrap();
        assert_eq!(s, "a,b\n1,\"'=x,y\"\n");
    }
}
