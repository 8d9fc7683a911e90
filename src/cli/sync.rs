//! `sync REMOTE`, `sync clone`, `sync serve`, `sync export`/`import`, `sync status`.

use std::io::{BufReader, BufWriter, IsTerminal, Write};
use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::out::{errln, outln};
use super::{Ctx, print_json, text_or_json};
use crate::error::{Error, Result};
use crate::i18n::tr;
use crate::store::Store;
use crate::sync::transport::{self, Remote};
use crate::sync::{self, bundle, merge, peers, session};
use crate::text::clean;

#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct SyncArgs {
    #[command(subcommand)]
    pub cmd: Option<SyncCmd>,
    /// ssh://[user@]host[:port]/path/to.db, or the path of another database.
    pub remote: Option<String>,
    /// The program to run on the other side (default: liangxin).
    #[arg(long)]
    pub remote_cmd: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum SyncCmd {
    /// Make a new replica (named by --db) from a snapshot of REMOTE.
    Clone {
        remote: String,
        #[arg(long)]
        remote_cmd: Option<String>,
    },
    /// Answer a sync on stdin/stdout (what ssh runs on the server).
    Serve,
    /// Write the ops another replica lacks to a bundle file.
    Export {
        /// The site id of the replica the bundle is for (only what it lacks).
        #[arg(long = "for", conflicts_with = "all")]
        for_site: Option<String>,
        /// Every op (the default).
        #[arg(long)]
        all: bool,
        #[arg(short = 'o', long)]
        output: PathBuf,
    },
    /// Apply a bundle file; importing one twice changes nothing.
    Import { file: PathBuf },
    /// This replica's ops the other side refused: list them, or discard
    /// or resend one.
    Refused {
        #[command(subcommand)]
        cmd: Option<super::refused::RefusedCmd>,
        #[arg(long, default_value = "text")]
        format: String,
    },
    /// The last sync and the count of local ops not yet sent.
    Status {
        #[arg(long, default_value = "text")]
        format: String,
    },
}

pub fn sync(ctx: &Ctx, a: SyncArgs) -> Result<()> {
    match (a.cmd, a.remote) {
        (Some(SyncCmd::Clone { remote, remote_cmd }), _) => {
            clone(ctx, &remote, remote_cmd.as_deref())
        }
        (Some(SyncCmd::Serve), _) => serve(ctx),
        (
            Some(SyncCmd::Export {
                for_site, output, ..
            }),
            _,
        ) => export(ctx, for_site.as_deref(), &output),
        (Some(SyncCmd::Import { file }), _) => import(ctx, &file),
        (Some(SyncCmd::Status { format }), _) => status(ctx, &format),
        (Some(SyncCmd::Refused { cmd, format }), _) => super::refused::refused(ctx, cmd, &format),
        (None, Some(remote)) => with_remote(ctx, &remote, a.remote_cmd.as_deref()),
        (None, None) => Err(Error::Refused(
            tr(
                "请指定同步对象（ssh://… 或数据库路径）",
                "name a remote (ssh://… or a database path)",
            )
            .into(),
        )),
    }
}

pub(super) fn serve(ctx: &Ctx) -> Result<()> {
    let mut store = ctx.existing()?;
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut r = BufReader::new(stdin.lock());
    let mut w = BufWriter::new(stdout.lock());
    session::serve(&mut store, &ctx.actor, &mut r, &mut w)?;
    w.flush()?;
    Ok(())
}

/// Runs `f` against the other side, then closes it and waits for it.
fn over<T>(
    remote: &Remote,
    remote_cmd: Option<&str>,
    as_user: Option<&str>,
    f: impl FnOnce(
        &mut BufReader<std::process::ChildStdout>,
        &mut BufWriter<std::process::ChildStdin>,
    ) -> Result<T>,
) -> Result<T> {
    let transport::Connection {
        mut child,
        to,
        from,
    } = transport::connect(remote, remote_cmd, as_user)?;
    let mut r = BufReader::new(from);
    let mut w = BufWriter::new(to);
    let res = f(&mut r, &mut w);
    drop(w);
    if res.is_err() {
        let _ = child.kill();
    }
    let status = child.wait();
    match (res, status) {
        (Ok(v), _) => Ok(v),
        (Err(e), Ok(s)) if !s.success() && matches!(e, Error::Refused(_)) => {
            Err(Error::Refused(format!(
                "{e} ({} {})",
                tr("对端退出状态", "the other side exited with"),
                s.code().map_or("signal".into(), |c| c.to_string())
            )))
        }
        (Err(e), _) => Err(e),
    }
}

fn with_remote(ctx: &Ctx, remote: &str, remote_cmd: Option<&str>) -> Result<()> {
    let remote = Remote::parse(remote)?;
    let mut store = ctx.existing()?;
    let tty = std::io::stderr().is_terminal();
    let sum = over(&remote, remote_cmd, ctx.as_user.as_deref(), |r, w| {
        session::sync(&mut store, &remote.name(), r, w, |got, sent| {
            if tty {
                let mut e = std::io::stderr();
                let _ = write!(
                    e,
                    "\r{} {got}  {} {sent}   ",
                    tr("收到", "in"),
                    tr("发出", "out")
                );
                let _ = e.flush();
            }
        })
    });
    if tty {
        let _ = writeln!(std::io::stderr());
    }
    let sum = sum?;
    // The sync is done; a reader gone from stdout does not hide the warning.
    super::out::unless_closed(outln!(
        "{} {}: {} {}, {} {}, {} {}",
        tr("已同步", "synced with"),
        remote.name(),
        tr("收到操作", "ops in"),
        sum.received.applied,
        tr("发出操作", "ops out"),
        sum.sent,
        tr("新冲突", "new conflicts"),
        sum.received.new_conflicts
    ))?;
    warn_flagged(sum.received.flagged);
    warn_refused(&store, &sum.remote)?;
    Ok(())
}

