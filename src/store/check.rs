//! `check`: SQLite's own integrity and foreign-key checks; the audit log's
//! hash chain, which names the first record edited behind the app's back;
//! the ops each record answers for, recomputed from the op log, which names
//! the first record whose ops were edited or removed and any op no record
//! answers for; and the tables, recomputed from the op log by the merge rule,
//! which names the first field edited directly.

use std::collections::{BTreeMap, HashMap};

use rusqlite::types::{Value, ValueRef};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::Val;
use super::merge::heads;
use super::op::Op;
use super::schema::TABLES;
use super::write::chain_hash;
use crate::error::Result;
use crate::i18n::tr;
use crate::text::clean;

#[derive(Debug, Serialize)]
pub struct Report {
    pub integrity: Vec<String>,
    pub foreign_keys: Vec<String>,
    pub audit_records: usize,
    /// The first audit record whose hash or link does not hold.
    pub audit_broken: Option<String>,
    /// Ops compared with the digest of the record that answers for them.
    pub ops_checked: usize,
    /// The first record whose ops were edited or removed, or the first op
    /// no record answers for.
    pub ops_broken: Option<String>,
    /// Rows compared with what the op log makes them.
    pub table_rows: usize,
    /// The first field whose table value is not what the op log makes it.
    pub table_broken: Option<String>,
}

impl Report {
    pub fn ok(&self) -> bool {
        self.integrity.is_empty()
            && self.foreign_keys.is_empty()
            && self.audit_broken.is_none()
            && self.ops_broken.is_none()
            && self.table_broken.is_none()
    }

    pub fn render(&self) -> String {
        let mut out = Vec::new();
        if self.integrity.is_empty() {
            out.push(tr("完整性检查：通过", "integrity check: ok").to_string());
        } else {
            out.push(format!(
                "{}: {}",
                tr("完整性检查失败", "integrity check failed"),
                self.integrity.join("; ")
            ));
        }
        if self.foreign_keys.is_empty() {
            out.push(tr("外键检查：通过", "foreign keys: ok").to_string());
        } else {
            out.push(format!(
                "{}: {}",
                tr("外键检查失败", "foreign key check failed"),
                self.foreign_keys.join("; ")
            ));
        }
        match &self.audit_broken {
            None => out.push(format!(
                "{}: {} {}",
                tr("审计链", "audit chain"),
                self.audit_records,
                tr("条记录，完整", "records, intact")
            )),
            Some(b) => out.push(format!("{}: {b}", tr("审计链被改动", "audit chain broken"))),
        }
        match &self.ops_broken {
            None => out.push(format!(
                "{}: {} {}",
                tr("操作日志", "op log"),
                self.ops_checked,
                tr(
                    "条操作与其审计记录相符",
                    "ops match the audit records that answer for them"
                )
            )),
            Some(b) => out.push(format!("{}: {b}", tr("操作日志被改动", "op log edited"))),
        }
        match &self.table_broken {
            None => out.push(format!(
                "{}: {} {}",
                tr("数据表", "tables"),
                self.table_rows,
                tr("行与操作日志相符", "rows match the op log")
            )),
            Some(b) => out.push(format!(
                "{}: {b}",
                tr("数据表被直接改动", "table edited directly")
            )),
        }
        out.join("\n")
    }
}

pub fn run(conn: &Connection) -> Result<Report> {
    let mut integrity = Vec::new();
    let mut stmt = conn.prepare("PRAGMA integrity_check")?;
    for r in stmt.query_map([], |r| r.get::<_, String>(0))? {
        let line = r?;
        if line != "ok" {
            integrity.push(line);
        }
    }
    let mut foreign_keys = Vec::new();
    let mut stmt = conn.prepare("PRAGMA foreign_key_check")?;
    for r in stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, Option<i64>>(1)?,
            r.get::<_, String>(2)?,
        ))
    })? {
        let (table, rowid, parent) = r?;
        foreign_keys.push(format!("{table} rowid {} → {parent}", rowid.unwrap_or(0)));
    }
    let walk = audit_chain(conn)?;
    let ops_broken = match walk.ops_broken {
        Some(b) => Some(b),
        None if walk.digests => unanswered(conn, walk.covered)?,
        None => None,
    };
    let (table_rows, table_broken) = tables(conn)?;
    Ok(Report {
        integrity,
        foreign_keys,
        audit_records: walk.records,
        audit_broken: walk.broken,
        ops_checked: walk.ops_checked,
        ops_broken,
        table_rows,
        table_broken,
    })
}

