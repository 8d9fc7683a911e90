//! An imported organization's registration check is implied by its row: no
//! task row, no task op, until someone works on it; the lists, the alerts
//! and the task commands see it all the same, and the first step writes the
//! row (once, even when two replicas both work on it before they sync).

mod common;

use common::{Ledger, small_ledger};
use serde_json::Value;

/// A valid credit code for serial `n`.
fn code(n: u32) -> String {
    let first = format!("91430702{n:09}");
    let c = liangxin::domain::uscc::check_char(first.as_bytes()).expect("check char");
    format!("{first}{c}")
}

/// `small_ledger` and two new organizations from a registration list,
/// imported on 2022-04-01; returns their ids.
fn imported() -> (Ledger, String, String) {
    let l = small_ledger();
    let csv = l.dir.path().join("list.csv");
    let text = format!(
        "企业名称,统一社会信用代码,所属街道,从业人数\n\
         常德新甲公司,{},南坪街道,12\n\
         常德新乙公司,{},南坪街道,5\n",
        code(1),
        code(2)
    );
    std::fs::write(&csv, text).expect("write the list");
    l.ok(&["--on", "2022-04-01", "import", csv.to_str().expect("path")]);
    let id = |name: &str| -> String {
        l.conn()
            .query_row("SELECT id FROM orgs WHERE name = ?1", [name], |r| r.get(0))
            .expect(name)
    };
    let (a, b) = (id("常德新甲公司"), id("常德新乙公司"));
    (l, a, b)
}

fn tasks(l: &Ledger, all: bool) -> Vec<Value> {
    let mut args = vec!["--today", "2022-04-20", "tasks", "--format", "json"];
    if all {
        args.push("--all");
    }
    l.json(&args).as_array().expect("a list").clone()
}

fn of(list: &[Value], org: &str) -> Vec<Value> {
    list.iter()
        .filter(|t| t["org_id"] == org)
        .cloned()
        .collect()
}

/// Task rows and task ops as stored, for `org`'s check.
fn stored(l: &Ledger, org: &str) -> (i64, i64) {
    let c = l.conn();
    let rows = c
        .query_row("SELECT count(*) FROM tasks WHERE org_id = ?1", [org], |r| {
            r.get(0)
        })
        .expect("rows");
    let ops = c
        .query_row(
            "SELECT count(*) FROM oplog WHERE tbl = 'tasks' AND row_id = ?1",
            [org],
            |r| r.get(0),
        )
        .expect("ops");
    (rows, ops)
}

fn check(l: &Ledger) {
    let out = l.ok(&["--lang", "en", "check"]);
    assert!(out.contains("rows match the op log"), "{out}");
}

#[test]
fn an_import_implies_checks_that_become_rows_when_worked() {
    let (l, a, b) = imported();
    // Stored: the organizations' one op each, nothing for their checks.
    for org in [&a, &b] {
        assert_eq!(stored(&l, org), (0, 0), "{org}");
        let ops: i64 = l
            .conn()
            .query_row(
                "SELECT count(*) FROM oplog WHERE row_id = ?1",
                [org.as_str()],
                |r| r.get(0),
            )
            .expect("ops");
        assert_eq!(ops, 1, "{org}: one op for the organization");
    }
    // Listed: a registration check each, for the economic office, due as
    // the stage limit (14 days) after the import.
    let open = tasks(&l, false);
    for org in [&a, &b] {
        let t = of(&open, org);
        assert_eq!(t.len(), 1, "{org}: {open:?}");
        assert_eq!(t[0]["id"], org.as_str());
        assert_eq!(t[0]["kind"], "registration");
        assert_eq!(t[0]["stage"], "survey");
        assert_eq!(t[0]["office"], "economic");
        assert_eq!(t[0]["created_on"], "2022-04-01");
        assert_eq!(t[0]["due_on"], "2022-04-15");
        assert_eq!(t[0]["overdue"], true);
        assert!(!t[0]["note"].as_str().unwrap_or("").is_empty());
    }
    // The alerts read the check as a task made on the import day.
    let alerts = l.json(&[
        "--today",
        "2022-06-01",
        "alerts",
        "--all",
        "--format",
        "json",
    ]);
    let missing = alerts
        .as_array()
        .expect("a list")
        .iter()
        .filter(|x| x["rule"] == "registration_missing" && x["org_id"] == a.as_str())
        .count();
    assert_eq!(missing, 1, "{alerts}");

    // A survey works the check: its row is written with the values listed,
    // then moves on to the party office, as a written task's would.
    l.ok(&["--on", "2022-04-05", "survey", &a, "--employees", "12"]);
    assert_eq!(stored(&l, &a).0, 1);
    let t = of(&tasks(&l, true), &a);
    assert_eq!(t.len(), 1, "the row hides the implied check: {t:?}");
    assert_eq!(t[0]["id"], a.as_str());
    assert_eq!(t[0]["stage"], "cover");
    assert_eq!(t[0]["office"], "party");
    assert_eq!(t[0]["created_on"], "2022-04-01");
    assert_eq!(t[0]["due_on"], "2022-04-15");
    // Closing the other one by its id does the same.
    l.ok(&["--on", "2022-04-06", "task", "close", &b]);
    let t = of(&tasks(&l, true), &b);
    assert_eq!(t.len(), 1, "{t:?}");
    assert_eq!(t[0]["stage"], "closed");
    assert_eq!(t[0]["closed_on"], "2022-04-06");
    assert!(of(&tasks(&l, false), &b).is_empty());
    check(&l);
}

