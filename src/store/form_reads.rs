//! What the app's forms read: an organization's editable facts (also to
//! tell a stale write), its name and place, and the choices a form offers
//! (instructors, members to transfer, party organizations).

use rusqlite::{Connection, OptionalExtension};

use crate::domain::kinds::{Relation, Source};
use crate::error::Result;

/// The editable facts of an organization, as the edit form shows them.
pub fn org_facts(conn: &Connection, org: &str) -> Result<Vec<(&'static str, String)>> {
    Ok(conn.query_row(
        "SELECT name, COALESCE(employees, ''), COALESCE(industry, ''), COALESCE(address, ''),
                COALESCE(contact, ''), COALESCE(phone, ''), COALESCE(identity_check, 0),
                COALESCE(legal_rep_member, 0)
         FROM orgs WHERE id = ?1",
        [org],
        |r| {
            let yes_no = |i: usize| -> rusqlite::Result<String> {
                Ok(if r.get::<_, i64>(i)? != 0 {
                    "yes"
                } else {
                    "no"
                }
                .into())
            };
            let emp: rusqlite::types::Value = r.get(1)?;
            let emp = match emp {
                rusqlite::types::Value::Integer(n) => n.to_string(),
                _ => String::new(),
            };
            Ok(vec![
                ("name", r.get::<_, Option<String>>(0)?.unwrap_or_default()),
                ("employees", emp),
                ("industry", r.get(2)?),
                ("address", r.get(3)?),
                ("contact", r.get(4)?),
                ("phone", r.get(5)?),
                ("identity_check", yes_no(6)?),
                ("legal_rep_member", yes_no(7)?),
            ])
        },
    )?)
}

pub fn org_name(conn: &Connection, org: &str) -> Result<String> {
    Ok(conn
        .query_row("SELECT name FROM orgs WHERE id = ?1", [org], |r| {
            r.get::<_, Option<String>>(0)
        })
        .optional()?
        .flatten()
        .unwrap_or_default())
}

/// Instructors for `org`: same industry first, then by source, then name.
pub fn instructor_candidates(conn: &Connection, org: &str) -> Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare(
        "SELECT i.id, i.name, i.source, COALESCE(i.industry, ''),
                (SELECT COUNT(*) FROM assignments a WHERE a.instructor_id = i.id AND a.deleted = 0 AND a.to_on IS NULL)
         FROM instructors i WHERE i.deleted = 0
         ORDER BY (COALESCE(i.industry, '') <> '' AND i.industry = (SELECT industry FROM orgs WHERE id = ?1)) DESC,
                  CASE i.source WHEN 'street' THEN 0 WHEN 'community' THEN 1 WHEN 'district-dept' THEN 2 ELSE 3 END,
                  i.name",
    )?;
    let rows = stmt.query_map([org], |r| {
        let source: String = r.get(2)?;
        let industry: String = r.get(3)?;
        let n: i64 = r.get(4)?;
        let src = Source::parse(&source).map(|s| s.label()).unwrap_or("");
        let ind = if industry.is_empty() {
            String::new()
        } else {
            format!(" · {industry}")
        };
        Ok((
            r.get::<_, String>(0)?,
            format!("{} · {src}{ind} · {n}", r.get::<_, String>(1)?),
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn members_to_transfer(conn: &Connection, org: &str) -> Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare(
        "SELECT id, name, COALESCE(relation, '') FROM persons WHERE org_id = ?1 AND deleted = 0
         AND left_on IS NULL AND status IN ('formal', 'probationary')
         AND COALESCE(relation, '') <> 'branch' ORDER BY name",
    )?;
    let rows = stmt.query_map([org], |r| {
        let rel: String = r.get(2)?;
        let rel = Relation::parse(&rel).map(|x| x.label()).unwrap_or("");
        Ok((
            r.get::<_, String>(0)?,
            format!("{} ({rel})", r.get::<_, String>(1)?),
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Party organizations covering `org` first, then the others in its street.
pub fn branches_for(conn: &Connection, org: &str) -> Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare(
        "SELECT p.id, p.name FROM party_orgs p WHERE p.deleted = 0 AND p.dissolved_on IS NULL
           AND p.street_id = (SELECT street_id FROM orgs WHERE id = ?1)
         ORDER BY EXISTS (SELECT 1 FROM links l WHERE l.party_org_id = p.id AND l.org_id = ?1 AND l.to_on IS NULL) DESC, p.name",
    )?;
    let rows = stmt.query_map([org], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// An organization's street and building ids.
pub fn org_place(conn: &Connection, org: &str) -> Result<(Option<String>, Option<String>)> {
    Ok(conn
        .query_row(
            "SELECT street_id, building_id FROM orgs WHERE id = ?1",
            [org],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .unwrap_or((None, None)))
}