/// The ops one audit record answers for: the ranges its transaction wrote,
/// and the ops it marked refused (each held no refusal until then).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Covers {
    /// (site, first seq, last seq), sites in order.
    pub ranges: Vec<(String, i64, i64)>,
    /// (site, seq).
    pub marks: Vec<(String, i64)>,
}

impl Covers {
    /// `first..=last` of `site`; nothing when the transaction wrote no op.
    pub fn local(site: &str, first: i64, last: i64) -> Covers {
        let ranges = if last >= first {
            vec![(site.to_string(), first, last)]
        } else {
            Vec::new()
        };
        Covers {
            ranges,
            marks: Vec::new(),
        }
    }

    /// "site:first-last,…" (site ids hold neither ',' nor ':').
    pub fn ranges_text(&self) -> String {
        let parts: Vec<String> = self
            .ranges
            .iter()
            .map(|(s, a, b)| format!("{s}:{a}-{b}"))
            .collect();
        parts.join(",")
    }

    /// "site:seq,…".
    pub fn marks_text(&self) -> String {
        let parts: Vec<String> = self.marks.iter().map(|(s, q)| format!("{s}:{q}")).collect();
        parts.join(",")
    }

    fn parse(ranges: &str, marks: &str) -> Option<Covers> {
        let items = |s: &str| -> Vec<String> {
            s.split(',')
                .filter(|x| !x.is_empty())
                .map(str::to_string)
                .collect()
        };
        let mut c = Covers::default();
        for r in items(ranges) {
            let (site, span) = r.rsplit_once(':')?;
            let (a, b) = span.split_once('-')?;
            c.ranges
                .push((site.to_string(), a.parse().ok()?, b.parse().ok()?));
        }
        for m in items(marks) {
            let (site, seq) = m.rsplit_once(':')?;
            c.marks.push((site.to_string(), seq.parse().ok()?));
        }
        Some(c)
    }
}

/// Feeds one SQLite value to the hash, its type included: a number stored
/// as text is not the number.
fn put(h: &mut Sha256, v: ValueRef<'_>) {
    match v {
        ValueRef::Null => h.update([0]),
        ValueRef::Integer(n) => {
            h.update([1]);
            h.update(n.to_le_bytes());
        }
        ValueRef::Real(f) => {
            h.update([2]);
            h.update(f.to_bits().to_le_bytes());
        }
        ValueRef::Text(s) => {
            h.update([3]);
            h.update((s.len() as u64).to_le_bytes());
            h.update(s);
        }
        ValueRef::Blob(b) => {
            h.update([4]);
            h.update((b.len() as u64).to_le_bytes());
            h.update(b);
        }
    }
}

/// What `ops_digest` found.
pub(super) struct OpsDigest {
    pub hex: String,
    /// The first op the record names that the log does not hold ("site:seq").
    pub missing: Option<String>,
    pub ops: usize,
}

