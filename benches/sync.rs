//! Sync costs. One changed field between two replicas of a district should
//! cost time and bytes set by the change, not by the size of the database
//! (10,000 vs 100,000 organizations, against copying the file); a fresh
//! replica takes 10,000 ops through the protocol.

#[path = "../tests/common/replica.rs"]
mod replica;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};

use liangxin::domain::command::OrgField;
use liangxin::domain::{Command, Date, Id};
use liangxin::store::{Actor, Store};
use liangxin::sync::{merge, session};

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bench-data")
}

/// A generated district, made once and kept (the coverage bench shares it).
fn district(orgs: usize) -> PathBuf {
    let path = data_dir().join(format!("gen-{orgs}-v2.db"));
    if let Ok(store) = Store::open(&path) {
        if store.meta("generated").ok().flatten().is_some() {
            return path;
        }
    }
    let _ = std::fs::remove_file(&path);
    std::fs::create_dir_all(data_dir()).expect("bench dir");
    let mut store = Store::open(&path).expect("open bench database");
    let t = std::time::Instant::now();
    liangxin::demo::generate(&mut store, &actor(), orgs, 1).expect("generate district");
    eprintln!("generated {orgs} organizations in {:?}", t.elapsed());
    path
}

fn actor() -> Actor {
    Actor::of_process("bench", "district")
}

/// A second replica of `src`: a copy of the file with a site id of its own.
fn second_replica(src: &Path, name: &str) -> PathBuf {
    let dst = data_dir().join(name);
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", dst.display()));
    }
    let s = Store::open(src).expect("open");
    s.conn()
        .execute("VACUUM INTO ?1", [dst.to_string_lossy().as_ref()])
        .expect("copy");
    let c = rusqlite::Connection::open(&dst).expect("open copy");
    c.execute(
        "UPDATE meta SET value = ?1 WHERE key = 'site_id'",
        [Id::new().0],
    )
    .expect("new site");
    dst
}

fn first_org(s: &Store) -> Id {
    Id(s.conn()
        .query_row("SELECT id FROM orgs ORDER BY id LIMIT 1", [], |r| r.get(0))
        .expect("an org"))
}

fn one_field(c: &mut Criterion) {
    let on = Date::parse("on", "2022-09-30").expect("date");
    let mut g = c.benchmark_group("sync_one_changed_field");
    g.sample_size(20);
    for orgs in [10_000usize, 100_000] {
        let a_path = district(orgs);
        let b_path = second_replica(&a_path, &format!("replica-{orgs}.db"));
        let mut a = Store::open(&a_path).expect("a");
        let mut b = Store::open(&b_path).expect("b");
        let org = first_org(&a);
        let mut n = 1000i64;
        let mut edit = |a: &mut Store| {
            n += 1;
            let cmd = Command::SetOrg {
                org: org.clone(),
                fields: vec![OrgField::Employees(n)],
            };
            a.apply(&actor(), on, cmd, None).expect("edit");
        };
        edit(&mut a);
        let bytes = replica::server_answer(&mut a, merge::have(b.conn()).expect("have")).len();
        let file = std::fs::metadata(&a_path).map(|m| m.len()).unwrap_or(0);
        eprintln!(
            "{orgs} orgs: one changed field = {bytes} bytes on the wire; the database file = {file} bytes"
        );
        g.bench_function(format!("{orgs}_orgs_protocol"), |bch| {
            // The edit happens outside the clock; the server's answer and the
            // client's apply are timed.
            bch.iter_custom(|iters| {
                let mut total = std::time::Duration::ZERO;
                for _ in 0..iters {
                    edit(&mut a);
                    let t = std::time::Instant::now();
                    let have = merge::have(b.conn()).expect("have");
                    let wire = replica::server_answer(&mut a, have);
                    session::sync(
                        &mut b,
                        "a",
                        &mut wire.as_slice(),
                        &mut std::io::sink(),
                        |_, _| {},
                    )
                    .expect("sync");
                    total += t.elapsed();
                }
                total
            })
        });
        g.bench_function(format!("{orgs}_orgs_copy_file"), |bch| {
            let dst = data_dir().join("copy.db");
            bch.iter(|| std::fs::copy(&a_path, &dst).expect("copy"))
        });
    }
    g.finish();
}

fn ten_thousand_ops(c: &mut Criterion) {
    let dir = data_dir().join("ops-10k");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let mut src = Store::open(&dir.join("src.db")).expect("src");
    // About 10,000 ops: a small generated district.
    liangxin::demo::generate(&mut src, &actor(), 300, 3).expect("generate");
    let ops = src.count("oplog").expect("count");
    eprintln!("source holds {ops} ops");
    let mut g = c.benchmark_group("sync_fresh_replica");
    g.sample_size(10);
    let mut i = 0;
    g.bench_function(format!("{ops}_ops_protocol"), |bch| {
        bch.iter_batched(
            || {
                i += 1;
                let p = dir.join(format!("dst-{i}.db"));
                let _ = std::fs::remove_file(&p);
                Store::open(&p).expect("dst")
            },
            |mut dst| {
                let wire = replica::server_answer(&mut src, BTreeMap::new());
                let s = session::sync(
                    &mut dst,
                    "src",
                    &mut wire.as_slice(),
                    &mut std::io::sink(),
                    |_, _| {},
                )
                .expect("sync");
                assert_eq!(s.received.applied as i64, ops);
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

criterion_group!(benches, one_field, ten_thousand_ops);
criterion_main!(benches);
