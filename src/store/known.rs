//! What an import matches rows against: every organization's registration
//! facts and the district's places, read once.

use rusqlite::Connection;

use crate::domain::Id;
use crate::error::Result;

#[derive(Clone, Debug)]
pub struct KnownOrg {
    pub id: Id,
    pub name: String,
    pub code: Option<String>,
    pub status: String,
    pub address: String,
    pub employees: Option<i64>,
    pub street: Option<Id>,
}

#[derive(Default)]
pub struct Known {
    pub orgs: Vec<KnownOrg>,
    pub streets: Vec<(Id, String)>,
    /// (id, name, street id)
    pub communities: Vec<(Id, String, Id)>,
}

pub fn load(conn: &Connection) -> Result<Known> {
    let mut stmt = conn.prepare(
        "SELECT id, name, code, status, address, employees, street_id FROM orgs WHERE deleted = 0",
    )?;
    let orgs = stmt
        .query_map([], |r| {
            Ok(KnownOrg {
                id: Id(r.get(0)?),
                name: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
                code: r.get(2)?,
                status: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
                address: r.get::<_, Option<String>>(4)?.unwrap_or_default(),
                employees: r.get(5)?,
                street: r.get::<_, Option<String>>(6)?.map(Id),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut stmt = conn.prepare(
        "SELECT c.id, c.name, c.street_id FROM communities c WHERE c.deleted = 0 AND c.street_id IS NOT NULL",
    )?;
    let communities = stmt
        .query_map([], |r| {
            Ok((
                Id(r.get(0)?),
                r.get::<_, Option<String>>(1)?.unwrap_or_default(),
                Id(r.get(2)?),
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Known {
        orgs,
        streets: super::read::streets(conn)?,
        communities,
    })
}
