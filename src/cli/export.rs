//! `export --format json [-o FILE]`: the canonical dump, for comparing replicas.

use std::path::PathBuf;

use clap::Args;

use super::Ctx;
use crate::error::{Error, Result};

#[derive(Args, Debug)]
pub struct ExportArgs {
    /// json (the only format)
    #[arg(long, default_value = "json")]
    pub format: String,
    #[arg(short = 'o', long)]
    pub output: Option<PathBuf>,
}

pub fn export(ctx: &Ctx, a: ExportArgs) -> Result<()> {
    if a.format != "json" {
        return Err(Error::invalid("format", &a.format, "json"));
    }
    let store = ctx.open()?;
    // Deterministic escaping keeps dumps of two replicas comparable byte for byte.
    let text = crate::text::json_safe(&crate::sync::dump::canonical_text(store.conn())?);
    match a.output {
        Some(p) => std::fs::write(p, text)?,
        None => super::out::bytes(text.as_bytes())?,
    }
    Ok(())
}
