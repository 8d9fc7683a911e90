//! The first-time alert rules end to end: each raised on matching data with
//! the day its fact became true, not raised on a near miss, resolved on the
//! day the data was put right; snooze and dismiss audited.

mod common;

use common::{Ledger, small_ledger};
use serde_json::Value;

/// A command line written as one string (no argument holds a space).
fn words(s: &str) -> Vec<&str> {
    s.split(' ').collect()
}

/// Every alert of a rule (all states) as of `today`.
fn alerts(l: &Ledger, today: &str, rule: &str) -> Vec<Value> {
    let v = l.json(&[
        "--today", today, "alerts", "--rule", rule, "--all", "--format", "json",
    ]);
    v.as_array().expect("a list").clone()
}

fn org_id(l: &Ledger, name: &str) -> String {
    l.json(&["org", "show", name, "--format", "json"])["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The alerts of `rule` about organization `name`.
fn about(l: &Ledger, today: &str, rule: &str, name: &str) -> Vec<Value> {
    let id = org_id(l, name);
    alerts(l, today, rule)
        .into_iter()
        .filter(|a| a["org_id"] == id.as_str())
        .collect()
}

fn one(v: Vec<Value>) -> Value {
    assert_eq!(v.len(), 1, "exactly one alert: {v:?}");
    v.into_iter().next().unwrap()
}

fn check(a: &Value, raised: &str, state: &str, resolved: Option<&str>) {
    assert_eq!(a["raised_on"], raised, "{a}");
    assert_eq!(a["state"], state, "{a}");
    assert_eq!(a["resolved_on"].as_str(), resolved, "{a}");
}

#[test]
fn new_member_hire_raised_on_the_hire_and_resolved_on_coverage() {
    let l = small_ledger();
    l.ok(&words(
        "--on 2022-02-01 branch found --name 联合支部 --mode joint --covers 常德乙公司,常德丙公司",
    ));
    l.ok(&words("--on 2022-03-01 person add --org 常德甲公司 --name 王伟 --status formal --hired-on 2022-03-01"));
    // near misses: a member hired where a branch already covers; a hire who is no member
    l.ok(&words("--on 2022-03-01 person add --org 常德丙公司 --name 李娜 --status formal --hired-on 2022-03-01"));
    l.ok(&words(
        "--on 2022-03-01 person add --org 常德乙公司 --name 赵强 --status activist",
    ));
    let a = one(alerts(&l, "2022-03-02", "new_member_hire"));
    assert_eq!(a["org"], "常德甲公司");
    check(&a, "2022-03-01", "open", None);
    assert_eq!(a["due_on"], "2022-03-08");
    assert_eq!(a["overdue"], false);
    assert_eq!(
        one(alerts(&l, "2022-03-09", "new_member_hire"))["overdue"],
        true
    );
    l.ok(&words("--on 2022-03-05 branch cover 联合支部 常德甲公司"));
    check(
        &one(alerts(&l, "2022-03-10", "new_member_hire")),
        "2022-03-01",
        "resolved",
        Some("2022-03-05"),
    );
}

#[test]
fn identity_check_missing_from_ten_employees() {
    let l = small_ledger();
    // near misses: 9 employees; a social group of 20
    l.ok(&words(
        "--on 2022-01-01 org add --name 常德丁公司 --street 南坪街道 --employees 9",
    ));
    l.ok(&words("--on 2022-01-01 org add --name 常德商会 --street 南坪街道 --employees 20 --kind social-group"));
    let all = alerts(&l, "2022-01-02", "identity_check_missing");
    let names: Vec<&str> = all.iter().map(|a| a["org"].as_str().unwrap()).collect();
    assert_eq!(all.len(), 3, "the three 12-employee enterprises: {names:?}");
    assert!(!names.contains(&"常德丁公司") && !names.contains(&"常德商会"));
    check(
        &one(about(
            &l,
            "2022-01-02",
            "identity_check_missing",
            "常德甲公司",
        )),
        "2022-01-01",
        "open",
        None,
    );
    l.ok(&words(
        "--on 2022-04-01 survey 常德甲公司 --identity-check yes",
    ));
    check(
        &one(about(
            &l,
            "2022-04-02",
            "identity_check_missing",
            "常德甲公司",
        )),
        "2022-01-01",
        "resolved",
        Some("2022-04-01"),
    );
    // a survey finding it missing raises it from the survey's day
    l.ok(&words(
        "--on 2022-05-01 survey 常德丁公司 --employees 15 --identity-check no",
    ));
    check(
        &one(about(
            &l,
            "2022-05-02",
            "identity_check_missing",
            "常德丁公司",
        )),
        "2022-05-01",
        "open",
        None,
    );
}

#[test]
fn instructor_missing_due_in_seven_escalated_at_thirty() {
    let l = small_ledger();
    l.ok(&words(
        "--on 2022-02-01 branch found --name 联合支部 --mode joint --covers 常德乙公司,常德丙公司",
    ));
    l.ok(&words("--on 2022-03-01 survey 常德甲公司"));
    l.ok(&words("--on 2022-03-01 survey 常德乙公司")); // near miss: covered
    let a = one(alerts(&l, "2022-03-02", "instructor_missing"));
    assert_eq!(a["org"], "常德甲公司");
    check(&a, "2022-03-01", "open", None);
    assert_eq!(a["due_on"], "2022-03-08");
    assert_eq!(a["escalated"], false);
    assert_eq!(
        one(alerts(&l, "2022-03-30", "instructor_missing"))["escalated"],
        false
    );
    assert_eq!(
        one(alerts(&l, "2022-03-31", "instructor_missing"))["escalated"],
        true
    );
    l.ok(&words(
        "--on 2022-04-01 instructor add --name 赵强 --source retired",
    ));
    l.ok(&words("--on 2022-04-05 instructor assign 赵强 常德甲公司"));
    check(
        &one(alerts(&l, "2022-04-06", "instructor_missing")),
        "2022-03-01",
        "resolved",
        Some("2022-04-05"),
    );
}

#[test]
fn instructor_visit_overdue_after_ninety_days() {
    let l = small_ledger();
    l.ok(&words(
        "--on 2022-01-05 instructor add --name 赵强 --source street",
    ));
    l.ok(&words("--on 2022-01-10 instructor assign 赵强 常德甲公司"));
    l.ok(&words("--on 2022-03-01 instructor visit 赵强 常德甲公司"));
    assert!(
        alerts(&l, "2022-05-30", "instructor_visit_overdue").is_empty(),
        "90 days is not overdue"
    );
    let a = one(alerts(&l, "2022-06-01", "instructor_visit_overdue"));
    check(&a, "2022-05-31", "open", None);
    assert_eq!(a["org"], "常德甲公司");
    l.ok(&words("--on 2022-06-10 instructor visit 赵强 常德甲公司"));
    check(
        &one(alerts(&l, "2022-06-11", "instructor_visit_overdue")),
        "2022-05-31",
        "resolved",
        Some("2022-06-10"),
    );
}

#[test]
fn relation_not_transferred_once_the_employer_is_covered() {
    let l = small_ledger();
    l.ok(&words("--on 2022-02-01 person add --org 常德甲公司 --name 王伟 --status formal --relation residence --hired-on 2022-02-01"));
    assert!(
        alerts(&l, "2022-02-20", "relation_not_transferred").is_empty(),
        "no branch to transfer into yet"
    );
    l.ok(&words(
        "--on 2022-03-01 branch found --name 联合支部 --mode joint --covers 常德甲公司,常德乙公司",
    ));
    let a = one(alerts(&l, "2022-03-02", "relation_not_transferred"));
    check(&a, "2022-03-01", "open", None);
    assert_eq!(a["subject_name"], "王伟");
    l.ok(&words("--on 2022-03-10 person transfer 王伟 --to 联合支部"));
    check(
        &one(alerts(&l, "2022-03-11", "relation_not_transferred")),
        "2022-03-01",
        "resolved",
        Some("2022-03-10"),
    );
}

#[test]
fn branch_eligible_at_three_formal_members() {
    let l = small_ledger();
    for (name, status, day) in [
        ("甲一", "formal", "2022-02-01"),
        ("甲二", "formal", "2022-02-05"),
        ("甲三", "probationary", "2022-02-07"),
    ] {
        l.ok(&[
            "--on",
            day,
            "person",
            "add",
            "--org",
            "常德甲公司",
            "--name",
            name,
            "--status",
            status,
            "--hired-on",
            day,
        ]);
    }
    assert!(
        alerts(&l, "2022-02-08", "branch_eligible").is_empty(),
        "two formal members are not enough"
    );
    l.ok(&words("--on 2022-02-10 person add --org 常德甲公司 --name 甲四 --status formal --hired-on 2022-02-10"));
    check(
        &one(alerts(&l, "2022-02-11", "branch_eligible")),
        "2022-02-10",
        "open",
        None,
    );
    l.ok(&words(
        "--on 2022-03-01 branch found --name 甲党支部 --mode standalone --covers 常德甲公司",
    ));
    check(
        &one(alerts(&l, "2022-03-02", "branch_eligible")),
        "2022-02-10",
        "resolved",
        Some("2022-03-01"),
    );
}

#[test]
fn joint_branch_too_broad_past_five() {
    let l = small_ledger();
    for n in ["常德丁公司", "常德戊公司", "常德己公司"] {
        l.ok(&[
            "--on",
            "2022-01-01",
            "org",
            "add",
            "--name",
            n,
            "--street",
            "南坪街道",
        ]);
    }
    l.ok(&words("--on 2022-03-01 branch found --name 联合支部 --mode joint --covers 常德甲公司,常德乙公司,常德丙公司,常德丁公司,常德戊公司"));
    assert!(
        alerts(&l, "2022-03-02", "joint_branch_too_broad").is_empty(),
        "five is the limit, not past it"
    );
    l.ok(&words("--on 2022-03-10 branch cover 联合支部 常德己公司"));
    let a = one(alerts(&l, "2022-03-11", "joint_branch_too_broad"));
    check(&a, "2022-03-10", "open", None);
    assert_eq!(a["subject_name"], "联合支部");
    assert!(a["org_id"].is_null());
    l.ok(&words("--on 2022-03-20 branch uncover 联合支部 常德己公司"));
    check(
        &one(alerts(&l, "2022-03-25", "joint_branch_too_broad")),
        "2022-03-10",
        "resolved",
        Some("2022-03-20"),
    );
    // Six again; then one closes: a closed organization is not counted.
    l.ok(&words("--on 2022-04-01 branch cover 联合支部 常德己公司"));
    let open: Vec<_> = alerts(&l, "2022-04-02", "joint_branch_too_broad")
        .into_iter()
        .filter(|a| a["state"] == "open")
        .collect();
    assert_eq!(open.len(), 1);
    l.ok(&words(
        "--on 2022-04-10 org set 常德戊公司 closed_on=2022-04-10",
    ));
    let open: Vec<_> = alerts(&l, "2022-04-15", "joint_branch_too_broad")
        .into_iter()
        .filter(|a| a["state"] == "open")
        .collect();
    assert!(open.is_empty(), "{open:?}");
}

#[test]
fn ledger_stale_after_183_days() {
    let l = small_ledger();
    assert!(
        alerts(&l, "2022-07-03", "ledger_stale").is_empty(),
        "183 days is not more than 183"
    );
    assert_eq!(alerts(&l, "2022-07-04", "ledger_stale").len(), 3);
    check(
        &one(about(&l, "2022-07-04", "ledger_stale", "常德甲公司")),
        "2022-07-04",
        "open",
        None,
    );
    l.ok(&words("--on 2022-07-10 survey 常德甲公司"));
    check(
        &one(about(&l, "2022-07-11", "ledger_stale", "常德甲公司")),
        "2022-07-04",
        "resolved",
        Some("2022-07-10"),
    );
    assert_eq!(
        about(&l, "2022-07-11", "ledger_stale", "常德乙公司")[0]["state"],
        "open"
    );
}

#[test]
fn stage_overdue_after_fourteen_days_in_one_stage() {
    let l = small_ledger();
    let id = l.ok(&words(
        "--on 2022-03-01 task add --kind ad-hoc --org 常德甲公司",
    ));
    let id = id.trim();
    assert!(
        alerts(&l, "2022-03-15", "stage_overdue").is_empty(),
        "14 days is the limit"
    );
    let a = one(alerts(&l, "2022-03-16", "stage_overdue"));
    check(&a, "2022-03-16", "open", None);
    assert_eq!(a["subject"], id);
    assert_eq!(a["key"], format!("stage_overdue:{id}"));
    l.ok(&["--on", "2022-03-20", "task", "advance", id]);
    check(
        &one(alerts(&l, "2022-03-21", "stage_overdue")),
        "2022-03-16",
        "resolved",
        Some("2022-03-20"),
    );
}

fn write(l: &Ledger, name: &str, text: &str) -> String {
    let p = l.dir.path().join(name);
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_string()
}

#[test]
fn registration_missing_and_deregistered_active_from_an_import() {
    let l = small_ledger();
    let f = write(
        &l,
        "reg.csv",
        "企业名称,统一社会信用代码,登记状态\n常德甲公司,911101080673385595,注销\n常德乙公司,,存续\n常德新公司,,存续\n",
    );
    l.ok(&["--on", "2022-05-01", "import", &f, "--street", "南坪街道"]);
    let a = one(alerts(&l, "2022-05-02", "deregistered_active"));
    assert_eq!(a["org"], "常德甲公司");
    check(&a, "2022-05-01", "open", None);
    let r = one(alerts(&l, "2022-05-02", "registration_missing"));
    assert_eq!(
        r["org"], "常德新公司",
        "only the organization the list brought in"
    );
    check(&r, "2022-05-01", "open", None);
    l.ok(&words("--on 2022-05-10 survey 常德新公司"));
    l.ok(&words(
        "--on 2022-05-20 org set 常德甲公司 closed_on=2022-05-20",
    ));
    check(
        &one(alerts(&l, "2022-05-21", "registration_missing")),
        "2022-05-01",
        "resolved",
        Some("2022-05-10"),
    );
    check(
        &one(alerts(&l, "2022-05-21", "deregistered_active")),
        "2022-05-01",
        "resolved",
        Some("2022-05-20"),
    );
}

#[test]
fn found_after_the_fact_with_the_days_from_history() {
    // Nothing evaluated until everything happened: the episode still carries its days.
    let l = small_ledger();
    l.ok(&words("--on 2022-03-01 person add --org 常德甲公司 --name 王伟 --status formal --hired-on 2022-03-01"));
    l.ok(&words(
        "--on 2022-03-04 branch found --name 联合支部 --mode joint --covers 常德甲公司,常德乙公司",
    ));
    check(
        &one(alerts(&l, "2022-06-01", "new_member_hire")),
        "2022-03-01",
        "resolved",
        Some("2022-03-04"),
    );
    let r = l.json(&words(
        "--today 2022-06-01 report response --from 2022-03-01 --to 2022-03-31 --format json",
    ));
    let hire = r["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["rule"] == "new_member_hire")
        .unwrap()
        .clone();
    assert_eq!(hire["raised"], 1);
    assert_eq!(hire["resolved"], 1);
    assert_eq!(hire["median_days"], 3.0);
    assert_eq!(r["hires"][0]["org"], "常德甲公司");
}

/// Alerts are derived from the facts: reading them writes nothing, the op
/// log holds no alert, and only a decision is stored (and synced).
#[test]
fn alerts_are_derived_and_only_decisions_are_written() {
    let l = small_ledger();
    let before = l.counts();
    let listed = alerts(&l, "2022-08-01", "identity_check_missing");
    assert!(
        !listed.is_empty(),
        "the small ledger raises identity checks"
    );
    l.ok(&["--today", "2022-08-01", "today"]);
    l.ok(&[
        "--today",
        "2022-08-01",
        "report",
        "response",
        "--from",
        "2022-01-01",
        "--to",
        "2022-08-01",
    ]);
    assert_eq!(l.counts(), before, "reading alerts writes nothing");
    let logged = |l: &Ledger| -> i64 {
        l.conn()
            .query_row("SELECT COUNT(*) FROM oplog WHERE tbl = 'alerts'", [], |r| {
                r.get(0)
            })
            .unwrap()
    };
    assert_eq!(logged(&l), 0);
    let id = listed[0]["id"].as_str().unwrap();
    l.ok(&[
        "--today",
        "2022-08-01",
        "alert",
        "snooze",
        id,
        "--until",
        "2022-09-01",
    ]);
    assert_eq!(l.count("alerts"), 1, "one decision, one row");
    assert!(logged(&l) > 0, "the decision is in the op log");
    // a replica cloned from this one sees the decision on the same alert
    let other = Ledger::new();
    other.ok(&["sync", "clone", l.db.to_str().unwrap()]);
    let there = alerts(&other, "2022-08-15", "identity_check_missing");
    let a = there
        .iter()
        .find(|a| a["id"] == id)
        .expect("the same alert there");
    assert_eq!(a["state"], "snoozed");
    // and a decision taken there comes back by sync
    let second = there.iter().find(|a| a["id"] != id).expect("another alert");
    let sid = second["id"].as_str().unwrap();
    other.ok(&[
        "--today",
        "2022-08-15",
        "alert",
        "dismiss",
        sid,
        "--reason",
        "已核实无需识别",
    ]);
    l.ok(&["sync", other.db.to_str().unwrap()]);
    let here = alerts(&l, "2022-08-16", "identity_check_missing");
    let d = here
        .iter()
        .find(|a| a["id"] == sid)
        .expect("listed with --all");
    assert_eq!(d["state"], "dismissed");
    assert_eq!(d["reason"], "已核实无需识别");
}

#[test]
fn snooze_and_dismiss_are_audited() {
    let l = small_ledger();
    let all = alerts(&l, "2022-01-02", "identity_check_missing");
    let (a, b) = (
        all[0]["id"].as_str().unwrap(),
        all[1]["id"].as_str().unwrap(),
    );
    l.ok(&[
        "--today",
        "2022-01-02",
        "alert",
        "snooze",
        a,
        "--until",
        "2022-02-01",
        "--reason",
        "下周走访",
    ]);
    let snoozed = |today: &str| -> String {
        let v = alerts(&l, today, "identity_check_missing");
        v.iter().find(|x| x["id"] == a).unwrap()["state"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(snoozed("2022-01-15"), "snoozed");
    assert_eq!(snoozed("2022-02-01"), "open", "awake again on the day");
    // dismissing needs a reason: refused, nothing written
    let before = l.counts();
    let o = l.run(&["--today", "2022-01-02", "alert", "dismiss", b]);
    assert!(!o.ok && o.stderr.contains("reason"), "{}", o.stderr);
    assert_eq!(l.counts(), before);
    l.ok(&[
        "--today",
        "2022-01-02",
        "alert",
        "dismiss",
        b,
        "--reason",
        "该企业实际仅 8 人",
    ]);
    let v = alerts(&l, "2022-01-03", "identity_check_missing");
    let d = v.iter().find(|x| x["id"] == b).unwrap();
    assert_eq!(d["state"], "dismissed");
    assert_eq!(d["reason"], "该企业实际仅 8 人");
    // both in the audit log with their reasons
    let conn = l.conn();
    for (action, reason) in [
        ("alert.snooze", "下周走访"),
        ("alert.dismiss", "该企业实际仅 8 人"),
    ] {
        let r: String = conn
            .query_row(
                "SELECT reason FROM audit WHERE action = ?1",
                [action],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(r, reason);
    }
    // dismissed alerts leave the default list
    let open = l.json(&words("--today 2022-01-03 alerts --format json"));
    assert!(open.as_array().unwrap().iter().all(|x| x["id"] != b));
}

#[test]
fn two_replicas_finding_the_same_episode_give_it_the_same_id() {
    let l = small_ledger();
    l.ok(&words(
        "--on 2022-03-01 person add --org 常德甲公司 --name 王伟 --status formal --hired-on 2022-03-01",
    ));
    // a second replica: the same ledger, evaluated on its own
    let other = Ledger::new();
    std::fs::copy(&l.db, &other.db).unwrap();
    let ids = |l: &Ledger| -> Vec<String> {
        let mut v: Vec<String> = alerts(l, "2022-03-02", "new_member_hire")
            .iter()
            .chain(alerts(l, "2022-03-02", "identity_check_missing").iter())
            .map(|a| a["id"].as_str().unwrap().to_string())
            .collect();
        v.sort();
        v
    };
    let (a, b) = (ids(&l), ids(&other));
    assert_eq!(a.len(), 4);
    assert_eq!(a, b);
}

#[test]
fn thresholds_come_from_the_config() {
    let l = small_ledger();
    let cfg = l.dir.path().join("c.toml");
    std::fs::write(&cfg, "[alerts]\nhire_due_days = 3\nstale_days = 30\n").unwrap();
    let cfg = cfg.to_str().unwrap();
    l.ok(&words(
        "--on 2022-01-20 person add --org 常德甲公司 --name 王伟 --status formal --hired-on 2022-01-20",
    ));
    let v = l.json(&[
        "--config",
        cfg,
        "--today",
        "2022-02-05",
        "alerts",
        "--format",
        "json",
    ]);
    let rule = |r: &str| -> Vec<&Value> {
        v.as_array()
            .unwrap()
            .iter()
            .filter(|a| a["rule"] == r)
            .collect()
    };
    assert_eq!(rule("new_member_hire")[0]["due_on"], "2022-01-23");
    // entered 2022-01-01: not verified for more than 30 days from 2022-02-01
    assert_eq!(rule("ledger_stale").len(), 3);
    assert_eq!(rule("ledger_stale")[0]["raised_on"], "2022-02-01");
}

/// An organization found by a survey and added with `--surveyed` has that
/// survey recorded with it, so it wants an instructor within days; one added
/// from a list without a survey does not.
#[test]
fn an_organization_added_from_a_survey_wants_an_instructor() {
    let l = small_ledger();
    l.ok(&words(
        "--on 2022-05-01 org add --name 摸排新公司 --street 南坪街道 --surveyed --legal-rep-member",
    ));
    l.ok(&words(
        "--on 2022-05-01 org add --name 名录新公司 --street 南坪街道",
    ));
    check(
        &one(about(&l, "2022-05-02", "instructor_missing", "摸排新公司")),
        "2022-05-01",
        "open",
        None,
    );
    assert!(about(&l, "2022-05-02", "instructor_missing", "名录新公司").is_empty());
    let shown = l.json(&["org", "show", "摸排新公司", "--format", "json"]);
    assert_eq!(shown["first_survey_on"], "2022-05-01", "{shown}");
    assert_eq!(shown["legal_rep_member"], true, "{shown}");
}