/// SHA-256 over the content of the ops `covers` names, as the op log holds
/// them now: per range, each op in sequence order (site, seq, hlc, table,
/// row, field, value, supersedes, refused); then each marked op's refusal.
/// `marked_later(site, seq)`: a later record marked the op refused, so it
/// held none when this record was written. With `base`, the per-site ops
/// held before records carried digests are folded in too (the first record
/// with a digest answers for that list).
pub(super) fn ops_digest(
    conn: &Connection,
    covers: &Covers,
    base: bool,
    marked_later: &dyn Fn(&str, i64) -> bool,
) -> Result<OpsDigest> {
    let mut h = Sha256::new();
    let mut missing = None;
    let mut ops = 0;
    let mut stmt = conn.prepare_cached(
        "SELECT seq, hlc, tbl, row_id, field, value, supersedes, refused FROM oplog
         WHERE site_id = ?1 AND seq BETWEEN ?2 AND ?3 ORDER BY seq",
    )?;
    for (site, a, b) in &covers.ranges {
        h.update(b"R");
        put(&mut h, ValueRef::Text(site.as_bytes()));
        put(&mut h, ValueRef::Integer(*a));
        put(&mut h, ValueRef::Integer(*b));
        let mut rows = stmt.query(params![site, a, b])?;
        let mut next = *a;
        while let Some(r) = rows.next()? {
            let seq = match r.get_ref(0)? {
                ValueRef::Integer(n) => n,
                _ => next,
            };
            if seq != next && missing.is_none() {
                missing = Some(format!("{site}:{next}"));
            }
            next = seq + 1;
            ops += 1;
            h.update(b"O");
            put(&mut h, ValueRef::Text(site.as_bytes()));
            for i in 0..7 {
                put(&mut h, r.get_ref(i)?);
            }
            if marked_later(site, seq) {
                put(&mut h, ValueRef::Null);
            } else {
                put(&mut h, r.get_ref(7)?);
            }
        }
        if next <= *b && missing.is_none() {
            missing = Some(format!("{site}:{next}"));
        }
    }
    let mut refused =
        conn.prepare_cached("SELECT refused FROM oplog WHERE site_id = ?1 AND seq = ?2")?;
    for (site, seq) in &covers.marks {
        h.update(b"M");
        put(&mut h, ValueRef::Text(site.as_bytes()));
        put(&mut h, ValueRef::Integer(*seq));
        let v: Option<Value> = refused
            .query_row(params![site, seq], |r| r.get(0))
            .optional()?;
        match v {
            Some(v) => put(&mut h, (&v).into()),
            None => {
                h.update(b"-");
                if missing.is_none() {
                    missing = Some(format!("{site}:{seq}"));
                }
            }
        }
    }
    if base {
        h.update(b"B");
        let mut stmt = conn.prepare("SELECT site_id, seq FROM audit_base ORDER BY site_id")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            put(&mut h, r.get_ref(0)?);
            put(&mut h, r.get_ref(1)?);
        }
    }
    Ok(OpsDigest {
        hex: h.finalize().iter().map(|b| format!("{b:02x}")).collect(),
        missing,
        ops,
    })
}

fn has_column(conn: &Connection, table: &str, column: &str) -> Result<bool> {
    let mut stmt = conn.prepare(&format!("PRAGMA table_info({table})"))?;
    let names = stmt
        .query_map([], |r| r.get::<_, String>(1))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(names.iter().any(|n| n == column))
}

/// A column value as text, whatever its type.
fn text_of(v: ValueRef<'_>) -> String {
    match v {
        ValueRef::Text(s) | ValueRef::Blob(s) => String::from_utf8_lossy(s).into_owned(),
        ValueRef::Integer(n) => n.to_string(),
        ValueRef::Real(f) => f.to_string(),
        ValueRef::Null => String::new(),
    }
}

/// What walking the audit log found.
struct Walk {
    records: usize,
    broken: Option<String>,
    /// Whether the file's records can carry digests (schema 5 on).
    digests: bool,
    ops_checked: usize,
    ops_broken: Option<String>,
    /// Per site, the ranges records answer for.
    covered: HashMap<String, Vec<(i64, i64)>>,
}

/// Per op marked refused by a record: the record's rowid.
type Marks = HashMap<String, HashMap<i64, i64>>;

