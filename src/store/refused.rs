//! This replica's own ops that a peer refused (outside the user's scope on
//! the server, a value the server's rules do not take). They stay applied
//! here until the user decides: discard one (this replica then shows what the
//! server shows) or send it again as a new op (after the scope was changed).

use rusqlite::params;
use serde::Serialize;

use super::actor::Actor;
use super::digest::Covers;
use super::merge::merge_row;
use super::op::{Columns, OP_COLUMNS, Op};
use super::{Store, write};
use crate::domain::{Command, Date, Id};
use crate::error::{Error, Result};
use crate::i18n::tr;

#[derive(Debug, Clone, Serialize)]
pub struct RefusedOp {
    /// "site:seq", how the commands name it.
    pub key: String,
    pub tbl: String,
    pub row: String,
    /// The organization's name when the row is one.
    pub name: Option<String>,
    pub field: String,
    pub value: Option<String>,
    pub reason: String,
    pub at: String,
}

/// A kept-aside op that did not fit after an upgrade, set apart with why.
#[derive(Debug, Clone, Serialize)]
pub struct Quarantined {
    pub site: String,
    pub seq: i64,
    pub tbl: String,
    pub field: String,
    pub reason: String,
    pub at: String,
}

impl Store {
    /// The refused ops still waiting for a decision, oldest first.
    pub fn refused(&self) -> Result<Vec<RefusedOp>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {}, r.reason, r.at, g.name FROM sync_refused r
             JOIN oplog o ON o.site_id = r.site_id AND o.seq = r.seq
             LEFT JOIN orgs g ON o.tbl = 'orgs' AND g.id = o.row_id
             WHERE r.state = 'open' ORDER BY r.at, r.seq",
            prefixed()
        ))?;
        let rows = stmt
            .query_map([], |r| {
                let op = Op::from_row(r)?;
                Ok(RefusedOp {
                    key: op.key(),
                    tbl: op.tbl,
                    row: op.row,
                    name: r.get(13)?,
                    field: op.field,
                    value: op.value,
                    reason: r.get(11)?,
                    at: r.get(12)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Takes a refused op back here: this replica stops showing it (the
    /// field shows what the others hold). Audited like any write.
    pub fn discard_refused(&mut self, actor: &Actor, key: &str, on: Date) -> Result<()> {
        let op = self.open_refused(key)?;
        let tx = self.conn.transaction()?;
        tx.execute(
            "UPDATE oplog SET refused = (SELECT reason FROM sync_refused WHERE site_id = ?1 AND seq = ?2)
             WHERE site_id = ?1 AND seq = ?2",
            params![op.site, op.seq],
        )?;
        tx.execute(
            "UPDATE sync_refused SET state = 'discarded' WHERE site_id = ?1 AND seq = ?2",
            params![op.site, op.seq],
        )?;
        let cols = Columns::load(&tx)?;
        merge_row(&tx, &cols, &op.tbl, &op.row, None)?;
        let detail = format!("{}.{} {}", op.tbl, op.field, op.key());
        write::append_audit(
            &tx,
            actor,
            "sync.refused.discard",
            &detail,
            None,
            on,
            &self.site,
            0,
            0,
            0,
            &Covers {
                ranges: Vec::new(),
                marks: vec![(op.site.clone(), op.seq)],
            },
            None,
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Writes the refused op's value again as a new op, to be checked anew
    /// at the next sync (after the user's scope was changed).
    pub fn resend_refused(&mut self, actor: &Actor, key: &str, on: Date) -> Result<()> {
        let op = self.open_refused(key)?;
        let settle = |o: &Op| Command::Settle {
            table: o.tbl.clone(),
            row: Id(o.row.clone()),
            field: o.field.clone(),
            value: o.value.clone(),
        };
        if op.is_row() {
            // A refused new row is sent again field by field, in one write.
            let cmds: Vec<_> = op.expand().iter().map(|o| (on, settle(o))).collect();
            self.apply_batch(actor, "sync.refused.resend", cmds)?;
        } else {
            self.apply(actor, on, settle(&op), Some("sync refused resend"))?;
        }
        self.conn.execute(
            "UPDATE sync_refused SET state = 'resent' WHERE site_id = ?1 AND seq = ?2",
            params![op.site, op.seq],
        )?;
        Ok(())
    }

    /// The ops of `site` this replica refused, in order: sent back to that
    /// site, which lists them.
    pub fn refused_of(&self, site: &str) -> Result<Vec<Op>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {OP_COLUMNS} FROM oplog WHERE site_id = ?1 AND refused IS NOT NULL ORDER BY seq"
        ))?;
        let ops = stmt
            .query_map([site], Op::from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(ops)
    }

    /// Kept-aside ops set apart because they did not fit after an upgrade.
    pub fn quarantined(&self) -> Result<Vec<Quarantined>> {
        let mut stmt = self.conn.prepare(
            "SELECT site_id, seq, tbl, field, reason, at FROM sync_quarantine ORDER BY at, site_id, seq",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok(Quarantined {
                    site: r.get(0)?,
                    seq: r.get(1)?,
                    tbl: r.get(2)?,
                    field: r.get(3)?,
                    reason: r.get(4)?,
                    at: r.get(5)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    fn open_refused(&self, key: &str) -> Result<Op> {
        let bad = || {
            Error::invalid(
                "op",
                key,
                tr("不是待处理的被拒操作", "is not a refused op waiting here"),
            )
        };
        let (site, seq) = key.rsplit_once(':').ok_or_else(bad)?;
        let seq: i64 = seq.parse().map_err(|_| bad())?;
        self.conn
            .query_row(
                &format!(
                    "SELECT {} FROM sync_refused r JOIN oplog o
                     ON o.site_id = r.site_id AND o.seq = r.seq
                     WHERE r.site_id = ?1 AND r.seq = ?2 AND r.state = 'open'",
                    prefixed()
                ),
                params![site, seq],
                Op::from_row,
            )
            .map_err(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => bad(),
                e => e.into(),
            })
    }
}

/// `OP_COLUMNS` of the `oplog` table aliased `o`.
fn prefixed() -> String {
    OP_COLUMNS
        .split(", ")
        .map(|c| format!("o.{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}
