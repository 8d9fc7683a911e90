//! Key sequences against the state alone: no terminal, no database.

use std::collections::BTreeMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use liangxin::domain::Date;
use liangxin::store::read::OrgRow;
use liangxin::tui::data::OrgData;
use liangxin::tui::effects::install_orgs;
use liangxin::tui::keymap::Keymap;
use liangxin::tui::state::{App, Overlay, Pane};
use liangxin::tui::theme::Theme;
use liangxin::tui::update::{Effect, on_key};

fn row(i: usize, name: &str, street: &str, coverage: &str) -> OrgRow {
    OrgRow {
        id: format!("id-{i}"),
        name: name.into(),
        code: None,
        kind: "enterprise".into(),
        street: street.into(),
        community: None,
        employees: Some(i as i64 * 10),
        members: 0,
        coverage: coverage.into(),
        instructor: None,
        last_survey_on: None,
        address: String::new(),
    }
}

fn app() -> App {
    let mut app = App::new(
        Date::parse("d", "2022-09-30").unwrap(),
        Keymap::new(&BTreeMap::new()).unwrap(),
        Theme::new("plain", true),
    );
    let rows = vec![
        row(0, "万达写字楼物业管理有限公司", "南坪街道", "building"),
        row(1, "常德华鑫商贸有限公司", "丹阳街道", "joint"),
        row(2, "湖南恒达物流有限公司", "丹阳街道", "none"),
        row(3, "长庚社区服务中心", "长庚街道", "own"),
    ];
    install_orgs(&mut app, OrgData::from_rows(rows));
    app
}

fn key(app: &mut App, code: KeyCode) -> Vec<Effect> {
    on_key(app, KeyEvent::new(code, KeyModifiers::NONE))
}

fn typed(app: &mut App, s: &str) {
    for c in s.chars() {
        key(app, KeyCode::Char(c));
    }
}

fn selected(app: &App) -> String {
    app.selected_org()
        .map(|r| r.name.to_string())
        .unwrap_or_default()
}

#[test]
fn moving_stays_in_bounds_and_gg_g_jump() {
    let mut a = app();
    assert_eq!(a.orgs.visible.len(), 4);
    key(&mut a, KeyCode::Char('k'));
    assert_eq!(a.orgs.pos.selected, 0);
    typed(&mut a, "G");
    assert_eq!(a.orgs.pos.selected, 3);
    typed(&mut a, "j");
    assert_eq!(a.orgs.pos.selected, 3);
    typed(&mut a, "g");
    assert_eq!(a.orgs.pos.selected, 3, "one g waits for the second");
    typed(&mut a, "g");
    assert_eq!(a.orgs.pos.selected, 0);
}

#[test]
fn panes_cycle_with_tab_and_digits() {
    let mut a = app();
    key(&mut a, KeyCode::Tab);
    assert_eq!(a.focus, Pane::Tasks);
    key(&mut a, KeyCode::Tab);
    assert_eq!(a.focus, Pane::Alerts);
    on_key(&mut a, KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT));
    assert_eq!(a.focus, Pane::Tasks);
    typed(&mut a, "1");
    assert_eq!(a.focus, Pane::Orgs);
}

#[test]
fn search_by_initials_narrows_and_esc_restores() {
    let mut a = app();
    typed(&mut a, "/");
    assert!(a.orgs.searching);
    typed(&mut a, "wdxzl");
    assert_eq!(a.orgs.visible.len(), 1);
    assert_eq!(selected(&a), "万达写字楼物业管理有限公司");
    key(&mut a, KeyCode::Backspace);
    assert!(!a.orgs.visible.is_empty());
    key(&mut a, KeyCode::Esc);
    assert!(!a.orgs.searching);
    assert_eq!(a.orgs.visible.len(), 4);
    // Enter on a row asks for its detail
    let id = a.selected_org().unwrap().id.to_string();
    assert_eq!(key(&mut a, KeyCode::Enter), vec![Effect::OpenDetail(id)]);
}

