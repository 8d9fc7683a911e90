//! N counts what is known to operate, where it was on the day: a row from
//! the market-supervision list is pending until a survey or `org confirm`
//! says it operates; a move of street or community is dated, so a report as
//! of an earlier day still finds the organization where it was.

mod common;

use common::{Ledger, ok_as, small_ledger};
use liangxin::domain::Id;
use liangxin::store::schema::SCHEMA_VERSION;
use liangxin::store::{Actor, Store};
use liangxin::sync::{Op, Sender};
use serde_json::Value;

fn words(s: &str) -> Vec<&str> {
    s.split_whitespace().collect()
}

fn total(l: &Ledger, day: &str, street: Option<&str>) -> i64 {
    let mut args = vec!["report", "coverage", "--as-of", day, "--format", "json"];
    if let Some(s) = street {
        args.extend(["--street", s]);
    }
    l.json(&args)["total"].as_i64().expect("a total")
}

fn period(l: &Ledger, from: &str, to: &str, extra: &[&str]) -> Value {
    let mut args = vec![
        "report", "period", "--from", from, "--to", to, "--format", "json",
    ];
    args.extend(extra);
    l.json(&args)
}

fn listed(l: &Ledger, day: &str) -> Vec<String> {
    let v = l.json(&["--today", day, "org", "list", "--format", "json"]);
    v.as_array()
        .expect("a list")
        .iter()
        .map(|o| o["name"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// The small ledger with 常德新公司 imported from the registration list on 2022-05-01.
fn with_registration() -> Ledger {
    let l = small_ledger();
    let f = l.dir.path().join("reg.csv");
    std::fs::write(&f, "企业名称,登记状态\n常德甲公司,存续\n常德新公司,存续\n").expect("write");
    let out = l.ok(&[
        "--on",
        "2022-05-01",
        "import",
        f.to_str().expect("path"),
        "--street",
        "南坪街道",
    ]);
    assert!(out.contains("new 1") && out.contains("pending"), "{out}");
    l
}

#[test]
fn an_imported_registration_enters_n_on_the_day_of_its_survey() {
    let l = with_registration();
    assert_eq!(l.count("orgs"), 4);
    for day in ["2022-05-01", "2022-05-31"] {
        assert_eq!(total(&l, day, None), 3, "pending on {day}");
        assert_eq!(total(&l, day, Some("南坪街道")), 3, "pending on {day}");
    }
    assert!(!listed(&l, "2022-05-02").contains(&"常德新公司".to_string()));
    let show = l.json(&["org", "show", "常德新公司", "--format", "json"]);
    assert_eq!(show["pending"], true);
    assert!(show["verified_on"].is_null());
    // no half-year task for what is not in the ledger's N yet
    l.ok(&words("--today 2022-07-05 tasks generate"));
    let tasks = l.json(&words("--today 2022-07-05 tasks --all --format json"));
    let half_year: Vec<&Value> = tasks
        .as_array()
        .expect("a list")
        .iter()
        .filter(|t| t["kind"] == "half-year")
        .collect();
    assert_eq!(half_year.len(), 3, "{half_year:?}");
    assert!(half_year.iter().all(|t| t["org"] != "常德新公司"));

    l.ok(&words("--on 2022-06-10 survey 常德新公司"));
    assert_eq!(
        total(&l, "2022-06-09", None),
        3,
        "the day before the survey"
    );
    assert_eq!(total(&l, "2022-06-10", None), 4, "from the survey on");
    assert_eq!(total(&l, "2022-06-10", Some("南坪街道")), 4);
    assert!(listed(&l, "2022-06-10").contains(&"常德新公司".to_string()));
    assert!(!listed(&l, "2022-06-09").contains(&"常德新公司".to_string()));
    let r = period(&l, "2022-06-10", "2022-06-30", &[]);
    assert_eq!(r["coverage_start"]["total"], 3);
    assert_eq!(r["coverage_end"]["total"], 4);
    let r = period(&l, "2022-05-01", "2022-06-09", &["--street", "南坪街道"]);
    assert_eq!(r["coverage_end"]["total"], 3);
    // an earlier survey moves the day back; a later one does not
    l.ok(&words("--on 2022-06-20 survey 常德新公司"));
    l.ok(&words("--on 2022-06-05 survey 常德新公司"));
    assert_eq!(total(&l, "2022-06-05", None), 4);
    assert_eq!(total(&l, "2022-06-04", None), 3);
    l.ok(&["check"]);
}

#[test]
fn org_confirm_counts_a_registration_from_its_day_and_only_once() {
    let l = with_registration();
    l.ok(&words("--on 2022-06-01 org confirm 常德新公司"));
    assert_eq!(total(&l, "2022-05-31", None), 3);
    assert_eq!(total(&l, "2022-06-01", None), 4);
    let show = l.json(&["org", "show", "常德新公司", "--format", "json"]);
    assert_eq!(show["verified_on"], "2022-06-01");

    let before = l.counts();
    let o = l.run(&words("--on 2022-06-02 org confirm 常德新公司"));
    assert!(!o.ok, "confirmed twice");
    assert!(o.stderr.contains("2022-06-01"), "{}", o.stderr);
    let o = l.run(&words("--on 2022-06-02 org confirm 常德甲公司"));
    assert!(!o.ok, "an organization added by hand was never pending");
    assert!(
        o.stderr.contains("org") && o.stderr.contains("pending"),
        "{}",
        o.stderr
    );
    assert_eq!(o.stderr.trim().lines().count(), 1, "{}", o.stderr);
    let o = l.run(&words("org confirm 无此公司"));
    assert!(!o.ok);
    assert_eq!(l.counts(), before, "a refusal writes nothing but its audit");
    // an earlier day is taken (the row operated since then)
    l.ok(&words("--on 2022-05-20 org confirm 常德新公司"));
    assert_eq!(total(&l, "2022-05-20", None), 4);
    assert_eq!(total(&l, "2022-05-19", None), 3);
    l.ok(&["check"]);
}

/// The small ledger with a second street 丹阳街道 (community 丹阳社区) and
/// two communities in 南坪街道.
fn two_streets() -> Ledger {
    let l = small_ledger();
    for args in [
        "--on 2022-01-01 street add 丹阳街道",
        "--on 2022-01-01 community add 丹阳社区 --street 丹阳街道",
        "--on 2022-01-01 community add 北坪社区 --street 南坪街道",
    ] {
        l.ok(&words(args));
    }
    l
}

#[test]
fn a_move_of_street_is_dated_and_past_reports_keep_the_old_place() {
    let l = two_streets();
    l.ok(&words("--on 2022-06-15 survey 常德甲公司"));
    l.ok(&words(
        "--on 2022-07-01 org set 常德甲公司 street=丹阳街道 community=丹阳社区",
    ));
    l.ok(&words("--on 2022-07-15 survey 常德甲公司"));
    assert_eq!(total(&l, "2022-06-30", Some("南坪街道")), 3);
    assert_eq!(total(&l, "2022-06-30", Some("丹阳街道")), 0);
    assert_eq!(total(&l, "2022-07-01", Some("南坪街道")), 2);
    assert_eq!(total(&l, "2022-07-01", Some("丹阳街道")), 1);
    // the district's table splits the same way, and the total stays
    let by = |day: &str| -> Vec<(String, i64)> {
        let r = l.json(&["report", "coverage", "--as-of", day, "--format", "json"]);
        assert_eq!(r["total"], 3, "{day}");
        r["streets"]
            .as_array()
            .expect("streets")
            .iter()
            .map(|s| {
                (
                    s["name"].as_str().unwrap_or("").to_string(),
                    s["total"].as_i64().unwrap_or(-1),
                )
            })
            .collect()
    };
    let pair = |a: i64, b: i64| vec![("丹阳街道".to_string(), a), ("南坪街道".to_string(), b)];
    assert_eq!(by("2022-06-30"), pair(0, 3));
    assert_eq!(by("2022-07-01"), pair(1, 2));
    let community = |day: &str, c: &str| {
        let r = l.json(&[
            "report",
            "coverage",
            "--as-of",
            day,
            "--by",
            "community",
            "--format",
            "json",
        ]);
        r["communities"]
            .as_array()
            .expect("communities")
            .iter()
            .find(|g| g["name"] == c)
            .map(|g| g["total"].as_i64().unwrap_or(-1))
            .unwrap_or(-1)
    };
    assert_eq!(community("2022-06-30", "丹阳社区"), 0);
    assert_eq!(community("2022-07-01", "丹阳社区"), 1);

    // the period report: N at each end, and each survey where it was that day
    let south = period(&l, "2022-06-01", "2022-07-31", &["--street", "南坪街道"]);
    assert_eq!(south["coverage_start"]["total"], 3);
    assert_eq!(south["coverage_end"]["total"], 2);
    assert_eq!(south["surveyed"], 1, "the June survey, made in 南坪街道");
    let dan = period(&l, "2022-06-01", "2022-07-31", &["--street", "丹阳街道"]);
    assert_eq!(dan["coverage_start"]["total"], 0);
    assert_eq!(dan["coverage_end"]["total"], 1);
    assert_eq!(dan["surveyed"], 1, "the July survey, made in 丹阳街道");

    // moves are entered in date order: one dated before the last is refused
    let before = l.counts();
    let o = l.run(&words("--on 2022-06-20 org set 常德甲公司 street=南坪街道"));
    assert!(!o.ok);
    assert!(
        o.stderr.contains("2022-07-01") && o.stderr.contains("on"),
        "{}",
        o.stderr
    );
    assert_eq!(l.counts(), before);
    // a second move the same day replaces the first
    l.ok(&words(
        "--on 2022-07-01 org set 常德甲公司 street=南坪街道 community=北坪社区",
    ));
    assert_eq!(total(&l, "2022-07-01", Some("丹阳街道")), 0);
    assert_eq!(community("2022-07-01", "北坪社区"), 1);
    assert_eq!(
        community("2022-06-30", "北坪社区"),
        0,
        "it had no community before"
    );
    l.ok(&["check"]);

    // deleted, it counts in neither street on any day
    l.ok(&words("org delete 常德甲公司"));
    assert_eq!(total(&l, "2022-06-30", Some("南坪街道")), 2);
    assert_eq!(total(&l, "2022-07-01", Some("南坪街道")), 2);
    assert_eq!(total(&l, "2022-07-01", Some("丹阳街道")), 0);
}

#[test]
fn a_community_filled_in_is_no_move_but_a_change_of_community_is() {
    let l = two_streets();
    l.ok(&words(
        "--on 2022-08-01 org set 常德乙公司 community=南坪社区",
    ));
    assert_eq!(l.count("org_places"), 0, "where it always was");
    let c = |from: &str, to: &str, community: &str| {
        period(&l, from, to, &["--community", community])["coverage_end"]["total"]
            .as_i64()
            .expect("a total")
    };
    assert_eq!(c("2022-01-01", "2022-03-31", "南坪社区"), 1);
    l.ok(&words(
        "--on 2022-09-01 org set 常德乙公司 community=北坪社区",
    ));
    assert_eq!(c("2022-08-01", "2022-08-31", "南坪社区"), 1);
    assert_eq!(c("2022-08-01", "2022-08-31", "北坪社区"), 0);
    assert_eq!(c("2022-09-01", "2022-09-30", "南坪社区"), 0);
    assert_eq!(c("2022-09-01", "2022-09-30", "北坪社区"), 1);
    assert_eq!(
        c("2022-01-01", "2022-03-31", "南坪社区"),
        1,
        "before the move"
    );
    l.ok(&["check"]);
}

fn actor(user: &str) -> Actor {
    Actor {
        os_user: user.into(),
        name: user.into(),
        office: String::new(),
        via: None,
    }
}

#[test]
fn a_street_user_syncs_moves_in_the_street_but_writes_no_other_streets_past() {
    let s = common::two_street_server();
    ok_as(&s, "boss", &words("community add 甲一社区 --street 甲街道"));
    ok_as(&s, "boss", &words("community add 甲二社区 --street 甲街道"));
    ok_as(
        &s,
        "boss",
        &words("--on 2022-01-01 org add --name 甲某公司 --street 甲街道 --community 甲一社区"),
    );
    let laptop = Ledger::new();
    laptop.ok(&["sync", "clone", s.db.to_str().expect("path")]);
    ok_as(
        &laptop,
        "alice",
        &words("--on 2022-07-01 org set 甲某公司 community=甲二社区"),
    );
    let o = common::run_as(&laptop, "alice", &["sync", s.db.to_str().expect("path")]);
    assert!(
        o.ok && !o.stderr.contains("refused"),
        "{}\n{}",
        o.stdout,
        o.stderr
    );
    assert_eq!(s.count("org_places"), 2);
    let community = |day: &str| -> Vec<(String, i64)> {
        let r = s.json(&[
            "report",
            "coverage",
            "--as-of",
            day,
            "--by",
            "community",
            "--format",
            "json",
        ]);
        r["communities"]
            .as_array()
            .expect("communities")
            .iter()
            .map(|g| {
                (
                    g["name"].as_str().unwrap_or("").to_string(),
                    g["total"].as_i64().unwrap_or(-1),
                )
            })
            .filter(|(_, n)| *n > 0)
            .collect()
    };
    assert_eq!(community("2022-06-30"), vec![("甲一社区".to_string(), 1)]);
    assert_eq!(community("2022-07-01"), vec![("甲二社区".to_string(), 1)]);
    s.ok(&["check"]);

    // A forged place row putting her organization's past in 乙街道 is refused.
    let conn = s.conn();
    let id = |sql: &str| -> String { conn.query_row(sql, [], |r| r.get(0)).expect(sql) };
    let org = id("SELECT id FROM orgs WHERE name = '甲某公司'");
    let other = id("SELECT id FROM streets WHERE name = '乙街道'");
    let (site, row) = (Id::new().0, Id::new().0);
    let ops: Vec<Op> = [
        ("org_id", format!("\"{org}\"")),
        ("street_id", format!("\"{other}\"")),
        ("from_on", "\"2021-01-01\"".to_string()),
    ]
    .into_iter()
    .enumerate()
    .map(|(i, (field, value))| Op {
        site: site.clone(),
        seq: i as i64 + 1,
        hlc: i as i64 + 1,
        tbl: "org_places".into(),
        row: row.clone(),
        field: field.into(),
        value: Some(value),
        schema: SCHEMA_VERSION,
        supersedes: None,
        actor: None,
        refused: None,
    })
    .collect();
    let mut store = Store::open(&s.db).expect("open");
    let from_alice = Sender {
        actor: Some(actor("alice")),
        site: Some(site),
        via: "sync",
    };
    let rep = store.receive(&from_alice, &ops).expect("receive");
    assert_eq!((rep.applied, rep.refused), (0, 3), "{:?}", rep.refusals);
    assert_eq!(s.count("org_places"), 2, "the forged row is in no table");
    drop(store);
    s.ok(&["check"]);
}

#[test]
fn concurrent_moves_merge_and_the_answer_to_the_conflict_is_where_it_is() {
    let server = two_streets();
    server.ok(&words("--on 2022-01-01 street add 武陵街道"));
    let laptop = Ledger::new();
    laptop.ok(&["sync", "clone", server.db.to_str().expect("path")]);
    server.ok(&words("--on 2022-07-01 org set 常德甲公司 street=丹阳街道"));
    laptop.ok(&words("--on 2022-08-01 org set 常德甲公司 street=武陵街道"));
    laptop.ok(&["sync", server.db.to_str().expect("path")]);
    let list = laptop.json(&["conflicts", "--format", "json"]);
    let c = list
        .as_array()
        .expect("a list")
        .iter()
        .find(|c| c["field"] == "street_id")
        .unwrap_or_else(|| panic!("no conflict on the street: {list}"))
        .clone();
    laptop.ok(&["check"]);
    // each side's move stays dated: June in 南坪, July where the server moved it
    assert_eq!(total(&laptop, "2022-06-30", Some("南坪街道")), 3);
    assert_eq!(total(&laptop, "2022-07-15", Some("丹阳街道")), 1);

    let danyang: String = laptop
        .conn()
        .query_row(
            "SELECT id FROM streets WHERE name = '丹阳街道'",
            [],
            |r| r.get(0),
        )
        .expect("street");
    let id = c["id"].as_str().expect("an id");
    laptop.ok(&["conflicts", "resolve", id, "--value", &danyang]);
    laptop.ok(&["sync", server.db.to_str().expect("path")]);
    for l in [&laptop, &server] {
        assert_eq!(total(l, "2022-09-01", Some("丹阳街道")), 1);
        assert_eq!(total(l, "2022-09-01", Some("武陵街道")), 0);
        assert_eq!(total(l, "2022-06-30", Some("南坪街道")), 3);
        l.ok(&["check"]);
    }
    assert_eq!(
        laptop.ok(&["export", "--format", "json"]),
        server.ok(&["export", "--format", "json"])
    );
}
