//! Every value a field takes meets one rule (`domain::fields`), whichever
//! door it comes in by: `conflicts resolve --value`, a local command, a form.
//! A refused value names the field and the value, and writes nothing.

mod common;

use common::{Ledger, small_ledger};
use liangxin::domain::Date;
use liangxin::error::Error;
use liangxin::store::{Actor, Store, resolve};
use liangxin::tui::form::FormKind;
use liangxin::tui::forms::{self, Saved};
use serde_json::Value;

fn clone_of(l: &Ledger) -> Ledger {
    let c = Ledger::new();
    c.ok(&["sync", "clone", l.db.to_str().unwrap()]);
    c
}

/// Two replicas that set `org`'s field differently, synced: the one conflict
/// on `field`, seen from the laptop.
fn conflict(field: &str, server_value: &str, laptop_value: &str) -> (Ledger, Ledger, Value) {
    let server = small_ledger();
    let laptop = clone_of(&server);
    server.ok(&[
        "org",
        "set",
        "常德乙公司",
        &format!("{field}={server_value}"),
    ]);
    laptop.ok(&[
        "org",
        "set",
        "常德乙公司",
        &format!("{field}={laptop_value}"),
    ]);
    laptop.ok(&["sync", server.db.to_str().unwrap()]);
    let list = laptop.json(&["conflicts", "--format", "json"]);
    let c = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["field"] == field)
        .unwrap_or_else(|| panic!("no conflict on {field}: {list}"))
        .clone();
    (server, laptop, c)
}

/// `conflicts resolve ID --value V` is refused: non-zero exit, a message
/// naming the field and the value, nothing written, the conflict still
/// listed, and the ledger still readable. In Chinese the field is named by
/// its label (the caller checks which), never by its column name.
fn refused(l: &Ledger, c: &Value, value: &str, lang: &str) -> String {
    let id = c["id"].as_str().unwrap();
    let before = l.counts();
    let conflicts = l.json(&["conflicts", "--format", "json"]);
    let o = l.run(&["--lang", lang, "conflicts", "resolve", id, "--value", value]);
    assert!(!o.ok, "{value} was taken: {}", o.stdout);
    let field = c["field"].as_str().unwrap();
    assert!(
        o.stderr.contains(value) && (lang == "zh") != o.stderr.contains(field),
        "the message names {field} ({lang}) and {value}: {}",
        o.stderr
    );
    assert_eq!(l.counts(), before, "a refused value wrote something");
    assert_eq!(l.json(&["conflicts", "--format", "json"]), conflicts);
    l.ok(&["org", "list"]);
    o.stderr
}

#[test]
fn text_or_a_negative_number_for_employees_is_refused_and_a_number_settles_it() {
    let (server, laptop, c) = conflict("employees", "50", "60");
    let zh = refused(&laptop, &c, "abc", "zh");
    assert!(zh.contains("从业人数"), "{zh}");
    let en = refused(&laptop, &c, "abc", "en");
    assert!(en.contains("expected a whole number"), "{en}");
    let neg = refused(&laptop, &c, "-5", "en");
    assert!(neg.contains("must not be negative"), "{neg}");
    let big = refused(&laptop, &c, "10000001", "en");
    assert!(big.contains("10000000"), "{big}");
    refused(&laptop, &c, "12.5", "en");

    laptop.ok(&[
        "conflicts",
        "resolve",
        c["id"].as_str().unwrap(),
        "--value",
        "70",
    ]);
    laptop.ok(&["sync", server.db.to_str().unwrap()]);
    for l in [&server, &laptop] {
        assert_eq!(
            l.json(&["conflicts", "--format", "json"]),
            Value::Array(vec![])
        );
        let org = l.json(&["org", "show", "常德乙公司", "--format", "json"]);
        assert_eq!(org["employees"], 70, "{org}");
        l.ok(&["org", "list"]);
    }
}

#[test]
fn a_date_outside_the_accepted_years_or_the_calendar_is_refused() {
    let (_server, laptop, c) = conflict("entered_on", "2022-02-01", "2022-03-01");
    let far = refused(&laptop, &c, "1800-01-01", "en");
    assert!(far.contains("1900"), "{far}");
    refused(&laptop, &c, "2101-01-01", "en");
    refused(&laptop, &c, "2022-02-30", "en");
    refused(&laptop, &c, "yesterday", "en");
    let zh = refused(&laptop, &c, "1800-01-01", "zh");
    assert!(zh.contains("入册日期"), "{zh}");
    laptop.ok(&[
        "conflicts",
        "resolve",
        c["id"].as_str().unwrap(),
        "--value",
        "2022-02-15",
    ]);
    let org = laptop.json(&["org", "show", "常德乙公司", "--format", "json"]);
    assert_eq!(org["entered_on"], "2022-02-15", "{org}");
}

