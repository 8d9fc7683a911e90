//! `init`, `demo`, `gen`, and opening the terminal app.

use std::path::PathBuf;

use super::Ctx;
use crate::config::data_dir;
use crate::demo;
use crate::error::{Error, Result};
use crate::i18n::tr;
use crate::store::Store;

pub fn init(ctx: &Ctx) -> Result<()> {
    let store = ctx.open()?;
    println!("{}", store.path().display());
    Ok(())
}

fn remove_db_files(path: &std::path::Path) -> Result<()> {
    for suffix in ["", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        match std::fs::remove_file(PathBuf::from(p)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

/// Opens (building on first use) the demo database: `--db` if given, else
/// `demo.db` in the data directory, never the real ledger.
pub fn demo(ctx: &Ctx, db_given: bool, no_tui: bool, reset: bool) -> Result<()> {
    let path = if db_given {
        ctx.db.clone()
    } else {
        data_dir().join("demo.db")
    };
    if path.exists() {
        let store = Store::open(&path)?;
        let is_demo = store.pinned_today()?.is_some();
        let empty = store.count("orgs")? == 0;
        drop(store);
        if !is_demo && !empty {
            return Err(Error::Refused(format!(
                "{}: {}",
                path.display(),
                tr(
                    "不是演示数据库，未做任何改动；请另选 --db 路径",
                    "is not a demo database; nothing was changed; choose another --db path"
                )
            )));
        }
        if reset || !is_demo {
            remove_db_files(&path)?;
        }
    }
    let mut store = Store::open(&path)?;
    if store.pinned_today()?.is_none() {
        eprintln!(
            "{}",
            tr(
                "正在生成演示数据：常德市武陵区…",
                "Building the demo district: Wuling District, Changde…"
            )
        );
        let applied = demo::build(&mut store, &ctx.actor)?;
        let today = demo::demo_date();
        crate::store::alerts::refresh(&mut store, &ctx.actor, &ctx.config.alerts, today)?;
        eprintln!(
            "{} {} {}",
            tr("已生成，写入操作", "done; operations written:"),
            applied.ops,
            store.path().display()
        );
    }
    if no_tui {
        println!("{}", store.path().display());
        return Ok(());
    }
    let today = ctx.today(&store)?;
    crate::tui::run(store, today, &ctx.config)
}

pub fn gen_district(ctx: &Ctx, orgs: u32, seed: u64) -> Result<()> {
    if orgs == 0 {
        return Err(Error::invalid("orgs", "0", tr("至少 1", "at least 1")));
    }
    let mut store = ctx.open()?;
    if store.count("orgs")? > 0 {
        return Err(Error::Refused(format!(
            "{}: {}",
            store.path().display(),
            tr(
                "台账已有组织，gen 只写入空数据库",
                "already holds organizations; gen writes only to an empty database"
            )
        )));
    }
    let applied = demo::generate(&mut store, &ctx.actor, orgs as usize, seed)?;
    eprintln!("{} {}", tr("写入操作", "operations written:"), applied.ops);
    println!("{}", store.path().display());
    Ok(())
}

pub fn open_app(ctx: &Ctx) -> Result<()> {
    let store = ctx.open()?;
    let today = ctx.today(&store)?;
    crate::tui::run(store, today, &ctx.config)
}
