//! Loading off the UI thread: the panes' rows and the organizations with their
//! search index, then (on opening) the upkeep that brings alerts and half-year
//! tasks up to date. Results come back as messages; the first frame never
//! waits for them.

use std::path::PathBuf;
use std::sync::mpsc;

use super::data::{self, OrgData, TaskRow};
use super::effects::install_orgs;
use super::input::Waker;
use super::panics;
use super::state::App;
use crate::domain::Date;
use crate::error::Result;
use crate::store::changes::{self, Position};
use crate::store::{Actor, Store, read};

pub enum Loaded {
    Lists {
        tasks: Vec<TaskRow>,
        totals: (i64, i64),
        alerts: data::AlertPane,
        sync: String,
    },
    /// The organization rows, as of the op log's position read before them.
    Orgs(OrgData, Position),
    /// Nothing the rows are read from changed since they were loaded: the
    /// rows stay, now as of this position.
    OrgsCurrent(Position),
    /// Loading failed.
    Failed(String),
    /// Something to tell the user (the upkeep on opening failed).
    Notice(String),
    Dashboard(Box<super::state::Dashboard>),
}

/// What opening the app brings up to date: this cycle's half-year tasks
/// (alerts are derived when read). Its commits reload the panes like any
/// other session's.
pub struct Upkeep {
    pub actor: Actor,
}

fn upkeep(path: &std::path::Path, today: Date, u: &Upkeep) -> Result<()> {
    let mut store = Store::open(path)?;
    let batch = crate::store::tasks::half_year_plan(store.conn(), today)?;
    if !batch.is_empty() {
        store.apply_batch(&u.actor, "tasks.generate", batch)?;
    }
    Ok(())
}

/// Hands memory freed by a large piece of work back to the system, so the
/// app's resident size is what it keeps, not its peak.
fn release_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free heap pages to the kernel; it takes
    // no pointers and may be called from any thread.
    unsafe {
        libc::malloc_trim(0);
    }
}

fn lists(
    path: &std::path::Path,
    today: Date,
    office: &str,
    limits: &crate::config::Alerts,
) -> Result<Loaded> {
    let store = Store::open(path)?;
    let (tasks, total, mine) = data::tasks(store.conn(), today, office)?;
    let pane = data::alerts(store.conn(), today, limits)?;
    let sync = data::sync_state(store.conn())?;
    Ok(Loaded::Lists {
        tasks,
        totals: (total, mine),
        alerts: pane,
        sync,
    })
}

/// The organization rows, unless the ops since `since` (the position the
/// rows shown were loaded at) wrote no table they are read from.
fn orgs(path: &std::path::Path, today: Date, since: Option<&Position>) -> Result<Loaded> {
    let store = Store::open(path)?;
    // Read first: a change that lands after it is looked at next time.
    let at = changes::position(store.conn())?;
    if let Some(from) = since
        && !read::org_rows_touched(&changes::tables_between(store.conn(), from, &at)?)
    {
        return Ok(Loaded::OrgsCurrent(at));
    }
    Ok(Loaded::Orgs(data::orgs(store.conn(), today)?, at))
}

pub struct Loader {
    path: PathBuf,
    office: String,
    tx: mpsc::Sender<Loaded>,
    /// Wakes the UI thread when a result is sent (none in tests that poll).
    waker: Option<Waker>,
}

impl Loader {
    pub fn new(path: PathBuf, office: String, tx: mpsc::Sender<Loaded>) -> Loader {
        Loader {
            path,
            office,
            tx,
            waker: None,
        }
    }

    pub fn with_waker(mut self, waker: Waker) -> Loader {
        self.waker = Some(waker);
        self
    }

    /// Loads everything again; while a load runs, one more is queued instead.
    pub fn request(&self, app: &mut App, then: Option<Upkeep>) {
        if app.orgs.loading && then.is_none() {
            app.reload_pending = true;
            return;
        }
        app.orgs.loading = true;
        // Opening loads the rows whatever the position says.
        let since = then.is_none().then(|| app.orgs.at.clone()).flatten();
        let (path, office, tx, waker, today, limits) = (
            self.path.clone(),
            self.office.clone(),
            self.tx.clone(),
            self.waker.clone(),
            app.today,
            app.limits.clone(),
        );
        let spawned = std::thread::Builder::new()
            .name("loader".into())
            .spawn(move || {
                // Each step may fail or even panic on odd data; the others still run
                // and the UI thread always hears how it went.
                let send = |m: Loaded| {
                    let _ = tx.send(m);
                    if let Some(w) = &waker {
                        w.wake();
                    }
                };
                let failed = |e: crate::error::Error| Loaded::Failed(e.to_string());
                send(
                    panics::catch(|| lists(&path, today, &office, &limits)).unwrap_or_else(failed),
                );
                send(panics::catch(|| orgs(&path, today, since.as_ref())).unwrap_or_else(failed));
                if let Some(u) = then {
                    if let Err(e) = panics::catch(|| upkeep(&path, today, &u)) {
                        send(Loaded::Notice(e.to_string()));
                    }
                    release_memory();
                }
            });
        if let Err(e) = spawned {
            app.orgs.loading = false;
            app.orgs.failed = Some(e.to_string());
            app.message = Some(e.to_string());
        }
    }

    /// Computes the dashboard on its own thread; it opens when ready.
    pub fn dashboard(&self, today: Date, small_enterprise: i64, hire_due_days: i64) {
        let (path, tx, waker) = (self.path.clone(), self.tx.clone(), self.waker.clone());
        let _ = std::thread::Builder::new()
            .name("dashboard".into())
            .spawn(move || {
                let made = panics::catch(|| {
                    let store = Store::open(&path)?;
                    super::effects::dashboard(store.conn(), today, small_enterprise, hire_due_days)
                });
                let _ = tx.send(match made {
                    Ok(d) => Loaded::Dashboard(Box::new(d)),
                    Err(e) => Loaded::Notice(e.to_string()),
                });
                if let Some(w) = &waker {
                    w.wake();
                }
            });
    }

    /// A load is over: the one asked for meanwhile runs now.
    fn after_orgs(&self, app: &mut App) {
        if std::mem::take(&mut app.reload_pending) {
            self.request(app, None);
        }
    }

    /// Puts a result in place.
    pub fn receive(&self, app: &mut App, msg: Loaded) {
        match msg {
            Loaded::Lists {
                tasks,
                totals,
                alerts,
                sync,
            } => {
                app.sync = sync;
                app.tasks = tasks;
                app.tasks_total = totals;
                app.tasks_pos.clamp(app.visible_tasks().len());
                app.alerts = alerts.first;
                app.alert_groups = alerts.groups;
                app.alerts_pos.clamp(app.alerts.len());
            }
            Loaded::Orgs(d, at) => {
                install_orgs(app, d);
                app.orgs.at = Some(at);
                release_memory();
                self.after_orgs(app);
            }
            Loaded::OrgsCurrent(at) => {
                app.orgs.loading = false;
                app.orgs.at = Some(at);
                // the lists' load (the alerts above all) freed what it built
                release_memory();
                self.after_orgs(app);
            }
            Loaded::Failed(e) => {
                app.orgs.loading = false;
                app.orgs.failed = Some(e.clone());
                app.message = Some(e);
            }
            Loaded::Notice(e) => app.message = Some(e),
            Loaded::Dashboard(d) => {
                // only if the user is still on the main screen
                if matches!(app.view, super::state::View::Main) {
                    app.view = super::state::View::Dashboard(d);
                    app.message = None;
                }
            }
        }
    }
}
