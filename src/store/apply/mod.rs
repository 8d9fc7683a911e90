//! Command handlers: validate against the ledger as it is inside the write
//! transaction, then write through the `Writer` (tables + op log).

pub(super) mod counting;
mod parties;
mod survey;
mod turnover;
mod users;

use parties::*;
use users::*;

use rusqlite::{OptionalExtension, params};

use super::Val;
use super::write::Writer;
use crate::domain::command::{NewBranch, NewOrg, NewPerson, NewUser, OrgField};
use crate::domain::kinds::{Mode, Political, Relation, Role};
use crate::domain::{Command, Id, fields, uscc};
use crate::error::{Error, Noun, Result};
use crate::i18n::tr;

pub use crate::domain::fields::MAX_TEXT;

/// Cleans a text field (no control characters), trims it and checks its
/// length: the text rule of `domain::fields`.
pub fn text(field: &str, value: &str, required: bool) -> Result<String> {
    Ok(fields::text(field, value, required)?)
}

/// An employee count, by the rule of `orgs.employees`.
pub fn employees(value: i64) -> Result<i64> {
    fields::check("orgs", "employees", &Val::Int(value))?;
    Ok(value)
}

pub fn apply(w: &mut Writer<'_>, cmd: Command) -> Result<()> {
    use super::apply_loop as loop_;
    match cmd {
        Command::AddStreet {
            id,
            name,
            committee,
        } => {
            let name = text("name", &name, true)?;
            no_duplicate_name(w, "streets", &name, None)?;
            let committee = text("committee", &committee, false)?;
            w.insert(
                "streets",
                &id,
                &[("name", name.into()), ("committee", committee.into())],
            )
        }
        Command::AddCommunity { id, name, street } => {
            let name = text("name", &name, true)?;
            w.require(Noun::Street, &street)?;
            no_duplicate_name(w, "communities", &name, Some(&street))?;
            w.insert(
                "communities",
                &id,
                &[("name", name.into()), ("street_id", (&street).into())],
            )
        }
        Command::AddBuilding { id, name, street } => {
            let name = text("name", &name, true)?;
            w.require(Noun::Street, &street)?;
            no_duplicate_name(w, "buildings", &name, Some(&street))?;
            w.insert(
                "buildings",
                &id,
                &[("name", name.into()), ("street_id", (&street).into())],
            )
        }
        Command::AddOrg(o) => add_org(w, o),
        Command::SetOrg { org, fields } => set_org(w, &org, fields),
        Command::ConfirmOrg { org } => counting::confirm(w, &org),
        Command::Survey {
            id,
            org,
            employees: emp,
            identity_check,
            note,
        } => survey::survey(w, &id, &org, emp, identity_check, &note),
        Command::AddPerson(p) => add_person(w, p),
        Command::SetStatus { person, status } => {
            w.require(Noun::Person, &person)?;
            let cur: String = w.one(
                "SELECT status FROM persons WHERE id = ?1",
                [&person.0],
                |r| r.get(0),
            )?;
            if cur == status.code() {
                return Err(Error::invalid(
                    "status",
                    status.code(),
                    tr("与现状相同", "is already the person's status"),
                ));
            }
            let on = w.on;
            w.update("persons", &person, &[("status", status.code().into())])?;
            w.insert(
                "status_changes",
                &Id::new(),
                &[
                    ("person_id", (&person).into()),
                    ("status", status.code().into()),
                    ("from_status", cur.into()),
                    ("on_date", on.into()),
                ],
            )
        }
        Command::Transfer { id, person, branch } => transfer(w, id, &person, &branch),
        Command::LeavePerson { person, reason } => turnover::leave(w, &person, &reason),
        Command::MovePerson { id, person, org } => turnover::move_to(w, &id, &person, &org),
        Command::EndAssignment { assignment } => turnover::end_assignment(w, &assignment),
        Command::CloseOrg { org, reason } => turnover::close_org(w, &org, reason),
        Command::FoundBranch(b) => found_branch(w, b),
        Command::Cover { id, branch, org } => {
            w.require(Noun::Branch, &branch)?;
            w.require(Noun::Org, &org)?;
            branch_active(w, &branch)?;
            org_operating(w, &org)?;
            if link_active(w, &branch, &org)?.is_some() {
                return Err(already_covered(&org));
            }
            let (mode, n) = branch_mode_and_count(w, &branch)?;
            if mode == Mode::Standalone && n >= 1 {
                return Err(Error::invalid(
                    "covers",
                    org.as_str(),
                    tr(
                        "单独组建的党组织只覆盖一家组织",
                        "a standalone branch covers one organization",
                    ),
                ));
            }
            link(w, &id, &branch, &org)
        }
        Command::Uncover { branch, org } => {
            w.require(Noun::Branch, &branch)?;
            w.require(Noun::Org, &org)?;
            let Some(link) = link_active(w, &branch, &org)? else {
                return Err(Error::invalid(
                    "org",
                    org.as_str(),
                    tr(
                        "不在该党组织覆盖范围内",
                        "is not covered by that party organization",
                    ),
                ));
            };
            let on = w.on;
            w.update("links", &link, &[("to_on", on.into())])
        }
        Command::Dissolve { branch } => {
            w.require(Noun::Branch, &branch)?;
            branch_active(w, &branch)?;
            let on = w.on;
            w.update("party_orgs", &branch, &[("dissolved_on", on.into())])
        }
        Command::AddInstructor(i) => {
            let name = text("name", &i.name, true)?;
            let fields = [
                ("name", name.into()),
                ("phone", text("phone", &i.phone, false)?.into()),
                ("source", i.source.code().into()),
                ("home_unit", text("home_unit", &i.home_unit, false)?.into()),
                ("industry", text("industry", &i.industry, false)?.into()),
            ];
            w.insert("instructors", &i.id, &fields)
        }
        Command::Assign {
            id,
            instructor,
            org,
        } => {
            w.require(Noun::Instructor, &instructor)?;
            w.require(Noun::Org, &org)?;
            org_operating(w, &org)?;
            if assignment_active(w, &instructor, &org)? {
                return Err(Error::invalid(
                    "org",
                    org.as_str(),
                    tr("已由该指导员指导", "already has this instructor"),
                ));
            }
            let on = w.on;
            w.insert(
                "assignments",
                &id,
                &[
                    ("instructor_id", (&instructor).into()),
                    ("org_id", (&org).into()),
                    ("from_on", on.into()),
                ],
            )
        }
        Command::Visit {
            id,
            instructor,
            org,
            note,
        } => {
            w.require(Noun::Instructor, &instructor)?;
            w.require(Noun::Org, &org)?;
            if !assignment_active(w, &instructor, &org)? {
                return Err(Error::invalid(
                    "org",
                    org.as_str(),
                    tr(
                        "该指导员未被选派到此组织",
                        "this instructor is not assigned to it",
                    ),
                ));
            }
            let on = w.on;
            let note = text("note", &note, false)?;
            w.insert(
                "visits",
                &id,
                &[
                    ("instructor_id", (&instructor).into()),
                    ("org_id", (&org).into()),
                    ("on_date", on.into()),
                    ("note", note.into()),
                ],
            )
        }
        Command::AddUser(u) => add_user(w, u),
        Command::SetUser {
            user,
            name,
            office,
            role,
            street,
            community,
        } => {
            require_user(w, &user)?;
            let (cur_role, cur_street, cur_community): (String, Option<String>, Option<String>) = w
                .one(
                    "SELECT role, street_id, community_id FROM users WHERE id = ?1",
                    [&user.0],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )?;
            let role = role.unwrap_or(Role::parse(&cur_role)?);
            let street = street.unwrap_or(cur_street.map(Id));
            let community = community.unwrap_or(cur_community.map(Id));
            let (street, community) = user_place(w, role, street, community)?;
            let mut f: Vec<(&'static str, Val)> = vec![
                ("role", role.code().into()),
                ("street_id", street.as_ref().into()),
                ("community_id", community.as_ref().into()),
            ];
            if let Some(n) = name {
                f.push(("name", text("name", &n, true)?.into()));
            }
            if let Some(o) = office {
                f.push(("office", o.code().into()));
            }
            w.update("users", &user, &f)
        }
        Command::AdvanceTask { id, task, note } => loop_::advance(w, &id, &task, &note),
        Command::CloseTask { id, task, note } => loop_::close(w, &id, &task, &note),
        Command::ReassignTask {
            id,
            task,
            office,
            note,
        } => loop_::reassign(w, &id, &task, office, &note),
        Command::SnoozeAlert { alert, until } => loop_::snooze(w, &alert, until),
        Command::DismissAlert { alert, reason } => loop_::dismiss(w, &alert, &reason),
        Command::ImportOrg(o) => loop_::import_org(w, o),
        Command::Delete { table, row } => super::settle::delete(w, &table, &row),
        Command::Restore { table, row } => super::settle::restore(w, &table, &row),
        Command::Settle {
            table,
            row,
            field,
            value,
        } => super::settle::settle(w, &table, &row, &field, value.as_deref()),
        Command::AddTask(t) => {
            if let Some(o) = &t.org {
                w.require(Noun::Org, o)?;
            }
            if let Some(c) = &t.community {
                w.require(Noun::Community, c)?;
            }
            let on = w.on;
            // Only what the task has: an empty place or note stays NULL, and
            // a new task is in its first stage since it was made (readers
            // take `stage_on` as `created_on` until a step sets it). A
            // half-year's 100,000 tasks are that much lighter.
            let mut fields: Vec<(&'static str, Val)> = vec![
                ("kind", t.kind.code().into()),
                ("org_id", t.org.as_ref().into()),
            ];
            if let Some(c) = &t.community {
                fields.push(("community_id", c.into()));
            }
            fields.extend([
                ("stage", t.stage.code().into()),
                ("office", t.stage.office().map(|o| o.code()).into()),
                ("due_on", t.due_on.into()),
                ("created_on", on.into()),
            ]);
            let note = text("note", &t.note, false)?;
            if !note.is_empty() {
                fields.push(("note", note.into()));
            }
            w.insert("tasks", &t.id, &fields)
        }
    }
}

