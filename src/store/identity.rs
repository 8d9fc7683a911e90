//! Which ledger a database file belongs to, and which site it writes as.
//!
//! The ledger id (`meta.ledger_id`, a UUID) names the ledger every replica
//! of it shares: `init`, `demo` and `gen` mint one with the file, `sync
//! clone` and `restore` copy it with the rest of the file, and sync and
//! bundle import refuse a peer or a bundle of another ledger.
//!
//! A file that holds ops but no ledger id (one made before ledger ids
//! existed, or by a command other than `init`) takes one derived from the
//! earliest op in its log (lowest clock, then site, then seq), stored the
//! first time this version opens it: that op was written where the ledger
//! began, every replica was cloned from a file that held it, and every op
//! written since carries a later clock (the clock travels with the snapshot
//! and only moves forward), so replicas cloned before the upgrade derive the
//! same id.
//!
//! A file that holds no op yet has nothing to keep apart: the first ledger
//! it syncs with or imports a bundle from gives it its id (it takes it
//! before the first op arrives), so `init` followed by `sync` still works.
//!
//! The site id (`meta.site_id`) is one per file: a file that may reuse
//! sequence numbers already sent (a clone's snapshot, a restored backup)
//! becomes a new site with `new_site`.

use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

use super::{Store, meta_get};
use crate::domain::Id;
use crate::error::{Error, Result};
use crate::i18n::tr;

/// The `meta` key of the ledger id.
pub const LEDGER_KEY: &str = "ledger_id";

/// Longest id or district name a refusal quotes from the other side.
const SHOWN_MAX: usize = 64;

/// The file's ledger id: the stored one; else, when the log holds ops, the
/// one derived from it (stored now); else None (the file holds nothing yet).
pub(crate) fn ledger_id(conn: &Connection) -> Result<Option<String>> {
    if let Some(id) = meta_get(conn, LEDGER_KEY)? {
        return Ok(Some(id));
    }
    match derived_ledger_id(conn)? {
        Some(id) => store_first(conn, &id).map(Some),
        None => Ok(None),
    }
}

/// The file's ledger id, minting a fresh one for a file that has none and
/// holds nothing yet (`init`, `demo`, `gen`, a bundle written from it).
pub(crate) fn ensure_ledger_id(conn: &Connection) -> Result<String> {
    match ledger_id(conn)? {
        Some(id) => Ok(id),
        None => store_first(conn, &Id::new().0),
    }
}

/// Stores `id` unless an id is there already (two processes opening one
/// file at once end with one id between them); returns the stored one.
fn store_first(conn: &Connection, id: &str) -> Result<String> {
    conn.execute(
        "INSERT OR IGNORE INTO meta(key, value) VALUES (?1, ?2)",
        params![LEDGER_KEY, id],
    )?;
    Ok(meta_get(conn, LEDGER_KEY)?.unwrap_or_else(|| id.to_string()))
}

/// The id a file with ops and no stored id takes: a UUID (version 8) from
/// the SHA-256 of the earliest op's site, seq and clock. None for an empty
/// log.
pub fn derived_ledger_id(conn: &Connection) -> Result<Option<String>> {
    let first: Option<(String, i64, i64)> = conn
        .query_row(
            "SELECT site_id, seq, hlc FROM oplog ORDER BY hlc, site_id, seq LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    Ok(first.map(|(site, seq, hlc)| {
        let h = Sha256::digest(format!("liangxin-ledger\n{site}\n{seq}\n{hlc}"));
        let mut b = [0u8; 16];
        b.copy_from_slice(&h[..16]);
        uuid::Builder::from_custom_bytes(b).into_uuid().to_string()
    }))
}

/// Whether the file holds no op at all (applied or kept for an upgrade).
pub fn holds_no_ops(conn: &Connection) -> Result<bool> {
    Ok(!conn
        .prepare_cached(
            "SELECT 1 WHERE EXISTS (SELECT 1 FROM oplog) OR EXISTS (SELECT 1 FROM sync_pending)",
        )?
        .exists([])?)
}

/// What the refusal says about the other ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Other {
    /// The other side of a sync.
    Peer,
    /// A bundle file being imported.
    Bundle,
}

