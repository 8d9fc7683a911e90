//! A real `liangxin sync` process killed with SIGKILL while it writes: the
//! database passes `check`, holds whole batches only, and the next sync
//! carries on to the end. (The import counterpart is in tests/import.rs.)

mod common;

use common::{Ledger, kill_when};
use liangxin::sync::BATCH;

fn dump(l: &Ledger) -> String {
    l.ok(&["export", "--format", "json"])
}

#[test]
fn a_sync_process_killed_midway_keeps_whole_batches_and_the_next_completes() {
    let server = Ledger::new();
    server.ok(&["gen", "--orgs", "1500"]);
    let total = server.count("oplog");
    assert!(total > 4 * BATCH as i64, "several batches: {total}");
    let laptop = Ledger::new();
    laptop.ok(&["init"]);
    let own = laptop.count("oplog");
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
