//! `report coverage` on a synthetic district of 100,000 organizations,
//! beside one plain SQL statement that counts the same groups.
//! The database is generated once and kept under target/bench-data.

mod common;

use common::{ORGS, district};
use criterion::{Criterion, criterion_group, criterion_main};
use liangxin::domain::Date;
use liangxin::report::coverage::{self, By};

fn bench(c: &mut Criterion) {
    let store = district();
    let day = Date::parse("as-of", "2022-09-30").expect("date");
    let r = coverage::compute(store.conn(), day, By::Street).expect("report");
    assert_eq!(r.counts.total as usize, ORGS);
    let mut g = c.benchmark_group("report_coverage_100k");
    g.sample_size(20);
    g.bench_function("by_street", |b| {
        b.iter(|| coverage::compute(store.conn(), day, By::Street).expect("report"))
    });
    g.bench_function("by_community", |b| {
        b.iter(|| coverage::compute(store.conn(), day, By::Community).expect("report"))
    });
    // The anchor: one plain SQL statement counting, per street and kind, the
    // organizations in N and how they are covered, on the same connection.
    // It does less than the report (no places over time, no registration
    // status), so the report is held to at most this.
    g.bench_function("raw_sql_by_street", |b| {
        b.iter(|| {
            let mut stmt = store.conn().prepare_cached(RAW).expect("prepare");
            let rows = stmt
                .query_map([day.to_string()], |r| r.get::<_, i64>(2))
                .expect("query")
                .map(|n| n.expect("row"))
                .sum::<i64>();
            assert_eq!(rows as usize, r.counts.total as usize);
        })
    });
    g.finish();
}

const RAW: &str = "
WITH cov AS (
  SELECT l.org_id AS org_id,
         MIN(CASE p.mode WHEN 'standalone' THEN 0 WHEN 'building' THEN 1 ELSE 2 END) AS rank
  FROM links l JOIN party_orgs p ON p.id = l.party_org_id
  WHERE l.deleted = 0 AND p.deleted = 0 AND l.from_on <= ?1 AND (l.to_on IS NULL OR l.to_on > ?1)
    AND p.founded_on <= ?1 AND (p.dissolved_on IS NULL OR p.dissolved_on > ?1)
  GROUP BY l.org_id),
ins AS (SELECT DISTINCT org_id FROM assignments
        WHERE deleted = 0 AND from_on <= ?1 AND (to_on IS NULL OR to_on > ?1)),
mem AS (SELECT DISTINCT org_id FROM persons
        WHERE deleted = 0 AND status IN ('formal', 'probationary'))
SELECT o.street_id, o.kind = 'enterprise', COUNT(*), SUM(cov.org_id IS NOT NULL),
       SUM(cov.rank = 0), SUM(ins.org_id IS NOT NULL), SUM(mem.org_id IS NOT NULL)
FROM orgs o LEFT JOIN cov ON cov.org_id = o.id LEFT JOIN ins ON ins.org_id = o.id
  LEFT JOIN mem ON mem.org_id = o.id
WHERE o.deleted = 0 AND (o.entered_on IS NULL OR o.entered_on <= ?1)
  AND (o.closed_on IS NULL OR o.closed_on > ?1) AND (o.pending = 0 OR o.verified_on <= ?1)
GROUP BY 1, 2";

criterion_group!(benches, bench);
criterion_main!(benches);
