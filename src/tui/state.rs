//! The app's state. Rendering is a function of it; `update` changes it.

use std::collections::BTreeSet;

use super::data::{AlertRow, GroupCount, ListRow, Names, TaskRow};
use super::form::Form;
use super::keymap::{Chord, Keymap};
use super::search::Index;
use super::theme::Theme;
use crate::domain::Date;
use crate::domain::kinds::AlertGroup;
use crate::report::coverage::CoverageReport;
use crate::store::read::OrgDetail;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pane {
    Orgs,
    Tasks,
    Alerts,
}

impl Pane {
    pub fn next(self) -> Pane {
        match self {
            Pane::Orgs => Pane::Tasks,
            Pane::Tasks => Pane::Alerts,
            Pane::Alerts => Pane::Orgs,
        }
    }
    pub fn prev(self) -> Pane {
        self.next().next()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sort {
    Name,
    Street,
    Employees,
    Coverage,
    LastSurvey,
}

impl Sort {
    pub fn next(self) -> Sort {
        match self {
            Sort::Name => Sort::Street,
            Sort::Street => Sort::Employees,
            Sort::Employees => Sort::Coverage,
            Sort::Coverage => Sort::LastSurvey,
            Sort::LastSurvey => Sort::Name,
        }
    }
}

#[derive(Clone, Copy, Debug, Default)]
pub struct ListPos {
    pub selected: usize,
    pub offset: usize,
}

impl ListPos {
    pub fn clamp(&mut self, len: usize) {
        if len == 0 {
            self.selected = 0;
        } else if self.selected >= len {
            self.selected = len - 1;
        }
    }
    /// Keeps the selection inside a window of `height` rows.
    pub fn scroll_into_view(&mut self, height: usize) {
        let h = height.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + h {
            self.offset = self.selected + 1 - h;
        }
    }
}

#[derive(Default)]
pub struct Orgs {
    pub rows: Vec<ListRow>,
    pub names: Names,
    pub index: Index,
    /// Row indexes shown, after search, facets and sort.
    pub visible: Vec<u32>,
    pub query: String,
    pub searching: bool,
    pub street: Option<String>,
    pub coverage: Option<String>,
    pub kind: Option<String>,
    pub marked: BTreeSet<String>,
    pub pos: ListPos,
    pub loading: bool,
    /// The op log's position the rows were loaded at (`store::changes`).
    pub at: Option<crate::store::changes::Position>,
    /// Why loading failed, shown in the pane until a load succeeds.
    pub failed: Option<String>,
    pub total_hint: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Facet {
    Street,
    Coverage,
    Kind,
}

pub struct Picker {
    pub facet: Facet,
    pub options: Vec<(String, String)>,
    pub pos: ListPos,
}

pub enum Overlay {
    None,
    Help { filter: String, pos: ListPos },
    Palette { filter: String, pos: ListPos },
    Picker(Picker),
    Form(Box<Form>),
}

pub struct Dashboard {
    pub report: CoverageReport,
    /// (month label, coverage rate) for the last twelve month ends.
    pub trend: Vec<(String, f64)>,
    pub paragraph: String,
}

/// An organization's detail, with its open alerts and tasks.
pub struct Detail {
    pub org: OrgDetail,
    pub alerts: Vec<AlertRow>,
    pub tasks: Vec<TaskRow>,
}

pub enum View {
    Main,
    Conflicts(Vec<crate::sync::conflicts::Conflict>),
    Detail(Box<Detail>),
    Dashboard(Box<Dashboard>),
}

pub struct App {
    pub today: Date,
    pub demo: bool,
    pub district: String,
    pub user: String,
    pub office: String,
    pub office_label: String,
    pub scope: String,
    pub sync: String,
    pub focus: Pane,
    pub view: View,
    pub overlay: Overlay,
    pub orgs: Orgs,
    pub orgs_sort: Sort,
    pub tasks: Vec<TaskRow>,
    /// Open tasks in all, and the user's office's (the pane keeps the first rows).
    pub tasks_total: (i64, i64),
    pub tasks_pos: ListPos,
    pub all_tasks: bool,
    /// First-time alerts (the pane's rows).
    pub alerts: Vec<AlertRow>,
    /// Open alerts by group, with the oldest's age.
    pub alert_groups: std::collections::BTreeMap<AlertGroup, GroupCount>,
    /// The rule thresholds alerts are derived with.
    pub limits: crate::config::Alerts,
    pub alerts_pos: ListPos,
    pub pending: Vec<Chord>,
    pub message: Option<String>,
    pub quit: bool,
    pub keymap: Keymap,
    pub theme: Theme,
    /// Rows a list shows at once (from the last layout), for paging.
    pub page: usize,
    pub detail_scroll: u16,
    pub conflicts_pos: ListPos,
    /// A reload was asked for while one was running.
    pub reload_pending: bool,
}

impl App {
    pub fn new(today: Date, keymap: Keymap, theme: Theme) -> App {
        App {
            today,
            demo: false,
            district: String::new(),
            user: String::new(),
            office: String::new(),
            office_label: String::new(),
            scope: String::new(),
            sync: String::new(),
            focus: Pane::Orgs,
            view: View::Main,
            overlay: Overlay::None,
            orgs: Orgs::default(),
            orgs_sort: Sort::Street,
            tasks: Vec::new(),
            tasks_total: (0, 0),
            tasks_pos: ListPos::default(),
            all_tasks: true,
            alerts: Vec::new(),
            alert_groups: Default::default(),
            limits: Default::default(),
            alerts_pos: ListPos::default(),
            pending: Vec::new(),
            message: None,
            quit: false,
            keymap,
            theme,
            page: 10,
            detail_scroll: 0,
            conflicts_pos: ListPos::default(),
            reload_pending: false,
        }
    }

    pub fn selected_org(&self) -> Option<&ListRow> {
        let i = *self.orgs.visible.get(self.orgs.pos.selected)?;
        self.orgs.rows.get(i as usize)
    }

    /// Tasks shown: all, or only the user's office's.
    pub fn visible_tasks(&self) -> Vec<&TaskRow> {
        self.tasks
            .iter()
            .filter(|t| self.all_tasks || self.office.is_empty() || t.office == self.office)
            .collect()
    }
}

impl App {
    pub fn overlay_is_none(&self) -> bool {
        matches!(self.overlay, Overlay::None)
    }

    pub fn lang_is_zh(&self) -> bool {
        crate::i18n::current() == crate::i18n::Lang::Zh
    }
}
