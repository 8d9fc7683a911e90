//! Who may change what. Once a database has users, the acting user (the OS
//! user on a shared server, else the configured name) changes only what lies
//! inside their street or community; a database without users is a single
//! cadre's laptop and has no limits.

use rusqlite::{Connection, OptionalExtension, params};

use super::actor::Actor;
use crate::domain::kinds::Role;
use crate::domain::{Command, Id};
use crate::error::{Error, Result};
use crate::i18n::tr;

#[derive(Debug, Clone)]
pub struct User {
    pub id: Id,
    pub role: Role,
    pub street: Option<String>,
    pub community: Option<String>,
}

/// The registered user acting, if the database has users: `Ok(None)` when it has none.
pub fn acting_user(conn: &Connection, actor: &Actor) -> Result<Option<User>> {
    if !conn
        .prepare_cached("SELECT 1 FROM users WHERE deleted = 0")?
        .exists([])?
    {
        return Ok(None);
    }
    let found = conn
        .prepare_cached(
            "SELECT id, role, street_id, community_id FROM users WHERE deleted = 0 AND (os_user = ?1 OR os_user = ?2)
             ORDER BY os_user = ?1 DESC LIMIT 1",
        )?
        .query_row(params![actor.os_user, actor.name], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get(2)?, r.get(3)?))
        })
        .optional()?;
    match found {
        Some((id, role, street, community)) => Ok(Some(User {
            id: Id(id),
            role: Role::parse(&role)?,
            street,
            community,
        })),
        None => Err(Error::Refused(format!(
            "{} {}: {}",
            tr("用户", "user"),
            crate::text::clean(&actor.os_user),
            tr(
                "未登记，不能修改台账（请区级用户用 user add 登记）",
                "is not registered and cannot change the ledger (a district user adds them with user add)"
            )
        ))),
    }
}

/// (street id, community id) of one place a command touches.
type Place = (Option<String>, Option<String>);

