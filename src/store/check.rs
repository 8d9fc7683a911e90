//! `check`: SQLite's own integrity and foreign-key checks; the audit log's
//! hash chain, which names the first record edited behind the app's back;
//! the ops each record answers for, recomputed from the op log, which names
//! the first record whose ops were edited or removed and any op no record
//! answers for; and the tables, recomputed from the op log by the merge rule,
//! which names the first field edited directly.

use std::collections::HashMap;

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use super::digest::{Covers, ops_digest};
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
    let walk = audit_chain(conn, false)?;
    // A compaction record whose digests were edited is named before the
    // records those digests then fail to match.
    let unvouched = match walk.digests {
        true => super::compact::unvouched(conn)?,
        false => None,
    };
    let ops_broken = match (unvouched, walk.ops_broken) {
        (Some(b), _) | (None, Some(b)) => Some(b),
        (None, None) if walk.digests => unanswered(conn, walk.covered)?,
        (None, None) => None,
    };
    let (table_rows, table_broken) = super::check_tables::tables(conn)?;
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

pub(super) fn has_column(conn: &Connection, table: &str, column: &str) -> Result<bool> {
    let mut stmt = conn.prepare(&format!("PRAGMA table_info({table})"))?;
    let names = stmt
        .query_map([], |r| r.get::<_, String>(1))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(names.iter().any(|n| n == column))
}

/// A column value as text, whatever its type.
pub(super) fn text_of(v: ValueRef<'_>) -> String {
    match v {
        ValueRef::Text(s) | ValueRef::Blob(s) => String::from_utf8_lossy(s).into_owned(),
        ValueRef::Integer(n) => n.to_string(),
        ValueRef::Real(f) => f.to_string(),
        ValueRef::Null => String::new(),
    }
}

/// What walking the audit log found.
pub(super) struct Walk {
    pub records: usize,
    pub broken: Option<String>,
    /// Whether the file's records can carry digests (schema 5 on).
    digests: bool,
    pub ops_checked: usize,
    pub ops_broken: Option<String>,
    /// Per site, the ranges records answer for.
    covered: HashMap<String, Vec<(i64, i64)>>,
    /// With `collect`: each record's digest as recomputed now.
    pub recomputed: Vec<(String, String)>,
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
/// schema 5 on, the digest of the ops it answers for (as a compaction
/// recomputed it, if one did). With `collect`, every record's digest is
/// recomputed and kept, past the first that does not match.
pub(super) fn audit_chain(conn: &Connection, collect: bool) -> Result<Walk> {
    let digests = has_column(conn, "audit", "ops_digest")?;
    let marks = if digests { marks(conn)? } else { Marks::new() };
    let redigest = super::compact::redigests(conn)?;
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
        recomputed: Vec::new(),
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
        if w.ops_broken.is_some() && !collect {
            continue;
        }
        let later = |site: &str, seq: i64| {
            marks
                .get(site)
                .and_then(|m| m.get(&seq))
                .is_some_and(|&at| at > rowid)
        };
        let d = ops_digest(conn, &covers, first, &later)?;
        let stored = redigest.get(&fields[0]).cloned().unwrap_or(stored);
        if collect {
            w.recomputed.push((fields[0].clone(), d.hex.clone()));
        }
        w.ops_checked += d.ops;
        if w.ops_broken.is_some() {
            continue;
        }
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
