//! `init`, `demo`, `gen`, and opening the terminal app.

use std::path::{Path, PathBuf};

use rusqlite::OpenFlags;

use super::Ctx;
use super::out::{errln, outln};
use crate::config::data_dir;
use crate::demo;
use crate::error::{Error, Result};
use crate::i18n::tr;
use crate::store::Store;

/// Makes (or opens) the ledger and gives it its ledger id: every replica
/// made from it shares the id, and sync refuses any other.
pub fn init(ctx: &Ctx) -> Result<()> {
    let store = ctx.open()?;
    let ledger = store.ensure_ledger_id()?;
    errln!("{}: {ledger}", tr("台账编号", "ledger id"));
    outln!("{}", store.path().display())
}

/// Set in a file the moment `demo` creates it, before the district goes in:
/// the demo's own file, even when building it was interrupted.
const DEMO_MARK: &str = "demo_ledger";

/// What `demo` finds at its path.
enum Found {
    Nothing,
    /// A file the demo made; `built` once the district is in (its pinned date).
    Demo {
        built: bool,
    },
    /// Anything else: a real ledger (even an empty one), another program's
    /// database, a file that is no database. The demo never touches it.
    Other,
}

/// Looks at `path` read-only: no migration, no write, whatever it holds.
fn probe(path: &Path) -> Result<Found> {
    if path.symlink_metadata().is_err() {
        return Ok(Found::Nothing);
    }
    if !path.is_file() {
        return Ok(Found::Other);
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    // A file closed cleanly has no -wal: read it as immutable, so not even
    // the -wal/-shm pair a reader of a WAL database makes is left beside it.
    let opened = if sibling(path, "-wal").exists() {
        crate::store::connect(path, flags)
    } else {
        crate::store::connect(
            Path::new(&immutable_uri(path)),
            flags | OpenFlags::SQLITE_OPEN_URI,
        )
    };
    let conn = match opened {
        Ok(c) => c,
        Err(_) => return Ok(Found::Other),
    };
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    let tables: rusqlite::Result<i64> = conn.query_row(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'",
        [],
        |r| r.get(0),
    );
    match tables {
        Ok(1) => {}
        Ok(_) => return Ok(Found::Other),
        Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::NotADatabase) => {
            return Ok(Found::Other);
        }
        Err(e) => return Err(e.into()),
    }
    let mut stmt = conn.prepare("SELECT key FROM meta WHERE key IN ('demo_date', ?1)")?;
    let keys: Vec<String> = stmt
        .query_map([DEMO_MARK], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let built = keys.iter().any(|k| k == "demo_date");
    Ok(if built || keys.iter().any(|k| k == DEMO_MARK) {
        Found::Demo { built }
    } else {
        Found::Other
    })
}

/// `path` with `suffix` appended to its file name (`-wal`, `-shm`).
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(suffix);
    PathBuf::from(p)
}

/// `file:` URI of `path`, read-only and immutable (no locks, no side files).
fn immutable_uri(path: &Path) -> String {
    #[cfg(unix)]
    let bytes = std::os::unix::ffi::OsStrExt::as_bytes(path.as_os_str()).to_vec();
    #[cfg(not(unix))]
    let bytes = path.to_string_lossy().into_owned().into_bytes();
    let mut uri = String::from("file:");
    for &b in &bytes {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            uri.push(char::from(b));
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri.push_str("?mode=ro&immutable=1");
    uri
}

fn remove_db_files(path: &Path) -> Result<()> {
    for suffix in ["", "-wal", "-shm"] {
        match std::fs::remove_file(sibling(path, suffix)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

/// Opens (building on first use) the demo database: `--db` (or LIANGXIN_DB)
/// if given, else `demo.db` in the data directory. The demo writes only into
/// a file it made itself: an existing file without its mark, a real ledger
/// even when empty, is refused and left as it was. `--reset` removes only
/// the demo's own file.
pub fn demo(ctx: &Ctx, db_given: bool, no_tui: bool, reset: bool) -> Result<()> {
    let path = if db_given {
        ctx.db.clone()
    } else {
        data_dir().join("demo.db")
    };
    match probe(&path)? {
        Found::Other => {
            return Err(Error::Refused(format!(
                "{}: {}",
                path.display(),
                tr(
                    "不是演示数据库，未做任何改动；演示只写入它自己建的文件，请另选 --db 路径",
                    "is not a demo database; nothing was changed; the demo writes only to a file it made, choose another --db path"
                )
            )));
        }
        // An interrupted build is started again from nothing.
        Found::Demo { built } if reset || !built => remove_db_files(&path)?,
        Found::Demo { .. } | Found::Nothing => {}
    }
    let mut store = Store::open(&path)?;
    if store.pinned_today()?.is_none() {
        store.set_meta(DEMO_MARK, "1")?;
        store.ensure_ledger_id()?;
        errln!(
            "{}",
            tr(
                "正在生成演示数据：常德市武陵区…",
                "Building the demo district: Wuling District, Changde…"
            )
        );
        let applied = demo::build(&mut store, &ctx.actor)?;
        errln!(
            "{} {} {}",
            tr("已生成，写入操作", "done; operations written:"),
            applied.ops,
            store.path().display()
        );
    }
    if no_tui {
        return outln!("{}", store.path().display());
    }
    let today = ctx.today(&store)?;
    crate::tui::run(store, today, &ctx.config, ctx.actor.clone())
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
    store.ensure_ledger_id()?;
    let applied = demo::generate(&mut store, &ctx.actor, orgs as usize, seed)?;
    errln!("{} {}", tr("写入操作", "operations written:"), applied.ops);
    outln!("{}", store.path().display())
}

pub fn open_app(ctx: &Ctx) -> Result<()> {
    let store = ctx.open()?;
    let today = ctx.today(&store)?;
    crate::tui::run(store, today, &ctx.config, ctx.actor.clone())
}
