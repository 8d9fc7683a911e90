//! Convergence: 3–5 replicas (one a "server" written through two connections
//! at once) make random adds, edits from tiny value sets (so edits collide),
//! deletes, restores, resolutions and syncs; after a full sync every replica
//! holds every op, the same tables and the same conflicts.
//!
//! Sync is a trust boundary: laptops owned by a district user and by street
//! users write inside and outside their owner's scope and sync with a server
//! in random order; the server never holds an out-of-scope change, every
//! replica converges on the accepted set, and no accepted op is lost.

#[path = "common/replica.rs"]
mod replica;

use liangxin::domain::command::{NewUser, OrgField};
use liangxin::domain::kinds::Role;
use liangxin::domain::{Command, Id};
use liangxin::store::{Actor, Store};
use liangxin::sync::{self, Op, Sender, conflicts, dump, merge};
use proptest::prelude::*;
use proptest::test_runner::TestRunner;
use replica::{actor, day, new_org};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};

#[derive(Clone, Debug)]
enum Act {
    Add { r: usize },
    Name { r: usize, k: usize, v: usize },
    Emp { r: usize, k: usize, v: i64 },
    Delete { r: usize, k: usize },
    Restore { r: usize, k: usize },
    Resolve { r: usize, k: usize, pick: usize },
    Sync { a: usize, b: usize },
}

const NAMES: [&str; 3] = ["甲公司", "乙公司", "丙公司"];

fn act() -> impl Strategy<Value = Act> {
    // Replica 0 and 5 are the server's two connections.
    let r = 0usize..6;
    prop_oneof![
        2 => r.clone().prop_map(|r| Act::Add { r }),
        3 => (r.clone(), 0usize..3, 0usize..3).prop_map(|(r, k, v)| Act::Name { r, k, v }),
        2 => (r.clone(), 0usize..3, 1i64..3).prop_map(|(r, k, v)| Act::Emp { r, k, v }),
        1 => (r.clone(), 0usize..3).prop_map(|(r, k)| Act::Delete { r, k }),
        1 => (r.clone(), 0usize..3).prop_map(|(r, k)| Act::Restore { r, k }),
        1 => (r.clone(), 0usize..4, 1usize..3).prop_map(|(r, k, pick)| Act::Resolve { r, k, pick }),
        3 => (0usize..6, 0usize..6).prop_map(|(a, b)| Act::Sync { a, b }),
    ]
}

struct World {
    _dir: tempfile::TempDir,
    /// Index 0 is the server; `second` is its other connection.
    stores: Vec<Store>,
    second: Store,
    street: Id,
}

impl World {
    fn new(n: usize) -> World {
        let dir = tempfile::tempdir().unwrap();
        let server_path = dir.path().join("server.db");
        let mut server = Store::open(&server_path).unwrap();
        let street = Id::new();
        server
            .apply(
                &actor(),
                day(),
                Command::AddStreet {
                    id: street.clone(),
                    name: "南坪街道".into(),
                    committee: String::new(),
                },
                None,
            )
            .unwrap();
        for _ in 0..2 {
            server
                .apply(
                    &actor(),
                    day(),
                    Command::AddOrg(new_org(street.clone())),
                    None,
                )
                .unwrap();
        }
        let second = Store::open(&server_path).unwrap();
        let mut stores = vec![server];
        for i in 1..n {
            let mut s = Store::open(&dir.path().join(format!("r{i}.db"))).unwrap();
            sync::pull_local(&mut s, &stores[0], &sync::Sender::trusted(None)).unwrap();
            stores.push(s);
        }
        World {
            _dir: dir,
            stores,
            second,
            street,
        }
    }

    /// Replica index → store; index ≥ len means the server's second connection.
    fn store(&mut self, r: usize) -> &mut Store {
        if r >= self.stores.len() {
            &mut self.second
        } else {
            &mut self.stores[r]
        }
    }

    fn orgs(&mut self, r: usize, deleted: i64) -> Vec<Id> {
        let s = self.store(r);
        let mut stmt = s
            .conn()
            .prepare("SELECT id FROM orgs WHERE deleted = ?1 ORDER BY id")
            .unwrap();
        stmt.query_map([deleted], |row| row.get::<_, String>(0))
            .unwrap()
            .map(|x| Id(x.unwrap()))
            .collect()
    }

    fn write(&mut self, r: usize, cmd: Command) {
        // Refusals (a name already held, nothing to restore) are fine; a
        // refused command writes nothing.
        let _ = self.store(r).apply(&actor(), day(), cmd, None);
    }

