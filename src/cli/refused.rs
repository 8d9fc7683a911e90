//! `sync refused`: this replica's ops the server refused, and the two ways
//! out: discard one here, or send it again as a new op.

use clap::Subcommand;

use super::out::outln;
use super::{Ctx, print_json, text_or_json};
use crate::error::Result;
use crate::i18n::tr;
use crate::text::clean;

#[derive(Subcommand, Debug)]
pub enum RefusedCmd {
    /// Stop showing a refused op here (SITE:SEQ as listed, or all).
    Discard { op: String },
    /// Write a refused op's value again, to be checked at the next sync
    /// (after your scope was changed).
    Resend { op: String },
}

pub fn refused(ctx: &Ctx, cmd: Option<RefusedCmd>, format: &str) -> Result<()> {
    let mut store = ctx.existing()?;
    let on = ctx.on(&store)?;
    let which = |store: &crate::store::Store, op: &str| -> Result<Vec<String>> {
        Ok(if op == "all" {
            store.refused()?.into_iter().map(|r| r.key).collect()
        } else {
            vec![op.to_string()]
        })
    };
    match cmd {
        Some(RefusedCmd::Discard { op }) => {
            for key in which(&store, &op)? {
                store.discard_refused(&ctx.actor, &key, on)?;
                outln!("{} {}", tr("已撤回", "discarded"), clean(&key))?;
            }
            Ok(())
        }
        Some(RefusedCmd::Resend { op }) => {
            for key in which(&store, &op)? {
                store.resend_refused(&ctx.actor, &key, on)?;
                outln!("{} {}", tr("已重新提交", "sent again"), clean(&key))?;
            }
            Ok(())
        }
        None => {
            let list = store.refused()?;
            if text_or_json(format)? {
                return print_json(&list);
            }
            if list.is_empty() {
                return outln!("{}", tr("没有被拒绝的操作", "no refused ops"));
            }
            for r in &list {
                outln!(
                    "{}  {} {}.{} = {}: {}",
                    clean(&r.key),
                    clean(r.name.as_deref().unwrap_or(&r.row)),
                    clean(&r.tbl),
                    clean(&r.field),
                    clean(r.value.as_deref().unwrap_or("null")),
                    clean(&r.reason)
                )?;
            }
            Ok(())
        }
    }
}
