//! The merge rule both received ops (`receive`) and the write path use.
//!
//! The rule, per field: the *heads* are the field's ops that no other op of
//! that field supersedes. The table shows the head with the highest clock
//! (ties: the higher site id). Heads with different values are a conflict
//! until someone writes an op that supersedes them all. A delete names every
//! head of the row it saw; an edit it did not see is a conflict. All of this
//! is a function of the set of ops alone, so replicas that hold the same ops
//! show the same tables and the same conflicts, whatever order they arrived in.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::op::{Columns, OP_COLUMNS, Op, ROW, STUB};
use crate::error::Result;
use crate::store::Val;

/// What applying a batch did.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Report {
    pub applied: usize,
    /// Already held (a replayed bundle, a resumed sync).
    pub already: usize,
    /// Of a newer schema: kept aside until this replica is upgraded.
    pub pending: usize,
    /// Stamped more than a day ahead of this replica's clock.
    pub flagged: usize,
    pub new_conflicts: usize,
    /// Refused on arrival: outside the sender's scope, a value its column does
    /// not take, or a site that is not the sender's.
    #[serde(default)]
    pub refused: usize,
    /// The first refusals, to tell the sender which op and why.
    #[serde(default)]
    pub refusals: Vec<Refusal>,
}

/// One refused op, as the receiver tells the sender.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Refusal {
    pub site: String,
    pub seq: i64,
    pub tbl: String,
    pub row: String,
    pub field: String,
    pub reason: String,
}

/// How many refusals one report names (the rest are counted).
pub const MAX_REFUSALS: usize = 500;

impl Report {
    pub fn add(&mut self, o: &Report) {
        self.applied += o.applied;
        self.already += o.already;
        self.pending += o.pending;
        self.flagged += o.flagged;
        self.new_conflicts += o.new_conflicts;
        self.refused += o.refused;
        for r in &o.refusals {
            if self.refusals.len() < MAX_REFUSALS {
                self.refusals.push(r.clone());
            }
        }
    }
}

/// Per site, the highest sequence held. Received ops are only ever stored
/// right after the one before (see `apply`), so this is the highest
/// contiguous sequence, read from the log itself.
pub fn have(conn: &Connection) -> Result<BTreeMap<String, i64>> {
    let mut out = BTreeMap::new();
    let mut next = conn.prepare_cached("SELECT MIN(site_id) FROM oplog WHERE site_id > ?1")?;
    let mut max = conn.prepare_cached("SELECT MAX(seq) FROM oplog WHERE site_id = ?1")?;
    let mut after = String::new();
    // One index probe per site, however long the log.
    while let Some(site) = next.query_row([&after], |r| r.get::<_, Option<String>>(0))? {
        let seq: i64 = max.query_row([&site], |r| r.get(0))?;
        out.insert(site.clone(), seq);
        after = site;
    }
    Ok(out)
}

/// Per site, a fingerprint of the last op held: with `have`, enough for
/// the other side to notice two files that share one site id.
pub fn tips(conn: &Connection, have: &BTreeMap<String, i64>) -> Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for (site, seq) in have {
        if let Some(t) = tip(conn, site, *seq)? {
            out.insert(site.clone(), t);
        }
    }
    Ok(out)
}

fn tip(conn: &Connection, site: &str, seq: i64) -> Result<Option<String>> {
    let op = conn
        .prepare_cached(&format!(
            "SELECT {OP_COLUMNS} FROM oplog WHERE site_id = ?1 AND seq = ?2"
        ))?
        .query_row(params![site, seq], Op::from_row)
        .optional()?;
    Ok(op.map(|o| {
        let hlc = o.hlc.to_string();
        let v = o.value.unwrap_or_default();
        let h = crate::store::write::chain_hash(&[&hlc, &o.tbl, &o.row, &o.field, &v]);
        h[..16].to_string()
    }))
}

/// Refuses to merge with a replica whose op at a sequence we both hold is
/// not ours: two files share a site id (one was copied by hand instead of
/// made with `sync clone`), and merging would silently drop edits.
pub fn check_tips(
    conn: &Connection,
    have: &BTreeMap<String, i64>,
    tips: &BTreeMap<String, String>,
) -> Result<()> {
    for (site, theirs) in tips {
        let Some(seq) = have.get(site) else { continue };
        if tip(conn, site, *seq)?.is_some_and(|mine| mine != *theirs) {
            return Err(forked(site));
        }
    }
    Ok(())
}

