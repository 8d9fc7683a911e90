//! Persons, party organizations and instructors on the command line.

use super::Ctx;
use super::args::{BranchCmd, InstructorCmd, PersonCmd};
use crate::domain::command::{NewBranch, NewInstructor, NewPerson};
use crate::domain::kinds::{Level, Mode, Political, Relation, Source};
use crate::domain::{Command, Date, Id};
use crate::error::{Error, Result};
use crate::i18n::tr;
use crate::store::read_people::{self, PersonFilter, PersonRow};
use crate::store::resolve;

pub fn person(ctx: &Ctx, c: PersonCmd) -> Result<()> {
    if let PersonCmd::List {
        org,
        street,
        floating,
        all,
        format,
    } = c
    {
        return person_list(ctx, org, street, floating, all, &format);
    }
    let mut store = ctx.open()?;
    let conn = store.conn();
    let cmd = match c {
        PersonCmd::Add {
            org,
            name,
            status,
            hired_on,
            relation,
            branch,
            floating,
            manager,
            phone,
        } => {
            let org = resolve::org(conn, &org)?;
            Command::AddPerson(NewPerson {
                id: Id::new(),
                org,
                name,
                phone,
                status: Political::parse(&status)?,
                hired_on: hired_on
                    .as_deref()
                    .map(|d| Date::parse("hired-on", d))
                    .transpose()?,
                relation: relation.as_deref().map(Relation::parse).transpose()?,
                branch: branch
                    .as_deref()
                    .map(|b| resolve::branch(conn, b))
                    .transpose()?,
                floating,
                manager,
            })
        }
        PersonCmd::Transfer { person, to, org } => {
            let org = org.as_deref().map(|o| resolve::org(conn, o)).transpose()?;
            Command::Transfer {
                id: Id::new(),
                person: resolve::person(conn, &person, org.as_ref())?,
                branch: resolve::branch(conn, &to)?,
            }
        }
        PersonCmd::Status {
            person,
            status,
            org,
        } => {
            let org = org.as_deref().map(|o| resolve::org(conn, o)).transpose()?;
            Command::SetStatus {
                person: resolve::person(conn, &person, org.as_ref())?,
                status: Political::parse(&status)?,
            }
        }
        PersonCmd::Leave { person, org } => {
            let org = org.as_deref().map(|o| resolve::org(conn, o)).transpose()?;
            Command::LeavePerson {
                person: resolve::person(conn, &person, org.as_ref())?,
                reason: ctx.reason.clone().unwrap_or_default(),
            }
        }
        PersonCmd::Move { person, to, org } => {
            let org = org.as_deref().map(|o| resolve::org(conn, o)).transpose()?;
            Command::MovePerson {
                id: Id::new(),
                person: resolve::person(conn, &person, org.as_ref())?,
                org: resolve::org(conn, &to)?,
            }
        }
        PersonCmd::List { .. } => return Ok(()),
    };
    ctx.write(&mut store, cmd)
}

/// `person list`: people employed today (or all, with `--all`), one a line.
fn person_list(
    ctx: &Ctx,
    org: Option<String>,
    street: Option<String>,
    floating: bool,
    all: bool,
    format: &str,
) -> Result<()> {
    let json = super::text_or_json(format)?;
    let store = ctx.open()?;
    let conn = store.conn();
    let filter = PersonFilter {
        org: org.as_deref().map(|o| resolve::org(conn, o)).transpose()?,
        street: street
            .as_deref()
            .map(|s| resolve::street(conn, s))
            .transpose()?,
        floating,
        all,
    };
    let rows = read_people::persons(conn, ctx.today(&store)?, &filter)?;
    if json {
        return super::print_json(&rows);
    }
    let table: Vec<Vec<String>> = rows
        .iter()
        .map(|p| {
            vec![
                p.name.clone(),
                p.org.clone(),
                Political::parse(&p.status)
                    .map(|s| s.label())
                    .unwrap_or("")
                    .to_string(),
                p.relation
                    .as_deref()
                    .and_then(|r| Relation::parse(r).ok())
                    .map(|r| r.label())
                    .unwrap_or("")
                    .to_string(),
                if p.floating {
                    tr("流动党员", "floating").to_string()
                } else {
                    String::new()
                },
                p.hired_on.clone().unwrap_or_default(),
                left_text(p),
            ]
        })
        .collect();
    let h = [
        tr("姓名", "name"),
        tr("组织", "organization"),
        tr("政治面貌", "status"),
        tr("组织关系", "relation"),
        tr("流动", "floating"),
        tr("入职", "hired"),
        tr("离职", "left"),
    ];
    super::out::text(&crate::text::table(&h, &table, &[false; 7]))
}

