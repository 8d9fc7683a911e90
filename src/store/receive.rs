//! Ops from another replica come in here, and only here: the same door as a
//! local write. Each op's shape is checked, then (where the receiver knows
//! who sent them) the site it claims, the sender's scope and the value; a
//! refused op keeps its place in its site's sequence but never reaches a
//! table. Each transaction is bounded and leaves one audit record.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};

use super::actor::Actor;
use super::clock;
use super::digest::Covers;
use super::merge::{MAX_REFUSALS, Refusal, Report, forked, merge_row};
use super::op::{Columns, OP_COLUMNS, Op};
use super::schema::SCHEMA_VERSION;
use super::scope::{self, User};
pub use super::verdict::Sender;
use super::verdict::{Verdict, decide};
use super::{Store, meta_get, meta_set};
use crate::domain::Date;
use crate::error::Result;
use crate::i18n::tr;

/// Ops per transaction: a peer cannot hold the write lock for long.
pub const CHUNK: usize = 2000;

impl Store {
    /// Applies received ops: whole transactions of at most `CHUNK` ops.
    pub fn receive(&mut self, from: &Sender, ops: &[Op]) -> Result<Report> {
        let mut rep = Report::default();
        for chunk in ops.chunks(CHUNK) {
            rep.add(&receive(&mut self.conn, &self.site, from, chunk)?);
        }
        Ok(rep)
    }

    /// Lists this replica's own ops that a peer's report says it refused.
    pub fn note_refusals(&self, rep: &Report) -> Result<()> {
        for r in rep.refusals.iter().filter(|r| r.site == self.site) {
            record_refusal(&self.conn, &r.site, r.seq, &r.reason)?;
        }
        Ok(())
    }

    /// Ops of newer schemas that this build can now apply (after an upgrade).
    /// Those that still do not fit are quarantined with the reason, so sync
    /// goes on.
    pub fn replay_pending(&mut self) -> Result<Report> {
        let ops: Vec<Op> = self
            .conn
            .prepare(&format!(
                "SELECT {OP_COLUMNS} FROM sync_pending WHERE schema_version <= ?1 ORDER BY site_id, seq"
            ))?
            .query_map([SCHEMA_VERSION], Op::from_row)?
            .collect::<rusqlite::Result<_>>()?;
        if ops.is_empty() {
            return Ok(Report::default());
        }
        let cols = Columns::load(&self.conn)?;
        let (fit, misfit): (Vec<Op>, Vec<Op>) = ops
            .into_iter()
            .partition(|o| cols.check(o, SCHEMA_VERSION).is_ok());
        let tx = self.conn.transaction()?;
        for op in &misfit {
            let why = cols
                .check(op, SCHEMA_VERSION)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            quarantine(&tx, op, &why)?;
        }
        tx.commit()?;
        let from = Sender::trusted(None);
        let rep = match self.receive(&from, &fit) {
            Ok(r) => r,
            Err(e) => {
                // Kept aside ops must never stop sync: set them apart with the reason.
                let tx = self.conn.transaction()?;
                for op in &fit {
                    quarantine(&tx, op, &e.to_string())?;
                }
                tx.commit()?;
                Report::default()
            }
        };
        self.conn.execute(
            "DELETE FROM sync_pending WHERE schema_version <= ?1",
            [SCHEMA_VERSION],
        )?;
        Ok(rep)
    }
}

fn quarantine(tx: &Transaction<'_>, op: &Op, why: &str) -> Result<()> {
    tx.prepare_cached(&format!(
        "INSERT OR REPLACE INTO sync_quarantine({OP_COLUMNS}, reason, at)
         VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13)"
    ))?
    .execute(params![
        op.site,
        op.seq,
        op.hlc,
        op.tbl,
        op.row,
        op.field,
        op.value,
        op.schema,
        op.supersedes,
        op.actor,
        op.refused,
        why,
        jiff::Timestamp::now().to_string(),
    ])?;
    Ok(())
}

/// Applies one bounded batch in one transaction: all of it or none.
fn receive(conn: &mut Connection, own: &str, from: &Sender, ops: &[Op]) -> Result<Report> {
    // A batch may hold a row before the row it refers to (they arrive site by
    // site), so foreign keys are not checked while ops are merged. The pragma
    // only takes effect outside a transaction.
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    let r = receive_in_tx(conn, own, from, ops);
    conn.pragma_update(None, "foreign_keys", "ON")?;
    r
}

