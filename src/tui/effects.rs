//! Runs what `update` asked for against the store, and loads the panes.

use super::data;
use super::form::Form;
use super::forms::{self, Saved};
use super::state::{App, Dashboard, Overlay, View};
use super::update::{Effect, refilter_keep};
use crate::domain::Date;
use crate::error::{Error, Result};
use crate::i18n::tr;
use crate::report::coverage::{self, By};
use crate::report::period;
use crate::store::{Actor, Store};

pub struct Env {
    pub store: Store,
    /// In the running app, reloads go to the loader thread; without it
    /// (tests, snapshots) they happen at once.
    pub loader: Option<super::loader::Loader>,
    pub actor: Actor,
    pub small_enterprise: i64,
    pub hire_due_days: i64,
}

impl Env {
    /// Reloads tasks and alerts (cheap) and, when `orgs` is given, the
    /// organizations with their search index.
    pub fn load(&self, app: &mut App, orgs: Option<data::OrgData>) -> Result<()> {
        let conn = self.store.conn();
        app.sync = data::sync_state(conn)?;
        let (tasks, total, mine) = data::tasks(conn, app.today, &app.office)?;
        app.tasks = tasks;
        app.tasks_total = (total, mine);
        app.tasks_pos.clamp(app.visible_tasks().len());
        let pane = data::alerts(conn, app.today, &app.limits)?;
        app.alerts = pane.first;
        app.alert_groups = pane.groups;
        app.alerts_pos.clamp(app.alerts.len());
        if let Some(d) = orgs {
            install_orgs(app, d);
        }
        Ok(())
    }

    pub fn run(&mut self, app: &mut App, effects: Vec<Effect>) {
        for e in effects {
            if let Err(err) = self.run_one(app, e) {
                match &mut app.overlay {
                    Overlay::Form(f) => {
                        let field = match &err {
                            Error::Invalid { field, .. } => Some(field.clone()),
                            _ => None,
                        };
                        f.show_error(field.as_deref(), err.to_string());
                    }
                    _ => app.message = Some(err.to_string()),
                }
            }
        }
    }

    fn run_one(&mut self, app: &mut App, e: Effect) -> Result<()> {
        match e {
            Effect::OpenDetail(id) => {
                app.view = View::Detail(Box::new(self.detail(&id, app.today, &app.limits)?));
                app.detail_scroll = 0;
            }
            Effect::OpenForm(super::form::FormKind::AdvanceTask) => {
                let task = app
                    .visible_tasks()
                    .get(app.tasks_pos.selected)
                    .map(|t| (*t).clone());
                let Some(task) = task else {
                    return Err(Error::Refused(
                        tr("请先选择一个任务", "select a task first").into(),
                    ));
                };
                app.overlay = Overlay::Form(Box::new(forms::advance_task(&task)));
            }
            Effect::OpenConflicts => {
                app.view = View::Conflicts(crate::sync::conflicts::list(self.store.conn())?);
                app.conflicts_pos = Default::default();
            }
            Effect::PickConflict(n) => {
                let View::Conflicts(list) = &app.view else {
                    return Ok(());
                };
                let Some(c) = list.get(app.conflicts_pos.selected).cloned() else {
                    return Ok(());
                };
                for cmd in crate::sync::conflicts::resolution(&c, Some(n), None)? {
                    self.store.apply(&self.actor, app.today, cmd, None)?;
                }
                app.message = Some(format!("{} {}", tr("已解决", "resolved"), c.id));
                app.view = View::Conflicts(crate::sync::conflicts::list(self.store.conn())?);
                app.conflicts_pos.clamp(match &app.view {
                    View::Conflicts(l) => l.len(),
                    _ => 0,
                });
                self.reload_all(app)?;
            }
            Effect::OpenForm(kind) => {
                let org = match &app.view {
                    View::Detail(d) => Some(d.org.row.id.clone()),
                    _ => app.selected_org().map(|o| o.id.to_string()),
                };
                let marked: Vec<String> = app.orgs.marked.iter().cloned().collect();
                let form =
                    forms::open(self.store.conn(), kind, org.as_deref(), &marked, app.today)?;
                app.overlay = Overlay::Form(Box::new(form));
            }
            Effect::SubmitForm { force } => {
                let Overlay::Form(form) = &mut app.overlay else {
                    return Ok(());
                };
                match forms::save(&mut self.store, &self.actor, form, app.today, force)? {
                    Saved::Stale(list) => form.conflict = Some(list),
                    Saved::Done(msg) => {
                        let was_branch = form.kind == super::form::FormKind::FoundBranch;
                        app.overlay = Overlay::None;
                        app.message = Some(msg);
                        if was_branch {
                            app.orgs.marked.clear();
                        }
                        self.reload_all(app)?;
                    }
                }
            }
            Effect::ReloadForm => {
                if let Overlay::Form(form) = &mut app.overlay {
                    reload_form(self.store.conn(), form, app.today)?;
                }
            }
            Effect::Dashboard => match &self.loader {
                Some(l) => {
                    app.message = Some(tr("正在计算看板…", "computing the dashboard…").into());
                    l.dashboard(app.today, self.small_enterprise, self.hire_due_days);
                }
                None => app.view = View::Dashboard(Box::new(self.dashboard(app.today)?)),
            },
            Effect::Reload => self.reload_all(app)?,
        }
        Ok(())
    }

