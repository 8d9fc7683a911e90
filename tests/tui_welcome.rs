//! A new, empty ledger opens on a screen that says what to do first; the
//! normal panes come back with the first organization.

mod common;

use std::path::Path;
use std::sync::Mutex;

use common::Ledger;
use liangxin::config::Config;
use liangxin::domain::Date;
use liangxin::i18n::{self, Lang};
use liangxin::store::Store;
use liangxin::tui::effects::Env;
use liangxin::tui::state::App;
use liangxin::tui::theme::Theme;
use liangxin::tui::{prepare, ui};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// The language is process-wide: one screen at a time.
static LOCK: Mutex<()> = Mutex::new(());

fn open_app(db: &Path) -> (App, Env) {
    let store = Store::open(db).unwrap();
    let mut config = Config::default();
    config.user.name = "测试员".into();
    config.user.office = "party".into();
    let today = Date::parse("today", "2024-03-01").unwrap();
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
    insta::with_settings!({ prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!(name, body);
    });
}

fn welcome(lang: Lang, tag: &str) {
    let _g = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    i18n::set(lang);
    let l = Ledger::new();
    let (mut app, _env) = open_app(&l.db);
    for (w, h) in [(80u16, 24u16), (120, 40)] {
        snap(&format!("welcome_{tag}_{w}x{h}"), render(&mut app, w, h));
    }
    i18n::set(Lang::Zh);
}

#[test]
fn empty_ledger_in_chinese() {
    welcome(Lang::Zh, "zh");
}

#[test]
fn empty_ledger_in_english() {
    welcome(Lang::En, "en");
}

#[test]
fn the_panes_come_back_with_the_first_organization() {
    let _g = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    i18n::set(Lang::En);
    let l = Ledger::new();
    // A street alone is still an empty ledger: nothing to list yet.
    l.ok(&["street", "add", "城东街道"]);
    let (mut app, _env) = open_app(&l.db);
    let screen = render(&mut app, 80, 24);
    assert!(screen.contains("Getting started"), "{screen}");
    assert!(screen.contains("liangxin demo"), "{screen}");
    assert!(!screen.contains("Organizations"), "{screen}");

    l.ok(&[
        "org",
        "add",
        "--name",
        "城东制衣厂",
        "--street",
        "城东街道",
        "--on",
        "2024-01-02",
    ]);
    let (mut app, _env) = open_app(&l.db);
    let screen = render(&mut app, 80, 24);
    assert!(!screen.contains("Getting started"), "{screen}");
    assert!(screen.contains("Organizations (1)"), "{screen}");
    assert!(screen.contains("城东制衣厂"), "{screen}");

    // While a load runs or after it failed, the pane says so, not the welcome.
    let (mut app, _env) = open_app(&l.db);
    app.orgs.rows.clear();
    app.orgs.loading = true;
    let screen = render(&mut app, 80, 24);
    assert!(
        screen.contains("loading") && !screen.contains("Getting started"),
        "{screen}"
    );
    app.orgs.loading = false;
    assert!(render(&mut app, 80, 24).contains("Getting started"));
    app.orgs.failed = Some("disk I/O error".into());
    let screen = render(&mut app, 80, 24);
    assert!(
        screen.contains("disk I/O error") && !screen.contains("Getting started"),
        "{screen}"
    );
    i18n::set(Lang::Zh);
}
