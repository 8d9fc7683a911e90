//! Snapshots of every screen at 80×24 and 120×40, in Chinese and English, on
//! the demo district (Chinese names throughout). Read them when they change:
//! a wide character cut in half or a shifted border shows up here.

use std::sync::Mutex;

use liangxin::config::Config;
use liangxin::i18n::{self, Lang};
use liangxin::store::{Actor, Store};
use liangxin::tui::action::Action;
use liangxin::tui::effects::Env;
use liangxin::tui::state::App;
use liangxin::tui::theme::Theme;
use liangxin::tui::{prepare, ui, update};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// The language is process-wide: one snapshot at a time.
static LOCK: Mutex<()> = Mutex::new(());

fn demo_app(dir: &tempfile::TempDir) -> (App, Env) {
    let path = dir.path().join("demo.db");
    let mut store = Store::open(&path).unwrap();
    let actor = Actor {
        os_user: "cadre".into(),
        name: "测试员".into(),
        office: "party".into(),
        via: None,
    };
    liangxin::demo::build(&mut store, &actor).unwrap();
    let mut config = Config::default();
    config.user.name = "测试员".into();
    config.user.office = "party".into();
    let today = store.pinned_today().unwrap().unwrap();
    let (mut app, env) = prepare(store, today, &config, Theme::new("rounded", true)).unwrap();
    env.reload_all(&mut app).unwrap();
    (app, env)
}

fn render(app: &mut App, w: u16, h: u16) -> String {
    app.page = ui::page_height(ratatui::layout::Rect::new(0, 0, w, h), app.focus);
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| ui::draw(f, app)).unwrap();
    format!("{}", t.backend())
}

fn snap(name: &str, body: String) {
    insta::with_settings!({
        filters => vec![
            (r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", "[at]"),
            (r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "[id]"),
        ],
        prepend_module_to_snapshot => false,
    }, {
        insta::assert_snapshot!(name, body);
    });
}

fn open_first(app: &mut App, env: &mut Env) {
    let e = update::update(app, Action::Open);
    env.run(app, e);
}

fn all_screens(lang: Lang, tag: &str) {
    let _g = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    i18n::set(lang);
    let dir = tempfile::tempdir().unwrap();
    let (mut app, mut env) = demo_app(&dir);
    for (w, h) in [(80u16, 24u16), (120, 40)] {
        let size = format!("{w}x{h}");
        snap(&format!("main_{tag}_{size}"), render(&mut app, w, h));
        update::update(&mut app, Action::FocusTasks);
        snap(&format!("tasks_{tag}_{size}"), render(&mut app, w, h));
        update::update(&mut app, Action::FocusAlerts);
        snap(&format!("alerts_{tag}_{size}"), render(&mut app, w, h));
        update::update(&mut app, Action::FocusOrgs);
        open_first(&mut app, &mut env);
        snap(&format!("detail_{tag}_{size}"), render(&mut app, w, h));
        let e = update::update(&mut app, Action::EditOrg);
        env.run(&mut app, e);
        snap(&format!("form_{tag}_{size}"), render(&mut app, w, h));
        app.overlay = liangxin::tui::state::Overlay::None;
        update::update(&mut app, Action::Back);
        update::update(&mut app, Action::Help);
        snap(&format!("help_{tag}_{size}"), render(&mut app, w, h));
        app.overlay = liangxin::tui::state::Overlay::None;
        let e = update::update(&mut app, Action::Dashboard);
        env.run(&mut app, e);
        snap(&format!("dashboard_{tag}_{size}"), render(&mut app, w, h));
        update::update(&mut app, Action::Back);
    }
    i18n::set(Lang::Zh);
}

#[test]
fn screens_in_chinese() {
    all_screens(Lang::Zh, "zh");
}

#[test]
fn screens_in_english() {
    all_screens(Lang::En, "en");
}

#[test]
fn tiny_terminals_do_not_panic() {
    let _g = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let (mut app, _env) = demo_app(&dir);
    for (w, h) in [(20u16, 5u16), (39, 9), (40, 10), (45, 12), (60, 15), (1, 1)] {
        let out = render(&mut app, w, h);
        assert!(!out.is_empty());
    }
    let small = render(&mut app, 20, 5);
    assert!(
        small.contains("终端太小") || small.contains("too small"),
        "{small}"
    );
}
