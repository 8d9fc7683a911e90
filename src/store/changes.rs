//! What changed since a reader last looked: the op log's position (each
//! site's last sequence number) and the tables the ops after a position
//! wrote. Every change, local or received, is an op, and a site's ops are
//! held gap-free in sequence, so a position says exactly what a reader has
//! seen. The app reloads its 100,000 organization rows (and their search
//! keys) only when a change wrote a table those rows are read from: a task
//! hand-over, a decision on an alert or a half-year's tasks do not.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::Connection;

use crate::error::Result;

/// Per site (its number in `op_sites`), the last sequence number held.
pub type Position = BTreeMap<i64, i64>;

/// The op log's position now: one lookup by key per site.
pub fn position(conn: &Connection) -> Result<Position> {
    let sites: Vec<i64> = conn
        .prepare_cached("SELECT n FROM op_sites")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut last = conn.prepare_cached("SELECT MAX(seq) FROM ops WHERE site = ?1")?;
    let mut out = Position::new();
    for site in sites {
        if let Some(seq) = last.query_row([site], |r| r.get::<_, Option<i64>>(0))? {
            out.insert(site, seq);
        }
    }
    Ok(out)
}

/// The tables written by the ops held at `to` and not at `from`.
pub fn tables_between(
    conn: &Connection,
    from: &Position,
    to: &Position,
) -> Result<BTreeSet<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT t.name FROM ops o JOIN op_tables t ON t.n = o.tbl
         WHERE o.site = ?1 AND o.seq > ?2 AND o.seq <= ?3",
    )?;
    let mut out = BTreeSet::new();
    for (&site, &seq) in to {
        let seen = from.get(&site).copied().unwrap_or(0);
        if seq > seen {
            for t in stmt.query_map([site, seen, seq], |r| r.get::<_, String>(0))? {
                out.insert(t?);
            }
        }
    }
    Ok(out)
}
