//! The traps other sync engines fell into (see the sync notes), each a test.

#[path = "common/replica.rs"]
mod replica;

use liangxin::domain::{Command, Id};
use liangxin::store::Store;
use liangxin::sync::{self, clock, conflicts, merge};
use replica::*;
use rusqlite::types::Value;

fn pair() -> (tempfile::TempDir, Store, Store, Id) {
    let dir = tempfile::tempdir().unwrap();
    let mut a = open(dir.path(), "a.db");
    let mut b = open(dir.path(), "b.db");
    let (_, org) = seed(&mut a);
    sync::exchange(&mut b, &mut a).unwrap();
    (dir, a, b, org)
}

fn kinds(s: &Store) -> Vec<String> {
    conflicts::list(s.conn())
        .unwrap()
        .into_iter()
        .map(|c| c.kind)
        .collect()
}

#[test]
fn update_against_delete_is_a_conflict_in_both_orders() {
    for a_first in [true, false] {
        let (_d, mut a, mut b, org) = pair();
        delete(&mut a, &org);
        set_name(&mut b, &org, "改名公司");
        if a_first {
            sync::pull_local(&mut b, &a, &sync::Sender::trusted(None)).unwrap();
            sync::pull_local(&mut a, &b, &sync::Sender::trusted(None)).unwrap();
        } else {
            sync::pull_local(&mut a, &b, &sync::Sender::trusted(None)).unwrap();
            sync::pull_local(&mut b, &a, &sync::Sender::trusted(None)).unwrap();
        }
        for s in [&a, &b] {
            assert_eq!(
                org_field(s, &org, "deleted"),
                Value::Integer(1),
                "delete holds"
            );
            assert_eq!(kinds(s), vec!["delete"], "the unseen edit is shown");
            let c = &conflicts::list(s.conn()).unwrap()[0];
            assert!(
                c.values
                    .iter()
                    .any(|v| v.field == "name" && v.value == "改名公司")
            );
        }
        assert_eq!(dump(&a), dump(&b));
        assert_eq!(
            conflicts::list(a.conn()).unwrap(),
            conflicts::list(b.conn()).unwrap()
        );
        // Keeping the edit restores the row; the resolution travels and clears both.
        let id = conflicts::list(b.conn()).unwrap()[0].row.clone();
        run(
            &mut b,
            Command::Settle {
                table: "orgs".into(),
                row: Id(id),
                field: "deleted".into(),
                value: Some("0".into()),
            },
        );
        sync::exchange(&mut a, &mut b).unwrap();
        settled(&[&a, &b], &org, "deleted", Value::Integer(0));
        settled(&[&a, &b], &org, "name", text("改名公司"));
    }
}

#[test]
fn an_edit_then_a_delete_that_saw_it_is_no_conflict() {
    let (_d, mut a, mut b, org) = pair();
    set_name(&mut b, &org, "改名公司");
    sync::exchange(&mut a, &mut b).unwrap();
    delete(&mut a, &org);
    sync::exchange(&mut a, &mut b).unwrap();
    assert!(kinds(&a).is_empty() && kinds(&b).is_empty());
    assert_eq!(org_field(&b, &org, "deleted"), Value::Integer(1));
}

#[test]
fn create_delete_recreate_converges() {
    let (_d, mut a, mut b, org) = pair();
    delete(&mut a, &org);
    run(
        &mut a,
        Command::Restore {
            table: "orgs".into(),
            row: org.clone(),
        },
    );
    delete(&mut a, &org);
    run(
        &mut a,
        Command::Restore {
            table: "orgs".into(),
            row: org.clone(),
        },
    );
    let dir = tempfile::tempdir().unwrap();
    let mut c = open(dir.path(), "c.db");
    // b receives the whole history at once, c receives it relayed through b.
    sync::pull_local(&mut b, &a, &sync::Sender::trusted(None)).unwrap();
    sync::pull_local(&mut c, &b, &sync::Sender::trusted(None)).unwrap();
    settled(&[&a, &b, &c], &org, "deleted", Value::Integer(0));
    assert_eq!(dump(&a), dump(&b));
    assert_eq!(dump(&a), dump(&c));
    // Nothing comes back by itself: a delete stays a delete on every replica.
    delete(&mut c, &org);
    sync::exchange(&mut a, &mut c).unwrap();
    sync::exchange(&mut b, &mut c).unwrap();
    for s in [&a, &b, &c] {
        assert_eq!(org_field(s, &org, "deleted"), Value::Integer(1));
    }
}

