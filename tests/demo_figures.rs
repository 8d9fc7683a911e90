//! The article's figures, computed from the demo database through the same
//! reports a cadre runs. Nothing here is a stored constant: the last test
//! removes a coverage link and sees the figures move.

mod common;

use std::collections::HashSet;

use common::Ledger;
use serde_json::Value;

fn demo() -> Ledger {
    let l = Ledger::new();
    l.ok(&["demo", "--no-tui"]);
    l
}

fn pct(v: &Value) -> i64 {
    (v.as_f64().expect("rate") * 100.0).round() as i64
}

fn period(l: &Ledger, from: &str, to: &str, street: Option<&str>) -> Value {
    let mut args = vec!["report", "period", "--from", from, "--to", to, "--format", "json"];
    if let Some(s) = street {
        args.extend(["--street", s]);
    }
    l.json(&args)
}

#[test]
fn april_to_september_65_new_party_orgs_189_covered_56_to_77() {
    let l = demo();
    let r = period(&l, "2022-04-01", "2022-09-30", None);
    assert_eq!(r["new_party_orgs"], 65);
    assert_eq!(r["new_party_orgs_cover"], 189);
    assert_eq!(r["newly_covered"], 189);
    assert_eq!(pct(&r["coverage_start"]["rate"]), 56);
    assert_eq!(pct(&r["coverage_end"]["rate"]), 77);
    assert_eq!(r["coverage_start"]["as_of"], "2022-03-31");
    let total = r["coverage_end"]["total"].as_i64().unwrap();
    assert!((850..=950).contains(&total), "about 900 organizations: {total}");
    // most new branches are joint: about 2.9 organizations each
    assert!(r["new_party_orgs_by_mode"]["joint"].as_i64().unwrap() > 40);
    let text = l.ok(&["--lang", "zh", "report", "period", "--from", "2022-04-01", "--to", "2022-09-30"]);
    assert!(
        text.contains("4-9月份，全区新建党组织65个，覆盖两新组织189家，党组织覆盖率从56%提升到77%。"),
        "{text}"
    );
    let en = l.ok(&["report", "period", "--from", "2022-04-01", "--to", "2022-09-30"]);
    assert!(en.contains("April–September: 65 new party organizations"), "{en}");
}

#[test]
fn coverage_report_agrees_with_a_count_made_another_way() {
    let l = demo();
    let conn = l.conn();
    for day in ["2022-03-31", "2022-09-30"] {
        let r = l.json(&["report", "coverage", "--as-of", day, "--format", "json"]);
        // Count in Rust from the raw rows: operating organizations with a link in force
        // to a party organization that exists on the day.
        let mut stmt = conn
            .prepare(
                "SELECT l.org_id, l.from_on, l.to_on, p.founded_on, p.dissolved_on FROM links l
                 JOIN party_orgs p ON p.id = l.party_org_id",
            )
            .unwrap();
        let in_force = |from: &str, to: Option<String>| from <= day && to.is_none_or(|t| t.as_str() > day);
        let covered: HashSet<String> = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, Option<String>>(4)?,
                ))
            })
            .unwrap()
            .filter_map(Result::ok)
            .filter(|(_, f, t, pf, pd)| in_force(f, t.clone()) && in_force(pf, pd.clone()))
            .map(|x| x.0)
            .collect();
        let operating: HashSet<String> = conn
            .prepare("SELECT id, entered_on, closed_on FROM orgs")
            .unwrap()
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, Option<String>>(2)?)))
            .unwrap()
            .filter_map(Result::ok)
            .filter(|(_, e, c)| in_force(e, c.clone()))
            .map(|x| x.0)
            .collect();
        let n = covered.intersection(&operating).count() as i64;
        assert_eq!(r["covered"].as_i64(), Some(n), "{day}");
        assert_eq!(r["total"].as_i64(), Some(operating.len() as i64), "{day}");
        let by_street: i64 = r["streets"].as_array().unwrap().iter().map(|s| s["covered"].as_i64().unwrap()).sum();
        assert_eq!(by_street, n);
        assert_eq!(r["streets"].as_array().unwrap().len(), 11);
    }
}

