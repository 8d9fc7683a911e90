//! Tests of `fields`.
use super::*;

fn t(s: &str) -> Val {
    Val::Text(s.to_string())
}

fn refused(table: &str, field: &str, v: Val) -> FieldError {
    match check(table, field, &v) {
        Err(e) => e,
        Ok(()) => panic!("{table}.{field} took {v:?}"),
    }
}

#[test]
fn employees_are_whole_numbers_from_zero_to_ten_million() {
    for table in ["orgs", "surveys"] {
        for ok in [
            Val::Int(0),
            Val::Int(MAX_EMPLOYEES),
            Val::Int(12),
            Val::Null,
        ] {
            assert_eq!(check(table, "employees", &ok), Ok(()), "{ok:?}");
        }
        let e = refused(table, "employees", Val::Int(-1));
        assert_eq!((e.field.as_str(), e.value.as_str()), ("employees", "-1"));
        assert_eq!(e.label, tr("从业人数", "employees"));
        assert_eq!(e.reason, tr("不能为负数", "must not be negative"));
        let e = refused(table, "employees", Val::Int(MAX_EMPLOYEES + 1));
        assert!(e.reason.contains("10000000"), "{e}");
        refused(table, "employees", Val::Int(i64::MAX));
        refused(table, "employees", Val::Int(i64::MIN));
        let e = refused(table, "employees", t("abc"));
        assert_eq!(
            (e.value.as_str(), e.reason.as_str()),
            ("abc", tr("应为整数", "expected a whole number"))
        );
        let msg = Error::from(e).to_string();
        assert!(
            msg.contains(tr("从业人数", "employees")) && msg.contains("abc"),
            "{msg}"
        );
        // Chinese names the field in Chinese only
        if crate::i18n::current() == crate::i18n::Lang::Zh {
            assert!(!msg.contains("employees"), "{msg}");
        }
        refused(table, "employees", t("12"));
    }
}

#[test]
fn dates_are_exact_and_in_the_accepted_years() {
    for ok in ["1900-01-01", "2100-12-31", "2000-02-29"] {
        assert_eq!(check("orgs", "entered_on", &t(ok)), Ok(()), "{ok}");
    }
    for bad in [
        "1899-12-31",
        "2101-01-01",
        "2022-02-30",
        "2022-9-30",
        " 2022-09-30",
        "2022/09/30",
        "yesterday",
        "",
    ] {
        let e = refused("orgs", "entered_on", t(bad));
        assert_eq!(e.value, bad);
    }
    assert!(
        refused("orgs", "entered_on", t("1800-01-01"))
            .reason
            .contains("1900")
    );
    refused("orgs", "entered_on", Val::Int(20220101));
    refused("orgs", "entered_on", Val::Null);
    assert_eq!(check("orgs", "closed_on", &Val::Null), Ok(()));
}

#[test]
fn vocabularies_take_their_codes_only() {
    for k in OrgKind::ALL {
        assert_eq!(check("orgs", "kind", &t(k.code())), Ok(()));
    }
    let e = refused("orgs", "kind", t("非公企业"));
    assert!(e.reason.contains("enterprise|social-group"), "{e}");
    refused("orgs", "kind", t("big"));
    refused("orgs", "kind", Val::Null);
    refused("orgs", "status", t("closed"));
    assert_eq!(check("orgs", "status", &t("revoked")), Ok(()));
    assert_eq!(check("persons", "status", &t("none")), Ok(()));
    refused("persons", "status", t("active"));
    assert_eq!(check("persons", "relation", &Val::Null), Ok(()));
    for s in crate::domain::kinds::AlertState::ALL
        .iter()
        .map(|s| s.code())
    {
        assert_eq!(check("alerts", "state", &t(s)), Ok(()));
    }
    refused("alerts", "state", t("gone"));
    assert_eq!(check("alerts", "rule", &t("ledger_stale")), Ok(()));
    assert_eq!(check("users", "role", &t("read-only")), Ok(()));
    assert_eq!(check("tasks", "stage", &t("follow-up")), Ok(()));
    refused("tasks", "stage", t("done"));
}

