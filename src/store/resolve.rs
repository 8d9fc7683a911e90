//! Turning what a person typed (an id, a credit code, an exact name) into a row id.

use rusqlite::{Connection, params};

use crate::domain::Id;
use crate::error::{Error, Noun, Result};

pub(super) fn table_of(what: Noun) -> &'static str {
    match what {
        Noun::Street => "streets",
        Noun::Community => "communities",
        Noun::Building => "buildings",
        Noun::Org => "orgs",
        Noun::Branch => "party_orgs",
        Noun::Person => "persons",
        Noun::Instructor => "instructors",
        Noun::Assignment => "assignments",
        Noun::Task => "tasks",
        Noun::Alert => "alerts",
    }
}

/// What a lookup reads for `what`: its table, or for tasks the list that
/// also holds the registration checks implied by their organizations.
fn readable(what: Noun) -> &'static str {
    match what {
        Noun::Task => "task_list",
        _ => table_of(what),
    }
}

/// Whether a live row with this id exists.
pub fn exists(conn: &Connection, what: Noun, id: &Id) -> Result<bool> {
    let sql = format!(
        "SELECT 1 FROM {} WHERE id = ?1 AND deleted = 0",
        readable(what)
    );
    Ok(conn.prepare_cached(&sql)?.exists([&id.0])?)
}

pub fn require(conn: &Connection, what: Noun, id: &Id) -> Result<()> {
    if exists(conn, what, id)? {
        Ok(())
    } else {
        Err(Error::not_found(what, id.as_str()))
    }
}

fn one(what: Noun, input: &str, mut ids: Vec<(String, String)>) -> Result<Id> {
    match ids.len() {
        0 => Err(Error::not_found(what, input)),
        1 => Ok(Id(ids.remove(0).0)),
        _ => Err(Error::Ambiguous {
            what,
            value: input.to_string(),
            candidates: ids
                .into_iter()
                .map(|(id, label)| format!("{id} ({label})"))
                .collect(),
        }),
    }
}

/// A row named by id or exact name; `scope_sql` optionally narrows by a
/// parent column (`street_id`, `org_id`).
fn by_id_or_name(
    conn: &Connection,
    what: Noun,
    input: &str,
    scope: Option<(&str, &Id)>,
) -> Result<Id> {
    let t = input.trim();
    let table = table_of(what);
    if Id::looks_like(t) {
        let id = Id(t.to_ascii_lowercase());
        if exists(conn, what, &id)? {
            return Ok(id);
        }
        return Err(Error::not_found(what, input));
    }
    let (sql, scope_id) = match scope {
        Some((col, id)) => (
            format!("SELECT id, name FROM {table} WHERE name = ?1 AND deleted = 0 AND {col} = ?2"),
            id.0.clone(),
        ),
        None => (
            format!("SELECT id, name FROM {table} WHERE name = ?1 AND deleted = 0 AND ?2 = ?2"),
            String::new(),
        ),
    };
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt
        .query_map(params![t, scope_id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    one(what, input, rows)
}

pub fn street(conn: &Connection, input: &str) -> Result<Id> {
    by_id_or_name(conn, Noun::Street, input, None)
}

pub fn community(conn: &Connection, input: &str, street: Option<&Id>) -> Result<Id> {
    by_id_or_name(
        conn,
        Noun::Community,
        input,
        street.map(|s| ("street_id", s)),
    )
}

pub fn building(conn: &Connection, input: &str, street: Option<&Id>) -> Result<Id> {
    by_id_or_name(
        conn,
        Noun::Building,
        input,
        street.map(|s| ("street_id", s)),
    )
}

pub fn branch(conn: &Connection, input: &str) -> Result<Id> {
    by_id_or_name(conn, Noun::Branch, input, None)
}

pub fn instructor(conn: &Connection, input: &str) -> Result<Id> {
    by_id_or_name(conn, Noun::Instructor, input, None)
}

/// A person by id or exact name. A name matches the people still employed
/// first: after a move, or a leave and a rehire, the earlier rows keep the
/// name too.
pub fn person(conn: &Connection, input: &str, org: Option<&Id>) -> Result<Id> {
    let scope = org.map(|o| ("org_id", o));
    if Id::looks_like(input.trim()) {
        return by_id_or_name(conn, Noun::Person, input, scope);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT id, name FROM persons WHERE name = ?1 AND deleted = 0 AND left_on IS NULL
           AND (?2 IS NULL OR org_id = ?2)",
    )?;
    let current = stmt
        .query_map(params![input.trim(), org.map(|o| o.as_str())], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    if current.is_empty() {
        by_id_or_name(conn, Noun::Person, input, scope)
    } else {
        one(Noun::Person, input, current)
    }
}

/// An organization by id, credit code or exact name.
pub fn org(conn: &Connection, input: &str) -> Result<Id> {
    let t = input.trim();
    if Id::looks_like(t) {
        return by_id_or_name(conn, Noun::Org, t, None);
    }
    let upper = t.to_ascii_uppercase();
    let mut stmt = conn.prepare_cached(
        "SELECT id, name FROM orgs WHERE deleted = 0 AND (code = ?1 OR name = ?2)",
    )?;
    let rows = stmt
        .query_map(params![upper, t], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    one(Noun::Org, input, rows)
}

/// A row named by its id or a unique prefix of it (8 characters or more), as
/// task and alert lists print them.
fn by_prefix(conn: &Connection, what: Noun, live: &str, input: &str) -> Result<Id> {
    let t = input.trim().to_ascii_lowercase();
    let ok = t.len() >= 8 && t.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
    if !ok {
        return Err(Error::not_found(what, input));
    }
    let sql = format!(
        "SELECT id, id FROM {} WHERE id >= ?1 AND id < ?1 || 'g' AND {live} LIMIT 5",
        readable(what)
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt
        .query_map([&t], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    one(what, input, rows)
}

pub fn task(conn: &Connection, input: &str) -> Result<Id> {
    by_prefix(conn, Noun::Task, "deleted = 0", input)
}

/// An instructor's assignment by its id (or a unique prefix of it).
pub fn assignment(conn: &Connection, input: &str) -> Result<Id> {
    by_prefix(conn, Noun::Assignment, "deleted = 0", input)
}

/// The assignment of `instructor` to `org` that has not ended (the latest,
/// should there be more than one), if there is one.
pub fn open_assignment(conn: &Connection, instructor: &Id, org: &Id) -> Result<Option<Id>> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .prepare_cached(
            "SELECT id FROM assignments
             WHERE instructor_id = ?1 AND org_id = ?2 AND deleted = 0 AND to_on IS NULL
             ORDER BY from_on DESC LIMIT 1",
        )?
        .query_row(params![instructor.as_str(), org.as_str()], |r| {
            r.get::<_, String>(0)
        })
        .optional()?
        .map(Id))
}
