//! One field-level operation as it travels between replicas, and the checks
//! every op from outside passes before it may touch a table.

use std::collections::{HashMap, HashSet};

use rusqlite::{Connection, Row};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::i18n::tr;
use crate::store::Val;
use crate::store::schema::TABLES;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Op {
    pub site: String,
    pub seq: i64,
    pub hlc: i64,
    pub tbl: String,
    pub row: String,
    pub field: String,
    /// The value as JSON text: null, an integer or a string (exact, no floats).
    pub value: Option<String>,
    pub schema: i64,
    /// The ops this one replaced ("site:seq", comma-separated).
    pub supersedes: Option<String>,
    /// Who wrote it: the configured name and office.
    #[serde(default)]
    pub actor: Option<String>,
    /// Why a receiving replica refused it; such an op is passed on, never applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refused: Option<String>,
}

/// The field a row op names. A new row is one op whose value is a JSON
/// object of all its fields; it stands for one field-level op per field, each
/// with the row op's key, so merge and conflicts stay field by field.
pub const ROW: &str = "*";

/// What compaction leaves of a superseded op: its field behind this mark, no
/// value, and of what it superseded only the ops still whole. It keeps the
/// site's sequence whole and says who changed the field when; it sets
/// nothing and is never a head (see `compact`).
pub const STUB: char = '~';

/// The columns of `oplog` in the order `Op::from_row` reads them.
pub const OP_COLUMNS: &str =
    "site_id, seq, hlc, tbl, row_id, field, value, schema_version, supersedes, actor, refused";

impl Op {
    pub fn from_row(r: &Row<'_>) -> rusqlite::Result<Op> {
        Ok(Op {
            site: r.get(0)?,
            seq: r.get(1)?,
            hlc: r.get(2)?,
            tbl: r.get(3)?,
            row: r.get(4)?,
            field: r.get(5)?,
            value: r.get(6)?,
            schema: r.get(7)?,
            supersedes: r.get(8)?,
            actor: r.get(9)?,
            refused: r.get(10)?,
        })
    }

    pub fn is_row(&self) -> bool {
        self.field == ROW
    }

    pub fn is_stub(&self) -> bool {
        self.field.starts_with(STUB)
    }

    /// The field this op is about, a stub's included.
    pub fn bare_field(&self) -> &str {
        self.field.trim_start_matches(STUB)
    }

    /// The field-level ops this op stands for: itself (a stub too: what it
    /// still supersedes counts, though it is never a head), or one per field
    /// of a row op (same key and clock, superseding nothing).
    pub fn expand(&self) -> Vec<Op> {
        if !self.is_row() {
            return vec![self.clone()];
        }
        row_fields(&self.tbl, self.value.as_deref())
            .unwrap_or_default()
            .into_iter()
            .map(|(field, value)| Op {
                field,
                value: Some(value),
                supersedes: None,
                ..self.clone()
            })
            .collect()
    }

    /// What this op stands for in `field` alone (`expand` filtered to one
    /// field, without building the others).
    pub fn expand_field(&self, field: &str) -> Option<Op> {
        if !self.is_row() {
            return (self.bare_field() == field).then(|| self.clone());
        }
        let value = row_map(&self.tbl, self.value.as_deref())?
            .into_iter()
            .find(|(f, _)| f == field)
            .and_then(|(_, v)| field_text(&v))?;
        Some(Op {
            field: field.to_string(),
            value: Some(value),
            supersedes: None,
            ..self.clone()
        })
    }

    /// The fields this op sets.
    pub fn fields(&self) -> Vec<String> {
        if self.is_stub() {
            Vec::new()
        } else if self.is_row() {
            row_fields(&self.tbl, self.value.as_deref())
                .unwrap_or_default()
                .into_iter()
                .map(|(f, _)| f)
                .collect()
        } else {
            vec![self.field.clone()]
        }
    }

    /// "site:seq", as `supersedes` names ops.
    pub fn key(&self) -> String {
        format!("{}:{}", self.site, self.seq)
    }

    pub fn val(&self) -> Val {
        parse_value(self.value.as_deref()).unwrap_or(Val::Null)
    }

    pub fn superseded(&self) -> impl Iterator<Item = &str> {
        self.supersedes
            .as_deref()
            .unwrap_or("")
            .split(',')
            .filter(|s| !s.is_empty())
    }
}

