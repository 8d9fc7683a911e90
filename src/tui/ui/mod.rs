//! Drawing: a pure function of the state. Each pane, view and overlay has
//! its own module.

mod conflicts;
mod dashboard;
mod detail;
mod form;
mod lists;
mod panes;
mod welcome;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::action::Action;
use super::state::{App, Overlay, Pane, View};
use crate::i18n::tr;

/// Smallest size the app draws into; below it, a notice.
pub const MIN_W: u16 = 40;
pub const MIN_H: u16 = 10;

pub struct Areas {
    pub orgs: Rect,
    pub tasks: Rect,
    pub alerts: Rect,
    pub hint: Rect,
    pub status: Rect,
}

/// Wide terminals put tasks and alerts beside the organizations; narrow
/// ones stack them.
pub fn areas(area: Rect) -> Areas {
    let [body, hint, status] = Layout::vertical([
        Constraint::Min(3),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let (orgs, side) = if area.width >= 100 {
        let [a, b] = Layout::horizontal([Constraint::Percentage(62), Constraint::Percentage(38)])
            .areas(body);
        (a, b)
    } else {
        let [a, b] =
            Layout::vertical([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(body);
        (a, b)
    };
    let [tasks, alerts] = if area.width >= 100 {
        Layout::vertical([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(side)
    } else {
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(side)
    };
    Areas {
        orgs,
        tasks,
        alerts,
        hint,
        status,
    }
}

/// Rows a pane's list shows at once (for paging): borders, header, search line.
pub fn page_height(area: Rect, pane: Pane) -> usize {
    let a = areas(area);
    let r = match pane {
        Pane::Orgs => a.orgs,
        Pane::Tasks => a.tasks,
        Pane::Alerts => a.alerts,
    };
    r.height.saturating_sub(4).max(1) as usize
}

pub fn draw(f: &mut Frame, app: &App) {
    let area = f.area();
    if area.width < MIN_W || area.height < MIN_H {
        f.render_widget(Paragraph::new(tr("终端太小", "terminal too small")), area);
        return;
    }
    let a = areas(area);
    match &app.view {
        View::Main if welcome::shows(app) => {
            welcome::draw(f, a.orgs.union(a.tasks).union(a.alerts), app)
        }
        View::Main => {
            panes::orgs(f, a.orgs, app);
            panes::tasks(f, a.tasks, app);
            panes::alerts(f, a.alerts, app);
        }
        View::Detail(d) => detail::draw(f, a.orgs.union(a.tasks).union(a.alerts), app, d),
        View::Dashboard(d) => dashboard::draw(f, a.orgs.union(a.tasks).union(a.alerts), app, d),
        View::Conflicts(list) => {
            conflicts::draw(f, a.orgs.union(a.tasks).union(a.alerts), app, list)
        }
    }
    hint(f, a.hint, app);
    status(f, a.status, app);
    match &app.overlay {
        Overlay::None => {}
        Overlay::Help { filter, pos } => lists::help(f, area, app, filter, pos),
        Overlay::Palette { filter, pos } => lists::palette(f, area, app, filter, pos),
        Overlay::Picker(p) => lists::picker(f, area, app, p),
        Overlay::Form(form) => form::draw(f, area, app, form),
    }
}

fn hint(f: &mut Frame, area: Rect, app: &App) {
    if let Some(m) = &app.message {
        f.render_widget(
            Paragraph::new(crate::text::clean(m)).style(app.theme.warn()),
            area,
        );
        return;
    }
    let scope = app.scope();
    let main: &[Action] = match app.view {
        View::Detail(_) => &[
            Action::Back,
            Action::EditOrg,
            Action::Survey,
            Action::RecordHire,
            Action::AssignInstructor,
            Action::Help,
        ],
        View::Dashboard(_) | View::Conflicts(_) => &[Action::Back, Action::Help, Action::Quit],
        View::Main if welcome::shows(app) => welcome::HINTS,
        View::Main => match app.focus {
            Pane::Orgs => &[
                Action::Search,
                Action::Open,
                Action::EditOrg,
                Action::Survey,
                Action::Mark,
                Action::FoundBranch,
                Action::Help,
                Action::Quit,
            ],
            Pane::Tasks => &[
                Action::Open,
                Action::AdvanceTask,
                Action::ToggleAllTasks,
                Action::NextPane,
                Action::Help,
                Action::Quit,
            ],
            Pane::Alerts => &[Action::Open, Action::NextPane, Action::Help, Action::Quit],
        },
    };
    let mut spans = Vec::new();
    for a in main {
        if let Some(k) = app.keymap.key_for(scope, *a) {
            spans.push(Span::styled(format!(" {k} "), app.theme.accent()));
            spans.push(Span::raw(format!("{} ", a.describe())));
        }
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn status(f: &mut Frame, area: Rect, app: &App) {
    let mut parts: Vec<String> = Vec::new();
    for s in [&app.user, &app.office_label, &app.scope] {
        if !s.is_empty() {
            parts.push(crate::text::clean(s));
        }
    }
    parts.push(app.today.to_string());
    if !app.sync.is_empty() {
        parts.push(crate::text::clean(&app.sync));
    }
    let mut spans = vec![Span::raw(format!(" {} ", parts.join(" · ")))];
    if app.demo {
        spans.insert(0, Span::styled(tr(" 演示 ", " DEMO "), app.theme.marker()));
    }
    f.render_widget(
        Paragraph::new(Line::from(spans)).style(app.theme.dim()),
        area,
    );
}