#[test]
fn nanping_july_to_september_first_time_hires_and_the_wanda_building_branch() {
    let l = demo();
    let r = period(&l, "2022-07-01", "2022-09-30", Some("南坪街道"));
    let hires = r["no_member_hires"].as_array().unwrap();
    assert_eq!(hires.len(), 7, "{hires:?}");
    for h in hires {
        assert_eq!(h["mode"], "joint", "{h}");
        let days = h["days"].as_i64().unwrap();
        assert!((0..=7).contains(&days), "brought in at once: {h}");
    }
    assert_eq!(r["new_party_orgs_by_mode"]["building"], 1);
    let (name, building, founded): (String, String, String) = l
        .conn()
        .query_row(
            "SELECT p.name, b.name, p.founded_on FROM party_orgs p JOIN buildings b ON b.id = p.building_id
             JOIN streets s ON s.id = p.street_id
             WHERE p.mode = 'building' AND s.name = '南坪街道' AND p.founded_on BETWEEN '2022-07-01' AND '2022-09-30'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(building, "万达写字楼", "{name} {founded}");
}

#[test]
fn danyang_nine_surveyed_and_new_instructors_by_source() {
    let l = demo();
    let r = period(&l, "2022-07-01", "2022-09-30", Some("丹阳街道"));
    assert_eq!(r["surveyed"], 9);
    assert_eq!(r["first_surveyed"], 9);
    let a = &r["instructors_assigned"];
    assert_eq!(a["retired"], 1);
    assert_eq!(a["district-dept"], 2);
    assert!(a["street"].as_i64().unwrap() >= 1 && a["community"].as_i64().unwrap() >= 1, "{a}");
    // the district cadres are matched to the organizations' business
    let conn = l.conn();
    let mut stmt = conn
        .prepare(
            "SELECT i.industry, o.industry FROM assignments a JOIN instructors i ON i.id = a.instructor_id
             JOIN orgs o ON o.id = a.org_id WHERE i.source = 'district-dept' AND a.from_on >= '2022-07-01'",
        )
        .unwrap();
    let pairs: Vec<(String, String)> =
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().filter_map(Result::ok).collect();
    assert!(!pairs.is_empty());
    for (i, o) in pairs {
        assert_eq!(i, o);
    }
}

#[test]
fn last_three_months_21_transfers_and_25_activists_in_18_small_enterprises() {
    let l = demo();
    let r = period(&l, "2022-07-01", "2022-09-30", None);
    assert_eq!(r["transfers_from_residence"], 21);
    assert_eq!(r["activist_managers"], 25);
    assert_eq!(r["activist_manager_enterprises"], 18);
    assert!(r["activists"].as_i64().unwrap() >= 25);
}

#[test]
fn the_demo_pins_its_date_and_removing_a_link_moves_the_figures() {
    let l = demo();
    let v = l.json(&["report", "coverage", "--format", "json"]);
    assert_eq!(v["as_of"], "2022-09-30", "the demo's today");
    // Take one organization out of a branch founded in the period.
    let (branch, org): (String, String) = l
        .conn()
        .query_row(
            "SELECT p.id, l.org_id FROM party_orgs p JOIN links l ON l.party_org_id = p.id
             WHERE p.mode = 'joint' AND p.founded_on BETWEEN '2022-04-01' AND '2022-08-31' LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    l.ok(&["--on", "2022-09-15", "branch", "uncover", &branch, &org]);
    let r = period(&l, "2022-04-01", "2022-09-30", None);
    assert_eq!(r["newly_covered"], 188);
    assert_eq!(r["new_party_orgs_cover"], 188);
    assert_eq!(r["coverage_end"]["covered"], 692);
    let v = l.json(&["report", "coverage", "--format", "json"]);
    assert_eq!(v["covered"], 692);
}

#[test]
fn demo_refuses_to_replace_a_real_ledger() {
    let l = common::small_ledger();
    let before = l.counts();
    let o = l.run(&["demo", "--no-tui", "--reset"]);
    assert!(!o.ok);
    assert!(o.stderr.contains("not a demo database"), "{}", o.stderr);
    assert_eq!(l.counts(), before);
}