fn marks(conn: &Connection) -> Result<Marks> {
    let mut out: Marks = HashMap::new();
    let mut stmt = conn.prepare(
        "SELECT rowid, op_marks FROM audit WHERE op_marks IS NOT NULL AND op_marks <> ''",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let rowid: i64 = r.get(0)?;
        if let Some(c) = Covers::parse("", &text_of(r.get_ref(1)?)) {
            for (site, seq) in c.marks {
                out.entry(site).or_default().insert(seq, rowid);
            }
        }
    }
    Ok(out)
}

/// Walks the audit log in order, recomputing each record's hash and, from
/// schema 5 on, the digest of the ops it answers for.
fn audit_chain(conn: &Connection) -> Result<Walk> {
    let digests = has_column(conn, "audit", "ops_digest")?;
    let marks = if digests { marks(conn)? } else { Marks::new() };
    let extra = if digests {
        ", op_ranges, op_marks, ops_digest"
    } else {
        ""
    };
    let mut stmt = conn.prepare(&format!(
        "SELECT rowid, id, at, os_user, user_name, office, action, detail, reason, on_date, site_id,
                first_seq, last_seq, ops, prev_hash, hash{extra} FROM audit ORDER BY rowid"
    ))?;
    let mut rows = stmt.query([])?;
    let mut w = Walk {
        records: 0,
        broken: None,
        digests,
        ops_checked: 0,
        ops_broken: None,
        covered: HashMap::new(),
    };
    let mut prev = String::new();
    let mut seen_digest = false;
    while let Some(r) = rows.next()? {
        w.records += 1;
        let n = w.records;
        let rowid: i64 = r.get(0)?;
        let mut fields: Vec<String> = (1..=14)
            .map(|i| r.get_ref(i).map(text_of))
            .collect::<rusqlite::Result<_>>()?;
        let hash = text_of(r.get_ref(15)?);
        let digest = if digests {
            match r.get_ref(18)? {
                ValueRef::Null => None,
                v => Some(text_of(v)),
            }
        } else {
            None
        };
        let describe = |fields: &[String]| {
            format!(
                "{} #{n} (id {}, {}, {})",
                tr("第", "record"),
                clean(&fields[0]),
                clean(&fields[1]),
                clean(&fields[5])
            )
        };
        let link_ok = fields[13] == prev;
        let (ranges, marked) = if digest.is_some() {
            (text_of(r.get_ref(16)?), text_of(r.get_ref(17)?))
        } else {
            (String::new(), String::new())
        };
        let described = describe(&fields);
        if let Some(d) = &digest {
            fields.extend([ranges.clone(), marked.clone(), d.clone()]);
        }
        let refs: Vec<&str> = fields.iter().map(String::as_str).collect();
        if w.broken.is_none() {
            let why = if !link_ok {
                Some(tr(
                    "与前一条记录的链接不符",
                    "does not link to the record before it",
                ))
            } else if chain_hash(&refs) != hash {
                Some(tr(
                    "内容与其哈希不符（被改动过）",
                    "its content does not match its hash (edited)",
                ))
            } else if digest.is_none() && seen_digest {
                Some(tr(
                    "缺少其操作的摘要（此前的记录都有）",
                    "lacks the digest of its ops that the records before it carry",
                ))
            } else {
                None
            };
            w.broken = why.map(|why| format!("{described}: {why}"));
        }
        prev = hash;
        let Some(stored) = digest else { continue };
        let first = !seen_digest;
        seen_digest = true;
        let Some(covers) = Covers::parse(&ranges, &marked) else {
            if w.ops_broken.is_none() {
                w.ops_broken = Some(format!(
                    "{described}: {}",
                    tr("其操作范围无法读取", "its op ranges cannot be read")
                ));
            }
            continue;
        };
        for (site, a, b) in &covers.ranges {
            w.covered.entry(site.clone()).or_default().push((*a, *b));
        }
        if w.ops_broken.is_some() {
            continue;
        }
        let later = |site: &str, seq: i64| {
            marks
                .get(site)
                .and_then(|m| m.get(&seq))
                .is_some_and(|&at| at > rowid)
        };
        let d = ops_digest(conn, &covers, first, &later)?;
        w.ops_checked += d.ops;
        if let Some(op) = d.missing {
            w.ops_broken = Some(format!(
                "{described}: {} {} {}",
                tr("其操作", "its op"),
                clean(&op),
                tr(
                    "不在操作日志中（被删除）",
                    "is missing from the op log (removed behind the app's back)"
                )
            ));
        } else if d.hex != stored {
            w.ops_broken = Some(format!(
                "{described}: {}",
                tr(
                    "其操作与记录的摘要不符（操作日志被改动）",
                    "its ops do not match the record's digest (the op log was edited behind the app's back)"
                )
            ));
        }
    }
    Ok(w)
}

