//! What counts in N and in the period figures: deregistered and revoked
//! organizations leave N from their status date, deleted rows count nowhere,
//! the uncovered split adds up (checked against the raw rows), and
//! `--community` narrows the period report.

mod common;

use std::collections::{HashMap, HashSet};

use common::{Ledger, small_ledger};
use liangxin::domain::{Command, Date, Id};
use liangxin::store::{Actor, Store};
use serde_json::Value;

fn coverage(l: &Ledger, day: &str) -> Value {
    l.json(&["report", "coverage", "--as-of", day, "--format", "json"])
}

fn period(l: &Ledger, from: &str, to: &str, extra: &[&str]) -> Value {
    let mut args = vec![
        "report", "period", "--from", from, "--to", to, "--format", "json",
    ];
    args.extend(extra);
    l.json(&args)
}

fn words(s: &str) -> Vec<&str> {
    s.split_whitespace().collect()
}

fn id_of(l: &Ledger, table: &str, name: &str) -> String {
    l.conn()
        .query_row(
            &format!("SELECT id FROM {table} WHERE name = ?1"),
            [name],
            |r| r.get(0),
        )
        .unwrap_or_else(|e| panic!("{table} {name}: {e}"))
}

/// Tombstones a row through the store's one write path (what a peer's
/// delete, or a resolved conflict, leaves behind).
fn delete(l: &Ledger, table: &str, id: &str) {
    let mut store = Store::open(&l.db).expect("open");
    let actor = Actor::of_process("test", "district");
    let on = Date::parse("on", "2022-10-01").expect("date");
    let cmd = Command::Delete {
        table: table.to_string(),
        row: Id(id.to_string()),
    };
    store.apply(&actor, on, cmd, None).expect("delete");
    let deleted: i64 = l
        .conn()
        .query_row(
            &format!("SELECT deleted FROM {table} WHERE id = ?1"),
            [id],
            |r| r.get(0),
        )
        .expect("row");
    assert_eq!(deleted, 1);
}