    fn run(&mut self, a: Act) {
        match a {
            Act::Add { r } => {
                let street = self.street.clone();
                self.write(r, Command::AddOrg(new_org(street)));
            }
            Act::Name { r, k, v } => {
                if let Some(org) = self.orgs(r, 0).get(k).cloned() {
                    self.write(
                        r,
                        Command::SetOrg {
                            org,
                            fields: vec![OrgField::Name(NAMES[v].into())],
                        },
                    );
                }
            }
            Act::Emp { r, k, v } => {
                if let Some(org) = self.orgs(r, 0).get(k).cloned() {
                    self.write(
                        r,
                        Command::SetOrg {
                            org,
                            fields: vec![OrgField::Employees(v)],
                        },
                    );
                }
            }
            Act::Delete { r, k } => {
                if let Some(row) = self.orgs(r, 0).get(k).cloned() {
                    self.write(
                        r,
                        Command::Delete {
                            table: "orgs".into(),
                            row,
                        },
                    );
                }
            }
            Act::Restore { r, k } => {
                if let Some(row) = self.orgs(r, 1).get(k).cloned() {
                    self.write(
                        r,
                        Command::Restore {
                            table: "orgs".into(),
                            row,
                        },
                    );
                }
            }
            Act::Resolve { r, k, pick } => {
                let list = conflicts::list(self.store(r).conn()).unwrap();
                let Some(c) = list.iter().filter(|c| c.kind != "duplicate").nth(k) else {
                    return;
                };
                let Some(choice) = c.values.get(pick - 1) else {
                    return;
                };
                let (field, value) = if c.kind == "delete" {
                    (
                        "deleted".to_string(),
                        if choice.field == "deleted" { "1" } else { "0" }.to_string(),
                    )
                } else {
                    (c.field.clone(), choice.value.to_string())
                };
                let cmd = Command::Settle {
                    table: c.table.clone(),
                    row: Id(c.row.clone()),
                    field,
                    value: Some(value),
                };
                self.write(r, cmd);
            }
            Act::Sync { a, b } => {
                let n = self.stores.len();
                let (a, b) = (a % (n + 1), b % (n + 1));
                let server = |i: usize| i == 0 || i == n;
                if a == b || (server(a) && server(b)) {
                    return;
                }
                // Sync is symmetric; order the pair so both borrows are disjoint.
                let (lo, hi) = (a.min(b), a.max(b));
                if hi == n {
                    let (s, second) = (&mut self.stores[lo], &mut self.second);
                    sync::exchange(s, second).unwrap();
                } else {
                    let (left, right) = self.stores.split_at_mut(hi);
                    sync::exchange(&mut left[lo], &mut right[0]).unwrap();
                }
            }
        }
    }

    fn full_sync(&mut self) {
        for _ in 0..2 {
            for i in 1..self.stores.len() {
                let (left, right) = self.stores.split_at_mut(i);
                sync::exchange(&mut right[0], &mut left[0]).unwrap();
            }
        }
    }
}

fn check_converged(w: &mut World) {
    converged(&w.stores.iter().collect::<Vec<_>>());
}

