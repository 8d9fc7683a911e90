//! The loader thread failing or panicking: the app hears of it as one line in
//! the pane and the hint line, and goes on working (no endless "loading…").

mod common;

use std::collections::BTreeMap;
use std::sync::mpsc;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use liangxin::domain::Date;
use liangxin::tui::keymap::Keymap;
use liangxin::tui::loader::{Loaded, Loader};
use liangxin::tui::state::{App, Pane};
use liangxin::tui::theme::Theme;
use liangxin::tui::{panics, ui, update};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn app() -> App {
    let mut app = App::new(
        Date::parse("d", "2022-09-30").expect("date"),
        Keymap::new(&BTreeMap::new()).expect("keymap"),
        Theme::new("plain", true),
    );
    app.orgs.loading = true;
    app
}

fn screen(app: &App) -> String {
    let mut t = Terminal::new(TestBackend::new(100, 24)).expect("terminal");
    t.draw(|f| ui::draw(f, app)).expect("draw");
    let buf = t.backend().buffer().clone();
    let mut s = String::new();
    for y in 0..buf.area.height {
        let mut x = 0;
        while x < buf.area.width {
            let sym = buf[(x, y)].symbol();
            s.push_str(sym);
            // a wide character covers the next cell too
            x += liangxin::text::width(sym).max(1) as u16;
        }
        s.push('\n');
    }
    s
}

#[test]
fn a_failed_load_is_shown_and_the_app_goes_on() {
    let (tx, _rx) = mpsc::channel();
    let loader = Loader::new("/nonexistent/ledger.db".into(), String::new(), tx);
    let mut app = app();
    assert!(screen(&app).contains("正在载入") || screen(&app).contains("loading"));
    loader.receive(&mut app, Loaded::Failed("no such table: orgs".into()));
    assert!(!app.orgs.loading);
    let s = screen(&app);
    // once in the pane, once on the hint line
    assert!(s.matches("no such table: orgs").count() >= 2, "{s}");
    assert!(!s.contains("正在载入") && !s.contains("loading…"), "{s}");
    // keys still work: Tab moves to the next pane
    update::on_key(&mut app, KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE));
    assert_ne!(app.focus, Pane::Orgs);
}

#[test]
fn a_panic_in_a_worker_becomes_an_error_naming_it() {
    let r: liangxin::Result<()> = panics::catch(|| {
        let s = "欸";
        // the old pinyin bug: a byte slice through a two-byte character
        let _ = &s[..1];
        Ok(())
    });
    let e = r.expect_err("the panic is caught").to_string();
    assert!(e.contains("byte index 1"), "{e}");
}

#[test]
fn the_loader_reports_a_database_it_cannot_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("not-a-ledger.db");
    std::fs::write(&path, b"this is not a database").expect("write");
    let (tx, rx) = mpsc::channel();
    let loader = Loader::new(path, String::new(), tx);
    let mut app = app();
    app.orgs.loading = false;
    loader.request(&mut app, None);
    let mut failures = 0;
    while let Ok(msg) = rx.recv_timeout(Duration::from_secs(30)) {
        if matches!(msg, Loaded::Failed(_)) {
            failures += 1;
        }
        loader.receive(&mut app, msg);
        if failures == 2 {
            break;
        }
    }
    assert_eq!(failures, 2, "both the lists and the rows report failing");
    assert!(app.orgs.failed.is_some());
    assert!(!app.orgs.loading);
}

/// Asks for a reload and applies what comes back; says whether the rows
/// were read again (`Orgs`) or kept (`OrgsCurrent`).
fn reload(loader: &Loader, app: &mut App, rx: &mpsc::Receiver<Loaded>) -> &'static str {
    loader.request(app, None);
    while let Ok(msg) = rx.recv_timeout(Duration::from_secs(30)) {
        let kind = match &msg {
            Loaded::Orgs(..) => Some("read"),
            Loaded::OrgsCurrent(_) => Some("kept"),
            Loaded::Failed(e) => panic!("{e}"),
            _ => None,
        };
        loader.receive(app, msg);
        if let Some(k) = kind {
            return k;
        }
    }
    panic!("the loader sent no rows")
}

/// Another session's change reloads the organization rows only when it
/// wrote a table they are read from: a task hand-over reloads the lists
/// and keeps the rows; a change to an organization reads them again.
#[test]
fn the_rows_reload_only_when_a_change_wrote_what_they_are_read_from() {
    let l = common::small_ledger();
    l.ok(&[
        "--on",
        "2022-01-02",
        "task",
        "add",
        "--kind",
        "ad-hoc",
        "--org",
        "常德甲公司",
    ]);
    let task: String = l
        .conn()
        .query_row("SELECT id FROM tasks", [], |r| r.get(0))
        .expect("the task");
    let (tx, rx) = mpsc::channel();
    let loader = Loader::new(l.db.clone(), String::new(), tx);
    let mut app = app();
    app.orgs.loading = false;
    assert_eq!(reload(&loader, &mut app, &rx), "read", "the first load");
    assert_eq!(app.orgs.rows.len(), 3);
    assert_eq!(reload(&loader, &mut app, &rx), "kept", "nothing changed");
    l.ok(&["--on", "2022-01-03", "task", "advance", &task]);
    assert_eq!(reload(&loader, &mut app, &rx), "kept", "a hand-over");
    assert!(!app.orgs.loading);
    assert_eq!(app.tasks.len(), 1, "the lists were read again");
    assert_eq!(app.tasks[0].stage, "survey");
    l.ok(&["org", "set", "常德乙公司", "employees=20"]);
    assert_eq!(
        reload(&loader, &mut app, &rx),
        "read",
        "an organization changed"
    );
    l.ok(&[
        "--on",
        "2022-01-04",
        "person",
        "add",
        "--name",
        "张三",
        "--org",
        "常德乙公司",
        "--status",
        "formal",
    ]);
    assert_eq!(
        reload(&loader, &mut app, &rx),
        "read",
        "a member counts in a row"
    );
}
