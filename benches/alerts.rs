//! Evaluating every alert rule (loading the dated facts, running the rules,
//! planning the writes) on a synthetic district of 100,000 organizations.
//! Reads only: the shared bench database is not changed.

use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use liangxin::config::Alerts;
use liangxin::domain::Date;
use liangxin::store::alerts;
use liangxin::store::{Actor, Store};

const ORGS: usize = 100_000;

fn district() -> Store {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bench-data");
    let path = dir.join(format!("gen-{ORGS}-v2.db"));
    if let Ok(store) = Store::open(&path) {
        if store.meta("generated").ok().flatten().is_some() {
            return store;
        }
    }
    let _ = std::fs::remove_file(&path);
    let mut store = Store::open(&path).expect("open bench database");
    let actor = Actor::from_env("bench", "district");
    liangxin::demo::generate(&mut store, &actor, ORGS, 1).expect("generate district");
    store
}

fn bench(c: &mut Criterion) {
    let store = district();
    let day = Date::parse("today", "2022-09-30").expect("date");
    let limits = Alerts::default();
    let found = alerts::findings(store.conn(), &limits, day).expect("findings");
    assert!(!found.findings.is_empty());
    let mut g = c.benchmark_group("alerts_100k");
    g.sample_size(10);
    g.bench_function("evaluate", |b| {
        b.iter(|| {
            let f = alerts::findings(store.conn(), &limits, day).expect("findings");
            alerts::plan(store.conn(), &f, day).expect("plan")
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