/// Every store holds the ops, tables and conflicts of the first, all its own
/// ops are in the first's log, and the first's tables show what the merge
/// rule picks from its ops.
fn converged(stores: &[&Store]) {
    // Every replica's audit chain answers for its op log and its tables.
    for (i, s) in stores.iter().enumerate() {
        let report = liangxin::store::check::run(s.conn()).unwrap();
        assert!(report.ok(), "replica {i} fails check:\n{}", report.render());
    }
    let first = dump::canonical_text(stores[0].conn()).unwrap();
    let first_conflicts = conflicts::list(stores[0].conn()).unwrap();
    let first_have = merge::have(stores[0].conn()).unwrap();
    let ops: i64 = stores[0].count("oplog").unwrap();
    for (i, s) in stores.iter().enumerate().skip(1) {
        assert_eq!(
            merge::have(s.conn()).unwrap(),
            first_have,
            "replica {i} holds other ops"
        );
        assert_eq!(s.count("oplog").unwrap(), ops, "replica {i} op count");
        assert_eq!(
            dump::canonical_text(s.conn()).unwrap(),
            first,
            "replica {i} dump differs"
        );
        assert_eq!(
            conflicts::list(s.conn()).unwrap(),
            first_conflicts,
            "replica {i} conflicts differ"
        );
    }
    // Nothing lost: every replica's own ops are all in the server's log.
    for s in stores {
        let own: i64 = s
            .conn()
            .query_row(
                "SELECT COUNT(*) FROM oplog WHERE site_id = ?1",
                [s.site()],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(first_have.get(s.site()).copied().unwrap_or(0), own);
    }
    // The tables show what the merge rule picks from the ops (no stale value).
    let conn = stores[0].conn();
    let ids: Vec<String> = conn
        .prepare("SELECT id FROM orgs")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|x| x.unwrap())
        .collect();
    for id in ids {
        let by_field = merge::row_ops(conn, "orgs", &id).unwrap();
        for (field, ops) in by_field {
            let shown: rusqlite::types::Value = conn
                .query_row(
                    &format!("SELECT {field} FROM orgs WHERE id = ?1"),
                    [&id],
                    |r| r.get(0),
                )
                .unwrap();
            let want = merge::heads(&ops)[0].val();
            assert_eq!(
                liangxin::store::Val::from(shown),
                want,
                "orgs.{field} of {id}"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    #[test]
    fn replicas_converge(n in 3usize..=5, acts in proptest::collection::vec(act(), 1..40)) {
        let mut w = World::new(n);
        for a in acts {
            w.run(a);
        }
        w.full_sync();
        check_converged(&mut w);
    }
}

// ---------------------------------------------------------------------------
// Sync is a trust boundary: a server with a district user and street users,
// laptops cloned from it and owned by one user each. A laptop is a copy its
// owner controls, so on it the district user's name writes anything; the
// server judges what arrives as the laptop's owner.

const DISTRICT: &str = "boss";
const STREET_USERS: [&str; 3] = ["u0", "u1", "u2"];
/// Values an in-scope edit writes: few, so edits collide.
const IN_NAMES: [&str; 3] = ["甲公司", "乙公司", "丙公司"];
/// Values an out-of-scope edit writes: never an in-scope one, so the server
/// never already shows what an out-of-scope op says (see
/// `an_out_of_scope_op_is_refused_even_when_the_server_shows_its_value`).
const OUT_NAMES: [&str; 2] = ["越权甲", "越权乙"];

fn person(os_user: &str) -> Actor {
    Actor {
        os_user: os_user.into(),
        name: os_user.into(),
        office: String::new(),
        via: None,
    }
}

#[derive(Clone, Copy, Debug)]
enum Edit {
    Name(usize),
    Emp(i64),
}

#[derive(Clone, Debug)]
enum Step {
    /// Laptop `l`'s owner edits org `k` of their street (the district's
    /// laptop: of street `s`).
    Edit {
        l: usize,
        s: usize,
        k: usize,
        e: Edit,
    },
    /// Laptop `l`'s owner adds an org in their street (the district: in `s`).
    Add { l: usize, s: usize },
    /// On laptop `l`, as the district user: edit org `k` of a street that
    /// is not the owner's.
    Reach {
        l: usize,
        s: usize,
        k: usize,
        e: Edit,
    },
    /// On laptop `l`, as the district user: add an org in a street that is
    /// not the owner's.
    Plant { l: usize, s: usize },
    /// On laptop `l`, as the district user: move org `k` of the owner's
    /// street into another street.
    Move { l: usize, s: usize, k: usize },
    /// On laptop `l`, as the district user: make the owner a district user.
    Promote { l: usize },
    /// The district user, on the server.
    Server { s: usize, k: usize, e: Edit },
    /// Laptop `l` syncs with the server.
    Sync { l: usize },
    /// Laptop `l`'s bundle, written at its last sync, imported on the server
    /// (twice) by its owner.
    Bundle { l: usize },
    /// Laptop `l`'s last pushed batch arrives again.
    Replay { l: usize },
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (0usize..3).prop_map(Edit::Name),
        (1i64..4).prop_map(Edit::Emp)
    ]
}

fn step() -> impl Strategy<Value = Step> {
    let l = 0usize..4;
    let s = 0usize..3;
    let k = 0usize..3;
    prop_oneof![
        6 => (l.clone(), s.clone(), k.clone(), edit()).prop_map(|(l, s, k, e)| Step::Edit { l, s, k, e }),
        1 => (l.clone(), s.clone()).prop_map(|(l, s)| Step::Add { l, s }),
        2 => (l.clone(), s.clone(), k.clone(), edit()).prop_map(|(l, s, k, e)| Step::Reach { l, s, k, e }),
        1 => (l.clone(), s.clone()).prop_map(|(l, s)| Step::Plant { l, s }),
        1 => (l.clone(), s.clone(), k.clone()).prop_map(|(l, s, k)| Step::Move { l, s, k }),
        1 => l.clone().prop_map(|l| Step::Promote { l }),
        3 => (s.clone(), k.clone(), edit()).prop_map(|(s, k, e)| Step::Server { s, k, e }),
        3 => l.clone().prop_map(|l| Step::Sync { l }),
        1 => l.clone().prop_map(|l| Step::Bundle { l }),
        1 => l.prop_map(|l| Step::Replay { l }),
    ]
}

struct Laptop {
    store: Store,
    /// Index into `STREET_USERS`, or `None` for the district's laptop.
    owner: Option<usize>,
    /// The batch last pushed to the server.
    last: Vec<Op>,
    /// What it held at its last sync.
    synced: BTreeMap<String, i64>,
    /// (seq, in scope) of every op this laptop wrote.
    wrote: Vec<(i64, bool)>,
}

impl Laptop {
    fn os_user(&self) -> &'static str {
        self.owner.map_or(DISTRICT, |u| STREET_USERS[u])
    }

    fn sender(&self, via: &'static str) -> Sender {
        Sender {
            actor: Some(person(self.os_user())),
            site: Some(self.store.site().to_string()),
            via,
        }
    }
}

/// The server every case starts from: three streets with two orgs each,
/// the district user and one street user per street.
struct Origin {
    _dir: tempfile::TempDir,
    _server: Store,
    path: std::path::PathBuf,
    streets: Vec<Id>,
    seeds: Vec<[Id; 2]>,
}

impl Origin {
    fn new() -> Origin {
        let dir = tempfile::tempdir().unwrap();
        let mut server = Store::open(&dir.path().join("origin.db")).unwrap();
        let boss = person(DISTRICT);
        let run = |s: &mut Store, cmd: Command| {
            s.apply(&boss, day(), cmd, None).unwrap();
        };
        run(
            &mut server,
            Command::AddUser(NewUser {
                id: Id::new(),
                os_user: DISTRICT.into(),
                name: DISTRICT.into(),
                office: None,
                role: Role::District,
                street: None,
                community: None,
            }),
        );
        let mut streets = Vec::new();
        let mut seeds = Vec::new();
        for (i, user) in STREET_USERS.iter().enumerate() {
            let street = Id::new();
            run(
                &mut server,
                Command::AddStreet {
                    id: street.clone(),
                    name: format!("{i}号街道"),
                    committee: String::new(),
                },
            );
            run(
                &mut server,
                Command::AddUser(NewUser {
                    id: Id::new(),
                    os_user: (*user).into(),
                    name: (*user).into(),
                    office: None,
                    role: Role::Street,
                    street: Some(street.clone()),
                    community: None,
                }),
            );
            let pair = [new_org(street.clone()), new_org(street.clone())];
            seeds.push([pair[0].id.clone(), pair[1].id.clone()]);
            for o in pair {
                run(&mut server, Command::AddOrg(o));
            }
            streets.push(street);
        }
        // Everything in the main file, so a plain copy is the whole ledger.
        server
            .conn()
            .pragma_update(None, "wal_checkpoint", "TRUNCATE")
            .unwrap();
        Origin {
            path: server.path().to_path_buf(),
            _dir: dir,
            _server: server,
            streets,
            seeds,
        }
    }
}

struct Boundary {
    _dir: tempfile::TempDir,
    server: Store,
    laptops: Vec<Laptop>,
    streets: Vec<Id>,
    /// The two organizations each street starts with.
    seeds: Vec<[Id; 2]>,
    /// Every org's street as it was added (the server never moves one).
    home: HashMap<Id, usize>,
    /// Ops the server refused, over the whole run.
    refused: usize,
}

/// The ops `s` holds beyond `theirs`, as a sync pushes them or a bundle
/// carries them.
fn missing(s: &Store, theirs: &BTreeMap<String, i64>) -> Vec<Op> {
    let mut ops = Vec::new();
    merge::for_each_missing(s.conn(), theirs, sync::BATCH, |b| {
        ops.extend(b);
        Ok(())
    })
    .unwrap();
    ops
}

fn max_seq(s: &Store) -> i64 {
    s.conn()
        .query_row(
            "SELECT COALESCE(MAX(seq), 0) FROM oplog WHERE site_id = ?1",
            [s.site()],
            |r| r.get(0),
        )
        .unwrap()
}

fn org_cmd(org: Id, e: Edit, names: &[&str]) -> Command {
    let field = match e {
        Edit::Name(v) => OrgField::Name(names[v % names.len()].into()),
        Edit::Emp(v) => OrgField::Employees(v),
    };
    Command::SetOrg {
        org,
        fields: vec![field],
    }
}

impl Boundary {
    /// A copy of `origin` as the server; laptops for the district and the
    /// first `streets` street users, each a copy of the server with a site
    /// of its own (as `sync clone` makes them).
    fn new(origin: &Origin, streets: usize) -> Boundary {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("server.db");
        std::fs::copy(&origin.path, &path).unwrap();
        let server = Store::open(&path).unwrap();
        let mut laptops = Vec::new();
        for owner in std::iter::once(None).chain((0..streets).map(Some)) {
            let path = dir.path().join(format!("laptop{}.db", laptops.len()));
            std::fs::copy(&origin.path, &path).unwrap();
            let mut store = Store::open(&path).unwrap();
            store.become_new_site().unwrap();
            laptops.push(Laptop {
                store,
                owner,
                last: Vec::new(),
                synced: BTreeMap::new(),
                wrote: Vec::new(),
            });
        }
        Boundary {
            _dir: dir,
            server,
            laptops,
            home: origin
                .seeds
                .iter()
                .enumerate()
                .flat_map(|(s, pair)| pair.iter().map(move |o| (o.clone(), s)))
                .collect(),
            streets: origin.streets.clone(),
            seeds: origin.seeds.clone(),
            refused: 0,
        }
    }

    /// Org `k` of street `s` as `store` holds it: a seed, or (k = 2) the
    /// first other org of that street.
    fn org(&self, store: &Store, s: usize, k: usize) -> Id {
        if k < 2 {
            return self.seeds[s][k].clone();
        }
        let seeds = &self.seeds[s];
        store
            .conn()
            .prepare("SELECT id FROM orgs WHERE street_id = ?1 AND id NOT IN (?2, ?3) ORDER BY id")
            .unwrap()
            .query_map(
                [
                    self.streets[s].as_str(),
                    seeds[0].as_str(),
                    seeds[1].as_str(),
                ],
                |r| r.get::<_, String>(0),
            )
            .unwrap()
            .next()
            .map_or_else(|| seeds[0].clone(), |x| Id(x.unwrap()))
    }

    /// Writes on laptop `l` as `who`; a command the laptop refuses writes
    /// nothing. Records the ops written, and whether the owner may write them.
    fn write(&mut self, l: usize, who: &str, in_scope: bool, cmd: Command) {
        let lap = &mut self.laptops[l];
        let before = max_seq(&lap.store);
        let _ = lap.store.apply(&person(who), day(), cmd, None);
        let after = max_seq(&lap.store);
        lap.wrote
            .extend((before + 1..=after).map(|q| (q, in_scope)));
    }

    /// A street that is not laptop `l`'s owner's (any street for the district).
    fn other_street(&self, l: usize, s: usize) -> usize {
        match self.laptops[l].owner {
            Some(u) => (u + 1 + s % 2) % 3,
            None => s % 3,
        }
    }

    /// Whether laptop `l`'s owner may write in street `s` on the server.
    fn may_write(&self, l: usize, s: usize) -> bool {
        self.laptops[l].owner.is_none_or(|u| u == s)
    }

    /// A new org in street `s`, its home noted.
    fn add(&mut self, s: usize) -> Command {
        let org = new_org(self.streets[s].clone());
        self.home.insert(org.id.clone(), s);
        Command::AddOrg(org)
    }

    fn own_street(&self, l: usize, s: usize) -> usize {
        self.laptops[l].owner.unwrap_or(s % 3)
    }

    fn run(&mut self, step: Step) {
        let n = self.laptops.len();
        match step {
            Step::Edit { l, s, k, e } => {
                let l = l % n;
                let st = self.own_street(l, s);
                let org = self.org(&self.laptops[l].store, st, k);
                let who = self.laptops[l].os_user();
                self.write(l, who, true, org_cmd(org, e, &IN_NAMES));
            }
            Step::Add { l, s } => {
                let l = l % n;
                let st = self.own_street(l, s);
                let who = self.laptops[l].os_user();
                let cmd = self.add(st);
                self.write(l, who, true, cmd);
            }
            Step::Reach { l, s, k, e } => {
                let l = l % n;
                let st = self.other_street(l, s);
                let org = self.org(&self.laptops[l].store, st, k);
                // Out of scope as the server holds the org: the laptop may
                // show it elsewhere (it moved it there).
                let ok = self.may_write(l, self.home[&org]);
                let names: &[&str] = if ok { &IN_NAMES } else { &OUT_NAMES };
                let e = match e {
                    Edit::Emp(v) if !ok => Edit::Emp(100 + v),
                    e => e,
                };
                self.write(l, DISTRICT, ok, org_cmd(org, e, names));
            }
            Step::Plant { l, s } => {
                let l = l % n;
                let st = self.other_street(l, s);
                let ok = self.may_write(l, st);
                let cmd = self.add(st);
                self.write(l, DISTRICT, ok, cmd);
            }
            Step::Move { l, s, k } => {
                let l = l % n;
                // The district moves orgs only on the server's word; here
                // only a street user's laptop tries it.
                let Some(u) = self.laptops[l].owner else {
                    return;
                };
                // A refused move in one batch with in-scope edits of the row
                // takes them down too (see
                // `an_in_scope_edit_sent_with_a_refused_move_is_applied`):
                // the move travels in a batch of its own.
                self.sync(l);
                let org = self.org(&self.laptops[l].store, u, k);
                let to = self.streets[self.other_street(l, s)].clone();
                self.write(
                    l,
                    DISTRICT,
                    false,
                    Command::SetOrg {
                        org,
                        fields: vec![OrgField::Street(to)],
                    },
                );
                self.sync(l);
            }
            Step::Promote { l } => {
                let l = l % n;
                let Some(u) = self.laptops[l].owner else {
                    return;
                };
                let user = user_id(&self.laptops[l].store, STREET_USERS[u]);
                self.write(
                    l,
                    DISTRICT,
                    false,
                    Command::SetUser {
                        user,
                        name: None,
                        office: None,
                        role: Some(Role::District),
                        street: None,
                        community: None,
                    },
                );
            }
            Step::Server { s, k, e } => {
                let org = self.org(&self.server, s % 3, k);
                let _ =
                    self.server
                        .apply(&person(DISTRICT), day(), org_cmd(org, e, &IN_NAMES), None);
            }
            Step::Sync { l } => self.sync(l % n),
            Step::Bundle { l } => {
                // A bundle written at the laptop's last sync (every op it
                // held, of every site), imported on the server by the owner.
                // A bundle of ops the server lacks would leave its refusals
                // untold (see `refusals_of_an_imported_bundle_reach_the_laptop`).
                let lap = &self.laptops[l % n];
                let bundle: Vec<Op> = missing(&lap.store, &BTreeMap::new())
                    .into_iter()
                    .filter(|o| lap.synced.get(&o.site).is_some_and(|&q| o.seq <= q))
                    .collect();
                let before = dump::canonical_text(self.server.conn()).unwrap();
                let from = lap.sender("bundle");
                for _ in 0..2 {
                    let rep = self.server.receive(&from, &bundle).unwrap();
                    assert_eq!(
                        (rep.applied, rep.refused, rep.already),
                        (0, 0, bundle.len()),
                        "a bundle of ops held changes nothing"
                    );
                }
                assert_eq!(dump::canonical_text(self.server.conn()).unwrap(), before);
            }
            Step::Replay { l } => {
                let lap = &self.laptops[l % n];
                let before = dump::canonical_text(self.server.conn()).unwrap();
                let rep = self.server.receive(&lap.sender("sync"), &lap.last).unwrap();
                assert_eq!(
                    (rep.applied, rep.refused, rep.already),
                    (0, 0, lap.last.len()),
                    "a batch delivered again changes nothing"
                );
                assert_eq!(dump::canonical_text(self.server.conn()).unwrap(), before);
            }
        }
    }

    /// One sync of laptop `l`: it pulls what the server holds, taking it as
    /// it comes, then pushes; the server judges the push as the owner, and
    /// the laptop lists what was refused.
    fn sync(&mut self, l: usize) {
        let lap = &mut self.laptops[l];
        let from_server = Sender::trusted(Some(self.server.site().to_string()));
        sync::pull_local(&mut lap.store, &self.server, &from_server).unwrap();
        let ops = missing(&lap.store, &merge::have(self.server.conn()).unwrap());
        let rep = self.server.receive(&lap.sender("sync"), &ops).unwrap();
        lap.store.note_refusals(&rep).unwrap();
        self.refused += rep.refused;
        lap.last = ops;
        lap.synced = merge::have(lap.store.conn()).unwrap();
    }

    /// Two rounds of syncs (everyone then holds every op), every laptop
    /// discards what was refused, and syncs again.
    fn settle(&mut self) {
        for _ in 0..2 {
            for l in 0..self.laptops.len() {
                self.sync(l);
            }
        }
        for lap in &mut self.laptops {
            for r in lap.store.refused().unwrap() {
                lap.store
                    .discard_refused(&person(lap.os_user()), &r.key, day())
                    .unwrap();
            }
        }
        for l in 0..self.laptops.len() {
            self.sync(l);
        }
    }
}

fn user_id(s: &Store, os_user: &str) -> Id {
    Id(s.conn()
        .query_row("SELECT id FROM users WHERE os_user = ?1", [os_user], |r| {
            r.get(0)
        })
        .unwrap())
}

/// (site, seq) of every op `s` holds that no one refused.
fn accepted(s: &Store) -> BTreeSet<(String, i64)> {
    s.conn()
        .prepare("SELECT site_id, seq FROM oplog WHERE refused IS NULL")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(|x| x.unwrap())
        .collect()
}

/// The server holds nothing a laptop's owner could not write on it.
fn check_boundary(b: &Boundary) {
    let conn = b.server.conn();
    let mut owner: BTreeMap<String, Option<usize>> = BTreeMap::new();
    owner.insert(b.server.site().to_string(), None);
    for lap in &b.laptops {
        owner.insert(lap.store.site().to_string(), lap.owner);
    }
    // Each laptop's site is registered to its owner, and to no one else.
    let sites: Vec<(String, String)> = conn
        .prepare("SELECT site_id, os_user FROM sync_sites")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(|x| x.unwrap())
        .collect();
    for (site, os_user) in &sites {
        let lap = b.laptops.iter().find(|l| l.store.site() == site);
        assert_eq!(
            lap.map(Laptop::os_user),
            Some(os_user.as_str()),
            "site {site}"
        );
    }
    // Every op that changed a table came from the district, or from a street
    // user writing in their own street.
    let ops: Vec<(String, i64, String, String, String, Option<String>)> = conn
        .prepare("SELECT site_id, seq, tbl, row_id, field, value FROM oplog WHERE refused IS NULL")
        .unwrap()
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })
        .unwrap()
        .map(|x| x.unwrap())
        .collect();
    for (site, seq, tbl, row, field, value) in ops {
        let who = owner
            .get(&site)
            .unwrap_or_else(|| panic!("op {site}:{seq} of a site no one owns"));
        let Some(u) = *who else { continue };
        let street = b.streets[u].as_str();
        match tbl.as_str() {
            "orgs" => {
                let held: Option<String> = conn
                    .query_row("SELECT street_id FROM orgs WHERE id = ?1", [&row], |r| {
                        r.get(0)
                    })
                    .unwrap();
                assert_eq!(
                    held.as_deref(),
                    Some(street),
                    "{} wrote orgs.{field} of an org outside their street ({site}:{seq})",
                    STREET_USERS[u]
                );
                if field == "street_id" {
                    assert_eq!(value, Some(format!("\"{street}\"")), "{site}:{seq}");
                }
            }
            // Alerts follow from the data on every replica.
            "alerts" => {}
            other => panic!("{} wrote {other}.{field} ({site}:{seq})", STREET_USERS[u]),
        }
    }
    // Roles and streets are what the district set.
    let users: Vec<(String, String, Option<String>)> = conn
        .prepare("SELECT os_user, role, street_id FROM users ORDER BY os_user")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(|x| x.unwrap())
        .collect();
    let mut want = vec![(DISTRICT.to_string(), "district".to_string(), None)];
    for (i, u) in STREET_USERS.iter().enumerate() {
        want.push((u.to_string(), "street".into(), Some(b.streets[i].0.clone())));
    }
    want.sort();
    assert_eq!(users, want);
}

