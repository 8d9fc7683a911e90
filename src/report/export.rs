//! Table exports: CSV (UTF-8 with a BOM, so spreadsheet programs on Chinese
//! Windows read it as UTF-8) and XLSX.

use std::path::Path;

use crate::error::{Error, Result};
use crate::i18n::tr;

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

/// An error of the XLSX writer as ours.
pub fn xlsx_error(e: rust_xlsxwriter::XlsxError) -> Error {
    Error::Other(format!("xlsx: {e}"))
}

/// Writes one sheet; cells that are whole numbers are written as numbers and
/// percents as numbers with a percent format, so the sheet can be summed.
pub fn write_xlsx(path: &Path, sheet: &str, headers: &[&str], rows: &[Vec<String>]) -> Result<()> {
    use rust_xlsxwriter::{Format, Workbook};
    let x = xlsx_error;
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
    write_atomic(path, &wb.save_to_buffer().map_err(x)?)
}

/// Writes to `-o FILE` or standard output (where a closed reader ends the
/// command quietly, see `cli::out`). Text and JSON come here already cleaned
/// (`text::clean_lines`, `text::json_safe`); CSV cells are cleaned above.
pub fn emit(out: Option<&Path>, bytes: &[u8]) -> Result<()> {
    match out {
        Some(p) => write_atomic(p, bytes),
        None => crate::cli::out::bytes(bytes),
    }
}

/// Writes `bytes` to a new file beside `path`, flushes it to disk and renames
/// it over `path`: a reader never sees half a file, and on any error the
/// target is left as it was and the temporary file is removed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| {
            Error::invalid(
                "output",
                path.display().to_string(),
                tr("不是文件名", "is not a file name"),
            )
        })?;
    let mut n = 0u32;
    let (tmp, mut f) = loop {
        let tmp = dir.join(format!(".{name}.{}.{n}.tmp", std::process::id()));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(f) => break (tmp, f),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 100 => n += 1,
            Err(e) => return Err(e.into()),
        }
    };
    let written = f
        .write_all(bytes)
        .and_then(|()| f.sync_all())
        .and_then(|()| std::fs::rename(&tmp, path));
    drop(f);
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(e.into());
    }
    Ok(())
}
