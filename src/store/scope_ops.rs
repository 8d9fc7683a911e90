//! Scope for ops received from another replica: the rules of a local write
//! (`scope::check`), applied to the rows an op touches. A row's place is
//! checked as the receiver holds it and as the batch leaves it, so an op can
//! neither edit a row outside the sender's place nor move one out of it.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension};

use super::op::Op;
use super::scope::User;
use crate::domain::kinds::Role;
use crate::error::Result;
use crate::i18n::tr;

/// (street id, community id).
type Place = (Option<String>, Option<String>);

/// What a table's rows belong to, for the rules.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Streets and users: district users only.
    District,
    /// Instructors: district and street users.
    Instructor,
    /// Branches, their links and transfers, communities and buildings: the
    /// street's party-building office, not a community.
    Branch,
    /// Everything kept about an organization.
    Org,
    /// Alerts are raised and resolved from the data on every replica.
    Derived,
}

fn class(tbl: &str, field: &str) -> Class {
    match tbl {
        "streets" | "users" => Class::District,
        "instructors" => Class::Instructor,
        "party_orgs" | "links" | "transfers" | "communities" | "buildings" => Class::Branch,
        // a decision on an alert (snooze, dismiss) is the organization's business
        "alerts" if !matches!(field, "state" | "until_on" | "reason") => Class::Derived,
        _ => Class::Org,
    }
}

/// The values a batch gives the fields that decide a row's place.
#[derive(Default)]
pub struct Batch {
    latest: HashMap<(String, String, String), Option<String>>,
}

/// The fields that decide a row's place (the first six), and a task's kind.
const PLACE_FIELDS: [&str; 7] = [
    "street_id",
    "community_id",
    "org_id",
    "party_org_id",
    "person_id",
    "task_id",
    "kind",
];

impl Batch {
    /// Whether `op` moves a row: sets a field that decides its place.
    pub fn decides_place(op: &Op) -> bool {
        PLACE_FIELDS[..6].contains(&op.field.as_str())
    }

    /// The values `ops` leave in the fields this module reads (the place
    /// fields and a task's kind), the last op of a field winning.
    pub fn of<'a>(ops: impl Iterator<Item = &'a Op>) -> Batch {
        let mut b = Batch::default();
        for op in ops.filter(|o| PLACE_FIELDS.contains(&o.field.as_str())) {
            let v = op
                .value
                .as_deref()
                .and_then(|v| serde_json::from_str::<Option<String>>(v).ok())
                .flatten();
            b.latest
                .insert((op.tbl.clone(), op.row.clone(), op.field.clone()), v);
        }
        b
    }
}

/// Reads one id-valued field of a row, from the batch (`after`) or the table.
struct Reader<'a> {
    conn: &'a Connection,
    batch: &'a Batch,
    after: bool,
}