/// No accepted op is lost: every replica holds the server's accepted set,
/// and every laptop's in-scope op is in it; every out-of-scope op was refused.
fn check_nothing_lost(b: &Boundary) {
    let on_server = accepted(&b.server);
    for (i, lap) in b.laptops.iter().enumerate() {
        assert_eq!(accepted(&lap.store), on_server, "laptop {i} accepted set");
        let site = lap.store.site().to_string();
        for &(seq, in_scope) in &lap.wrote {
            assert_eq!(
                on_server.contains(&(site.clone(), seq)),
                in_scope,
                "laptop {i} ({}) op {seq}: in scope {in_scope}",
                lap.os_user()
            );
        }
        assert!(lap.store.refused().unwrap().is_empty(), "laptop {i}");
    }
}

static CASES: AtomicUsize = AtomicUsize::new(0);
static WITH_REFUSAL: AtomicUsize = AtomicUsize::new(0);
static WITH_CONFLICT: AtomicUsize = AtomicUsize::new(0);

fn boundary_case(origin: &Origin, streets: usize, steps: Vec<Step>) {
    let mut b = Boundary::new(origin, streets);
    for s in steps {
        b.run(s);
    }
    b.settle();
    let conflicted = conflicts::list(b.server.conn())
        .unwrap()
        .iter()
        .any(|c| c.kind == "edit");
    check_boundary(&b);
    let mut all = vec![&b.server];
    all.extend(b.laptops.iter().map(|l| &l.store));
    converged(&all);
    check_nothing_lost(&b);
    CASES.fetch_add(1, Ordering::Relaxed);
    WITH_REFUSAL.fetch_add(usize::from(b.refused > 0), Ordering::Relaxed);
    WITH_CONFLICT.fetch_add(usize::from(conflicted), Ordering::Relaxed);
}