#[test]
fn equal_values_relayed_through_a_third_replica() {
    let (_d, mut a, mut b, org) = pair();
    let dir = tempfile::tempdir().unwrap();
    let mut c = open(dir.path(), "c.db");
    // a and b make the same edit without seeing each other.
    set_name(&mut a, &org, "同名公司");
    set_name(&mut b, &org, "同名公司");
    let street = match org_field(&b, &org, "street_id") {
        rusqlite::types::Value::Text(t) => Id(t),
        other => panic!("street {other:?}"),
    };
    let o = new_org(street);
    let org2 = o.id.clone();
    run(&mut b, Command::AddOrg(o));
    sync::pull_local(&mut c, &a, &sync::Sender::trusted(None)).unwrap();
    sync::pull_local(&mut c, &b, &sync::Sender::trusted(None)).unwrap();
    let mut d = open(dir.path(), "d.db");
    sync::pull_local(&mut d, &c, &sync::Sender::trusted(None)).unwrap();
    let mut union = merge::have(a.conn()).unwrap();
    for (site, n) in merge::have(b.conn()).unwrap() {
        let e = union.entry(site).or_insert(0);
        *e = (*e).max(n);
    }
    for s in [&c, &d] {
        assert_eq!(
            merge::have(s.conn()).unwrap(),
            union,
            "every op relayed, equal or not"
        );
        assert_eq!(org_field(s, &org, "name"), text("同名公司"));
        assert_eq!(
            org_field(s, &org2, "deleted"),
            Value::Integer(0),
            "b's row reached d"
        );
        assert!(kinds(s).is_empty(), "equal values are no conflict");
    }
    sync::exchange(&mut a, &mut d).unwrap();
    sync::exchange(&mut b, &mut d).unwrap();
    assert_eq!(dump(&a), dump(&d));
    assert_eq!(dump(&b), dump(&c));
    assert_eq!(dump(&c), dump(&d));
}

#[test]
fn concurrent_edits_keep_both_values_until_resolved() {
    let (_d, mut a, mut b, org) = pair();
    set_name(&mut a, &org, "甲公司");
    set_name(&mut b, &org, "乙公司");
    sync::exchange(&mut a, &mut b).unwrap();
    let list = conflicts::list(a.conn()).unwrap();
    assert_eq!(list, conflicts::list(b.conn()).unwrap());
    assert_eq!(list.len(), 1);
    let values: Vec<String> = list[0]
        .values
        .iter()
        .map(|v| v.value.as_str().unwrap().to_string())
        .collect();
    let mut sorted = values.clone();
    sorted.sort();
    assert_eq!(sorted, vec!["乙公司", "甲公司"], "both kept");
    assert!(
        list[0]
            .values
            .iter()
            .all(|v| v.who == "test (office)" && !v.at.is_empty()),
        "who and when"
    );
    let shown = org_field(&a, &org, "name");
    assert_eq!(
        shown,
        rusqlite::types::Value::Text(values[0].clone()),
        "the first value is the shown one"
    );
    assert_eq!(org_field(&b, &org, "name"), shown);
    // An ordinary edit does not settle it; a resolution does, everywhere.
    set_name(&mut a, &org, "丙公司");
    assert_eq!(conflicts::list(a.conn()).unwrap().len(), 1);
    let row = Id(list[0].row.clone());
    run(
        &mut a,
        Command::Settle {
            table: "orgs".into(),
            row,
            field: "name".into(),
            value: Some("\"定名公司\"".into()),
        },
    );
    sync::exchange(&mut a, &mut b).unwrap();
    settled(&[&a, &b], &org, "name", text("定名公司"));
}

#[test]
fn a_clock_a_year_ahead_is_flagged_and_does_not_drag_ours() {
    let (_d, mut a, mut b, org) = pair();
    let year_ahead = (clock::now_ms() + 365 * clock::DAY_MS) << clock::COUNTER_BITS;
    b.set_meta("hlc", &year_ahead.to_string()).unwrap();
    set_name(&mut b, &org, "未来公司");
    let rep = sync::pull_local(&mut a, &b, &sync::Sender::trusted(None)).unwrap();
    assert_eq!(rep.flagged, 1);
    let a_clock: i64 = a.meta("hlc").unwrap().unwrap().parse().unwrap();
    assert!(
        !clock::too_far_ahead(a_clock, clock::now_ms()),
        "a's clock stays near now"
    );
    let flagged: i64 = a
        .conn()
        .query_row("SELECT COUNT(*) FROM sync_flagged", [], |r| r.get(0))
        .unwrap();
    assert_eq!(flagged, 1);
    // An edit made after seeing the future value replaces it, despite its
    // smaller clock: the wrong clock does not win forever.
    set_name(&mut a, &org, "现在公司");
    sync::exchange(&mut a, &mut b).unwrap();
    settled(&[&a, &b], &org, "name", text("现在公司"));
}

#[test]
fn same_credit_code_from_two_offices_is_a_duplicate_not_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = open(dir.path(), "a.db");
    let mut b = open(dir.path(), "b.db");
    let (street, _) = seed(&mut a);
    sync::exchange(&mut a, &mut b).unwrap();
    for s in [&mut a, &mut b] {
        let mut o = new_org(street.clone());
        o.code = Some("911101080673385595".into());
        run(s, Command::AddOrg(o));
    }
    sync::exchange(&mut a, &mut b).unwrap();
    let n: i64 = a
        .conn()
        .query_row(
            "SELECT COUNT(*) FROM orgs WHERE code = '911101080673385595'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 2, "no row lost");
    assert_eq!(kinds(&a), vec!["duplicate"]);
    assert_eq!(
        conflicts::list(a.conn()).unwrap(),
        conflicts::list(b.conn()).unwrap()
    );
}

