//! A ledger written by the previous release (schema 5: alerts stored as rows
//! in the op log, decisions on them) opens with this one: it migrates, passes
//! `check`, keeps its figures and its decisions on alerts, and syncs with a
//! replica made by this release. So do ledgers written by the op-log
//! formats before this one: schema 8 (every field its own op, names and ids
//! as text), schema 9 (a new row is one op naming its fields in a JSON
//! object, and compaction's stubs), schema 10 (numbered fields; an
//! imported organization's registration check written as a task row, which
//! stays one) and schema 11 (survey days written as field ops of the
//! organization, read from the surveys since). The fixtures are committed; see
//! tests/fixtures/make-ledger-v5.sh and make-ledger.sh for how they were made.

mod common;

use common::Ledger;
use liangxin::domain::Id;
use liangxin::store::Store;
use liangxin::sync::Sender;
use serde_json::Value;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/ledger-v5.db");
const V8: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/ledger-v8.db");
const V9: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/ledger-v9.db");
const V10: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/ledger-v10.db");
const V11: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/ledger-v11.db");

fn upgraded(path: &str) -> Ledger {
    let l = Ledger::new();
    std::fs::copy(path, &l.db).expect("copy the fixture");
    l
}

/// Read-only, so a missing fixture fails here instead of being created empty.
fn fixture(path: &str) -> rusqlite::Connection {
    rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .unwrap_or_else(|e| panic!("open {path}: {e}"))
}

/// The snoozed and dismissed alerts, read straight from a file.
fn decided(path: &str) -> Vec<(String, String)> {
    let conn = fixture(path);
    let mut stmt = conn
        .prepare(
            "SELECT id, state FROM alerts WHERE state IN ('snoozed', 'dismissed') ORDER BY state",
        )
        .expect("prepare");
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
}

/// The old decisions still hold on the upgraded ledger's derived alerts.
fn decisions_hold(l: &Ledger, decided: &[(String, String)]) {
    let all = l.json(&[
        "--today",
        "2022-06-15",
        "alerts",
        "--all",
        "--format",
        "json",
    ]);
    for (id, state) in decided {
        assert_eq!(alert(&all, id)["state"], state.as_str(), "{id}");
    }
}

fn version(l: &Ledger) -> i64 {
    l.conn()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("user_version")
}

/// The coverage report of the fixtures' day.
fn coverage(l: &Ledger) -> Value {
    l.json(&[
        "--today",
        "2022-06-01",
        "report",
        "coverage",
        "--format",
        "json",
    ])
}

fn alert<'a>(all: &'a Value, id: &str) -> &'a Value {
    all.as_array()
        .and_then(|a| a.iter().find(|x| x["id"] == id))
        .unwrap_or_else(|| panic!("alert {id} not listed: {all}"))
}

