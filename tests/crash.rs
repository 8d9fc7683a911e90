//! A real `liangxin sync` process killed with SIGKILL while it writes: the
//! database passes `check`, holds whole batches only, and the next sync
//! carries on to the end, whichever side was killed. (The import
//! counterpart is in tests/import.rs.)

mod common;

use common::{Ledger, kill_when, wait_for};
use liangxin::sync::BATCH;

fn dump(l: &Ledger) -> String {
    l.ok(&["export", "--format", "json"])
}

/// A ledger of 25 batches of ops, its op count, an empty ledger and its own
/// op count.
fn full_and_empty() -> (Ledger, i64, Ledger, i64) {
    let full = Ledger::new();
    full.ok(&["gen", "--orgs", "2100"]);
    let total = full.count("oplog");
    assert!(total > 4 * BATCH as i64, "several batches: {total}");
    let empty = Ledger::new();
    empty.ok(&["init"]);
    let own = empty.count("oplog");
    (full, total, empty, own)
}

#[test]
fn a_sync_process_killed_midway_keeps_whole_batches_and_the_next_completes() {
    let (server, total, laptop, own) = full_and_empty();
    let tables = laptop.counts();

    let remote = server.db.to_str().unwrap();
    let mut child = laptop.spawn(&["sync", remote]);
    // Kill once the first batch is in and the second is on its way.
    kill_when(&mut child, "the sync", || {
        laptop.try_count("oplog").unwrap_or(0) >= own + BATCH as i64
    });

    laptop.ok(&["check"]);
    server.ok(&["check"]);
    let got = laptop.count("oplog") - own;
    assert!(got > 0 && got < total, "cut midway: {got} of {total}");
    assert_eq!(got % BATCH as i64, 0, "only whole batches: {got}");
    assert_ne!(
        laptop.counts(),
        tables,
        "the kept batches reached the tables"
    );

    let out = laptop.ok(&["sync", remote]);
    assert!(out.contains(&format!("ops in {}", total - got)), "{out}");
    laptop.ok(&["check"]);
    assert_eq!(laptop.count("oplog") - own, total);
    assert_eq!(dump(&laptop), dump(&server));
}

/// The other direction: the receiving side (`sync serve`, started by the
/// sync through a wrapper that tells its pid) is SIGKILLed while it applies.
#[test]
fn a_sync_server_killed_while_it_applies_keeps_whole_batches() {
    let (laptop, total, server, own) = full_and_empty();

    let pid_file = server.dir.path().join("serve.pid");
    let wrapper = server.dir.path().join("serve.sh");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\necho $$ > '{}'\nexec '{}' \"$@\"\n",
            pid_file.display(),
            env!("CARGO_BIN_EXE_liangxin")
        ),
    )
    .unwrap();
    std::fs::set_permissions(
        &wrapper,
        std::os::unix::fs::PermissionsExt::from_mode(0o700),
    )
    .unwrap();

    let remote = server.db.to_str().unwrap();
    let mut child = laptop.spawn(&["sync", remote, "--remote-cmd", wrapper.to_str().unwrap()]);
    wait_for(&mut child, "the sync", || {
        pid_file.exists() && server.try_count("oplog").unwrap_or(0) >= own + BATCH as i64
    });
    let pid = std::fs::read_to_string(&pid_file).unwrap();
    let killed = std::process::Command::new("kill")
        .args(["-9", pid.trim()])
        .status()
        .unwrap();
    assert!(killed.success(), "the server was gone before the kill");
    assert!(!child.wait().unwrap().success(), "the sync did not notice");

    server.ok(&["check"]);
    laptop.ok(&["check"]);
    let got = server.count("oplog") - own;
    assert!(got > 0 && got < total, "cut midway: {got} of {total}");
    assert_eq!(got % BATCH as i64, 0, "only whole batches: {got}");

    let out = laptop.ok(&["sync", remote]);
    assert!(out.contains(&format!("ops out {}", total - got)), "{out}");
    server.ok(&["check"]);
    assert_eq!(dump(&laptop), dump(&server));
}