pub fn forked(site: &str) -> crate::error::Error {
    crate::error::Error::Refused(format!(
        "{} {}; {}",
        crate::i18n::tr(
            "两个数据库文件使用同一站点编号",
            "two database files share the site id"
        ),
        crate::text::clean(site),
        crate::i18n::tr(
            "其中一个是手工复制的？请用 sync clone 建立副本",
            "was one copied by hand? make replicas with sync clone"
        )
    ))
}

/// Up to `limit` ops of `site` after `seq`, in order.
pub fn ops_after(conn: &Connection, site: &str, seq: i64, limit: usize) -> Result<Vec<Op>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {OP_COLUMNS} FROM oplog WHERE site_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3"
    ))?;
    let ops = stmt
        .query_map(params![site, seq, limit as i64], Op::from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(ops)
}

/// The ops `theirs` lacks, site by site, in batches of `batch`; `each` is
/// called once per batch.
pub fn for_each_missing(
    conn: &Connection,
    theirs: &BTreeMap<String, i64>,
    batch: usize,
    mut each: impl FnMut(Vec<Op>) -> Result<()>,
) -> Result<usize> {
    let mut sent = 0;
    for (site, mine) in have(conn)? {
        let mut from = theirs.get(&site).copied().unwrap_or(0);
        while from < mine {
            let ops = ops_after(conn, &site, from, batch)?;
            let Some(last) = ops.last() else { break };
            from = last.seq;
            sent += ops.len();
            each(ops)?;
        }
    }
    Ok(sent)
}

/// How many ops `theirs` lacks.
pub fn count_missing(conn: &Connection, theirs: &BTreeMap<String, i64>) -> Result<i64> {
    Ok(have(conn)?
        .iter()
        .map(|(s, n)| (n - theirs.get(s).copied().unwrap_or(0)).max(0))
        .sum())
}

/// The ops of row `?2`, through the op log's row index (`ops_row_key`, on
/// the id's last 12 characters). The `+` keeps SQLite from folding the
/// id's value into the key expression, which would hide the index.
pub const ROW_MATCH: &str = "+row_id = ?2 AND substr(row_id, 25) = substr(?2, 25)";

/// All ops of one row, grouped by field.
pub fn row_ops(tx: &Connection, tbl: &str, row: &str) -> Result<BTreeMap<String, Vec<Op>>> {
    let mut stmt = tx.prepare_cached(&format!(
        "SELECT {OP_COLUMNS} FROM oplog WHERE tbl = ?1 AND {ROW_MATCH} AND refused IS NULL"
    ))?;
    let mut out: BTreeMap<String, Vec<Op>> = BTreeMap::new();
    for op in stmt.query_map(params![tbl, row], Op::from_row)? {
        for op in op?.expand() {
            out.entry(op.bare_field().to_string()).or_default().push(op);
        }
    }
    Ok(out)
}

/// The ops of one field that no other op of that field supersedes, the shown
/// one first (highest clock, then highest site id).
pub fn heads(ops: &[Op]) -> Vec<Op> {
    let replaced: HashSet<&str> = ops.iter().flat_map(|o| o.superseded()).collect();
    let mut h: Vec<Op> = ops
        .iter()
        .filter(|o| !o.is_stub() && !replaced.contains(o.key().as_str()))
        .cloned()
        .collect();
    h.sort_by(|a, b| (b.hlc, &b.site).cmp(&(a.hlc, &a.site)));
    h
}

/// The heads of one field as stored now.
pub fn field_heads(tx: &Connection, tbl: &str, row: &str, field: &str) -> Result<Vec<Op>> {
    let mut stmt = tx.prepare_cached(&format!(
        "SELECT {OP_COLUMNS} FROM oplog WHERE tbl = ?1 AND {ROW_MATCH}
         AND field IN (?3, '{ROW}', '{STUB}' || ?3) AND refused IS NULL"
    ))?;
    let mut ops = Vec::new();
    for op in stmt.query_map(params![tbl, row, field], Op::from_row)? {
        ops.extend(op?.expand_field(field));
    }
    Ok(heads(&ops))
}

