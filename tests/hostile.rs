//! Hostile input at the door: a database from a newer version, a file that is
//! not a database, a damaged or cut-off database, over-long fields. Each gives
//! one clear line and a non-zero exit, never a panic, and writes nothing.

mod common;

use common::{Ledger, Out, small_ledger};
use liangxin::store::{MAX_TEXT, schema::SCHEMA_VERSION};

/// `org list`, `check`, and opening the app (which refuses a bad database
/// before it looks for a terminal).
const ENTRIES: [&[&str]; 3] = [&["org", "list"], &["check"], &[]];

fn one_clear_line(o: &Out, what: &str, needle: &str) {
    assert!(!o.ok, "{what}: accepted\n{}", o.stdout);
    let lines: Vec<&str> = o.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{what}: not one line:\n{}", o.stderr);
    assert!(lines[0].starts_with("error: "), "{what}: {}", o.stderr);
    assert!(lines[0].contains(needle), "{what}: {}", o.stderr);
    assert!(!o.stderr.contains("panicked"), "{what}: {}", o.stderr);
}

fn user_version(l: &Ledger) -> i64 {
    l.conn()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_database_from_a_newer_version_is_refused_and_left_alone() {
    let l = small_ledger();
    let newer = SCHEMA_VERSION + 1;
    l.conn().pragma_update(None, "user_version", newer).unwrap();
    let before = l.counts();
    for args in ENTRIES {
        let o = l.run(args);
        one_clear_line(&o, &format!("{args:?}"), "newer liangxin; upgrade first");
        assert!(o.stderr.contains(l.db.to_str().unwrap()), "{}", o.stderr);
    }
    assert_eq!(user_version(&l), newer, "the version was rewritten");
    assert_eq!(l.counts(), before);
}

#[test]
fn a_file_that_is_not_a_database_is_refused_everywhere() {
    let l = Ledger::new();
    let text = b"name,code\nthis is a list, not a database, long enough for a header\n";
    std::fs::write(&l.db, text).unwrap();
    for args in ENTRIES {
        one_clear_line(
            &l.run(args),
            &format!("{args:?}"),
            "not a liangxin database",
        );
    }
    assert_eq!(std::fs::read(&l.db).unwrap(), text, "the file was changed");
}

/// A real database whose pages after the first (the schema) are overwritten:
/// reads fail cleanly and `check` says so.
#[test]
fn a_damaged_database_gives_one_line_and_check_fails() {
    let l = small_ledger();
    l.conn()
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
        .unwrap();
    let mut bytes = std::fs::read(&l.db).unwrap();
    let page: usize = 4096;
    assert!(bytes.len() > 4 * page, "several pages: {}", bytes.len());
    for (i, b) in bytes[page..].iter_mut().enumerate() {
        *b = (i * 7 + 13) as u8;
    }
    std::fs::write(&l.db, &bytes).unwrap();
    for args in ENTRIES {
        let o = l.run(args);
        one_clear_line(&o, &format!("{args:?}"), "");
        assert!(
            o.stderr.contains("malformed") || o.stderr.contains("check failed"),
            "{args:?}: {}",
            o.stderr
        );
    }
}

#[test]
fn a_database_cut_off_halfway_gives_one_line() {
    let l = small_ledger();
    l.conn()
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
        .unwrap();
    let bytes = std::fs::read(&l.db).unwrap();
    std::fs::write(&l.db, &bytes[..bytes.len() / 2]).unwrap();
    let o = l.run(&["check"]);
    one_clear_line(&o, "check", "");
    for args in [&["org", "list"][..], &[]] {
        let o = l.run(args);
        if !o.ok {
            one_clear_line(&o, &format!("{args:?}"), "");
        }
    }
}

#[test]
fn over_long_fields_are_refused_naming_the_field_and_nothing_is_written() {
    let l = small_ledger();
    let long = "长".repeat(MAX_TEXT + 1);
    let just = "长".repeat(MAX_TEXT);
    let before = l.counts();
    let address = format!("address={long}");
    let cases: [(&str, Vec<&str>); 4] = [
        ("name", vec!["street", "add", &long]),
        (
            "name",
            vec!["org", "add", "--name", &long, "--street", "南坪街道"],
        ),
        ("address", vec!["org", "set", "常德乙公司", &address]),
        (
            "name",
            vec!["community", "add", &long, "--street", "南坪街道"],
        ),
    ];
    for (field, args) in &cases {
        let o = l.run(args);
        one_clear_line(&o, field, &format!("field {field} has an invalid value"));
        assert!(o.stderr.contains("too long"), "{}", o.stderr);
        assert!(
            o.stderr.len() < 200,
            "the message quotes the start only: {}",
            o.stderr
        );
    }
    assert_eq!(l.counts(), before, "a refused write left something");
    // The limit itself is taken.
    l.ok(&["street", "add", &just]);
}

/// Values are bound as parameters, and a field name is looked up in a fixed
/// list before it could reach SQL.
#[test]
fn sql_in_a_value_is_kept_as_text_and_in_a_field_name_is_refused() {
    let l = small_ledger();
    let name = "x'); DROP TABLE orgs; --";
    l.ok(&["org", "add", "--name", name, "--street", "南坪街道"]);
    let before = l.counts();
    let shown = l.json(&["org", "show", name, "--format", "json"]);
    assert_eq!(shown["name"], name);
    let o = l.run(&["org", "set", name, "employees; DROP TABLE orgs=3"]);
    one_clear_line(&o, "field name", "field FIELD has an invalid value");
    let o = l.run(&["org", "set", name, "employees=1; DROP TABLE orgs"]);
    one_clear_line(&o, "value", "field employees has an invalid value");
    assert_eq!(l.counts(), before);
    l.ok(&["check"]);
}