#[test]
fn coverage_facet_filters_and_clears() {
    let mut a = app();
    typed(&mut a, "fc");
    let Overlay::Picker(p) = &a.overlay else {
        panic!("a picker opens")
    };
    let none = p.options.iter().position(|o| o.0 == "none").unwrap();
    for _ in 0..none {
        key(&mut a, KeyCode::Down);
    }
    key(&mut a, KeyCode::Enter);
    assert_eq!(a.orgs.visible.len(), 1);
    assert_eq!(selected(&a), "湖南恒达物流有限公司");
    typed(&mut a, "fx");
    assert_eq!(a.orgs.visible.len(), 4);
}

#[test]
fn marking_and_forms_ask_for_effects() {
    let mut a = app();
    key(&mut a, KeyCode::Char(' '));
    assert_eq!(a.orgs.marked.len(), 1);
    assert_eq!(a.orgs.pos.selected, 1, "marking moves on");
    assert_eq!(
        typed_effects(&mut a, "b"),
        vec![Effect::OpenForm(liangxin::tui::form::FormKind::FoundBranch)]
    );
    assert_eq!(
        typed_effects(&mut a, "e"),
        vec![Effect::OpenForm(liangxin::tui::form::FormKind::EditOrg)]
    );
}

fn typed_effects(a: &mut App, s: &str) -> Vec<Effect> {
    s.chars().flat_map(|c| key(a, KeyCode::Char(c))).collect()
}

#[test]
fn quit_and_help() {
    let mut a = app();
    typed(&mut a, "?");
    assert!(matches!(a.overlay, Overlay::Help { .. }));
    typed(&mut a, "q");
    assert!(!a.quit, "typing in help filters, it does not quit");
    key(&mut a, KeyCode::Esc);
    typed(&mut a, "q");
    assert!(a.quit);
}

#[test]
fn ctrl_c_with_unsaved_input_asks_first() {
    use liangxin::tui::form::{Field, Form, FormKind};
    let mut a = app();
    a.overlay = Overlay::Form(Box::new(Form::new(
        FormKind::Survey,
        None,
        vec![Field::text("note", "note", "")],
    )));
    typed(&mut a, "x");
    on_key(
        &mut a,
        KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL),
    );
    assert!(!a.quit, "asks first");
    typed(&mut a, "n");
    assert!(!a.quit);
    assert!(
        matches!(a.overlay, Overlay::Form(_)),
        "the form and its input stay"
    );
    on_key(
        &mut a,
        KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL),
    );
    typed(&mut a, "y");
    assert!(a.quit);
}

#[test]
fn in_a_form_with_a_list_above_tab_then_typing_fills_the_name() {
    use liangxin::tui::form::{Field, Form, FormKind};
    let form = || {
        Form::new(
            FormKind::FoundBranch,
            None,
            vec![
                Field::list("covers", "覆盖组织", vec!["甲".into(), "乙".into()]),
                Field::text("name", "党组织名称", ""),
                Field::choice("mode", "组建方式", vec![("a".into(), "A".into())], 0),
                Field::text("secretary", "书记", ""),
            ],
        )
    };
    let focused = |a: &App| match &a.overlay {
        Overlay::Form(f) => (f.fields[f.focus].key, f.get("name"), f.message.clone()),
        _ => panic!("the form closed"),
    };
    let mut a = app();
    a.overlay = Overlay::Form(Box::new(form()));
    assert_eq!(focused(&a).0, "covers", "opens on its first row");
    key(&mut a, KeyCode::Tab);
    assert_eq!(focused(&a).0, "name");
    typed(&mut a, "测试支部");
    assert_eq!(focused(&a).1, "测试支部", "in the field at once");

    // typed without Tab, text goes on from the list to the name
    a.overlay = Overlay::Form(Box::new(form()));
    typed(&mut a, "支部");
    assert_eq!(focused(&a).0, "name");
    assert_eq!(focused(&a).1, "支部");

    // a choice says how it is changed instead of dropping the text silently
    key(&mut a, KeyCode::Tab);
    assert_eq!(focused(&a).0, "mode");
    typed(&mut a, "x");
    assert!(focused(&a).2.is_some());
    assert_eq!(focused(&a).1, "支部");
    // and Tab on past it and round to the list, in the order drawn
    key(&mut a, KeyCode::Tab);
    key(&mut a, KeyCode::Tab);
    assert_eq!(focused(&a).0, "covers");
    on_key(&mut a, KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT));
    assert_eq!(focused(&a).0, "secretary");
}