/// The first op no record answers for: per site, records must answer for
/// every op after those held before records carried digests.
fn unanswered(
    conn: &Connection,
    mut covered: HashMap<String, Vec<(i64, i64)>>,
) -> Result<Option<String>> {
    let mut base: HashMap<String, i64> = HashMap::new();
    let mut stmt = conn.prepare("SELECT site_id, seq FROM audit_base")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        base.insert(text_of(r.get_ref(0)?), r.get(1)?);
    }
    let mut stmt =
        conn.prepare("SELECT site_id, MIN(seq), MAX(seq) FROM oplog GROUP BY site_id")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let site = text_of(r.get_ref(0)?);
        let (min, max): (i64, i64) = (r.get(1)?, r.get(2)?);
        if min < 1 {
            return Ok(Some(no_record(conn, &site, min)?));
        }
        let mut next = base.get(&site).copied().unwrap_or(0) + 1;
        let mut ranges = covered.remove(&site).unwrap_or_default();
        ranges.sort_unstable();
        for (a, b) in ranges {
            if a > next {
                return Ok(Some(no_record(conn, &site, next)?));
            }
            if a < next {
                return Ok(Some(format!(
                    "{} {}:{a} {}",
                    tr("操作", "op"),
                    clean(&site),
                    tr("被两条审计记录认领", "is named by two audit records")
                )));
            }
            next = b + 1;
        }
        if max >= next {
            return Ok(Some(no_record(conn, &site, next)?));
        }
    }
    Ok(None)
}

/// "op site:seq (table.field) is in no audit record".
fn no_record(conn: &Connection, site: &str, seq: i64) -> Result<String> {
    let what: Option<(String, String)> = conn
        .query_row(
            "SELECT tbl, field FROM oplog WHERE site_id = ?1 AND seq = ?2",
            params![site, seq],
            |r| Ok((text_of(r.get_ref(0)?), text_of(r.get_ref(1)?))),
        )
        .optional()?;
    let what = match what {
        Some((t, f)) => format!(" ({}.{})", clean(&t), clean(&f)),
        None => String::new(),
    };
    Ok(format!(
        "{} {}:{seq}{what} {}",
        tr("操作", "op"),
        clean(site),
        tr(
            "不属于任何审计记录（在程序之外添加）",
            "is in no audit record (added behind the app's back)"
        )
    ))
}

/// Tables whose rows are named by their `name` column in a finding.
const NAMED: &[&str] = &["streets", "communities", "buildings", "orgs", "party_orgs"];

/// How SQLite converts a value stored into a column of this declared type.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Affinity {
    Integer,
    Text,
    Other,
}

struct Col {
    name: String,
    affinity: Affinity,
    /// What a row holds in this column when no op set it.
    default: Val,
}

