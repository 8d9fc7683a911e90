//! `report coverage` on a synthetic district of 100,000 organizations.
//! The database is generated once and kept under target/bench-data.

use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use liangxin::domain::Date;
use liangxin::report::coverage::{self, By};
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
    let t = std::time::Instant::now();
    liangxin::demo::generate(&mut store, &actor, ORGS, 1).expect("generate district");
    eprintln!("generated {ORGS} organizations in {:?}", t.elapsed());
    store
}

fn bench(c: &mut Criterion) {
    let store = district();
    let day = Date::parse("as-of", "2022-09-30").expect("date");
    let r = coverage::compute(store.conn(), day, By::Street).expect("report");
    assert_eq!(r.counts.total as usize, ORGS);
    let mut g = c.benchmark_group("report_coverage_100k");
    g.sample_size(20);
    g.bench_function("by_street", |b| b.iter(|| coverage::compute(store.conn(), day, By::Street).expect("report")));
    g.bench_function("by_community", |b| {
        b.iter(|| coverage::compute(store.conn(), day, By::Community).expect("report"))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