/// "2022-08-01 reason" or "2022-08-01 → ORG" for a person who left; empty otherwise.
pub(super) fn left_text(p: &PersonRow) -> String {
    let Some(day) = &p.left_on else {
        return String::new();
    };
    match (
        &p.moved_to,
        p.leave_reason.as_deref().filter(|r| !r.is_empty()),
    ) {
        (Some(to), _) => format!("{day} → {to}"),
        (None, Some(r)) => format!("{day} {r}"),
        (None, None) => day.clone(),
    }
}

pub fn branch(ctx: &Ctx, c: BranchCmd) -> Result<()> {
    let mut store = ctx.open()?;
    let conn = store.conn();
    let cmd = match c {
        BranchCmd::Found {
            name,
            mode,
            covers,
            level,
            street,
            building,
            secretary,
        } => {
            let mode = Mode::parse(&mode)?;
            let level = Level::parse(&level)?;
            let covers = covers
                .iter()
                .filter(|c| !c.trim().is_empty())
                .map(|c| resolve::org(conn, c))
                .collect::<Result<Vec<_>>>()?;
            let street = match street {
                Some(s) => resolve::street(conn, &s)?,
                None => {
                    let first = covers.first().ok_or_else(|| {
                        Error::invalid(
                            "covers",
                            "",
                            tr("至少指定一家组织", "name at least one organization"),
                        )
                    })?;
                    Id(conn.query_row(
                        "SELECT street_id FROM orgs WHERE id = ?1",
                        [first.as_str()],
                        |r| r.get(0),
                    )?)
                }
            };
            let building = match building {
                Some(b) => Some(resolve::building(conn, &b, Some(&street))?),
                None if mode == Mode::Building => shared_building(conn, &covers)?,
                None => None,
            };
            Command::FoundBranch(NewBranch {
                id: Id::new(),
                name,
                mode,
                level,
                street,
                building,
                secretary,
                covers,
            })
        }
        BranchCmd::Cover { branch, org } => Command::Cover {
            id: Id::new(),
            branch: resolve::branch(conn, &branch)?,
            org: resolve::org(conn, &org)?,
        },
        BranchCmd::Uncover { branch, org } => Command::Uncover {
            branch: resolve::branch(conn, &branch)?,
            org: resolve::org(conn, &org)?,
        },
        BranchCmd::Dissolve { branch } => Command::Dissolve {
            branch: resolve::branch(conn, &branch)?,
        },
    };
    ctx.write(&mut store, cmd)
}

/// The building all covered organizations sit in, if they share one.
fn shared_building(conn: &rusqlite::Connection, covers: &[Id]) -> Result<Option<Id>> {
    let mut found: Option<String> = None;
    for o in covers {
        let b: Option<String> = conn.query_row(
            "SELECT building_id FROM orgs WHERE id = ?1",
            [o.as_str()],
            |r| r.get(0),
        )?;
        match (&found, b) {
            (_, None) => return Ok(None),
            (None, Some(b)) => found = Some(b),
            (Some(f), Some(b)) if *f != b => return Ok(None),
            _ => {}
        }
    }
    Ok(found.map(Id))
}

pub fn instructor(ctx: &Ctx, c: InstructorCmd) -> Result<()> {
    let mut store = ctx.open()?;
    let conn = store.conn();
    let cmd = match c {
        InstructorCmd::Add {
            name,
            source,
            industry,
            home_unit,
            phone,
        } => Command::AddInstructor(NewInstructor {
            id: Id::new(),
            name,
            phone,
            source: Source::parse(&source)?,
            home_unit,
            industry,
        }),
        InstructorCmd::Assign { instructor, org } => Command::Assign {
            id: Id::new(),
            instructor: resolve::instructor(conn, &instructor)?,
            org: resolve::org(conn, &org)?,
        },
        InstructorCmd::End { target, org } => Command::EndAssignment {
            assignment: match org {
                Some(o) => {
                    let org = resolve::org(conn, &o)?;
                    let ins = resolve::instructor(conn, &target)?;
                    resolve::open_assignment(conn, &ins, &org)?.ok_or_else(|| {
                        Error::invalid(
                            "org",
                            &o,
                            tr(
                                "该指导员在此组织没有未结束的选派",
                                "has no open assignment of this instructor",
                            ),
                        )
                    })?
                }
                None => resolve::assignment(conn, &target)?,
            },
        },
        InstructorCmd::Visit {
            instructor,
            org,
            note,
        } => Command::Visit {
            id: Id::new(),
            instructor: resolve::instructor(conn, &instructor)?,
            org: resolve::org(conn, &org)?,
            note,
        },
    };
    ctx.write(&mut store, cmd)
}
