//! Two sessions on one database: each sees the other's commits, and a form
//! opened before another session's change cannot silently overwrite it.

mod common;

use common::small_ledger;
use liangxin::config::Config;
use liangxin::domain::command::OrgField;
use liangxin::domain::{Command, Date};
use liangxin::store::{Actor, Store, resolve};
use liangxin::tui::data;
use liangxin::tui::form::FormKind;
use liangxin::tui::forms::{self, Saved};
use liangxin::tui::prepare;
use liangxin::tui::theme::Theme;

/// The app's state and environment on a ledger, loaded at once.
fn app_on(
    l: &common::Ledger,
    today: Date,
) -> (liangxin::tui::state::App, liangxin::tui::effects::Env) {
    let (mut app, env) = prepare(
        Store::open(&l.db).unwrap(),
        today,
        &Config::default(),
        Theme::new("plain", true),
    )
    .unwrap();
    env.reload_all(&mut app).unwrap();
    (app, env)
}

fn actor(name: &str) -> Actor {
    Actor {
        os_user: name.into(),
        name: name.into(),
        office: "party".into(),
        via: None,
    }
}

#[test]
fn a_commit_by_another_session_changes_data_version_and_shows_on_reload() {
    let l = small_ledger();
    let today = Date::parse("today", "2022-06-01").unwrap();
    let (mut app, env) = app_on(&l, today);
    let v0 = data::data_version(env.store.conn()).unwrap();
    let before = app
        .orgs
        .rows
        .iter()
        .find(|r| &*r.name == "常德甲公司")
        .and_then(|r| r.employees);
    assert_eq!(before, Some(12));

    let mut other = Store::open(&l.db).unwrap();
    let org = resolve::org(other.conn(), "常德甲公司").unwrap();
    other
        .apply(
            &actor("李"),
            today,
            Command::SetOrg {
                org,
                fields: vec![OrgField::Employees(77)],
            },
            None,
        )
        .unwrap();

    assert_ne!(
        data::data_version(env.store.conn()).unwrap(),
        v0,
        "the first session can tell, cheaply"
    );
    env.reload_all(&mut app).unwrap();
    let after = app
        .orgs
        .rows
        .iter()
        .find(|r| &*r.name == "常德甲公司")
        .and_then(|r| r.employees);
    assert_eq!(after, Some(77));
}

#[test]
fn a_stale_form_does_not_overwrite_a_newer_value() {
    let l = small_ledger();
    let today = Date::parse("today", "2022-06-01").unwrap();
    let mut mine = Store::open(&l.db).unwrap();
    let org = resolve::org(mine.conn(), "常德甲公司").unwrap();
    let mut form = forms::open(
        mine.conn(),
        FormKind::EditOrg,
        Some(org.as_str()),
        &[],
        today,
    )
    .unwrap();
    // the user types 50 employees...
    let f = form.field_mut("employees").unwrap();
    f.input = ratatui_textarea::TextArea::new(vec!["50".to_string()]);

    // ...while another cadre records 44
    let mut theirs = Store::open(&l.db).unwrap();
    theirs
        .apply(
            &actor("王"),
            today,
            Command::SetOrg {
                org: org.clone(),
                fields: vec![OrgField::Employees(44)],
            },
            None,
        )
        .unwrap();

    let ops = l.count("oplog");
    match forms::save(&mut mine, &actor("张"), &form, today, false).unwrap() {
        Saved::Stale(list) => {
            assert_eq!(list.len(), 1);
            assert_eq!(list[0].1, "44", "shows their value");
            assert_eq!(list[0].2, "50", "and mine");
        }
        Saved::Done(_) => panic!("a stale form saved over a newer value"),
    }
    assert_eq!(l.count("oplog"), ops, "nothing written");
    let v = l.json(&["org", "show", "常德甲公司", "--format", "json"]);
    assert_eq!(v["employees"], 44);

    // the user chooses to keep theirs... no: chooses to overwrite, knowingly
    assert!(matches!(
        forms::save(&mut mine, &actor("张"), &form, today, true).unwrap(),
        Saved::Done(_)
    ));
    let v = l.json(&["org", "show", "常德甲公司", "--format", "json"]);
    assert_eq!(v["employees"], 50);

    // an edit to a field nobody else touched saves without asking
    let mut form = forms::open(
        mine.conn(),
        FormKind::EditOrg,
        Some(org.as_str()),
        &[],
        today,
    )
    .unwrap();
    theirs
        .apply(
            &actor("王"),
            today,
            Command::SetOrg {
                org: org.clone(),
                fields: vec![OrgField::Phone("123".into())],
            },
            None,
        )
        .unwrap();
    form.field_mut("address").unwrap().input =
        ratatui_textarea::TextArea::new(vec!["人民路1号".to_string()]);
    assert!(matches!(
        forms::save(&mut mine, &actor("张"), &form, today, false).unwrap(),
        Saved::Done(_)
    ));
    let v = l.json(&["org", "show", "常德甲公司", "--format", "json"]);
    assert_eq!(v["address"], "人民路1号");
}