#[test]
fn sync_is_a_trust_boundary() {
    let mut runner = TestRunner::new(ProptestConfig {
        cases: 48,
        source_file: Some(file!()),
        ..ProptestConfig::default()
    });
    let steps = proptest::collection::vec(step(), 4..40);
    let origin = Origin::new();
    runner
        .run(&(2usize..=3, steps), |(streets, steps)| {
            boundary_case(&origin, streets, steps);
            Ok(())
        })
        .unwrap();
    // Not vacuous: refusals and conflicts both happened, often.
    let (n, r, c) = (
        CASES.load(Ordering::Relaxed),
        WITH_REFUSAL.load(Ordering::Relaxed),
        WITH_CONFLICT.load(Ordering::Relaxed),
    );
    eprintln!("trust boundary: {n} cases, {r} with a refusal, {c} with a conflict");
    assert!(n >= 48, "{n} cases");
    assert!(3 * r >= n, "{r} of {n} cases had a refusal");
    assert!(4 * c >= n, "{c} of {n} cases had a conflict");
}

// Found by the property above; each fails today, and the property keeps
// clear of it (disjoint values, moves in a batch of their own, bundles of
// ops already held) so that everything else stays checked.

fn set_org_field(org: &Id, f: OrgField) -> Command {
    Command::SetOrg {
        org: org.clone(),
        fields: vec![f],
    }
}