fn no_duplicate_name(w: &Writer<'_>, table: &str, name: &str, street: Option<&Id>) -> Result<()> {
    let exists = match street {
        Some(s) => {
            w.tx.prepare_cached(&format!(
                "SELECT 1 FROM {table} WHERE name = ?1 AND deleted = 0 AND street_id = ?2"
            ))?
            .exists(params![name, s.as_str()])?
        }
        None => {
            w.tx.prepare_cached(&format!(
                "SELECT 1 FROM {table} WHERE name = ?1 AND deleted = 0"
            ))?
            .exists([name])?
        }
    };
    if exists {
        return Err(Error::invalid("name", name, tr("已存在", "already exists")));
    }
    Ok(())
}

fn code_field(w: &mut Writer<'_>, raw: &str, except: Option<&Id>) -> Result<String> {
    let (code, check) = uscc::parse("code", raw)?;
    if let uscc::Check::Mismatch { expected } = check {
        w.warn(format!(
            "{} {code}: {} {expected}{}",
            tr("信用代码", "credit code"),
            tr("校验位不符（应为", "fails its checksum (expected"),
            tr("），已按原样保存", "); stored as given")
        ));
    }
    let taken: Option<String> = w
        .tx
        .prepare_cached("SELECT name FROM orgs WHERE code = ?1 AND deleted = 0 AND id IS NOT ?2")?
        .query_row(params![code, except.map(|e| e.as_str())], |r| r.get(0))
        .optional()?;
    if let Some(other) = taken {
        return Err(Error::invalid(
            "code",
            raw,
            &format!(
                "{} {}",
                tr("已被另一组织使用:", "already used by"),
                crate::text::clean(&other)
            ),
        ));
    }
    Ok(code)
}