#[test]
fn the_conflicts_view_shows_both_values_and_a_digit_keeps_one() {
    use liangxin::tui::action::Action;
    use liangxin::tui::state::View;
    use liangxin::tui::update::{self, Effect};
    let a = small_ledger();
    let b = common::Ledger::new();
    b.ok(&["sync", "clone", a.db.to_str().unwrap()]);
    a.ok(&["org", "set", "常德乙公司", "employees=31"]);
    b.ok(&["org", "set", "常德乙公司", "employees=32"]);
    b.ok(&["sync", a.db.to_str().unwrap()]);
    let today = Date::parse("today", "2022-06-01").unwrap();
    let (mut app, mut env) = app_on(&a, today);
    assert!(
        app.sync.contains("unsent") || app.sync.contains("未发送"),
        "status bar: {}",
        app.sync
    );
    let e = update::update(&mut app, Action::Conflicts);
    assert_eq!(e, vec![Effect::OpenConflicts]);
    env.run(&mut app, e);
    let View::Conflicts(list) = &app.view else {
        panic!("the conflicts view opens")
    };
    assert_eq!(list.len(), 1);
    let pick = list[0]
        .values
        .iter()
        .find(|v| v.value == serde_json::json!(31))
        .unwrap()
        .n;
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 30)).unwrap();
    t.draw(|f| liangxin::tui::ui::draw(f, &app)).unwrap();
    let screen = format!("{}", t.backend());
    assert!(
        screen.contains("employees=31") && screen.contains("employees=32"),
        "{screen}"
    );
    env.run(&mut app, vec![Effect::PickConflict(pick)]);
    let View::Conflicts(list) = &app.view else {
        panic!("stays in the view")
    };
    assert!(list.is_empty(), "resolved");
    let v = a.json(&["org", "show", "常德乙公司", "--format", "json"]);
    assert_eq!(v["employees"], 31);
}

#[test]
fn a_task_is_handed_on_through_its_form() {
    let l = small_ledger();
    l.ok(&[
        "--on",
        "2022-05-01",
        "task",
        "add",
        "--kind",
        "ad-hoc",
        "--org",
        "常德甲公司",
    ]);
    let before = l.json(&[
        "--today",
        "2022-05-02",
        "tasks",
        "--all",
        "--format",
        "json",
    ]);
    let stage0 = before[0]["stage"].as_str().unwrap().to_string();
    let today = Date::parse("today", "2022-05-02").unwrap();
    let (mut app, mut env) = app_on(&l, today);
    app.all_tasks = true;
    let e = liangxin::tui::update::update(&mut app, liangxin::tui::action::Action::FocusTasks);
    env.run(&mut app, e);
    let e = liangxin::tui::update::update(&mut app, liangxin::tui::action::Action::AdvanceTask);
    env.run(&mut app, e);
    assert!(
        matches!(app.overlay, liangxin::tui::state::Overlay::Form(_)),
        "{:?}",
        app.message
    );
    env.run(
        &mut app,
        vec![liangxin::tui::update::Effect::SubmitForm { force: false }],
    );
    let after = l.json(&[
        "--today",
        "2022-05-02",
        "tasks",
        "--all",
        "--format",
        "json",
    ]);
    assert_ne!(
        after[0]["stage"].as_str().unwrap(),
        stage0,
        "the stage moved on"
    );
}
