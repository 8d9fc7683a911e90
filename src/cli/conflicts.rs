//! `conflicts [--format text|json]` and `conflicts resolve ID --pick N | --value V`.

use clap::{Args, Subcommand};

use super::out::outln;
use super::{Ctx, print_json, text_or_json};
use crate::error::{Error, Result};
use crate::i18n::tr;
use crate::sync::conflicts::{self, Conflict};
use crate::text::clean;

#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ConflictsArgs {
    #[command(subcommand)]
    pub cmd: Option<ConflictsCmd>,
    #[arg(long, default_value = "text")]
    pub format: String,
}

#[derive(Subcommand, Debug)]
pub enum ConflictsCmd {
    /// Settle a conflict: keep value N, or write a new value.
    Resolve {
        id: String,
        #[arg(long, conflicts_with = "value", required_unless_present = "value")]
        pick: Option<usize>,
        #[arg(long, allow_hyphen_values = true)]
        value: Option<String>,
    },
}

pub fn conflicts(ctx: &Ctx, a: ConflictsArgs) -> Result<()> {
    match a.cmd {
        None => list(ctx, &a.format),
        Some(ConflictsCmd::Resolve { id, pick, value }) => resolve(ctx, &id, pick, value),
    }
}

fn list(ctx: &Ctx, format: &str) -> Result<()> {
    let json = text_or_json(format)?;
    let store = ctx.open()?;
    let list = conflicts::list(store.conn())?;
    if json {
        return print_json(&list);
    }
    if list.is_empty() {
        outln!("{}", tr("没有冲突", "no conflicts"))?;
    }
    // Everything here came from a peer: ids, tables, fields and site ids too.
    for c in &list {
        outln!(
            "{}  {} {}/{} {} {}",
            clean(&c.id),
            kind_label(&c.kind),
            clean(&c.table),
            clean(&c.row),
            clean(c.label.as_deref().unwrap_or("")),
            clean(&c.field)
        )?;
        for v in &c.values {
            let who = match &v.row {
                Some(row) => clean(row),
                None => format!(
                    "{} {} {}",
                    clean(&v.who),
                    clean(short(&v.site)),
                    clean(&v.at)
                ),
            };
            let value = clean(&v.value.to_string());
            outln!("    {}. {}={}  ({who})", v.n, clean(&v.field), value)?;
        }
    }
    Ok(())
}

fn short(site: &str) -> &str {
    site.get(site.len().saturating_sub(8)..).unwrap_or(site)
}

fn kind_label(kind: &str) -> &'static str {
    match kind {
        "delete" => tr("删除/修改", "delete/edit"),
        "duplicate" => tr("重复", "duplicate"),
        _ => tr("修改/修改", "edit/edit"),
    }
}

fn find(list: Vec<Conflict>, id: &str) -> Result<Conflict> {
    let mut hits: Vec<Conflict> = list
        .into_iter()
        .filter(|c| c.id.starts_with(id) && !id.is_empty())
        .collect();
    match hits.len() {
        1 => Ok(hits.remove(0)),
        0 => Err(Error::Refused(format!(
            "{} {}",
            tr("没有这个冲突:", "no such conflict:"),
            clean(id)
        ))),
        _ => Err(Error::Refused(format!(
            "{} {}",
            tr("冲突编号不唯一:", "ambiguous conflict id:"),
            clean(id)
        ))),
    }
}

fn resolve(ctx: &Ctx, id: &str, pick: Option<usize>, value: Option<String>) -> Result<()> {
    let mut store = ctx.open()?;
    let c = find(conflicts::list(store.conn())?, id)?;
    for cmd in conflicts::resolution(&c, pick, value)? {
        ctx.write(&mut store, cmd)?;
    }
    outln!("{} {}", tr("已解决", "resolved"), clean(&c.id))
}
