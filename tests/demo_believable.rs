//! The demo district reads like a real one: communities sit in their own
//! street, social groups are named like social groups, and the morning
//! checklist of the demo's today holds a handful of September's first-time
//! alerts over the backlog. (The article's figures: `demo_figures.rs`.)

mod common;

use std::collections::{BTreeMap, HashSet};

use common::Ledger;
use liangxin::demo::names::{COMMUNITIES, STREETS};

fn demo() -> Ledger {
    let l = Ledger::new();
    l.ok(&["demo", "--no-tui"]);
    l
}

fn rows(l: &Ledger, sql: &str) -> Vec<(String, String)> {
    let conn = l.conn();
    let mut stmt = conn.prepare(sql).unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn every_community_sits_in_the_street_that_contains_it() {
    let l = demo();
    // the data's own table: community → street
    let mut table: BTreeMap<&str, &str> = BTreeMap::new();
    for (street, communities) in STREETS.iter().zip(COMMUNITIES) {
        for c in communities {
            assert!(
                table.insert(c, street).is_none(),
                "{c} is listed under two streets"
            );
        }
    }
    let got = rows(
        &l,
        "SELECT c.name, s.name FROM communities c JOIN streets s ON s.id = c.street_id",
    );
    assert_eq!(got.len(), table.len(), "{got:?}");
    for (community, street) in &got {
        assert_eq!(
            table.get(community.as_str()).copied(),
            Some(street.as_str()),
            "{community} is not {street}'s"
        );
        // a community named after a street is in that street (芙蓉社区 in 芙蓉街道)
        for s in STREETS {
            let short = s.trim_end_matches("街道");
            if community.starts_with(short) {
                assert_eq!(street, s, "{community}");
            }
        }
    }
    // and an organization's community is one of its street's
    let misplaced = rows(
        &l,
        "SELECT o.name, c.name FROM orgs o JOIN communities c ON c.id = o.community_id
         WHERE c.street_id <> o.street_id",
    );
    assert!(misplaced.is_empty(), "{misplaced:?}");
}

#[test]
fn social_groups_are_named_like_social_groups() {
    let l = demo();
    let names: Vec<String> = rows(
        &l,
        "SELECT name, kind FROM orgs WHERE kind = 'social-group' ORDER BY name",
    )
    .into_iter()
    .map(|r| r.0)
    .collect();
    assert!(names.len() > 30, "{names:?}");
    // the words of a company's name, not of an association's
    let shop = [
        "商贸", "管理", "科技", "咨询", "传媒", "工程", "制造", "家政", "有限", "公司",
    ];
    for n in &names {
        assert!(!shop.iter().any(|w| n.contains(w)), "{n}");
        assert!(
            ["协会", "商会", "学会", "研究会"]
                .iter()
                .any(|s| n.ends_with(s)),
            "{n}"
        );
    }
    let all = rows(&l, "SELECT name, id FROM orgs");
    let distinct: HashSet<&str> = all.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(distinct.len(), all.len(), "two organizations share a name");
}

/// As of the demo's today (2022-09-30) the checklist opens on a handful of
/// first-time alerts, all raised in September, with a backlog behind them.
#[test]
fn the_demo_day_has_a_handful_of_september_first_time_alerts() {
    let l = demo();
    let all = l.json(&["alerts", "--format", "json"]);
    let all = all.as_array().unwrap();
    let first: Vec<_> = all.iter().filter(|a| a["group"] == "first-time").collect();
    assert!(
        (5..=30).contains(&first.len()),
        "{} first-time: {first:?}",
        first.len()
    );
    for a in &first {
        let raised = a["raised_on"].as_str().unwrap();
        assert!(
            ("2022-09-01"..="2022-09-30").contains(&raised),
            "raised outside September: {a}"
        );
    }
    let rules: HashSet<&str> = first.iter().map(|a| a["rule"].as_str().unwrap()).collect();
    assert!(rules.len() >= 2, "more than one kind of event: {rules:?}");
    let backlog = all.iter().filter(|a| a["group"] == "backlog").count();
    assert!(
        backlog > first.len(),
        "history to work through: {backlog} backlog"
    );
}
