//! `compact`: history no peer needs.
//!
//! The rule: an op is compacted when another op supersedes it, and every
//! peer this replica knows (`sync_peers`: what each held after the last
//! exchange) holds both. Its value goes; a stub stays under the same key
//! (`op::STUB`), with the field, the clock, the author and what it
//! superseded that is still whole, so the site's sequence stays gap-free,
//! sync can hand the stub to a replica that lacks the op, and the detail
//! view still says who changed which field when. A new row's op and each
//! site's last op are never compacted; refused ops are kept as they are.
//!
//! The audit chain stays verifiable: the compaction first checks every
//! record's digest against the log as held, then records, for each record
//! whose ops it changed, the digest recomputed afterwards; its own record,
//! chained like any other, carries a hash over those rows, and `check`
//! verifies both.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

use super::op::STUB;
use super::write::{Actor, append_opless, begin_immediate};
use super::{Store, merge};
use crate::domain::Date;
use crate::error::{Error, Result};
use crate::i18n::tr;

/// What a compaction did.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Compacted {
    /// Ops whose values went.
    pub ops: usize,
    /// Audit records that answer for them by a recomputed digest.
    pub records: usize,
    /// Peers whose positions bound what was compacted.
    pub peers: usize,
}

const ACTION: &str = "compact";

/// Per site, the highest sequence every known peer holds (`None`: no peer
/// is known, and the ops held here are all there are).
fn acknowledged(conn: &Connection) -> Result<(usize, Option<BTreeMap<String, i64>>)> {
    let mut stmt = conn.prepare("SELECT have FROM sync_peers")?;
    let haves: Vec<BTreeMap<String, i64>> = stmt
        .query_map([], |r| r.get::<_, Option<String>>(0))?
        .map(|h| {
            // A peer whose position cannot be read holds nothing we know of.
            Ok(h?
                .and_then(|s| serde_json::from_str(&s).ok())
                .unwrap_or_default())
        })
        .collect::<rusqlite::Result<_>>()?;
    let n = haves.len();
    let mut it = haves.into_iter();
    let Some(mut min) = it.next() else {
        return Ok((0, None));
    };
    for h in it {
        min = min
            .into_iter()
            .map(|(site, seq)| {
                let theirs = h.get(&site).copied().unwrap_or(0);
                (site, seq.min(theirs))
            })
            .collect();
    }
    Ok((n, Some(min)))
}

fn key(k: &str) -> Option<(String, i64)> {
    let (site, seq) = k.rsplit_once(':')?;
    Some((site.to_string(), seq.parse().ok()?))
}

/// The ops to compact: superseded by an op of the same field that every
/// peer holds (a delete names the heads of other fields it saw, which stay
/// heads), held by every peer, not their site's last; `stub` then skips a
/// new row's op, a stub and a refused op. Per op, the fields of the ops
/// that supersede it.
fn candidates(conn: &Connection, acked: &Option<BTreeMap<String, i64>>) -> Result<Candidates> {
    let last = merge::have(conn)?;
    let held = |site: &str, seq: i64| match acked {
        None => true,
        Some(a) => a.get(site).is_some_and(|&n| seq <= n),
    };
    let mut out = Candidates::new();
    let mut stmt = conn.prepare(
        "SELECT site_id, seq, supersedes, field FROM oplog
         WHERE supersedes IS NOT NULL AND supersedes <> '' AND refused IS NULL",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let (site, seq): (String, i64) = (r.get(0)?, r.get(1)?);
        if !held(&site, seq) {
            continue;
        }
        let list: String = r.get(2)?;
        let field: String = r.get(3)?;
        let field = field.trim_start_matches(STUB).to_string();
        for (s, q) in list.split(',').filter_map(key) {
            if held(&s, q) && last.get(&s).is_some_and(|&m| q < m) {
                out.entry((s, q)).or_default().insert(field.clone());
            }
        }
    }
    Ok(out)
}

type Candidates = BTreeMap<(String, i64), BTreeSet<String>>;