/// Makes sure `theirs` is this file's ledger. A file that holds no op yet
/// joins it (takes its id, in the one statement that sees it is empty); a
/// file of another ledger is refused with one line naming both ledgers.
pub fn join_ledger(
    conn: &Connection,
    theirs: &str,
    their_district: Option<&str>,
    other: Other,
) -> Result<()> {
    let mine = ledger_id(conn)?;
    if mine.as_deref() == Some(theirs) {
        return Ok(());
    }
    if Id::looks_like(theirs) {
        let joined = conn.execute(
            "INSERT INTO meta(key, value)
               SELECT ?1, ?2 WHERE NOT EXISTS (SELECT 1 FROM oplog)
                 AND NOT EXISTS (SELECT 1 FROM sync_pending)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![LEDGER_KEY, theirs],
        )?;
        if joined == 1 {
            return Ok(());
        }
    }
    let my_district = meta_get(conn, "district")?;
    Err(other_ledger(
        mine.as_deref().unwrap_or("-"),
        my_district.as_deref(),
        theirs,
        their_district,
        other,
    ))
}

/// "refused: the other side belongs to ledger X (district), this database to
/// ledger Y (district); ...; nothing was written": one line.
pub fn other_ledger(
    mine: &str,
    my_district: Option<&str>,
    theirs: &str,
    their_district: Option<&str>,
    other: Other,
) -> Error {
    let (whose, nothing) = match other {
        Other::Peer => (
            tr("对方属于台账", "the other side belongs to ledger"),
            tr("未写入任何内容", "nothing was written"),
        ),
        Other::Bundle => (
            tr("同步包属于台账", "the bundle belongs to ledger"),
            tr("未导入任何内容", "nothing was imported"),
        ),
    };
    Error::Refused(format!(
        "{}{whose} {}{} {}{}{nothing}",
        tr("拒绝：", "refused: "),
        shown(theirs, their_district),
        tr("，本数据库属于台账", ", this database to ledger"),
        shown(mine, my_district),
        tr(
            "，不是同一个台账，不能合并；",
            "; they are different ledgers and are never merged; "
        ),
    ))
}

/// An id, and the district name when there is one, fit for one line.
fn shown(id: &str, district: Option<&str>) -> String {
    let short = |s: &str| -> String {
        crate::text::clean(s)
            .chars()
            .filter(|c| !c.is_control())
            .take(SHOWN_MAX)
            .collect()
    };
    match district.map(short).filter(|d| !d.trim().is_empty()) {
        Some(d) => format!("{} ({d})", short(id)),
        None => short(id),
    }
}

/// Makes the file a new site: a fresh site id, and no memory of what peers
/// held or of ops flagged on arrival, all of which belonged to the old site.
/// The old site's ops stay in the log under its id: they are history every
/// replica shares. Returns the new site id. For a clone's snapshot and a
/// restored backup, which may reuse sequence numbers the old site already
/// sent.
pub(crate) fn new_site(conn: &Connection) -> Result<String> {
    let site = Id::new().0;
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let r = (|| -> Result<()> {
        super::meta_set(conn, "site_id", &site)?;
        conn.execute_batch("DELETE FROM sync_peers; DELETE FROM sync_flagged;")?;
        Ok(())
    })();
    match r {
        Ok(()) => conn.execute_batch("COMMIT")?,
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            return Err(e);
        }
    }
    Ok(site)
}

impl Store {
    /// The id of the ledger this file belongs to (one UUID shared by every
    /// replica); None while the file holds nothing and was given none.
    pub fn ledger_id(&self) -> Result<Option<String>> {
        ledger_id(&self.conn)
    }

    /// The ledger id, minting one for a file that holds nothing and has none.
    pub fn ensure_ledger_id(&self) -> Result<String> {
        ensure_ledger_id(&self.conn)
    }

    /// The district name, if one was set (the demo sets one).
    pub fn district(&self) -> Result<Option<String>> {
        meta_get(&self.conn, "district")
    }

    /// Whether the file holds no op yet.
    pub fn holds_no_ops(&self) -> Result<bool> {
        holds_no_ops(&self.conn)
    }

    /// See `join_ledger`.
    pub fn join_ledger(
        &self,
        theirs: &str,
        their_district: Option<&str>,
        other: Other,
    ) -> Result<()> {
        join_ledger(&self.conn, theirs, their_district, other)
    }

    /// Continues this file as a new site (see `new_site`); returns the
    /// site id it wrote as before.
    pub fn become_new_site(&mut self) -> Result<String> {
        let site = new_site(&self.conn)?;
        Ok(std::mem::replace(&mut self.site, site))
    }
}