/// Parses an op value; `None` for anything but null, an integer or a string.
pub fn parse_value(v: Option<&str>) -> Option<Val> {
    let Some(v) = v else {
        return Some(Val::Null);
    };
    match serde_json::from_str::<serde_json::Value>(v).ok()? {
        serde_json::Value::Null => Some(Val::Null),
        serde_json::Value::String(s) => Some(Val::Text(s)),
        serde_json::Value::Number(n) => n.as_i64().map(Val::Int),
        _ => None,
    }
}

/// A row op's fields with each value as a field op holds it (JSON text);
/// `None` unless the value is fields and values (nulls, integers, strings).
pub fn row_fields(table: &str, v: Option<&str>) -> Option<Vec<(String, String)>> {
    row_map(table, v)?
        .into_iter()
        .map(|(k, v)| Some((k, field_text(&v)?)))
        .collect()
}

/// A row op's fields and values. From schema 10 the value is a flat array
/// of field numbers and values (`[1,"name",5,"…"]`, numbers from
/// `field_numbers`); before, an object keyed by field name. A number the
/// registry does not know, a repeated field, or anything else fails.
fn row_map(table: &str, v: Option<&str>) -> Option<Vec<(String, serde_json::Value)>> {
    let pairs: Vec<(String, serde_json::Value)> =
        match serde_json::from_str::<serde_json::Value>(v?).ok()? {
            serde_json::Value::Object(m) => m.into_iter().collect(),
            serde_json::Value::Array(a) => {
                if a.len() % 2 != 0 {
                    return None;
                }
                let mut out = Vec::with_capacity(a.len() / 2);
                let mut it = a.into_iter();
                while let (Some(n), Some(v)) = (it.next(), it.next()) {
                    let f = super::field_numbers::name(table, n.as_u64()?)?;
                    out.push((f.to_string(), v));
                }
                out
            }
            _ => return None,
        };
    let mut names: Vec<&str> = pairs.iter().map(|(f, _)| f.as_str()).collect();
    names.sort_unstable();
    let before = names.len();
    names.dedup();
    (names.len() == before).then_some(pairs)
}

/// A row op of a newer schema: an object or an array of even length.
fn newer_row_shape(v: Option<&str>) -> bool {
    match v.and_then(|v| serde_json::from_str::<serde_json::Value>(v).ok()) {
        Some(serde_json::Value::Object(m)) => !m.is_empty(),
        Some(serde_json::Value::Array(a)) => !a.is_empty() && a.len() % 2 == 0,
        _ => false,
    }
}

/// One field's value as a field op holds it: null, an integer or a string.
fn field_text(v: &serde_json::Value) -> Option<String> {
    let ok = v.is_null() || v.is_string() || v.is_i64();
    ok.then(|| v.to_string())
}

/// Most fields a row op may carry, and its largest value.
const ROW_FIELDS_MAX: usize = 64;
const ROW_VALUE_MAX: usize = 64 * 1024;

