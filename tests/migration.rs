//! A ledger written by the previous release (schema 5: alerts stored as rows
//! in the op log, decisions on them) opens with this one: it migrates, passes
//! `check`, keeps its figures and its decisions on alerts, and syncs with a
//! replica made by this release. The fixture is committed; see
//! tests/fixtures/make-ledger-v5.sh for how it was made.

mod common;

use common::Ledger;
use serde_json::Value;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/ledger-v5.db");

fn upgraded() -> Ledger {
    let l = Ledger::new();
    std::fs::copy(FIXTURE, &l.db).expect("copy the fixture");
    l
}

/// Read-only, so a missing fixture fails here instead of being created empty.
fn fixture() -> rusqlite::Connection {
    rusqlite::Connection::open_with_flags(FIXTURE, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .unwrap_or_else(|e| panic!("open {FIXTURE}: {e}"))
}

fn version(l: &Ledger) -> i64 {
    l.conn()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("user_version")
}

fn alert<'a>(all: &'a Value, id: &str) -> &'a Value {
    all.as_array()
        .and_then(|a| a.iter().find(|x| x["id"] == id))
        .unwrap_or_else(|| panic!("alert {id} not listed: {all}"))
}

#[test]
fn the_fixture_is_from_the_previous_schema() {
    let conn = fixture();
    let v: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("user_version");
    assert_eq!(v, 5);
    let stored: i64 = conn
        .query_row("SELECT COUNT(*) FROM oplog WHERE tbl = 'alerts'", [], |r| {
            r.get(0)
        })
        .expect("count");
    assert!(stored > 0, "the old release stored its alerts as ops");
}

#[test]
fn a_ledger_from_the_previous_release_upgrades_keeps_its_decisions_and_syncs() {
    let l = upgraded();
    // decisions taken by the old release, read straight from the file
    let decided: Vec<(String, String)> = {
        let conn = fixture();
        let mut stmt = conn
            .prepare("SELECT id, state FROM alerts WHERE state IN ('snoozed', 'dismissed') ORDER BY state")
            .expect("prepare");
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows")
    };
    assert_eq!(decided.len(), 2, "{decided:?}");

    // opening migrates it; check passes on the upgraded file
    l.ok(&["check"]);
    assert_eq!(version(&l), liangxin::store::schema::SCHEMA_VERSION);
    let orgs = l.json(&["--today", "2022-06-01", "org", "list", "--format", "json"]);
    assert_eq!(orgs.as_array().map(Vec::len), Some(4));
    let cov = l.json(&[
        "--today",
        "2022-06-01",
        "report",
        "coverage",
        "--format",
        "json",
    ]);
    assert_eq!(cov["total"], 4, "{cov}");
    assert_eq!(cov["covered"], 2, "the joint branch covers two: {cov}");

    // the derived alerts carry the old ids, so the old decisions still hold
    let all = l.json(&[
        "--today",
        "2022-06-15",
        "alerts",
        "--all",
        "--format",
        "json",
    ]);
    for (id, state) in &decided {
        assert_eq!(alert(&all, id)["state"], state.as_str(), "{id}");
    }
    // reading them writes nothing new into the op log
    let ops = l.count("oplog");
    l.ok(&["--today", "2022-06-15", "today"]);
    assert_eq!(l.count("oplog"), ops);

    // a replica made by this release, from the upgraded ledger
    let laptop = Ledger::new();
    laptop.ok(&["sync", "clone", l.db.to_str().expect("path")]);
    laptop.ok(&[
        "--on",
        "2022-06-20",
        "org",
        "set",
        "常德丙公司",
        "employees=31",
    ]);
    l.ok(&[
        "--on",
        "2022-06-20",
        "org",
        "set",
        "常德乙公司",
        "employees=16",
    ]);
    laptop.ok(&["sync", l.db.to_str().expect("path")]);
    for (who, ledger) in [("server", &l), ("laptop", &laptop)] {
        ledger.ok(&["check"]);
        let show = |name: &str| ledger.json(&["org", "show", name, "--format", "json"]);
        assert_eq!(show("常德丙公司")["employees"], 31, "{who}");
        assert_eq!(show("常德乙公司")["employees"], 16, "{who}");
    }
    // and the replicas agree on every table
    let dump = |x: &Ledger| x.ok(&["export"]);
    assert_eq!(dump(&l), dump(&laptop));
    // a decision taken on the laptop reaches the upgraded ledger
    let open = laptop.json(&["--today", "2022-06-21", "alerts", "--format", "json"]);
    let id = open
        .as_array()
        .and_then(|a| a.iter().find(|x| x["state"] == "open"))
        .and_then(|x| x["id"].as_str())
        .expect("an open alert")
        .to_string();
    laptop.ok(&[
        "--today",
        "2022-06-21",
        "--on",
        "2022-06-21",
        "alert",
        "snooze",
        &id,
        "--until",
        "2022-07-01",
    ]);
    laptop.ok(&["sync", l.db.to_str().expect("path")]);
    let there = l.json(&[
        "--today",
        "2022-06-22",
        "alerts",
        "--all",
        "--format",
        "json",
    ]);
    assert_eq!(alert(&there, &id)["state"], "snoozed");
}
