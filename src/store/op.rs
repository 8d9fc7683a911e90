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
        row_fields(self.value.as_deref())
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
        let value = row_map(self.value.as_deref())?
            .get(field)
            .and_then(field_text)?;
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
            row_fields(self.value.as_deref())
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
/// `None` unless the value is an object of nulls, integers and strings.
pub fn row_fields(v: Option<&str>) -> Option<Vec<(String, String)>> {
    row_map(v)?
        .into_iter()
        .map(|(k, v)| Some((k, field_text(&v)?)))
        .collect()
}

/// A row op's value as a JSON object.
fn row_map(v: Option<&str>) -> Option<serde_json::Map<String, serde_json::Value>> {
    match serde_json::from_str::<serde_json::Value>(v?).ok()? {
        serde_json::Value::Object(m) => Some(m),
        _ => None,
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

    /// Refuses an op that could not have come from a liangxin replica. Ops of
    /// a newer schema may name columns this build lacks; they are kept aside,
    /// so only their shape is checked.
    pub fn check(&self, op: &Op, current_schema: i64) -> Result<()> {
        let ok_id = |s: &str| !s.is_empty() && s.len() <= 64 && !s.contains([',', ':']);
        let newer = op.schema > current_schema;
        let (value_ok, known) = if let Some(field) = op.field.strip_prefix(STUB) {
            let known = newer || self.has(&op.tbl, field);
            let short = op.supersedes.as_ref().is_none_or(|s| s.len() <= 64 * 1024);
            (op.value.is_none() && short, known)
        } else if op.is_row() {
            let fields = row_fields(op.value.as_deref());
            let value_ok = fields.as_ref().is_some_and(|f| {
                !f.is_empty()
                    && f.len() <= ROW_FIELDS_MAX
                    && f.iter().all(|(_, v)| v.len() <= 4096)
                    && op.value.as_ref().is_some_and(|v| v.len() <= ROW_VALUE_MAX)
            });
            let known = newer
                || fields.is_some_and(|f| f.iter().all(|(k, _)| k != "id" && self.has(&op.tbl, k)));
            (value_ok && op.supersedes.is_none(), known)
        } else {
            let value_ok = parse_value(op.value.as_deref()).is_some()
                && op.value.as_ref().is_none_or(|v| v.len() <= 4096);
            (value_ok, newer || self.has(&op.tbl, &op.field))
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
