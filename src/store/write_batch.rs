//! Many commands through the one write path (`Store::run`) as one
//! transaction with one audit record: building the demo district, `gen`, an
//! import, a half-year's tasks. What a batch does beyond a single command:
//! one scan of the live organizations, a larger page cache, deferred list
//! indexes, the acting user looked up once.

use super::batch::{Batch, PageCache};
use super::{Actor, Applied, Store};
use crate::domain::{Command, Date};
use crate::error::{Error, Result};

impl Store {
    /// Applies many dated commands in one transaction with one audit record
    /// (building the demo district, generating a synthetic one, an import).
    pub fn apply_batch(
        &mut self,
        actor: &Actor,
        action: &str,
        cmds: impl Into<Batch>,
    ) -> Result<Applied> {
        self.apply_batch_with(actor, action, cmds.into(), &mut |_, _| {})
    }

    /// `apply_batch`, telling `progress(done, total)` as commands are applied
    /// (an import's progress bar).
    pub fn apply_batch_with(
        &mut self,
        actor: &Actor,
        action: &str,
        cmds: Batch,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<Applied> {
        let first_on = cmds.first_on().unwrap_or(Date::today_local());
        // Generated half-year tasks follow from the data, whoever happens to
        // open the app; everything else is checked.
        let derived = action == "tasks.generate";
        let mut user = match derived {
            true => None,
            false => super::scope::acting_user(&self.conn, actor)?,
        };
        let detail = format!("{} commands", cmds.len());
        let total = cmds.len();
        let bulk_cache = match cmds.cache {
            PageCache::Light => LIGHT_CACHE_KIB,
            PageCache::Normal => BULK_CACHE_KIB,
            PageCache::Whole => WHOLE_CACHE_KIB,
        };
        // A large batch touches more pages than SQLite's default cache holds:
        // without room it spills them to the WAL mid-transaction and reads
        // them back. The cache shrinks again when the batch is done.
        let cache: i64 = self.conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
        if total >= BULK {
            self.conn.pragma_update(None, "cache_size", bulk_cache)?;
        }
        let whole = match cmds.whole {
            true => Some(super::whole::Whole::begin(&self.conn)?),
            false => None,
        };
        // Each command is checked inside the transaction, after the ones
        // before it: an import's task for a row it just added sees that row.
        let mut refusal: Option<Error> = None;
        let r = self.run(actor, action, &detail, None, first_on, |w| {
            // Most commands of a large batch name an organization (a task,
            // a survey, a member): one scan of them instead of a lookup each.
            if total >= BULK {
                w.know_live("orgs")?;
                w.seen.get_mut().reserve(total);
            }
            let deferred = super::bulk_index::defer(w.tx, &cmds)?;
            // A user no longer registered fails the next command's check.
            let mut lost: Option<Error> = None;
            for (i, (on, cmd)) in cmds.into_iter().enumerate() {
                let check = match (lost.take(), &user) {
                    (Some(e), _) => Err(e),
                    (None, Some(u)) => super::scope::check_user(w.tx, u, &cmd),
                    (None, None) => Ok(()),
                };
                if let Err(e) = check {
                    refusal = Some(Error::Refused(e.to_string()));
                    return Err(e);
                }
                // The acting user is looked up once, and again after a
                // command that may have changed users.
                let users_changed = user.is_some() && changes_users(&cmd);
                w.on = on;
                match super::apply::apply(w, cmd) {
                    // Another session made this cycle's tasks between this
                    // one's plan and its lock: a derived task already there
                    // is the same fact, not a second row. Its insert failed
                    // on the key before anything else was written.
                    Err(e) if derived && is_key_clash(&e) => w.applied.already += 1,
                    r => r?,
                }
                if users_changed {
                    match super::scope::acting_user(w.tx, actor) {
                        Ok(u) => user = u,
                        Err(e) => lost = Some(e),
                    }
                }
                // A batch reports the first row it made (what a single
                // command reports); a list of every id would only hold memory.
                w.applied.created.truncate(1);
                progress(i + 1, total);
            }
            super::bulk_index::rebuild(w.tx, &deferred)
        });
        if let Some(whole) = whole {
            whole.end(&self.conn)?;
        }
        if total >= BULK {
            self.conn.pragma_update(None, "cache_size", cache)?;
            // Hands the cache's pages back to the system.
            self.conn.execute_batch("PRAGMA shrink_memory")?;
        }
        if let Some(e) = refusal {
            self.audit_refusal(actor, action, &e, first_on)?;
        }
        r
    }
}

/// A batch this large reads the live organizations once, up front, and
/// writes with a larger page cache.
const BULK: usize = 1000;

/// The page cache of a large batch, as `cache_size` takes it (negative: KiB).
const BULK_CACHE_KIB: i64 = -32_768;

/// The page cache of a large light batch (`PageCache::Light`).
const LIGHT_CACHE_KIB: i64 = -8_192;

/// The page cache of a batch that builds a whole ledger (`PageCache::Whole`).
const WHOLE_CACHE_KIB: i64 = -131_072;

/// An insert refused because a row with that key exists.
fn is_key_clash(e: &Error) -> bool {
    matches!(e, Error::Db(rusqlite::Error::SqliteFailure(f, _))
        if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY)
}

/// Whether a command may change who the acting user is or what they may do.
fn changes_users(cmd: &Command) -> bool {
    match cmd {
        Command::AddUser(_) | Command::SetUser { .. } => true,
        Command::Delete { table, .. }
        | Command::Restore { table, .. }
        | Command::Settle { table, .. } => table == "users",
        _ => false,
    }
}
