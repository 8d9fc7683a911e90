//! Founding a joint branch from the app, by keys, on a real ledger: the
//! marked organizations are covered, exactly those; the form lists each of
//! them whole; typing after Tab lands in the branch's name at once.

mod common;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use liangxin::config::Config;
use liangxin::domain::Date;
use liangxin::store::Store;
use liangxin::tui::effects::Env;
use liangxin::tui::form::Form;
use liangxin::tui::state::{App, Overlay};
use liangxin::tui::theme::Theme;
use liangxin::tui::update::on_key;
use liangxin::tui::{prepare, ui};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// A name longer than any form is wide: it must wrap, never be cut.
const LONG: &str =
    "常德市武陵区南坪街道万达写字楼第十八层新兴产业孵化基地创新创业服务中心有限责任公司";

fn ledger() -> common::Ledger {
    let l = common::small_ledger();
    l.ok(&[
        "--on",
        "2022-01-01",
        "org",
        "add",
        "--name",
        LONG,
        "--street",
        "南坪街道",
    ]);
    l
}

fn app_on(l: &common::Ledger) -> (App, Env) {
    let today = Date::parse("today", "2022-06-01").unwrap();
    let (mut app, env) = prepare(
        Store::open(&l.db).unwrap(),
        today,
        &Config::default(),
        Theme::new("rounded", true),
    )
    .unwrap();
    env.reload_all(&mut app).unwrap();
    (app, env)
}

/// One key through the app, its effects run against the ledger.
fn press(app: &mut App, env: &mut Env, code: KeyCode, mods: KeyModifiers) {
    let effects = on_key(app, KeyEvent::new(code, mods));
    env.run(app, effects);
}

fn key(app: &mut App, env: &mut Env, code: KeyCode) {
    press(app, env, code, KeyModifiers::NONE);
}

fn typed(app: &mut App, env: &mut Env, s: &str) {
    for c in s.chars() {
        key(app, env, KeyCode::Char(c));
    }
}

/// Moves the cursor down (j) onto the organization named `name`.
fn go_to(app: &mut App, env: &mut Env, name: &str) -> String {
    key(app, env, KeyCode::Char('g'));
    key(app, env, KeyCode::Char('g'));
    for _ in 0..app.orgs.visible.len() {
        if let Some(r) = app.selected_org().filter(|r| &*r.name == name) {
            return r.id.to_string();
        }
        key(app, env, KeyCode::Char('j'));
    }
    panic!("{name} is not in the list");
}

fn form(app: &App) -> &Form {
    match &app.overlay {
        Overlay::Form(f) => f,
        _ => panic!("no form is open; message: {:?}", app.message),
    }
}

