//! The alerts pane counts each group without building a row per alert
//! (`store::alerts::tally`). Its counts and rows must be the listing's: the
//! open alerts of each group, the oldest's age, and the first-time group's
//! rows in the listing's order, on the demo district, before and after a
//! snooze and a dismissal.

mod common;

use std::collections::HashMap;

use liangxin::config::Alerts as Limits;
use liangxin::domain::Date;
use liangxin::domain::kinds::AlertGroup;
use liangxin::store::alerts::{self, AlertFilter, AlertRow};
use liangxin::store::{Actor, Store};

fn demo(path: &std::path::Path) -> Date {
    let mut store = Store::open(path).expect("open");
    let actor = Actor {
        os_user: "cadre".into(),
        name: "测试员".into(),
        office: "party".into(),
        via: None,
    };
    liangxin::demo::build(&mut store, &actor).expect("demo");
    store.pinned_today().expect("today").expect("pinned")
}

/// The pane's figures as the full listing gives them.
fn from_listing(rows: &[AlertRow]) -> (HashMap<AlertGroup, (usize, i64)>, Vec<String>) {
    let mut counts: HashMap<AlertGroup, (usize, i64)> = HashMap::new();
    for a in rows.iter().filter(|a| a.is_open()) {
        let c = counts.entry(a.group).or_default();
        c.0 += 1;
        c.1 = c.1.max(a.age_days);
    }
    let first = rows
        .iter()
        .filter(|a| a.is_open() && a.group == AlertGroup::FirstTime)
        .map(|a| a.id.clone())
        .collect();
    (counts, first)
}

fn agrees(store: &Store, today: Date, l: &Limits) -> usize {
    let listed = alerts::list(store.conn(), today, l, &AlertFilter::default()).expect("list");
    let (want, first) = from_listing(&listed);
    let got = alerts::tally(store.conn(), today, l, AlertGroup::FirstTime).expect("tally");
    for g in AlertGroup::ALL {
        let t = got.counts.get(g).copied().unwrap_or_default();
        let w = want.get(g).copied().unwrap_or_default();
        assert_eq!((t.open, t.oldest_days), w, "{g:?} on {today}");
    }
    let ids: Vec<String> = got.rows.iter().map(|a| a.id.clone()).collect();
    assert_eq!(ids, first, "first-time rows on {today}");
    listed.iter().filter(|a| a.is_open()).count()
}

#[test]
fn the_pane_tally_is_the_listing_counted() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("demo.db");
    let today = demo(&path);
    let l = Limits::default();
    let store = Store::open(&path).expect("open");
    let open = agrees(&store, today, &l);
    assert!(open > 10, "the demo has open alerts to count: {open}");
    let later = today.add_days(200);
    agrees(&store, later, &l);

    // a snooze and a dismissal leave the open counts, in both
    let listed = alerts::list(store.conn(), today, &l, &AlertFilter::default()).expect("list");
    let mut open_ids = listed.iter().filter(|a| a.is_open()).map(|a| a.id.clone());
    let (a, b) = (
        open_ids.next().expect("an open alert"),
        open_ids.next().expect("a second"),
    );
    let home = dir.path().join("home");
    let day = today.to_string();
    let until = today.add_days(30).to_string();
    for args in [
        vec![
            "--today", &day, "--on", &day, "alert", "snooze", &a, "--until", &until,
        ],
        vec![
            "--today",
            &day,
            "--on",
            &day,
            "alert",
            "dismiss",
            &b,
            "--reason",
            "已核实",
        ],
    ] {
        let out = common::run_with(&path, &home, &args);
        assert!(out.ok, "{args:?}: {}", out.stderr);
    }
    let store = Store::open(&path).expect("open");
    assert_eq!(agrees(&store, today, &l), open - 2);
}