/// What a row's conflicts are: per field, the heads that disagree; for
/// `deleted`, also the edits a standing delete did not see.
pub fn row_conflicts(by_field: &BTreeMap<String, Vec<Op>>) -> BTreeMap<String, Vec<Op>> {
    let mut out = BTreeMap::new();
    let all_heads: BTreeMap<&String, Vec<Op>> =
        by_field.iter().map(|(f, ops)| (f, heads(ops))).collect();
    for (field, h) in &all_heads {
        let values: HashSet<Val> = h.iter().map(Op::val).collect();
        let mut items = if values.len() > 1 {
            h.clone()
        } else {
            Vec::new()
        };
        if field.as_str() == "deleted" && h.first().is_some_and(|o| o.val() == Val::Int(1)) {
            let seen: HashSet<&str> = h
                .iter()
                .filter(|o| o.val() == Val::Int(1))
                .flat_map(|o| o.superseded())
                .collect();
            let unseen: Vec<Op> = all_heads
                .iter()
                .filter(|(f, _)| f.as_str() != "deleted")
                .flat_map(|(_, hs)| hs.iter())
                .filter(|o| !seen.contains(o.key().as_str()))
                .cloned()
                .collect();
            if !unseen.is_empty() {
                if items.is_empty() {
                    items = h
                        .iter()
                        .filter(|o| o.val() == Val::Int(1))
                        .cloned()
                        .collect();
                }
                items.extend(unseen);
            }
        }
        if !items.is_empty() {
            out.insert((*field).clone(), items);
        }
    }
    out
}

/// The stable id of a conflict: the same on every replica.
pub fn conflict_id(tbl: &str, row: &str, field: &str) -> String {
    let h = crate::store::write::chain_hash(&[tbl, row, field]);
    h[..10].to_string()
}

/// Recomputes one row from its ops: writes the winning value of `fields`
/// (all fields if `None`) and refreshes the row's conflicts. Returns how many
/// conflicts are new.
pub fn merge_row(
    tx: &Transaction<'_>,
    cols: &Columns,
    tbl: &str,
    row: &str,
    fields: Option<&BTreeSet<String>>,
) -> Result<usize> {
    let mut by_field = row_ops(tx, tbl, row)?;
    if by_field.is_empty() {
        // Every op of the row was refused (or taken back): it was never made.
        tx.prepare_cached(&format!("DELETE FROM {tbl} WHERE id = ?1"))?
            .execute([row])?;
        return refresh_conflicts(tx, tbl, row, &by_field);
    }
    // A retired field's ops (`field_numbers::RETIRED`) are history: never
    // applied, never in conflict.
    by_field.retain(|f, _| cols.has(tbl, f));
    tx.prepare_cached(&format!("INSERT OR IGNORE INTO {tbl}(id) VALUES (?1)"))?
        .execute([row])?;
    let mut sets: Vec<&str> = Vec::new();
    let mut vals: Vec<Val> = Vec::new();
    for (field, ops) in &by_field {
        if fields.is_some_and(|f| !f.contains(field)) || !cols.has(tbl, field) {
            continue;
        }
        if let Some(w) = heads(ops).first() {
            sets.push(field);
            vals.push(w.val());
        }
    }
    if !sets.is_empty() {
        let assign: Vec<String> = sets
            .iter()
            .enumerate()
            .map(|(i, f)| format!("{f} = ?{}", i + 2))
            .collect();
        let sql = format!("UPDATE {tbl} SET {} WHERE id = ?1", assign.join(", "));
        let mut args: Vec<&dyn rusqlite::ToSql> = vec![&row];
        args.extend(vals.iter().map(|v| v as &dyn rusqlite::ToSql));
        tx.prepare_cached(&sql)?.execute(args.as_slice())?;
    }
    refresh_conflicts(tx, tbl, row, &by_field)
}

fn refresh_conflicts(
    tx: &Connection,
    tbl: &str,
    row: &str,
    by_field: &BTreeMap<String, Vec<Op>>,
) -> Result<usize> {
    let before: HashSet<String> = tx
        .prepare_cached("SELECT field FROM sync_conflicts WHERE tbl = ?1 AND row_id = ?2")?
        .query_map(params![tbl, row], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let now = row_conflicts(by_field);
    if before.is_empty() && now.is_empty() {
        return Ok(0);
    }
    tx.prepare_cached("DELETE FROM sync_conflicts WHERE tbl = ?1 AND row_id = ?2")?
        .execute(params![tbl, row])?;
    let mut new = 0;
    for field in now.keys() {
        tx.prepare_cached(
            "INSERT INTO sync_conflicts(id, tbl, row_id, field) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![conflict_id(tbl, row, field), tbl, row, field])?;
        new += usize::from(!before.contains(field));
    }
    Ok(new)
}

/// After a local op: if the row is in conflict, recompute it (a resolution
/// clears the conflict; an edit may change what is shown).
pub fn after_local_op(tx: &Transaction<'_>, tbl: &str, row: &str) -> Result<()> {
    let listed = tx
        .prepare_cached("SELECT 1 FROM sync_conflicts WHERE tbl = ?1 AND row_id = ?2 LIMIT 1")?
        .query_row(params![tbl, row], |_| Ok(()))
        .optional()?
        .is_some();
    if listed {
        let cols = Columns::load(tx)?;
        merge_row(tx, &cols, tbl, row, None)?;
    }
    Ok(())
}