/// The columns ops may name, per table (the key `id` excluded): field names
/// are spliced into SQL, so only names the schema has pass.
pub struct Columns(HashMap<&'static str, HashSet<String>>);

impl Columns {
    pub fn load(conn: &Connection) -> Result<Columns> {
        let mut m = HashMap::new();
        for t in TABLES {
            let mut stmt = conn.prepare(&format!("PRAGMA table_info({t})"))?;
            let cols = stmt
                .query_map([], |r| r.get::<_, String>(1))?
                .collect::<rusqlite::Result<HashSet<String>>>()?;
            m.insert(*t, cols.into_iter().filter(|c| c != "id").collect());
        }
        Ok(Columns(m))
    }

    pub fn has(&self, tbl: &str, field: &str) -> bool {
        self.0.get(tbl).is_some_and(|c| c.contains(field))
    }

    /// Whether an op of `schema` may name the field: a column, or one
    /// retired after that schema (history, never applied).
    fn knows(&self, tbl: &str, field: &str, schema: i64) -> bool {
        self.has(tbl, field) || super::field_numbers::retired(tbl, field, schema)
    }

    /// Refuses an op that could not have come from a liangxin replica. Ops of
    /// a newer schema may name columns this build lacks; they are kept aside,
    /// so only their shape is checked.
    pub fn check(&self, op: &Op, current_schema: i64) -> Result<()> {
        let ok_id = |s: &str| !s.is_empty() && s.len() <= 64 && !s.contains([',', ':']);
        let newer = op.schema > current_schema;
        let (value_ok, known) = if let Some(field) = op.field.strip_prefix(STUB) {
            let known = newer || self.knows(&op.tbl, field, op.schema);
            let short = op.supersedes.as_ref().is_none_or(|s| s.len() <= 64 * 1024);
            (op.value.is_none() && short, known)
        } else if op.is_row() {
            let fields = row_fields(&op.tbl, op.value.as_deref());
            let small = op.value.as_ref().is_some_and(|v| v.len() <= ROW_VALUE_MAX);
            // A newer schema may number fields this build does not know yet:
            // its value is only checked to be JSON of a row op's shape.
            let value_ok = match (newer, fields.as_ref()) {
                (_, Some(f)) => {
                    !f.is_empty()
                        && f.len() <= ROW_FIELDS_MAX
                        && f.iter().all(|(_, v)| v.len() <= 4096)
                        && small
                }
                (true, None) => small && newer_row_shape(op.value.as_deref()),
                (false, None) => false,
            };
            let known = newer
                || fields.is_some_and(|f| {
                    f.iter()
                        .all(|(k, _)| k != "id" && self.knows(&op.tbl, k, op.schema))
                });
            (value_ok && op.supersedes.is_none(), known)
        } else {
            let value_ok = parse_value(op.value.as_deref()).is_some()
                && op.value.as_ref().is_none_or(|v| v.len() <= 4096);
            (value_ok, newer || self.knows(&op.tbl, &op.field, op.schema))
        };
        let shape = ok_id(&op.site)
            && op.seq >= 1
            && op.hlc >= 0
            && !op.row.is_empty()
            && op.row.len() <= 64
            && op.schema >= 1
            && value_ok
            && op.supersedes.as_ref().is_none_or(|s| s.len() <= 64 * 1024)
            && op.actor.as_ref().is_none_or(|s| s.len() <= 512);
        if shape && known {
            Ok(())
        } else {
            Err(Error::Refused(format!(
                "{} {}:{} ({}.{})",
                tr("拒收无效的操作记录", "refused a malformed op"),
                crate::text::clean(&op.site),
                op.seq,
                crate::text::clean(&op.tbl),
                crate::text::clean(&op.field)
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row_op(value: &str) -> Op {
        Op {
            site: "s".into(),
            seq: 1,
            hlc: 1,
            tbl: "tasks".into(),
            row: "r".into(),
            field: ROW.into(),
            value: Some(value.into()),
            schema: 10,
            supersedes: None,
            actor: None,
            refused: None,
        }
    }

    /// A row op naming fields by number reads as the same field ops as one
    /// of schema 9 naming them in an object.
    #[test]
    fn numbered_and_named_row_ops_expand_alike() {
        let named = row_op(r#"{"kind":"half-year","org_id":"o","note":null,"deleted":0}"#);
        let numbered = row_op(r#"[1,"half-year",2,"o",9,null,10,0]"#);
        let fields = |o: &Op| {
            let mut v: Vec<(String, Option<String>)> =
                o.expand().into_iter().map(|e| (e.field, e.value)).collect();
            v.sort();
            v
        };
        assert_eq!(fields(&named), fields(&numbered));
        assert_eq!(fields(&numbered).len(), 4);
        assert_eq!(
            numbered.expand_field("org_id").and_then(|o| o.value),
            Some("\"o\"".to_string())
        );
        assert_eq!(numbered.fields(), vec!["kind", "org_id", "note", "deleted"]);
    }

    /// Unknown numbers, odd lengths, repeated fields and nested values do not
    /// read as a row.
    #[test]
    fn malformed_numbered_row_ops_read_as_nothing() {
        for bad in [
            r#"[1,"a",999,"b"]"#,
            r#"[1,"a",2]"#,
            r#"[1,"a",1,"b"]"#,
            r#"[1,["x"]]"#,
            r#"[-1,"a"]"#,
        ] {
            assert!(row_op(bad).expand().is_empty(), "{bad}");
        }
    }
}
