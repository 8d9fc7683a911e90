//! Sync through the real binary: clone, sync over a local path (the same
//! protocol as ssh, through a child process), bundles, conflicts, the dump.

mod common;

use common::{Ledger, small_ledger};

fn clone_of(l: &Ledger) -> Ledger {
    let c = Ledger::new();
    c.ok(&["sync", "clone", l.db.to_str().unwrap()]);
    c
}

fn dump(l: &Ledger) -> String {
    l.ok(&["export", "--format", "json"])
}

#[test]
fn clone_then_sync_both_ways_gives_identical_dumps() {
    let server = small_ledger();
    let laptop = clone_of(&server);
    let site = |l: &Ledger| l.json(&["sync", "status", "--format", "json"])["site"].clone();
    assert_ne!(site(&server), site(&laptop), "a clone is a new replica");
    assert_eq!(dump(&server), dump(&laptop));
    laptop.ok(&["org", "set", "常德乙公司", "employees=30"]);
    server.ok(&["org", "set", "常德丙公司", "address=武陵大道 1 号"]);
    assert_eq!(
        laptop.json(&["sync", "status", "--format", "json"])["unsent"],
        1
    );
    let out = laptop.ok(&["sync", server.db.to_str().unwrap()]);
    assert!(
        out.contains("ops in 1") && out.contains("ops out 1"),
        "{out}"
    );
    assert_eq!(dump(&server), dump(&laptop));
    assert!(dump(&server).contains("武陵大道 1 号") && dump(&laptop).contains("\"employees\":30"));
    let st = laptop.json(&["sync", "status", "--format", "json"]);
    assert_eq!(st["unsent"], 0);
    assert!(st["last_sync"].is_string());
    // A second sync moves nothing.
    let out = laptop.ok(&["sync", server.db.to_str().unwrap()]);
    assert!(
        out.contains("ops in 0") && out.contains("ops out 0"),
        "{out}"
    );
}

#[test]
fn clone_refuses_an_existing_file() {
    let server = small_ledger();
    let other = small_ledger();
    let before = other.counts();
    let o = other.run(&["sync", "clone", server.db.to_str().unwrap()]);
    assert!(!o.ok && o.stderr.contains("already exists"), "{}", o.stderr);
    assert_eq!(other.counts(), before);
}

#[test]
fn an_unknown_remote_is_one_clear_line() {
    let l = small_ledger();
    let before = l.counts();
    for remote in ["/no/such/ledger.db", "ftp://host/x.db", "ssh://host"] {
        let o = l.run(&["sync", remote]);
        assert!(!o.ok);
        assert_eq!(o.stderr.lines().count(), 1, "{}", o.stderr);
        assert!(o.stderr.contains("unknown remote"), "{}", o.stderr);
    }
    assert_eq!(l.counts(), before);
}

#[test]
fn a_bundle_carries_ops_and_replaying_it_changes_nothing() {
    let server = small_ledger();
    let laptop = clone_of(&server);
    laptop.ok(&["org", "set", "常德乙公司", "employees=44"]);
    let file = laptop.dir.path().join("stick.lxb");
    laptop.ok(&["sync", "export", "--all", "-o", file.to_str().unwrap()]);
    let out = server.ok(&["sync", "import", file.to_str().unwrap()]);
    assert!(out.contains("new ops 1"), "{out}");
    assert_eq!(dump(&server), dump(&laptop));
    let counts = server.counts();
    let out = server.ok(&["sync", "import", file.to_str().unwrap()]);
    assert!(out.contains("new ops 0"), "{out}");
    assert_eq!(server.counts(), counts, "replay changed nothing");
    assert_eq!(dump(&server), dump(&laptop));
}

#[test]
fn a_bundle_for_one_site_holds_only_what_it_lacks() {
    let server = small_ledger();
    let laptop = clone_of(&server);
    let site = server.json(&["sync", "status", "--format", "json"])["site"]
        .as_str()
        .unwrap()
        .to_string();
    laptop.ok(&["org", "set", "常德乙公司", "employees=45"]);
    let file = laptop.dir.path().join("for.lxb");
    let out = laptop.ok(&[
        "sync",
        "export",
        "--for",
        &site,
        "-o",
        file.to_str().unwrap(),
    ]);
    assert!(out.contains("wrote 1 ops"), "{out}");
    let o = laptop.run(&[
        "sync",
        "export",
        "--for",
        "nobody",
        "-o",
        file.to_str().unwrap(),
    ]);
    assert!(!o.ok && o.stderr.contains("never synced"), "{}", o.stderr);
}

