//! The SQLite store: opening and migrating, the one write path (`write`),
//! command handlers (`apply`), reference resolution and read queries.

mod actor;
mod alert_facts;
pub mod alerts;
mod apply;
mod apply_loop;
mod audit_append;
mod batch;
mod bulk_index;
mod by_org;
pub mod changes;
pub mod check;
mod check_tables;
pub mod clock;
pub mod compact;
pub mod counts;
pub mod digest;
pub mod field_numbers;
pub mod fields;
pub mod form_reads;
pub mod identity;
mod key;
pub mod known;
pub mod merge;
pub mod op;
pub mod panes;
pub mod peers;
pub mod read;
pub mod read_people;
pub mod receive;
mod refused;
pub use refused::RefusedOp;
pub mod resolve;
pub mod schema;
mod schema_audit;
pub(crate) mod schema_checks;
mod schema_counting;
mod schema_loop;
mod schema_oplog;
mod schema_page;
mod schema_people;
pub(crate) mod schema_survey_days;
mod schema_sync;
mod schema_trust;
pub mod scope;
mod scope_ops;
mod settle;
pub mod tasks;
mod val;
mod verdict;
mod whole;
pub mod write;
mod write_batch;
mod write_cache;
mod write_orgs;

pub use apply::{MAX_TEXT, employees as check_employees, text as check_text};

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};

use crate::domain::{Date, Id};
use crate::error::{Error, Result};
use crate::i18n::tr;

pub use batch::{Batch, PageCache};
pub use val::Val;
pub use write::{Actor, Applied};

pub struct Store {
    pub(crate) conn: Connection,
    path: PathBuf,
    site: String,
}

impl Store {
    /// Opens (creating if needed) the database at `path` and brings its schema
    /// up to date. A file that is not a liangxin database, or one written by a
    /// newer version, is refused with a message.
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        create_private(path)?;
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        let mut conn = connect(path, flags)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        let shown = path.display().to_string();
        // Before anything is written: a new file takes its page size here,
        // a file with pages keeps its own.
        #[cfg(not(feature = "encryption"))]
        conn.pragma_update(None, "page_size", PAGE_SIZE)
            .map_err(|e| not_a_db(&shown, e))?;
        match conn.pragma_update(None, "journal_mode", "WAL") {
            Ok(()) => {}
            // A batch that builds a whole ledger holds the file in a
            // rollback journal while it writes (`whole`): this session
            // works in that mode, and the next one alone on the file sets
            // WAL again.
            Err(e) if is_locked(&e) => {}
            Err(e) => return Err(not_a_db(&shown, e)),
        }
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        migrate(&mut conn, &shown)?;
        let site = match meta_get(&conn, "site_id")? {
            Some(s) => s,
            None => {
                let s = Id::new().0;
                meta_set(&conn, "site_id", &s)?;
                s
            }
        };
        // A file with ops and no ledger id (made before ledger ids) takes
        // its derived one now.
        identity::ledger_id(&conn)?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
            site,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// This replica's site id (one per database file, never per process).
    pub fn site(&self) -> &str {
        &self.site
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        meta_get(&self.conn, key)
    }

    /// Replica-local settings (the demo date, the district name). Not ledger
    /// facts, so they do not go through the op log.
    pub fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        meta_set(&self.conn, key, value)
    }

    /// The date the database pins as "today" (the demo district), if any.
    pub fn pinned_today(&self) -> Result<Option<Date>> {
        match self.meta("demo_date")? {
            Some(s) => Ok(Some(Date::parse("demo_date", &s)?)),
            None => Ok(None),
        }
    }

    /// Copies the database to `dest` with SQLite's online backup: safe while
    /// other sessions write. `dest` must not exist.
    pub fn backup_to(&self, dest: &Path) -> Result<()> {
        if dest.exists() {
            return Err(Error::invalid(
                "output",
                dest.display().to_string(),
                tr("文件已存在", "already exists"),
            ));
        }
        create_private(dest)?;
        let mut out = connect(dest, OpenFlags::default())?;
        let b = rusqlite::backup::Backup::new(&self.conn, &mut out)?;
        b.run_to_completion(256, std::time::Duration::from_millis(5), None)?;
        Ok(())
    }

    /// Replaces this database's contents with `src` (which must pass
    /// `check`), brought up to this version's schema. The restored file
    /// continues as a new site: the backup's site may have sent ops after
    /// the backup was taken, under sequence numbers the file would hand out
    /// again. Its ops stay in the log under their own site id.
    pub fn restore_from(&mut self, src: &Path) -> Result<Restored> {
        let from = connect(src, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(|e| match e {
            Error::Db(d) => not_a_db(&src.display().to_string(), d),
            other => other,
        })?;
        let version: i64 = from
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| not_a_db(&src.display().to_string(), e))?;
        if version > schema::SCHEMA_VERSION {
            return Err(Error::Refused(format!(
                "{}: {}",
                src.display(),
                tr(
                    "由更新版本的 liangxin 写入，请先升级",
                    "was written by a newer liangxin; upgrade first"
                )
            )));
        }
        let report = check::run(&from).map_err(|e| match e {
            Error::Db(d) => not_a_db(&src.display().to_string(), d),
            other => other,
        })?;
        if !report.ok() {
            return Ok(Restored {
                report,
                backup_site: None,
            });
        }
        let b = rusqlite::backup::Backup::new(&from, &mut self.conn)?;
        b.run_to_completion(256, std::time::Duration::from_millis(5), None)?;
        drop(b);
        migrate(&mut self.conn, &self.path.display().to_string())?;
        identity::ledger_id(&self.conn)?;
        let backup_site = meta_get(&self.conn, "site_id")?;
        self.site = identity::new_site(&self.conn)?;
        Ok(Restored {
            report,
            backup_site,
        })
    }

    pub fn count(&self, table: &str) -> Result<i64> {
        if !schema::TABLES.contains(&table) && table != "oplog" && table != "audit" {
            return Err(Error::Other(format!("unknown table {table}")));
        }
        Ok(self
            .conn
            .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))?)
    }
}

