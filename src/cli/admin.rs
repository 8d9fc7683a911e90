//! `check`, `backup`, `restore`: keeping the district's database sound.

use std::path::{Path, PathBuf};

use super::out::outln;
use super::{Ctx, print_json, text_or_json};
use crate::config::data_dir;
use crate::error::{Error, Result};
use crate::i18n::tr;
use crate::store::check;

pub fn check(ctx: &Ctx, format: &str) -> Result<()> {
    let json = text_or_json(format)?;
    let store = ctx.open()?;
    let report = check::run(store.conn())?;
    if json {
        print_json(&report)?;
    } else {
        outln!("{}", report.render())?;
    }
    if report.ok() {
        Ok(())
    } else {
        Err(Error::Refused(tr("检查未通过", "check failed").into()))
    }
}

/// `compact`: a district user's (or, on a ledger without users, anyone's).
pub fn compact(ctx: &Ctx, format: &str) -> Result<()> {
    let json = text_or_json(format)?;
    let mut store = ctx.open()?;
    if let Some(u) = crate::store::scope::acting_user(store.conn(), &ctx.actor)?
        && u.role != crate::domain::kinds::Role::District
    {
        return Err(Error::Refused(
            tr(
                "只有区级用户可以压缩历史",
                "only a district user compacts history",
            )
            .into(),
        ));
    }
    let today = ctx.today(&store)?;
    let done = store.compact(&ctx.actor, today)?;
    if json {
        return print_json(&done);
    }
    outln!(
        "{} {} {}; {} {} {}",
        tr("已压缩", "compacted"),
        done.ops,
        tr("条被取代的操作的值", "superseded ops' values"),
        done.records,
        tr(
            "条审计记录的摘要已重算，界限来自",
            "audit records re-digested, bounded by"
        ),
        format_args!("{} {}", done.peers, tr("个已知副本", "known peers"))
    )
}

pub fn backup(ctx: &Ctx, output: Option<PathBuf>) -> Result<()> {
    let store = ctx.open()?;
    let (dest, rotate) = match output {
        Some(p) => (p, None),
        None => {
            let dir = ctx
                .config
                .backup
                .dir
                .clone()
                .unwrap_or_else(|| data_dir().join("backups"));
            std::fs::create_dir_all(&dir)?;
            (
                dir.join(format!("ledger-{}.db", crate::domain::Date::today_local())),
                Some(dir),
            )
        }
    };
    store.backup_to(&dest)?;
    let copy = crate::store::Store::open(&dest)?;
    let report = check::run(copy.conn())?;
    if !report.ok() {
        return Err(Error::Refused(format!(
            "{}: {}",
            dest.display(),
            report.render()
        )));
    }
    // The backup is made; a reader gone from stdout does not skip the rotation.
    super::out::unless_closed(outln!("{}", dest.display()))?;
    if let Some(dir) = rotate {
        prune(&dir, ctx.config.backup.keep)?;
    }
    Ok(())
}

/// Keeps the newest `keep` daily backups in `dir` (names sort by date).
fn prune(dir: &Path, keep: usize) -> Result<()> {
    if keep == 0 {
        return Ok(());
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("ledger-") && n.ends_with(".db"))
        })
        .collect();
    files.sort();
    let excess = files.len().saturating_sub(keep);
    for f in &files[..excess] {
        std::fs::remove_file(f)?;
    }
    Ok(())
}

pub fn restore(ctx: &Ctx, file: &Path) -> Result<()> {
    if !file.exists() {
        return Err(Error::invalid(
            "FILE",
            file.display().to_string(),
            tr("不存在", "does not exist"),
        ));
    }
    let mut store = ctx.open()?;
    let restored = store.restore_from(file)?;
    let report = restored.report;
    if !report.ok() {
        return Err(Error::Refused(format!(
            "{} {}: {}",
            file.display(),
            tr("未通过检查，未恢复", "fails the check; nothing restored"),
            report.render().replace('\n', "; ")
        )));
    }
    outln!("{}", report.render())?;
    // The backup's site may have sent ops after the backup: writing on under
    // its id would hand out their sequence numbers again.
    outln!(
        "{}{}{}",
        tr(
            "恢复的数据库作为新站点继续写入：",
            "the restored database continues as a new site: "
        ),
        store.site(),
        match &restored.backup_site {
            Some(old) => format!(
                "{}{old}{}",
                tr("（备份中的站点 ", " (the backup's site "),
                tr(
                    " 不再写入；它的操作仍在日志中，下次同步会取回它在备份之后发出的操作）",
                    " writes no more; its ops stay in the log, and the next sync brings back what it sent after the backup)"
                )
            ),
            None => String::new(),
        }
    )
}