#[test]
fn refusals_of_an_imported_bundle_reach_the_laptop() {
    let mut b = Boundary::new(&Origin::new(), 2);
    // On u0's laptop, as the district user: an org of street 1 renamed.
    let org = b.seeds[1][0].clone();
    b.write(
        1,
        DISTRICT,
        false,
        set_org_field(&org, OrgField::Name(OUT_NAMES[0].into())),
    );
    // Carried to the server on a stick; u0 imports it there.
    let lap = &b.laptops[1];
    let ops = missing(&lap.store, &merge::have(b.server.conn()).unwrap());
    let rep = b.server.receive(&lap.sender("bundle"), &ops).unwrap();
    assert_eq!(rep.refused, 1, "the server refuses the rename");
    // The laptop syncs afterwards, as usual.
    b.sync(1);
    assert_eq!(
        b.laptops[1].store.refused().unwrap().len(),
        1,
        "the laptop lists its refused op"
    );
    b.settle();
    let mut all = vec![&b.server];
    all.extend(b.laptops.iter().map(|l| &l.store));
    converged(&all);
}

#[test]
fn an_in_scope_edit_sent_with_a_refused_move_is_applied() {
    let mut b = Boundary::new(&Origin::new(), 2);
    let org = b.seeds[0][0].clone();
    // u0 renames an org of their own street, then (as the district user on
    // the laptop) moves it to street 1, and syncs once.
    b.write(
        1,
        "u0",
        true,
        set_org_field(&org, OrgField::Name(IN_NAMES[0].into())),
    );
    let to = b.streets[1].clone();
    b.write(
        1,
        DISTRICT,
        false,
        set_org_field(&org, OrgField::Street(to)),
    );
    b.sync(1);
    // Synced between the two writes, the rename is applied; in one batch it
    // must be too: it does not depend on the move.
    assert_eq!(
        replica::org_field(&b.server, &org, "name"),
        replica::text(IN_NAMES[0])
    );
    b.settle();
    check_nothing_lost(&b);
}

