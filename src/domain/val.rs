//! A field value as the write path, the op log and the field rules carry it.

use super::{Date, Id};

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Val {
    Null,
    Int(i64),
    Text(String),
}

impl Val {
    /// The op log stores values as JSON (null, integer or string): exact, no floats.
    pub fn to_json(&self) -> String {
        let mut out = Vec::new();
        self.write_json(&mut out);
        String::from_utf8(out).unwrap_or_default()
    }

    /// `to_json` appended to `out` (a buffer the write path reuses).
    pub fn write_json(&self, out: &mut Vec<u8>) {
        use std::io::Write;
        // Writing to a Vec cannot fail.
        let _ = match self {
            Val::Null => out.write_all(b"null"),
            Val::Int(i) => write!(out, "{i}"),
            Val::Text(s) => serde_json::to_writer(&mut *out, s.as_str()).map_err(Into::into),
        };
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
