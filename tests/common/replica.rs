#![allow(dead_code)]
//! Replicas driven through the library: commands on the one write path, and
//! the sync steps without a wire.

use liangxin::domain::command::{NewOrg, OrgField};
use liangxin::domain::kinds::{OrgKind, RegStatus};
use liangxin::domain::{Command, Date, Id};
use std::collections::BTreeMap;

use liangxin::store::{Actor, Store};
use liangxin::sync::proto::{self, Msg};
use liangxin::sync::session;
use rusqlite::types::Value;

pub fn day() -> Date {
    Date::parse("on", "2022-01-01").unwrap()
}

pub fn actor() -> Actor {
    Actor::of_process("test", "office")
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

pub fn text(s: &str) -> Value {
    Value::Text(s.into())
}

/// On every store: no conflict listed, and `field` of `org` holds `want`.
pub fn settled(stores: &[&Store], org: &Id, field: &str, want: Value) {
    for s in stores {
        assert!(
            liangxin::sync::conflicts::list(s.conn())
                .unwrap()
                .is_empty()
        );
        assert_eq!(org_field(s, org, field), want, "{field}");
    }
}

/// What a server answers to one whole sync from a client that holds `have`
/// and has nothing to push, recorded.
pub fn server_answer(server: &mut Store, have: BTreeMap<String, i64>) -> Vec<u8> {
    let mut input = Vec::new();
    for m in [
        proto::hello("client"),
        Msg::Pull {
            have,
            tips: Default::default(),
        },
        Msg::Want,
        Msg::End { sent: 0 },
        Msg::Bye,
    ] {
        proto::send(&mut input, &m).unwrap();
    }
    let mut out = Vec::new();
    session::serve(server, &actor(), &mut input.as_slice(), &mut out).unwrap();
    out
}
