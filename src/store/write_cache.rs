//! What one write transaction keeps from command to command, so a batch of
//! a hundred thousand commands pays once for what they share: the op-log
//! insert and each row insert prepared once, one buffer for op values, and
//! the rows it knows to be live (made by it, or found by it), so a command
//! that names a row an earlier command of the batch made or checked does
//! not look it up again.

use std::collections::{HashMap, HashSet};

use rusqlite::{Connection, Statement};

use super::write_orgs::OrgRead;
use crate::domain::{Date, Id};
use crate::error::{Error, Noun, Result};

/// Straight into the compact store (`schema_oplog`): the write path knows
/// the numbers of its site, actor and tables.
const OP_INSERT: &str =
    "INSERT INTO ops(site, seq, hlc, tbl, row_id, field, value, schema_version, supersedes, actor)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";

/// The number `op_sites`, `op_actors` or `op_tables` gives `name`, given
/// one first if it has none. `table` and `column` are fixed by callers.
pub(super) fn name_no(conn: &Connection, table: &str, column: &str, name: &str) -> Result<i64> {
    conn.prepare_cached(&format!(
        "INSERT OR IGNORE INTO {table}({column}) VALUES (?1)"
    ))?
    .execute([name])?;
    Ok(conn
        .prepare_cached(&format!("SELECT n FROM {table} WHERE {column} = ?1"))?
        .query_row([name], |r| r.get(0))?)
}

/// The tables commands name rows of (`resolve::require`): only their rows
/// are worth remembering.
const NAMED: [&str; 10] = [
    "streets",
    "communities",
    "buildings",
    "orgs",
    "party_orgs",
    "persons",
    "instructors",
    "assignments",
    "tasks",
    "alerts",
];

/// A row known by table (its place in `NAMED`, first byte) and id (the
/// UUID's 16 bytes); ids that are not UUIDs are not kept. Bytes rather than
/// a tuple with a `u128`: a batch keeps one per row it makes, and the
/// tuple's alignment would nearly double it.
type Key = [u8; 17];

/// Maps a batch consults on every command, keyed by row: hashed with
/// foldhash rather than SipHash, which showed in a large import's profile.
/// The hasher is still seeded per process.
type KeySet = HashSet<Key, foldhash::fast::RandomState>;
type KeyMap<V> = HashMap<Key, V, foldhash::fast::RandomState>;

fn key(table: &str, s: &str) -> Option<Key> {
    let t = NAMED.iter().position(|t| *t == table)?;
    // Only the canonical spelling: another spelling of the same UUID is
    // another id to SQLite.
    let canonical = s.len() == 36
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b) || b == b'-');
    if !canonical {
        return None;
    }
    let u = uuid::Uuid::try_parse(s).ok()?;
    let mut k = [0u8; 17];
    k[0] = u8::try_from(t).ok()?;
    k[1..].copy_from_slice(u.as_bytes());
    Some(k)
}

pub(super) struct Cache<'t> {
    conn: &'t Connection,
    pub op: Statement<'t>,
    /// Row inserts by table and field names (hashed with foldhash: every
    /// insert of a batch looks its statement up).
    inserts: HashMap<Vec<&'static str>, Statement<'t>, foldhash::fast::RandomState>,
    names: Vec<&'static str>,
    /// A new row's field names, reused from row to row.
    pub layout: Vec<&'static str>,
    /// An op's value as JSON, reused from op to op.
    pub json: Vec<u8>,
    /// Table numbers in the op log, as looked up.
    tables: HashMap<String, i64>,
}

/// Rows live now (not deleted) as this transaction made or found them, and
/// where communities and buildings are, as looked up.
#[derive(Default)]
pub(super) struct Seen {
    live: KeySet,
    street_of: HashMap<Key, Option<String>>,
    /// Rows this transaction made, and the ops it wrote on them since.
    fresh: KeyMap<Fresh>,
    /// The field lists rows were made with, each kept once (a table has a
    /// handful) and named by its place here.
    layouts: Vec<Vec<&'static str>>,
    /// Organizations this transaction made, as the write path reads them.
    orgs: KeyMap<OrgRead>,
    /// Whether the tasks table is empty: asked once, false from the first
    /// task this transaction writes.
    no_tasks: Option<bool>,
}