fn names(list: &Value) -> Vec<String> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|o| o["name"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn deregistered_and_revoked_leave_n_from_their_status_date() {
    let l = small_ledger();
    l.ok(&words(
        "--on 2022-05-10 branch found --name 联合支部 --mode joint --covers 常德甲公司,常德乙公司",
    ));
    l.ok(&words(
        "--on 2022-07-01 org set 常德甲公司 status=deregistered",
    ));
    let status_on: String = l
        .conn()
        .query_row(
            "SELECT status_on FROM orgs WHERE name = '常德甲公司'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        status_on, "2022-07-01",
        "the op's --on day is the status date"
    );

    let before = coverage(&l, "2022-06-30");
    assert_eq!(
        before["total"], 3,
        "the day before the status date still counts it"
    );
    assert_eq!(before["covered"], 2);
    let after = coverage(&l, "2022-07-01");
    assert_eq!(
        after["total"], 2,
        "deregistered organizations are not operating"
    );
    assert_eq!(after["covered"], 1);
    assert_eq!(after["streets"][0]["total"], 2);
    assert_eq!(after["by_kind"]["enterprise"]["total"], 2);

    l.ok(&words("--on 2022-08-01 org set 常德乙公司 status=revoked"));
    assert_eq!(coverage(&l, "2022-07-31")["total"], 2);
    let revoked = coverage(&l, "2022-08-01");
    assert_eq!(revoked["total"], 1);
    assert_eq!(revoked["covered"], 0);

    // the period report: N at the start (day before `from`) and at the end
    let r = period(&l, "2022-07-01", "2022-08-31", &[]);
    assert_eq!(r["coverage_start"]["total"], 3);
    assert_eq!(r["coverage_start"]["covered"], 2);
    assert_eq!(r["coverage_end"]["total"], 1);
    assert_eq!(r["coverage_end"]["covered"], 0);

    // the ledger list is N too
    let list = |day: &str| l.json(&["--today", day, "org", "list", "--format", "json"]);
    assert_eq!(list("2022-06-30").as_array().map(Vec::len), Some(3));
    let now = names(&list("2022-08-02"));
    assert_eq!(now, vec!["常德丙公司".to_string()], "{now:?}");

    // a status set back to active counts again from that day
    l.ok(&words("--on 2022-09-01 org set 常德乙公司 status=active"));
    assert_eq!(coverage(&l, "2022-09-01")["total"], 2);
}

#[test]
fn deleted_persons_count_in_no_transfer_or_activist() {
    let l = small_ledger();
    l.ok(&words(
        "--on 2022-03-01 branch found --name 联合支部 --mode joint --covers 常德甲公司,常德乙公司",
    ));
    for name in ["王伟", "李娜"] {
        l.ok(&words(&format!(
            "--on 2022-03-01 person add --org 常德甲公司 --name {name} --status formal --hired-on 2022-03-01 --relation residence"
        )));
        l.ok(&words(&format!(
            "--on 2022-07-10 person transfer {name} --to 联合支部"
        )));
    }
    for name in ["赵敏", "陈静"] {
        l.ok(&words(&format!(
            "--on 2022-03-01 person add --org 常德甲公司 --name {name} --status none --manager"
        )));
        l.ok(&words(&format!(
            "--on 2022-07-12 person status {name} --status activist"
        )));
    }
    let r = period(&l, "2022-07-01", "2022-09-30", &[]);
    assert_eq!(r["transfers_in"], 2);
    assert_eq!(r["transfers_from_residence"], 2);
    assert_eq!(r["activists"], 2);
    assert_eq!(r["activist_managers"], 2);
    assert_eq!(r["activist_manager_enterprises"], 1);

    delete(&l, "persons", &id_of(&l, "persons", "王伟"));
    delete(&l, "persons", &id_of(&l, "persons", "赵敏"));
    let r = period(&l, "2022-07-01", "2022-09-30", &[]);
    assert_eq!(r["transfers_in"], 1);
    assert_eq!(r["transfers_from_residence"], 1);
    assert_eq!(r["activists"], 1);
    assert_eq!(r["activist_managers"], 1);
    assert_eq!(r["activist_manager_enterprises"], 1);

    delete(&l, "persons", &id_of(&l, "persons", "陈静"));
    let r = period(&l, "2022-07-01", "2022-09-30", &[]);
    assert_eq!(r["activists"], 0);
    assert_eq!(r["activist_manager_enterprises"], 0);
    // the text leaves out the sentences that have nothing left to count
    let text = l.ok(&words("report period --from 2022-07-01 --to 2022-09-30"));
    assert!(!text.contains("activist"), "{text}");
    assert!(text.contains("1 members transferred"), "{text}");
}

#[test]
fn a_deleted_organization_counts_nowhere() {
    let l = small_ledger();
    l.ok(&words(
        "--on 2022-07-02 person add --org 常德丙公司 --name 王伟 --status formal --hired-on 2022-07-02",
    ));
    l.ok(&words("--on 2022-07-05 survey 常德丙公司"));
    l.ok(&words(
        "--on 2022-07-05 instructor add --name 赵强 --source retired",
    ));
    l.ok(&words("--on 2022-07-06 instructor assign 赵强 常德丙公司"));
    let c = coverage(&l, "2022-07-10");
    assert_eq!(c["total"], 3);
    assert_eq!(c["not_covered_with_members"], 1);
    assert_eq!(c["instructor_only"], 1);
    let r = period(&l, "2022-07-01", "2022-09-30", &[]);
    assert_eq!(r["surveyed"], 1);
    assert_eq!(r["first_surveyed"], 1);
    assert_eq!(r["instructors_assigned"]["retired"], 1);
    assert_eq!(r["no_member_hires"].as_array().map(Vec::len), Some(1));

    l.ok(&["org", "delete", "常德丙公司"]);
    let c = coverage(&l, "2022-07-10");
    assert_eq!(c["total"], 2, "a deleted organization leaves N");
    assert_eq!(c["not_covered_with_members"], 0);
    assert_eq!(c["instructor_only"], 0);
    assert_eq!(c["streets"][0]["total"], 2);
    let r = period(&l, "2022-07-01", "2022-09-30", &[]);
    assert_eq!(r["coverage_end"]["total"], 2);
    assert_eq!(r["surveyed"], 0);
    assert_eq!(r["first_surveyed"], 0);
    assert_eq!(r["instructors_assigned"]["retired"], 0);
    assert_eq!(r["no_member_hires"].as_array().map(Vec::len), Some(0));
}

#[test]
fn members_are_counted_as_of_the_day() {
    let l = small_ledger();
    l.ok(&words(
        "--on 2022-03-01 person add --org 常德丙公司 --name 王伟 --status activist --hired-on 2022-03-01",
    ));
    l.ok(&words(
        "--on 2022-06-01 person status 王伟 --status probationary",
    ));
    l.ok(&words(
        "--on 2022-08-01 person add --org 常德乙公司 --name 李娜 --status formal --hired-on 2022-08-01",
    ));
    let with = |day: &str| coverage(&l, day)["not_covered_with_members"].clone();
    assert_eq!(with("2022-05-31"), 0, "an activist is not yet a member");
    assert_eq!(with("2022-06-01"), 1, "a probationary member from that day");
    assert_eq!(with("2022-07-31"), 1, "not hired yet");
    assert_eq!(with("2022-08-01"), 2);
    let c = coverage(&l, "2022-08-01");
    assert_eq!(c["not_covered_no_members"], 1);
    assert_eq!(c["streets"][0]["not_covered_with_members"], 2);
}

fn assert_split_adds_up(c: &Value, what: &str) {
    let n = |k: &str| {
        c[k].as_i64()
            .unwrap_or_else(|| panic!("{what}: {k} in {c}"))
    };
    assert_eq!(n("not_covered"), n("total") - n("covered"), "{what}");
    assert_eq!(
        n("not_covered_with_members") + n("not_covered_no_members"),
        n("not_covered"),
        "{what}"
    );
    assert_eq!(
        n("not_covered"),
        n("instructor_only") + n("uncovered"),
        "{what}"
    );
}

/// A status change: (on, id, from status, status).
type Change = (String, String, Option<String>, String);

/// The split computed a second way: from the raw rows, in Rust.
fn raw_split(l: &Ledger, day: &str) -> (i64, i64, i64) {
    let conn = l.conn();
    let in_force =
        |from: &str, to: &Option<String>| from <= day && to.as_deref().is_none_or(|t| t > day);
    let mut operating: HashMap<String, bool> = HashMap::new(); // id → enterprise
    let mut stmt = conn
        .prepare("SELECT id, entered_on, closed_on, status, status_on, deleted, kind FROM orgs")
        .unwrap();
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, i64>(5)?,
                r.get::<_, String>(6)?,
            ))
        })
        .unwrap();
    for row in rows {
        let (id, entered, closed, status, status_on, deleted, kind) = row.unwrap();
        let gone = status != "active" && status_on.as_deref().unwrap_or(&entered) <= day;
        if deleted == 0 && in_force(&entered, &closed) && !gone {
            operating.insert(id, kind == "enterprise");
        }
    }
    let mut covered: HashSet<String> = HashSet::new();
    let mut stmt = conn
        .prepare(
            "SELECT l.org_id, l.from_on, l.to_on, p.founded_on, p.dissolved_on, l.deleted + p.deleted
             FROM links l JOIN party_orgs p ON p.id = l.party_org_id",
        )
        .unwrap();
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, i64>(5)?,
            ))
        })
        .unwrap();
    for row in rows {
        let (org, from, to, founded, dissolved, deleted) = row.unwrap();
        if deleted == 0 && in_force(&from, &to) && in_force(&founded, &dissolved) {
            covered.insert(org);
        }
    }
    // a person's status on the day: the last change on or before it, else
    // the status before the first change, else the current one
    let mut changes: HashMap<String, Vec<Change>> = HashMap::new();
    let mut stmt = conn
        .prepare("SELECT person_id, on_date, id, from_status, status FROM status_changes")
        .unwrap();
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, String>(4)?,
            ))
        })
        .unwrap();
    for row in rows {
        let (person, on, id, from, to) = row.unwrap();
        changes.entry(person).or_default().push((on, id, from, to));
    }
    let mut with_members: HashSet<String> = HashSet::new();
    let mut stmt = conn
        .prepare("SELECT id, org_id, status, hired_on, left_on, deleted FROM persons")
        .unwrap();
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, i64>(5)?,
            ))
        })
        .unwrap();
    for row in rows {
        let (id, org, status, hired, left, deleted) = row.unwrap();
        let Some(org) = org else { continue };
        let working =
            hired.as_deref().is_none_or(|h| h <= day) && left.as_deref().is_none_or(|x| x > day);
        let mut ch = changes.remove(&id).unwrap_or_default();
        ch.sort();
        let then = match ch.iter().rev().find(|c| c.0.as_str() <= day) {
            Some(c) => c.3.clone(),
            None => match ch.first() {
                Some(c) => c.2.clone().unwrap_or_else(|| c.3.clone()),
                None => status,
            },
        };
        if deleted == 0 && working && (then == "formal" || then == "probationary") {
            with_members.insert(org);
        }
    }
    let not_covered: Vec<&String> = operating
        .keys()
        .filter(|id| !covered.contains(*id))
        .collect();
    let with = not_covered
        .iter()
        .filter(|id| with_members.contains(**id))
        .count() as i64;
    let enterprises = operating.values().filter(|e| **e).count() as i64;
    (not_covered.len() as i64, with, enterprises)
}

