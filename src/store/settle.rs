//! Deletes, restores and conflict resolutions: ordinary commands through the
//! one write path, so sync carries them like any edit.

use rusqlite::OptionalExtension;

use super::Val;
use super::schema::TABLES;
use super::write::Writer;
use crate::domain::{Id, fields};
use crate::error::{Error, Result};
use crate::i18n::tr;

/// The row's `deleted` flag; refuses tables without one and missing rows.
fn deleted_flag(w: &Writer<'_>, table: &str, row: &Id) -> Result<bool> {
    let cols = crate::store::op::Columns::load(w.tx)?;
    if !TABLES.contains(&table) || !cols.has(table, "deleted") {
        return Err(Error::invalid(
            "table",
            table,
            tr("该表的记录不能删除", "rows of this table cannot be deleted"),
        ));
    }
    let flag: Option<i64> = w
        .one(
            &format!("SELECT deleted FROM {table} WHERE id = ?1"),
            [row.as_str()],
            |r| r.get(0),
        )
        .optional()?;
    flag.map(|f| f != 0)
        .ok_or_else(|| Error::invalid("row", row.as_str(), tr("不存在", "does not exist")))
}

pub fn delete(w: &mut Writer<'_>, table: &str, row: &Id) -> Result<()> {
    if deleted_flag(w, table, row)? {
        return Err(Error::invalid(
            "row",
            row.as_str(),
            tr("已删除", "is already deleted"),
        ));
    }
    w.delete(table, row)
}

pub fn restore(w: &mut Writer<'_>, table: &str, row: &Id) -> Result<()> {
    if !deleted_flag(w, table, row)? {
        return Err(Error::invalid(
            "row",
            row.as_str(),
            tr("未被删除", "is not deleted"),
        ));
    }
    w.settle(table, row, "deleted", &Val::Int(0))
}

/// A person's answer to a conflict: the value is read as the field stores
/// it and checked by the field's rule (`domain::fields`), and a reference
/// must name a row that exists; a value the field does not take is refused
/// and nothing is written.
pub fn settle(
    w: &mut Writer<'_>,
    table: &str,
    row: &Id,
    field: &str,
    value: Option<&str>,
) -> Result<()> {
    let v = crate::store::op::parse_value(value).ok_or_else(|| {
        Error::invalid(
            field,
            value.unwrap_or(""),
            tr("不是有效的值", "is not a valid value"),
        )
    })?;
    let v = fields::normalize(table, field, v)?;
    super::fields::check_ref(w.tx, table, field, &v)?;
    if field == "deleted" && v == Val::Int(1) {
        // Deleting again names everything the row holds now, so the edits
        // shown in the conflict count as seen.
        return w.delete(table, row);
    }
    if let Some(warning) = fields::warning(table, field, &v) {
        w.warn(warning);
    }
    w.settle(table, row, field, &v)?;
    if table == "orgs" && matches!(field, "street_id" | "community_id") {
        // The answer is where it is, not a move: the place since its last
        // move says the same.
        super::apply::counting::corrected(w, row)?;
    }
    Ok(())
}
