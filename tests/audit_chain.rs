//! The audit chain answers for the ops: each record carries a digest of the
//! ops its transaction wrote, and `check` recomputes it from the op log and
//! the tables from the ops. Edits made with SQLite behind the app's back are
//! named; ledgers the app wrote (the demo, a sync with refusals) pass.

mod common;

use common::{Ledger, command, ok_as, output, run_as, small_ledger};
use liangxin::store::Store;
use liangxin::store::op::OP_COLUMNS;
use liangxin::sync::{self, Op};

fn path(l: &Ledger) -> &str {
    l.db.to_str().expect("utf-8 path")
}

/// `check --format json`, whatever its exit status.
fn check_json(l: &Ledger) -> serde_json::Value {
    let o = l.run(&["check", "--format", "json"]);
    serde_json::from_str(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", o.stdout))
}

/// `check` passes, and its JSON says every op was compared with a digest.
fn assert_passes(l: &Ledger) {
    let o = l.run(&["check"]);
    assert!(o.ok, "check failed:\n{}\n{}", o.stdout, o.stderr);
    let v = check_json(l);
    assert_eq!(v["ops_broken"], serde_json::Value::Null, "{v}");
    assert_eq!(v["table_broken"], serde_json::Value::Null, "{v}");
    assert_eq!(
        v["ops_checked"].as_i64(),
        Some(l.count("oplog")),
        "every op answered for by a record: {v}"
    );
}

/// The site, sequence and audit record id of the op that set `field` of the
/// organization `name` last (the op that made the row sets all its fields).
fn op_of(l: &Ledger, name: &str, field: &str) -> (String, i64, String) {
    let conn = l.conn();
    let (site, seq): (String, i64) = conn
        .query_row(
            "SELECT o.site_id, o.seq FROM oplog o JOIN orgs g ON g.id = o.row_id
             WHERE o.tbl = 'orgs' AND g.name = ?1 AND o.field IN (?2, '*')
             ORDER BY o.hlc DESC LIMIT 1",
            [name, field],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("the op");
    let record: String = conn
        .query_row(
            "SELECT id FROM audit WHERE site_id = ?1 AND first_seq <= ?2 AND last_seq >= ?2",
            rusqlite::params![site, seq],
            |r| r.get(0),
        )
        .expect("its record");
    (site, seq, record)
}

#[test]
fn an_ops_value_edited_in_the_op_log_fails_check_naming_its_record() {
    let l = small_ledger();
    l.ok(&["org", "set", "常德乙公司", "employees=20"]);
    l.ok(&["org", "set", "常德丙公司", "employees=7"]);
    assert_passes(&l);
    let (site, seq, record) = op_of(&l, "常德乙公司", "employees");
    let n = l
        .conn()
        .execute(
            // on the store: a view's triggers report no changes
            "UPDATE ops SET value = '200'
             WHERE site = (SELECT n FROM op_sites WHERE site_id = ?1) AND seq = ?2",
            rusqlite::params![site, seq],
        )
        .expect("edit");
    assert_eq!(n, 1);
    let o = l.run(&["check"]);
    assert!(!o.ok, "check must fail: {}", o.stdout);
    let line = o
        .stdout
        .lines()
        .find(|s| s.starts_with("op log edited"))
        .unwrap_or_else(|| panic!("no op log line: {}", o.stdout));
    assert!(line.contains(&record), "names the record: {line}");
    assert!(line.contains("digest"), "{line}");
    // the audit records themselves were not touched
    assert!(o.stdout.contains("records, intact"), "{}", o.stdout);
    let v = check_json(&l);
    assert!(
        v["ops_broken"]
            .as_str()
            .expect("ops_broken")
            .contains(&record),
        "{v}"
    );
}

#[test]
fn an_op_deleted_from_the_op_log_fails_check_naming_it_and_its_record() {
    let l = small_ledger();
    l.ok(&["org", "set", "常德乙公司", "employees=20"]);
    let (site, seq, record) = op_of(&l, "常德乙公司", "employees");
    l.conn()
        .execute(
            "DELETE FROM oplog WHERE site_id = ?1 AND seq = ?2",
            rusqlite::params![site, seq],
        )
        .expect("delete");
    let o = l.run(&["check"]);
    assert!(!o.ok, "check must fail: {}", o.stdout);
    let broken = check_json(&l)["ops_broken"]
        .as_str()
        .expect("ops_broken")
        .to_string();
    assert!(broken.contains(&record), "{broken}");
    assert!(broken.contains(&format!("{site}:{seq}")), "{broken}");
    assert!(broken.contains("removed"), "{broken}");
}

#[test]
fn an_op_added_behind_the_apps_back_fails_check() {
    let l = small_ledger();
    let (site, seq, _) = op_of(&l, "常德乙公司", "name");
    let max: i64 = l
        .conn()
        .query_row(
            "SELECT MAX(seq) FROM oplog WHERE site_id = ?1",
            [&site],
            |r| r.get(0),
        )
        .expect("max");
    l.conn()
        .execute(
            "INSERT INTO oplog(site_id, seq, hlc, tbl, row_id, field, value, schema_version)
             SELECT site_id, ?3, hlc + 1, tbl, row_id, 'employees', '5', schema_version
             FROM oplog WHERE site_id = ?1 AND seq = ?2",
            rusqlite::params![site, seq, max + 1],
        )
        .expect("insert");
    assert!(!l.run(&["check"]).ok);
    let broken = check_json(&l)["ops_broken"]
        .as_str()
        .expect("ops_broken")
        .to_string();
    assert!(broken.contains(&format!("{site}:{}", max + 1)), "{broken}");
    assert!(broken.contains("in no audit record"), "{broken}");
    // a later write through the app does not take it in
    l.ok(&["street", "add", "北坪街道"]);
    assert!(!l.run(&["check"]).ok);
}

#[test]
fn an_op_marked_refused_behind_the_apps_back_fails_check() {
    let l = small_ledger();
    let (site, seq, record) = op_of(&l, "常德乙公司", "name");
    l.conn()
        .execute(
            "UPDATE oplog SET refused = 'hidden' WHERE site_id = ?1 AND seq = ?2",
            rusqlite::params![site, seq],
        )
        .expect("edit");
    assert!(!l.run(&["check"]).ok);
    let broken = check_json(&l)["ops_broken"]
        .as_str()
        .expect("ops_broken")
        .to_string();
    assert!(broken.contains(&record), "{broken}");
}

#[test]
fn a_table_edited_directly_fails_check_naming_the_organization_and_field() {
    let l = small_ledger();
    l.ok(&["org", "set", "常德乙公司", "employees=20"]);
    l.conn()
        .execute(
            "UPDATE orgs SET employees = 999 WHERE name = '常德乙公司'",
            [],
        )
        .expect("edit");
    let o = l.run(&["check"]);
    assert!(!o.ok, "check must fail: {}", o.stdout);
    let line = o
        .stdout
        .lines()
        .find(|s| s.starts_with("table edited directly"))
        .unwrap_or_else(|| panic!("no table line: {}", o.stdout));
    assert!(line.contains("orgs 常德乙公司"), "{line}");
    assert!(line.contains("employees"), "{line}");
    assert!(line.contains("table 999"), "{line}");
    assert!(line.contains("op log 20"), "{line}");
    // the op log itself is whole
    let v = check_json(&l);
    assert_eq!(v["ops_broken"], serde_json::Value::Null, "{v}");
    // in Chinese too
    let o = output({
        let mut c = command(&l.db, l.dir.path(), &["check"]);
        c.env("LIANGXIN_LANG", "zh");
        c
    });
    assert!(
        o.stdout.contains("数据表被直接改动") && o.stdout.contains("常德乙公司"),
        "{}",
        o.stdout
    );
}

#[test]
fn a_row_deleted_from_a_table_directly_fails_check() {
    let l = small_ledger();
    l.conn()
        .execute("DELETE FROM orgs WHERE name = '常德丙公司'", [])
        .expect("delete");
    let v = check_json(&l);
    let broken = v["table_broken"].as_str().expect("table_broken");
    assert!(broken.starts_with("orgs "), "{broken}");
    assert!(broken.contains("not in the table"), "{broken}");
}

#[test]
fn a_clean_demo_ledger_passes_check() {
    let l = Ledger::new();
    l.ok(&["demo", "--no-tui"]);
    assert_passes(&l);
    let v = check_json(&l);
    assert!(
        v["table_rows"].as_i64().expect("rows") > l.count("orgs"),
        "every table's rows were compared: {v}"
    );
}

fn server() -> Ledger {
    common::two_street_server()
}

#[test]
fn ledgers_after_a_sync_with_refusals_pass_check() {
    let s = server();
    let laptop = Ledger::new();
    laptop.ok(&["sync", "clone", path(&s)]);
    let other = Ledger::new();
    other.ok(&["sync", "clone", path(&s)]);
    // On her copy alice acts as anyone: an organization outside her street.
    ok_as(
        &laptop,
        "boss",
        &["org", "add", "--name", "越权公司", "--street", "乙街道"],
    );
    ok_as(
        &laptop,
        "alice",
        &["org", "add", "--name", "本街道公司", "--street", "甲街道"],
    );
    // A copy where it is accepted before the server refuses it.
    ok_as(&laptop, "boss", &["sync", path(&other)]);
    assert!(other.ok(&["org", "list"]).contains("越权公司"));
    let o = run_as(&laptop, "alice", &["sync", path(&s)]);
    assert!(o.ok && o.stderr.contains("refused"), "{}", o.stderr);
    let refused: i64 = s
        .conn()
        .query_row(
            "SELECT COUNT(*) FROM oplog WHERE refused IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert!(refused > 0, "the server keeps refused ops");
    assert_passes(&s);
    assert_passes(&laptop);
    // The copy learns of the refusal from a peer passing the ops on: ops it
    // held are marked refused.
    let passed_on: Vec<Op> = {
        let c = s.conn();
        let mut stmt = c
            .prepare(&format!(
                "SELECT {OP_COLUMNS} FROM oplog WHERE refused IS NOT NULL ORDER BY site_id, seq"
            ))
            .expect("select");
        stmt.query_map([], Op::from_row)
            .expect("ops")
            .collect::<Result<_, _>>()
            .expect("ops")
    };
    let mut st = Store::open(&other.db).expect("open");
    let rep = sync::apply_ops(&mut st, &passed_on).expect("apply");
    assert_eq!(rep.already, passed_on.len(), "{rep:?}");
    drop(st);
    assert!(!other.ok(&["org", "list"]).contains("越权公司"));
    let marking: String = other
        .conn()
        .query_row(
            "SELECT op_marks FROM audit WHERE op_marks <> '' ORDER BY rowid DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("a record naming the marked ops");
    assert!(!marking.is_empty());
    assert_passes(&other);
    // The laptop takes its refused ops back.
    ok_as(&laptop, "alice", &["sync", "refused", "discard", "all"]);
    assert_passes(&laptop);
    ok_as(&laptop, "alice", &["sync", path(&s)]);
    assert_passes(&laptop);
    assert_passes(&s);
    // Undoing a discard behind the app's back is named.
    let (site, seq): (String, i64) = laptop
        .conn()
        .query_row(
            "SELECT site_id, seq FROM oplog WHERE refused IS NOT NULL LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("a discarded op");
    laptop
        .conn()
        .execute(
            "UPDATE oplog SET refused = NULL WHERE site_id = ?1 AND seq = ?2",
            rusqlite::params![site, seq],
        )
        .expect("edit");
    let v = check_json(&laptop);
    let broken = v["ops_broken"].as_str().expect("ops_broken");
    assert!(broken.contains("sync.refused.discard"), "{broken}");
}

/// Turns a ledger into one written before records carried digests: the
/// schema 4 audit table, its chain hashed as it was then, and none of the
/// later migrations' columns and tables (they are added again on opening).
fn as_schema_4(l: &Ledger) {
    let c = l.conn();
    c.execute_batch(
        "ALTER TABLE orgs ADD COLUMN first_survey_on TEXT;
         ALTER TABLE orgs ADD COLUMN last_survey_on TEXT;
         DROP INDEX surveys_org;
         CREATE INDEX surveys_org ON surveys(org_id);
         CREATE TABLE oplog_table (
           site_id TEXT NOT NULL, seq INTEGER NOT NULL, hlc INTEGER NOT NULL,
           tbl TEXT NOT NULL, row_id TEXT NOT NULL, field TEXT NOT NULL, value TEXT,
           schema_version INTEGER NOT NULL, supersedes TEXT, actor TEXT, refused TEXT,
           PRIMARY KEY (site_id, seq));
         INSERT INTO oplog_table SELECT * FROM oplog;
         DROP VIEW oplog;
         DROP TABLE ops;
         DROP TABLE op_sites;
         DROP TABLE op_tables;
         DROP TABLE op_actors;
         DROP TABLE audit_redigest;
         ALTER TABLE oplog_table RENAME TO oplog;
         CREATE INDEX oplog_field ON oplog(tbl, row_id, field);
         ALTER TABLE audit DROP COLUMN op_ranges;
         ALTER TABLE audit DROP COLUMN op_marks;
         ALTER TABLE audit DROP COLUMN ops_digest;
         DROP TABLE audit_base;
         DROP VIEW task_list;
         DROP INDEX orgs_check;
         ALTER TABLE orgs DROP COLUMN check_due_on;
         ALTER TABLE orgs DROP COLUMN pending;
         ALTER TABLE orgs DROP COLUMN verified_on;
         DROP TABLE org_places;
         DROP INDEX persons_moved_from;
         ALTER TABLE persons DROP COLUMN leave_reason;
         ALTER TABLE persons DROP COLUMN moved_from;
         PRAGMA user_version = 4;",
    )
    .expect("downgrade");
    let rows: Vec<(i64, Vec<String>)> = c
        .prepare(
            "SELECT rowid, id, at, os_user, user_name, office, action, detail, reason, on_date,
                    site_id, first_seq, last_seq, ops FROM audit ORDER BY rowid",
        )
        .expect("select")
        .query_map([], |r| {
            let mut f = Vec::new();
            for i in 1..=13 {
                f.push(match r.get::<_, rusqlite::types::Value>(i)? {
                    rusqlite::types::Value::Text(s) => s,
                    rusqlite::types::Value::Integer(n) => n.to_string(),
                    _ => String::new(),
                });
            }
            Ok((r.get(0)?, f))
        })
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("rows");
    let mut prev = String::new();
    for (rowid, mut f) in rows {
        f.push(prev.clone());
        let refs: Vec<&str> = f.iter().map(String::as_str).collect();
        let hash = liangxin::store::write::chain_hash(&refs);
        c.execute(
            "UPDATE audit SET prev_hash = NULLIF(?2, ''), hash = ?3 WHERE rowid = ?1",
            rusqlite::params![rowid, prev, hash],
        )
        .expect("rehash");
        prev = hash;
    }
}

#[test]
fn a_ledger_from_before_digests_keeps_its_chain_and_gains_digests_from_then_on() {
    let l = small_ledger();
    as_schema_4(&l);
    let old_ops = l.count("oplog");
    // opened by this build: migrated; the old records pass as they did
    let v = check_json(&l);
    assert!(l.run(&["check"]).ok, "{v}");
    assert_eq!(v["ops_checked"], 0, "{v}");
    // new writes answer for their ops, the first also for the ops before
    l.ok(&["org", "set", "常德乙公司", "employees=20"]);
    l.ok(&["org", "set", "常德丙公司", "employees=8"]);
    let v = check_json(&l);
    assert!(l.run(&["check"]).ok, "{v}");
    assert_eq!(v["ops_checked"].as_i64(), Some(l.count("oplog") - old_ops));
    let base: i64 = l
        .conn()
        .query_row("SELECT SUM(seq) FROM audit_base", [], |r| r.get(0))
        .expect("base");
    assert_eq!(base, old_ops, "the ops held at the migration");
    // the list of ops held before is answered for by the first new record
    l.conn()
        .execute("UPDATE audit_base SET seq = seq + 1", [])
        .expect("edit");
    let broken = check_json(&l)["ops_broken"]
        .as_str()
        .expect("ops_broken")
        .to_string();
    let first: String = l
        .conn()
        .query_row(
            "SELECT id FROM audit WHERE ops_digest IS NOT NULL ORDER BY rowid LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("the first record with a digest");
    assert!(broken.contains(&first), "{broken}");
    l.conn()
        .execute("UPDATE audit_base SET seq = seq - 1", [])
        .expect("edit");
    assert!(l.run(&["check"]).ok);
    // an edited new op is named; its record is the second new one
    let (site, seq, record) = op_of(&l, "常德丙公司", "employees");
    l.conn()
        .execute(
            "UPDATE oplog SET value = '80' WHERE site_id = ?1 AND seq = ?2",
            rusqlite::params![site, seq],
        )
        .expect("edit");
    let broken = check_json(&l)["ops_broken"]
        .as_str()
        .expect("ops_broken")
        .to_string();
    assert!(broken.contains(&record), "{broken}");
}
