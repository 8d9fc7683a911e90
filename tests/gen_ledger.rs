//! `gen` builds a whole ledger in one batch that takes its own shortcuts:
//! list and lookup indexes made once after the rows, a rollback journal in
//! place of the WAL, a survey's organization read once. What it leaves must
//! be a ledger like any other.

mod common;

use common::Ledger;

fn indexes(l: &Ledger) -> Vec<(String, String)> {
    let conn = l.conn();
    let mut stmt = conn
        .prepare(
            "SELECT name, sql FROM sqlite_schema
             WHERE type = 'index' AND sql IS NOT NULL ORDER BY name",
        )
        .expect("prepare");
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
}

fn journal_mode(l: &Ledger) -> String {
    l.conn()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .expect("journal mode")
}

#[test]
fn a_generated_ledger_is_like_any_other() {
    let fresh = Ledger::new();
    fresh.ok(&["check"]);
    let l = Ledger::new();
    // Enough organizations for a batch that defers its indexes (10,000
    // commands and more).
    l.ok(&["gen", "--orgs", "4000"]);
    let detail: String = l
        .conn()
        .query_row("SELECT detail FROM audit WHERE action = 'gen'", [], |r| {
            r.get(0)
        })
        .expect("gen's audit record");
    let commands: usize = detail
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(commands >= 10_000, "{detail}");

    // Every index is back, as a new ledger has it; the file is in WAL, as
    // every session writes; no rollback journal is left beside it.
    assert_eq!(indexes(&l), indexes(&fresh));
    assert_eq!(journal_mode(&l), "wal");
    assert!(!l.dir.path().join("ledger.db-journal").exists());
    l.ok(&["check"]);
    // Its audit record answers for its ops in several ranges, hashed as
    // they were written; `check` above read them back and found them equal.
    let (ranges, ops): (String, i64) = l
        .conn()
        .query_row(
            "SELECT op_ranges, ops FROM audit WHERE action = 'gen'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("ranges");
    assert!(ops > 16_384, "{ops} ops");
    assert_eq!(ranges.split(',').count() as i64, (ops + 16_383) / 16_384);

    // Every organization is surveyed once; its survey days are read from
    // its survey, and no op names them.
    let conn = l.conn();
    let orgs = l.count("orgs");
    assert_eq!(orgs, 4000);
    let surveyed: i64 = conn
        .query_row("SELECT count(DISTINCT org_id) FROM surveys", [], |r| {
            r.get(0)
        })
        .expect("surveyed");
    assert_eq!(surveyed, orgs);
    let named: i64 = conn
        .query_row(
            "SELECT count(*) FROM oplog
             WHERE tbl = 'orgs' AND field IN ('first_survey_on', 'last_survey_on')",
            [],
            |r| r.get(0),
        )
        .expect("ops");
    assert_eq!(named, 0);
    let (org, on): (String, String) = conn
        .query_row(
            "SELECT org_id, on_date FROM surveys ORDER BY id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("a survey");
    let shown = l.json(&["org", "show", &org, "--format", "json"]);
    assert_eq!(shown["first_survey_on"], on.as_str(), "{shown}");
    assert_eq!(shown["last_survey_on"], on.as_str(), "{shown}");

    // The op log's row index serves a change after it: a field changed on
    // a generated organization names the op that set it as the one it
    // replaces.
    let (id, code): (String, String) = conn
        .query_row("SELECT id, code FROM orgs ORDER BY id LIMIT 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .expect("an organization");
    assert!(!code.is_empty());
    l.ok(&["org", "set", &id, "contact=测试联系人"]);
    let supersedes: Option<String> = conn
        .query_row(
            "SELECT supersedes FROM oplog WHERE row_id = ?1 AND field = 'contact'",
            [&id],
            |r| r.get(0),
        )
        .expect("the change");
    assert!(supersedes.is_some_and(|s| !s.is_empty()));
    l.ok(&["check"]);
}

/// With another session holding the file open, `gen` keeps to the WAL
/// (SQLite leaves it only for a connection alone on the file) and the
/// session reads the result.
#[test]
fn gen_beside_an_open_session_keeps_the_wal() {
    let l = Ledger::new();
    l.ok(&["check"]);
    let other = l.conn();
    let before: i64 = other
        .query_row("SELECT count(*) FROM orgs", [], |r| r.get(0))
        .expect("read");
    assert_eq!(before, 0);
    l.ok(&["gen", "--orgs", "200"]);
    assert_eq!(journal_mode(&l), "wal");
    let after: i64 = other
        .query_row("SELECT count(*) FROM orgs", [], |r| r.get(0))
        .expect("read after");
    assert_eq!(after, 200);
    l.ok(&["check"]);
}

/// A session that opens the file while such a batch holds it in a rollback
/// journal reads it in that mode, instead of failing on the WAL it cannot
/// set; the next session alone on the file sets WAL again.
#[test]
fn a_session_opens_a_ledger_held_in_a_rollback_journal() {
    let l = Ledger::new();
    l.ok(&["gen", "--orgs", "50"]);
    let writer = l.conn();
    let mode: String = writer
        .query_row("PRAGMA journal_mode = TRUNCATE", [], |r| r.get(0))
        .expect("leave WAL");
    assert_eq!(mode, "truncate");
    writer
        .execute_batch("BEGIN IMMEDIATE; UPDATE meta SET value = value WHERE key = 'hlc';")
        .expect("hold the write lock");
    let out = l.run(&["export", "--format", "json"]);
    assert!(out.ok, "{}", out.stderr);
    assert!(out.stdout.contains("orgs"));
    writer.execute_batch("ROLLBACK").expect("rollback");
    drop(writer);
    l.ok(&["check"]);
    assert_eq!(journal_mode(&l), "wal");
}
