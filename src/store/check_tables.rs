//! `check`'s comparison of every table with the op log: each column holds
//! what the merge rule picks from the row's accepted ops (or its default
//! when no op set it), read table by table in one pass.

use std::collections::BTreeMap;

use rusqlite::Connection;
use rusqlite::types::{Value, ValueRef};

use super::Val;
use super::check::{has_column, text_of};
use super::merge::heads;
use super::op::Op;
use super::schema::TABLES;
use crate::error::Result;
use crate::i18n::tr;
use crate::text::clean;

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
pub(super) fn tables(conn: &Connection) -> Result<(usize, Option<String>)> {
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
                Some((g, _)) if *g != row => {
                    held = Some((row, op));
                    return Ok(group);
                }
                Some((_, m)) => {
                    for o in op.expand() {
                        m.entry(o.bare_field().to_string()).or_default().push(o);
                    }
                }
                None => {
                    let mut m: BTreeMap<String, Vec<Op>> = BTreeMap::new();
                    for o in op.expand() {
                        m.entry(o.bare_field().to_string()).or_default().push(o);
                    }
                    group = Some((row, m));
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
                Some([one]) if !one.is_stub() => stored(one.val(), c.affinity),
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