#[test]
fn the_fixture_is_from_the_previous_schema() {
    let conn = fixture(FIXTURE);
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
    let l = upgraded(FIXTURE);
    // decisions taken by the old release
    let decided = decided(FIXTURE);
    assert_eq!(decided.len(), 2, "{decided:?}");

    // opening migrates it; check passes on the upgraded file
    l.ok(&["check"]);
    assert_eq!(version(&l), liangxin::store::schema::SCHEMA_VERSION);
    let orgs = l.json(&["--today", "2022-06-01", "org", "list", "--format", "json"]);
    assert_eq!(orgs.as_array().map(Vec::len), Some(4));
    let cov = coverage(&l);
    assert_eq!(cov["total"], 4, "{cov}");
    assert_eq!(cov["covered"], 2, "the joint branch covers two: {cov}");

    // the derived alerts carry the old ids, so the old decisions still hold
    decisions_hold(&l, &decided);
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

fn scalar(conn: &rusqlite::Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// (name, employees, pending) of every organization, read straight from a file.
fn orgs_in(conn: &rusqlite::Connection) -> Vec<(String, Option<i64>, i64)> {
    let mut stmt = conn
        .prepare("SELECT name, employees, pending FROM orgs WHERE deleted = 0 ORDER BY name")
        .expect("prepare");
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
}

/// The values the history of `name` shows for `field`, oldest first.
fn history_of(l: &Ledger, name: &str, field: &str) -> Vec<String> {
    let show = l.json(&["org", "show", name, "--format", "json"]);
    show["history"]
        .as_array()
        .unwrap_or_else(|| panic!("no history: {show}"))
        .iter()
        .filter(|h| h["field"] == field)
        .map(|h| h["value"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn the_fixtures_are_from_the_formats_before() {
    let v8 = fixture(V8);
    assert_eq!(scalar(&v8, "PRAGMA user_version"), 8);
    assert_eq!(
        scalar(&v8, "SELECT COUNT(*) FROM oplog WHERE field = '*'"),
        0,
        "schema 8 writes every field as its own op"
    );
    let v9 = fixture(V9);
    assert_eq!(scalar(&v9, "PRAGMA user_version"), 9);
    assert!(
        scalar(
            &v9,
            "SELECT COUNT(*) FROM ops WHERE field = '*' AND substr(value, 1, 1) = '{'"
        ) >= 6,
        "schema 9 names a new row's fields in a JSON object"
    );
    assert!(
        scalar(&v9, "SELECT COUNT(*) FROM ops WHERE field LIKE '~%'") >= 1,
        "the schema-9 fixture holds a compacted value"
    );
    let v10 = fixture(V10);
    assert_eq!(scalar(&v10, "PRAGMA user_version"), 10);
    assert!(
        scalar(
            &v10,
            "SELECT COUNT(*) FROM ops WHERE field = '*' AND substr(value, 1, 1) = '['"
        ) >= 6,
        "schema 10 numbers a new row's fields"
    );
    assert_eq!(
        scalar(
            &v10,
            "SELECT COUNT(*) FROM tasks WHERE kind = 'registration'"
        ),
        2,
        "schema 10 writes an imported organization's check as a task row"
    );
    let v11 = fixture(V11);
    assert_eq!(scalar(&v11, "PRAGMA user_version"), 11);
    assert_eq!(
        scalar(
            &v11,
            "SELECT COUNT(*) FROM oplog WHERE field IN ('first_survey_on', 'last_survey_on')"
        ),
        2,
        "schema 11 writes a survey's days as ops of its organization"
    );
}

fn upgrades_keeps_its_rows_and_syncs(path: &str) {
    let before = orgs_in(&fixture(path));
    let decided = decided(path);
    assert_eq!(before.len(), 6, "{before:?}");
    assert_eq!(decided.len(), 2, "{decided:?}");

    let l = upgraded(path);
    l.ok(&["check"]);
    assert_eq!(version(&l), liangxin::store::schema::SCHEMA_VERSION);
    assert_eq!(orgs_in(&l.conn()), before, "the rows survive the upgrade");
    let cov = coverage(&l);
    assert_eq!(cov["covered"], 2, "the joint branch covers two: {cov}");
    // history reads the old ops: the row's first count, then each change
    assert_eq!(
        history_of(&l, "常德乙公司", "employees").last(),
        Some(&"16".to_string())
    );
    assert_eq!(history_of(&l, "常德戊公司", "name"), ["\"常德戊公司\""]);
    decisions_hold(&l, &decided);

    // one replica cloned from the upgraded ledger, one filled by sync alone:
    // both read every old op, row ops included
    let server = l.db.to_str().expect("path");
    let laptop = Ledger::new();
    laptop.ok(&["sync", "clone", server]);
    let tablet = Ledger::new();
    tablet.ok(&["check"]); // an empty ledger of this release
    tablet.ok(&["sync", server]);
    let dump = |x: &Ledger| x.ok(&["export"]);
    for (who, replica) in [("laptop", &laptop), ("tablet", &tablet)] {
        replica.ok(&["check"]);
        assert_eq!(orgs_in(&replica.conn()), before, "{who}");
        assert_eq!(dump(replica), dump(&l), "{who}");
    }

    // changes both ways, one of them to a row made by an old row op
    laptop.ok(&[
        "--on",
        "2022-06-20",
        "org",
        "set",
        "常德戊公司",
        "employees=9",
    ]);
    l.ok(&[
        "--on",
        "2022-06-20",
        "org",
        "set",
        "常德乙公司",
        "employees=17",
    ]);
    laptop.ok(&["sync", server]);
    tablet.ok(&["sync", server]);
    for (who, ledger) in [("server", &l), ("laptop", &laptop), ("tablet", &tablet)] {
        ledger.ok(&["check"]);
        let show = |name: &str| ledger.json(&["org", "show", name, "--format", "json"]);
        assert_eq!(show("常德戊公司")["employees"], 9, "{who}");
        assert_eq!(show("常德乙公司")["employees"], 17, "{who}");
        assert_eq!(dump(ledger), dump(&l), "{who}");
    }
}

#[test]
fn a_schema_8_ledger_upgrades_keeps_its_rows_and_syncs() {
    upgrades_keeps_its_rows_and_syncs(V8);
}

#[test]
fn a_schema_9_ledger_upgrades_keeps_its_rows_and_syncs() {
    upgrades_keeps_its_rows_and_syncs(V9);
}

#[test]
fn a_schema_10_ledger_upgrades_keeps_its_rows_and_syncs() {
    upgrades_keeps_its_rows_and_syncs(V10);
}

#[test]
fn a_schema_11_ledger_upgrades_keeps_its_rows_and_syncs() {
    upgrades_keeps_its_rows_and_syncs(V11);
}

/// The survey days schema 11 wrote as ops read the same from the surveys on
/// the upgraded ledger and on a replica that received the old ops; their
/// ops stay in the history; a new survey moves the last day everywhere
/// without an op naming it.
#[test]
fn survey_days_come_from_the_surveys_after_the_upgrade() {
    let l = upgraded(V11);
    let days = |x: &Ledger| {
        let v = x.json(&["org", "show", "常德丙公司", "--format", "json"]);
        (v["first_survey_on"].clone(), v["last_survey_on"].clone())
    };
    assert_eq!(days(&l), ("2022-04-01".into(), "2022-04-01".into()));
    assert_eq!(
        history_of(&l, "常德丙公司", "first_survey_on"),
        ["\"2022-04-01\""]
    );
    let server = l.db.to_str().expect("path");
    let tablet = Ledger::new();
    tablet.ok(&["check"]);
    tablet.ok(&["sync", server]);
    assert_eq!(days(&tablet), days(&l), "a replica filled from the old ops");
    tablet.ok(&[
        "--on",
        "2022-06-10",
        "survey",
        "常德丙公司",
        "--employees",
        "31",
    ]);
    tablet.ok(&["sync", server]);
    for (who, x) in [("server", &l), ("tablet", &tablet)] {
        x.ok(&["check"]);
        assert_eq!(days(x), ("2022-04-01".into(), "2022-06-10".into()), "{who}");
    }
    let named = scalar(
        &l.conn(),
        "SELECT COUNT(*) FROM oplog WHERE field IN ('first_survey_on', 'last_survey_on')",
    );
    assert_eq!(named, 2, "only the old release's ops name the survey days");
}

/// The registration checks schema 10 wrote as task rows stay those rows:
/// listed once each, under their own ids, not again as implied checks.
#[test]
fn checks_written_as_task_rows_stay_rows() {
    let written: Vec<(String, String)> = {
        let conn = fixture(V10);
        let mut stmt = conn
            .prepare("SELECT id, org_id FROM tasks WHERE kind = 'registration' ORDER BY org_id")
            .expect("prepare");
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows")
    };
    let l = upgraded(V10);
    let listed = l.json(&["--today", "2022-06-01", "tasks", "--format", "json"]);
    let mut checks: Vec<(String, String)> = listed
        .as_array()
        .expect("a list")
        .iter()
        .filter(|t| t["kind"] == "registration")
        .map(|t| {
            let s = |k: &str| t[k].as_str().unwrap_or_default().to_string();
            (s("id"), s("org_id"))
        })
        .collect();
    checks.sort_by(|a, b| a.1.cmp(&b.1));
    assert_eq!(checks, written);
}

/// Survey-day ops from peers still on schema 11 are history: two that
/// disagree make no conflict and change nothing shown. A schema-12 op that
/// names a survey day is refused as malformed, as no local write makes one.
#[test]
fn survey_day_ops_of_old_peers_are_history_and_new_ones_are_refused() {
    let l = upgraded(V11);
    l.ok(&["check"]);
    let conn = l.conn();
    let org: String = conn
        .query_row(
            "SELECT id FROM orgs WHERE name = '常德丙公司'",
            [],
            |r| r.get(0),
        )
        .expect("org");
    let hlc: i64 = conn
        .query_row("SELECT MAX(hlc) FROM oplog", [], |r| r.get(0))
        .expect("hlc");
    let op = |site: &str, seq: i64, day: &str, schema: i64| liangxin::sync::Op {
        site: site.into(),
        seq,
        hlc: hlc + seq,
        tbl: "orgs".into(),
        row: org.clone(),
        field: "last_survey_on".into(),
        value: Some(format!("\"{day}\"")),
        schema,
        supersedes: None,
        actor: None,
        refused: None,
    };
    let (a, b) = (Id::new().0, Id::new().0);
    let mut store = Store::open(&l.db).expect("open");
    let from = Sender::trusted(None);
    let rep = store
        .receive(
            &from,
            &[op(&a, 1, "2022-05-01", 11), op(&b, 1, "2022-05-02", 11)],
        )
        .expect("receive");
    assert_eq!((rep.applied, rep.refused, rep.new_conflicts), (2, 0, 0));
    let held = scalar(&conn, "SELECT COUNT(*) FROM oplog");
    let refused = store
        .receive(&from, &[op(&a, 2, "2022-05-03", 12)])
        .expect_err("a schema-12 op naming a survey day");
    assert!(
        refused.to_string().contains("orgs.last_survey_on"),
        "{refused}"
    );
    drop(store);
    assert_eq!(scalar(&conn, "SELECT COUNT(*) FROM oplog"), held);
    assert_eq!(scalar(&conn, "SELECT COUNT(*) FROM sync_conflicts"), 0);
    let shown = l.json(&["org", "show", "常德丙公司", "--format", "json"]);
    assert_eq!(shown["last_survey_on"], "2022-04-01", "{shown}");
    l.ok(&["check"]);
}
