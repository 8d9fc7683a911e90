//! Registration lists from market supervision (市监): CSV or XLSX files read
//! into rows (`read`), parsed (`row`), matched against the ledger (`plan`).

pub mod decode;
pub mod header;
pub mod plan;
pub mod row;

use std::io::Cursor;
use std::path::Path;

use calamine::{Data, Reader};

use crate::error::{Error, Result};
use crate::i18n::tr;
pub use decode::Encoding;
use header::Field;
use row::{BadRow, RegRow, normalize};

/// A file's rows: the header's field map and the data rows with their line numbers.
pub struct Sheet {
    pub map: Vec<Option<Field>>,
    pub rows: Vec<(usize, Vec<String>)>,
    /// "UTF-8", "GB18030", "XLSX", ...
    pub format: &'static str,
}

fn refuse(path: &Path, why: &str) -> Error {
    Error::Refused(format!(
        "{}: {why}",
        crate::text::clean(&path.display().to_string())
    ))
}

/// Reads and normalizes a CSV or XLSX file. Refuses a file that is neither,
/// is empty, or has no recognizable name column.
pub fn read(path: &Path, enc: Encoding) -> Result<Sheet> {
    read_bytes(path, std::fs::read(path)?, enc)
}

/// `read` over bytes already in hand; `path` names them in messages.
pub fn read_bytes(path: &Path, bytes: Vec<u8>, enc: Encoding) -> Result<Sheet> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(refuse(path, tr("文件为空", "the file is empty")));
    }
    let (records, format) =
        if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"\xD0\xCF\x11\xE0") {
            (spreadsheet(path, bytes)?, "XLSX")
        } else {
            let head = &bytes[..bytes.len().min(8192)];
            let utf16 = head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF");
            if !utf16 && head.contains(&0) {
                return Err(refuse(
                    path,
                    tr("不是 CSV 或 XLSX 文件", "is not a CSV or XLSX file"),
                ));
            }
            let (text, format) = decode::decode(&bytes, enc).map_err(|e| {
                refuse(
                    path,
                    &format!(
                        "{} ({e})",
                        tr("不是可读的 CSV 文本", "is not readable CSV text")
                    ),
                )
            })?;
            (csv_records(&text), format)
        };
    // The header is the first row (of the first ten) naming the name column;
    // lists often carry a title row above it.
    let Some(h) = records.iter().take(10).position(|(_, r)| {
        let r: Vec<String> = r.iter().map(|c| normalize(c)).collect();
        header::map(&r).contains(&Some(Field::Name))
    }) else {
        if records
            .iter()
            .all(|(_, r)| r.iter().all(|c| c.trim().is_empty()))
        {
            return Err(refuse(path, tr("文件为空", "the file is empty")));
        }
        return Err(refuse(
            path,
            tr(
                "找不到名称列（企业名称 / 名称 / name）",
                "has no name column (企业名称 / 名称 / name)",
            ),
        ));
    };
    let header: Vec<String> = records[h].1.iter().map(|c| normalize(c)).collect();
    let rows = records
        .into_iter()
        .skip(h + 1)
        .map(|(line, r)| (line, r.iter().map(|c| normalize(c)).collect::<Vec<_>>()))
        .filter(|(_, r)| r.iter().any(|c| !c.is_empty()))
        .collect();
    Ok(Sheet {
        map: header::map(&header),
        rows,
        format,
    })
}

/// CSV records with their line numbers; the delimiter (comma, tab or
/// semicolon) is the one the first line uses most.
fn csv_records(text: &str) -> Vec<(usize, Vec<String>)> {
    let first = text.lines().next().unwrap_or("");
    let delim = [b',', b'\t', b';']
        .into_iter()
        .max_by_key(|d| first.bytes().filter(|b| b == d).count())
        .unwrap_or(b',');
    let mut rd = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delim)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    let mut rec = csv::StringRecord::new();
    loop {
        let line = rd.position().line() as usize;
        match rd.read_record(&mut rec) {
            Ok(true) => out.push((line, rec.iter().map(str::to_string).collect())),
            Ok(false) => break,
            // a malformed quote ends up in the cell as text; nothing else fails on &str
            Err(_) => break,
        }
    }
    out
}

fn spreadsheet(path: &Path, bytes: Vec<u8>) -> Result<Vec<(usize, Vec<String>)>> {
    let bad = |e: &dyn std::fmt::Display| {
        refuse(
            path,
            &format!("{}: {e}", tr("无法读取表格", "cannot read the spreadsheet")),
        )
    };
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| bad(&e))?;
    let Some(range) = book.worksheet_range_at(0) else {
        return Err(refuse(path, tr("文件为空", "the file is empty")));
    };
    let range = range.map_err(|e| bad(&e))?;
    let top = range.start().map_or(0, |(r, _)| r as usize);
    Ok(range
        .rows()
        .enumerate()
        .map(|(i, r)| (top + i + 1, r.iter().map(cell).collect()))
        .collect())
}

/// A cell as the text a CSV would hold.
fn cell(d: &Data) -> String {
    match d {
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number(*f),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => excel_day(dt).unwrap_or_else(|| number(dt.as_f64())),
        Data::Error(_) | Data::Empty => String::new(),
    }
}

