//! A field value as the write path and the op log carry it (defined in the
//! domain, where the field rules judge it); here, how SQLite stores it.

use rusqlite::types::{ToSqlOutput, Value};

pub use crate::domain::val::Val;

impl rusqlite::ToSql for Val {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Val::Null => ToSqlOutput::Owned(Value::Null),
            Val::Int(i) => ToSqlOutput::Owned(Value::Integer(*i)),
            Val::Text(s) => ToSqlOutput::Borrowed(rusqlite::types::ValueRef::Text(s.as_bytes())),
        })
    }
}

impl From<Value> for Val {
    fn from(v: Value) -> Self {
        match v {
            Value::Null => Val::Null,
            Value::Integer(i) => Val::Int(i),
            Value::Real(f) => Val::Text(f.to_string()),
            Value::Text(s) => Val::Text(s),
            Value::Blob(b) => Val::Text(String::from_utf8_lossy(&b).into_owned()),
        }
    }
}
