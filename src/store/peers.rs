//! What a replica remembers about its peers, and the status bar's read.

use std::collections::BTreeMap;

use rusqlite::{Connection, OptionalExtension, params};

use crate::error::Result;

/// For the status bar: when this replica last synced, and how many of its
/// own ops no peer has acknowledged yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub last_sync: Option<String>,
    pub unsent: i64,
}

pub fn status(conn: &Connection) -> Result<Status> {
    let site = crate::store::meta_get(conn, "site_id")?.unwrap_or_default();
    let mine: i64 = conn.query_row(
        "SELECT COALESCE(MAX(seq), 0) FROM oplog WHERE site_id = ?1",
        [&site],
        |r| r.get(0),
    )?;
    let (last, acked): (Option<String>, Option<i64>) = conn.query_row(
        "SELECT MAX(last_sync), MAX(acked_seq) FROM sync_peers",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(Status {
        last_sync: last,
        unsent: (mine - acked.unwrap_or(0)).max(0),
    })
}

/// Records a finished exchange: the peer now holds `have`.
pub fn record(
    conn: &Connection,
    peer: &str,
    peer_site: Option<&str>,
    have: &BTreeMap<String, i64>,
) -> Result<()> {
    let site = crate::store::meta_get(conn, "site_id")?.unwrap_or_default();
    let acked = have.get(&site).copied().unwrap_or(0);
    let have = serde_json::to_string(have).unwrap_or_default();
    conn.execute(
        "INSERT INTO sync_peers(peer, site_id, last_sync, acked_seq, have) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(peer) DO UPDATE SET site_id = excluded.site_id, last_sync = excluded.last_sync,
           acked_seq = MAX(acked_seq, excluded.acked_seq), have = excluded.have",
        params![peer, peer_site, jiff::Timestamp::now().to_string(), acked, have],
    )?;
    Ok(())
}

/// What a peer (named by its site id) held after the last exchange with it.
pub fn known_have(conn: &Connection, site: &str) -> Result<Option<BTreeMap<String, i64>>> {
    let have: Option<Option<String>> = conn
        .query_row(
            "SELECT have FROM sync_peers WHERE site_id = ?1 OR peer = ?1 ORDER BY last_sync DESC LIMIT 1",
            [site],
            |r| r.get(0),
        )
        .optional()?;
    Ok(have.map(|h| {
        h.and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or_default()
    }))
}