fn place_check(
    w: &Writer<'_>,
    street: &Id,
    community: Option<&Id>,
    building: Option<&Id>,
) -> Result<()> {
    w.require(Noun::Street, street)?;
    for (what, id, table) in [
        (Noun::Community, community, "communities"),
        (Noun::Building, building, "buildings"),
    ] {
        if let Some(id) = id {
            w.require(what, id)?;
            let s = w.street_of(table, id)?;
            if s.as_deref() != Some(street.as_str()) {
                return Err(Error::invalid(
                    if what == Noun::Community {
                        "community"
                    } else {
                        "building"
                    },
                    id.as_str(),
                    tr("不属于该街道", "is not in that street"),
                ));
            }
        }
    }
    Ok(())
}

fn add_org(w: &mut Writer<'_>, o: NewOrg) -> Result<()> {
    insert_org(w, o, true, Vec::new())
}

/// A new organization row; `placed` false leaves street and community empty
/// (a registration-list row whose street is not known yet). `extra` fields
/// go into the same insert.
pub(super) fn insert_org(
    w: &mut Writer<'_>,
    o: NewOrg,
    placed: bool,
    extra: Vec<(&'static str, Val)>,
) -> Result<()> {
    let name = text("name", &o.name, true)?;
    let code = match o.code.as_deref().filter(|c| !c.trim().is_empty()) {
        Some(c) => Some(code_field(w, c, None)?),
        None => None,
    };
    if let Some(e) = o.employees {
        employees(e)?;
    }
    if placed {
        place_check(w, &o.street, o.community.as_ref(), o.building.as_ref())?;
    }
    let mut fields = vec![
        ("name", name.into()),
        ("code", code.into()),
        ("kind", o.kind.code().into()),
        ("status", o.status.code().into()),
        ("street_id", placed.then_some(&o.street).into()),
        (
            "community_id",
            o.community.as_ref().filter(|_| placed).into(),
        ),
        ("building_id", o.building.as_ref().into()),
        ("address", text("address", &o.address, false)?.into()),
        ("industry", text("industry", &o.industry, false)?.into()),
        ("employees", o.employees.into()),
        ("legal_rep_member", o.legal_rep_member.into()),
        ("identity_check", o.identity_check.into()),
        ("contact", text("contact", &o.contact, false)?.into()),
        ("phone", text("phone", &o.phone, false)?.into()),
        ("entered_on", o.entered_on.into()),
    ];
    fields.extend(extra);
    w.insert("orgs", &o.id, &fields)
}

fn set_org(w: &mut Writer<'_>, org: &Id, fields: Vec<OrgField>) -> Result<()> {
    w.require(Noun::Org, org)?;
    let before = counting::place_of(w, org)?;
    let (mut street, mut community, mut building): (Id, Option<Id>, Option<Id>) = w.one(
        "SELECT street_id, community_id, building_id FROM orgs WHERE id = ?1",
        [&org.0],
        |r| {
            Ok((
                Id(r.get::<_, Option<String>>(0)?.unwrap_or_default()),
                r.get::<_, Option<String>>(1)?.map(Id),
                r.get::<_, Option<String>>(2)?.map(Id),
            ))
        },
    )?;
    let mut out: Vec<(&'static str, Val)> = Vec::new();
    for f in fields {
        match f {
            OrgField::Name(v) => out.push(("name", text("name", &v, true)?.into())),
            OrgField::Code(None) => out.push(("code", Val::Null)),
            OrgField::Code(Some(v)) => out.push(("code", code_field(w, &v, Some(org))?.into())),
            OrgField::Kind(k) => out.push(("kind", k.code().into())),
            OrgField::Status(s) => {
                let cur: Option<String> =
                    w.one("SELECT status FROM orgs WHERE id = ?1", [&org.0], |r| {
                        r.get(0)
                    })?;
                if cur.as_deref() != Some(s.code()) {
                    out.push(("status", s.code().into()));
                    out.push(("status_on", w.on.into()));
                }
            }
            OrgField::Street(s) => {
                if s != street {
                    // a new street makes the old community and building meaningless
                    community = None;
                    building = None;
                    out.push(("community_id", Val::Null));
                    out.push(("building_id", Val::Null));
                }
                street = s.clone();
                out.push(("street_id", (&s).into()));
            }
            OrgField::Community(c) => {
                community = c.clone();
                out.push(("community_id", c.as_ref().into()));
            }
            OrgField::Building(b) => {
                building = b.clone();
                out.push(("building_id", b.as_ref().into()));
            }
            OrgField::Address(v) => out.push(("address", text("address", &v, false)?.into())),
            OrgField::Industry(v) => out.push(("industry", text("industry", &v, false)?.into())),
            OrgField::Employees(n) => out.push(("employees", employees(n)?.into())),
            OrgField::LegalRepMember(b) => out.push(("legal_rep_member", b.into())),
            OrgField::IdentityCheck(b) => out.push(("identity_check", b.into())),
            OrgField::Contact(v) => out.push(("contact", text("contact", &v, false)?.into())),
            OrgField::Phone(v) => out.push(("phone", text("phone", &v, false)?.into())),
            OrgField::EnteredOn(d) => out.push(("entered_on", d.into())),
            OrgField::ClosedOn(d) => out.push(("closed_on", d.into())),
        }
    }
    // An organization not yet placed (from a registration list) can change
    // other facts before it gets its street.
    if !street.0.is_empty() || community.is_some() || building.is_some() {
        place_check(w, &street, community.as_ref(), building.as_ref())?;
    }
    w.update("orgs", org, &out)?;
    counting::placed(w, org, &before)
}