fn columns(conn: &Connection, table: &str) -> Result<Vec<Col>> {
    let mut stmt = conn.prepare(&format!("PRAGMA table_info({table})"))?;
    let cols = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?.unwrap_or_default(),
                r.get::<_, Option<String>>(4)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(cols
        .into_iter()
        .filter(|(name, _, _)| name != "id")
        .map(|(name, ty, default)| {
            let ty = ty.to_ascii_uppercase();
            let affinity = if ty.contains("INT") {
                Affinity::Integer
            } else if ty.contains("CHAR") || ty.contains("CLOB") || ty.contains("TEXT") {
                Affinity::Text
            } else {
                Affinity::Other
            };
            let default = match default.as_deref().map(str::trim) {
                None => Val::Null,
                Some(d) if d.eq_ignore_ascii_case("null") => Val::Null,
                Some(d) => match d.parse::<i64>() {
                    Ok(n) => Val::Int(n),
                    Err(_) => Val::Text(
                        d.strip_prefix('\'')
                            .and_then(|s| s.strip_suffix('\''))
                            .unwrap_or(d)
                            .replace("''", "'"),
                    ),
                },
            };
            Col {
                name,
                affinity,
                default,
            }
        })
        .collect())
}

/// The op log's value as the column stores it.
fn stored(v: Val, affinity: Affinity) -> Val {
    match (v, affinity) {
        (Val::Text(s), Affinity::Integer) => match s.trim().parse::<i64>() {
            Ok(n) => Val::Int(n),
            Err(_) => Val::Text(s),
        },
        (Val::Int(n), Affinity::Text) => Val::Text(n.to_string()),
        (v, _) => v,
    }
}

fn shown(v: &Val) -> String {
    match v {
        Val::Null => "null".into(),
        Val::Int(n) => n.to_string(),
        Val::Text(s) => clean(&serde_json::Value::String(s.clone()).to_string()),
    }
}

/// One row of a table: its id and its columns.
type TableRow = (String, Vec<Val>);

/// The ops of one row, by field (refused ops left out).
type RowOps = (String, BTreeMap<String, Vec<Op>>);

/// Compares every row of the ledger's tables with what the op log makes it
/// (per field, the head with the highest clock; refused ops ignored). One
/// pass per table over its rows and over its ops, both in id order, holding
/// one row's ops at a time.
fn tables(conn: &Connection) -> Result<(usize, Option<String>)> {
    let refused = if has_column(conn, "oplog", "refused")? {
        "AND refused IS NULL"
    } else {
        ""
    };
    let mut rows = 0;
    for table in TABLES {
        let cols = columns(conn, table)?;
        if cols.is_empty() {
            continue;
        }
        if let Some(b) = compare_table(conn, table, &cols, refused, &mut rows)? {
            return Ok((rows, Some(b)));
        }
    }
    Ok((rows, None))
}