#[test]
fn flags_are_zero_or_one() {
    for ok in [0, 1] {
        assert_eq!(check("orgs", "identity_check", &Val::Int(ok)), Ok(()));
        assert_eq!(check("users", "deleted", &Val::Int(ok)), Ok(()));
    }
    for bad in [Val::Int(2), Val::Int(-1), t("yes"), t("1"), Val::Null] {
        refused("orgs", "legal_rep_member", bad);
    }
    assert_eq!(check("surveys", "identity_check", &Val::Null), Ok(()));
    assert!(
        rule("visits", "deleted").is_none(),
        "visits have no tombstone"
    );
}

#[test]
fn text_is_at_most_200_characters_without_controls() {
    let just = "长".repeat(MAX_TEXT);
    let long = "长".repeat(MAX_TEXT + 1);
    assert_eq!(check("orgs", "address", &t(&just)), Ok(()));
    let e = refused("orgs", "address", t(&long));
    assert!(e.reason.contains("200") && e.value.ends_with('…'), "{e}");
    assert!(e.value.chars().count() <= 21, "{e}");
    refused("orgs", "address", t("a\u{1b}[31mb"));
    refused("orgs", "address", t("a\u{202e}b"));
    assert_eq!(check("orgs", "address", &t("")), Ok(()));
    refused("orgs", "address", Val::Int(5));
    refused("orgs", "name", t(""));
    refused("orgs", "name", t("   "));
    refused("streets", "name", Val::Null);
    assert_eq!(check("alerts", "reason", &Val::Null), Ok(()));
    refused("alerts", "reason", t(""));
}

#[test]
fn references_name_their_table_and_hold_an_id() {
    assert_eq!(reference("orgs", "street_id"), Some("streets"));
    assert_eq!(reference("persons", "branch_id"), Some("party_orgs"));
    assert_eq!(reference("links", "party_org_id"), Some("party_orgs"));
    assert_eq!(reference("task_steps", "task_id"), Some("tasks"));
    assert_eq!(reference("orgs", "name"), None);
    assert_eq!(reference("orgs", "nope"), None);
    let id = "0190f1c2-7a3b-7c4d-8e5f-0123456789ab";
    assert_eq!(check("orgs", "street_id", &t(id)), Ok(()));
    assert_eq!(check("orgs", "street_id", &Val::Null), Ok(()));
    refused("communities", "street_id", Val::Null);
    refused("orgs", "street_id", t(""));
    refused("orgs", "street_id", t("a b"));
    refused("orgs", "street_id", t("x'; DROP TABLE orgs; --"));
    refused("orgs", "street_id", t(&"a".repeat(MAX_ID + 1)));
    refused("orgs", "street_id", Val::Int(7));
}

#[test]
fn credit_codes_keep_a_failing_checksum_as_a_warning() {
    assert_eq!(check("orgs", "code", &t("911101080673385595")), Ok(()));
    assert_eq!(check("orgs", "code", &Val::Null), Ok(()));
    assert_eq!(warning("orgs", "code", &t("911101080673385595")), None);
    assert_eq!(check("orgs", "code", &t("91350100M0001TGQXM")), Ok(()));
    let w = warning("orgs", "code", &t("91350100M0001TGQXM")).unwrap();
    assert!(w.contains("91350100M0001TGQXM"), "{w}");
    refused("orgs", "code", t("91110108067338559"));
    refused("orgs", "code", t("9111010806733855I5"));
    refused("orgs", "code", t(""));
    let e = refused("orgs", "code", t("91350100m0001tgqxm"));
    assert!(e.reason.contains("91350100M0001TGQXM"), "{e}");
    assert_eq!(warning("orgs", "name", &t("91350100M0001TGQXM")), None);
}

