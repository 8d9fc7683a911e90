//! `compact`: superseded values every known peer holds go, and nothing else
//! changes: the tables, what sync converges to, `check`, and the history a
//! cadre reads (who changed which field when).

mod common;

use common::{Ledger, small_ledger};
use serde_json::Value;

fn path(l: &Ledger) -> &str {
    l.db.to_str().expect("utf-8 path")
}

fn export(l: &Ledger) -> String {
    l.ok(&["export", "--format", "json"])
}

/// Whether the op log still holds an op setting `field` of `name` to `value`.
fn holds_value(l: &Ledger, name: &str, field: &str, value: &str) -> bool {
    l.conn()
        .query_row(
            "SELECT COUNT(*) FROM oplog o JOIN orgs g ON g.id = o.row_id
             WHERE o.tbl = 'orgs' AND g.name = ?1 AND o.field = ?2 AND o.value = ?3",
            [name, field, value],
            |r| r.get::<_, i64>(0),
        )
        .expect("count")
        > 0
}

fn history_of(l: &Ledger, name: &str, field: &str) -> Vec<Value> {
    l.json(&["org", "show", name, "--format", "json"])["history"]
        .as_array()
        .expect("history")
        .iter()
        .filter(|h| h["field"] == field)
        .cloned()
        .collect()
}

#[test]
fn compaction_keeps_tables_sync_check_and_who_changed_what() {
    let server = small_ledger();
    for n in ["20", "21", "22"] {
        server.ok(&["org", "set", "常德乙公司", &format!("employees={n}")]);
    }
    let laptop = Ledger::new();
    laptop.ok(&["sync", "clone", path(&server)]);
    laptop.ok(&["org", "set", "常德丙公司", "employees=7"]);
    laptop.ok(&["org", "set", "常德丙公司", "employees=8"]);
    laptop.ok(&["sync", path(&server)]);
    // After the exchange each side knows what the other holds. An edit the
    // laptop has not received yet holds back the value it replaced.
    server.ok(&["org", "set", "常德乙公司", "employees=30"]);
    let before = export(&server);
    let history_before = history_of(&server, "常德乙公司", "employees");
    assert_eq!(history_before.len(), 5, "{history_before:?}");

    let done = server.json(&["compact", "--format", "json"]);
    assert!(done["ops"].as_i64().unwrap_or(0) >= 3, "{done}");
    assert!(
        server.run(&["check"]).ok,
        "{}",
        server.run(&["check"]).stdout
    );
    assert_eq!(export(&server), before, "the tables are what they were");
    assert!(!holds_value(&server, "常德乙公司", "employees", "20"));
    assert!(!holds_value(&server, "常德丙公司", "employees", "7"));
    assert!(
        holds_value(&server, "常德乙公司", "employees", "22"),
        "the laptop has not acknowledged what replaced 22"
    );
    // Who changed the field, and when, stays; a compacted value says so.
    let history = history_of(&server, "常德乙公司", "employees");
    assert_eq!(history.len(), history_before.len());
    for (a, b) in history.iter().zip(&history_before) {
        assert_eq!((&a["at"], &a["user"]), (&b["at"], &b["user"]));
    }
    assert!(
        history.iter().any(|h| h["value"] == "(compacted)"),
        "{history:?}"
    );
    let again = server.json(&["compact", "--format", "json"]);
    assert_eq!(again["ops"], 0, "nothing more to compact: {again}");

    // A concurrent edit still meets the kept head and shows as a conflict,
    // the same on both sides once they sync.
    laptop.ok(&["org", "set", "常德乙公司", "employees=40"]);
    laptop.ok(&["compact"]);
    assert!(laptop.run(&["check"]).ok);
    laptop.ok(&["sync", path(&server)]);
    for l in [&server, &laptop] {
        assert!(l.run(&["check"]).ok, "{}", l.run(&["check"]).stdout);
        assert_eq!(l.count("sync_conflicts"), 1, "30 and 40 disagree");
    }
    assert_eq!(export(&server), export(&laptop));

    // A replica cloned from the compacted ledger holds the stubs, checks,
    // and syncs.
    let fresh = Ledger::new();
    fresh.ok(&["sync", "clone", path(&server)]);
    assert!(fresh.run(&["check"]).ok);
    fresh.ok(&["org", "set", "常德甲公司", "employees=3"]);
    fresh.ok(&["sync", path(&server)]);
    assert_eq!(export(&fresh), export(&server));
}

#[test]
fn digests_recomputed_by_a_compaction_are_vouched_for() {
    let l = small_ledger();
    l.ok(&["org", "set", "常德乙公司", "employees=20"]);
    l.ok(&["org", "set", "常德乙公司", "employees=21"]);
    let done = l.json(&["compact", "--format", "json"]);
    assert_eq!(done["peers"], 0, "a ledger with no peer: {done}");
    assert!(done["records"].as_i64().unwrap_or(0) >= 1, "{done}");
    assert!(l.run(&["check"]).ok);
    l.conn()
        .execute(
            "UPDATE audit_redigest SET digest = 'x' || substr(digest, 2)",
            [],
        )
        .expect("edit");
    let o = l.run(&["check"]);
    assert!(!o.ok, "{}", o.stdout);
    assert!(o.stdout.contains("compaction record"), "{}", o.stdout);
}

#[test]
fn an_edited_log_is_not_compacted() {
    let l = small_ledger();
    l.ok(&["org", "set", "常德乙公司", "employees=20"]);
    l.ok(&["org", "set", "常德乙公司", "employees=21"]);
    l.conn()
        .execute(
            "UPDATE ops SET value = '99' WHERE field = 'employees' AND value = '21'",
            [],
        )
        .expect("edit");
    let n = l.count("oplog");
    let o = l.run(&["compact"]);
    assert!(!o.ok, "{}", o.stdout);
    assert!(o.stderr.contains("check fails"), "{}", o.stderr);
    assert!(
        holds_value(&l, "常德乙公司", "employees", "20"),
        "nothing compacted"
    );
    assert_eq!(l.count("oplog"), n);
}

/// An edit of a field a new row carried, replaced and then compacted, still
/// names the row's op it replaced: a replica filled by sync from the
/// compacted ledger holds one value for the field, not a conflict between
/// the row's first value and the last.
#[test]
fn a_compacted_edit_still_replaces_the_new_rows_value() {
    let server = small_ledger();
    for n in ["20", "21"] {
        server.ok(&["org", "set", "常德乙公司", &format!("employees={n}")]);
    }
    let done = server.json(&["compact", "--format", "json"]);
    assert!(done["ops"].as_i64().unwrap_or(0) >= 1, "{done}");
    let tablet = Ledger::new();
    tablet.ok(&["check"]);
    tablet.ok(&["sync", path(&server)]);
    assert!(tablet.run(&["check"]).ok);
    assert_eq!(tablet.count("sync_conflicts"), 0);
    assert_eq!(export(&tablet), export(&server));
}
