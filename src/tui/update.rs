//! State transitions: a key or an action changes the state and may ask for
//! effects (reads and writes) that `effects` runs against the store.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::{Action, Scope};
use super::form::{FormInput, FormKind};
use super::keymap::{Chord, Lookup};
use super::state::{App, Facet, ListPos, Overlay, Pane, Picker, Sort, View};
use crate::domain::kinds::{Coverage, OrgKind};
use crate::i18n::tr;

#[derive(Debug, PartialEq, Eq)]
pub enum Effect {
    OpenDetail(String),
    OpenForm(FormKind),
    OpenConflicts,
    /// Keep value N (1-based) of the selected conflict.
    PickConflict(usize),
    SubmitForm {
        force: bool,
    },
    ReloadForm,
    Dashboard,
    Reload,
}

impl App {
    pub fn scope(&self) -> Scope {
        match (&self.view, self.focus) {
            (View::Detail(_), _) => Scope::Detail,
            (View::Dashboard(_), _) | (View::Conflicts(_), _) => Scope::Global,
            (View::Main, Pane::Orgs) => Scope::Orgs,
            (View::Main, Pane::Tasks) => Scope::Tasks,
            (View::Main, Pane::Alerts) => Scope::Alerts,
        }
    }
}

/// Handles one key press.
pub fn on_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    app.message = None;
    let palette = matches!(app.overlay, Overlay::Palette { .. });
    let ctrl_c = key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL);
    match &mut app.overlay {
        Overlay::Form(form) => {
            if form.confirm_quit {
                form.confirm_quit = false;
                if matches!(key.code, KeyCode::Char('y') | KeyCode::Char('Y')) {
                    app.quit = true;
                }
                return vec![];
            }
            if ctrl_c {
                if form.dirty {
                    form.confirm_quit = true;
                } else {
                    app.quit = true;
                }
                return vec![];
            }
            if form.conflict.is_some() {
                return match key.code {
                    KeyCode::Char('s') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                        vec![Effect::SubmitForm { force: true }]
                    }
                    KeyCode::Char('r') => vec![Effect::ReloadForm],
                    KeyCode::Esc => {
                        form.conflict = None;
                        vec![]
                    }
                    _ => vec![],
                };
            }
            return match form.input(key) {
                FormInput::Submit => vec![Effect::SubmitForm { force: false }],
                FormInput::Cancel => {
                    app.overlay = Overlay::None;
                    vec![]
                }
                _ => vec![],
            };
        }
        Overlay::Help { filter, pos } | Overlay::Palette { filter, pos } => {
            match key.code {
                KeyCode::Esc => app.overlay = Overlay::None,
                KeyCode::Down => pos.selected += 1,
                KeyCode::Up => pos.selected = pos.selected.saturating_sub(1),
                KeyCode::Backspace => {
                    filter.pop();
                    pos.selected = 0;
                }
                KeyCode::Enter if palette => {
                    let chosen = palette_actions(app).get(palette_pos(app)).copied();
                    app.overlay = Overlay::None;
                    if let Some(a) = chosen {
                        return update(app, a);
                    }
                }
                KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                    filter.push(c);
                    pos.selected = 0;
                }
                _ => {}
            }
            return vec![];
        }
        Overlay::Picker(p) => {
            match key.code {
                KeyCode::Esc => app.overlay = Overlay::None,
                KeyCode::Down | KeyCode::Char('j') => {
                    p.pos.selected = (p.pos.selected + 1).min(p.options.len().saturating_sub(1))
                }
                KeyCode::Up | KeyCode::Char('k') => {
                    p.pos.selected = p.pos.selected.saturating_sub(1)
                }
                KeyCode::Enter => {
                    let value = p
                        .options
                        .get(p.pos.selected)
                        .map(|o| o.0.clone())
                        .filter(|v| !v.is_empty());
                    let facet = p.facet;
                    match facet {
                        Facet::Street => app.orgs.street = value,
                        Facet::Coverage => app.orgs.coverage = value,
                        Facet::Kind => app.orgs.kind = value,
                    }
                    app.overlay = Overlay::None;
                    refilter(app);
                }
                _ => {}
            }
            return vec![];
        }
        Overlay::None => {}
    }
    if app.orgs.searching {
        match key.code {
            KeyCode::Esc => {
                app.orgs.searching = false;
                app.orgs.query.clear();
                refilter(app);
            }
            KeyCode::Enter => app.orgs.searching = false,
            KeyCode::Backspace => {
                app.orgs.query.pop();
                refilter(app);
            }
            KeyCode::Down => move_sel(app, 1),
            KeyCode::Up => move_sel(app, -1),
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                app.orgs.query.push(c);
                refilter(app);
            }
            _ => {}
        }
        return vec![];
    }
    if ctrl_c {
        app.quit = true;
        return vec![];
    }
    if let (View::Conflicts(_), KeyCode::Char(c @ '1'..='9')) = (&app.view, key.code) {
        return vec![Effect::PickConflict(c as usize - '0' as usize)];
    }
    app.pending.push(Chord::from_event(&key));
    match app.keymap.lookup(app.scope(), &app.pending) {
        Lookup::Pending => vec![],
        Lookup::Action(a) => {
            app.pending.clear();
            update(app, a)
        }
        Lookup::None => {
            app.pending.clear();
            vec![]
        }
    }
}

