#![allow(dead_code)]
//! Replicas driven through the library: commands on the one write path, and
//! the sync steps without a wire.

use liangxin::domain::command::{NewOrg, OrgField};
use liangxin::domain::kinds::{OrgKind, RegStatus};
use liangxin::domain::{Command, Date, Id};
use liangxin::store::{Actor, Store};

pub fn day() -> Date {
    Date::parse("on", "2022-01-01").unwrap()
}

pub fn actor() -> Actor {
    Actor::from_env("test", "office")
}

pub fn new_org(street: Id) -> NewOrg {
    NewOrg {
        id: Id::new(),
        name: "新公司".into(),
        code: None,
        kind: OrgKind::Enterprise,
        status: RegStatus::Active,
        street,
        community: None,
        building: None,
        address: String::new(),
        industry: String::new(),
        employees: Some(1),
        legal_rep_member: false,
        identity_check: false,
        contact: String::new(),
        phone: String::new(),
        entered_on: day(),
    }
}

pub fn open(dir: &std::path::Path, name: &str) -> Store {
    Store::open(&dir.join(name)).unwrap()
}

pub fn run(s: &mut Store, cmd: Command) {
    s.apply(&actor(), day(), cmd, None).unwrap();
}

/// A street and one organization on `s`; returns (street, org).
pub fn seed(s: &mut Store) -> (Id, Id) {
    let street = Id::new();
    run(
        s,
        Command::AddStreet {
            id: street.clone(),
            name: "南坪街道".into(),
            committee: String::new(),
        },
    );
    let org = new_org(street.clone());
    let id = org.id.clone();
    run(s, Command::AddOrg(org));
    (street, id)
}

pub fn set_name(s: &mut Store, org: &Id, name: &str) {
    run(
        s,
        Command::SetOrg {
            org: org.clone(),
            fields: vec![OrgField::Name(name.into())],
        },
    );
}

pub fn delete(s: &mut Store, org: &Id) {
    run(
        s,
        Command::Delete {
            table: "orgs".into(),
            row: org.clone(),
        },
    );
}

pub fn org_field(s: &Store, org: &Id, field: &str) -> rusqlite::types::Value {
    s.conn()
        .query_row(
            &format!("SELECT {field} FROM orgs WHERE id = ?1"),
            [org.as_str()],
            |r| r.get(0),
        )
        .unwrap()
}

pub fn dump(s: &Store) -> String {
    liangxin::sync::dump::canonical_text(s.conn()).unwrap()
}
