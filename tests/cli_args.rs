//! Where options may go on the line, and which file `demo` may touch.
//! Each test has a database of its own.

mod common;

use std::path::Path;
use std::process::Command;

use common::{Ledger, Out, output, small_ledger};

/// The date and reason the last audit record was written with.
fn last_audit(l: &Ledger) -> (String, Option<String>) {
    l.conn()
        .query_row(
            "SELECT on_date, reason FROM audit ORDER BY rowid DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("an audit record")
}

fn employees(l: &Ledger, org: &str) -> serde_json::Value {
    l.json(&["org", "show", org, "--format", "json"])["employees"].clone()
}

#[test]
fn options_after_a_field_list_are_options() {
    let l = small_ledger();
    l.ok(&[
        "org",
        "set",
        "常德乙公司",
        "employees=5",
        "--on",
        "2024-02-01",
    ]);
    assert_eq!(employees(&l, "常德乙公司"), 5);
    assert_eq!(last_audit(&l), ("2024-02-01".to_string(), None));

    // Between the pairs and after them, several options.
    l.ok(&[
        "org",
        "set",
        "常德乙公司",
        "employees=6",
        "--reason",
        "复核",
        "address=武陵大道1号",
        "--on",
        "2024-03-01",
    ]);
    let v = l.json(&["org", "show", "常德乙公司", "--format", "json"]);
    assert_eq!(v["employees"], 6);
    assert_eq!(v["address"], "武陵大道1号");
    assert_eq!(
        last_audit(&l),
        ("2024-03-01".to_string(), Some("复核".to_string()))
    );

    // Before the list, as it always worked.
    l.ok(&[
        "org",
        "set",
        "--on",
        "2024-04-01",
        "常德乙公司",
        "employees=7",
    ]);
    assert_eq!(employees(&l, "常德乙公司"), 7);
    assert_eq!(last_audit(&l).0, "2024-04-01");
}

#[test]
fn a_negative_value_in_a_pair_still_reaches_its_check() {
    let l = small_ledger();
    let before = l.counts();
    let o = l.run(&[
        "org",
        "set",
        "常德乙公司",
        "employees=-5",
        "--on",
        "2024-02-01",
    ]);
    assert!(!o.ok, "accepted: {}", o.stdout);
    assert!(
        o.stderr
            .contains("field employees has an invalid value \"-5\": must not be negative"),
        "{}",
        o.stderr
    );
    // An option the command does not know is refused by name, not taken as a pair.
    let o = l.run(&["org", "set", "常德乙公司", "employees=5", "--bogus"]);
    assert!(!o.ok);
    assert!(o.stderr.contains("'--bogus'"), "{}", o.stderr);
    assert!(!o.stderr.contains("FIELD=VALUE"), "{}", o.stderr);
    assert_eq!(l.counts(), before, "a refused write left something");
}

/// `liangxin demo` with LIANGXIN_DB (and nothing else) pointing at `db`.
fn demo_via_env(db: &Path, home: &Path, args: &[&str]) -> Out {
    let mut c = Command::new(env!("CARGO_BIN_EXE_liangxin"));
    c.args(args)
        .env("LIANGXIN_DB", db)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env_remove("LIANGXIN_CONFIG")
        .env_remove("LIANGXIN_TODAY")
        .env_remove("LIANGXIN_KEY")
        .env("LIANGXIN_LANG", "en");
    output(c)
}

fn side_files(db: &Path) -> Vec<String> {
    ["-wal", "-shm", "-journal"]
        .iter()
        .map(|s| format!("{}{s}", db.display()))
        .filter(|p| Path::new(p).exists())
        .collect()
}

fn refused_naming(o: &Out, db: &Path, what: &str) {
    assert!(!o.ok, "{what}: accepted\n{}", o.stdout);
    let lines: Vec<&str> = o.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{what}: not one line:\n{}", o.stderr);
    assert!(
        lines[0].starts_with(&format!("error: {}: ", db.display())),
        "{what}: {}",
        o.stderr
    );
    assert!(
        lines[0].contains("is not a demo database; nothing was changed"),
        "{what}: {}",
        o.stderr
    );
}

#[test]
fn demo_leaves_an_empty_real_ledger_byte_for_byte() {
    let l = Ledger::new();
    l.ok(&["init"]);
    let before = std::fs::read(&l.db).expect("read ledger");
    let site: String = l
        .conn()
        .query_row("SELECT value FROM meta WHERE key = 'site_id'", [], |r| {
            r.get(0)
        })
        .expect("site id");
    assert!(side_files(&l.db).is_empty(), "{:?}", side_files(&l.db));
    let runs: [(&str, Out); 4] = [
        ("--db", l.run(&["demo", "--no-tui"])),
        ("--db --reset", l.run(&["demo", "--no-tui", "--reset"])),
        (
            "LIANGXIN_DB",
            demo_via_env(&l.db, l.dir.path(), &["demo", "--no-tui"]),
        ),
        (
            "LIANGXIN_DB --reset",
            demo_via_env(&l.db, l.dir.path(), &["demo", "--no-tui", "--reset"]),
        ),
    ];
    for (what, o) in &runs {
        refused_naming(o, &l.db, what);
        assert_eq!(
            std::fs::read(&l.db).expect("the ledger is still there"),
            before,
            "{what}: the ledger's bytes changed"
        );
        assert!(
            side_files(&l.db).is_empty(),
            "{what}: {:?}",
            side_files(&l.db)
        );
    }
    let after: String = l
        .conn()
        .query_row("SELECT value FROM meta WHERE key = 'site_id'", [], |r| {
            r.get(0)
        })
        .expect("site id");
    assert_eq!(after, site);
    assert_eq!(l.count("orgs"), 0);
}

#[test]
fn demo_leaves_a_file_that_is_no_database_alone() {
    let l = Ledger::new();
    let text = b"name,code\nnot a database\n";
    std::fs::write(&l.db, text).expect("write");
    for args in [&["demo", "--no-tui"][..], &["demo", "--no-tui", "--reset"]] {
        refused_naming(&l.run(args), &l.db, &format!("{args:?}"));
        assert_eq!(std::fs::read(&l.db).expect("read"), text);
    }
}

#[test]
fn demo_builds_a_new_file_reuses_it_and_resets_only_its_own() {
    let l = Ledger::new();
    l.ok(&["demo", "--no-tui"]);
    let site = |l: &Ledger| -> String {
        l.conn()
            .query_row("SELECT value FROM meta WHERE key = 'site_id'", [], |r| {
                r.get(0)
            })
            .expect("site id")
    };
    let first = site(&l);
    assert!(l.count("orgs") > 0);
    // Run again: the same file, not rebuilt.
    l.ok(&["demo", "--no-tui"]);
    assert_eq!(site(&l), first, "rebuilt without --reset");
    // --reset makes a new file (a new site) with the district again.
    l.ok(&["demo", "--no-tui", "--reset"]);
    assert_ne!(site(&l), first, "--reset did not rebuild");
    assert!(l.count("orgs") > 0);
}

/// A build cut off before the district went in leaves the demo's mark and no
/// pinned date: the next `demo` builds it again instead of refusing.
#[test]
fn demo_rebuilds_its_own_interrupted_file() {
    let l = Ledger::new();
    l.ok(&["init"]);
    l.conn()
        .execute(
            "INSERT INTO meta(key, value) VALUES ('demo_ledger', '1')",
            [],
        )
        .expect("mark");
    l.ok(&["demo", "--no-tui"]);
    let pinned: String = l
        .conn()
        .query_row("SELECT value FROM meta WHERE key = 'demo_date'", [], |r| {
            r.get(0)
        })
        .expect("the demo date");
    assert_eq!(pinned, "2022-09-30");
    assert!(l.count("orgs") > 0);
}