fn receive_in_tx(conn: &mut Connection, own: &str, from: &Sender, ops: &[Op]) -> Result<Report> {
    let cols = Columns::load(conn)?;
    for op in ops {
        cols.check(op, SCHEMA_VERSION)?;
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // Scope applies where the receiver knows the sender and has users.
    let user: Option<User> = match &from.actor {
        Some(a) => scope::acting_user(&tx, a)?,
        None => None,
    };
    // Rows the batch itself creates or touches: a reference may name one.
    let rows: HashSet<(&str, &str)> = ops
        .iter()
        .map(|o| (o.tbl.as_str(), o.row.as_str()))
        .collect();
    let mut verdicts = decide(&tx, own, user.as_ref(), from, &rows, ops)?;
    let mut rep = Report::default();
    let now = clock::now_ms();
    let mut next: HashMap<String, i64> = HashMap::new();
    // Sites whose later ops wait (one was of a newer schema) or are dropped.
    let mut blocked: HashSet<String> = HashSet::new();
    let mut dropped: HashSet<String> = HashSet::new();
    let mut max_hlc = 0;
    let mut touched: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    let mut ranges: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    // Ops held before that this batch marks refused: the audit record names them.
    let mut marks: Vec<(String, i64)> = Vec::new();
    for op in ops {
        let n = match next.get(&op.site) {
            Some(n) => *n,
            None => {
                let held: Option<i64> = tx
                    .prepare_cached("SELECT MAX(seq) FROM oplog WHERE site_id = ?1")?
                    .query_row([&op.site], |r| r.get(0))?;
                held.unwrap_or(0) + 1
            }
        };
        if op.seq < n {
            same_op_or_refuse(&tx, op)?;
            if op.refused.is_some() && note_refused_upstream(&tx, &cols, own, op)? {
                marks.push((op.site.clone(), op.seq));
            }
            rep.already += 1;
            continue;
        }
        if op.site == own {
            // Nobody else writes this replica's sequence: taking a number
            // would leave the next local write without one.
            refuse(
                &mut rep,
                op,
                tr(
                    "操作记录冒用本机站点编号",
                    "the op claims this replica's own site",
                ),
            );
            continue;
        }
        if dropped.contains(&op.site) {
            continue;
        }
        if op.schema > SCHEMA_VERSION || blocked.contains(&op.site) {
            // Kept, never applied: a newer build knows what these columns mean.
            blocked.insert(op.site.clone());
            rep.pending += tx
                .prepare_cached(&format!(
                    "INSERT OR IGNORE INTO sync_pending({OP_COLUMNS}) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)"
                ))?
                .execute(op_params(op).as_slice())?;
            continue;
        }
        if op.seq > n {
            // A gap: this op comes again once the ones before it are here.
            continue;
        }
        if op.is_stub() && from.actor.is_some() {
            // Compaction keeps what every known peer holds, so a peer whose
            // edits are checked never has to send a stub of an op not held
            // here; one that does could burn another site's sequence.
            refuse(
                &mut rep,
                op,
                tr(
                    "不接收对方压缩过的操作记录",
                    "a compacted op is not taken from this sender",
                ),
            );
            dropped.insert(op.site.clone());
            continue;
        }
        let verdict = verdicts
            .remove(&(op.site.clone(), op.seq))
            .unwrap_or(Verdict::Apply);
        let stored = match verdict {
            Verdict::Drop(why) => {
                refuse(&mut rep, op, &why);
                dropped.insert(op.site.clone());
                continue;
            }
            Verdict::Refuse(why) => {
                refuse(&mut rep, op, &why);
                Op {
                    refused: Some(why),
                    ..op.clone()
                }
            }
            Verdict::Apply => op.clone(),
        };
        tx.prepare_cached(&format!(
            "INSERT INTO oplog({OP_COLUMNS}) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)"
        ))?
        .execute(op_params(&stored).as_slice())?;
        next.insert(op.site.clone(), n + 1);
        let r = ranges.entry(op.site.clone()).or_insert((op.seq, op.seq));
        r.1 = op.seq;
        if stored.refused.is_some() {
            continue;
        }
        rep.applied += 1;
        if clock::too_far_ahead(op.hlc, now) {
            rep.flagged += 1;
            tx.prepare_cached(
                "INSERT OR IGNORE INTO sync_flagged(site_id, seq, hlc, received_at) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![op.site, op.seq, op.hlc, jiff::Timestamp::now().to_string()])?;
        } else {
            max_hlc = max_hlc.max(op.hlc);
        }
        if !op.is_stub() {
            touched
                .entry((op.tbl.clone(), op.row.clone()))
                .or_default()
                .extend(op.fields());
        }
    }
    for ((tbl, row), fields) in &touched {
        rep.new_conflicts += merge_row(&tx, &cols, tbl, row, Some(fields))?;
    }
    let local: i64 = meta_get(&tx, "hlc")?
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let hlc = clock::observe(local, max_hlc, now);
    if hlc != local {
        meta_set(&tx, "hlc", &hlc.to_string())?;
    }
    if rep.applied + rep.refused > 0 || !ranges.is_empty() || !marks.is_empty() {
        audit(&tx, own, from, &rep, &ranges, marks)?;
    }
    tx.commit()?;
    Ok(rep)
}

fn refuse(rep: &mut Report, op: &Op, why: &str) {
    rep.refused += 1;
    if rep.refusals.len() < MAX_REFUSALS {
        rep.refusals.push(Refusal {
            site: op.site.clone(),
            seq: op.seq,
            tbl: op.tbl.clone(),
            row: op.row.clone(),
            field: op.field.clone(),
            reason: why.to_string(),
        });
    }
}

/// A peer passed on an op we hold, marked refused by some receiver: our own
/// op is listed for the user to discard or send again; another site's op is
/// set aside here too, so every replica shows the accepted set. Whether the
/// op log changed.
fn note_refused_upstream(tx: &Transaction<'_>, cols: &Columns, own: &str, op: &Op) -> Result<bool> {
    let why = op.refused.clone().unwrap_or_default();
    if op.site == own {
        record_refusal(tx, &op.site, op.seq, &why)?;
        return Ok(false);
    }
    let changed = tx
        .prepare_cached(
            // On the store itself: a view's triggers report no changes.
            "UPDATE ops SET refused = ?3
             WHERE site = (SELECT n FROM op_sites WHERE site_id = ?1) AND seq = ?2
               AND refused IS NULL",
        )?
        .execute(params![op.site, op.seq, why])?;
    if changed > 0 {
        merge_row(tx, cols, &op.tbl, &op.row, None)?;
    }
    Ok(changed > 0)
}

/// Lists one of this replica's own ops as refused by a peer.
pub fn record_refusal(conn: &Connection, site: &str, seq: i64, why: &str) -> Result<()> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO sync_refused(site_id, seq, reason, at) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![site, seq, why, jiff::Timestamp::now().to_string()])?;
    Ok(())
}