#[test]
fn an_out_of_scope_op_is_refused_even_when_the_server_shows_its_value() {
    let mut b = Boundary::new(&Origin::new(), 2);
    let org = b.seeds[1][0].clone();
    // u1 sets employees to 2 in their street and syncs.
    b.write(2, "u1", true, set_org_field(&org, OrgField::Employees(2)));
    b.sync(2);
    // u0's laptop, not synced since and with a clock an hour ahead: as the
    // district user, employees of that street-1 org set to 2 too. The server
    // already shows 2, and takes it.
    let ahead = (liangxin::sync::clock::now_ms() + 3_600_000) << 16;
    b.laptops[1]
        .store
        .set_meta("hlc", &ahead.to_string())
        .unwrap();
    b.write(
        1,
        DISTRICT,
        false,
        set_org_field(&org, OrgField::Employees(2)),
    );
    b.sync(1);
    // u1, who has not seen it, sets 3 and syncs.
    b.write(2, "u1", true, set_org_field(&org, OrgField::Employees(3)));
    b.sync(2);
    // The server shows u0's 2 over u1's later 3, as a conflict.
    assert!(
        conflicts::list(b.server.conn()).unwrap().is_empty(),
        "u0's op competes with u1's edit"
    );
    assert_eq!(
        replica::org_field(&b.server, &org, "employees"),
        rusqlite::types::Value::Integer(3)
    );
    check_boundary(&b);
}
