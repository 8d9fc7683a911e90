//! The field rules (`domain::fields`) where they need the database: an op's
//! value checked against its column, and a reference checked against the
//! rows that exist.

use rusqlite::Connection;

use super::Val;
use super::op::{Op, parse_value};
use crate::domain::fields::{self, FieldError};
use crate::error::{Error, Result};
use crate::i18n::tr;

/// An op's value as its column stores it, if the column takes it: the JSON
/// parses (null, an integer or a string) and `domain::fields::check`
/// passes. Needs no database; whether a referenced row exists is
/// `check_ref`'s question. An op naming a field this version lacks is
/// not judged (see `fields::rule`).
pub fn check_op(op: &Op) -> Result<Val> {
    let v = parse_value(op.value.as_deref()).ok_or_else(|| {
        Error::invalid(
            &op.field,
            op.value
                .as_deref()
                .unwrap_or("")
                .chars()
                .take(40)
                .collect::<String>(),
            tr("不是有效的值", "is not a valid value"),
        )
    })?;
    fields::check(&op.tbl, &op.field, &v)?;
    Ok(v)
}

/// When `table.field` references another table (`fields::reference`) and
/// `v` is an id, the row must exist there (deleted or not: a tombstone is
/// still a row). Null and fields that reference nothing pass.
pub fn check_ref(conn: &Connection, table: &str, field: &str, v: &Val) -> Result<()> {
    let (Some(target), Val::Text(id)) = (fields::reference(table, field), v) else {
        return Ok(());
    };
    // `target` comes from the rules, never from the op: safe in SQL.
    let exists = conn
        .prepare_cached(&format!("SELECT 1 FROM {target} WHERE id = ?1"))?
        .exists([id])?;
    if exists {
        return Ok(());
    }
    let label = fields::rule(table, field).map_or("", |r| r.label());
    Err(FieldError {
        field: field.to_string(),
        label,
        value: id.chars().take(64).collect(),
        reason: format!("{} {target}", tr("找不到该记录:", "no such row in")),
    }
    .into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::op::Columns;
    use crate::store::schema::{TABLES, migrations};

    fn db() -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        migrations().to_latest(&mut conn).unwrap();
        conn
    }

    fn op(tbl: &str, field: &str, value: Option<&str>) -> Op {
        serde_json::from_value(serde_json::json!({
            "site": "s", "seq": 1, "hlc": 1, "tbl": tbl, "row": "r",
            "field": field, "value": value, "schema": 1, "supersedes": null
        }))
        .unwrap()
    }

    #[test]
    fn every_column_ops_can_name_has_a_rule() {
        let conn = db();
        let cols = Columns::load(&conn).unwrap();
        for t in TABLES {
            let mut stmt = conn.prepare(&format!("PRAGMA table_info({t})")).unwrap();
            let names: Vec<String> = stmt
                .query_map([], |r| r.get(1))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            for c in names.iter().filter(|c| *c != "id") {
                assert!(cols.has(t, c));
                assert!(fields::rule(t, c).is_some(), "no rule for {t}.{c}");
            }
        }
    }

    #[test]
    fn every_reference_names_a_table_with_ids() {
        let conn = db();
        for t in TABLES {
            let mut stmt = conn.prepare(&format!("PRAGMA table_info({t})")).unwrap();
            let names: Vec<String> = stmt
                .query_map([], |r| r.get(1))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            for c in &names {
                if let Some(target) = fields::reference(t, c) {
                    assert!(TABLES.contains(&target), "{t}.{c} -> {target}");
                    // an id that is not there is refused, naming the field
                    let e = check_ref(&conn, t, c, &Val::Text("0190f1c2-no-such".into()))
                        .unwrap_err()
                        .to_string();
                    // named by its label in Chinese, as typed in English
                    let name = match crate::i18n::current() {
                        crate::i18n::Lang::Zh => fields::rule(t, c).unwrap().label(),
                        crate::i18n::Lang::En => c.as_str(),
                    };
                    assert!(e.contains(name) && e.contains("0190f1c2-no-such"), "{e}");
                }
            }
        }
    }

    #[test]
    fn a_reference_holds_when_the_row_exists_even_deleted() {
        let conn = db();
        conn.execute(
            "INSERT INTO streets(id, name, deleted) VALUES ('s1', '南坪街道', 1)",
            [],
        )
        .unwrap();
        let s1 = Val::Text("s1".into());
        assert!(check_ref(&conn, "orgs", "street_id", &s1).is_ok());
        assert!(check_ref(&conn, "orgs", "street_id", &Val::Null).is_ok());
        assert!(check_ref(&conn, "orgs", "name", &Val::Text("s2".into())).is_ok());
        let e = check_ref(&conn, "orgs", "community_id", &s1).unwrap_err();
        assert!(e.to_string().contains("communities"), "{e}");
    }

    #[test]
    fn an_op_value_is_parsed_then_checked() {
        assert_eq!(
            check_op(&op("orgs", "employees", Some("12"))).unwrap(),
            Val::Int(12)
        );
        assert_eq!(check_op(&op("orgs", "employees", None)).unwrap(), Val::Null);
        let e = check_op(&op("orgs", "employees", Some("\"abc\"")))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains(fields::spoken_name("employees")) && e.contains("abc"),
            "{e}"
        );
        assert!(check_op(&op("orgs", "employees", Some("-1"))).is_err());
        assert!(check_op(&op("orgs", "employees", Some("1.5"))).is_err());
        assert!(check_op(&op("orgs", "employees", Some("[1]"))).is_err());
        assert!(check_op(&op("orgs", "kind", Some("\"big\""))).is_err());
        assert!(check_op(&op("orgs", "entered_on", Some("\"2101-01-01\""))).is_err());
        assert!(check_op(&op("orgs", "kind", Some("\"foundation\""))).is_ok());
        // a newer schema's field is not judged here
        assert!(check_op(&op("orgs", "wechat", Some("\"x\""))).is_ok());
    }
}
