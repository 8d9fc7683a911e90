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
        let shape = ok_id(&op.site)
            && op.seq >= 1
            && op.hlc >= 0
            && !op.row.is_empty()
            && op.row.len() <= 64
            && op.schema >= 1
            && parse_value(op.value.as_deref()).is_some()
            && op.value.as_ref().is_none_or(|v| v.len() <= 4096)
            && op.supersedes.as_ref().is_none_or(|s| s.len() <= 64 * 1024)
            && op.actor.as_ref().is_none_or(|s| s.len() <= 512);
        let known = op.schema > current_schema || self.has(&op.tbl, &op.field);
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
