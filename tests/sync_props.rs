//! Convergence: 3–5 replicas (one a "server" written through two connections
//! at once) make random adds, edits from tiny value sets (so edits collide),
//! deletes, restores, resolutions and syncs; after a full sync every replica
//! holds every op, the same tables and the same conflicts.

#[path = "common/replica.rs"]
mod replica;

use liangxin::domain::command::OrgField;
use liangxin::domain::{Command, Id};
use liangxin::store::Store;
use liangxin::sync::{self, conflicts, dump, merge};
use proptest::prelude::*;
use replica::{actor, day, new_org};

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
    let first = dump::canonical_text(w.stores[0].conn()).unwrap();
    let first_conflicts = conflicts::list(w.stores[0].conn()).unwrap();
    let first_have = merge::have(w.stores[0].conn()).unwrap();
    let ops: i64 = w.stores[0].count("oplog").unwrap();
    for (i, s) in w.stores.iter().enumerate().skip(1) {
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
    for s in &w.stores {
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
    let conn = w.stores[0].conn();
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
