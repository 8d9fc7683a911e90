//! `check`: SQLite's own integrity and foreign-key checks, and the audit
//! log's hash chain, which names the first record edited behind the app's back.

use rusqlite::Connection;
use serde::Serialize;

use super::write::chain_hash;
use crate::error::Result;
use crate::i18n::tr;

#[derive(Debug, Serialize)]
pub struct Report {
    pub integrity: Vec<String>,
    pub foreign_keys: Vec<String>,
    pub audit_records: usize,
    /// The first audit record whose hash or link does not hold.
    pub audit_broken: Option<String>,
}

impl Report {
    pub fn ok(&self) -> bool {
        self.integrity.is_empty() && self.foreign_keys.is_empty() && self.audit_broken.is_none()
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
    let (audit_records, audit_broken) = audit_chain(conn)?;
    Ok(Report {
        integrity,
        foreign_keys,
        audit_records,
        audit_broken,
    })
}

/// Walks the audit log in order, recomputing each record's hash.
fn audit_chain(conn: &Connection) -> Result<(usize, Option<String>)> {
    let mut stmt = conn.prepare(
        "SELECT rowid, id, at, os_user, user_name, office, action, detail, reason, on_date, site_id,
                first_seq, last_seq, ops, prev_hash, hash FROM audit ORDER BY rowid",
    )?;
    let mut rows = stmt.query([])?;
    let mut prev = String::new();
    let mut n = 0;
    let text = |r: &rusqlite::Row<'_>, i: usize| -> rusqlite::Result<String> {
        Ok(match r.get::<_, rusqlite::types::Value>(i)? {
            rusqlite::types::Value::Text(s) => s,
            rusqlite::types::Value::Integer(n) => n.to_string(),
            rusqlite::types::Value::Real(f) => f.to_string(),
            _ => String::new(),
        })
    };
    while let Some(r) = rows.next()? {
        n += 1;
        let fields: Vec<String> = (1..=14)
            .map(|i| text(r, i))
            .collect::<rusqlite::Result<_>>()?;
        let hash = text(r, 15)?;
        let refs: Vec<&str> = fields.iter().map(String::as_str).collect();
        let describe = || {
            format!(
                "{} #{n} (id {}, {}, {})",
                tr("第", "record"),
                crate::text::clean(&fields[0]),
                crate::text::clean(&fields[1]),
                crate::text::clean(&fields[5])
            )
        };
        if fields[13] != prev {
            return Ok((
                n,
                Some(format!(
                    "{}: {}",
                    describe(),
                    tr(
                        "与前一条记录的链接不符",
                        "does not link to the record before it"
                    )
                )),
            ));
        }
        if chain_hash(&refs) != hash {
            return Ok((
                n,
                Some(format!(
                    "{}: {}",
                    describe(),
                    tr(
                        "内容与其哈希不符（被改动过）",
                        "its content does not match its hash (edited)"
                    )
                )),
            ));
        }
        prev = hash;
    }
    Ok((n, None))
}
