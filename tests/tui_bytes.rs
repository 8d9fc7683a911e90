//! Bytes to the terminal, counted at the writer: an unchanged state sends
//! nothing; moving the selection one row sends under 1 KB at 120×40.

use std::io::Write;
use std::sync::{Arc, Mutex};

use liangxin::config::Config;
use liangxin::store::{Actor, Store};
use liangxin::tui::action::Action;
use liangxin::tui::present::Presenter;
use liangxin::tui::theme::Theme;
use liangxin::tui::{prepare, update};
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};

#[derive(Clone, Default)]
struct Counter(Arc<Mutex<usize>>);

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        *self.0.lock().unwrap() += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Counter {
    fn take(&self) -> usize {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

#[test]
fn unchanged_state_sends_nothing_and_a_row_move_is_small() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("demo.db")).unwrap();
    let actor = Actor {
        os_user: "cadre".into(),
        name: "测试员".into(),
        office: "party".into(),
        via: None,
    };
    liangxin::demo::build(&mut store, &actor).unwrap();
    let today = store.pinned_today().unwrap().unwrap();
    let (mut app, env) = prepare(
        store,
        today,
        &Config::default(),
        Theme::new("rounded", false),
    )
    .unwrap();
    env.reload_all(&mut app).unwrap();

    let counter = Counter::default();
    let opts = TerminalOptions {
        viewport: Viewport::Fixed(Rect::new(0, 0, 120, 40)),
    };
    let terminal = Terminal::with_options(CrosstermBackend::new(counter.clone()), opts).unwrap();
    let mut screen = Presenter::new(terminal).unwrap();
    let plain = |t: &mut Terminal<_>,
                 draw: &mut dyn FnMut(&mut Terminal<_>) -> liangxin::Result<()>| {
        draw(t)
    };

    assert!(screen.present(&app, plain).unwrap());
    let first = counter.take();
    assert!(
        first > 2000,
        "the first frame draws the screen: {first} bytes"
    );

    // nothing changed: nothing sent
    assert!(!screen.present(&app, plain).unwrap());
    assert_eq!(counter.take(), 0);
    // a key that changes nothing (up at the top) sends nothing either
    update::update(&mut app, Action::Up);
    assert!(!screen.present(&app, plain).unwrap());
    assert_eq!(counter.take(), 0);

    update::update(&mut app, Action::Down);
    assert!(screen.present(&app, plain).unwrap());
    let moved = counter.take();
    assert!(moved > 0 && moved < 1024, "one row down: {moved} bytes");
    println!("first frame {first} bytes; one row down {moved} bytes");
}
