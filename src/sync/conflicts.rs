//! The conflicts list: a plain read for the command line and the terminal
//! view. Fields whose heads disagree, deletes against unseen edits, and
//! credit codes held by two organizations (uniqueness cannot hold offline).

use rusqlite::{Connection, params};
use serde::Serialize;

use super::clock;
use super::merge::{conflict_id, row_conflicts, row_ops};
use crate::domain::{Command, Id};
use crate::error::{Error, Result};
use crate::i18n::tr;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Conflict {
    pub id: String,
    /// "edit" (two values for one field), "delete" (a delete against an edit
    /// it did not see) or "duplicate" (one credit code, several organizations).
    pub kind: String,
    pub table: String,
    pub row: String,
    /// The row's name, when it has one.
    pub label: Option<String>,
    pub field: String,
    /// The competing values, the one shown now first.
    pub values: Vec<Choice>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Choice {
    /// 1-based, as `conflicts resolve ID --pick N` takes it.
    pub n: usize,
    /// The field this value is for (differs from the conflict's field only
    /// for a delete against an edit).
    pub field: String,
    pub value: serde_json::Value,
    pub site: String,
    /// Who wrote it (name and office).
    pub who: String,
    pub at: String,
    /// For a duplicate: the organization this choice keeps.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<String>,
}

pub fn list(conn: &Connection) -> Result<Vec<Conflict>> {
    let mut out = Vec::new();
    let listed: Vec<(String, String)> = conn
        .prepare("SELECT DISTINCT tbl, row_id FROM sync_conflicts ORDER BY tbl, row_id")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (tbl, row) in listed {
        let label = label(conn, &tbl, &row)?;
        for (field, ops) in row_conflicts(&row_ops(conn, &tbl, &row)?) {
            let kind = if ops.iter().any(|o| o.field != field) {
                "delete"
            } else {
                "edit"
            };
            out.push(Conflict {
                id: conflict_id(&tbl, &row, &field),
                kind: kind.into(),
                table: tbl.clone(),
                row: row.clone(),
                label: label.clone(),
                field,
                values: ops
                    .iter()
                    .enumerate()
                    .map(|(i, o)| Choice {
                        n: i + 1,
                        field: o.field.clone(),
                        value: o
                            .value
                            .as_deref()
                            .and_then(|v| serde_json::from_str(v).ok())
                            .unwrap_or(serde_json::Value::Null),
                        site: o.site.clone(),
                        who: o.actor.clone().unwrap_or_default(),
                        at: clock::show(o.hlc),
                        row: None,
                    })
                    .collect(),
            });
        }
    }
    out.extend(duplicates(conn)?);
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(out)
}

fn label(conn: &Connection, tbl: &str, row: &str) -> Result<Option<String>> {
    let cols = super::op::Columns::load(conn)?;
    if !cols.has(tbl, "name") {
        return Ok(None);
    }
    Ok(conn
        .query_row(
            &format!("SELECT name FROM {tbl} WHERE id = ?1"),
            [row],
            |r| r.get(0),
        )
        .unwrap_or(None))
}

/// Organizations that share a credit code, as conflicts to merge.
pub fn duplicates(conn: &Connection) -> Result<Vec<Conflict>> {
    let codes: Vec<String> = conn
        .prepare(
            "SELECT code FROM orgs WHERE deleted = 0 AND code IS NOT NULL AND code <> ''
             GROUP BY code HAVING COUNT(*) > 1 ORDER BY code",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::new();
    let mut stmt = conn.prepare(
        "SELECT id, name, street_id FROM orgs WHERE deleted = 0 AND code = ?1 ORDER BY id",
    )?;
    for code in codes {
        let rows: Vec<(String, Option<String>, Option<String>)> = stmt
            .query_map(params![code], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let Some(first) = rows.first() else { continue };
        out.push(Conflict {
            id: conflict_id("orgs", &code, "code"),
            kind: "duplicate".into(),
            table: "orgs".into(),
            row: first.0.clone(),
            label: first.1.clone(),
            field: "code".into(),
            values: rows
                .iter()
                .enumerate()
                .map(|(i, (id, name, _))| Choice {
                    n: i + 1,
                    field: "name".into(),
                    value: name.clone().map_or(serde_json::Value::Null, Into::into),
                    site: String::new(),
                    who: String::new(),
                    at: String::new(),
                    row: Some(id.clone()),
                })
                .collect(),
        });
    }
    Ok(out)
}

/// The commands that settle conflict `c`: keep value `pick` (1-based), or
/// write `value`. For a duplicate, the organizations not kept are deleted; for
/// a delete against an edit, the row stays deleted or comes back.
pub fn resolution(
    c: &Conflict,
    pick: Option<usize>,
    value: Option<String>,
) -> Result<Vec<Command>> {
    let chosen = match pick {
        Some(n) => Some(c.values.get(n.wrapping_sub(1)).ok_or_else(|| {
            Error::invalid("pick", n.to_string(), &format!("1..{}", c.values.len()))
        })?),
        None => None,
    };
    let row = Id(c.row.clone());
    let table = c.table.clone();
    let cmds: Vec<Command> = match (c.kind.as_str(), chosen, value) {
        ("duplicate", Some(keep), _) => c
            .values
            .iter()
            .filter(|v| v.row != keep.row)
            .filter_map(|v| v.row.clone())
            .map(|r| Command::Delete {
                table: table.clone(),
                row: Id(r),
            })
            .collect(),
        ("duplicate", None, _) => {
            return Err(Error::invalid(
                "value",
                "",
                tr(
                    "重复记录请用 --pick 选择保留哪一个",
                    "for a duplicate, --pick the one to keep",
                ),
            ));
        }
        ("delete", Some(v), _) => {
            let keep_deleted = v.field == "deleted";
            vec![settle(
                &table,
                &row,
                "deleted",
                if keep_deleted { "1" } else { "0" },
            )]
        }
        ("delete", None, _) => {
            return Err(Error::invalid(
                "value",
                "",
                tr("删除冲突请用 --pick", "for a delete conflict, use --pick"),
            ));
        }
        (_, Some(v), _) => vec![settle(&table, &row, &c.field, &v.value.to_string())],
        (_, None, Some(text)) => {
            let ints = c
                .values
                .iter()
                .all(|v| v.value.is_i64() || v.value.is_null());
            let json = match text.trim().parse::<i64>() {
                Ok(n) if ints => n.to_string(),
                _ => serde_json::Value::from(text).to_string(),
            };
            vec![settle(&table, &row, &c.field, &json)]
        }
        (_, None, None) => return Err(Error::invalid("pick", "", "--pick N | --value V")),
    };
    Ok(cmds)
}

fn settle(table: &str, row: &Id, field: &str, json: &str) -> Command {
    Command::Settle {
        table: table.to_string(),
        row: row.clone(),
        field: field.to_string(),
        value: Some(json.to_string()),
    }
}