/// A row made by this transaction: no other replica has an op on it yet, so
/// each field's one head is the last op this transaction wrote for it.
/// Kept small: a batch holds one per row it makes, and most rows are never
/// changed again in it.
struct Fresh {
    /// The sequence of this site's op that made it, and the fields it
    /// carries (a place in `Seen::layouts`).
    row_op: i64,
    carried: u32,
    /// Fields changed since, with the sequence of the op that changed them.
    /// Boxed: one pointer for the many rows never changed, not a `Vec`'s three words.
    #[allow(clippy::box_collection)]
    since: Option<Box<Vec<(&'static str, i64)>>>,
}

impl<'t> Cache<'t> {
    pub fn new(conn: &'t Connection) -> Result<Cache<'t>> {
        Ok(Cache {
            conn,
            op: conn.prepare(OP_INSERT)?,
            inserts: HashMap::default(),
            names: Vec::new(),
            layout: Vec::new(),
            json: Vec::new(),
            tables: HashMap::new(),
        })
    }

    /// The op log's number for `table`.
    pub fn table_no(&mut self, table: &str) -> Result<i64> {
        if let Some(n) = self.tables.get(table) {
            return Ok(*n);
        }
        let n = name_no(self.conn, "op_tables", "name", table)?;
        self.tables.insert(table.to_string(), n);
        Ok(n)
    }

    /// The insert of `fields` into `table`, prepared the first time.
    pub fn insert_stmt(
        &mut self,
        table: &'static str,
        fields: &[(&'static str, crate::store::Val)],
    ) -> Result<&mut Statement<'t>> {
        self.names.clear();
        self.names.push(table);
        self.names.extend(fields.iter().map(|(f, _)| *f));
        if !self.inserts.contains_key(self.names.as_slice()) {
            let marks: Vec<String> = (2..=fields.len() + 1).map(|i| format!("?{i}")).collect();
            let sql = format!(
                "INSERT INTO {table} (id, {}) VALUES (?1, {})",
                self.names[1..].join(", "),
                marks.join(", ")
            );
            let stmt = self.conn.prepare(&sql)?;
            self.inserts.insert(self.names.clone(), stmt);
        }
        self.inserts
            .get_mut(self.names.as_slice())
            .ok_or_else(|| Error::Other(format!("insert into {table} not prepared")))
    }
}

impl Seen {
    /// `id` was made by this site's op `row_op`, carrying `fields`.
    pub fn made(&mut self, table: &str, id: &Id, row_op: i64, fields: &[&'static str]) {
        let Some(k) = key(table, id.as_str()) else {
            return;
        };
        self.live.insert(k);
        let place = match self.layouts.iter().position(|l| l.as_slice() == fields) {
            Some(p) => p,
            None => {
                self.layouts.push(fields.to_vec());
                self.layouts.len() - 1
            }
        };
        // Past u32's range the row is simply read from the op log.
        let Ok(carried) = u32::try_from(place) else {
            return;
        };
        let fresh = Fresh {
            row_op,
            carried,
            since: None,
        };
        self.fresh.insert(k, fresh);
    }

    /// For a row this transaction made: the keys of the heads of `field`
    /// (none if no op set it), ops of `site`. `None` for any other row: ask
    /// the op log.
    pub fn fresh_heads(
        &self,
        site: &str,
        table: &str,
        id: &Id,
        field: &str,
    ) -> Option<Vec<String>> {
        let f = self.fresh.get(&key(table, id.as_str())?)?;
        let last = f
            .since
            .iter()
            .flat_map(|v| v.iter())
            .rev()
            .find(|(n, _)| *n == field);
        let carried = self.layouts.get(f.carried as usize);
        Some(match last {
            Some((_, seq)) => vec![format!("{site}:{seq}")],
            None if carried.is_some_and(|c| c.contains(&field)) => {
                vec![format!("{site}:{}", f.row_op)]
            }
            None => Vec::new(),
        })
    }

    /// This site's op `seq` changed `field` of a row this transaction made.
    pub fn changed(&mut self, table: &str, id: &Id, field: &'static str, seq: i64) {
        if let Some(f) = key(table, id.as_str()).and_then(|k| self.fresh.get_mut(&k)) {
            f.since.get_or_insert_default().push((field, seq));
        }
    }

    /// A write that names heads itself (a delete, a settle): the row is
    /// read from the op log from now on.
    pub fn not_fresh(&mut self, table: &str, id: &Id) {
        if let Some(k) = key(table, id.as_str()) {
            self.fresh.remove(&k);
        }
    }

    /// The row's `deleted` was written: it is looked up again when named.
    pub fn touched_deleted(&mut self, table: &str, id: &Id) {
        if let Some(k) = key(table, id.as_str()) {
            self.live.remove(&k);
        }
    }

    /// Room for the rows a batch of `commands` makes, taken at once: a map
    /// that doubles as it fills holds its old and new tables together.
    pub fn reserve(&mut self, commands: usize) {
        self.live.reserve(commands);
        self.fresh.reserve(commands);
    }

    /// The organization `id` was made by this transaction, as `read`.
    pub fn made_org(&mut self, id: &Id, read: OrgRead) {
        if let Some(k) = key("orgs", id.as_str()) {
            self.orgs.insert(k, read);
        }
    }

    /// An organization this transaction made and has not changed since.
    pub fn org(&self, id: &Id) -> Option<OrgRead> {
        self.orgs.get(&key("orgs", id.as_str())?).copied()
    }

    /// A survey of `org` on `on` was recorded (`None`: on a day not in its
    /// one spelling, and the organization is read back from now on).
    pub fn org_surveyed(&mut self, org: &str, on: Option<Date>) {
        let Some(k) = key("orgs", org) else { return };
        match on {
            Some(d) => {
                if let Some(o) = self.orgs.get_mut(&k) {
                    o.surveyed(d);
                }
            }
            None => {
                self.orgs.remove(&k);
            }
        }
    }

    /// A field of the organization `id` changed: it is read back from now on.
    pub fn org_changed(&mut self, id: &Id) {
        if let Some(k) = key("orgs", id.as_str()) {
            self.orgs.remove(&k);
        }
    }

    /// Whether no task row exists (a ledger being built has none yet: a
    /// survey then has no open task to complete, and is not asked).
    pub fn no_tasks(&mut self, conn: &Connection) -> Result<bool> {
        if let Some(none) = self.no_tasks {
            return Ok(none);
        }
        let any: bool = conn.query_row("SELECT EXISTS (SELECT 1 FROM tasks)", [], |r| r.get(0))?;
        self.no_tasks = Some(!any);
        Ok(!any)
    }

    /// This transaction wrote a task row.
    pub fn task_made(&mut self) {
        self.no_tasks = Some(false);
    }

    /// Forgets where communities and buildings are once one of them changes.
    pub fn touched(&mut self, table: &str) {
        if matches!(table, "communities" | "buildings") {
            self.street_of.clear();
        }
    }

    /// Takes every live row of `table` as known: one scan in place of a
    /// lookup per command, for a batch whose commands name many of them.
    pub fn know_live(&mut self, conn: &Connection, table: &str) -> Result<()> {
        let mut stmt = conn.prepare(&format!("SELECT id FROM {table} WHERE deleted = 0"))?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            if let Some(k) = r.get_ref(0)?.as_str().ok().and_then(|id| key(table, id)) {
                self.live.insert(k);
            }
        }
        Ok(())
    }

    /// Fails unless a live row `id` of `what` exists; a row this
    /// transaction made or already found is not looked up again.
    pub fn require(&mut self, conn: &Connection, what: Noun, id: &Id) -> Result<()> {
        let table = super::resolve::table_of(what);
        let k = key(table, id.as_str());
        if k.is_some_and(|k| self.live.contains(&k)) {
            return Ok(());
        }
        super::resolve::require(conn, what, id)?;
        if let Some(k) = k {
            self.live.insert(k);
        }
        Ok(())
    }

    /// The street of a community or building row, looked up once.
    pub fn street_of(&mut self, conn: &Connection, table: &str, id: &Id) -> Result<Option<String>> {
        let k = key(table, id.as_str());
        if let Some(s) = k.and_then(|k| self.street_of.get(&k)) {
            return Ok(s.clone());
        }
        let s: Option<String> = conn
            .prepare_cached(&format!("SELECT street_id FROM {table} WHERE id = ?1"))?
            .query_row([id.as_str()], |r| r.get(0))?;
        if let Some(k) = k {
            self.street_of.insert(k, s.clone());
        }
        Ok(s)
    }
}