impl Reader<'_> {
    fn get(&self, tbl: &str, row: &str, field: &str) -> Result<Option<String>> {
        if self.after
            && let Some(v) =
                self.batch
                    .latest
                    .get(&(tbl.to_string(), row.to_string(), field.to_string()))
        {
            return Ok(v.clone());
        }
        // table and field come from the fixed lists above, never from the op
        Ok(self
            .conn
            .prepare_cached(&format!("SELECT {field} FROM {tbl} WHERE id = ?1"))?
            .query_row([row], |r| r.get::<_, Option<String>>(0))
            .optional()?
            .flatten())
    }

    fn exists(&self, tbl: &str, row: &str) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached(&format!("SELECT 1 FROM {tbl} WHERE id = ?1"))?
            .exists([row])?)
    }

    fn org(&self, id: Option<String>) -> Result<Place> {
        let Some(id) = id else {
            return Ok((None, None));
        };
        Ok((
            self.get("orgs", &id, "street_id")?,
            self.get("orgs", &id, "community_id")?,
        ))
    }

    fn branch(&self, id: Option<String>) -> Result<Place> {
        let Some(id) = id else {
            return Ok((None, None));
        };
        Ok((self.get("party_orgs", &id, "street_id")?, None))
    }

    fn community(&self, id: Option<String>) -> Result<Place> {
        let Some(id) = id else {
            return Ok((None, None));
        };
        Ok((self.get("communities", &id, "street_id")?, Some(id)))
    }

    fn person(&self, id: Option<String>) -> Result<Place> {
        match id {
            Some(p) => self.org(self.get("persons", &p, "org_id")?),
            None => Ok((None, None)),
        }
    }

    fn task(&self, id: &str) -> Result<Place> {
        match self.get("tasks", id, "org_id")? {
            Some(o) => self.org(Some(o)),
            None => self.community(self.get("tasks", id, "community_id")?),
        }
    }

    /// The places one row of `tbl` belongs to.
    fn places(&self, tbl: &str, row: &str) -> Result<Vec<Place>> {
        let g = |f: &str| self.get(tbl, row, f);
        Ok(match tbl {
            "orgs" => vec![self.org(Some(row.to_string()))?],
            "party_orgs" => vec![self.branch(Some(row.to_string()))?],
            "communities" | "buildings" => vec![(g("street_id")?, None)],
            "links" => vec![self.branch(g("party_org_id")?)?, self.org(g("org_id")?)?],
            "persons" | "assignments" | "visits" | "surveys" | "alerts" => {
                vec![self.org(g("org_id")?)?]
            }
            // A place the organization had: where the organization is, and
            // the place the row names (no one writes another street's past).
            "org_places" => vec![
                self.org(g("org_id")?)?,
                (g("street_id")?, g("community_id")?),
            ],
            "status_changes" => vec![self.person(g("person_id")?)?],
            "transfers" => vec![self.person(g("person_id")?)?, self.branch(g("branch_id")?)?],
            "tasks" => vec![self.task(row)?],
            "task_steps" => match g("task_id")? {
                Some(t) => vec![self.task(&t)?],
                None => vec![(None, None)],
            },
            _ => vec![(None, None)],
        })
    }
}

/// Why `user` may not send `op`, or `None` when it may.
pub fn refusal(conn: &Connection, user: &User, batch: &Batch, op: &Op) -> Result<Option<String>> {
    let class = class(&op.tbl, &op.field);
    let no = |why: &str| Ok(Some(why.to_string()));
    match (user.role, class) {
        (Role::ReadOnly, _) => return no(tr("只读用户", "a read-only user")),
        (Role::District, _) | (_, Class::Derived) => return Ok(None),
        (_, Class::District) | (Role::Community, Class::Instructor) => {
            return no(tr("仅区级用户可做", "district users only"));
        }
        (Role::Street, Class::Instructor) => return Ok(None),
        (Role::Community, Class::Branch) => {
            return no(tr(
                "组建和覆盖由街道党建办办理",
                "founding and covering belong to the street's party-building office",
            ));
        }
        _ => {}
    }
    // As the receiver holds the row (if it does), and as the batch leaves it.
    let before = Reader {
        conn,
        batch,
        after: false,
    };
    let after = Reader {
        conn,
        batch,
        after: true,
    };
    // Half-year tasks are made from the data by every replica that opens the
    // app (a street user's laptop makes them for the whole district): making
    // one is no one's scope; working on it is.
    if op.tbl == "tasks"
        && !before.exists("tasks", &op.row)?
        && after.get("tasks", &op.row, "kind")?.as_deref() == Some("half-year")
    {
        return Ok(None);
    }
    let mut places = if before.exists(&op.tbl, &op.row)? {
        before.places(&op.tbl, &op.row)?
    } else {
        Vec::new()
    };
    places.extend(after.places(&op.tbl, &op.row)?);
    let inside = |(s, c): &Place| match user.role {
        Role::Street => s.is_some() && *s == user.street,
        _ => c.is_some() && *c == user.community,
    };
    if places.iter().all(inside) {
        Ok(None)
    } else if user.role == Role::Street {
        no(tr(
            "只能修改本街道的组织",
            "only your street's organizations",
        ))
    } else {
        no(tr(
            "只能修改本社区的组织",
            "only your community's organizations",
        ))
    }
}