/// What `restore_from` did: the check of the backup, and (when it was
/// restored) the site id the backup wrote as, which the file no longer uses.
#[derive(Debug)]
pub struct Restored {
    pub report: check::Report,
    pub backup_site: Option<String>,
}

/// Brings the schema up to date; a file of a newer version is refused.
fn migrate(conn: &mut Connection, shown: &str) -> Result<()> {
    schema::migrations().to_latest(conn).map_err(|e| match e {
        rusqlite_migration::Error::MigrationDefinition(_)
        | rusqlite_migration::Error::SpecifiedSchemaVersion(_) => Error::Refused(format!(
            "{} {shown}: {}",
            tr("数据库", "database"),
            tr(
                "由更新版本的 liangxin 写入，请先升级",
                "was written by a newer liangxin; upgrade first"
            )
        )),
        rusqlite_migration::Error::RusqliteError { err, .. } => not_a_db(shown, err),
        other => Error::Other(format!("{shown}: {other}")),
    })
}

/// Prepared statements a connection keeps.
const STATEMENT_CACHE: usize = 128;

/// The page size of a new ledger. A page of 16 KiB holds four times the rows
/// of SQLite's 4 KiB default, so the large tables (the op log, organizations)
/// are a level shallower and a bulk write splits and fetches a quarter of the
/// pages: `gen --orgs 100000` took 0.84× the time (three alternating pairs),
/// the file within 1% of its size. The encrypted build keeps SQLCipher's.
#[cfg(not(feature = "encryption"))]
const PAGE_SIZE: i64 = 16_384;

/// Opens a connection to `path` and, in the encrypted build, keys it before
/// anything else reads the file. Every database file goes through here.
pub(crate) fn connect(path: &Path, flags: OpenFlags) -> Result<Connection> {
    let conn = Connection::open_with_flags(path, flags)?;
    key::apply(&conn)?;
    // A batch's commands run a few dozen distinct statements each; with
    // rusqlite's default of 16 cached, a mixed batch prepared them anew.
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    Ok(conn)
}

/// Another connection holds the lock a statement needs.
pub(super) fn is_locked(e: &rusqlite::Error) -> bool {
    use rusqlite::ErrorCode::{DatabaseBusy, DatabaseLocked};
    matches!(e.sqlite_error_code(), Some(DatabaseBusy | DatabaseLocked))
}

fn not_a_db(path: &str, e: rusqlite::Error) -> Error {
    // With a key, a wrong key and a file that is not a database look the same.
    let what = if cfg!(feature = "encryption") {
        tr(
            "不是 liangxin 数据库文件，或密钥不对",
            "is not a liangxin database, or the key is wrong",
        )
    } else {
        tr("不是 liangxin 数据库文件", "is not a liangxin database")
    };
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) => Error::Refused(format!("{path}: {what}")),
        _ => Error::Db(e),
    }
}

/// New database files are readable by their owner only: the ledger holds
/// personal political data.
fn create_private(path: &Path) -> Result<()> {
    if path.exists() {
        return Ok(());
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    match opts.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e.into()),
    }
}

pub(crate) fn meta_get(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
        .optional()?)
}

pub(crate) fn meta_set(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO meta(key, value) VALUES (?1, ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

/// A ledger in a temporary directory holding a generated district of `orgs`
/// organizations, for the store's own tests.
#[cfg(test)]
pub(crate) fn generated(orgs: usize) -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("dir");
    let mut store = Store::open(&dir.path().join("l.db")).expect("open");
    let actor = Actor::of_process("test", "office");
    crate::demo::generate(&mut store, &actor, orgs, 1).expect("generate");
    (dir, store)
}

#[cfg(all(test, not(feature = "encryption")))]
mod page_tests {
    use super::Store;

    fn page_size(store: &Store) -> i64 {
        store
            .conn
            .query_row("PRAGMA page_size", [], |r| r.get(0))
            .expect("page size")
    }

    /// A new ledger is laid out in `PAGE_SIZE` pages; a file that already
    /// has pages of another size keeps them, and works as a ledger.
    #[test]
    fn new_ledgers_take_the_page_size_and_old_ones_keep_theirs() {
        let dir = tempfile::tempdir().expect("dir");
        let new = Store::open(&dir.path().join("new.db")).expect("open new");
        assert_eq!(page_size(&new), super::PAGE_SIZE);
        let path = dir.path().join("old.db");
        {
            let c = rusqlite::Connection::open(&path).expect("old file");
            c.pragma_update(None, "page_size", 4096).expect("page size");
            c.pragma_update(None, "journal_mode", "WAL").expect("wal");
        }
        let mut old = Store::open(&path).expect("open old");
        assert_eq!(page_size(&old), 4096);
        let actor = crate::store::Actor::of_process("test", "office");
        crate::demo::generate(&mut old, &actor, 20, 1).expect("generate");
        drop(old);
        let old = Store::open(&path).expect("open again");
        assert_eq!(page_size(&old), 4096);
        assert_eq!(old.count("orgs").expect("count"), 20);
    }
}