/// Replaces each candidate by its stub: no value, and of what it superseded
/// only the ops that stay whole (a reference to a stub says nothing). A
/// new row's op, a stub and a refused op are not stubbed, so an edit that
/// replaced a new row's value goes on naming it.
fn stub(conn: &Connection, keys: &Candidates) -> Result<usize> {
    let mut read = conn.prepare_cached(
        "SELECT field, supersedes, refused FROM oplog WHERE site_id = ?1 AND seq = ?2",
    )?;
    // (site, seq, field, what it superseded) of each op that becomes a stub.
    let mut goes = Vec::new();
    for ((site, seq), by) in keys {
        let row: Option<(String, Option<String>, Option<String>)> = read
            .query_row(params![site, seq], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()?;
        let Some((field, supersedes, None)) = row else {
            continue;
        };
        if field == super::op::ROW || field.starts_with(STUB) || !by.contains(&field) {
            continue;
        }
        goes.push((site, *seq, field, supersedes));
    }
    let stubbed: BTreeSet<String> = goes.iter().map(|(s, q, _, _)| format!("{s}:{q}")).collect();
    let mut write = conn.prepare_cached(
        "UPDATE ops SET field = ?3, value = NULL, supersedes = ?4
         WHERE site = (SELECT n FROM op_sites WHERE site_id = ?1) AND seq = ?2",
    )?;
    let mut n = 0;
    for (site, seq, field, supersedes) in &goes {
        let kept: Vec<&str> = supersedes
            .as_deref()
            .unwrap_or("")
            .split(',')
            .filter(|k| !k.is_empty() && !stubbed.contains(*k))
            .collect();
        let kept = (!kept.is_empty()).then(|| kept.join(","));
        n += write.execute(params![site, seq, format!("{STUB}{field}"), kept])?;
    }
    Ok(n)
}

/// The hash a compaction record carries over the digests it recorded.
fn vouch(rows: &[(String, String)]) -> String {
    let mut h = Sha256::new();
    for (record, digest) in rows {
        for s in [record, digest] {
            h.update((s.len() as u64).to_le_bytes());
            h.update(s.as_bytes());
        }
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

fn has_redigests(conn: &Connection) -> Result<bool> {
    Ok(conn
        .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_redigest'")?
        .exists([])?)
}

/// Per record, the digest the latest compaction recomputed for it.
pub(super) fn redigests(conn: &Connection) -> Result<HashMap<String, String>> {
    let mut out = HashMap::new();
    if !has_redigests(conn)? {
        return Ok(out);
    }
    let mut stmt = conn.prepare(
        "SELECT r.record_id, r.digest FROM audit_redigest r
         JOIN audit a ON a.id = r.by_record ORDER BY a.rowid",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        out.insert(r.get(0)?, r.get(1)?);
    }
    Ok(out)
}

/// The first compaction record whose recorded digests are not the ones it
/// vouched for, or digests no compaction record vouches for.
pub(super) fn unvouched(conn: &Connection) -> Result<Option<String>> {
    if !has_redigests(conn)? {
        return Ok(None);
    }
    let orphans: i64 = conn.query_row(
        "SELECT COUNT(*) FROM audit_redigest r
         WHERE NOT EXISTS (SELECT 1 FROM audit a WHERE a.id = r.by_record AND a.action = ?1)",
        [ACTION],
        |r| r.get(0),
    )?;
    if orphans > 0 {
        return Ok(Some(format!(
            "{orphans} {}",
            tr(
                "条重算的摘要不属于任何压缩记录（在程序之外添加）",
                "recomputed digests belong to no compaction record (added behind the app's back)"
            )
        )));
    }
    let mut stmt = conn.prepare("SELECT id, detail FROM audit WHERE action = ?1 ORDER BY rowid")?;
    let records: Vec<(String, String)> = stmt
        .query_map([ACTION], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut rows = conn.prepare(
        "SELECT record_id, digest FROM audit_redigest WHERE by_record = ?1 ORDER BY record_id",
    )?;
    for (id, detail) in records {
        let held: Vec<(String, String)> = rows
            .query_map([&id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        if detail.split_whitespace().last() != Some(vouch(&held).as_str()) {
            return Ok(Some(format!(
                "{} {}: {}",
                tr("压缩记录", "compaction record"),
                crate::text::clean(&id),
                tr(
                    "其重算的摘要被改动",
                    "the digests it recomputed were edited"
                )
            )));
        }
    }
    Ok(None)
}

impl Store {
    /// Compacts what no known peer needs (the rule above), in one audited
    /// transaction. Refused while `check` finds the audit chain or the op
    /// log edited: compaction would recompute digests over an edit.
    pub fn compact(&mut self, actor: &Actor, on: Date) -> Result<Compacted> {
        let site = self.site.clone();
        let tx = begin_immediate(&self.conn)?;
        let before = super::check::audit_chain(&tx, true)?;
        if let Some(b) = before.broken.or(before.ops_broken) {
            return Err(Error::Refused(format!(
                "{}: {b}",
                tr(
                    "检查未通过，不做压缩",
                    "check fails, so nothing was compacted"
                )
            )));
        }
        let (peers, acked) = acknowledged(&tx)?;
        let keys = candidates(&tx, &acked)?;
        let ops = stub(&tx, &keys)?;
        let mut redone: Vec<(String, String)> = Vec::new();
        if ops > 0 {
            let was: HashMap<String, String> = before.recomputed.into_iter().collect();
            let after = super::check::audit_chain(&tx, true)?;
            redone = after
                .recomputed
                .into_iter()
                .filter(|(id, d)| was.get(id) != Some(d))
                .collect();
            redone.sort();
        }
        let detail = format!(
            "ops {ops} records {} peers {peers} {}",
            redone.len(),
            vouch(&redone)
        );
        let id = append_opless(&tx, actor, ACTION, &detail, on, &site)?;
        let mut ins = tx.prepare(
            "INSERT INTO audit_redigest(record_id, digest, by_record) VALUES (?1, ?2, ?3)",
        )?;
        for (record, digest) in &redone {
            ins.execute(params![record, digest, id])?;
        }
        drop(ins);
        tx.commit()?;
        Ok(Compacted {
            ops,
            records: redone.len(),
            peers,
        })
    }
}