#[test]
fn ops_of_a_newer_schema_are_kept_not_applied() {
    let (_d, mut a, b, org) = pair();
    let _ = b;
    let site = Id::new().0;
    let mk = |seq, field: &str, value: &str, schema| sync::Op {
        site: site.clone(),
        seq,
        hlc: clock::now_ms() << clock::COUNTER_BITS,
        tbl: "orgs".into(),
        row: org.0.clone(),
        field: field.into(),
        value: Some(value.into()),
        schema,
        supersedes: None,
        actor: None,
        refused: None,
    };
    let now = liangxin::store::schema::SCHEMA_VERSION;
    let ops = vec![
        mk(1, "name", "\"旧版\"", now),
        mk(2, "future_column", "1", now + 1),
        mk(3, "name", "\"新版\"", now),
    ];
    let rep = sync::apply_ops(&mut a, &ops).unwrap();
    assert_eq!(
        (rep.applied, rep.pending),
        (1, 2),
        "the op after a newer one waits too"
    );
    assert_eq!(org_field(&a, &org, "name"), text("旧版"));
    assert_eq!(merge::have(a.conn()).unwrap().get(&site), Some(&1));
    let pending: i64 = a
        .conn()
        .query_row("SELECT COUNT(*) FROM sync_pending", [], |r| r.get(0))
        .unwrap();
    assert_eq!(pending, 2);
}

#[test]
fn malformed_ops_are_refused_and_nothing_applied() {
    let (_d, mut a, _b, org) = pair();
    let before = dump(&a);
    let good = sync::Op {
        site: Id::new().0,
        seq: 1,
        hlc: 1,
        tbl: "orgs".into(),
        row: org.0.clone(),
        field: "name".into(),
        value: Some("\"x\"".into()),
        schema: 1,
        supersedes: None,
        actor: None,
        refused: None,
    };
    let injected = sync::Op {
        seq: 2,
        field: "name = 'x'; --".into(),
        ..good.clone()
    };
    assert!(sync::apply_ops(&mut a, &[good.clone(), injected]).is_err());
    let float = sync::Op {
        seq: 2,
        value: Some("1.5".into()),
        ..good.clone()
    };
    assert!(sync::apply_ops(&mut a, &[good, float]).is_err());
    assert_eq!(dump(&a), before);
}

#[test]
fn two_processes_writing_one_file_never_share_a_sequence() {
    let (dir, mut a, mut laptop, org) = pair();
    let path = a.path().to_path_buf();
    let writers: Vec<_> = (0..2)
        .map(|t| {
            let path = path.clone();
            let org = org.clone();
            std::thread::spawn(move || {
                let mut s = Store::open(&path).unwrap();
                for i in 0..40 {
                    set_name(&mut s, &org, &format!("公司{t}-{i}"));
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    let own = |col: &str| -> Vec<i64> {
        let sql = format!("SELECT {col} FROM oplog WHERE site_id = ?1 ORDER BY seq");
        let mut stmt = a.conn().prepare(&sql).unwrap();
        stmt.query_map([a.site()], |r| r.get(0))
            .unwrap()
            .map(|x| x.unwrap())
            .collect()
    };
    let seqs = own("seq");
    assert_eq!(
        seqs,
        (1..=seqs.len() as i64).collect::<Vec<_>>(),
        "gap-free, no duplicates"
    );
    let hlcs = own("hlc");
    assert!(
        hlcs.windows(2).all(|w| w[0] < w[1]),
        "one clock per file, strictly rising"
    );
    // 80 edits, each seeing the one before: no conflict, and a replica agrees.
    sync::exchange(&mut laptop, &mut a).unwrap();
    assert!(kinds(&a).is_empty() && kinds(&laptop).is_empty());
    assert_eq!(dump(&a), dump(&laptop));
    drop(dir);
}

#[test]
fn edits_to_different_fields_of_one_row_never_conflict() {
    let (_d, mut a, mut b, org) = pair();
    set_name(&mut a, &org, "甲公司");
    run(
        &mut b,
        Command::SetOrg {
            org: org.clone(),
            fields: vec![liangxin::domain::command::OrgField::Employees(99)],
        },
    );
    sync::exchange(&mut a, &mut b).unwrap();
    settled(&[&a, &b], &org, "name", text("甲公司"));
    settled(&[&a, &b], &org, "employees", Value::Integer(99));
}

#[test]
fn a_database_copied_by_hand_is_refused_not_merged() {
    let (dir, mut a, _b, org) = pair();
    let copy = dir.path().join("copy.db");
    a.conn()
        .execute("VACUUM INTO ?1", [copy.to_str().unwrap()])
        .unwrap();
    let mut c = Store::open(&copy).unwrap();
    assert_eq!(c.site(), a.site(), "a plain copy keeps the site id");
    set_name(&mut a, &org, "甲公司");
    set_name(&mut c, &org, "丙公司");
    let before = dump(&a);
    let err = sync::pull_local(&mut a, &c, &sync::Sender::trusted(None))
        .unwrap_err()
        .to_string();
    assert!(err.contains(c.site()), "{err}");
    assert_eq!(dump(&a), before, "nothing applied");
}
