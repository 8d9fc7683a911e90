//! How a batch that builds a whole ledger into an empty file
//! (`Batch::whole_ledger`, `gen`) writes, beyond what any large batch does.
//! Its pages are all new, so it writes each once, through a rollback
//! journal, not into the WAL and again into the file at the checkpoint.
//! Its rows reference rows it made a moment before, so their references
//! are checked once, for every table, before it commits, instead of a
//! parent lookup per row and reference as it goes.

use rusqlite::{Connection, Transaction};

use crate::error::{Error, Result};

pub(super) struct Whole {
    /// It left the WAL for a rollback journal.
    journal: bool,
}

impl Whole {
    /// Before the batch's transaction.
    pub(super) fn begin(conn: &Connection) -> Result<Whole> {
        conn.pragma_update(None, "foreign_keys", "OFF")?;
        match leave_wal(conn) {
            Ok(journal) => Ok(Whole { journal }),
            Err(e) => {
                conn.pragma_update(None, "foreign_keys", "ON")?;
                Err(e)
            }
        }
    }

    /// After the batch's transaction, whatever its outcome: the connection
    /// as every session has it (`Store::open`).
    pub(super) fn end(self, conn: &Connection) -> Result<()> {
        conn.pragma_update(None, "foreign_keys", "ON")?;
        if self.journal {
            back_to_wal(conn)?;
        }
        Ok(())
    }
}

/// Inside the batch's transaction, before it commits: every reference of
/// every table names a row that exists, as the deferred foreign keys would
/// have required at the commit. The first that does not fails the batch.
pub(super) fn check_references(tx: &Transaction<'_>) -> Result<()> {
    let mut stmt = tx.prepare("PRAGMA foreign_key_check")?;
    let mut rows = stmt.query([])?;
    match rows.next()? {
        None => Ok(()),
        Some(r) => {
            let table: String = r.get(0)?;
            let rowid: Option<i64> = r.get(1)?;
            let parent: String = r.get(2)?;
            Err(Error::Other(format!(
                "{table} row {}: references a missing {parent} row",
                rowid.map(|n| n.to_string()).unwrap_or_default()
            )))
        }
    }
}

/// SQLite leaves the WAL only when no other connection has the file open;
/// otherwise the batch runs in WAL as any other. The journal is synced in
/// full, as a rollback journal needs to survive a power cut; the deferred
/// indexes' sorts may use a second thread. Whether it left WAL.
fn leave_wal(conn: &Connection) -> Result<bool> {
    let mode: String = match conn.query_row("PRAGMA journal_mode = TRUNCATE", [], |r| r.get(0)) {
        Ok(m) => m,
        Err(e) if super::is_locked(&e) => return Ok(false),
        Err(e) => return Err(e.into()),
    };
    if !mode.eq_ignore_ascii_case("truncate") {
        return Ok(false);
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "threads", 2)?;
    Ok(true)
}

/// Back to the mode every session writes in. A session that opened the
/// file meanwhile keeps it from WAL; the next one alone on it sets WAL
/// (`Store::open`).
fn back_to_wal(conn: &Connection) -> Result<()> {
    conn.pragma_update(None, "threads", 0)?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    match conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0)) {
        Ok(_) => Ok(()),
        Err(e) if super::is_locked(&e) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Actor, Store};

    fn pragma(store: &Store, name: &str) -> String {
        store
            .conn
            .query_row(&format!("PRAGMA {name}"), [], |r| {
                r.get::<_, rusqlite::types::Value>(0)
            })
            .map(|v| match v {
                rusqlite::types::Value::Integer(n) => n.to_string(),
                rusqlite::types::Value::Text(s) => s,
                other => format!("{other:?}"),
            })
            .expect("pragma")
    }

    /// A reference to a row that does not exist fails the batch, naming the
    /// table and the parent; a ledger without one passes.
    #[test]
    fn references_are_checked_before_the_commit() {
        let dir = tempfile::tempdir().expect("dir");
        let mut store = Store::open(&dir.path().join("l.db")).expect("open");
        store
            .conn
            .pragma_update(None, "foreign_keys", "OFF")
            .expect("off");
        let tx = store.conn.transaction().expect("tx");
        check_references(&tx).expect("an empty ledger");
        tx.execute(
            "INSERT INTO surveys (id, org_id, on_date) VALUES ('s', 'no-such-org', '2024-01-01')",
            [],
        )
        .expect("insert");
        let e = check_references(&tx).expect_err("a survey of no organization");
        let msg = e.to_string();
        assert!(msg.contains("surveys") && msg.contains("orgs"), "{msg}");
    }

    /// After a whole-ledger batch the connection checks references and
    /// writes in WAL again, as every session does.
    #[test]
    fn the_connection_is_as_before_after_the_batch() {
        let dir = tempfile::tempdir().expect("dir");
        let mut store = Store::open(&dir.path().join("l.db")).expect("open");
        let actor = Actor::of_process("test", "office");
        crate::demo::generate(&mut store, &actor, 40, 1).expect("generate");
        assert_eq!(pragma(&store, "foreign_keys"), "1");
        assert_eq!(pragma(&store, "journal_mode"), "wal");
        assert_eq!(pragma(&store, "synchronous"), "1");
        assert!(store.count("orgs").expect("count") == 40);
    }
}
