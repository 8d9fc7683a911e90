//! `user add|set|list`: who may change what (see `store::scope`).

use super::args::{UserArgs, UserCmd};
use super::{Ctx, print_json, text_or_json};
use crate::domain::command::NewUser;
use crate::domain::kinds::{Office, Role};
use crate::domain::{Command, Id};
use crate::error::{Error, Result};
use crate::i18n::tr;
use crate::store::resolve;

type Place = (Option<Option<Id>>, Option<Option<Id>>);

fn place(conn: &rusqlite::Connection, a: &UserArgs) -> Result<Place> {
    let street = a
        .street
        .as_deref()
        .map(|s| resolve::street(conn, s))
        .transpose()?;
    let community = a
        .community
        .as_deref()
        .map(|c| resolve::community(conn, c, street.as_ref()))
        .transpose()?;
    Ok((street.map(Some), community.map(Some)))
}

pub fn user(ctx: &Ctx, c: UserCmd) -> Result<()> {
    let mut store = ctx.open()?;
    match c {
        UserCmd::Add(a) => {
            let (street, community) = place(store.conn(), &a)?;
            let cmd = Command::AddUser(NewUser {
                id: Id::new(),
                os_user: a.os_user.clone(),
                name: a.name.clone().unwrap_or_default(),
                office: a.office.as_deref().map(Office::parse).transpose()?,
                role: a
                    .role
                    .as_deref()
                    .map(Role::parse)
                    .transpose()?
                    .unwrap_or(Role::ReadOnly),
                street: street.flatten(),
                community: community.flatten(),
            });
            ctx.write(&mut store, cmd)
        }
        UserCmd::Set(a) => {
            let id: Option<String> = store
                .conn()
                .query_row(
                    "SELECT id FROM users WHERE os_user = ?1 AND deleted = 0",
                    [&a.os_user],
                    |r| r.get(0),
                )
                .ok();
            let id = id.ok_or_else(|| {
                Error::invalid("os_user", &a.os_user, tr("未登记", "is not a user"))
            })?;
            let (street, community) = place(store.conn(), &a)?;
            let cmd = Command::SetUser {
                user: Id(id),
                name: a.name.clone(),
                office: a.office.as_deref().map(Office::parse).transpose()?,
                role: a.role.as_deref().map(Role::parse).transpose()?,
                street,
                community,
            };
            ctx.write(&mut store, cmd)
        }
        UserCmd::List { format } => {
            let json = text_or_json(&format)?;
            let mut stmt = store.conn().prepare(
                "SELECT u.os_user, u.name, COALESCE(u.office, ''), u.role, COALESCE(s.name, ''), COALESCE(c.name, '')
                 FROM users u LEFT JOIN streets s ON s.id = u.street_id LEFT JOIN communities c ON c.id = u.community_id
                 WHERE u.deleted = 0 ORDER BY u.os_user",
            )?;
            let rows: Vec<[String; 6]> = stmt
                .query_map([], |r| {
                    Ok([
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                    ])
                })?
                .collect::<rusqlite::Result<_>>()?;
            if json {
                let v: Vec<_> = rows
                    .iter()
                    .map(|r| {
                        serde_json::json!({"os_user": r[0], "name": r[1], "office": r[2], "role": r[3], "street": r[4], "community": r[5]})
                    })
                    .collect();
                return print_json(&v);
            }
            let h = [
                tr("系统用户", "OS user"),
                tr("姓名", "name"),
                tr("科室", "office"),
                tr("角色", "role"),
                tr("街道", "street"),
                tr("社区", "community"),
            ];
            let table: Vec<Vec<String>> = rows.into_iter().map(|r| r.to_vec()).collect();
            super::out::text(&crate::text::table(&h, &table, &[false; 6]))
        }
    }
}
