//! The survey loop on the command line: a task walked through every stage,
//! reassignment, closing, the list's filters, and half-year generation.

mod common;

use common::{Ledger, small_ledger};
use serde_json::Value;

/// A command line written as one string (no argument holds a space).
fn words(s: &str) -> Vec<&str> {
    s.split(' ').collect()
}

fn task(l: &Ledger, id: &str, today: &str) -> Value {
    let v = l.json(&["--today", today, "tasks", "--all", "--format", "json"]);
    v.as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == id)
        .expect("listed")
        .clone()
}

#[test]
fn one_task_through_every_stage_of_the_loop() {
    let l = small_ledger();
    let id = l.ok(&words(
        "--on 2022-03-01 task add --kind ad-hoc --org 常德甲公司 --due 2022-04-01",
    ));
    let id = id.trim().to_string();
    let t = task(&l, &id, "2022-03-01");
    for (k, v) in [
        ("kind", "ad-hoc"),
        ("org", "常德甲公司"),
        ("stage", "report"),
        ("office", "community"),
        ("due_on", "2022-04-01"),
    ] {
        assert_eq!(t[k], v, "{k}: {t}");
    }
    // 社区 → 经济办 → 党建办 → 社区 → closed, each hand-over with its note
    let walk = [
        ("2022-03-02", "survey", Some("economic")),
        ("2022-03-05", "cover", Some("party")),
        ("2022-03-09", "follow-up", Some("community")),
        ("2022-03-12", "closed", None),
    ];
    for (k, (day, stage, office)) in walk.iter().enumerate() {
        let note = format!("第{k}步");
        l.ok(&["--on", day, "task", "advance", &id, "--note", &note]);
        let t = task(&l, &id, day);
        assert_eq!(t["stage"], *stage, "{t}");
        assert_eq!(t["office"].as_str(), *office, "{t}");
        assert_eq!(t["stage_on"], *day);
    }
    assert_eq!(task(&l, &id, "2022-03-12")["closed_on"], "2022-03-12");
    let steps: Vec<(String, String, Option<String>, String)> = {
        let conn = l.conn();
        let mut s = conn
            .prepare("SELECT from_stage, stage, office, note FROM task_steps WHERE task_id = ?1 ORDER BY on_date")
            .unwrap();
        s.query_map([&id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    assert_eq!(steps.len(), 4);
    assert_eq!(
        steps[0],
        (
            "report".into(),
            "survey".into(),
            Some("economic".into()),
            "第0步".into()
        )
    );
    assert_eq!(steps[3].1, "closed");
    // a closed task takes no more steps: refused, nothing written
    let before = l.counts();
    let o = l.run(&["task", "advance", &id]);
    assert!(!o.ok && o.stderr.contains("closed"), "{}", o.stderr);
    assert_eq!(l.counts(), before);
    // and is gone from the default list
    let open = l.json(&words("--today 2022-03-12 tasks --format json"));
    assert!(
        open.as_array()
            .unwrap()
            .iter()
            .all(|t| t["id"] != id.as_str())
    );
}

#[test]
fn reassign_close_filters_and_overdue() {
    let l = small_ledger();
    let a = l.ok(&words(
        "--on 2022-03-01 task add --kind organize --org 常德乙公司 --due 2022-03-10",
    ));
    let b = l.ok(&words(
        "--on 2022-03-01 task add --kind registration --org 常德丙公司 --due 2022-03-20",
    ));
    let c = l.ok(&words(
        "--on 2022-03-01 task add --kind ad-hoc --community 南坪社区",
    ));
    let (a, b, c) = (a.trim(), b.trim(), c.trim());
    assert_eq!(task(&l, a, "2022-03-01")["office"], "party");
    assert_eq!(task(&l, b, "2022-03-01")["office"], "economic");
    // default due date: the stage limit from --on
    assert_eq!(task(&l, c, "2022-03-01")["due_on"], "2022-03-15");
    l.ok(&[
        "--on",
        "2022-03-03",
        "task",
        "reassign",
        a,
        "--office",
        "district",
        "--note",
        "区里协调",
    ]);
    let t = task(&l, a, "2022-03-03");
    assert_eq!(
        (t["stage"].as_str(), t["office"].as_str()),
        (Some("cover"), Some("district"))
    );
    let ids = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["--today", "2022-03-12", "tasks", "--format", "json"];
        all.extend(args);
        l.json(&all)
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(ids(&["--office", "district"]), vec![a.to_string()]);
    assert_eq!(ids(&["--office", "economic"]), vec![b.to_string()]);
    assert_eq!(
        ids(&["--due-before", "2022-03-16"]),
        vec![a.to_string(), c.to_string()]
    );
    let v = l.json(&words("--today 2022-03-12 tasks --format json"));
    let late: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["overdue"] == true)
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(late, vec![a]);
    l.ok(&["--on", "2022-03-12", "task", "close", b, "--note", "已核实"]);
    assert_eq!(task(&l, b, "2022-03-12")["stage"], "closed");
    assert!(!ids(&[]).contains(&b.to_string()));
    // bad input names the field and writes nothing
    let before = l.counts();
    for (args, field) in [
        (
            vec!["task", "add", "--kind", "survey-all", "--org", "常德甲公司"],
            "kind",
        ),
        (vec!["task", "add", "--kind", "ad-hoc"], "org"),
        (vec!["task", "reassign", a, "--office", "mayor"], "office"),
        (
            vec!["task", "reassign", a, "--office", "district"],
            "office",
        ),
        (
            vec![
                "task",
                "add",
                "--kind",
                "ad-hoc",
                "--org",
                "常德甲公司",
                "--due",
                "2022-02-30",
            ],
            "due",
        ),
    ] {
        let o = l.run(&args);
        assert!(!o.ok && o.stderr.contains(field), "{args:?}: {}", o.stderr);
        assert_eq!(o.stderr.trim().lines().count(), 1, "one line: {}", o.stderr);
    }
    assert_eq!(l.counts(), before);
}

#[test]
fn half_year_tasks_made_once_per_cycle() {
    let l = small_ledger();
    l.ok(&words("--on 2022-07-05 survey 常德甲公司"));
    l.ok(&words("--on 2022-06-20 survey 常德乙公司"));
    // 丁 closed before the cycle: not operating, no task
    l.ok(&words(
        "--on 2022-01-01 org add --name 常德丁公司 --street 南坪街道",
    ));
    l.ok(&words(
        "--on 2022-06-01 org set 常德丁公司 closed_on=2022-06-01",
    ));
    // 戊 entered the ledger in this cycle: that is its verification
    l.ok(&words(
        "--on 2022-07-10 org add --name 常德戊公司 --street 南坪街道",
    ));
    let out = l.ok(&words("--today 2022-09-30 tasks generate"));
    assert!(out.contains('2') && out.contains("2022-12-31"), "{out}");
    let v = l.json(&words("--today 2022-09-30 tasks --format json"));
    let mut orgs: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["org"].as_str().unwrap())
        .collect();
    orgs.sort();
    // not verified since 2022-07-01: 乙 (June) and 丙 (never); 甲 was surveyed
    // in July, 戊 entered in July
    assert_eq!(orgs, vec!["常德丙公司", "常德乙公司"]);
    for t in v.as_array().unwrap() {
        assert_eq!(
            (
                t["kind"].as_str(),
                t["stage"].as_str(),
                t["office"].as_str()
            ),
            (Some("half-year"), Some("survey"), Some("economic"))
        );
        assert_eq!(t["due_on"], "2022-12-31");
    }
    let before = l.counts();
    l.ok(&words("--today 2022-10-15 tasks generate"));
    assert_eq!(l.counts(), before, "running it twice makes no duplicates");
    // the next cycle makes new ones
    l.ok(&words("--today 2023-01-02 tasks generate"));
    let v = l.json(&words(
        "--today 2023-01-02 tasks --due-before 2023-07-01 --format json",
    ));
    let next: Vec<&Value> = v
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["due_on"] == "2023-06-30")
        .collect();
    // 甲 乙 丙 and 戊, whose entry verified only the cycle it entered in
    assert_eq!(next.len(), 4);
}