#[test]
fn two_replicas_that_both_work_a_check_hold_one_task() {
    let (server, a, _) = imported();
    let laptop = Ledger::new();
    laptop.ok(&["sync", "clone", server.db.to_str().expect("path")]);
    // The clone lists the same checks before anyone works on them.
    assert_eq!(tasks(&laptop, false), tasks(&server, false));
    // Both work on the same check before they sync.
    laptop.ok(&["--on", "2022-04-05", "survey", &a, "--employees", "12"]);
    server.ok(&["--on", "2022-04-06", "task", "close", &a]);
    laptop.ok(&["sync", server.db.to_str().expect("path")]);
    laptop.ok(&["sync", server.db.to_str().expect("path")]);
    let dump = |l: &Ledger| l.ok(&["export", "--format", "json"]);
    assert_eq!(dump(&laptop), dump(&server));
    for l in [&laptop, &server] {
        assert_eq!(stored(l, &a).0, 1, "one task row for the check");
        assert_eq!(of(&tasks(l, true), &a).len(), 1);
        check(l);
    }
}

/// A street user works the checks of the street's organizations, on a
/// laptop, and the server takes the rows it writes as it would a local
/// write; another street's check stays out of reach, locally as on arrival.
#[test]
fn a_street_user_works_its_streets_checks_and_no_other() {
    let s = common::two_street_server();
    let csv = s.dir.path().join("list.csv");
    let text = format!(
        "企业名称,统一社会信用代码,所属街道\n甲街道新公司,{},甲街道\n乙街道新公司,{},乙街道\n",
        code(11),
        code(12)
    );
    std::fs::write(&csv, text).expect("write the list");
    let path = csv.to_str().expect("path");
    common::ok_as(&s, "boss", &["--on", "2022-04-01", "import", path]);
    let id = |name: &str| -> String {
        s.conn()
            .query_row("SELECT id FROM orgs WHERE name = ?1", [name], |r| r.get(0))
            .expect(name)
    };
    let (mine, theirs) = (id("甲街道新公司"), id("乙街道新公司"));
    let laptop = Ledger::new();
    laptop.ok(&["sync", "clone", s.db.to_str().expect("path")]);
    let o = common::run_as(
        &laptop,
        "alice",
        &["--on", "2022-04-05", "task", "close", &theirs],
    );
    assert!(!o.ok, "another street's check: {}", o.stdout);
    assert_eq!(stored(&laptop, &theirs), (0, 0));
    common::ok_as(
        &laptop,
        "alice",
        &["--on", "2022-04-05", "survey", &mine, "--employees", "3"],
    );
    let o = common::run_as(&laptop, "alice", &["sync", s.db.to_str().expect("path")]);
    assert!(o.ok, "{}", o.stderr);
    assert!(!o.stderr.contains("refused"), "{}", o.stderr);
    assert_eq!(stored(&s, &mine).0, 1, "the server holds the check's row");
    let t = of(&tasks(&s, true), &mine);
    assert_eq!(t.len(), 1, "{t:?}");
    assert_eq!(t[0]["stage"], "cover");
    check(&s);
}

/// The app's task pane and an organization's detail read the implied
/// checks as they read task rows: counted, listed with the organization's
/// name, and gone from the open ones once closed.
#[test]
fn the_apps_panes_list_implied_checks() {
    let (l, a, b) = imported();
    let today = liangxin::domain::Date::parse("today", "2022-04-20").expect("day");
    let (rows, total, mine) =
        liangxin::store::panes::tasks(&l.conn(), today, "economic", 50).expect("pane");
    assert_eq!((total, mine), (2, 2));
    let names: Vec<&str> = rows.iter().map(|t| t.org.as_str()).collect();
    assert!(
        names.contains(&"常德新甲公司") && names.contains(&"常德新乙公司"),
        "{names:?}"
    );
    assert!(
        rows.iter()
            .all(|t| t.kind == "registration" && t.overdue_days == 5)
    );
    let of_a = liangxin::store::panes::org_tasks(&l.conn(), &a).expect("detail");
    assert_eq!(of_a.len(), 1);
    assert_eq!(of_a[0].id, a);
    l.ok(&["--on", "2022-04-06", "task", "close", &b]);
    let (_, total, _) =
        liangxin::store::panes::tasks(&l.conn(), today, "economic", 50).expect("pane");
    assert_eq!(total, 1);
}
