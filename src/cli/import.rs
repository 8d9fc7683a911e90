//! `import FILE`.
use super::Ctx;
use super::args::ImportArgs;
use crate::error::Result;

pub fn run(_ctx: &Ctx, _a: ImportArgs) -> Result<()> {
    Ok(())
}