    /// Everything again, keeping the view (a detail view is re-read).
    pub fn reload_all(&self, app: &mut App) -> Result<()> {
        if let Some(l) = &self.loader {
            l.request(app, None);
            return self.refresh_detail(app);
        }
        let orgs = data::orgs(self.store.conn(), app.today)?;
        self.load(app, Some(orgs))?;
        self.refresh_detail(app)
    }

    /// Re-reads the organization a detail view shows.
    pub fn refresh_detail(&self, app: &mut App) -> Result<()> {
        if let View::Detail(d) = &app.view {
            let id = d.org.row.id.clone();
            app.view = View::Detail(Box::new(self.detail(&id, app.today, &app.limits)?));
        }
        Ok(())
    }

    fn detail(
        &self,
        id: &str,
        today: Date,
        limits: &crate::config::Alerts,
    ) -> Result<super::state::Detail> {
        let conn = self.store.conn();
        let org = crate::store::read::org_detail(conn, &crate::domain::Id(id.to_string()), today)?;
        let (alerts, tasks) = data::for_org(conn, id, today, limits)?;
        Ok(super::state::Detail { org, alerts, tasks })
    }

    pub fn dashboard(&self, today: Date) -> Result<Dashboard> {
        dashboard(
            self.store.conn(),
            today,
            self.small_enterprise,
            self.hire_due_days,
        )
    }
}

/// The dashboard: coverage by street, the last twelve month ends, the
/// period paragraph. Thirteen coverage counts, so the app computes it on the
/// loader thread.
pub fn dashboard(
    conn: &rusqlite::Connection,
    today: Date,
    small_enterprise: i64,
    hire_due_days: i64,
) -> Result<Dashboard> {
    let report = coverage::compute(conn, today, By::Street)?;
    let mut trend = Vec::new();
    // month ends of the last twelve months, the current day last
    let mut day = today;
    for _ in 0..12 {
        let r = coverage::compute(conn, day, By::Street)?;
        trend.push((
            format!("{}-{:02}", day.year(), day.month()),
            r.counts.coverage_rate,
        ));
        day = Date::ymd(day.year(), day.month(), 1)?.add_days(-1);
    }
    trend.reverse();
    let from = {
        let m = i32::from(today.month()) - 5;
        let (y, m) = if m < 1 {
            (today.year() - 1, m + 12)
        } else {
            (today.year(), m)
        };
        Date::ymd(y, m as i8, 1)?
    };
    let p = period::Params {
        from,
        to: today,
        street: None,
        small_enterprise,
        hire_due_days,
    };
    let paragraph = period::render_text(&period::compute(conn, &p)?, hire_due_days);
    Ok(Dashboard {
        report,
        trend,
        paragraph,
    })
}

fn reload_form(conn: &rusqlite::Connection, form: &mut Form, _today: Date) -> Result<()> {
    forms::reload_original(conn, form)?;
    let values = form.original.clone();
    for (k, v) in values {
        if let Some(f) = form.field_mut(k) {
            match f.kind {
                super::form::FieldKind::Flag => f.flag = v == "yes",
                _ => {
                    f.input = ratatui_textarea::TextArea::new(vec![v]);
                    f.input.move_cursor(ratatui_textarea::CursorMove::End);
                }
            }
        }
    }
    form.conflict = None;
    form.message = Some(tr("已载入最新内容", "reloaded the current values").into());
    Ok(())
}

/// Puts freshly loaded organizations in place, keeping the selection.
pub fn install_orgs(app: &mut App, d: data::OrgData) {
    let keep = app.selected_org().map(|o| o.id.to_string());
    app.orgs.index = d.index;
    app.orgs.rows = d.rows;
    app.orgs.names = d.names;
    app.orgs.loading = false;
    app.orgs.failed = None;
    refilter_keep(app, keep);
}
