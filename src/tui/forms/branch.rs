//! The found-a-branch form: which organizations it covers, and the command
//! it becomes. The marked organizations are covered, exactly those; the
//! organization under the cursor only when nothing is marked.

use rusqlite::Connection;

use super::vocab;
use crate::domain::command::NewBranch;
use crate::domain::kinds::{Level, Mode};
use crate::domain::{Command, Date, Id};
use crate::error::{Error, Result};
use crate::i18n::tr;
use crate::store::form_reads::{self, org_name};
use crate::tui::form::{Field, Form, FormKind};

/// The organizations a branch founded now covers: the marked ones, or else
/// the one under the cursor.
pub fn covers(org: Option<&str>, marked: &[String]) -> Vec<String> {
    if marked.is_empty() {
        org.map(|o| vec![o.to_string()]).unwrap_or_default()
    } else {
        marked.to_vec()
    }
}

/// The form, listing the covered organizations by name, one a line.
pub fn open(conn: &Connection, org: Option<&str>, marked: &[String], today: Date) -> Result<Form> {
    let mut named: Vec<(String, String)> = covers(org, marked)
        .into_iter()
        .map(|id| Ok((org_name(conn, &id)?, id)))
        .collect::<Result<_>>()?;
    if named.is_empty() {
        return Err(Error::Refused(
            tr(
                "请先选择或标记（空格）组织",
                "select or mark (space) organizations first",
            )
            .into(),
        ));
    }
    named.sort();
    let mode = if named.len() > 1 { 1 } else { 0 };
    let modes = vocab(Mode::ALL, Mode::code, Mode::label);
    let name = match named.as_slice() {
        [(one, _)] => format!("{one}党支部"),
        _ => String::new(),
    };
    let shown = named
        .iter()
        .map(|(n, id)| if n.is_empty() { id.clone() } else { n.clone() })
        .collect();
    let fields = vec![
        Field::list("covers", tr("覆盖组织", "covers"), shown),
        Field::text("name", tr("党组织名称", "name"), &name),
        Field::choice("mode", tr("组建方式", "mode"), modes, mode),
        Field::text("secretary", tr("书记", "secretary"), ""),
        Field::text("date", tr("日期", "date"), &today.to_string()),
    ];
    let first = named.first().map(|(_, id)| id.clone());
    let mut f = Form::new(FormKind::FoundBranch, first, fields);
    f.original = named.into_iter().map(|(_, id)| ("cover", id)).collect();
    Ok(f)
}

/// The ids the form covers, in the order it lists them.
pub fn covered(form: &Form) -> Vec<Id> {
    form.original
        .iter()
        .filter(|(k, _)| *k == "cover")
        .map(|(_, v)| Id(v.clone()))
        .collect()
}

/// The command the filled form becomes.
pub fn command(conn: &Connection, form: &Form) -> Result<Command> {
    let covers = covered(form);
    let first = covers
        .first()
        .cloned()
        .ok_or_else(|| Error::invalid("covers", "0", "empty"))?;
    let (street, building) = form_reads::org_place(conn, first.as_str())?;
    let street = street.unwrap_or_default();
    let mode = Mode::parse(&form.get("mode"))?;
    let building = building.filter(|_| mode == Mode::Building).map(Id);
    Ok(Command::FoundBranch(NewBranch {
        id: Id::new(),
        name: form.get("name"),
        mode,
        level: Level::Branch,
        street: Id(street),
        building,
        secretary: form.get("secretary"),
        covers,
    }))
}
