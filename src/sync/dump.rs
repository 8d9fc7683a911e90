//! The canonical dump: every ledger table, rows sorted by id, columns sorted
//! by name, nothing replica-local (site id, op log, audit, sync state). Two
//! replicas that hold the same ops dump to the same bytes.

use serde_json::{Map, Value};

use rusqlite::Connection;
use rusqlite::types::ValueRef;

use crate::error::Result;
use crate::store::schema::TABLES;

pub fn canonical(conn: &Connection) -> Result<Value> {
    let mut tables: Vec<&str> = TABLES.to_vec();
    tables.sort_unstable();
    let mut out = Map::new();
    for t in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM {t} ORDER BY id"))?;
        let mut names: Vec<(String, usize)> = stmt
            .column_names()
            .iter()
            .enumerate()
            .map(|(i, s)| (s.to_string(), i))
            .collect();
        names.sort();
        let mut rows = stmt.query([])?;
        let mut list = Vec::new();
        while let Some(r) = rows.next()? {
            let mut obj = Map::new();
            for (n, i) in &names {
                let v = match r.get_ref(*i)? {
                    ValueRef::Null => Value::Null,
                    ValueRef::Integer(x) => Value::from(x),
                    ValueRef::Real(x) => Value::from(x.to_string()),
                    ValueRef::Text(s) => Value::from(String::from_utf8_lossy(s).into_owned()),
                    ValueRef::Blob(b) => Value::from(String::from_utf8_lossy(b).into_owned()),
                };
                obj.insert(n.clone(), v);
            }
            list.push(Value::Object(obj));
        }
        out.insert(t.to_string(), Value::Array(list));
    }
    Ok(Value::Object(out))
}

/// The dump as text, one line per row, ready to compare byte for byte.
pub fn canonical_text(conn: &Connection) -> Result<String> {
    let v = canonical(conn)?;
    let mut s = String::from("{\n");
    if let Value::Object(m) = v {
        let n = m.len();
        for (i, (t, rows)) in m.into_iter().enumerate() {
            s.push_str(&format!("  {}: [\n", Value::from(t)));
            if let Value::Array(rows) = rows {
                let k = rows.len();
                for (j, r) in rows.into_iter().enumerate() {
                    s.push_str("    ");
                    s.push_str(&r.to_string());
                    s.push_str(if j + 1 < k { ",\n" } else { "\n" });
                }
            }
            s.push_str(if i + 1 < n { "  ],\n" } else { "  ]\n" });
        }
    }
    s.push_str("}\n");
    Ok(s)
}