#[test]
fn today_keeps_to_the_configured_street_and_office() {
    let l = small_ledger();
    l.ok(&words("--on 2022-01-01 street add 丹阳街道"));
    l.ok(&words(
        "--on 2022-01-01 org add --name 丹阳甲公司 --street 丹阳街道 --employees 30",
    ));
    let mine = l.ok(&words(
        "--on 2022-03-01 task add --kind registration --org 常德甲公司 --due 2022-03-20",
    ));
    l.ok(&words(
        "--on 2022-03-01 task add --kind registration --org 丹阳甲公司 --due 2022-03-20",
    ));
    l.ok(&words(
        "--on 2022-03-01 task add --kind organize --org 常德乙公司 --due 2022-03-20",
    ));
    let cfg = l.dir.path().join("scope.toml");
    std::fs::write(
        &cfg,
        "[user]\noffice = \"economic\"\n[scope]\nstreet = \"南坪街道\"\n",
    )
    .unwrap();
    let cfg = cfg.to_str().unwrap();
    let v = l.json(&[
        "--config",
        cfg,
        "--today",
        "2022-03-20",
        "today",
        "--format",
        "json",
    ]);
    let due: Vec<&str> = v["tasks_due_today"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(due, vec![mine.trim()], "only 南坪's economic-office task");
    assert_eq!(v["scope"]["office"], "economic");
    // alerts of the street only: 丹阳's 30-employee enterprise has no identity check either
    let all = l.json(&[
        "--today",
        "2022-03-20",
        "alerts",
        "--rule",
        "identity_check_missing",
        "--format",
        "json",
    ]);
    assert_eq!(all.as_array().unwrap().len(), 4);
    assert_eq!(v["open_alerts_by_rule"]["identity_check_missing"], 3);
    let text = l.ok(&[
        "--config",
        cfg,
        "--today",
        "2022-03-21",
        "--lang",
        "en",
        "today",
    ]);
    assert!(
        text.contains("Overdue tasks: 1") && text.contains("南坪街道"),
        "{text}"
    );
}

/// Opening the app (in a real pseudo-terminal, through util-linux `script`)
/// makes this cycle's half-year tasks and brings the alerts up to date.
#[test]
fn opening_the_app_generates_half_year_tasks() {
    use std::io::Write;
    let l = small_ledger();
    let bin = env!("CARGO_BIN_EXE_liangxin");
    let cmd = format!("'{bin}' --db '{}' --today 2022-09-30", l.db.display());
    let mut child = std::process::Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .env("HOME", l.dir.path())
        .env("XDG_CONFIG_HOME", l.dir.path().join("config"))
        .env("LIANGXIN_LANG", "en")
        .env("TERM", "xterm")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("util-linux script");
    let mut stdin = child.stdin.take().unwrap();
    // The app draws once and waits for a key; wait for its writes, then quit.
    let t0 = std::time::Instant::now();
    while l.count("tasks") == 0 && t0.elapsed() < std::time::Duration::from_secs(30) {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    stdin.write_all(b"q").unwrap();
    drop(stdin);
    let t0 = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if t0.elapsed() > std::time::Duration::from_secs(30) {
            child.kill().unwrap();
            panic!("the app did not quit on q");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let v = l.json(&words("--today 2022-09-30 tasks --format json"));
    let kinds: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        vec!["half-year"; 3],
        "one per organization not verified this cycle"
    );
    assert_eq!(l.count("alerts"), 0, "alerts are derived, not written");
}

/// Recording a survey is the survey stage's work: the organization's open
/// registration, half-year and ad-hoc tasks at that stage move on by
/// themselves; tasks at other stages, and other organizations', do not.
#[test]
fn a_survey_completes_the_survey_stage_of_the_organizations_tasks() {
    let l = small_ledger();
    let reg = l.ok(&words(
        "--on 2022-03-01 task add --kind registration --org 常德甲公司",
    ));
    let adhoc = l.ok(&words(
        "--on 2022-03-01 task add --kind ad-hoc --org 常德甲公司",
    ));
    let other = l.ok(&words(
        "--on 2022-03-01 task add --kind registration --org 常德乙公司",
    ));
    let (reg, adhoc, other) = (reg.trim(), adhoc.trim(), other.trim());
    assert_eq!(task(&l, reg, "2022-03-02")["stage"], "survey");
    assert_eq!(task(&l, adhoc, "2022-03-02")["stage"], "report");

    l.ok(&words("--on 2022-03-05 survey 常德甲公司 --employees 20"));
    let t = task(&l, reg, "2022-03-06");
    assert_eq!(t["stage"], "cover", "{t}");
    assert_eq!(t["stage_on"], "2022-03-05");
    assert_eq!(
        task(&l, adhoc, "2022-03-06")["stage"],
        "report",
        "not at the survey stage"
    );
    assert_eq!(
        task(&l, other, "2022-03-06")["stage"],
        "survey",
        "another organization's"
    );
    // the hand-over is a step like any other, with its note
    let n: i64 = l
        .conn()
        .query_row(
            "SELECT COUNT(*) FROM task_steps WHERE task_id = ?1 AND from_stage = 'survey' AND stage = 'cover'",
            [reg],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 1);
}
