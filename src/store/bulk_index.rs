//! Indexes a large batch builds once instead of row by row. Keeping a
//! secondary index in step costs a B-tree descent per inserted row; building
//! it after the rows are in is one sort. Only indexes that no command of a
//! batch looks rows up by are deferred: the lookups a command makes (by id,
//! credit code, name, organization, the op log's row key) keep theirs.
//! Both steps run inside the batch's transaction, so a batch that fails
//! leaves the indexes as they were.

use std::collections::HashMap;

use rusqlite::Transaction;

use super::Batch;

use crate::error::Result;

/// Indexes that serve lists, reports and the first screen, not the writes.
const DEFERRED: &[&str] = &[
    "orgs_place",
    "orgs_street_name",
    "orgs_check",
    "tasks_open",
    "surveys_on",
    "status_changes_on",
    "transfers_on",
    "party_orgs_founded",
    "assignments_from",
    "alerts_raised",
];

/// Deferred only for a batch that only adds rows: a command that changes
/// an organization (a survey, a closure) finds its tasks by this one.
const DEFERRED_APPENDING: &[&str] = &["tasks_org"];

/// Deferred only for a batch that builds a whole ledger (`gen`). Every row
/// its commands change, it made itself: their current values and heads come
/// from what the batch holds (`Seen`), not from the op log's row index. Its
/// commands add places, organizations, branches with the organizations they
/// cover, members with their branch, instructors with their assignments,
/// and surveys: none looks people or links up, nor an organization by name.
/// (A command that did would still be right, only slower.) A survey reads
/// its organization's surveys by `surveys_org`, which stays.
const DEFERRED_WHOLE: &[&str] = &[
    "ops_row_key",
    "orgs_name",
    "persons_name",
    "persons_org",
    "persons_moved_from",
    "links_org",
    "links_party_org",
];

/// A batch of this many commands or more may defer indexes.
pub(super) const MIN_BATCH: usize = 10_000;

/// Drops the deferred indexes of the tables `batch` fills and returns the
/// statements that make them again. Building an index sorts every row of
/// its table, so an index is deferred only when the batch is not small
/// beside what its table already holds.
pub(super) fn defer(tx: &Transaction<'_>, batch: &Batch) -> Result<Vec<String>> {
    if batch.len() < MIN_BATCH || batch.fills.is_empty() {
        return Ok(Vec::new());
    }
    let found: Vec<(String, String, String)> = tx
        .prepare(
            "SELECT name, tbl_name, sql FROM sqlite_schema
             WHERE type = 'index' AND sql IS NOT NULL ORDER BY name",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut rows: HashMap<String, usize> = HashMap::new();
    let mut made = Vec::new();
    for (name, table, sql) in found {
        let whole = batch.whole && DEFERRED_WHOLE.contains(&name.as_str());
        let listed = DEFERRED.contains(&name.as_str())
            || (batch.appending && DEFERRED_APPENDING.contains(&name.as_str()));
        if !whole && (!listed || !batch.fills.contains(&table.as_str())) {
            continue;
        }
        let held = match rows.get(&table) {
            Some(n) => *n,
            None => {
                // The table name comes from the schema, checked against `fills`.
                let n: i64 =
                    tx.query_row(&format!("SELECT count(*) FROM \"{table}\""), [], |r| {
                        r.get(0)
                    })?;
                let n = usize::try_from(n).unwrap_or(usize::MAX);
                rows.insert(table.clone(), n);
                n
            }
        };
        if batch.len() < held {
            continue;
        }
        // The name is the schema's own, one of the fixed lists above.
        tx.execute_batch(&format!("DROP INDEX \"{name}\""))?;
        made.push(sql);
    }
    Ok(made)
}

/// Makes the deferred indexes again, each from its own `CREATE INDEX`.
pub(super) fn rebuild(tx: &Transaction<'_>, made: &[String]) -> Result<()> {
    for sql in made {
        tx.execute_batch(sql)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn indexes(conn: &rusqlite::Connection) -> Vec<(String, String)> {
        conn.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
            .expect("prepare")
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("query")
            .collect::<rusqlite::Result<_>>()
            .expect("rows")
    }

    /// Every deferred index exists in a new ledger; a name that drifted from
    /// the schema would silently defer nothing.
    #[test]
    fn deferred_indexes_exist_and_come_back_the_same() {
        let dir = tempfile::tempdir().expect("dir");
        let mut store = crate::store::Store::open(&dir.path().join("l.db")).expect("open");
        let conn = &mut store.conn;
        let before = indexes(conn);
        for name in DEFERRED
            .iter()
            .chain(DEFERRED_APPENDING)
            .chain(DEFERRED_WHOLE)
        {
            assert!(
                before.iter().any(|(n, _)| n == name),
                "{name} is not in the schema"
            );
        }
        let tx = conn.transaction().expect("tx");
        let mut batch = Batch::new();
        let on = crate::domain::Date::ymd(2024, 1, 1).expect("date");
        for _ in 0..MIN_BATCH {
            batch.push(
                on,
                crate::domain::Command::ConfirmOrg {
                    org: crate::domain::Id::new(),
                },
            );
        }
        batch.fills = crate::store::schema::TABLES;
        batch.appending = true;
        batch.whole = true;
        let made = defer(&tx, &batch).expect("defer");
        assert_eq!(
            made.len(),
            DEFERRED.len() + DEFERRED_APPENDING.len() + DEFERRED_WHOLE.len()
        );
        let gone: i64 = tx
            .query_row(
                "SELECT count(*) FROM sqlite_schema WHERE name IN ('orgs_place', 'ops_row_key')",
                [],
                |r| r.get(0),
            )
            .expect("count");
        assert_eq!(gone, 0);
        rebuild(&tx, &made).expect("rebuild");
        tx.commit().expect("commit");
        let after = indexes(conn);
        assert_eq!(before, after);
    }

    /// An import or a half-year's tasks keeps the op log's row index: its
    /// commands change rows it did not make, whose heads only the log knows.
    #[test]
    fn only_a_whole_ledger_defers_the_op_log_index() {
        let dir = tempfile::tempdir().expect("dir");
        let mut store = crate::store::Store::open(&dir.path().join("l.db")).expect("open");
        let tx = store.conn.transaction().expect("tx");
        let mut batch = Batch::new();
        let on = crate::domain::Date::ymd(2024, 1, 1).expect("date");
        for _ in 0..MIN_BATCH {
            let org = crate::domain::Id::new();
            batch.push(on, crate::domain::Command::ConfirmOrg { org });
        }
        batch.fills = crate::store::schema::TABLES;
        let made = defer(&tx, &batch).expect("defer");
        assert_eq!(made.len(), DEFERRED.len());
        assert!(!made.iter().any(|sql| sql.contains("ops_row_key")));
        rebuild(&tx, &made).expect("rebuild");
    }
}
