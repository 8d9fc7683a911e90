//! Deriving the alerts (loading the dated facts, running every rule, joining
//! the decisions and names) on a synthetic district of 100,000 organizations:
//! the full listing, and the counts the app's pane shows.
//! Reads only: the shared bench database is not changed.

mod common;

use common::district;
use criterion::{Criterion, criterion_group, criterion_main};
use liangxin::config::Alerts;
use liangxin::domain::Date;
use liangxin::store::alerts;

fn bench(c: &mut Criterion) {
    let store = district();
    let day = Date::parse("today", "2022-09-30").expect("date");
    let limits = Alerts::default();
    let found = alerts::findings(store.conn(), &limits, day).expect("findings");
    assert!(!found.is_empty());
    let mut g = c.benchmark_group("alerts_100k");
    g.sample_size(10);
    g.bench_function("evaluate", |b| {
        b.iter(|| {
            let f = alerts::AlertFilter::default();
            alerts::list(store.conn(), day, &limits, &f).expect("list")
        })
    });
    // What the app's alerts pane asks for: each group counted, rows for the
    // first-time group only.
    g.bench_function("pane_tally", |b| {
        b.iter(|| {
            alerts::tally(
                store.conn(),
                day,
                &limits,
                liangxin::domain::kinds::AlertGroup::FirstTime,
            )
            .expect("tally")
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