#[test]
fn the_uncovered_split_adds_up_and_agrees_with_the_raw_rows() {
    let l = Ledger::new();
    l.ok(&["demo", "--no-tui"]);
    // take some organizations out of N: deregistered, revoked, deleted; and
    // tombstone a member where one works without a party organization
    let pick = |sql: &str| -> Vec<String> {
        let conn = l.conn();
        let mut stmt = conn.prepare(sql).unwrap();
        stmt.query_map([], |r| r.get::<_, String>(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    let orgs = pick("SELECT id FROM orgs WHERE deleted = 0 ORDER BY id LIMIT 6");
    assert_eq!(orgs.len(), 6);
    for id in &orgs[0..2] {
        l.ok(&[
            "--on",
            "2022-06-01",
            "org",
            "set",
            id,
            "status=deregistered",
        ]);
    }
    l.ok(&[
        "--on",
        "2022-05-01",
        "org",
        "set",
        &orgs[2],
        "status=revoked",
    ]);
    l.ok(&["org", "delete", &orgs[3]]);
    let members = pick(
        "SELECT p.id FROM persons p WHERE p.status = 'formal' AND p.deleted = 0
           AND p.org_id NOT IN (SELECT org_id FROM links) ORDER BY p.id LIMIT 2",
    );
    assert!(!members.is_empty(), "the demo has members without a branch");
    for id in &members {
        delete(&l, "persons", id);
    }
    for day in ["2022-03-31", "2022-05-31", "2022-09-30"] {
        let c = coverage(&l, day);
        assert_split_adds_up(&c, day);
        for s in c["streets"].as_array().unwrap() {
            assert_split_adds_up(s, &format!("{day} {}", s["name"]));
        }
        for k in ["enterprise", "social"] {
            assert_split_adds_up(&c["by_kind"][k], &format!("{day} {k}"));
        }
        let (not_covered, with_members, enterprises) = raw_split(&l, day);
        assert_eq!(c["not_covered"].as_i64(), Some(not_covered), "{day}");
        assert_eq!(
            c["not_covered_with_members"].as_i64(),
            Some(with_members),
            "{day}"
        );
        assert!(with_members > 0 && with_members < not_covered, "{day}");
        assert_eq!(
            c["by_kind"]["enterprise"]["total"].as_i64(),
            Some(enterprises),
            "{day}"
        );
        let kinds = c["by_kind"]["enterprise"]["total"].as_i64().unwrap()
            + c["by_kind"]["social"]["total"].as_i64().unwrap();
        assert_eq!(c["total"].as_i64(), Some(kinds), "{day}");
    }
    // the deregistrations count only from their date
    let may = coverage(&l, "2022-05-31")["total"].as_i64().unwrap();
    let june = coverage(&l, "2022-06-01")["total"].as_i64().unwrap();
    assert_eq!(may - june, 2);
    // the text shows the split and the kinds
    let text = l.ok(&["--lang", "zh", "report", "coverage"]);
    for want in ["有党员未组建", "无党员", "非公企业", "社会组织"] {
        assert!(text.contains(want), "{want}: {text}");
    }
}

#[test]
fn community_narrows_the_period_report() {
    let l = small_ledger();
    l.ok(&words(
        "--on 2022-01-01 community add 北坪社区 --street 南坪街道",
    ));
    l.ok(&words("org set 常德甲公司 community=南坪社区"));
    l.ok(&words("org set 常德乙公司 community=北坪社区"));
    l.ok(&words(
        "--on 2022-05-10 branch found --name 甲公司支部 --mode standalone --covers 常德甲公司",
    ));
    l.ok(&words(
        "--on 2022-05-12 branch found --name 乙公司支部 --mode standalone --covers 常德乙公司",
    ));
    l.ok(&words("--on 2022-05-20 survey 常德甲公司"));
    l.ok(&words("--on 2022-05-21 survey 常德乙公司"));
    l.ok(&words("--on 2022-05-22 survey 常德丙公司"));
    let all = period(&l, "2022-04-01", "2022-06-30", &[]);
    assert_eq!(all["new_party_orgs"], 2);
    assert_eq!(all["coverage_end"]["total"], 3);
    assert_eq!(all["surveyed"], 3);
    assert!(all["community"].is_null());

    let south = period(&l, "2022-04-01", "2022-06-30", &["--community", "南坪社区"]);
    assert_eq!(south["community"], "南坪社区");
    assert_eq!(south["new_party_orgs"], 1);
    assert_eq!(south["new_party_orgs_cover"], 1);
    assert_eq!(south["coverage_end"]["total"], 1);
    assert_eq!(south["coverage_end"]["covered"], 1);
    assert_eq!(south["surveyed"], 1);

    let north = period(
        &l,
        "2022-04-01",
        "2022-06-30",
        &["--street", "南坪街道", "--community", "北坪社区"],
    );
    assert_eq!(north["new_party_orgs"], 1);
    assert_eq!(north["newly_covered"], 1);
    assert_eq!(north["surveyed"], 1);
    assert_eq!(north["street"], "南坪街道");

    let text = l.ok(&[
        "--lang",
        "zh",
        "report",
        "period",
        "--from",
        "2022-04-01",
        "--to",
        "2022-06-30",
        "--street",
        "南坪街道",
        "--community",
        "北坪社区",
    ]);
    assert!(
        text.contains("南坪街道北坪社区新建党组织1个，覆盖两新组织1家"),
        "{text}"
    );
    let o = l.run(&words(
        "report period --from 2022-04-01 --to 2022-06-30 --community 无此社区",
    ));
    assert!(!o.ok, "an unknown community is refused");
}