fn len_of(app: &App) -> usize {
    match app.focus {
        Pane::Orgs => app.orgs.visible.len(),
        Pane::Tasks => app.visible_tasks().len(),
        Pane::Alerts => app.alerts.len(),
    }
}

fn pos_mut(app: &mut App) -> &mut ListPos {
    match app.focus {
        Pane::Orgs => &mut app.orgs.pos,
        Pane::Tasks => &mut app.tasks_pos,
        Pane::Alerts => &mut app.alerts_pos,
    }
}

fn move_sel(app: &mut App, delta: i64) {
    if let View::Detail(_) = app.view {
        app.detail_scroll = (app.detail_scroll as i64 + delta).max(0) as u16;
        return;
    }
    if let View::Conflicts(list) = &app.view {
        let n = list.len();
        let p = &mut app.conflicts_pos;
        p.selected = (p.selected as i64 + delta).clamp(0, n.saturating_sub(1) as i64) as usize;
        return;
    }
    let len = len_of(app);
    let page = app.page;
    let pos = pos_mut(app);
    let target = (pos.selected as i64 + delta).clamp(0, len.saturating_sub(1) as i64);
    pos.selected = target as usize;
    pos.scroll_into_view(page);
}

/// Applies one action.
pub fn update(app: &mut App, action: Action) -> Vec<Effect> {
    let page = app.page.max(1) as i64;
    match action {
        Action::Quit => {
            app.quit = true;
        }
        Action::NextPane => app.focus = app.focus.next(),
        Action::PrevPane => app.focus = app.focus.prev(),
        Action::FocusOrgs => app.focus = Pane::Orgs,
        Action::FocusTasks => app.focus = Pane::Tasks,
        Action::FocusAlerts => app.focus = Pane::Alerts,
        Action::Down => move_sel(app, 1),
        Action::Up => move_sel(app, -1),
        Action::PageDown => move_sel(app, page),
        Action::PageUp => move_sel(app, -page),
        Action::Top => move_sel(app, i64::MIN / 2),
        Action::Bottom => move_sel(app, i64::MAX / 2),
        Action::Back => {
            if matches!(app.view, View::Main) {
                if !app.orgs.query.is_empty() {
                    app.orgs.query.clear();
                    refilter(app);
                }
            } else {
                app.view = View::Main;
            }
        }
        Action::Open => match (&app.view, app.focus) {
            (View::Main, Pane::Orgs) => {
                if let Some(o) = app.selected_org() {
                    return vec![Effect::OpenDetail(o.id.to_string())];
                }
            }
            (View::Main, Pane::Tasks) => {
                let id = app
                    .visible_tasks()
                    .get(app.tasks_pos.selected)
                    .and_then(|t| t.org_id.clone());
                if let Some(id) = id {
                    return vec![Effect::OpenDetail(id)];
                }
            }
            (View::Main, Pane::Alerts) => {
                if let Some(a) = app.alerts.get(app.alerts_pos.selected) {
                    let hint = resolving_action(&a.rule).and_then(|act| {
                        let key = app.keymap.key_for(super::action::Scope::Detail, act)?;
                        Some(format!(
                            "{}: {key} {}",
                            tr("处理", "to resolve"),
                            act.describe()
                        ))
                    });
                    if let Some(id) = a.org_id.clone() {
                        app.message = hint;
                        return vec![Effect::OpenDetail(id)];
                    }
                }
            }
            _ => {}
        },
        Action::Search => {
            app.focus = Pane::Orgs;
            app.view = View::Main;
            app.orgs.searching = true;
        }
        Action::Help => {
            app.overlay = Overlay::Help {
                filter: String::new(),
                pos: ListPos::default(),
            }
        }
        Action::Palette => {
            app.overlay = Overlay::Palette {
                filter: String::new(),
                pos: ListPos::default(),
            }
        }
        Action::Dashboard => return vec![Effect::Dashboard],
        Action::Sort => {
            app.orgs_sort = app.orgs_sort.next();
            refilter(app);
            app.message = Some(format!(
                "{}: {}",
                tr("排序", "sort"),
                sort_label(app.orgs_sort)
            ));
        }
        Action::FilterStreet | Action::FilterCoverage | Action::FilterKind => {
            open_picker(app, action)
        }
        Action::ClearFilters => {
            app.orgs.street = None;
            app.orgs.coverage = None;
            app.orgs.kind = None;
            refilter(app);
        }
        Action::ToggleAllTasks => {
            app.all_tasks = !app.all_tasks;
            app.tasks_pos = ListPos::default();
        }
        Action::Mark => {
            if let Some(id) = app.selected_org().map(|o| o.id.to_string()) {
                if !app.orgs.marked.remove(&id) {
                    app.orgs.marked.insert(id);
                }
                move_sel(app, 1);
            }
        }
        Action::EditOrg => return vec![Effect::OpenForm(FormKind::EditOrg)],
        Action::AddOrg => return vec![Effect::OpenForm(FormKind::AddOrg)],
        Action::Survey => return vec![Effect::OpenForm(FormKind::Survey)],
        Action::RecordHire => return vec![Effect::OpenForm(FormKind::Hire)],
        Action::FoundBranch => return vec![Effect::OpenForm(FormKind::FoundBranch)],
        Action::AssignInstructor => return vec![Effect::OpenForm(FormKind::Assign)],
        Action::Transfer => return vec![Effect::OpenForm(FormKind::Transfer)],
        Action::AdvanceTask => return vec![Effect::OpenForm(FormKind::AdvanceTask)],
        Action::Conflicts => return vec![Effect::OpenConflicts],
        Action::Refresh => return vec![Effect::Reload],
        Action::ResolveAlert => {
            let Some(a) = app.alerts.get(app.alerts_pos.selected) else {
                return vec![];
            };
            // the organization's detail, with the form that answers the rule open on it
            let form = resolving_action(&a.rule).and_then(form_of);
            if let (Some(id), Some(form)) = (a.org_id.clone(), form) {
                return vec![Effect::OpenDetail(id), Effect::OpenForm(form)];
            }
            if let Some(id) = a.org_id.clone() {
                return vec![Effect::OpenDetail(id)];
            }
        }
    }
    vec![]
}