/// A number as text: whole numbers without `.0`, huge or tiny ones in
/// exponent form (`1e300`, not three hundred digits).
fn number(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else if f.is_finite() && f != 0.0 && !(1e-6..1e15).contains(&f.abs()) {
        format!("{f:e}")
    } else {
        f.to_string()
    }
}

/// The day a date-formatted cell shows, as `YYYY-MM-DD` (a time of day is
/// dropped; the 1900 and 1904 date systems both), or `None` when the serial
/// is outside what Excel can show (below 0, past 9999-12-31, not a number)
/// or names no calendar day (Excel's 1900-02-29): the cell is then read as
/// its number, as a CSV would hold it (so `20150302` typed into a date
/// column reads as that day, and `99999999` as no date). Whether the day is
/// one the ledger accepts is for the row to say (`row::parse_date`).
fn excel_day(dt: &calamine::ExcelDateTime) -> Option<String> {
    // Excel's own range; calamine clamps values beyond it to its ends.
    const EXCEL_LAST_SERIAL: f64 = 2_958_466.0;
    let v = dt.as_f64();
    if !dt.is_datetime() || !(0.0..EXCEL_LAST_SERIAL).contains(&v) {
        return None;
    }
    let (y, m, d, ..) = dt.to_ymd_hms_milli();
    let date = jiff::civil::Date::new(
        i16::try_from(y).ok()?,
        i8::try_from(m).ok()?,
        i8::try_from(d).ok()?,
    )
    .ok()?;
    Some(crate::domain::Date(date).to_string())
}

/// Parses every row; bad rows and rows whose credit code (or, without one,
/// whose name) repeats within the file are set aside with their line numbers.
pub fn parse_rows(sheet: &Sheet) -> (Vec<RegRow>, Vec<BadRow>) {
    let mut good: Vec<RegRow> = Vec::new();
    let mut bad: Vec<BadRow> = Vec::new();
    for (line, cells) in &sheet.rows {
        match row::parse(*line, cells, &sheet.map) {
            Ok(r) => good.push(r),
            Err(b) => bad.push(b),
        }
    }
    let key = |r: &RegRow| r.code.clone().unwrap_or_else(|| format!("name:{}", r.name));
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for r in &good {
        *seen.entry(key(r)).or_default() += 1;
    }
    let (keep, repeated): (Vec<RegRow>, Vec<RegRow>) = good
        .into_iter()
        .partition(|r| seen.get(&key(r)).copied() == Some(1));
    for r in repeated {
        let (field, value) = match &r.code {
            Some(c) => ("code", c.clone()),
            None => ("name", r.name.clone()),
        };
        bad.push(BadRow::new(
            r.line,
            field,
            &value,
            tr("在文件中重复出现", "repeated within the file"),
        ));
    }
    bad.sort_by_key(|b| b.line);
    (keep, bad)
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{ExcelDateTime, ExcelDateTimeType};
    use proptest::prelude::*;

    fn date_cell(serial: f64, is_1904: bool) -> String {
        cell(&Data::DateTime(ExcelDateTime::new(
            serial,
            ExcelDateTimeType::DateTime,
            is_1904,
        )))
    }

    #[test]
    fn date_cells_become_days_or_their_number() {
        assert_eq!(date_cell(42956.0, false), "2017-08-09");
        assert_eq!(date_cell(42956.75, false), "2017-08-09");
        assert_eq!(date_cell(41494.0, true), "2017-08-09");
        // Inside Excel's range but outside the ledger's years: the day, for
        // the row to refuse by its range.
        assert_eq!(date_cell(2_958_465.0, false), "9999-12-31");
        assert!(row::parse_date(&date_cell(80_000.0, false)).is_err());
        // Outside Excel's range, or no day at all: the number.
        for (serial, text) in [
            (99_999_999.0, "99999999"),
            (2_958_466.0, "2958466"),
            (-5.0, "-5"),
            (60.0, "60"),
            (1e300, "1e300"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "inf"),
        ] {
            assert_eq!(date_cell(serial, false), text, "{serial}");
            assert!(row::parse_date(text).is_err(), "{text}");
        }
        assert_eq!(cell(&Data::Float(1e300)), "1e300");
        assert_eq!(cell(&Data::Float(-3.0)), "-3");
        assert_eq!(cell(&Data::Float(12.5)), "12.5");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// Whatever a file holds, reading and parsing it answers (rows or a
        /// refusal) and never panics.
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            for enc in [Encoding::Auto, Encoding::Utf8, Encoding::Gb18030] {
                if let Ok(sheet) = read_bytes(Path::new("x"), bytes.clone(), enc) {
                    let _ = parse_rows(&sheet);
                }
            }
        }

        /// Text shaped like a list (a name header, then any text but NUL,
        /// which marks a binary file) parses row by row.
        #[test]
        fn arbitrary_rows_never_panic(rows in proptest::collection::vec("[^\\n\\x00]{0,40}", 0..8)) {
            let text = format!("名称,信用代码,成立日期,从业人数,登记状态\n{}", rows.join("\n"));
            let sheet = read_bytes(Path::new("x"), text.into_bytes(), Encoding::Auto);
            prop_assert!(sheet.is_ok());
            if let Ok(sheet) = sheet {
                let (good, bad) = parse_rows(&sheet);
                prop_assert_eq!(good.len() + bad.len(), sheet.rows.len());
            }
        }
    }
}
