//! Persons, party organizations and their coverage, instructors.

use super::*;

pub(super) fn add_person(w: &mut Writer<'_>, p: NewPerson) -> Result<()> {
    w.require(Noun::Org, &p.org)?;
    let name = text("name", &p.name, true)?;
    let on = w.on;
    let (relation, branch) = if p.status.is_member() {
        let relation = p.relation.unwrap_or(Relation::Residence);
        let branch = match (relation, p.branch) {
            (Relation::Branch, Some(b)) => {
                w.require(Noun::Branch, &b)?;
                Some(b)
            }
            (Relation::Branch, None) => Some(covering_branch(w, &p.org)?.ok_or_else(|| {
                Error::invalid(
                    "relation",
                    "branch",
                    tr(
                        "该组织尚无党组织，无法转入",
                        "the organization has no party organization to hold it",
                    ),
                )
            })?),
            _ => None,
        };
        (Some(relation), branch)
    } else {
        if p.relation.is_some() {
            return Err(Error::invalid(
                "relation",
                p.relation.map(|r| r.code()).unwrap_or(""),
                tr("只有党员有组织关系", "only party members have a relation"),
            ));
        }
        (None, None)
    };
    let hired = p.hired_on.unwrap_or(on);
    let fields = [
        ("org_id", (&p.org).into()),
        ("name", name.into()),
        ("phone", text("phone", &p.phone, false)?.into()),
        ("status", p.status.code().into()),
        ("hired_on", hired.into()),
        ("relation", relation.map(|r| r.code()).into()),
        ("branch_id", branch.as_ref().into()),
        ("floating", p.floating.into()),
        ("manager", p.manager.into()),
    ];
    w.insert("persons", &p.id, &fields)?;
    w.insert(
        "status_changes",
        &Id::new(),
        &[
            ("person_id", (&p.id).into()),
            ("status", p.status.code().into()),
            ("on_date", on.into()),
        ],
    )
}

pub(super) fn transfer(w: &mut Writer<'_>, id: Id, person: &Id, branch: &Id) -> Result<()> {
    w.require(Noun::Person, person)?;
    w.require(Noun::Branch, branch)?;
    branch_active(w, branch)?;
    let (status, relation, cur_branch): (String, Option<String>, Option<String>) = w.one(
        "SELECT status, relation, branch_id FROM persons WHERE id = ?1",
        [&person.0],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    if !Political::parse(&status).is_ok_and(Political::is_member) {
        return Err(Error::invalid(
            "person",
            person.as_str(),
            tr(
                "不是党员，没有组织关系可转",
                "is not a party member; there is no relation to transfer",
            ),
        ));
    }
    if cur_branch.as_deref() == Some(branch.as_str()) {
        return Err(Error::invalid(
            "to",
            branch.as_str(),
            tr(
                "组织关系已在该党组织",
                "the relation is already in that party organization",
            ),
        ));
    }
    let on = w.on;
    w.insert(
        "transfers",
        &id,
        &[
            ("person_id", person.into()),
            ("from_relation", relation.into()),
            ("branch_id", branch.into()),
            ("on_date", on.into()),
        ],
    )?;
    w.update(
        "persons",
        person,
        &[
            ("relation", Relation::Branch.code().into()),
            ("branch_id", branch.into()),
            ("floating", false.into()),
        ],
    )
}

pub(super) fn found_branch(w: &mut Writer<'_>, b: NewBranch) -> Result<()> {
    let name = text("name", &b.name, true)?;
    let n = b.covers.len();
    let refuse = |why: &str| Err(Error::invalid("covers", n.to_string(), why));
    match b.mode {
        Mode::Joint if n < 2 => {
            return refuse(tr(
                "联合党支部至少覆盖 2 家组织",
                "a joint branch covers 2 or more organizations",
            ));
        }
        Mode::Standalone if n != 1 => {
            return refuse(tr(
                "单独组建的党组织只覆盖 1 家组织",
                "a standalone branch covers exactly 1 organization",
            ));
        }
        Mode::Building if n < 1 => {
            return refuse(tr(
                "楼宇党支部至少覆盖 1 家组织",
                "a building branch covers 1 or more organizations",
            ));
        }
        _ => {}
    }
    for (i, o) in b.covers.iter().enumerate() {
        if b.covers[..i].contains(o) {
            return Err(already_covered(o));
        }
        w.require(Noun::Org, o)?;
        org_operating(w, o)?;
    }
    place_check(w, &b.street, None, b.building.as_ref())?;
    if b.mode == Mode::Building && b.building.is_none() {
        return Err(Error::invalid(
            "building",
            "",
            tr(
                "楼宇党支部需指定楼宇",
                "a building branch needs its building",
            ),
        ));
    }
    let on = w.on;
    let fields = [
        ("name", name.into()),
        ("mode", b.mode.code().into()),
        ("level", b.level.code().into()),
        ("street_id", (&b.street).into()),
        ("building_id", b.building.as_ref().into()),
        ("secretary", text("secretary", &b.secretary, false)?.into()),
        ("founded_on", on.into()),
    ];
    w.insert("party_orgs", &b.id, &fields)?;
    for o in &b.covers {
        link(w, &Id::new(), &b.id, o)?;
    }
    Ok(())
}

pub(super) fn link(w: &mut Writer<'_>, id: &Id, branch: &Id, org: &Id) -> Result<()> {
    let on = w.on;
    w.insert(
        "links",
        id,
        &[
            ("party_org_id", branch.into()),
            ("org_id", org.into()),
            ("from_on", on.into()),
        ],
    )
}

pub(super) fn already_covered(org: &Id) -> Error {
    Error::invalid(
        "covers",
        org.as_str(),
        tr(
            "该组织已在此党组织覆盖范围内",
            "that organization is already covered by it",
        ),
    )
}

pub(super) fn org_operating(w: &Writer<'_>, org: &Id) -> Result<()> {
    let made = w.seen.borrow().org(org);
    let ok = match made {
        Some(o) => o.operating(w.on),
        None => {
            w.tx.prepare_cached(
                "SELECT 1 FROM orgs WHERE id = ?1 AND (entered_on IS NULL OR entered_on <= ?2)
             AND (closed_on IS NULL OR closed_on > ?2)",
            )?
            .exists(params![org.as_str(), w.on.to_string()])?
        }
    };
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(
            "org",
            org.as_str(),
            tr("在该日期不在册或已关闭", "is not operating on that date"),
        ))
    }
}

