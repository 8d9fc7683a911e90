//! Ledger identity and restore through the real binary: sync and bundle
//! import refuse another ledger, a clone keeps its origin's ledger id, a
//! ledger made before ledger ids derives the one its clones derive, and a
//! restored backup continues as a new site instead of forking its old one.

mod common;

use std::io::Write;
use std::process::Stdio;

use common::{Ledger, command, small_ledger};
use liangxin::sync::proto::{self, Frame, Msg};

fn clone_of(l: &Ledger) -> Ledger {
    let c = Ledger::new();
    c.ok(&["sync", "clone", l.db.to_str().unwrap()]);
    c
}

fn dump(l: &Ledger) -> String {
    l.ok(&["export", "--format", "json"])
}

fn meta(l: &Ledger, key: &str) -> Option<String> {
    use rusqlite::OptionalExtension;
    l.conn()
        .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
        .optional()
        .unwrap()
}

fn ledger_id(l: &Ledger) -> String {
    meta(l, "ledger_id").expect("a ledger id")
}

fn site(l: &Ledger) -> String {
    l.json(&["sync", "status", "--format", "json"])["site"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Row counts of every table, and the meta rows.
type State = (Vec<(String, i64)>, Vec<(String, String)>);

/// Everything the refusal must leave as it was.
fn state(l: &Ledger) -> State {
    let conn = l.conn();
    let mut stmt = conn
        .prepare("SELECT key, value FROM meta ORDER BY key")
        .unwrap();
    let meta = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    (l.counts(), meta)
}

/// A ledger of its own: `init`, a street, and a district name.
fn other_ledger(district: &str) -> Ledger {
    let l = Ledger::new();
    l.ok(&["init"]);
    l.ok(&["--on", "2022-01-01", "street", "add", "丹阳街道"]);
    l.conn()
        .execute(
            "INSERT INTO meta(key, value) VALUES ('district', ?1)",
            [district],
        )
        .unwrap();
    l
}

#[test]
fn init_gives_a_ledger_id_and_two_ledgers_are_different() {
    let a = Ledger::new();
    let o = a.run(&["init"]);
    assert!(o.ok, "{}", o.stderr);
    let id = ledger_id(&a);
    assert!(uuid::Uuid::parse_str(&id).is_ok(), "{id}");
    assert!(o.stderr.contains(&id), "init names it: {}", o.stderr);
    let b = Ledger::new();
    b.ok(&["init"]);
    assert_ne!(ledger_id(&b), id);
    // Opening again keeps it.
    a.ok(&["sync", "status"]);
    assert_eq!(ledger_id(&a), id);
}

#[test]
fn sync_between_two_ledgers_is_refused_both_ways_and_writes_nothing() {
    let a = other_ledger("常德市武陵区");
    let b = other_ledger("常德市鼎城区");
    let (ida, idb) = (ledger_id(&a), ledger_id(&b));
    assert_ne!(ida, idb);
    let before = (state(&a), state(&b));
    for (from, to, mine, theirs) in [(&a, &b, &ida, &idb), (&b, &a, &idb, &ida)] {
        let o = from.run(&["sync", to.db.to_str().unwrap()]);
        assert!(!o.ok, "a sync with another ledger must fail");
        assert_eq!(o.stderr.lines().count(), 1, "one line: {}", o.stderr);
        for want in [mine.as_str(), theirs.as_str(), "different ledgers"] {
            assert!(o.stderr.contains(want), "{want}: {}", o.stderr);
        }
        assert!(
            o.stderr.contains("常德市武陵区") && o.stderr.contains("常德市鼎城区"),
            "names both districts: {}",
            o.stderr
        );
        assert!(o.stderr.contains("nothing was written"), "{}", o.stderr);
        assert!(
            !o.stderr.contains("exited with"),
            "the other side ends on its own: {}",
            o.stderr
        );
        assert_eq!((state(&a), state(&b)), before, "nothing written");
    }
}

#[test]
fn a_bundle_of_another_ledger_is_refused_whole() {
    let a = other_ledger("常德市武陵区");
    let b = other_ledger("常德市鼎城区");
    let file = a.dir.path().join("a.lxb");
    a.ok(&["sync", "export", "-o", file.to_str().unwrap()]);
    let before = state(&b);
    let o = b.run(&["sync", "import", file.to_str().unwrap()]);
    assert!(!o.ok);
    assert_eq!(o.stderr.lines().count(), 1, "{}", o.stderr);
    for want in [
        ledger_id(&a).as_str(),
        ledger_id(&b).as_str(),
        "the bundle belongs to ledger",
        "常德市武陵区",
        "nothing was imported",
    ] {
        assert!(o.stderr.contains(want), "{want}: {}", o.stderr);
    }
    assert_eq!(state(&b), before, "nothing imported");
    // The same bundle into a clone of its own ledger goes in.
    let c = clone_of(&a);
    c.ok(&["sync", "import", file.to_str().unwrap()]);
}

#[test]
fn a_bundle_that_names_no_ledger_is_refused_as_written_by_an_older_version() {
    use liangxin::sync::bundle;
    use sha2::{Digest, Sha256};
    let a = small_ledger();
    let file = a.dir.path().join("new.lxb");
    a.ok(&["sync", "export", "-o", file.to_str().unwrap()]);
    let mut b = bundle::decode(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(b.ledger.as_deref(), Some(ledger_id(&a).as_str()));
    // What an older version wrote: format 1, no ledger.
    b.ledger = None;
    b.district = None;
    let mut bytes = bundle::encode(&b).unwrap();
    bytes[16..20].copy_from_slice(&1u32.to_be_bytes());
    let n = bytes.len() - 32;
    let sum = Sha256::digest(&bytes[..n]);
    bytes[n..].copy_from_slice(&sum);
    let old = a.dir.path().join("old.lxb");
    std::fs::write(&old, bytes).unwrap();
    let c = clone_of(&a);
    c.ok(&["org", "set", "常德乙公司", "employees=5"]);
    let before = state(&c);
    let o = c.run(&["sync", "import", old.to_str().unwrap()]);
    assert!(!o.ok);
    assert!(
        o.stderr.contains("names no ledger") && o.stderr.contains("upgrade liangxin"),
        "{}",
        o.stderr
    );
    assert_eq!(state(&c), before);
}

/// A client that goes on after the hello of another ledger (not this
/// program) is refused by `sync serve` itself, and nothing is written.
#[test]
fn sync_serve_refuses_a_client_of_another_ledger() {
    let a = small_ledger();
    a.ok(&["org", "list"]);
    let before = state(&a);
    let stranger = "0190b1c2-0000-7000-8000-00000000beef";
    let hello = |version: u32, ledger: Option<&str>| Msg::Hello {
        proto: proto::PROTOCOL.into(),
        version,
        schema: liangxin::store::schema::SCHEMA_VERSION,
        site: "0190b1c2-0000-7000-8000-000000000001".into(),
        host: "stranger-host".into(),
        ledger: ledger.map(str::to_string),
        district: None,
    };
    let serve = |first: Msg| -> (bool, Vec<Msg>) {
        let mut input = Vec::new();
        for m in [
            first,
            Msg::Pull {
                have: Default::default(),
                tips: Default::default(),
            },
            Msg::Bye,
        ] {
            proto::send(&mut input, &m).unwrap();
        }
        let mut child = command(&a.db, a.dir.path(), &["sync", "serve"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(&input).unwrap();
        let out = child.wait_with_output().unwrap();
        let mut r = out.stdout.as_slice();
        let mut msgs = Vec::new();
        while let Ok(Some(Frame::Msg(m))) = proto::read_frame(&mut r) {
            msgs.push(m);
        }
        (out.status.success(), msgs)
    };

    let (ok, msgs) = serve(hello(proto::VERSION, Some(stranger)));
    assert!(!ok, "sync serve must fail");
    assert!(
        matches!(&msgs[0], Msg::Hello { ledger: Some(l), .. } if *l == ledger_id(&a)),
        "{msgs:?}"
    );
    assert!(
        matches!(&msgs[1], Msg::Error { message }
            if message.contains(stranger) && message.contains(&ledger_id(&a))),
        "{msgs:?}"
    );
    assert_eq!(msgs.len(), 2, "no ops were sent: {msgs:?}");
    assert_eq!(state(&a), before);

    // A peer of the version before ledger ids is told to upgrade.
    let (ok, msgs) = serve(hello(1, None));
    assert!(!ok);
    assert!(
        matches!(msgs.last(), Some(Msg::Error { message })
            if message.contains("upgrade liangxin on stranger-host")),
        "{msgs:?}"
    );
    assert_eq!(state(&a), before);
}

#[test]
fn a_clone_keeps_the_ledger_id_and_syncs_with_its_origin() {
    let server = small_ledger();
    let laptop = clone_of(&server);
    assert_eq!(ledger_id(&laptop), ledger_id(&server));
    assert_ne!(site(&laptop), site(&server));
    laptop.ok(&["org", "set", "常德乙公司", "employees=30"]);
    server.ok(&["org", "set", "常德丙公司", "employees=31"]);
    let out = laptop.ok(&["sync", server.db.to_str().unwrap()]);
    assert!(
        out.contains("ops in 1") && out.contains("ops out 1"),
        "{out}"
    );
    assert_eq!(dump(&server), dump(&laptop));
    assert_eq!(ledger_id(&laptop), ledger_id(&server));
}

/// A file that holds nothing yet joins the first ledger it syncs with or
/// imports from; once it holds ops, it is that ledger's.
#[test]
fn an_empty_ledger_joins_the_first_it_syncs_with() {
    let server = small_ledger();
    let laptop = Ledger::new();
    laptop.ok(&["init"]);
    assert_ne!(ledger_id(&laptop), ledger_id(&server));
    laptop.ok(&["sync", server.db.to_str().unwrap()]);
    assert_eq!(ledger_id(&laptop), ledger_id(&server));
    assert_eq!(dump(&server), dump(&laptop));
    let other = other_ledger("常德市鼎城区");
    assert!(!laptop.run(&["sync", other.db.to_str().unwrap()]).ok);

    // A bundle into an empty ledger: the same.
    let file = server.dir.path().join("all.lxb");
    server.ok(&["sync", "export", "-o", file.to_str().unwrap()]);
    let stick = Ledger::new();
    stick.ok(&["init"]);
    stick.ok(&["sync", "import", file.to_str().unwrap()]);
    assert_eq!(ledger_id(&stick), ledger_id(&server));
    assert!(!stick.run(&["sync", other.db.to_str().unwrap()]).ok);

    // An empty server takes a client's ledger.
    let fresh = Ledger::new();
    fresh.ok(&["init"]);
    server.ok(&["sync", fresh.db.to_str().unwrap()]);
    assert_eq!(ledger_id(&fresh), ledger_id(&server));
    assert_eq!(dump(&server), dump(&fresh));
}

/// The rule for a ledger made before ledger ids (no `ledger_id` row): the
/// id is derived from the earliest op of the log, which the origin and every
/// replica cloned from it hold, so they derive the same id and keep syncing.
#[test]
fn ledgers_made_before_ledger_ids_derive_the_id_their_clones_derive() {
    let origin = small_ledger();
    let laptop = clone_of(&origin);
    let tablet = clone_of(&origin);
    // The replicas wrote before the upgrade: their logs differ.
    laptop.ok(&["org", "set", "常德乙公司", "employees=40"]);
    tablet.ok(&["org", "set", "常德丙公司", "employees=41"]);
    origin.ok(&["org", "set", "常德甲公司", "employees=42"]);
    let unrelated = small_ledger();
    for l in [&origin, &laptop, &tablet, &unrelated] {
        l.conn()
            .execute("DELETE FROM meta WHERE key = 'ledger_id'", [])
            .unwrap();
        assert_eq!(meta(l, "ledger_id"), None);
    }
    // Opened again (any command), each takes its derived id.
    for l in [&origin, &laptop, &tablet, &unrelated] {
        l.ok(&["sync", "status"]);
    }
    let id = ledger_id(&origin);
    assert!(uuid::Uuid::parse_str(&id).is_ok(), "{id}");
    assert_eq!(ledger_id(&laptop), id);
    assert_eq!(ledger_id(&tablet), id);
    assert_ne!(
        ledger_id(&unrelated),
        id,
        "another ledger derives another id"
    );
    // Derived from the earliest op: the origin's first (site, seq 1).
    let (first_site, first_seq): (String, i64) = origin
        .conn()
        .query_row(
            "SELECT site_id, seq FROM oplog ORDER BY hlc, site_id, seq LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((first_site, first_seq), (site(&origin), 1));

    laptop.ok(&["sync", origin.db.to_str().unwrap()]);
    tablet.ok(&["sync", origin.db.to_str().unwrap()]);
    laptop.ok(&["sync", origin.db.to_str().unwrap()]);
    assert_eq!(dump(&laptop), dump(&origin));
    assert_eq!(dump(&tablet), dump(&origin));
    assert!(!unrelated.run(&["sync", origin.db.to_str().unwrap()]).ok);
    // The derived id is stored: it does not move as the log grows.
    assert_eq!(ledger_id(&laptop), id);
}

#[test]
fn a_restored_backup_continues_as_a_new_site_and_loses_nothing_synced() {
    let server = small_ledger();
    let laptop = clone_of(&server);
    let other = clone_of(&server);
    let old_site = site(&laptop);
    let backup = laptop.dir.path().join("before.db");
    laptop.ok(&["backup", "-o", backup.to_str().unwrap()]);

    // Written and synced after the backup: the server holds it.
    laptop.ok(&["org", "set", "常德乙公司", "employees=21"]);
    laptop.ok(&["org", "set", "常德甲公司", "address=朗州路 9 号"]);
    laptop.ok(&["sync", server.db.to_str().unwrap()]);

    let out = laptop.ok(&["restore", backup.to_str().unwrap()]);
    let new_site = site(&laptop);
    assert_ne!(new_site, old_site);
    assert!(
        out.contains("continues as a new site") && out.contains(&new_site),
        "{out}"
    );
    assert!(out.contains(&old_site), "{out}");
    assert_eq!(ledger_id(&laptop), ledger_id(&server));
    // Per-peer positions of the old site are forgotten.
    assert_eq!(laptop.count("sync_peers"), 0);
    assert!(
        !dump(&laptop).contains("朗州路"),
        "the restored file is the backup"
    );

    // Written after the restore, then synced: no "same site id" refusal.
    laptop.ok(&["org", "set", "常德丙公司", "employees=23"]);
    let out = laptop.ok(&["sync", server.db.to_str().unwrap()]);
    assert!(
        out.contains("ops in 2") && out.contains("ops out 1"),
        "{out}"
    );
    other.ok(&["sync", server.db.to_str().unwrap()]);
    let want = dump(&server);
    assert_eq!(dump(&laptop), want);
    assert_eq!(dump(&other), want);
    for (what, l) in [("server", &server), ("laptop", &laptop), ("other", &other)] {
        let d = dump(l);
        assert!(
            d.contains("朗州路 9 号"),
            "{what}: the synced write is back"
        );
        assert!(d.contains("\"employees\":21"), "{what}");
        assert!(d.contains("\"employees\":23"), "{what}: the new write");
    }
    // The old site's ops stay under its id; the new ones go under the new.
    let count = |l: &Ledger, s: &str| -> i64 {
        l.conn()
            .query_row("SELECT COUNT(*) FROM oplog WHERE site_id = ?1", [s], |r| {
                r.get(0)
            })
            .unwrap()
    };
    assert_eq!(count(&laptop, &old_site), 2);
    assert_eq!(count(&server, &old_site), 2);
    assert_eq!(count(&server, &new_site), 1);
    let out = laptop.ok(&["sync", server.db.to_str().unwrap()]);
    assert!(
        out.contains("ops in 0") && out.contains("ops out 0"),
        "{out}"
    );
}
