//! The terminal app: three panes (organizations, survey tasks, first-time
//! alerts), details, forms, search, help, dashboard. Keys become actions
//! (`keymap`), `update` changes the state, `effects` runs reads and writes
//! against the store, `ui` draws. It redraws only when something changed.

pub mod action;
pub mod data;
pub mod effects;
pub mod form;
pub mod forms;
pub mod input;
pub mod keymap;
pub mod loader;
pub mod panics;
pub mod present;
pub mod search;
pub mod state;
pub mod theme;
pub mod ui;
pub mod update;

use std::io::{IsTerminal, Write};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crossterm::event::{self, Event, KeyEventKind};

use crate::config::Config;
use crate::domain::Date;
use crate::domain::kinds::Office;
use crate::error::{Error, Result};
use crate::i18n::tr;
use crate::store::{Actor, Store};
use effects::Env;
use state::App;

/// Builds the app state and its environment, loading everything at once
/// (tests and snapshots; the interactive loop loads organizations in the background).
pub fn prepare(
    store: Store,
    today: Date,
    config: &Config,
    theme: theme::Theme,
) -> Result<(App, Env)> {
    let keymap = keymap::Keymap::new(&config.keys)?;
    let mut app = App::new(today, keymap, theme);
    app.limits = config.alerts.clone();
    app.demo = store.pinned_today()?.is_some();
    app.district = store.meta("district")?.unwrap_or_default();
    let actor = Actor::of_process(&config.user.name, &config.user.office);
    app.user = actor.name.clone();
    app.office = config.user.office.clone();
    app.office_label = Office::parse(&config.user.office)
        .map(|o| o.label().to_string())
        .unwrap_or_default();
    app.scope = [config.scope.street.clone(), config.scope.community.clone()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    if app.scope.is_empty() {
        app.scope = if app.district.is_empty() {
            tr("全区", "district").to_string()
        } else {
            app.district.clone()
        };
    }
    app.all_tasks = config.user.office.is_empty();
    let env = Env {
        store,
        loader: None,
        actor,
        small_enterprise: config.report.small_enterprise_employees,
        hire_due_days: config.alerts.hire_due_days,
    };
    Ok((app, env))
}

/// Rows the first frame reads before the loader brings them all.
pub const FIRST_PAGE: usize = 200;

/// Runs until the user quits, the terminal goes away (a dropped SSH
/// connection: hangup, EOF, a failed write) or a SIGTERM/SIGINT/SIGHUP comes.
/// The terminal is restored on return and on a panic of the UI thread.
pub fn run(store: Store, today: Date, config: &Config, actor: Actor) -> Result<()> {
    if !std::io::stdout().is_terminal() {
        return Err(Error::Refused(
            tr(
                "标准输出不是终端；命令行用法见 --help（演示可加 --no-tui）",
                "standard output is not a terminal; see --help (demo takes --no-tui)",
            )
            .into(),
        ));
    }
    let path = store.path().to_path_buf();
    let (mut app, mut env) = prepare(
        store,
        today,
        config,
        theme::Theme::from_env(&config.ui.border),
    )?;
    // Who the command line says is acting (an SSH key's user, `--as`).
    app.user = actor.name.clone();
    env.actor = actor;
    app.orgs.total_hint = env.store.count("orgs")?;
    // The first page from an index, so the first frame shows rows; the full
    // list and its search index follow from the loader and replace it.
    let first = crate::store::read::org_rows_first(env.store.conn(), today, FIRST_PAGE)?;
    effects::install_orgs(&mut app, data::OrgData::from_rows(first));
    let mut waiter = input::Waiter::new()?;
    // Everything but the first frame loads on another thread.
    let (tx, rx) = mpsc::channel();
    let loader = loader::Loader::new(path, app.office.clone(), tx).with_waker(waiter.waker());
    let first = loader::Upkeep {
        actor: env.actor.clone(),
    };
    loader.request(&mut app, Some(first));
    env.loader = Some(loader);

    let terminal = panics::init_terminal()?;
    let result = present::Presenter::new(terminal)
        .and_then(|mut p| event_loop(&mut p, &mut app, &mut env, &rx, &mut waiter));
    // The terminal may be gone: restoring it then fails, and that is fine.
    let _ = ratatui::try_restore();
    match result {
        // A terminal that went away mid-frame is a hangup, not an error to report.
        Err(_) if waiter.stopped() || !terminal_alive() => Ok(()),
        r => r,
    }
}

/// Whether the terminal can still be asked its size (false once it hung up).
fn terminal_alive() -> bool {
    crossterm::terminal::size().is_ok()
}

fn event_loop(
    screen: &mut present::Presenter<ratatui::backend::CrosstermBackend<std::io::Stdout>>,
    app: &mut App,
    env: &mut Env,
    rx: &mpsc::Receiver<loader::Loaded>,
    waiter: &mut input::Waiter,
) -> Result<()> {
    let mut dirty = true;
    let mut version = data::data_version(env.store.conn())?;
    let mut checked = Instant::now();
    loop {
        if dirty {
            app.page = ui::page_height(screen.area()?, app.focus);
            screen.present(app, |t, draw| {
                // one frame, one synchronized update: no tearing over slow links
                crossterm::queue!(
                    t.backend_mut(),
                    crossterm::terminal::BeginSynchronizedUpdate
                )?;
                draw(t)?;
                crossterm::queue!(t.backend_mut(), crossterm::terminal::EndSynchronizedUpdate)?;
                t.backend_mut().flush()?;
                Ok(())
            })?;
            dirty = false;
        }
        if app.quit {
            return Ok(());
        }
        // Input, signals and the loader's results wake it; the timeout is only
        // for noticing other sessions' commits (below), twice a second.
        match waiter.wait(Duration::from_millis(500)) {
            input::Wake::Stop | input::Wake::Hangup => return Ok(()),
            input::Wake::Timeout => {}
            input::Wake::Input => {
                // Only now is crossterm asked: the terminal is readable and alive.
                while event::poll(Duration::ZERO)? {
                    match event::read()? {
                        Event::Key(k) if k.kind != KeyEventKind::Release => {
                            let effects = update::on_key(app, k);
                            env.run(app, effects);
                            dirty = true;
                        }
                        Event::Resize(..) => {
                            screen.invalidate();
                            dirty = true;
                        }
                        _ => {}
                    }
                    if app.quit {
                        break;
                    }
                }
            }
        }
        while let Ok(msg) = rx.try_recv() {
            if let Some(l) = &env.loader {
                l.receive(app, msg);
            }
            dirty = true;
        }
        // Another session's commit: reload within about a second, no keypress needed.
        if checked.elapsed() >= Duration::from_millis(500) {
            checked = Instant::now();
            let v = data::data_version(env.store.conn())?;
            if v != version {
                version = v;
                env.refresh_detail(app)?;
                if let Some(l) = &env.loader {
                    l.request(app, None);
                }
                dirty = true;
            }
        }
    }
}
