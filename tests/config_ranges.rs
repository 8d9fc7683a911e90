//! Numbers in config.toml outside their range: every command refuses to start
//! with one line naming the key, never a panic, and writes nothing; the
//! range's own edges are taken and work through the alert rules.

mod common;

use common::{Ledger, Out, small_ledger};
use serde_json::Value;

fn words(s: &str) -> Vec<&str> {
    s.split(' ').collect()
}

/// Commands that read the config before anything else: a listing, `check`,
/// the alert rules (where thresholds become day spans), an import, a
/// report, and opening the app.
const COMMANDS: [&[&str]; 6] = [
    &["org", "list"],
    &["check"],
    &["--today", "2022-06-01", "alerts", "--format", "json"],
    &["import", "list.csv"],
    &["report", "coverage", "--format", "json"],
    &[],
];

fn config(l: &Ledger, text: &str) -> String {
    let p = l.dir.path().join("config.toml");
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_string()
}

fn with_config<'a>(cfg: &'a str, args: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec!["--config", cfg];
    v.extend_from_slice(args);
    v
}

fn one_line_naming(o: &Out, what: &str, needles: &[&str]) {
    assert!(!o.ok, "{what}: accepted\n{}", o.stdout);
    assert!(!o.stderr.contains("panicked"), "{what}: {}", o.stderr);
    let lines: Vec<&str> = o.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{what}: not one line:\n{}", o.stderr);
    assert!(lines[0].starts_with("error: "), "{what}: {}", o.stderr);
    for n in needles {
        assert!(lines[0].contains(n), "{what}: no {n} in {}", o.stderr);
    }
}

/// A ledger with a member hired where no party organization covers: the
/// new-member-hire rule then adds `hire_due_days` to a date.
fn ledger_with_a_hire() -> Ledger {
    let l = small_ledger();
    l.ok(&words(
        "--on 2022-03-01 person add --org 常德甲公司 --name 王伟 --status formal --hired-on 2022-03-01",
    ));
    std::fs::write(
        l.dir.path().join("list.csv"),
        "企业名称,从业人数\n常德新公司,5\n",
    )
    .unwrap();
    l
}

#[test]
fn a_threshold_out_of_range_stops_every_command_with_one_line_naming_it() {
    let l = ledger_with_a_hire();
    let before = l.counts();
    let cases = [
        (
            "[alerts]\nhire_due_days = 99999999\n",
            vec!["alerts.hire_due_days", "\"99999999\"", "1–3650"],
        ),
        (
            "[alerts]\nvisit_interval_days = 0\n",
            vec!["alerts.visit_interval_days", "\"0\"", "1–3650"],
        ),
        (
            "[alerts]\nstale_days = -9223372036854775808\n",
            vec!["alerts.stale_days", "-9223372036854775808"],
        ),
        (
            "[alerts]\nidentity_check_employees = 10000001\n",
            vec!["alerts.identity_check_employees", "10000001"],
        ),
        (
            "[report]\nsmall_enterprise_employees = 0\n",
            vec!["report.small_enterprise_employees"],
        ),
        (
            "[alerts]\nbranch_min_members = 9223372036854775807\n",
            vec!["alerts.branch_min_members"],
        ),
    ];
    for (text, needles) in &cases {
        let cfg = config(&l, text);
        for args in COMMANDS {
            let o = l.run(&with_config(&cfg, args));
            one_line_naming(&o, &format!("{text:?} {args:?}"), needles);
        }
    }
    assert_eq!(l.counts(), before, "a refused start wrote something");
}

#[test]
fn a_number_the_file_format_cannot_hold_is_one_line_naming_the_key() {
    let l = ledger_with_a_hire();
    let cases = [
        (
            "[alerts]\nhire_due_days = 99999999999999999999\n",
            "[alerts] hire_due_days = 99999999999999999999",
        ),
        (
            "[alerts]\nstale_days = 1e300\n",
            "[alerts] stale_days = 1e300",
        ),
        ("[alerts]\nstale_days = nan\n", "[alerts] stale_days = nan"),
        ("[backup]\nkeep = -1\n", "[backup] keep = -1"),
    ];
    for (text, needle) in cases {
        let cfg = config(&l, text);
        for args in [&["org", "list"][..], &[]] {
            let o = l.run(&with_config(&cfg, args));
            one_line_naming(&o, text, &[needle, "line 2"]);
        }
    }
}

#[test]
fn in_chinese_the_line_says_the_range() {
    let l = small_ledger();
    let cfg = config(&l, "[alerts]\nhire_due_days = 99999999\n");
    let o = l.run(&["--lang", "zh", "--config", &cfg, "org", "list"]);
    assert!(!o.ok);
    assert!(
        o.stderr.starts_with("错误: ")
            && o.stderr.contains("alerts.hire_due_days")
            && o.stderr.contains("应在 1–3650 之间"),
        "{}",
        o.stderr
    );
}

#[test]
fn the_edges_of_each_range_are_taken_and_reach_the_rules() {
    let l = ledger_with_a_hire();
    let cfg = config(
        &l,
        "[alerts]\nhire_due_days = 3650\ninstructor_escalate_days = 3650\n\
         visit_interval_days = 1\nstale_days = 3650\nstage_overdue_days = 3650\n\
         identity_check_employees = 0\nbranch_min_members = 1000\n\
         joint_branch_max_orgs = 1\n\
         [report]\nsmall_enterprise_employees = 10000000\n[backup]\nkeep = 10000\n",
    );
    let v: Value = {
        let out = l.ok(&with_config(
            &cfg,
            &["--today", "2022-06-01", "alerts", "--format", "json"],
        ));
        serde_json::from_str(&out).unwrap()
    };
    let hire: Vec<&Value> = v
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["rule"] == "new_member_hire")
        .collect();
    assert_eq!(hire.len(), 1, "{v}");
    // 2022-03-01 plus 3650 days
    assert_eq!(hire[0]["due_on"], "2032-02-27");
    let list = l.dir.path().join("list.csv");
    let out = l.ok(&with_config(
        &cfg,
        &["--on", "2022-06-01", "import", list.to_str().unwrap()],
    ));
    assert!(out.contains("new 1"), "{out}");
}