fn compare_table(
    conn: &Connection,
    table: &str,
    cols: &[Col],
    refused: &str,
    rows: &mut usize,
) -> Result<Option<String>> {
    let list: Vec<String> = cols.iter().map(|c| format!("\"{}\"", c.name)).collect();
    let mut t_stmt = conn.prepare(&format!(
        "SELECT id, {} FROM {table} ORDER BY id",
        list.join(", ")
    ))?;
    let mut t_rows = t_stmt.query([])?;
    let mut next_row = || -> Result<Option<TableRow>> {
        Ok(match t_rows.next()? {
            Some(r) => {
                let id = text_of(r.get_ref(0)?);
                let vals = (1..=cols.len())
                    .map(|i| r.get::<_, Value>(i).map(Val::from))
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                Some((id, vals))
            }
            None => None,
        })
    };
    let mut o_stmt = conn.prepare(&format!(
        "SELECT row_id, field, site_id, seq, hlc, value, supersedes FROM oplog
         WHERE tbl = ?1 {refused} ORDER BY row_id, field"
    ))?;
    let mut o_rows = o_stmt.query([table])?;
    let mut held: Option<(String, Op)> = None;
    let mut next_ops = || -> Result<Option<RowOps>> {
        let mut group: Option<RowOps> = None;
        loop {
            let item = match held.take() {
                Some(x) => Some(x),
                None => match o_rows.next()? {
                    Some(r) => {
                        let int = |i: usize| -> rusqlite::Result<i64> {
                            Ok(match r.get_ref(i)? {
                                ValueRef::Integer(n) => n,
                                _ => 0,
                            })
                        };
                        let opt = |i: usize| -> rusqlite::Result<Option<String>> {
                            Ok(match r.get_ref(i)? {
                                ValueRef::Null => None,
                                v => Some(text_of(v)),
                            })
                        };
                        let op = Op {
                            site: text_of(r.get_ref(2)?),
                            seq: int(3)?,
                            hlc: int(4)?,
                            tbl: table.to_string(),
                            row: text_of(r.get_ref(0)?),
                            field: text_of(r.get_ref(1)?),
                            value: opt(5)?,
                            schema: 0,
                            supersedes: opt(6)?,
                            actor: None,
                            refused: None,
                        };
                        Some((op.row.clone(), op))
                    }
                    None => None,
                },
            };
            let Some((row, op)) = item else {
                return Ok(group);
            };
            match &mut group {
                None => {
                    let mut m = BTreeMap::new();
                    m.insert(op.field.clone(), vec![op]);
                    group = Some((row, m));
                }
                Some((g, m)) if *g == row => m.entry(op.field.clone()).or_default().push(op),
                Some(_) => {
                    held = Some((row, op));
                    return Ok(group);
                }
            }
        }
    };
    let name_at = cols
        .iter()
        .position(|c| c.name == "name")
        .filter(|_| NAMED.contains(&table));
    let label = |id: &str, vals: Option<&[Val]>| -> String {
        match name_at.and_then(|i| vals.map(|v| &v[i])) {
            Some(Val::Text(name)) => format!("{table} {} (id {})", clean(name), clean(id)),
            _ => format!("{table} {}", clean(id)),
        }
    };
    let added = |id: &str, vals: &[Val]| {
        format!(
            "{}: {}",
            label(id, Some(vals)),
            tr(
                "表中有此行，操作日志中没有（在程序之外添加）",
                "the row is in the table but not in the op log (added behind the app's back)"
            )
        )
    };
    let removed = |row: &str| {
        format!(
            "{}: {}",
            label(row, None),
            tr(
                "操作日志中有此行，表中没有（在程序之外删除）",
                "the row is in the op log but not in the table (removed behind the app's back)"
            )
        )
    };
    let mut t = next_row()?;
    let mut o = next_ops()?;
    loop {
        let ((id, vals), (row, by_field)) = match (t, o) {
            (None, None) => return Ok(None),
            (Some((id, vals)), None) => return Ok(Some(added(&id, &vals))),
            (None, Some((row, _))) => return Ok(Some(removed(&row))),
            (Some(a), Some(b)) => (a, b),
        };
        match id.cmp(&row) {
            std::cmp::Ordering::Less => return Ok(Some(added(&id, &vals))),
            std::cmp::Ordering::Greater => return Ok(Some(removed(&row))),
            std::cmp::Ordering::Equal => {}
        }
        *rows += 1;
        for (c, actual) in cols.iter().zip(&vals) {
            let expected = match by_field.get(&c.name).map(Vec::as_slice) {
                // Most fields were set once: that op is the head.
                Some([one]) => stored(one.val(), c.affinity),
                Some(ops) => heads(ops)
                    .first()
                    .map(|w| stored(w.val(), c.affinity))
                    .unwrap_or_else(|| c.default.clone()),
                None => c.default.clone(),
            };
            if expected != *actual {
                return Ok(Some(format!(
                    "{}, {}: {} {}, {} {}",
                    label(&id, Some(&vals)),
                    clean(&c.name),
                    tr("表中为", "table"),
                    shown(actual),
                    tr("操作日志为", "op log"),
                    shown(&expected)
                )));
            }
        }
        t = next_row()?;
        o = next_ops()?;
    }
}
