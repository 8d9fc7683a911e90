//! Table exports: CSV (UTF-8 with a BOM, so spreadsheet programs on Chinese
//! Windows read it as UTF-8) and XLSX.

use std::path::Path;

use crate::error::{Error, Result};

pub fn csv_bytes(headers: &[&str], rows: &[Vec<String>]) -> Result<Vec<u8>> {
    let mut buf = vec![0xEF, 0xBB, 0xBF];
    {
        let mut w = csv::Writer::from_writer(&mut buf);
        w.write_record(headers)
            .map_err(|e| Error::Other(e.to_string()))?;
        for r in rows {
            let cleaned: Vec<String> = r.iter().map(|c| crate::text::clean(c)).collect();
            w.write_record(&cleaned)
                .map_err(|e| Error::Other(e.to_string()))?;
        }
        w.flush()?;
    }
    Ok(buf)
}

/// Writes one sheet; cells that are whole numbers are written as numbers and
/// percents as numbers with a percent format, so the sheet can be summed.
pub fn write_xlsx(path: &Path, sheet: &str, headers: &[&str], rows: &[Vec<String>]) -> Result<()> {
    use rust_xlsxwriter::{Format, Workbook};
    let x = |e: rust_xlsxwriter::XlsxError| Error::Other(format!("xlsx: {e}"));
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(sheet).map_err(x)?;
    let bold = Format::new().set_bold();
    let pct = Format::new().set_num_format("0%");
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)
            .map_err(x)?;
        ws.set_column_width(c as u16, 12).map_err(x)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            if let Ok(n) = cell.parse::<i64>() {
                ws.write_number(r, c, n as f64).map_err(x)?;
            } else if let Some(p) = cell.strip_suffix('%').and_then(|p| p.parse::<f64>().ok()) {
                ws.write_number_with_format(r, c, p / 100.0, &pct)
                    .map_err(x)?;
            } else {
                ws.write_string(r, c, crate::text::clean(cell)).map_err(x)?;
            }
        }
    }
    wb.save(path).map_err(x)?;
    Ok(())
}

/// Writes to `-o FILE` or standard output (where a closed reader ends the
/// command quietly, see `cli::out`). Text and JSON come here already cleaned
/// (`text::clean_lines`, `text::json_safe`); CSV cells are cleaned above.
pub fn emit(out: Option<&Path>, bytes: &[u8]) -> Result<()> {
    match out {
        Some(p) => std::fs::write(p, bytes)?,
        None => crate::cli::out::bytes(bytes)?,
    }
    Ok(())
}
