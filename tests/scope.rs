//! Users and scope: a community cadre changes only their community's
//! organizations, from the command line and from the app's forms alike, and
//! every refusal is audited.

mod common;

use std::process::Command;

use common::{Ledger, small_ledger};
use liangxin::domain::Date;
use liangxin::store::{Actor, Store, resolve};
use liangxin::tui::form::FormKind;
use liangxin::tui::forms;

fn as_user(l: &Ledger, user: &str, args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_liangxin"))
        .arg("--db")
        .arg(&l.db)
        .args(["--as", user])
        .args(args)
        .env("LANG", "en_US.UTF-8")
        .env("LIANGXIN_LANG", "en")
        .env("HOME", l.dir.path())
        .env("XDG_CONFIG_HOME", l.dir.path().join("config"))
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn last_audit(l: &Ledger) -> (String, String) {
    l.conn()
        .query_row(
            "SELECT action, os_user FROM audit ORDER BY rowid DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
}

fn setup() -> Ledger {
    let l = small_ledger();
    l.ok(&["--on", "2022-01-01", "street", "add", "丹阳街道"]);
    l.ok(&[
        "--on",
        "2022-01-01",
        "community",
        "add",
        "丹阳社区",
        "--street",
        "丹阳街道",
    ]);
    l.ok(&[
        "--on",
        "2022-01-01",
        "org",
        "add",
        "--name",
        "丹阳某公司",
        "--street",
        "丹阳街道",
        "--community",
        "丹阳社区",
        "--employees",
        "9",
    ]);
    l.ok(&["org", "set", "常德甲公司", "community=南坪社区"]);
    let (ok, err) = as_user(
        &l,
        "admin",
        &["user", "add", "admin", "--role", "community"],
    );
    assert!(ok, "{err}");
    assert!(
        err.contains("district role"),
        "the first user administers: {err}"
    );
    let (ok, err) = as_user(
        &l,
        "admin",
        &[
            "user",
            "add",
            "alice",
            "--role",
            "community",
            "--street",
            "南坪街道",
            "--community",
            "南坪社区",
        ],
    );
    assert!(ok, "{err}");
    l
}

#[test]
fn a_community_user_changes_only_their_community_and_refusals_are_audited() {
    let l = setup();
    let before = l.counts();
    let audits = l.count("audit");
    let (ok, err) = as_user(&l, "alice", &["org", "set", "丹阳某公司", "employees=5"]);
    assert!(!ok);
    assert!(err.contains("outside your scope"), "{err}");
    let v = l.json(&["org", "show", "丹阳某公司", "--format", "json"]);
    assert_eq!(v["employees"], 9, "unchanged");
    assert_eq!(l.count("audit"), audits + 1);
    assert_eq!(
        last_audit(&l),
        ("refused:org.set".to_string(), "alice".to_string())
    );
    assert_eq!(
        l.count("oplog"),
        before.iter().find(|(t, _)| t == "oplog").unwrap().1,
        "no op written"
    );

    // inside her community she may
    let (ok, err) = as_user(&l, "alice", &["org", "set", "常德甲公司", "employees=30"]);
    assert!(ok, "{err}");
    // founding branches is the street party office's work
    let (ok, err) = as_user(
        &l,
        "alice",
        &[
            "branch",
            "found",
            "--name",
            "J",
            "--mode",
            "standalone",
            "--covers",
            "常德甲公司",
        ],
    );
    assert!(!ok && err.contains("party-building office"), "{err}");
    assert_eq!(last_audit(&l).0, "refused:branch.found");
    // an unregistered user changes nothing
    let (ok, err) = as_user(&l, "mallory", &["org", "set", "常德甲公司", "employees=1"]);
    assert!(!ok && err.contains("not registered"), "{err}");
    assert_eq!(
        last_audit(&l),
        ("refused:org.set".to_string(), "mallory".to_string())
    );
    // only the district role manages users
    let (ok, _) = as_user(&l, "alice", &["user", "set", "alice", "--role", "district"]);
    assert!(!ok);
    let list = l.json(&["user", "list", "--format", "json"]);
    assert_eq!(list.as_array().map(Vec::len), Some(2));
}

#[test]
fn the_apps_forms_are_held_to_the_same_scope() {
    liangxin::i18n::set(liangxin::i18n::Lang::En);
    let l = setup();
    let mut store = Store::open(&l.db).unwrap();
    let today = Date::parse("d", "2022-06-01").unwrap();
    let org = resolve::org(store.conn(), "丹阳某公司").unwrap();
    let mut form = forms::open(
        store.conn(),
        FormKind::EditOrg,
        Some(org.as_str()),
        &[],
        today,
    )
    .unwrap();
    form.field_mut("employees").unwrap().input = ratatui_textarea::TextArea::new(vec!["77".into()]);
    let alice = Actor {
        os_user: "alice".into(),
        name: "alice".into(),
        office: "community".into(),
        via: None,
    };
    let err = forms::save(&mut store, &alice, &form, today, false)
        .err()
        .expect("refused");
    assert!(err.to_string().contains("outside your scope"), "{err}");
    assert_eq!(
        last_audit(&l),
        ("refused:org.set".to_string(), "alice".to_string())
    );
    let v = l.json(&["org", "show", "丹阳某公司", "--format", "json"]);
    assert_eq!(v["employees"], 9);
}
