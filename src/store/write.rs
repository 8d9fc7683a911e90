//! The one write path. Every change runs in `Store::run`: one
//! `BEGIN IMMEDIATE` transaction that validates, appends field-level ops to the
//! op log, updates the tables, and appends a hash-chained audit record.

use std::io::Write;

use rusqlite::{OptionalExtension, Transaction, TransactionBehavior, params};

pub(super) use super::audit_append::append_audit;
pub use super::audit_append::chain_hash;
use super::digest::{Covers, OpStream};
use super::op::ROW;
use super::schema::{SCHEMA_VERSION, TABLES};
use super::write_cache::{Cache, Seen};
use super::{Store, Val, meta_get, meta_set};
use crate::domain::{Command, Date, Id};
use crate::error::{Error, Noun, Result};

pub use super::actor::Actor;

/// What a write did.
#[derive(Debug, Default)]
pub struct Applied {
    /// Ids of rows the command created, in order.
    pub created: Vec<Id>,
    pub ops: usize,
    /// Derived rows (half-year tasks) another session had already made.
    pub already: usize,
    /// Accepted, but worth saying (e.g. a credit code that fails its checksum).
    pub warnings: Vec<String>,
}

/// The only handle through which ledger tables change. It exists only inside
/// `Store::run`, so no write can skip the op log or the audit record.
pub struct Writer<'t> {
    pub(crate) tx: &'t Transaction<'t>,
    /// This replica's site and the acting label, by their numbers in the
    /// op log (`op_sites`, `op_actors`). The label is stamped on each op:
    /// who, as a conflict shows it on every replica.
    site: String,
    site_no: i64,
    actor_no: i64,
    /// Whether any conflict is listed. Local ops never create one, so when
    /// none is listed at the start the per-op conflict check is skipped.
    conflicts: bool,
    seq: i64,
    hlc: i64,
    /// The day the facts became true (`--on`).
    pub on: Date,
    pub(crate) applied: Applied,
    /// Statements and lookups kept from command to command.
    cache: Cache<'t>,
    pub(super) seen: std::cell::RefCell<Seen>,
    /// The transaction's ops, hashed for its audit record as they are
    /// written: a batch of many ops is not read back.
    stream: OpStream,
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

fn check_table(table: &str) -> Result<()> {
    if TABLES.contains(&table) {
        Ok(())
    } else {
        Err(Error::Other(format!("write to unknown table {table}")))
    }
}

