//! The survey loop and alerts on the demo district: 南坪's first-time hires
//! come out of the ledger's own history, and `today` is a usable checklist.
//! Expected figures are counted from the database, not written down.

mod common;

use std::collections::BTreeMap;

use common::Ledger;

/// A command line written as one string (no argument holds a space).
fn words(s: &str) -> Vec<&str> {
    s.split(' ').collect()
}

fn demo() -> Ledger {
    let l = Ledger::new();
    l.ok(&["demo", "--no-tui"]);
    l
}

#[test]
fn report_response_shows_nanping_brought_into_a_joint_branch_within_days() {
    let l = demo();
    let r = l.json(&words(
        "report response --from 2022-07-01 --to 2022-09-30 --format json",
    ));
    // Count it another way: members hired July–September by organizations that
    // no party organization covered that day, and the first coverage after.
    let conn = l.conn();
    let mut stmt = conn
        .prepare(
            "SELECT o.name, MIN(p.hired_on),
               (SELECT MIN(l.from_on) FROM links l WHERE l.org_id = o.id AND l.from_on >= MIN(p.hired_on))
             FROM persons p JOIN orgs o ON o.id = p.org_id
             WHERE p.status IN ('formal','probationary') AND p.hired_on BETWEEN '2022-07-01' AND '2022-09-30'
               AND NOT EXISTS (SELECT 1 FROM links l WHERE l.org_id = o.id AND l.from_on <= p.hired_on
                               AND (l.to_on IS NULL OR l.to_on > p.hired_on))
             GROUP BY o.id ORDER BY 2",
        )
        .unwrap();
    let expected: Vec<(String, String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(expected.len(), 7, "the demo's seven 南坪 enterprises");
    let hires = r["hires"].as_array().unwrap();
    let got: Vec<(String, String, String)> = hires
        .iter()
        .map(|h| {
            assert_eq!(h["street"], "南坪街道");
            (
                h["org"].as_str().unwrap().into(),
                h["raised_on"].as_str().unwrap().into(),
                h["resolved_on"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(got, expected);
    let rule = r["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["rule"] == "new_member_hire")
        .unwrap();
    assert_eq!(
        (rule["raised"].as_u64(), rule["resolved"].as_u64()),
        (Some(7), Some(7))
    );
    let mut days: Vec<i64> = hires.iter().map(|h| h["days"].as_i64().unwrap()).collect();
    days.sort();
    assert_eq!(rule["median_days"].as_f64(), Some(days[3] as f64));
    assert!(days.iter().all(|d| *d <= 7), "within the 7 days: {days:?}");
    let text = l.ok(&words(
        "--lang zh report response --from 2022-07-01 --to 2022-09-30",
    ));
    assert!(
        text.contains("新进党员未纳入党组织") && text.contains("新进党员第一时间纳入党组织"),
        "{text}"
    );
    assert_eq!(
        text.lines()
            .filter(|x| x.contains("南坪街道") && x.contains(" → "))
            .count(),
        7,
        "{text}"
    );
}

#[test]
fn today_on_the_demo_is_a_short_useful_checklist() {
    let l = demo();
    let v = l.json(&["today", "--format", "json"]);
    assert_eq!(v["date"], "2022-09-30");
    let conn = l.conn();
    let late: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM tasks WHERE closed_on IS NULL AND due_on < '2022-09-30'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(late > 0);
    assert_eq!(v["tasks_overdue"].as_array().unwrap().len() as i64, late);
    // the checklist's counts are the alert list's, open ones by rule
    let mut by_rule: BTreeMap<String, i64> = BTreeMap::new();
    for a in l.json(&["alerts", "--format", "json"]).as_array().unwrap() {
        if a["state"] == "open" {
            *by_rule
                .entry(a["rule"].as_str().unwrap().to_string())
                .or_default() += 1;
        }
    }
    // and one rule counted from the raw rows: registered from the list,
    // not surveyed since, still open
    let unsurveyed: i64 = conn
        .query_row(
            "SELECT COUNT(DISTINCT t.org_id) FROM tasks t JOIN orgs o ON o.id = t.org_id
             WHERE t.kind = 'registration' AND t.deleted = 0 AND o.deleted = 0
               AND o.closed_on IS NULL
               AND NOT EXISTS (SELECT 1 FROM surveys s WHERE s.org_id = t.org_id
                 AND s.on_date >= (SELECT MIN(created_on) FROM tasks r
                                   WHERE r.org_id = t.org_id AND r.kind = 'registration'))",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(unsurveyed > 0);
    assert_eq!(by_rule.get("registration_missing"), Some(&unsurveyed));
    let got: BTreeMap<String, i64> = v["open_alerts_by_rule"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, n)| (k.clone(), n.as_i64().unwrap()))
        .collect();
    assert_eq!(got, by_rule);
    assert!(
        by_rule.len() >= 5,
        "several rules have something to say: {by_rule:?}"
    );
    let text = l.ok(&["--lang", "zh", "today"]);
    for part in [
        "两新台账今日清单 2022-09-30",
        "第一时间预警",
        "今天到期的任务",
        "逾期任务",
        "未处理预警: 第一时间",
    ] {
        assert!(text.contains(part), "{part}:\n{text}");
    }
    // the group counts add up to the open alerts
    let open: i64 = by_rule.values().sum();
    let groups: i64 = v["groups"]
        .as_object()
        .unwrap()
        .values()
        .map(|n| n.as_i64().unwrap())
        .sum();
    assert_eq!(groups, open);
}

/// One 80×24 screen for a street's cadre.
#[test]
fn today_for_a_street_fits_one_screen() {
    let l = demo();
    for street in ["南坪街道", "丹阳街道", "芙蓉街道"] {
        let cfg = l.dir.path().join("street.toml");
        std::fs::write(&cfg, format!("[scope]\nstreet = \"{street}\"\n")).unwrap();
        let text = l.ok(&["--lang", "zh", "--config", cfg.to_str().unwrap(), "today"]);
        assert!(text.contains(street), "{text}");
        assert!(text.lines().count() <= 24, "{street}:\n{text}");
        for line in text.lines() {
            assert!(liangxin::text::width(line) <= 80, "{street}: {line}");
        }
    }
    // and the whole district's, whose lists are cut with a count
    let text = l.ok(&["--lang", "zh", "today"]);
    assert!(text.lines().count() <= 24, "{text}");
}

/// `today`'s columns line up in Chinese: in each section the last column (the
/// organization) starts at the same display column on every line.
#[test]
fn today_columns_line_up_by_display_width() {
    let l = demo();
    for lang in ["zh", "en"] {
        let text = l.ok(&["--lang", lang, "today"]);
        let start = |line: &str| -> usize {
            let cut = line.rfind("  ").expect("columns") + 2;
            liangxin::text::width(&line[..cut])
        };
        let tasks: Vec<usize> = text
            .lines()
            .filter(|l| l.starts_with("  20"))
            .map(start)
            .collect();
        assert!(tasks.len() >= 2, "{text}");
        assert!(
            tasks.windows(2).all(|w| w[0] == w[1]),
            "{lang}: {tasks:?}\n{text}"
        );
        let alerts: Vec<usize> = text
            .lines()
            .skip(2)
            .take_while(|l| l.starts_with("  ") && !l.starts_with("  …"))
            .map(|l| {
                // age, rule, then the organization and person: where the
                // organization begins
                let t = l.trim_start();
                let lead = l.len() - t.len();
                let non_space =
                    |from: usize| from + t[from..].find(|c: char| c != ' ').expect("a column");
                let rule = non_space(t.find("  ").expect("age"));
                let org = non_space(rule + t[rule..].find("  ").expect("rule"));
                liangxin::text::width(&l[..lead + org])
            })
            .collect();
        assert!(alerts.len() >= 2, "{text}");
        assert!(
            alerts.windows(2).all(|w| w[0] == w[1]),
            "{lang}: {alerts:?}\n{text}"
        );
    }
}

/// Event alerts raised within `first_time_days` are first-time, older ones
/// backlog, housekeeping routine: checked against each alert's own days.
#[test]
fn alerts_carry_their_group_and_age() {
    let l = demo();
    let rows = l.json(&["alerts", "--format", "json"]);
    let rows = rows.as_array().unwrap();
    let events = [
        "new_member_hire",
        "identity_check_missing",
        "instructor_missing",
        "relation_not_transferred",
        "branch_eligible",
        "joint_branch_too_broad",
    ];
    let today = liangxin::domain::Date::parse("d", "2022-09-30").unwrap();
    let mut seen = std::collections::BTreeSet::new();
    for a in rows {
        let raised = liangxin::domain::Date::parse("d", a["raised_on"].as_str().unwrap()).unwrap();
        let age = raised.days_until(today);
        assert_eq!(a["age_days"].as_i64().unwrap(), age);
        let want = if !events.contains(&a["rule"].as_str().unwrap()) {
            "routine"
        } else if age <= 30 {
            "first-time"
        } else {
            "backlog"
        };
        assert_eq!(a["group"], want, "{a}");
        seen.insert(want);
    }
    assert_eq!(seen.len(), 3, "the demo has all three groups");
    // --group lists one group whole; a shorter first_time_days moves alerts to the backlog
    let first = l.json(&["alerts", "--group", "first-time", "--format", "json"]);
    let n_first = first.as_array().unwrap().len();
    assert!(n_first > 0);
    let cfg = l.dir.path().join("short.toml");
    std::fs::write(&cfg, "[alerts]\nfirst_time_days = 7\n").unwrap();
    let fewer = l.json(&[
        "--config",
        cfg.to_str().unwrap(),
        "alerts",
        "--group",
        "first-time",
        "--format",
        "json",
    ]);
    assert!(fewer.as_array().unwrap().len() < n_first);
}