/// The places of the organizations and party organizations a command
/// touches; `None` means it touches the district as a whole.
fn places(conn: &Connection, cmd: &Command) -> Result<Option<Vec<Place>>> {
    let org = |id: &Id| -> Result<Place> {
        Ok(conn
            .query_row(
                "SELECT street_id, community_id FROM orgs WHERE id = ?1",
                [id.as_str()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .unwrap_or((None, None)))
    };
    let person_org = |id: &Id| -> Result<Id> {
        Ok(Id(conn
            .query_row(
                "SELECT org_id FROM persons WHERE id = ?1",
                [id.as_str()],
                |r| r.get::<_, Option<String>>(0),
            )
            .optional()?
            .flatten()
            .unwrap_or_default()))
    };
    let branch = |id: &Id| -> Result<Place> {
        let s: Option<String> = conn
            .query_row(
                "SELECT street_id FROM party_orgs WHERE id = ?1",
                [id.as_str()],
                |r| r.get(0),
            )
            .optional()?
            .flatten();
        Ok((s, None))
    };
    let community_street = |c: &Id| -> Result<Option<String>> {
        Ok(conn
            .query_row(
                "SELECT street_id FROM communities WHERE id = ?1",
                [c.as_str()],
                |r| r.get(0),
            )
            .optional()?
            .flatten())
    };
    Ok(Some(match cmd {
        Command::AddStreet { .. }
        | Command::AddUser(_)
        | Command::SetUser { .. }
        | Command::AddInstructor(_) => return Ok(None),
        Command::AddCommunity { street, .. } | Command::AddBuilding { street, .. } => {
            vec![(Some(street.0.clone()), None)]
        }
        Command::AddOrg(o) => vec![(
            Some(o.street.0.clone()),
            o.community.as_ref().map(|c| c.0.clone()),
        )],
        Command::SetOrg { org: id, fields } => {
            let mut v = vec![org(id)?];
            for f in fields {
                match f {
                    crate::domain::command::OrgField::Street(s) => {
                        v.push((Some(s.0.clone()), None))
                    }
                    crate::domain::command::OrgField::Community(Some(c)) => {
                        v.push((community_street(c)?, Some(c.0.clone())))
                    }
                    _ => {}
                }
            }
            v
        }
        Command::Survey { org: id, .. }
        | Command::ConfirmOrg { org: id }
        | Command::Assign { org: id, .. }
        | Command::Visit { org: id, .. } => vec![org(id)?],
        Command::AddPerson(p) => vec![org(&p.org)?],
        Command::SetStatus { person, .. } | Command::LeavePerson { person, .. } => {
            vec![org(&person_org(person)?)?]
        }
        // both employers: a move writes at each
        Command::MovePerson {
            person, org: to, ..
        } => vec![org(&person_org(person)?)?, org(to)?],
        Command::CloseOrg { org: id, .. } => vec![org(id)?],
        Command::EndAssignment { assignment } => {
            let o: Option<String> = conn
                .query_row(
                    "SELECT org_id FROM assignments WHERE id = ?1",
                    [assignment.as_str()],
                    |r| r.get(0),
                )
                .optional()?
                .flatten();
            vec![org(&Id(o.unwrap_or_default()))?]
        }
        Command::Transfer {
            person, branch: b, ..
        } => vec![org(&person_org(person)?)?, branch(b)?],
        Command::FoundBranch(b) => {
            let mut v = vec![(Some(b.street.0.clone()), None)];
            for o in &b.covers {
                v.push(org(o)?);
            }
            v
        }
        Command::Cover {
            branch: b, org: o, ..
        }
        | Command::Uncover { branch: b, org: o } => vec![branch(b)?, org(o)?],
        Command::Dissolve { branch: b } => vec![branch(b)?],
        Command::AdvanceTask { task, .. }
        | Command::CloseTask { task, .. }
        | Command::ReassignTask { task, .. } => {
            let (o, c): (Option<String>, Option<String>) = conn
                .query_row(
                    "SELECT org_id, community_id FROM task_list WHERE id = ?1",
                    [task.as_str()],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?
                .unwrap_or((None, None));
            match (o, c) {
                (Some(o), _) => vec![org(&Id(o))?],
                (None, Some(c)) => vec![(community_street(&Id(c.clone()))?, Some(c))],
                (None, None) => return Ok(None),
            }
        }
        // A decision on an alert is the business of the organization (or,
        // for a joint branch that covers too many, the branch) it is about.
        Command::SnoozeAlert { alert, .. } | Command::DismissAlert { alert, .. } => {
            match &alert.org {
                Some(o) => vec![org(o)?],
                None => vec![branch(&Id(alert.subject.clone()))?],
            }
        }
        Command::Delete { table, row }
        | Command::Restore { table, row }
        | Command::Settle { table, row, .. } => match table.as_str() {
            "orgs" => vec![org(row)?],
            "party_orgs" => vec![branch(row)?],
            _ => return Ok(None),
        },
        Command::ImportOrg(o) => vec![(
            o.street.as_ref().map(|s| s.0.clone()),
            o.community.as_ref().map(|c| c.0.clone()),
        )],
        Command::AddTask(t) => match (&t.org, &t.community) {
            (Some(o), _) => vec![org(o)?],
            (None, Some(c)) => vec![(community_street(c)?, Some(c.0.clone()))],
            (None, None) => return Ok(None),
        },
    }))
}

fn refuse(what: &str) -> Error {
    Error::Refused(format!(
        "{}: {what}",
        tr(
            "超出您的权限范围，未做任何改动",
            "outside your scope; nothing was changed"
        )
    ))
}

/// Whether `actor` may apply `cmd`.
pub fn check(conn: &Connection, actor: &Actor, cmd: &Command) -> Result<()> {
    match acting_user(conn, actor)? {
        Some(user) => check_user(conn, &user, cmd),
        None => Ok(()),
    }
}

/// Whether the acting `user` (looked up once for a batch) may apply `cmd`.
pub fn check_user(conn: &Connection, user: &User, cmd: &Command) -> Result<()> {
    // The places a command touches matter only to a street or community user.
    match user.role {
        Role::District => return Ok(()),
        Role::ReadOnly => return Err(refuse(tr("只读用户", "a read-only user"))),
        Role::Street | Role::Community => {}
    }
    let places = places(conn, cmd)?;
    match user.role {
        Role::District => Ok(()),
        Role::ReadOnly => Err(refuse(tr("只读用户", "a read-only user"))),
        Role::Street => match places {
            None if matches!(cmd, Command::AddInstructor(_)) => Ok(()),
            None => Err(refuse(tr("仅区级用户可做", "district users only"))),
            Some(p) if p.iter().all(|(s, _)| s.is_some() && *s == user.street) => Ok(()),
            Some(_) => Err(refuse(tr(
                "只能修改本街道的组织",
                "only your street's organizations",
            ))),
        },
        Role::Community => match places {
            None => Err(refuse(tr("仅区级用户可做", "district users only"))),
            Some(p)
                if matches!(
                    cmd,
                    Command::FoundBranch(_)
                        | Command::Cover { .. }
                        | Command::Uncover { .. }
                        | Command::Dissolve { .. }
                        | Command::Transfer { .. }
                        | Command::AddCommunity { .. }
                        | Command::AddBuilding { .. }
                ) =>
            {
                let _ = p;
                Err(refuse(tr(
                    "组建和覆盖由街道党建办办理",
                    "founding and covering belong to the street's party-building office",
                )))
            }
            Some(p) if p.iter().all(|(_, c)| c.is_some() && *c == user.community) => Ok(()),
            Some(_) => Err(refuse(tr(
                "只能修改本社区的组织",
                "only your community's organizations",
            ))),
        },
    }
}