#[test]
fn a_kind_or_status_outside_its_vocabulary_is_refused_and_a_label_is_read_as_its_code() {
    let (_server, laptop, c) = conflict("kind", "social-group", "foundation");
    let e = refused(&laptop, &c, "big", "en");
    assert!(e.contains("enterprise|social-group"), "{e}");
    refused(&laptop, &c, "", "en");
    laptop.ok(&[
        "conflicts",
        "resolve",
        c["id"].as_str().unwrap(),
        "--value",
        "基金会",
    ]);
    let kind: String = laptop
        .conn()
        .query_row(
            "SELECT kind FROM orgs WHERE name = '常德乙公司'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(kind, "foundation");

    let (_server, laptop, c) = conflict("status", "deregistered", "revoked");
    let e = refused(&laptop, &c, "closed", "en");
    assert!(e.contains("active|deregistered|revoked"), "{e}");
    let zh = refused(&laptop, &c, "closed", "zh");
    assert!(zh.contains("登记状态"), "{zh}");
}

#[test]
fn a_reference_to_a_row_that_does_not_exist_is_refused() {
    let server = small_ledger();
    server.ok(&["community", "add", "北坪社区", "--street", "南坪街道"]);
    let laptop = clone_of(&server);
    server.ok(&["org", "set", "常德乙公司", "community=南坪社区"]);
    laptop.ok(&["org", "set", "常德乙公司", "community=北坪社区"]);
    laptop.ok(&["sync", server.db.to_str().unwrap()]);
    let list = laptop.json(&["conflicts", "--format", "json"]);
    let c = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["field"] == "community_id")
        .unwrap_or_else(|| panic!("{list}"))
        .clone();
    let e = refused(&laptop, &c, "0190f1c2-7a3b-7c4d-8e5f-0123456789ab", "en");
    assert!(e.contains("communities"), "{e}");
    refused(&laptop, &c, "not an id", "en");
}

#[test]
fn a_local_command_meets_the_same_range() {
    let l = small_ledger();
    let before = l.counts();
    let o = l.run(&["org", "set", "常德乙公司", "employees=10000001"]);
    assert!(!o.ok && o.stderr.contains("employees") && o.stderr.contains("10000001"));
    assert_eq!(l.counts(), before);
    l.ok(&["org", "set", "常德乙公司", "employees=10000000"]);
    let org = l.json(&["org", "show", "常德乙公司", "--format", "json"]);
    assert_eq!(org["employees"], 10_000_000);
}

fn actor() -> Actor {
    Actor {
        os_user: "张".into(),
        name: "张".into(),
        office: "party".into(),
        ..Actor::default()
    }
}

/// Saves `form` after typing `typed` into `key`; the error, if any.
fn save_with(store: &mut Store, kind: FormKind, key: &str, typed: &str) -> Option<Error> {
    let today = Date::parse("today", "2022-06-01").unwrap();
    let org = resolve::org(store.conn(), "常德甲公司").unwrap();
    let mut form = forms::open(store.conn(), kind, Some(org.as_str()), &[], today).unwrap();
    if kind == FormKind::AddOrg {
        form.field_mut("name").unwrap().input =
            ratatui_textarea::TextArea::new(vec!["常德丁公司".to_string()]);
    }
    form.field_mut(key).unwrap().input = ratatui_textarea::TextArea::new(vec![typed.to_string()]);
    match forms::save(store, &actor(), &form, today, false) {
        Ok(Saved::Done(_)) => None,
        Ok(Saved::Stale(s)) => panic!("stale: {s:?}"),
        Err(e) => Some(e),
    }
}

#[test]
fn form_fields_meet_the_rule_of_the_column_they_write() {
    let l = small_ledger();
    let mut store = Store::open(&l.db).unwrap();
    let ops = l.count("oplog");
    let long = "长".repeat(201);
    for (kind, key, typed) in [
        (FormKind::EditOrg, "employees", "abc"),
        (FormKind::EditOrg, "employees", "10000001"),
        (FormKind::EditOrg, "employees", "-1"),
        (FormKind::EditOrg, "industry", long.as_str()),
        (FormKind::EditOrg, "name", ""),
        (FormKind::Survey, "employees", "10000001"),
        (FormKind::AddOrg, "employees", "10000001"),
        (FormKind::AddOrg, "code", "91110108067338559"),
        (FormKind::Hire, "name", " "),
    ] {
        let Some(e) = save_with(&mut store, kind, key, typed) else {
            panic!("{kind:?} took {key}={typed}");
        };
        match &e {
            // The field is the form's key, so the message stands by it.
            Error::Invalid { field, value, .. } => {
                assert_eq!(field, key, "{e}");
                assert!(typed.starts_with(value.trim_end_matches('…')), "{e}");
            }
            other => panic!("{kind:?} {key}={typed}: {other}"),
        }
    }
    assert_eq!(l.count("oplog"), ops, "a refused form wrote something");
    assert!(save_with(&mut store, FormKind::EditOrg, "employees", "10000000").is_none());
    let org = l.json(&["org", "show", "常德甲公司", "--format", "json"]);
    assert_eq!(org["employees"], 10_000_000);
}