/// The form an action opens on an organization.
fn form_of(a: Action) -> Option<FormKind> {
    Some(match a {
        Action::FoundBranch => FormKind::FoundBranch,
        Action::AssignInstructor => FormKind::Assign,
        Action::Transfer => FormKind::Transfer,
        Action::Survey => FormKind::Survey,
        _ => return None,
    })
}

/// The action that resolves an alert of `rule`, offered when it is opened.
pub fn resolving_action(rule: &str) -> Option<Action> {
    use crate::domain::kinds::Rule;
    Some(match Rule::parse(rule).ok()? {
        Rule::NewMemberHire | Rule::BranchEligible | Rule::JointBranchTooBroad => {
            Action::FoundBranch
        }
        Rule::InstructorMissing | Rule::InstructorVisitOverdue => Action::AssignInstructor,
        Rule::RelationNotTransferred => Action::Transfer,
        Rule::IdentityCheckMissing
        | Rule::LedgerStale
        | Rule::DeregisteredActive
        | Rule::RegistrationMissing => Action::Survey,
        Rule::StageOverdue => return None,
    })
}

pub fn sort_label(s: Sort) -> &'static str {
    match s {
        Sort::Name => tr("名称", "name"),
        Sort::Street => tr("街道", "street"),
        Sort::Employees => tr("从业人数", "employees"),
        Sort::Coverage => tr("覆盖", "coverage"),
        Sort::LastSurvey => tr("最近摸排", "last survey"),
    }
}

