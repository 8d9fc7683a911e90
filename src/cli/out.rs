//! The one way the command line prints. Text passes `text::clean_lines` (so
//! no name, id or message from a database, a file or a peer reaches the
//! terminal with its escape or bidirectional controls), JSON passes
//! `text::json_safe`, and a reader that went away (`| head -1`, a pager
//! quit) ends the command quietly with `Error::OutputClosed`.
//!
//! SIGPIPE stays ignored (Rust's default), so a closed pipe is an error
//! value here, and elsewhere (a sync peer that hung up) still an error.

use std::io::Write;

use crate::error::{Error, Result};
use crate::text;

/// An error writing to standard output: a closed reader is the quiet end.
pub fn stdout_error(e: std::io::Error) -> Error {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        Error::OutputClosed
    } else {
        Error::Io(e)
    }
}

/// Bytes as they are (CSV whose cells were cleaned, JSON made safe).
pub fn bytes(b: &[u8]) -> Result<()> {
    let mut w = std::io::stdout().lock();
    w.write_all(b).map_err(stdout_error)?;
    w.flush().map_err(stdout_error)
}

/// Text, cleaned line by line.
pub fn text(s: &str) -> Result<()> {
    bytes(text::clean_lines(s).as_bytes())
}

/// One line of text (or several), cleaned, then a newline.
pub fn line(s: &str) -> Result<()> {
    let mut t = text::clean_lines(s);
    t.push('\n');
    bytes(t.as_bytes())
}

/// A value as pretty JSON, with the code points a terminal would act on
/// escaped; it decodes to the same value.
pub fn json<T: serde::Serialize>(v: &T) -> Result<()> {
    let s = serde_json::to_string_pretty(v).map_err(|e| Error::Other(e.to_string()))?;
    let mut s = text::json_safe(&s);
    s.push('\n');
    bytes(s.as_bytes())
}

/// For what a command prints before it writes (an import's summary): a
/// reader that stopped early does not stop the write.
pub fn unless_closed(r: Result<()>) -> Result<()> {
    match r {
        Err(Error::OutputClosed) => Ok(()),
        r => r,
    }
}

/// A line on standard error, cleaned. A closed standard error is ignored:
/// there is nowhere left to say anything.
pub fn err_line(s: &str) {
    let mut t = text::clean_lines(s);
    t.push('\n');
    let mut w = std::io::stderr().lock();
    let _ = w.write_all(t.as_bytes());
    let _ = w.flush();
}

/// `outln!(...)`: `format!` then `out::line`; evaluates to `Result<()>`.
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::cli::out::line(&format!($($arg)*))
    };
}

/// `errln!(...)`: `format!` then `out::err_line`.
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::cli::out::err_line(&format!($($arg)*))
    };
}

pub(crate) use {errln, outln};
