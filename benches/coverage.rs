//! `report coverage` on a synthetic district of 100,000 organizations.
//! The database is generated once and kept under target/bench-data.

mod district;

use criterion::{Criterion, criterion_group, criterion_main};
use district::{ORGS, district};
use liangxin::domain::Date;
use liangxin::report::coverage::{self, By};

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