/// One audit record for the batch: who sent it, from which site, which ops,
/// and what became of them. It answers for the ops stored (`ranges`) and
/// for those held before that the batch marked refused (`marks`).
fn audit(
    tx: &Transaction<'_>,
    own: &str,
    from: &Sender,
    rep: &Report,
    ranges: &BTreeMap<String, (i64, i64)>,
    marks: Vec<(String, i64)>,
) -> Result<()> {
    let actor = from.actor.clone().unwrap_or_else(|| Actor {
        os_user: String::new(),
        name: from.site.clone().unwrap_or_default(),
        office: String::new(),
        via: None,
    });
    let ops: Vec<String> = ranges
        .iter()
        .map(|(s, (a, b))| format!("{s}:{a}-{b}"))
        .collect();
    let detail = format!(
        "from {}: applied {}, refused {}, already {}; ops {}",
        from.site.as_deref().unwrap_or("?"),
        rep.applied,
        rep.refused,
        rep.already,
        ops.join(" ")
    );
    let action = format!("{}.receive", from.via);
    let seq = super::write::last_seq(tx, own)?;
    super::write::append_audit(
        tx,
        &actor,
        &action,
        &detail,
        None,
        Date::today_local(),
        own,
        seq + 1,
        seq,
        rep.applied,
        &Covers {
            ranges: ranges
                .iter()
                .map(|(s, (a, b))| (s.clone(), *a, *b))
                .collect(),
            marks,
        },
        None,
    )?;
    Ok(())
}

/// An op we already hold under the same (site, seq) must be the same op. If
/// it is not, two files share one site id (a database copied by hand instead
/// of `sync clone`), and merging would silently drop edits.
fn same_op_or_refuse(tx: &Transaction<'_>, op: &Op) -> Result<()> {
    let held: Option<(i64, String, String)> = tx
        .prepare_cached("SELECT hlc, row_id, field FROM oplog WHERE site_id = ?1 AND seq = ?2")?
        .query_row(params![op.site, op.seq], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    // A stub is the op it was compacted from: either side may hold either.
    let bare = |f: &str| f.trim_start_matches(super::op::STUB).to_string();
    match held {
        Some((hlc, row, field))
            if hlc != op.hlc || row != op.row || bare(&field) != bare(&op.field) =>
        {
            Err(forked(&op.site))
        }
        _ => Ok(()),
    }
}

fn op_params(op: &Op) -> [&dyn rusqlite::ToSql; 11] {
    [
        &op.site,
        &op.seq,
        &op.hlc,
        &op.tbl,
        &op.row,
        &op.field,
        &op.value,
        &op.schema,
        &op.supersedes,
        &op.actor,
        &op.refused,
    ]
}

/// A refusal as one line for the sender: which organization (or row) and field, and why.
pub fn describe(conn: &Connection, r: &Refusal) -> String {
    let name: Option<String> = if r.tbl == "orgs" {
        conn.query_row("SELECT name FROM orgs WHERE id = ?1", [&r.row], |x| {
            x.get(0)
        })
        .optional()
        .ok()
        .flatten()
    } else {
        None
    };
    format!(
        "{} {}.{} ({}:{}): {}",
        crate::text::clean(name.as_deref().unwrap_or(&r.row)),
        crate::text::clean(&r.tbl),
        crate::text::clean(&r.field),
        crate::text::clean(&r.site),
        r.seq,
        crate::text::clean(&r.reason)
    )
}