#[test]
fn typed_input_becomes_the_stored_value_or_is_refused() {
    assert_eq!(parse("orgs", "employees", " 12 "), Ok(Val::Int(12)));
    assert_eq!(parse("orgs", "employees", ""), Ok(Val::Null));
    let e = parse("orgs", "employees", "abc").unwrap_err();
    assert_eq!((e.field.as_str(), e.value.as_str()), ("employees", "abc"));
    assert!(parse("orgs", "employees", "-3").is_err());
    assert!(parse("orgs", "employees", "10000001").is_err());
    assert_eq!(parse("orgs", "identity_check", "是"), Ok(Val::Int(1)));
    assert_eq!(parse("orgs", "identity_check", "no"), Ok(Val::Int(0)));
    assert!(parse("orgs", "identity_check", "maybe").is_err());
    assert!(parse("orgs", "identity_check", "").is_err());
    assert_eq!(parse("orgs", "kind", "基金会"), Ok(t("foundation")));
    assert_eq!(parse("orgs", "status", "注销"), Ok(t("deregistered")));
    assert!(parse("orgs", "status", "closed").is_err());
    assert_eq!(
        parse("orgs", "entered_on", "2022-09-30"),
        Ok(t("2022-09-30"))
    );
    assert!(parse("orgs", "entered_on", "2101-01-01").is_err());
    assert_eq!(
        parse("orgs", "code", "９11101080673385595"),
        Ok(t("911101080673385595"))
    );
    assert_eq!(
        parse("orgs", "address", "  人民路\t1号 "),
        Ok(t("人民路 1号"))
    );
    assert!(parse("orgs", "name", "  ").is_err());
    assert!(parse("orgs", "nope", "1").is_err());
    assert!(parse("orgs", "id", "1").is_err());
}

#[test]
fn op_values_are_normalized_then_checked() {
    assert_eq!(normalize("orgs", "employees", t("12")), Ok(Val::Int(12)));
    assert!(normalize("orgs", "employees", t("abc")).is_err());
    assert!(normalize("orgs", "employees", Val::Int(-5)).is_err());
    assert_eq!(normalize("orgs", "phone", Val::Int(12345)), Ok(t("12345")));
    assert_eq!(normalize("orgs", "deleted", Val::Int(1)), Ok(Val::Int(1)));
    assert!(normalize("orgs", "deleted", Val::Int(2)).is_err());
    assert!(normalize("orgs", "kind", Val::Null).is_err());
    assert!(normalize("orgs", "kind", t("big")).is_err());
    assert_eq!(normalize("orgs", "closed_on", Val::Null), Ok(Val::Null));
    assert!(normalize("visits", "deleted", Val::Int(1)).is_err());
}

#[test]
fn the_text_rule_for_other_inputs_cleans_and_bounds() {
    assert_eq!(text("reason", " 已核实\n ", true), Ok("已核实".into()));
    let e = text("reason", " ", true).unwrap_err();
    assert_eq!(
        (e.field.as_str(), e.reason.as_str()),
        ("reason", tr("不能为空", "must not be empty"))
    );
    assert_eq!(text("note", "", false), Ok(String::new()));
    let long = "长".repeat(MAX_TEXT + 1);
    assert!(text("note", &long, false).is_err());
    assert_eq!(
        text("note", &"长".repeat(MAX_TEXT), false).map(|s| s.len()),
        Ok(600)
    );
}

#[test]
fn every_rule_takes_some_value_and_refuses_a_wrong_type() {
    let tables = [
        "streets",
        "communities",
        "buildings",
        "orgs",
        "party_orgs",
        "links",
        "persons",
        "status_changes",
        "transfers",
        "instructors",
        "assignments",
        "visits",
        "surveys",
        "tasks",
        "task_steps",
        "alerts",
        "users",
    ];
    let fields = [
        "name",
        "committee",
        "street_id",
        "deleted",
        "code",
        "kind",
        "status",
        "employees",
        "entered_on",
        "org_id",
        "note",
        "stage",
        "state",
        "role",
        "office",
    ];
    for table in tables {
        for field in fields {
            let Some(r) = rule(table, field) else {
                continue;
            };
            let good = match r.kind {
                Kind::Text { .. } => t("x"),
                Kind::Int { min, .. } => Val::Int(min),
                Kind::Bool => Val::Int(1),
                Kind::Date => t("2022-01-01"),
                Kind::Enum(v) => t(v.codes()[0]),
                Kind::Ref(_) => t("0190f1c2-7a3b-7c4d-8e5f-0123456789ab"),
                Kind::CreditCode => t("911101080673385595"),
            };
            assert_eq!(check(table, field, &good), Ok(()), "{table}.{field}");
            let wrong = match r.kind {
                Kind::Int { .. } | Kind::Bool => t("1"),
                _ => Val::Int(1),
            };
            let e = check(table, field, &wrong).unwrap_err();
            assert_eq!(e.field, field);
            assert!(!e.label.is_empty());
        }
    }
}