/// Ops of ours the other side refused: each named, and where to go next.
fn warn_refused(store: &Store, rep: &sync::Report) -> Result<()> {
    if rep.refused == 0 {
        return Ok(());
    }
    errln!(
        "{}: {} {}",
        tr("警告", "warning"),
        rep.refused,
        tr(
            "条操作被对方拒绝，保留在本机（sync refused 查看、撤回或重新提交）：",
            "ops were refused by the other side and kept here (sync refused lists, discards or resends them):"
        )
    );
    for r in &rep.refusals {
        errln!("  {}", crate::store::receive::describe(store.conn(), r));
    }
    Ok(())
}

fn warn_flagged(n: usize) {
    if n > 0 {
        errln!(
            "{}: {n} {}",
            tr("警告", "warning"),
            tr(
                "条操作的时钟比本机快一天以上，已标记，未拨快本机时钟",
                "ops carry a clock more than a day ahead; flagged, and this clock was not moved"
            )
        );
    }
}

fn clone(ctx: &Ctx, remote: &str, remote_cmd: Option<&str>) -> Result<()> {
    let remote = Remote::parse(remote)?;
    let store = over(&remote, remote_cmd, ctx.as_user.as_deref(), |r, w| {
        session::clone(&ctx.db, &remote.name(), r, w)
    })?;
    outln!(
        "{} {} → {} ({} {})",
        tr("已克隆", "cloned"),
        remote.name(),
        ctx.db.display(),
        tr("新站点", "new site"),
        store.site()
    )
}

fn export(ctx: &Ctx, for_site: Option<&str>, out: &std::path::Path) -> Result<()> {
    let store = ctx.existing()?;
    let theirs = match for_site {
        Some(s) => peers::known_have(store.conn(), s)?.ok_or_else(|| {
            Error::Refused(format!(
                "{} {}",
                tr("从未与此站点同步过:", "never synced with site"),
                crate::text::clean(s)
            ))
        })?,
        None => Default::default(),
    };
    let mut ops = Vec::new();
    merge::for_each_missing(store.conn(), &theirs, sync::BATCH, |batch| {
        ops.extend(batch);
        Ok(())
    })?;
    let n = ops.len();
    let b = bundle::Bundle {
        from: store.site().to_string(),
        to: for_site.map(str::to_string),
        schema: crate::store::schema::SCHEMA_VERSION,
        ops,
        ledger: Some(store.ensure_ledger_id()?),
        district: store.district()?,
    };
    let bytes = bundle::encode(&b)?;
    // Written beside the target and renamed, so a full stick leaves no half file.
    let tmp = out.with_extension("partial");
    std::fs::write(&tmp, &bytes)?;
    std::fs::rename(&tmp, out)?;
    let have = merge::have(store.conn())?;
    peers::record(
        store.conn(),
        &format!("file:{}", out.display()),
        None,
        &have,
    )?;
    outln!(
        "{} {n} {} {}",
        tr("已写出", "wrote"),
        tr("条操作到", "ops to"),
        out.display()
    )
}

fn import(ctx: &Ctx, file: &std::path::Path) -> Result<()> {
    let bytes = std::fs::read(file)?;
    let b = bundle::decode(&bytes)?;
    let mut store = ctx.existing()?;
    // Another ledger's bundle is refused before anything is applied.
    bundle::check_ledger(&store, &b)?;
    // The importing user answers for the bundle: it passes the same checks
    // as a sync from its site.
    let from = sync::Sender {
        actor: Some(ctx.actor.clone()),
        site: Some(b.from.clone()),
        via: "bundle",
    };
    let rep = store.receive(&from, &b.ops)?;
    super::out::unless_closed(outln!(
        "{} {}: {} {}, {} {}, {} {}",
        tr("已导入", "imported"),
        file.display(),
        tr("新操作", "new ops"),
        rep.applied,
        tr("已有", "already held"),
        rep.already,
        tr("新冲突", "new conflicts"),
        rep.new_conflicts
    ))?;
    warn_flagged(rep.flagged);
    warn_refused(&store, &rep)?;
    if rep.pending > 0 {
        return Err(Error::Refused(format!(
            "{} {} {}",
            rep.pending,
            tr(
                "条操作来自更新的版本，已保存未应用；请升级",
                "ops from a newer version were kept, not applied; upgrade liangxin on"
            ),
            crate::sync::proto::hostname()
        )));
    }
    Ok(())
}

fn status(ctx: &Ctx, format: &str) -> Result<()> {
    let json = text_or_json(format)?;
    let store = ctx.existing()?;
    let s = sync::status(store.conn())?;
    let refused = store.refused()?.len();
    let quarantined = store.quarantined()?;
    if json {
        return print_json(&serde_json::json!({
            "site": store.site(),
            "last_sync": s.last_sync,
            "unsent": s.unsent,
            "refused": refused,
            "quarantined": quarantined,
        }));
    }
    outln!(
        "{}: {}\n{}: {}\n{}: {}",
        tr("上次同步", "last sync"),
        s.last_sync.as_deref().unwrap_or(tr("从未", "never")),
        tr("未发送的本地操作", "local ops not yet sent"),
        s.unsent,
        tr("被拒绝、待处理的操作", "refused ops waiting here"),
        refused
    )?;
    for q in &quarantined {
        outln!(
            "{} {}:{} {}.{}: {}",
            tr(
                "已隔离（升级后仍无法应用）",
                "quarantined (does not fit after the upgrade)"
            ),
            clean(&q.site),
            q.seq,
            clean(&q.tbl),
            clean(&q.field),
            clean(&q.reason)
        )?;
    }
    Ok(())
}
