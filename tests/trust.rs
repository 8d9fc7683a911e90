//! Sync is a trust boundary: what a laptop sends passes the checks a local
//! write on the server passes. The tests run as root (as CI does) and act as
//! ledger users with `--as`; nothing in the environment changes who acts.

mod common;

use common::{Ledger, command, ok_as, output, run_as};
use liangxin::domain::Id;
use liangxin::store::{Actor, Store};
use liangxin::sync::{self, Op, Sender};

fn server() -> Ledger {
    common::two_street_server()
}

fn org_names(l: &Ledger) -> Vec<String> {
    let v = l.json(&["org", "list", "--format", "json"]);
    let mut names: Vec<String> = v
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|o| o["name"].as_str().map(str::to_string))
        .collect();
    names.sort();
    names
}

fn role_of(l: &Ledger, user: &str) -> String {
    let v = l.json(&["user", "list", "--format", "json"]);
    v.as_array()
        .expect("a list")
        .iter()
        .find(|u| u["os_user"] == user)
        .and_then(|u| u["role"].as_str())
        .unwrap_or_default()
        .to_string()
}

#[test]
fn the_environment_does_not_choose_the_acting_user() {
    let s = server();
    // Logged in as root (the tests' uid), USER names the district user: root
    // is no ledger user, so the write is refused, whatever USER says.
    let mut c = command(
        &s.db,
        s.dir.path(),
        &["org", "add", "--name", "某公司", "--street", "乙街道"],
    );
    c.env("USER", "boss").env("LOGNAME", "boss");
    let o = output(c);
    assert!(!o.ok, "{}", o.stdout);
    assert!(o.stderr.contains("root"), "{}", o.stderr);
    assert!(org_names(&s).is_empty());
}

