//! Turnover and people: a member who leaves or moves, an instructor's
//! assignment that ends and an organization that closes change the figures
//! from their day on (not before); floating members, legal representatives
//! who are members and development candidates are recorded and counted; bad
//! values are refused in one line with nothing written.

mod common;

use common::{Ledger, small_ledger};
use liangxin::domain::Date;
use liangxin::store::{Actor, Store, resolve};
use liangxin::tui::form::FormKind;
use liangxin::tui::forms::{self, Saved};
use serde_json::Value;

/// A command line written as one string (no argument holds a space).
fn words(s: &str) -> Vec<&str> {
    s.split(' ').collect()
}

fn coverage(l: &Ledger, day: &str) -> Value {
    l.json(&["report", "coverage", "--as-of", day, "--format", "json"])
}

fn org(l: &Ledger, today: &str, name: &str) -> Value {
    l.json(&["--today", today, "org", "show", name, "--format", "json"])
}

/// Every alert of a rule (all states) about organization `name`, as of `today`.
fn alerts(l: &Ledger, today: &str, rule: &str, name: &str) -> Vec<Value> {
    let id = org(l, today, name)["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let v = l.json(&[
        "--today", today, "alerts", "--rule", rule, "--all", "--format", "json",
    ]);
    v.as_array()
        .expect("a list")
        .iter()
        .filter(|a| a["org_id"] == id.as_str())
        .cloned()
        .collect()
}

/// (raised_on, resolved_on) of each alert, by raised day.
fn episodes(v: &[Value]) -> Vec<(String, Option<String>)> {
    let mut out: Vec<_> = v
        .iter()
        .map(|a| {
            (
                a["raised_on"].as_str().unwrap_or_default().to_string(),
                a["resolved_on"].as_str().map(str::to_string),
            )
        })
        .collect();
    out.sort();
    out
}

fn s(x: &str) -> String {
    x.to_string()
}

/// The command fails with one line that names `field`, and writes nothing.
fn refused(l: &Ledger, args: &[&str], field: &str) {
    let before = l.counts();
    let o = l.run(args);
    assert!(!o.ok, "{args:?} was accepted:\n{}", o.stdout);
    let lines: Vec<&str> = o.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{args:?}: not one line:\n{}", o.stderr);
    assert!(
        lines[0].starts_with("error: ") && lines[0].contains(&format!("field {field} ")),
        "{args:?}: {}",
        o.stderr
    );
    assert_eq!(l.counts(), before, "{args:?} wrote something");
}

#[test]
fn a_member_who_leaves_stops_counting_from_the_leave_day() {
    let l = small_ledger();
    l.ok(&words(
        "--on 2022-02-01 person add --org 常德甲公司 --name 王伟 --status formal --hired-on 2022-02-01",
    ));
    let with_members = |day: &str| coverage(&l, day)["not_covered_with_members"].clone();
    assert_eq!(with_members("2022-03-31"), 1);
    l.ok(&words("--on 2022-04-01 person leave 王伟 --reason 辞职"));
    // the day before the leave still counts the member; the leave day does not
    assert_eq!(with_members("2022-03-31"), 1);
    assert_eq!(with_members("2022-04-01"), 0);
    assert_eq!(org(&l, "2022-03-31", "常德甲公司")["members"], 1);
    assert_eq!(org(&l, "2022-04-01", "常德甲公司")["members"], 0);
    // history stays: the row, the day and the reason
    let p = &org(&l, "2022-04-01", "常德甲公司")["persons"][0];
    assert_eq!(p["name"], "王伟");
    assert_eq!(p["left_on"], "2022-04-01");
    assert_eq!(p["leave_reason"], "辞职");
    assert_eq!(l.count("persons"), 1);
    // the hire's alert ends on the leave day: nobody is left to bring in
    assert_eq!(
        episodes(&alerts(&l, "2022-04-10", "new_member_hire", "常德甲公司")),
        vec![(s("2022-02-01"), Some(s("2022-04-01")))]
    );
    // not in today's list any more, but in --all
    let now = l.json(&[
        "--today",
        "2022-04-10",
        "person",
        "list",
        "--format",
        "json",
    ]);
    assert_eq!(now.as_array().map(Vec::len), Some(0));
    let all = l.json(&[
        "--today",
        "2022-04-10",
        "person",
        "list",
        "--all",
        "--format",
        "json",
    ]);
    assert_eq!(all[0]["left_on"], "2022-04-01");
    // with nobody left, the next member hired is a no-member enterprise's first hire
    l.ok(&words(
        "--on 2022-06-01 person add --org 常德甲公司 --name 李娜 --status formal --hired-on 2022-06-01",
    ));
    assert_eq!(
        first_hires(&l, "2022-06-01", "2022-06-30"),
        vec![s("常德甲公司")]
    );
}