/// The organizations the branch named `branch` covers, by name.
fn covered_by(l: &common::Ledger, branch: &str) -> Vec<String> {
    let conn = l.conn();
    let mut stmt = conn
        .prepare(
            "SELECT o.name FROM links l JOIN party_orgs p ON p.id = l.party_org_id
             JOIN orgs o ON o.id = l.org_id
             WHERE p.name = ?1 AND l.deleted = 0 AND l.to_on IS NULL ORDER BY o.name",
        )
        .unwrap();
    stmt.query_map([branch], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[test]
fn marked_organizations_are_covered_and_the_cursor_row_is_not() {
    let l = ledger();
    let (mut app, mut env) = app_on(&l);
    go_to(&mut app, &mut env, "常德甲公司");
    key(&mut app, &mut env, KeyCode::Char(' '));
    go_to(&mut app, &mut env, "常德乙公司");
    key(&mut app, &mut env, KeyCode::Char(' '));
    assert_eq!(app.orgs.marked.len(), 2);
    // the cursor on a third, unmarked organization
    go_to(&mut app, &mut env, "常德丙公司");
    key(&mut app, &mut env, KeyCode::Char('b'));
    assert_eq!(form(&app).fields[0].display(), "常德乙公司\n常德甲公司");

    // Tab to the branch's name, type it: it is there at once
    key(&mut app, &mut env, KeyCode::Tab);
    assert_eq!(form(&app).fields[form(&app).focus].key, "name");
    typed(&mut app, &mut env, "测试支部");
    assert_eq!(form(&app).get("name"), "测试支部");

    press(
        &mut app,
        &mut env,
        KeyCode::Char('s'),
        KeyModifiers::CONTROL,
    );
    assert!(app.overlay_is_none(), "saved: {:?}", app.message);
    assert_eq!(
        covered_by(&l, "测试支部"),
        sorted(vec!["常德甲公司".into(), "常德乙公司".into()]),
        "exactly the two marked"
    );
    assert!(app.orgs.marked.is_empty(), "the marks are used up");
}

#[test]
fn without_marks_the_cursor_row_alone_is_covered() {
    let l = ledger();
    let (mut app, mut env) = app_on(&l);
    go_to(&mut app, &mut env, "常德丙公司");
    key(&mut app, &mut env, KeyCode::Char('b'));
    assert_eq!(form(&app).fields[0].display(), "常德丙公司");
    assert_eq!(form(&app).get("name"), "常德丙公司党支部", "named after it");
    press(
        &mut app,
        &mut env,
        KeyCode::Char('s'),
        KeyModifiers::CONTROL,
    );
    assert!(app.overlay_is_none(), "saved: {:?}", app.message);
    assert_eq!(covered_by(&l, "常德丙公司党支部"), ["常德丙公司"]);
}

#[test]
fn typing_goes_into_the_focused_field_of_every_form() {
    let l = ledger();
    let (mut app, mut env) = app_on(&l);
    for n in ["常德甲公司", "常德乙公司"] {
        go_to(&mut app, &mut env, n);
        key(&mut app, &mut env, KeyCode::Char(' '));
    }
    // the branch form opens on the list it covers; typed text goes on to the name
    key(&mut app, &mut env, KeyCode::Char('b'));
    assert_eq!(form(&app).fields[form(&app).focus].key, "covers");
    typed(&mut app, &mut env, "测试");
    assert_eq!(form(&app).get("name"), "测试");
    assert_eq!(form(&app).fields[form(&app).focus].key, "name");
    key(&mut app, &mut env, KeyCode::Esc);

    // every form: each Tab lands on the next row; where it can be typed
    // into, typing right after the Tab fills it
    for (open, first_text) in [('s', "employees"), ('h', "name"), ('e', "name")] {
        go_to(&mut app, &mut env, "常德甲公司");
        key(&mut app, &mut env, KeyCode::Char(open));
        let f = form(&app);
        let target = f.fields.iter().position(|x| x.key == first_text).unwrap();
        let tabs = (target + f.fields.len() - f.focus) % f.fields.len();
        for _ in 0..tabs {
            key(&mut app, &mut env, KeyCode::Tab);
        }
        assert_eq!(form(&app).focus, target, "form {open}");
        let before = form(&app).get(first_text);
        typed(&mut app, &mut env, "42");
        assert_eq!(
            form(&app).get(first_text),
            format!("{before}42"),
            "form {open}"
        );
        key(&mut app, &mut env, KeyCode::Esc);
    }

    // a choice does not swallow typed text without a word
    go_to(&mut app, &mut env, "常德甲公司");
    key(&mut app, &mut env, KeyCode::Char('h'));
    while form(&app).fields[form(&app).focus].key != "status" {
        key(&mut app, &mut env, KeyCode::Tab);
    }
    typed(&mut app, &mut env, "测");
    assert!(form(&app).message.is_some(), "says how to choose");
}

/// The rows inside the open form's box, as text (wide characters once).
fn form_rows(t: &Terminal<TestBackend>, title: &str) -> Vec<String> {
    let buf = t.backend().buffer();
    let area = buf.area;
    let row = |y: u16, from: u16, to: u16| -> String {
        let mut s = String::new();
        let mut skip = 0;
        for x in from..to {
            let sym = buf[(x, y)].symbol();
            if skip > 0 {
                skip -= 1;
                continue;
            }
            s.push_str(sym);
            skip = unicode_width::UnicodeWidthStr::width(sym).saturating_sub(1);
        }
        s
    };
    let top = (0..area.height)
        .find(|&y| row(y, 0, area.width).contains(title))
        .expect("the form is drawn");
    let at = (0..area.width)
        .find(|&x| row(top, x, area.width).starts_with(title))
        .unwrap();
    let x0 = (0..at)
        .rev()
        .find(|&x| buf[(x, top)].symbol() == "╭")
        .unwrap_or_else(|| panic!("{}", row(top, 0, area.width)));
    let x1 = (at..area.width)
        .find(|&x| buf[(x, top)].symbol() == "╮")
        .unwrap();
    ((top + 1)..area.height)
        .take_while(|&y| buf[(x0, y)].symbol() != "╰")
        .map(|y| row(y, x0 + 1, x1))
        .collect()
}

#[test]
fn the_form_lists_each_covered_organization_whole() {
    let l = ledger();
    let (mut app, mut env) = app_on(&l);
    let names = ["常德甲公司", "常德乙公司", LONG];
    for n in names {
        go_to(&mut app, &mut env, n);
        key(&mut app, &mut env, KeyCode::Char(' '));
    }
    key(&mut app, &mut env, KeyCode::Char('b'));
    for (w, h) in [(80u16, 24u16), (120, 40)] {
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        t.draw(|f| ui::draw(f, &app)).unwrap();
        let rows = form_rows(&t, "组建党组织");
        // short names: each whole on a row of its own
        for n in &names[..2] {
            let on: Vec<&String> = rows.iter().filter(|r| r.contains(n)).collect();
            assert_eq!(on.len(), 1, "{n} at {w}x{h}:\n{}", rows.join("\n"));
        }
        // the long one wraps onto the following rows, every character kept
        let joined: String = rows
            .iter()
            .map(|r| r.trim().to_string())
            .collect::<Vec<_>>()
            .join("");
        assert!(joined.contains(LONG), "{w}x{h}:\n{}", rows.join("\n"));
        // and the three are three numbered rows
        for k in 1..=3 {
            assert!(
                rows.iter().any(|r| r.contains(&format!("{k}. "))),
                "item {k} at {w}x{h}"
            );
        }
    }
}

#[test]
fn a_list_taller_than_the_screen_scrolls_by_whole_names() {
    let l = ledger();
    let mut names = Vec::new();
    for i in 0..30 {
        let n = format!("南坪第{i:02}号科技有限公司");
        l.ok(&[
            "--on",
            "2022-01-01",
            "org",
            "add",
            "--name",
            &n,
            "--street",
            "南坪街道",
        ]);
        names.push(n);
    }
    let (mut app, mut env) = app_on(&l);
    for n in &names {
        go_to(&mut app, &mut env, n);
        key(&mut app, &mut env, KeyCode::Char(' '));
    }
    key(&mut app, &mut env, KeyCode::Char('b'));
    let shown = |app: &App| -> Vec<String> {
        let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
        t.draw(|f| ui::draw(f, app)).unwrap();
        let rows = form_rows(&t, "组建党组织");
        assert!(
            rows.iter().any(|r| r.contains("共 30 个")),
            "says how many:\n{}",
            rows.join("\n")
        );
        assert!(
            rows.iter().any(|r| r.contains("党组织名称")),
            "the fields stay"
        );
        names
            .iter()
            .filter(|n| rows.iter().any(|r| r.contains(n.as_str())))
            .cloned()
            .collect()
    };
    let first = shown(&app);
    assert!(!first.is_empty() && first.len() < 30, "{first:?}");
    assert_eq!(first[0], names[0]);
    for _ in 0..10 {
        key(&mut app, &mut env, KeyCode::PageDown);
    }
    let last = shown(&app);
    assert_eq!(last.last(), names.last(), "PgDn reaches the end");
    assert!(!last.contains(&names[0]));
}
