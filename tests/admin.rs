//! The district server's safeguards: many writers at once, `check` over the
//! audit chain, backups taken while others write.

mod common;

use std::process::Command;

use common::{Ledger, small_ledger};

/// Eight processes, two hundred writes each, at once.
#[test]
fn eight_processes_writing_at_once_lose_nothing() {
    let l = small_ledger();
    let before = l.count("communities");
    let bin = env!("CARGO_BIN_EXE_liangxin");
    let children: Vec<_> = (0..8)
        .map(|p| {
            let script = format!(
                "for i in $(seq 1 200); do \"$0\" --db \"$1\" community add \"社区{p}-$i\" --street 南坪街道 >/dev/null || exit 1; done"
            );
            Command::new("sh")
                .args(["-c", &script, bin, l.db.to_str().unwrap()])
                .env("LIANGXIN_LANG", "en")
                .env("HOME", l.dir.path())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "a writer failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(l.count("communities"), before + 1600);
    let conn = l.conn();
    let (n, max, sites): (i64, i64, i64) = conn
        .query_row(
            "SELECT COUNT(*), MAX(seq), COUNT(DISTINCT site_id) FROM oplog",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(sites, 1, "one site per database file, not per process");
    assert_eq!(n, max, "the site's ops are gap-free");
    let out = l.ok(&["check"]);
    assert!(out.contains("audit chain"), "{out}");
}

#[test]
fn check_names_an_audit_record_edited_behind_the_apps_back() {
    let l = small_ledger();
    assert!(l.run(&["check"]).ok);
    let (rowid, id): (i64, String) = l
        .conn()
        .query_row(
            "SELECT rowid, id FROM audit ORDER BY rowid LIMIT 1 OFFSET 2",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    l.conn()
        .execute(
            "UPDATE audit SET user_name = 'someone else' WHERE rowid = ?1",
            [rowid],
        )
        .unwrap();
    let o = l.run(&["check"]);
    assert!(!o.ok, "check must fail");
    assert!(o.stdout.contains(&id), "names the record: {}", o.stdout);
    assert!(o.stdout.contains("#3"), "{}", o.stdout);
    let v: serde_json::Value =
        serde_json::from_str(&l.run(&["check", "--format", "json"]).stdout).unwrap();
    assert!(v["audit_broken"].as_str().unwrap().contains(&id));
    // deleting a record breaks the link of the next one
    let l2 = small_ledger();
    l2.conn().execute("DELETE FROM audit WHERE rowid = (SELECT rowid FROM audit ORDER BY rowid LIMIT 1 OFFSET 1)", []).unwrap();
    let o = l2.run(&["check"]);
    assert!(!o.ok && o.stdout.contains("does not link"), "{}", o.stdout);
}

#[test]
fn a_backup_taken_during_writes_restores_and_passes_check() {
    let l = small_ledger();
    let bin = env!("CARGO_BIN_EXE_liangxin");
    let script = "for i in $(seq 1 60); do \"$0\" --db \"$1\" community add \"写入$i\" --street 南坪街道 >/dev/null || exit 1; done";
    let writer = Command::new("sh")
        .args(["-c", script, bin, l.db.to_str().unwrap()])
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let backup = l.dir.path().join("b.db");
    l.ok(&["backup", "-o", backup.to_str().unwrap()]);
    assert!(writer.wait_with_output().unwrap().status.success());
    // refuses to overwrite
    assert!(!l.run(&["backup", "-o", backup.to_str().unwrap()]).ok);

    let fresh = Ledger::new();
    fresh.ok(&["init"]);
    fresh.ok(&["restore", backup.to_str().unwrap()]);
    assert!(fresh.run(&["check"]).ok);
    let n = fresh.count("communities");
    assert!(n >= 1, "the backup holds data");
    assert_eq!(fresh.count("oplog"), {
        let c = rusqlite::Connection::open(&backup).unwrap();
        c.query_row("SELECT COUNT(*) FROM oplog", [], |r| r.get::<_, i64>(0))
            .unwrap()
    });
}

#[test]
fn restore_refuses_a_file_that_fails_check_or_is_not_a_database() {
    let l = small_ledger();
    let bad = small_ledger();
    bad.conn()
        .execute("UPDATE audit SET action = 'x' WHERE rowid = 1", [])
        .unwrap();
    let before = l.counts();
    let o = l.run(&["restore", bad.db.to_str().unwrap()]);
    assert!(!o.ok);
    assert!(o.stderr.contains("fails the check"), "{}", o.stderr);
    assert_eq!(l.counts(), before);
    let junk = l.dir.path().join("junk.db");
    std::fs::write(&junk, vec![7u8; 4096]).unwrap();
    let o = l.run(&["restore", junk.to_str().unwrap()]);
    assert!(
        !o.ok && o.stderr.contains("not a liangxin database"),
        "{}",
        o.stderr
    );
    assert_eq!(l.counts(), before);
}

#[cfg(unix)]
#[test]
fn new_database_files_are_private_to_their_owner() {
    use std::os::unix::fs::PermissionsExt;
    let l = Ledger::new();
    l.ok(&["init"]);
    let mode = std::fs::metadata(&l.db).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let b = l.dir.path().join("copy.db");
    l.ok(&["backup", "-o", b.to_str().unwrap()]);
    assert_eq!(
        std::fs::metadata(&b).unwrap().permissions().mode() & 0o777,
        0o600
    );
}