fn open_picker(app: &mut App, action: Action) {
    let any = (String::new(), tr("（全部）", "(all)").to_string());
    let (facet, mut options) = match action {
        Action::FilterStreet => {
            let mut s: Vec<String> = app
                .orgs
                .rows
                .iter()
                .map(|r| app.orgs.names.get(r.street).to_string())
                .collect();
            s.sort();
            s.dedup();
            (
                Facet::Street,
                s.into_iter().map(|x| (x.clone(), x)).collect::<Vec<_>>(),
            )
        }
        Action::FilterCoverage => (
            Facet::Coverage,
            Coverage::ALL
                .iter()
                .map(|c| (c.code().to_string(), c.label().to_string()))
                .collect(),
        ),
        _ => (
            Facet::Kind,
            OrgKind::ALL
                .iter()
                .map(|k| (k.code().to_string(), k.label().to_string()))
                .collect(),
        ),
    };
    options.insert(0, any);
    app.overlay = Overlay::Picker(Picker {
        facet,
        options,
        pos: ListPos::default(),
    });
}

/// Recomputes the visible organizations: search, then facets, then sort (a
/// search keeps its ranking unless another sort was chosen).
pub fn refilter(app: &mut App) {
    let keep = app.selected_org().map(|o| o.id.to_string());
    refilter_keep(app, keep);
}

/// Like `refilter`, keeping the organization `keep` selected if still shown.
pub fn refilter_keep(app: &mut App, keep: Option<String>) {
    let o = &mut app.orgs;
    let mut ids: Vec<u32> = o.index.filter(&o.query, &o.rows);
    let names = &o.names;
    ids.retain(|&i| {
        let Some(r) = o.rows.get(i as usize) else {
            return false;
        };
        o.street.as_ref().is_none_or(|s| names.get(r.street) == s)
            && o.coverage.as_ref().is_none_or(|c| r.coverage.code() == c)
            && o.kind.as_ref().is_none_or(|k| r.kind.code() == k)
    });
    let ranked = !o.query.trim().is_empty();
    let rows = &o.rows;
    let key = |i: &u32| &rows[*i as usize];
    match app.orgs_sort {
        Sort::Name if ranked => {}
        Sort::Name => ids.sort_by(|a, b| key(a).name.cmp(&key(b).name)),
        Sort::Street => ids.sort_by(|a, b| {
            (names.get(key(a).street), &key(a).name).cmp(&(names.get(key(b).street), &key(b).name))
        }),
        Sort::Employees => ids.sort_by_key(|i| std::cmp::Reverse(key(i).employees)),
        Sort::Coverage => ids.sort_by_key(|i| coverage_rank(key(i).coverage)),
        Sort::LastSurvey => ids.sort_by_key(|i| key(i).last_survey),
    }
    o.visible = ids;
    o.pos.selected = keep
        .and_then(|id| {
            o.visible
                .iter()
                .position(|&i| o.rows.get(i as usize).is_some_and(|r| *r.id == *id))
        })
        .filter(|_| !ranked)
        .unwrap_or(0);
    let page = app.page;
    app.orgs.pos.scroll_into_view(page);
}

fn coverage_rank(c: Coverage) -> u8 {
    match c {
        Coverage::Uncovered => 0,
        Coverage::Instructor => 1,
        Coverage::Joint => 2,
        Coverage::Building => 3,
        Coverage::Own => 4,
    }
}

/// The actions the palette offers, filtered by what was typed.
pub fn palette_actions(app: &App) -> Vec<Action> {
    let filter = match &app.overlay {
        Overlay::Palette { filter, .. } => filter.to_lowercase(),
        _ => String::new(),
    };
    Action::ALL
        .iter()
        .copied()
        .filter(|a| {
            filter.is_empty()
                || a.name().contains(&filter)
                || a.describe().to_lowercase().contains(&filter)
        })
        .collect()
}

fn palette_pos(app: &App) -> usize {
    match &app.overlay {
        Overlay::Palette { pos, .. } => pos.selected,
        _ => 0,
    }
}
