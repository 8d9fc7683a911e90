//! Where options may go on the line. Each test has a database of its own.

mod common;

use common::{Ledger, small_ledger};

/// The date and reason the last audit record was written with.
fn last_audit(l: &Ledger) -> (String, Option<String>) {
    l.conn()
        .query_row(
            "SELECT on_date, reason FROM audit ORDER BY rowid DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("an audit record")
}

fn employees(l: &Ledger, org: &str) -> serde_json::Value {
    l.json(&["org", "show", org, "--format", "json"])["employees"].clone()
}

#[test]
fn options_after_a_field_list_are_options() {
    let l = small_ledger();
    l.ok(&[
        "org",
        "set",
        "常德乙公司",
        "employees=5",
        "--on",
        "2024-02-01",
    ]);
    assert_eq!(employees(&l, "常德乙公司"), 5);
    assert_eq!(last_audit(&l), ("2024-02-01".to_string(), None));

    // Between the pairs and after them, several options.
    l.ok(&[
        "org",
        "set",
        "常德乙公司",
        "employees=6",
        "--reason",
        "复核",
        "address=武陵大道1号",
        "--on",
        "2024-03-01",
    ]);
    let v = l.json(&["org", "show", "常德乙公司", "--format", "json"]);
    assert_eq!(v["employees"], 6);
    assert_eq!(v["address"], "武陵大道1号");
    assert_eq!(
        last_audit(&l),
        ("2024-03-01".to_string(), Some("复核".to_string()))
    );

    // Before the list, as it always worked.
    l.ok(&[
        "org",
        "set",
        "--on",
        "2024-04-01",
        "常德乙公司",
        "employees=7",
    ]);
    assert_eq!(employees(&l, "常德乙公司"), 7);
    assert_eq!(last_audit(&l).0, "2024-04-01");
}

#[test]
fn a_negative_value_in_a_pair_still_reaches_its_check() {
    let l = small_ledger();
    let before = l.counts();
    let o = l.run(&[
        "org",
        "set",
        "常德乙公司",
        "employees=-5",
        "--on",
        "2024-02-01",
    ]);
    assert!(!o.ok, "accepted: {}", o.stdout);
    assert!(
        o.stderr
            .contains("field employees has an invalid value \"-5\": must not be negative"),
        "{}",
        o.stderr
    );
    // An option the command does not know is refused by name, not taken as a pair.
    let o = l.run(&["org", "set", "常德乙公司", "employees=5", "--bogus"]);
    assert!(!o.ok);
    assert!(o.stderr.contains("'--bogus'"), "{}", o.stderr);
    assert!(!o.stderr.contains("FIELD=VALUE"), "{}", o.stderr);
    assert_eq!(l.counts(), before, "a refused write left something");
}