/// The organizations `report period` lists as no-member enterprises that hired a member.
fn first_hires(l: &Ledger, from: &str, to: &str) -> Vec<String> {
    let v = l.json(&[
        "report", "period", "--from", from, "--to", to, "--format", "json",
    ]);
    v["no_member_hires"]
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|h| h["org"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn a_move_is_a_new_hire_at_the_new_employer() {
    let l = small_ledger();
    l.ok(&words(
        "--on 2022-02-01 branch found --name 联合支部 --mode joint --covers 常德乙公司,常德丙公司",
    ));
    l.ok(&words(
        "--on 2022-03-01 person add --org 常德乙公司 --name 王伟 --status formal --hired-on 2022-03-01",
    ));
    assert!(alerts(&l, "2022-05-01", "new_member_hire", "常德甲公司").is_empty());
    l.ok(&words("--on 2022-05-10 person move 王伟 --to 常德甲公司"));
    // near miss: the day before the move nothing is raised
    assert!(alerts(&l, "2022-05-09", "new_member_hire", "常德甲公司").is_empty());
    let a = alerts(&l, "2022-05-11", "new_member_hire", "常德甲公司");
    assert_eq!(episodes(&a), vec![(s("2022-05-10"), None)]);
    assert_eq!(a[0]["due_on"], "2022-05-17");
    // the member counts at the old employer before the day, at the new one from it
    assert_eq!(org(&l, "2022-05-09", "常德乙公司")["members"], 1);
    assert_eq!(org(&l, "2022-05-09", "常德甲公司")["members"], 0);
    assert_eq!(org(&l, "2022-05-10", "常德乙公司")["members"], 0);
    assert_eq!(org(&l, "2022-05-10", "常德甲公司")["members"], 1);
    assert_eq!(coverage(&l, "2022-05-09")["not_covered_with_members"], 0);
    assert_eq!(coverage(&l, "2022-05-10")["not_covered_with_members"], 1);
    assert_eq!(
        first_hires(&l, "2022-05-01", "2022-05-31"),
        vec![s("常德甲公司")]
    );
    // two rows: the old one ended by the move, the new one pointing back
    // (id, employer, hired_on, left_on, moved_from)
    type Row = (
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let rows: Vec<Row> = {
        let conn = l.conn();
        let mut st = conn
            .prepare(
                "SELECT p.id, o.name, p.hired_on, p.left_on, p.moved_from FROM persons p
                 JOIN orgs o ON o.id = p.org_id ORDER BY p.hired_on",
            )
            .unwrap();
        st.query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
    };
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].1, "常德乙公司");
    assert_eq!(rows[0].3.as_deref(), Some("2022-05-10"));
    assert_eq!(rows[1].1, "常德甲公司");
    assert_eq!(rows[1].2.as_deref(), Some("2022-05-10"));
    assert_eq!(rows[1].4.as_deref(), Some(rows[0].0.as_str()));
    // the name now means the person still employed
    l.ok(&words(
        "--on 2022-06-01 person status 王伟 --status probationary",
    ));
    let status: String = l
        .conn()
        .query_row(
            "SELECT status FROM persons WHERE id = ?1",
            [&rows[1].0],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(status, "probationary");
}

#[test]
fn ending_an_assignment_raises_instructor_missing_again() {
    let l = small_ledger();
    l.ok(&words("--on 2022-03-01 survey 常德甲公司"));
    l.ok(&words(
        "--on 2022-03-01 instructor add --name 赵强 --source retired",
    ));
    l.ok(&words("--on 2022-03-05 instructor assign 赵强 常德甲公司"));
    assert_eq!(
        episodes(&alerts(
            &l,
            "2022-05-31",
            "instructor_missing",
            "常德甲公司"
        )),
        vec![(s("2022-03-01"), Some(s("2022-03-05")))]
    );
    l.ok(&words(
        "--on 2022-06-01 instructor end 赵强 --org 常德甲公司",
    ));
    // work coverage counts the instructor up to the day before the end
    assert_eq!(coverage(&l, "2022-05-31")["instructor_only"], 1);
    assert_eq!(coverage(&l, "2022-06-01")["instructor_only"], 0);
    assert_eq!(coverage(&l, "2022-06-01")["uncovered"], 3);
    let a = alerts(&l, "2022-06-02", "instructor_missing", "常德甲公司");
    assert_eq!(
        episodes(&a),
        vec![
            (s("2022-03-01"), Some(s("2022-03-05"))),
            (s("2022-06-01"), None)
        ]
    );
    // ended once; a visit after the end is refused
    refused(
        &l,
        &words("--on 2022-06-05 instructor end 赵强 --org 常德甲公司"),
        "org",
    );
    let o = l.run(&words("--on 2022-06-05 instructor visit 赵强 常德甲公司"));
    assert!(!o.ok);
    // by id: a second assignment, ended before it began is refused
    l.ok(&words("--on 2022-06-10 instructor assign 赵强 常德甲公司"));
    let ins = org(&l, "2022-06-10", "常德甲公司")["instructors"].clone();
    let open = ins
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["to_on"].is_null())
        .expect("an open assignment");
    let id = open["id"].as_str().unwrap().to_string();
    refused(&l, &["--on", "2022-06-09", "instructor", "end", &id], "on");
    l.ok(&["--on", "2022-07-01", "instructor", "end", &id[..23]]);
    refused(
        &l,
        &["--on", "2022-07-02", "instructor", "end", &id],
        "assignment",
    );
    assert_eq!(coverage(&l, "2022-06-30")["instructor_only"], 1);
    assert_eq!(coverage(&l, "2022-07-01")["instructor_only"], 0);
}

#[test]
fn a_closed_organization_leaves_n_from_its_status_day() {
    let l = small_ledger();
    l.ok(&words(
        "--on 2022-07-01 org close 常德甲公司 --reason moved-out",
    ));
    l.ok(&words("--on 2022-08-15 org close 常德乙公司 --reason 停业"));
    let n = |day: &str| coverage(&l, day)["total"].clone();
    assert_eq!(n("2022-06-30"), 3);
    assert_eq!(n("2022-07-01"), 2);
    assert_eq!(n("2022-08-14"), 2);
    assert_eq!(n("2022-08-15"), 1);
    let a = org(&l, "2022-08-15", "常德甲公司");
    assert_eq!(a["status"], "moved-out");
    assert_eq!(a["closed_on"], "2022-07-01");
    let (status, status_on): (String, String) = l
        .conn()
        .query_row(
            "SELECT status, status_on FROM orgs WHERE name = '常德乙公司'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        (status.as_str(), status_on.as_str()),
        ("suspended", "2022-08-15")
    );
    // a status set by `org set` leaves N from its day as well
    l.ok(&words("--on 2022-09-01 org set 常德丙公司 status=revoked"));
    assert_eq!(n("2022-08-31"), 1);
    assert_eq!(n("2022-09-01"), 0);
    // a closed organization is out of today's list
    let list = l.json(&["--today", "2022-07-02", "org", "list", "--format", "json"]);
    assert_eq!(list.as_array().map(Vec::len), Some(2));
    // closed once
    refused(
        &l,
        &words("--on 2022-09-10 org close 常德甲公司 --reason deregistered"),
        "org",
    );
}

#[test]
fn floating_members_are_shown_and_counted() {
    let l = small_ledger();
    let add = |name: &str, extra: &str| {
        let line = format!(
            "--on 2022-02-01 person add --org 常德甲公司 --name {name} --status formal {extra}"
        );
        l.ok(&words(&line));
    };
    add("王伟", "--relation elsewhere --floating");
    // near misses: floating with the relation at the residence; elsewhere, not floating
    add("李娜", "--relation residence --floating");
    add("赵强", "--relation elsewhere");
    // and a floating member who leaves
    add("陈静", "--relation elsewhere --floating");
    l.ok(&words("--on 2022-05-01 person leave 陈静"));
    let floating = |day: &str| coverage(&l, day)["people"]["floating_members"].clone();
    assert_eq!(floating("2022-04-30"), 2);
    assert_eq!(floating("2022-05-01"), 1);
    let text = l.ok(&words("--today 2022-05-01 report coverage"));
    assert!(
        text.lines()
            .any(|x| x.starts_with("floating members") && x.trim_end().ends_with(" 1")),
        "{text}"
    );
    let list = l.json(&words(
        "--today 2022-05-01 person list --floating --format json",
    ));
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert_eq!(names, vec!["王伟"]);
    let show = l.ok(&words("--today 2022-05-01 org show 常德甲公司"));
    let line = show
        .lines()
        .find(|x| x.contains("王伟"))
        .unwrap_or_default();
    assert!(line.contains("floating"), "{show}");
    let line = show
        .lines()
        .find(|x| x.contains("赵强"))
        .unwrap_or_default();
    assert!(!line.contains("floating"), "{show}");
}

#[test]
fn legal_representative_is_settable_and_counted() {
    let l = small_ledger();
    let n = |day: &str| coverage(&l, day)["people"]["legal_rep_member_orgs"].clone();
    assert_eq!(n("2022-06-01"), 0);
    l.ok(&words(
        "--on 2022-06-01 org set 常德甲公司 legal_rep_member=yes",
    ));
    l.ok(&words(
        "--on 2022-06-01 org set 常德乙公司 legal_rep_member=是",
    ));
    assert_eq!(n("2022-06-01"), 2);
    assert_eq!(
        org(&l, "2022-06-01", "常德甲公司")["legal_rep_member"],
        true
    );
    l.ok(&words(
        "--on 2022-06-02 org set 常德乙公司 legal_rep_member=no",
    ));
    assert_eq!(n("2022-06-02"), 1);
    // a closed organization is not counted
    l.ok(&words(
        "--on 2022-06-03 org close 常德甲公司 --reason deregistered",
    ));
    assert_eq!(n("2022-06-03"), 0);
    refused(
        &l,
        &words("org set 常德丙公司 legal_rep_member=maybe"),
        "legal_rep_member",
    );
}

#[test]
fn a_development_candidate_is_a_status_but_not_a_member() {
    let l = small_ledger();
    l.ok(&words(
        "--on 2022-02-01 person add --org 常德甲公司 --name 王伟 --status candidate",
    ));
    l.ok(&words(
        "--on 2022-02-01 person add --org 常德甲公司 --name 李娜 --status 发展对象",
    ));
    // near miss: a probationary member is one
    l.ok(&words(
        "--on 2022-02-01 person add --org 常德乙公司 --name 赵强 --status probationary",
    ));
    assert_eq!(org(&l, "2022-03-01", "常德甲公司")["members"], 0);
    assert_eq!(org(&l, "2022-03-01", "常德乙公司")["members"], 1);
    assert_eq!(coverage(&l, "2022-03-01")["not_covered_with_members"], 1);
    assert!(alerts(&l, "2022-03-01", "new_member_hire", "常德甲公司").is_empty());
    let p = &org(&l, "2022-03-01", "常德甲公司")["persons"];
    assert!(
        p.as_array()
            .unwrap()
            .iter()
            .all(|x| x["status"] == "candidate")
    );
    // a candidate has no relation to record, and becomes a member by a status change
    refused(
        &l,
        &words("person add --org 常德甲公司 --name 陈静 --status candidate --relation residence"),
        "relation",
    );
    l.ok(&words(
        "--on 2022-04-01 person status 王伟 --status probationary",
    ));
    assert_eq!(coverage(&l, "2022-03-31")["not_covered_with_members"], 1);
    assert_eq!(coverage(&l, "2022-04-01")["not_covered_with_members"], 2);
}

#[test]
fn bad_values_are_one_line_naming_the_field_and_write_nothing() {
    let l = small_ledger();
    l.ok(&words(
        "--on 2022-03-01 person add --org 常德甲公司 --name 王伟 --status formal --hired-on 2022-03-01",
    ));
    refused(
        &l,
        &words("--on 2022-05-01 org close 常德甲公司 --reason bankrupt"),
        "reason",
    );
    refused(&l, &words("--on 2022-05-01 org close 常德甲公司"), "reason");
    refused(
        &l,
        &words("--on 2022-05-01 org close 常德甲公司 --reason active"),
        "reason",
    );
    refused(
        &l,
        &words("--on 2021-12-31 org close 常德甲公司 --reason revoked"),
        "on",
    );
    refused(&l, &words("--on 2022-02-28 person leave 王伟"), "on");
    refused(
        &l,
        &words("--on 2022-02-28 person move 王伟 --to 常德乙公司"),
        "on",
    );
    refused(
        &l,
        &words("--on 2022-04-01 person move 王伟 --to 常德甲公司"),
        "to",
    );
    l.ok(&words("--on 2022-04-01 person leave 王伟"));
    refused(&l, &words("--on 2022-05-01 person leave 王伟"), "person");
    let long = "长".repeat(201);
    l.ok(&words(
        "--on 2022-03-01 person add --org 常德乙公司 --name 李娜 --status none",
    ));
    refused(
        &l,
        &[
            "--on",
            "2022-05-01",
            "person",
            "leave",
            "李娜",
            "--reason",
            &long,
        ],
        "leave_reason",
    );
}

fn actor() -> Actor {
    Actor {
        os_user: "张".into(),
        name: "张".into(),
        office: "party".into(),
        ..Actor::default()
    }
}

#[test]
fn the_app_forms_record_a_survey_a_legal_rep_and_a_floating_member() {
    let l = small_ledger();
    let mut store = Store::open(&l.db).unwrap();
    let today = Date::parse("today", "2022-06-01").unwrap();
    // add an organization found by a survey that day
    let mut form = forms::open(store.conn(), FormKind::AddOrg, None, &[], today).unwrap();
    form.field_mut("name").unwrap().input =
        ratatui_textarea::TextArea::new(vec!["常德丁公司".to_string()]);
    form.field_mut("surveyed").unwrap().flag = true;
    form.field_mut("legal_rep_member").unwrap().flag = true;
    assert!(matches!(
        forms::save(&mut store, &actor(), &form, today, false),
        Ok(Saved::Done(_))
    ));
    let d = org(&l, "2022-06-01", "常德丁公司");
    assert_eq!(d["first_survey_on"], "2022-06-01");
    assert_eq!(d["legal_rep_member"], true);
    assert_eq!(l.count("surveys"), 1);
    assert_eq!(
        episodes(&alerts(
            &l,
            "2022-06-02",
            "instructor_missing",
            "常德丁公司"
        )),
        vec![(s("2022-06-01"), None)]
    );
    // near miss: without the flag no survey is recorded
    let mut form = forms::open(store.conn(), FormKind::AddOrg, None, &[], today).unwrap();
    form.field_mut("name").unwrap().input =
        ratatui_textarea::TextArea::new(vec!["常德戊公司".to_string()]);
    assert!(forms::save(&mut store, &actor(), &form, today, false).is_ok());
    assert_eq!(l.count("surveys"), 1);
    assert_eq!(
        org(&l, "2022-06-01", "常德戊公司")["legal_rep_member"],
        false
    );
    // the edit form sets the flag on an existing organization
    let jia = resolve::org(store.conn(), "常德甲公司").unwrap();
    let mut form = forms::open(
        store.conn(),
        FormKind::EditOrg,
        Some(jia.as_str()),
        &[],
        today,
    )
    .unwrap();
    form.field_mut("legal_rep_member").unwrap().flag = true;
    assert!(forms::save(&mut store, &actor(), &form, today, false).is_ok());
    assert_eq!(
        coverage(&l, "2022-06-01")["people"]["legal_rep_member_orgs"],
        2
    );
    // the hire form records a floating member
    let mut form =
        forms::open(store.conn(), FormKind::Hire, Some(jia.as_str()), &[], today).unwrap();
    form.field_mut("name").unwrap().input =
        ratatui_textarea::TextArea::new(vec!["王伟".to_string()]);
    let rel = form.field_mut("relation").unwrap();
    rel.choice = 2; // elsewhere
    form.field_mut("floating").unwrap().flag = true;
    assert!(forms::save(&mut store, &actor(), &form, today, false).is_ok());
    assert_eq!(coverage(&l, "2022-06-01")["people"]["floating_members"], 1);
}
