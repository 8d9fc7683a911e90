//! How a batch that builds a whole ledger into an empty file
//! (`Batch::whole_ledger`, `gen`) writes, beyond what any large batch does:
//! its pages are all new, so it writes each once, through a rollback
//! journal, not into the WAL and again into the file at the checkpoint.
//! (Checking its references once before the commit, in place of the
//! foreign keys' lookup per row, saved 7% at 30,000 organizations and
//! nothing at 100,000, where the check reads the whole file again.)

use rusqlite::Connection;

use crate::error::Result;

pub(super) struct Whole {
    /// It left the WAL for a rollback journal.
    journal: bool,
}

impl Whole {
    /// Before the batch's transaction.
    pub(super) fn begin(conn: &Connection) -> Result<Whole> {
        Ok(Whole {
            journal: leave_wal(conn)?,
        })
    }

    /// After the batch's transaction, whatever its outcome: the connection
    /// as every session has it (`Store::open`).
    pub(super) fn end(self, conn: &Connection) -> Result<()> {
        if self.journal {
            back_to_wal(conn)?;
        }
        Ok(())
    }
}

/// SQLite leaves the WAL only when no other connection has the file open;
/// otherwise the batch runs in WAL as any other. The journal is synced in
/// full, as a rollback journal needs to survive a power cut. Whether it
/// left WAL.
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
    Ok(true)
}

/// Back to the mode every session writes in. A session that opened the
/// file meanwhile keeps it from WAL; the next one alone on it sets WAL
/// (`Store::open`).
fn back_to_wal(conn: &Connection) -> Result<()> {
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    match conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0)) {
        Ok(_) => Ok(()),
        Err(e) if super::is_locked(&e) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use crate::store::Store;

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

    /// After a whole-ledger batch the connection writes in WAL again, as
    /// every session does.
    #[test]
    fn the_connection_is_as_before_after_the_batch() {
        let (_dir, store) = crate::store::generated(40);
        assert_eq!(pragma(&store, "journal_mode"), "wal");
        assert_eq!(pragma(&store, "synchronous"), "1");
        assert!(store.count("orgs").expect("count") == 40);
    }
}
