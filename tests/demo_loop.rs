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
    let mut by_rule: BTreeMap<String, i64> = BTreeMap::new();
    let mut stmt = conn
        .prepare("SELECT rule, COUNT(*) FROM alerts WHERE state = 'open' GROUP BY rule")
        .unwrap();
    for r in stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
        .unwrap()
    {
        let (k, n) = r.unwrap();
        by_rule.insert(k, n);
    }
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
        "昨天以来的新预警",
        "今天到期的任务",
        "逾期任务",
        "未处理预警（按规则）",
    ] {
        assert!(text.contains(part), "{part}:\n{text}");
    }
    assert!(
        text.lines().count() < 60,
        "short enough for a login message:\n{text}"
    );
}