impl Writer<'_> {
    /// One row of `sql`, kept prepared: a batch runs the same lookups for
    /// each of its commands, and preparing one costs more than running it.
    pub(crate) fn one<T, P: rusqlite::Params>(
        &self,
        sql: &str,
        params: P,
        f: impl FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> rusqlite::Result<T> {
        self.tx.prepare_cached(sql)?.query_row(params, f)
    }

    /// Hybrid logical clock: physical milliseconds in the high bits, a counter
    /// in the low 16, never going backwards even if the wall clock does.
    fn tick(&mut self) -> i64 {
        self.hlc = (self.hlc + 1).max(now_ms() << 16);
        self.hlc
    }

    fn op(
        &mut self,
        table: &str,
        id: &Id,
        field: &str,
        v: &Val,
        supersedes: Option<String>,
    ) -> Result<()> {
        // Every field any command sets passes the rule a peer checks it by.
        crate::domain::fields::check(table, field, v)?;
        let c = &mut self.cache;
        c.json.clear();
        v.write_json(&mut c.json);
        self.append(table, id, field, supersedes)
    }

    /// A new row's one op: its fields as field numbers and values
    /// (`field_numbers`), a flat JSON array.
    fn row_op(&mut self, table: &str, id: &Id, fields: &[(&'static str, Val)]) -> Result<()> {
        let c = &mut self.cache;
        c.json.clear();
        c.json.push(b'[');
        for (i, (f, v)) in fields.iter().enumerate() {
            crate::domain::fields::check(table, f, v)?;
            let n = super::field_numbers::number(table, f)
                .ok_or_else(|| Error::Other(format!("{table}.{f} has no field number")))?;
            if i > 0 {
                c.json.push(b',');
            }
            // Written in place: no string per field of every new row.
            write!(c.json, "{n},").map_err(|e| Error::Other(e.to_string()))?;
            v.write_json(&mut c.json);
        }
        c.json.push(b']');
        self.append(table, id, ROW, None)
    }

    /// Appends the op whose value is in the cache's buffer.
    fn append(
        &mut self,
        table: &str,
        id: &Id,
        field: &str,
        supersedes: Option<String>,
    ) -> Result<()> {
        self.seq += 1;
        let hlc = self.tick();
        let c = &mut self.cache;
        // serde_json writes UTF-8; bound as text, as the log has always held it.
        let tbl = c.table_no(table)?;
        let json = std::str::from_utf8(&c.json).map_err(|e| Error::Other(e.to_string()))?;
        c.op.execute(params![
            self.site_no,
            self.seq,
            hlc,
            tbl,
            id.as_str(),
            field,
            json,
            SCHEMA_VERSION,
            supersedes,
            self.actor_no
        ])?;
        let supersedes = supersedes.as_deref();
        let (seq, row) = (self.seq, id.as_str());
        self.stream
            .push(seq, hlc, table, row, field, json, supersedes);
        self.applied.ops += 1;
        if self.conflicts {
            crate::store::merge::after_local_op(self.tx, table, id.as_str())?;
        }
        Ok(())
    }

    /// Sets one field, naming the ops it replaces (a delete names every head
    /// of the row; a resolution names every head of the field).
    fn set_superseding(
        &mut self,
        table: &str,
        id: &Id,
        field: &str,
        v: &Val,
        replaced: Vec<String>,
    ) -> Result<()> {
        check_table(table)?;
        let cols = crate::store::op::Columns::load(self.tx)?;
        if !cols.has(table, field) {
            return Err(Error::Other(format!(
                "write to unknown field {table}.{field}"
            )));
        }
        let n = self
            .tx
            .prepare_cached(&format!("UPDATE {table} SET {field} = ?1 WHERE id = ?2"))?
            .execute(params![v, id.as_str()])?;
        if n == 0 {
            return Err(Error::Other(format!("update of missing row {table}/{id}")));
        }
        self.forget(table, id, field);
        self.seen.get_mut().not_fresh(table, id);
        let replaced = (!replaced.is_empty()).then(|| replaced.join(","));
        self.op(table, id, field, v, replaced)
    }

    /// Marks a row deleted (a tombstone). The op names every head of the row
    /// it saw, so an edit made elsewhere without seeing it shows as a conflict.
    pub fn delete(&mut self, table: &str, id: &Id) -> Result<()> {
        // A row op heads many fields under one key: named once.
        let seen: Vec<String> = crate::store::merge::row_ops(self.tx, table, id.as_str())?
            .values()
            .flat_map(|ops| crate::store::merge::heads(ops))
            .map(|o| o.key())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        self.set_superseding(table, id, "deleted", &Val::Int(1), seen)
    }

    /// Sets a field to `v`, superseding every head it has now: the value a
    /// person chose when resolving a conflict (or a restore after a delete).
    pub fn settle(&mut self, table: &str, id: &Id, field: &str, v: &Val) -> Result<()> {
        let heads: Vec<String> =
            crate::store::merge::field_heads(self.tx, table, id.as_str(), field)?
                .iter()
                .map(|o| o.key())
                .collect();
        self.set_superseding(table, id, field, v, heads)
    }

    /// Creates a row: one op carrying its fields.
    pub fn insert(
        &mut self,
        table: &'static str,
        id: &Id,
        fields: &[(&'static str, Val)],
    ) -> Result<()> {
        check_table(table)?;
        let stmt = self.cache.insert_stmt(table, fields)?;
        stmt.raw_bind_parameter(1, id.as_str())?;
        for (i, (_, v)) in fields.iter().enumerate() {
            stmt.raw_bind_parameter(i + 2, v)?;
        }
        stmt.raw_execute()?;
        if fields.is_empty() {
            return Err(Error::Other(format!("insert of {table} without fields")));
        }
        self.row_op(table, id, fields)?;
        let seq = self.seq;
        let names = &mut self.cache.layout;
        names.clear();
        names.extend(fields.iter().map(|(f, _)| *f));
        let seen = self.seen.get_mut();
        seen.made(table, id, seq, names);
        match table {
            "orgs" => {
                if let Some(read) = super::write_orgs::OrgRead::inserted(fields) {
                    seen.made_org(id, read);
                }
            }
            "tasks" => seen.task_made(),
            "surveys" => {
                let get = |name: &str| fields.iter().find(|(f, _)| *f == name).map(|(_, v)| v);
                if let Some(Val::Text(org)) = get("org_id") {
                    let on = match get("on_date") {
                        Some(Val::Text(d)) if Date::is_written(d) => Date::parse("on_date", d).ok(),
                        _ => None,
                    };
                    seen.org_surveyed(org, on);
                }
            }
            _ => {}
        }
        self.applied.created.push(id.clone());
        Ok(())
    }

    /// Changes fields of an existing row; a field that already holds the value
    /// makes no op. The row is read once and written once, however many
    /// fields change; each change is still its own op.
    pub fn update(
        &mut self,
        table: &'static str,
        id: &Id,
        fields: &[(&'static str, Val)],
    ) -> Result<()> {
        check_table(table)?;
        if fields.is_empty() {
            return Ok(());
        }
        // A field named twice is set in turn, each against the value before.
        let named_twice = fields
            .iter()
            .enumerate()
            .any(|(i, (f, _))| fields[..i].iter().any(|(g, _)| g == f));
        if named_twice {
            for f in fields {
                self.update(table, id, std::slice::from_ref(f))?;
            }
            return Ok(());
        }
        let names: Vec<&str> = fields.iter().map(|(f, _)| *f).collect();
        let cur: Option<Vec<rusqlite::types::Value>> = self
            .tx
            .prepare_cached(&format!(
                "SELECT {} FROM {table} WHERE id = ?1",
                names.join(", ")
            ))?
            .query_row([&id.0], |r| (0..fields.len()).map(|i| r.get(i)).collect())
            .optional()?;
        let Some(cur) = cur else {
            return Err(Error::Other(format!("update of missing row {table}/{id}")));
        };
        self.update_known(table, id, fields, cur)
    }

    /// `update`, with the row's current values of `fields` (in order) as
    /// the caller read them in this transaction: a command that has read
    /// the row already does not read it again. No field is named twice.
    pub(crate) fn update_known(
        &mut self,
        table: &'static str,
        id: &Id,
        fields: &[(&'static str, Val)],
        cur: Vec<rusqlite::types::Value>,
    ) -> Result<()> {
        check_table(table)?;
        let changed: Vec<&(&'static str, Val)> = fields
            .iter()
            .zip(cur)
            .filter(|((_, v), c)| Val::from(c.clone()) != *v)
            .map(|(f, _)| f)
            .collect();
        if changed.is_empty() {
            return Ok(());
        }
        // Each change replaces the value shown now, and every head that holds
        // the same value (the person saw it too); heads with other values stay
        // a conflict until resolved. A row this transaction made has one.
        let mut heads = Vec::with_capacity(changed.len());
        for (f, _) in &changed {
            let replaced = match self.seen.get_mut().fresh_heads(&self.site, table, id, f) {
                Some(keys) => keys,
                None => {
                    let heads = crate::store::merge::field_heads(self.tx, table, id.as_str(), f)?;
                    let shown = heads.first().map(|o| o.val());
                    heads
                        .iter()
                        .filter(|o| Some(o.val()) == shown)
                        .map(|o| o.key())
                        .collect()
                }
            };
            heads.push((!replaced.is_empty()).then(|| replaced.join(",")));
        }
        let set: Vec<String> = changed
            .iter()
            .enumerate()
            .map(|(k, (f, _))| format!("{f} = ?{}", k + 2))
            .collect();
        let mut stmt = self.tx.prepare_cached(&format!(
            "UPDATE {table} SET {} WHERE id = ?1",
            set.join(", ")
        ))?;
        stmt.raw_bind_parameter(1, id.as_str())?;
        for (k, (_, v)) in changed.iter().enumerate() {
            stmt.raw_bind_parameter(k + 2, v)?;
        }
        stmt.raw_execute()?;
        drop(stmt);
        for ((f, v), head) in changed.into_iter().zip(heads) {
            self.forget(table, id, f);
            self.op(table, id, f, v, head)?;
            let seq = self.seq;
            self.seen.get_mut().changed(table, id, f, seq);
        }
        Ok(())
    }

    pub fn warn(&mut self, msg: String) {
        self.applied.warnings.push(msg);
    }

    /// Fails unless a live row `id` of `what` exists. A row this
    /// transaction made, or found already, is not looked up again.
    pub fn require(&self, what: Noun, id: &Id) -> Result<()> {
        self.seen.borrow_mut().require(self.tx, what, id)
    }

    /// See `Seen::know_live`.
    pub(super) fn know_live(&self, table: &str) -> Result<()> {
        self.seen.borrow_mut().know_live(self.tx, table)
    }

    /// The street a community or building belongs to.
    pub fn street_of(&self, table: &str, id: &Id) -> Result<Option<String>> {
        self.seen.borrow_mut().street_of(self.tx, table, id)
    }

    /// A changed field may make what the cache holds wrong.
    fn forget(&mut self, table: &str, id: &Id, field: &str) {
        let seen = self.seen.get_mut();
        if field == "deleted" {
            seen.touched_deleted(table, id);
        }
        if table == "orgs" {
            seen.org_changed(id);
        }
        seen.touched(table);
    }

    /// The transaction's sequence, clock and result; its statements end here.
    fn finish(self) -> (i64, i64, Applied, OpStream) {
        (self.seq, self.hlc, self.applied, self.stream)
    }
}

impl Store {
    /// Applies one command as of `on`, if the acting user may.
    pub fn apply(
        &mut self,
        actor: &Actor,
        on: Date,
        cmd: Command,
        reason: Option<&str>,
    ) -> Result<Applied> {
        let action = cmd.name();
        if let Err(e) = super::scope::check(&self.conn, actor, &cmd) {
            self.audit_refusal(actor, action, &e, on)?;
            return Err(e);
        }
        let detail = format!("{cmd:?}");
        self.run(actor, action, &detail, reason, on, |w| {
            super::apply::apply(w, cmd)
        })
    }

    /// A refused write leaves a trace: an audit record and nothing else.
    pub(super) fn audit_refusal(
        &mut self,
        actor: &Actor,
        action: &str,
        why: &Error,
        on: Date,
    ) -> Result<()> {
        let site = self.site.clone();
        let tx = begin_immediate(&self.conn)?;
        let refused = format!("refused:{action}");
        append_opless(&tx, actor, &refused, &why.to_string(), on, &site)?;
        tx.commit()?;
        Ok(())
    }

    /// The transaction every write goes through. Nothing is written unless all
    /// of it succeeds.
    pub(super) fn run(
        &mut self,
        actor: &Actor,
        action: &str,
        detail: &str,
        reason: Option<&str>,
        on: Date,
        body: impl FnOnce(&mut Writer<'_>) -> Result<()>,
    ) -> Result<Applied> {
        let site = self.site.clone();
        let tx = begin_immediate(&self.conn)?;
        // Sequence and clock come from the database inside the write lock, so
        // many processes on one file never hand out the same number.
        let seq = last_seq(&tx, &site)?;
        let hlc: i64 = meta_get(&tx, "hlc")?
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let first_seq = seq + 1;
        let mut w = Writer {
            tx: &tx,
            site: site.clone(),
            site_no: super::write_cache::name_no(&tx, "op_sites", "site_id", &site)?,
            actor_no: super::write_cache::name_no(&tx, "op_actors", "actor", &actor.label())?,
            conflicts: tx
                .prepare_cached("SELECT 1 FROM sync_conflicts LIMIT 1")?
                .exists([])?,
            seq,
            hlc,
            on,
            applied: Applied::default(),
            cache: Cache::new(&tx)?,
            seen: Default::default(),
            stream: OpStream::new(&site, first_seq),
        };
        body(&mut w)?;
        let (last_seq, hlc, applied, stream) = w.finish();
        let (covers, hashed) = stream.finish();
        meta_set(&tx, "hlc", &hlc.to_string())?;
        append_audit(
            &tx,
            actor,
            action,
            detail,
            reason,
            on,
            &site,
            first_seq,
            last_seq,
            applied.ops,
            &covers,
            Some(hashed),
        )?;
        tx.commit()?;
        Ok(applied)
    }
}

/// Takes the write lock. The busy timeout already waits; a writer still
/// locked out after that retries with backoff, then says so plainly rather
/// than "database is locked".
pub(super) fn begin_immediate(conn: &rusqlite::Connection) -> Result<Transaction<'_>> {
    let mut wait = std::time::Duration::from_millis(50);
    let mut tries = 0;
    loop {
        match Transaction::new_unchecked(conn, TransactionBehavior::Immediate) {
            Ok(tx) => return Ok(tx),
            Err(e)
                if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy)
                    && tries < 5 =>
            {
                tries += 1;
                std::thread::sleep(wait);
                wait *= 2;
            }
            Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy) => {
                return Err(Error::Refused(
                    crate::i18n::tr(
                        "数据库正忙（其他会话正在写入），未做任何改动，请稍后重试",
                        "the database is busy (another session is writing); nothing was changed; try again",
                    )
                    .into(),
                ));
            }
            Err(e) => return Err(e.into()),
        }
    }
}

/// Appends an audit record for an action that wrote no op (a refusal, a
/// compaction), placed after the site's last op; returns its id.
pub(super) fn append_opless(
    tx: &Transaction<'_>,
    actor: &Actor,
    action: &str,
    detail: &str,
    on: Date,
    site: &str,
) -> Result<String> {
    let seq = last_seq(tx, site)?;
    append_audit(
        tx,
        actor,
        action,
        detail,
        None,
        on,
        site,
        seq + 1,
        seq,
        0,
        &Covers::default(),
        None,
    )
}

/// The last sequence `site` has written, read inside the write lock.
pub(super) fn last_seq(tx: &rusqlite::Connection, site: &str) -> Result<i64> {
    Ok(tx.query_row(
        "SELECT COALESCE(MAX(seq), 0) FROM oplog WHERE site_id = ?1",
        [site],
        |r| r.get(0),
    )?)
}