#[test]
fn damaged_truncated_or_foreign_bundles_are_refused_whole() {
    let server = small_ledger();
    let laptop = clone_of(&server);
    laptop.ok(&["org", "set", "常德乙公司", "employees=46"]);
    laptop.ok(&["org", "set", "常德丙公司", "employees=47"]);
    let file = laptop.dir.path().join("b.lxb");
    laptop.ok(&["sync", "export", "-o", file.to_str().unwrap()]);
    let good = std::fs::read(&file).unwrap();
    let before = server.counts();
    let mut flipped = good.clone();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 0x20;
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("damaged", flipped),
        ("truncated", good[..good.len() - 40].to_vec()),
        ("not a liangxin bundle", std::fs::read(&server.db).unwrap()),
        ("not a liangxin bundle", b"name,code\n".to_vec()),
    ];
    for (want, bytes) in cases {
        let bad = laptop.dir.path().join("bad.lxb");
        std::fs::write(&bad, bytes).unwrap();
        let o = server.run(&["sync", "import", bad.to_str().unwrap()]);
        assert!(!o.ok, "{want}");
        assert_eq!(o.stderr.lines().count(), 1, "{}", o.stderr);
        assert!(
            o.stderr.contains(want) && o.stderr.contains("nothing was imported"),
            "{}",
            o.stderr
        );
        assert_eq!(server.counts(), before, "{want}: nothing applied");
    }
}

#[test]
fn concurrent_edits_are_listed_and_resolved_through_the_cli() {
    let server = small_ledger();
    let laptop = clone_of(&server);
    server.ok(&["org", "set", "常德乙公司", "employees=50"]);
    laptop.ok(&["org", "set", "常德乙公司", "employees=60"]);
    let out = laptop.ok(&["sync", server.db.to_str().unwrap()]);
    assert!(out.contains("new conflicts 1"), "{out}");
    let list = laptop.json(&["conflicts", "--format", "json"]);
    assert_eq!(list, server.json(&["conflicts", "--format", "json"]));
    let c = &list[0];
    assert_eq!(c["table"], "orgs");
    assert_eq!(c["field"], "employees");
    assert!(c["row"].is_string() && c["id"].is_string());
    let mut values: Vec<i64> = c["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["value"].as_i64().unwrap())
        .collect();
    values.sort();
    assert_eq!(values, vec![50, 60]);
    let text = laptop.ok(&["conflicts"]);
    assert!(
        text.contains(c["id"].as_str().unwrap()) && text.contains("employees=50"),
        "{text}"
    );
    // Keep the value that is not shown now.
    let other = c["values"][1]["value"].as_i64().unwrap();
    laptop.ok(&[
        "conflicts",
        "resolve",
        c["id"].as_str().unwrap(),
        "--pick",
        "2",
    ]);
    laptop.ok(&["sync", server.db.to_str().unwrap()]);
    for l in [&server, &laptop] {
        assert_eq!(
            l.json(&["conflicts", "--format", "json"]),
            serde_json::json!([])
        );
        let org = l.json(&["org", "show", "常德乙公司", "--format", "json"]);
        assert_eq!(org["employees"], other, "{org}");
    }
    assert_eq!(dump(&server), dump(&laptop));
}

#[test]
fn a_delete_against_an_edit_and_the_same_code_twice_through_the_cli() {
    let server = small_ledger();
    let laptop = clone_of(&server);
    server.ok(&["org", "delete", "常德丙公司"]);
    laptop.ok(&["org", "set", "常德丙公司", "phone=0736-1234567"]);
    server.ok(&["org", "set", "常德乙公司", "code=91430700MA4L0EXR3A"]);
    laptop.ok(&["org", "set", "常德丙公司", "code=91430700MA4L0EXR3A"]);
    laptop.ok(&["sync", server.db.to_str().unwrap()]);
    let list = laptop.json(&["conflicts", "--format", "json"]);
    let kinds: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"delete"), "{list}");
    assert_eq!(list, server.json(&["conflicts", "--format", "json"]));
    // The deleted row still holds the code, so the duplicate shows only once
    // the delete is undone by keeping the edit.
    let del = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "delete")
        .unwrap();
    let keep_edit = del["values"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["field"] != "deleted")
        .unwrap();
    laptop.ok(&[
        "conflicts",
        "resolve",
        del["id"].as_str().unwrap(),
        "--pick",
        &keep_edit["n"].to_string(),
    ]);
    let list = laptop.json(&["conflicts", "--format", "json"]);
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list[0]["kind"], "duplicate");
    laptop.ok(&[
        "conflicts",
        "resolve",
        list[0]["id"].as_str().unwrap(),
        "--pick",
        "1",
    ]);
    laptop.ok(&["sync", server.db.to_str().unwrap()]);
    assert_eq!(
        server.json(&["conflicts", "--format", "json"]),
        serde_json::json!([])
    );
    assert_eq!(dump(&server), dump(&laptop));
}

#[test]
fn a_file_copied_by_hand_is_refused_with_one_line() {
    let server = small_ledger();
    let copy = Ledger::new();
    std::fs::copy(&server.db, &copy.db).unwrap();
    copy.ok(&["org", "set", "常德乙公司", "employees=80"]);
    server.ok(&["org", "set", "常德乙公司", "employees=81"]);
    let before = server.counts();
    let o = copy.run(&["sync", server.db.to_str().unwrap()]);
    assert!(!o.ok);
    assert_eq!(o.stderr.lines().count(), 1, "{}", o.stderr);
    assert!(
        o.stderr.contains("share the site id") && o.stderr.contains("sync clone"),
        "{}",
        o.stderr
    );
    assert_eq!(server.counts(), before);
}
