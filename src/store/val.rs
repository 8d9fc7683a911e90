//! A field value as the write path and the op log carry it.

use rusqlite::types::{ToSqlOutput, Value};

use crate::domain::{Date, Id};

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Val {
    Null,
    Int(i64),
    Text(String),
}

impl Val {
    /// The op log stores values as JSON (null, integer or string): exact, no floats.
    pub fn to_json(&self) -> String {
        match self {
            Val::Null => "null".into(),
            Val::Int(i) => i.to_string(),
            Val::Text(s) => serde_json::Value::String(s.clone()).to_string(),
        }
    }
}

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

impl From<&str> for Val {
    fn from(s: &str) -> Self {
        Val::Text(s.to_string())
    }
}
impl From<String> for Val {
    fn from(s: String) -> Self {
        Val::Text(s)
    }
}
impl From<&String> for Val {
    fn from(s: &String) -> Self {
        Val::Text(s.clone())
    }
}
impl From<i64> for Val {
    fn from(i: i64) -> Self {
        Val::Int(i)
    }
}
impl From<bool> for Val {
    fn from(b: bool) -> Self {
        Val::Int(i64::from(b))
    }
}
impl From<Date> for Val {
    fn from(d: Date) -> Self {
        Val::Text(d.to_string())
    }
}
impl From<&Id> for Val {
    fn from(id: &Id) -> Self {
        Val::Text(id.0.clone())
    }
}
impl<T: Into<Val>> From<Option<T>> for Val {
    fn from(o: Option<T>) -> Self {
        o.map_or(Val::Null, Into::into)
    }
}
