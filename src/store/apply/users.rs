//! Users and their place (street, community) by role.

use super::*;

pub(super) fn require_user(w: &Writer<'_>, user: &Id) -> Result<()> {
    if w.tx
        .prepare_cached("SELECT 1 FROM users WHERE id = ?1 AND deleted = 0")?
        .exists([&user.0])?
    {
        Ok(())
    } else {
        Err(Error::invalid(
            "user",
            user.as_str(),
            tr("不存在", "does not exist"),
        ))
    }
}

/// A street user needs a street; a community user a community (whose street
/// becomes theirs too); district and read-only users need neither.
pub(super) fn user_place(
    w: &Writer<'_>,
    role: Role,
    street: Option<Id>,
    community: Option<Id>,
) -> Result<(Option<Id>, Option<Id>)> {
    match role {
        Role::Street => {
            let s = street.ok_or_else(|| {
                Error::invalid(
                    "street",
                    "",
                    tr("街道用户需指定街道", "a street user needs --street"),
                )
            })?;
            w.require(Noun::Street, &s)?;
            Ok((Some(s), None))
        }
        Role::Community => {
            let c = community.ok_or_else(|| {
                Error::invalid(
                    "community",
                    "",
                    tr("社区用户需指定社区", "a community user needs --community"),
                )
            })?;
            w.require(Noun::Community, &c)?;
            let s: Option<String> = w.one(
                "SELECT street_id FROM communities WHERE id = ?1",
                [&c.0],
                |r| r.get(0),
            )?;
            Ok((s.map(Id), Some(c)))
        }
        Role::District | Role::ReadOnly => Ok((None, None)),
    }
}

pub(super) fn add_user(w: &mut Writer<'_>, u: NewUser) -> Result<()> {
    let os_user = text("os_user", &u.os_user, true)?;
    if w.tx
        .prepare_cached("SELECT 1 FROM users WHERE os_user = ?1 AND deleted = 0")?
        .exists([&os_user])?
    {
        return Err(Error::invalid(
            "os_user",
            &os_user,
            tr("已登记", "is already a user"),
        ));
    }
    let first = !w
        .tx
        .prepare_cached("SELECT 1 FROM users WHERE deleted = 0")?
        .exists([])?;
    // The first user of a database administers it.
    let role = if first { Role::District } else { u.role };
    if first && u.role != Role::District {
        w.warn(
            tr(
                "第一个用户设为区级角色",
                "the first user is given the district role",
            )
            .into(),
        );
    }
    let (street, community) = user_place(w, role, u.street, u.community)?;
    let name = text("name", &u.name, false)?;
    let fields = [
        ("os_user", os_user.clone().into()),
        ("name", if name.is_empty() { os_user } else { name }.into()),
        ("office", u.office.map(|o| o.code()).into()),
        ("role", role.code().into()),
        ("street_id", street.as_ref().into()),
        ("community_id", community.as_ref().into()),
    ];
    w.insert("users", &u.id, &fields)
}