pub(super) fn branch_active(w: &Writer<'_>, branch: &Id) -> Result<()> {
    let d = w.on.to_string();
    let ok =
        w.tx.prepare_cached(
            "SELECT 1 FROM party_orgs WHERE id = ?1 AND founded_on <= ?2
             AND (dissolved_on IS NULL OR dissolved_on > ?2)",
        )?
        .exists(params![branch.as_str(), d])?;
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(
            "branch",
            branch.as_str(),
            tr("在该日期未成立或已撤销", "does not exist on that date"),
        ))
    }
}

pub(super) fn link_active(w: &Writer<'_>, branch: &Id, org: &Id) -> Result<Option<Id>> {
    let d = w.on.to_string();
    Ok(w.tx
        .prepare_cached(
            "SELECT id FROM links WHERE party_org_id = ?1 AND org_id = ?2 AND deleted = 0
             AND from_on <= ?3 AND (to_on IS NULL OR to_on > ?3)",
        )?
        .query_row(params![branch.as_str(), org.as_str(), d], |r| {
            r.get::<_, String>(0)
        })
        .optional()?
        .map(Id))
}

pub(super) fn branch_mode_and_count(w: &Writer<'_>, branch: &Id) -> Result<(Mode, i64)> {
    let d = w.on.to_string();
    let (mode, n): (String, i64) = w.one(
        "SELECT p.mode, (SELECT COUNT(*) FROM links l WHERE l.party_org_id = p.id AND l.deleted = 0
                          AND l.from_on <= ?2 AND (l.to_on IS NULL OR l.to_on > ?2))
         FROM party_orgs p WHERE p.id = ?1",
        params![branch.as_str(), d],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok((Mode::parse(&mode)?, n))
}

/// The party organization covering `org` on the writer's day (own first).
pub(super) fn covering_branch(w: &Writer<'_>, org: &Id) -> Result<Option<Id>> {
    let d = w.on.to_string();
    Ok(w.tx
        .prepare_cached(
            "SELECT p.id FROM links l JOIN party_orgs p ON p.id = l.party_org_id
             WHERE l.org_id = ?1 AND l.deleted = 0 AND l.from_on <= ?2 AND (l.to_on IS NULL OR l.to_on > ?2)
               AND p.founded_on <= ?2 AND (p.dissolved_on IS NULL OR p.dissolved_on > ?2)
             ORDER BY CASE p.mode WHEN 'standalone' THEN 0 WHEN 'building' THEN 1 ELSE 2 END LIMIT 1",
        )?
        .query_row(params![org.as_str(), d], |r| r.get::<_, String>(0))
        .optional()?
        .map(Id))
}

pub(super) fn assignment_active(w: &Writer<'_>, instructor: &Id, org: &Id) -> Result<bool> {
    let d = w.on.to_string();
    Ok(w.tx
        .prepare_cached(
            "SELECT 1 FROM assignments WHERE instructor_id = ?1 AND org_id = ?2 AND deleted = 0
             AND from_on <= ?3 AND (to_on IS NULL OR to_on > ?3)",
        )?
        .exists(params![instructor.as_str(), org.as_str(), d])?)
}