#[test]
fn a_laptop_cannot_sync_past_its_users_scope() {
    let s = server();
    // On the server alice is refused in 乙街道.
    let o = run_as(
        &s,
        "alice",
        &["org", "add", "--name", "乙街道某公司", "--street", "乙街道"],
    );
    assert!(!o.ok);

    // Her laptop is a copy she controls: there she acts as anyone.
    let laptop = Ledger::new();
    laptop.ok(&["sync", "clone", s.db.to_str().expect("path")]);
    ok_as(
        &laptop,
        "boss",
        &["org", "add", "--name", "越权公司", "--street", "乙街道"],
    );
    ok_as(
        &laptop,
        "boss",
        &["user", "set", "alice", "--role", "district"],
    );
    ok_as(
        &laptop,
        "alice",
        &["org", "add", "--name", "本街道公司", "--street", "甲街道"],
    );
    assert_eq!(role_of(&laptop, "alice"), "district");

    // She syncs as herself.
    let audits_before: i64 = s
        .conn()
        .query_row(
            "SELECT COUNT(*) FROM audit WHERE action = 'sync.receive'",
            [],
            |r| r.get(0),
        )
        .expect("count");
    let o = run_as(&laptop, "alice", &["sync", s.db.to_str().expect("path")]);
    assert!(o.ok, "{}\n{}", o.stdout, o.stderr);
    assert!(o.stderr.contains("refused"), "reported: {}", o.stderr);
    assert!(
        o.stderr.contains("越权公司"),
        "the organization is named: {}",
        o.stderr
    );

    // The server holds the in-scope work and none of the rest.
    assert_eq!(org_names(&s), vec!["本街道公司".to_string()]);
    assert_eq!(role_of(&s, "alice"), "street");
    s.ok(&["check"]);
    let (n, detail): (i64, String) = s
        .conn()
        .query_row(
            "SELECT COUNT(*), MAX(detail) FROM audit WHERE action = 'sync.receive'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("audit");
    assert_eq!(n - audits_before, 1, "one audit record for the batch");
    assert!(
        detail.contains("refused") && !detail.contains("refused 0"),
        "{detail}"
    );
    let who: String = s
        .conn()
        .query_row(
            "SELECT os_user FROM audit WHERE action = 'sync.receive' ORDER BY rowid DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("who");
    assert_eq!(who, "alice");

    // The laptop keeps them, listed; discarding takes them back here.
    let listed = laptop.json(&["sync", "refused", "--format", "json"]);
    let listed = listed.as_array().expect("a list");
    assert!(listed.iter().any(|r| r["name"] == "越权公司"));
    assert!(
        listed
            .iter()
            .any(|r| r["tbl"] == "users" && r["field"] == "role")
    );
    assert_eq!(
        laptop.json(&["sync", "status", "--format", "json"])["refused"],
        listed.len()
    );
    ok_as(&laptop, "alice", &["sync", "refused", "discard", "all"]);
    assert_eq!(role_of(&laptop, "alice"), "street");
    assert_eq!(org_names(&laptop), vec!["本街道公司".to_string()]);

    // Syncing again works and both sides hold the same ledger.
    ok_as(&laptop, "alice", &["sync", s.db.to_str().expect("path")]);
    assert_eq!(
        laptop.ok(&["export", "--format", "json"]),
        s.ok(&["export", "--format", "json"])
    );
    assert_eq!(
        laptop.json(&["sync", "status", "--format", "json"])["refused"],
        0
    );
}

#[test]
fn a_refused_op_resent_after_the_scope_changed_is_applied() {
    let s = server();
    let laptop = Ledger::new();
    laptop.ok(&["sync", "clone", s.db.to_str().expect("path")]);
    // On her copy she can act as anyone; the server judges her as herself.
    ok_as(&laptop, "boss", &["street", "add", "丙街道"]);
    let o = run_as(&laptop, "alice", &["sync", s.db.to_str().expect("path")]);
    assert!(o.ok && o.stderr.contains("refused"), "{}", o.stderr);
    // The district makes alice a district user; she sends it again.
    ok_as(&s, "boss", &["user", "set", "alice", "--role", "district"]);
    ok_as(&laptop, "alice", &["sync", s.db.to_str().expect("path")]);
    let refused = laptop.json(&["sync", "refused", "--format", "json"]);
    let key = refused[0]["key"].as_str().expect("a key").to_string();
    ok_as(&laptop, "alice", &["sync", "refused", "resend", &key]);
    ok_as(&laptop, "alice", &["sync", s.db.to_str().expect("path")]);
    let streets = s.ok(&["street", "list"]);
    assert!(streets.contains("丙街道"), "{streets}");
}

fn op(site: &str, seq: i64, row: &Id, value: &str) -> Op {
    Op {
        site: site.into(),
        seq,
        hlc: seq,
        tbl: "orgs".into(),
        row: row.0.clone(),
        field: "name".into(),
        value: Some(value.into()),
        schema: 1,
        supersedes: None,
        actor: None,
        refused: None,
    }
}

fn actor(user: &str) -> Actor {
    Actor {
        os_user: user.into(),
        name: user.into(),
        office: String::new(),
        via: None,
    }
}

#[test]
fn forged_sites_are_refused_and_take_no_sequence_number() {
    let s = server();
    let mut store = Store::open(&s.db).expect("open");
    let own = store.site().to_string();
    let row = Id::new();
    // Ops claiming the server's own site: not stored, so its next write
    // still has its number.
    let before: i64 = s.count("oplog");
    let held_seq: i64 = store
        .conn()
        .query_row(
            "SELECT MAX(seq) FROM oplog WHERE site_id = ?1",
            [&own],
            |r| r.get(0),
        )
        .expect("seq");
    let rep = store
        .receive(
            &Sender::trusted(None),
            &[op(&own, held_seq + 1, &row, "\"x\"")],
        )
        .expect("receive");
    assert_eq!((rep.applied, rep.refused), (0, 1));
    assert_eq!(s.count("oplog"), before);
    drop(store);
    ok_as(&s, "boss", &["street", "add", "丁街道"]);

    // A site first synced by boss belongs to boss: alice cannot send its ops.
    let mut store = Store::open(&s.db).expect("open");
    let laptop_site = Id::new().0;
    let street: String = store
        .conn()
        .query_row("SELECT id FROM streets LIMIT 1", [], |r| r.get(0))
        .expect("street");
    let mut first = op(&laptop_site, 1, &Id(street.clone()), "\"改名街道\"");
    first.tbl = "streets".into();
    let from_boss = Sender {
        actor: Some(actor("boss")),
        site: Some(laptop_site.clone()),
        via: "sync",
    };
    let rep = store.receive(&from_boss, &[first]).expect("boss");
    assert_eq!((rep.applied, rep.refused), (1, 0));
    let mut second = op(&laptop_site, 2, &Id(street), "\"再改名\"");
    second.tbl = "streets".into();
    let from_alice = Sender {
        actor: Some(actor("alice")),
        site: Some(laptop_site.clone()),
        via: "sync",
    };
    let rep = store.receive(&from_alice, &[second]).expect("alice");
    assert_eq!((rep.applied, rep.refused), (0, 1));
    assert!(
        rep.refusals[0].reason.contains("boss"),
        "{:?}",
        rep.refusals
    );
    let held: i64 = store
        .conn()
        .query_row(
            "SELECT MAX(seq) FROM oplog WHERE site_id = ?1",
            [&laptop_site],
            |r| r.get(0),
        )
        .expect("seq");
    assert_eq!(held, 1, "alice's forged op took no number of boss's site");
}

#[test]
fn a_value_its_column_does_not_take_is_refused_on_arrival_through_every_door() {
    // A laptop without users writes a text into employees behind the app's
    // back (sqlite3 on its own file), then syncs and exports a bundle.
    let s = Ledger::new();
    s.ok(&["init"]);
    s.ok(&["street", "add", "甲街道"]);
    s.ok(&["org", "add", "--name", "某公司", "--street", "甲街道"]);
    let laptop = Ledger::new();
    laptop.ok(&["sync", "clone", s.db.to_str().expect("path")]);
    let org: String = laptop
        .conn()
        .query_row("SELECT id FROM orgs", [], |r| r.get(0))
        .expect("org");
    let site: String = laptop
        .conn()
        .query_row("SELECT value FROM meta WHERE key = 'site_id'", [], |r| {
            r.get(0)
        })
        .expect("site");
    let forged = op(&site, 1, &Id(org), "\"abc\"");
    let forged = Op {
        field: "employees".into(),
        hlc: i64::MAX >> 20,
        ..forged
    };
    {
        let c = laptop.conn();
        c.execute(
            "INSERT INTO oplog(site_id, seq, hlc, tbl, row_id, field, value, schema_version, supersedes, actor)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, NULL, NULL)",
            rusqlite::params![
                forged.site,
                forged.seq,
                forged.hlc,
                forged.tbl,
                forged.row,
                forged.field,
                forged.value,
                forged.schema
            ],
        )
        .expect("forge");
    }
    // by bundle
    let bundle = laptop.dir.path().join("b.lxb");
    laptop.ok(&["sync", "export", "-o", bundle.to_str().expect("path")]);
    let before = s.counts();
    s.ok(&["sync", "import", bundle.to_str().expect("path")]);
    assert_eq!(
        s.json(&["org", "list", "--format", "json"])[0]["employees"],
        serde_json::Value::Null
    );
    let after = s.counts();
    // the op is kept (refused, so the sequence stays whole); no table changed
    for ((t, a), (_, b)) in before.iter().zip(after.iter()) {
        if t != "oplog" && t != "audit" {
            assert_eq!(a, b, "{t}");
        }
    }
    // by sync, into a fresh server copy
    let s2 = Ledger::new();
    std::fs::copy(&s.db, &s2.db).expect("copy");
    let mut st = Store::open(&s2.db).expect("open");
    let rep = sync::apply_ops(&mut st, &[forged]).expect("apply");
    assert_eq!(rep.applied + rep.already, 1);
    s2.ok(&["org", "list"]);
    s.ok(&["org", "list"]);
    s.ok(&["check"]);
}

#[test]
fn kept_aside_ops_that_still_do_not_fit_are_quarantined_and_sync_goes_on() {
    let s = server();
    let laptop = Ledger::new();
    laptop.ok(&["sync", "clone", s.db.to_str().expect("path")]);
    // Two ops kept aside from a "newer" peer; after the upgrade one still
    // names a column this build lacks.
    let street: String = laptop
        .conn()
        .query_row("SELECT id FROM streets LIMIT 1", [], |r| r.get(0))
        .expect("street");
    let site = Id::new().0;
    {
        let c = laptop.conn();
        for (seq, field, value) in [(1, "name", "\"新名街道\""), (2, "no_such_column", "1")] {
            c.execute(
                "INSERT INTO sync_pending(site_id, seq, hlc, tbl, row_id, field, value, schema_version)
                 VALUES (?1, ?2, ?3, 'streets', ?4, ?5, ?6, 1)",
                rusqlite::params![site, seq, seq, street, field, value],
            )
            .expect("keep aside");
        }
    }
    // Every sync replays them: it must go on, every time.
    for _ in 0..2 {
        let o = run_as(&laptop, "boss", &["sync", s.db.to_str().expect("path")]);
        assert!(o.ok, "{}\n{}", o.stdout, o.stderr);
    }
    let c = laptop.conn();
    let pending: i64 = c
        .query_row("SELECT COUNT(*) FROM sync_pending", [], |r| r.get(0))
        .expect("count");
    let (n, reason): (i64, String) = c
        .query_row(
            "SELECT COUNT(*), MAX(reason) FROM sync_quarantine WHERE site_id = ?1",
            [&site],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("quarantine");
    assert_eq!(pending, 0);
    assert!(n >= 1, "the misfit is set apart");
    assert!(reason.contains("no_such_column"), "{reason}");
    // and shown
    let status = laptop.json(&["sync", "status", "--format", "json"]);
    assert_eq!(
        status["quarantined"].as_array().map(Vec::len),
        Some(n as usize)
    );
    assert!(laptop.ok(&["sync", "status"]).contains("no_such_column"));
}

#[test]
fn half_year_tasks_a_street_laptop_makes_for_the_district_are_not_refusals() {
    let s = server();
    ok_as(
        &s,
        "boss",
        &[
            "--on",
            "2022-01-01",
            "org",
            "add",
            "--name",
            "乙街道公司",
            "--street",
            "乙街道",
        ],
    );
    let laptop = Ledger::new();
    laptop.ok(&["sync", "clone", s.db.to_str().expect("path")]);
    // Opening the app (or this command) makes the cycle's tasks for every
    // organization the copy holds, whoever opens it.
    ok_as(
        &laptop,
        "alice",
        &["--today", "2022-09-30", "tasks", "generate"],
    );
    let made: i64 = laptop.count("tasks");
    assert!(made >= 1);
    let o = run_as(&laptop, "alice", &["sync", s.db.to_str().expect("path")]);
    assert!(o.ok, "{}", o.stderr);
    assert!(!o.stderr.contains("refused"), "{}", o.stderr);
    assert_eq!(s.count("tasks"), made);
}

/// Two replicas that each make the cycle's half-year tasks before they sync
/// make the same rows: after the sync each organization has one task for
/// the cycle, on both sides, and no conflict.
/// The server with two organizations of 乙街道 entered at the start of 2022.
fn server_with_two_orgs() -> Ledger {
    let s = server();
    for name in ["乙街道公司", "乙街道商行"] {
        let add = ["--on", "2022-01-01", "org", "add", "--name", name];
        ok_as(&s, "boss", &[&add[..], &["--street", "乙街道"]].concat());
    }
    s
}

#[test]
fn half_year_tasks_made_on_two_replicas_are_one_task_each() {
    let s = server_with_two_orgs();
    let laptop = Ledger::new();
    laptop.ok(&["sync", "clone", s.db.to_str().expect("path")]);
    ok_as(&s, "boss", &["--today", "2022-08-01", "tasks", "generate"]);
    ok_as(
        &laptop,
        "alice",
        &["--today", "2022-09-30", "tasks", "generate"],
    );
    let half_year = |l: &Ledger| -> Vec<(String, i64)> {
        let conn = l.conn();
        let mut stmt = conn
            .prepare(
                "SELECT org_id, COUNT(*) FROM tasks WHERE kind = 'half-year' AND deleted = 0
                 GROUP BY org_id ORDER BY org_id",
            )
            .expect("prepare");
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows")
    };
    let before = half_year(&s);
    assert!(before.len() >= 2, "{before:?}");
    assert_eq!(half_year(&laptop), before, "the same tasks on both sides");
    let o = run_as(&laptop, "alice", &["sync", s.db.to_str().expect("path")]);
    assert!(o.ok, "{}", o.stderr);
    for l in [&s, &laptop] {
        let after = half_year(l);
        assert_eq!(after, before, "one task per organization after the sync");
        assert!(after.iter().all(|(_, n)| *n == 1), "{after:?}");
        assert_eq!(l.count("sync_conflicts"), 0, "no conflict");
        assert!(l.run(&["check"]).ok);
    }
}

/// A config file (which `LIANGXIN_CONFIG` can point anywhere) names the user
/// only on the user's own file: on a ledger another account owns, the
/// account acting is the process's own.
#[test]
fn a_config_name_acts_only_on_the_users_own_file() {
    let s = server();
    let cfg = s.dir.path().join("claim.toml");
    std::fs::write(&cfg, "[user]\nname = \"boss\"\n").expect("config");
    let add = |name: &str| {
        let mut c = command(
            &s.db,
            s.dir.path(),
            &["org", "add", "--name", name, "--street", "乙街道"],
        );
        c.env("LIANGXIN_CONFIG", &cfg);
        output(c)
    };
    // The file is root's (the tests' uid): a single cadre's laptop.
    assert!(add("自己的文件").ok);
    // Owned by another account, the same config names nobody: root is no
    // ledger user, so the write is refused.
    std::os::unix::fs::chown(&s.db, Some(65534), None).expect("chown");
    let o = add("别人的文件");
    assert!(!o.ok, "{}", o.stdout);
    assert!(o.stderr.contains("root"), "{}", o.stderr);
    let names = s.ok(&["org", "list"]);
    assert!(
        names.contains("自己的文件") && !names.contains("别人的文件"),
        "{names}"
    );
}

/// Two sessions on one ledger open at the start of a half-year: both plan
/// the cycle's tasks before either takes the write lock. The second finds
/// them made and makes nothing, instead of failing on the tasks' key.
#[test]
fn two_sessions_making_the_same_half_year_make_it_once() {
    let s = server_with_two_orgs();
    let today = liangxin::domain::Date::ymd(2022, 8, 1).expect("date");
    let actor = Actor::of_process("upkeep", "");
    let mut first = Store::open(&s.db).expect("open");
    let mut second = Store::open(&s.db).expect("open");
    let a = liangxin::store::tasks::half_year_plan(first.conn(), today).expect("plan");
    let b = liangxin::store::tasks::half_year_plan(second.conn(), today).expect("plan");
    assert!(
        a.len() >= 2 && a.len() == b.len(),
        "{} {}",
        a.len(),
        b.len()
    );
    let made = a.len();
    first
        .apply_batch(&actor, "tasks.generate", a)
        .expect("first");
    let again = second
        .apply_batch(&actor, "tasks.generate", b)
        .expect("second");
    assert_eq!(again.ops, 0, "the second session made nothing");
    assert_eq!(again.already, made, "and says it found them made");
    let n: i64 = s
        .conn()
        .query_row(
            "SELECT COUNT(*) FROM tasks WHERE kind = 'half-year' AND deleted = 0",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(usize::try_from(n).ok(), Some(made));
    s.ok(&["check"]);
}
