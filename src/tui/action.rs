//! What a key can mean. Keys map to actions (see `keymap`); `update` turns an
//! action into a new state and effects.

use crate::i18n::tr;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    Quit,
    NextPane,
    PrevPane,
    FocusOrgs,
    FocusTasks,
    FocusAlerts,
    Down,
    Up,
    Top,
    Bottom,
    PageDown,
    PageUp,
    Open,
    Back,
    Search,
    Help,
    Palette,
    Dashboard,
    Sort,
    FilterStreet,
    FilterCoverage,
    FilterKind,
    ClearFilters,
    ToggleAllTasks,
    Mark,
    EditOrg,
    AddOrg,
    Survey,
    RecordHire,
    FoundBranch,
    AssignInstructor,
    Transfer,
    Refresh,
}

/// Where a binding applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Global,
    Orgs,
    Tasks,
    Alerts,
    Detail,
}

impl Action {
    pub const ALL: &'static [Action] = &[
        Action::Quit,
        Action::NextPane,
        Action::PrevPane,
        Action::FocusOrgs,
        Action::FocusTasks,
        Action::FocusAlerts,
        Action::Down,
        Action::Up,
        Action::Top,
        Action::Bottom,
        Action::PageDown,
        Action::PageUp,
        Action::Open,
        Action::Back,
        Action::Search,
        Action::Help,
        Action::Palette,
        Action::Dashboard,
        Action::Sort,
        Action::FilterStreet,
        Action::FilterCoverage,
        Action::FilterKind,
        Action::ClearFilters,
        Action::ToggleAllTasks,
        Action::Mark,
        Action::EditOrg,
        Action::AddOrg,
        Action::Survey,
        Action::RecordHire,
        Action::FoundBranch,
        Action::AssignInstructor,
        Action::Transfer,
        Action::Refresh,
    ];

    /// The name used in `[keys]` of config.toml and in the command palette.
    pub fn name(self) -> &'static str {
        match self {
            Action::Quit => "quit",
            Action::NextPane => "next_pane",
            Action::PrevPane => "prev_pane",
            Action::FocusOrgs => "focus_orgs",
            Action::FocusTasks => "focus_tasks",
            Action::FocusAlerts => "focus_alerts",
            Action::Down => "down",
            Action::Up => "up",
            Action::Top => "top",
            Action::Bottom => "bottom",
            Action::PageDown => "page_down",
            Action::PageUp => "page_up",
            Action::Open => "open",
            Action::Back => "back",
            Action::Search => "search",
            Action::Help => "help",
            Action::Palette => "palette",
            Action::Dashboard => "dashboard",
            Action::Sort => "sort",
            Action::FilterStreet => "filter_street",
            Action::FilterCoverage => "filter_coverage",
            Action::FilterKind => "filter_kind",
            Action::ClearFilters => "clear_filters",
            Action::ToggleAllTasks => "toggle_all_tasks",
            Action::Mark => "mark",
            Action::EditOrg => "edit_org",
            Action::AddOrg => "add_org",
            Action::Survey => "survey",
            Action::RecordHire => "record_hire",
            Action::FoundBranch => "found_branch",
            Action::AssignInstructor => "assign_instructor",
            Action::Transfer => "transfer",
            Action::Refresh => "refresh",
        }
    }

    pub fn from_name(s: &str) -> Option<Action> {
        Action::ALL.iter().copied().find(|a| a.name() == s)
    }

    pub fn describe(self) -> &'static str {
        match self {
            Action::Quit => tr("退出", "quit"),
            Action::NextPane => tr("下一个窗格", "next pane"),
            Action::PrevPane => tr("上一个窗格", "previous pane"),
            Action::FocusOrgs => tr("组织窗格", "organizations pane"),
            Action::FocusTasks => tr("摸排任务窗格", "tasks pane"),
            Action::FocusAlerts => tr("提醒窗格", "alerts pane"),
            Action::Down => tr("下移", "down"),
            Action::Up => tr("上移", "up"),
            Action::Top => tr("到顶部", "to the top"),
            Action::Bottom => tr("到底部", "to the bottom"),
            Action::PageDown => tr("下一页", "page down"),
            Action::PageUp => tr("上一页", "page up"),
            Action::Open => tr("打开详情", "open details"),
            Action::Back => tr("返回", "back"),
            Action::Search => tr(
                "搜索（名称、代码、地址、拼音）",
                "search (name, code, address, pinyin)",
            ),
            Action::Help => tr("帮助：按键一览", "help: all keys"),
            Action::Palette => tr("命令面板", "command palette"),
            Action::Dashboard => tr("覆盖情况总览", "coverage dashboard"),
            Action::Sort => tr("切换排序", "change sort"),
            Action::FilterStreet => tr("按街道筛选", "filter by street"),
            Action::FilterCoverage => tr("按覆盖情况筛选", "filter by coverage"),
            Action::FilterKind => tr("按类型筛选", "filter by kind"),
            Action::ClearFilters => tr("清除筛选", "clear filters"),
            Action::ToggleAllTasks => tr("本办任务/全部任务", "my office's tasks / all tasks"),
            Action::Mark => tr(
                "标记组织（组建联合支部用）",
                "mark organization (for a joint branch)",
            ),
            Action::EditOrg => tr("编辑组织", "edit organization"),
            Action::AddOrg => tr("新增组织", "add organization"),
            Action::Survey => tr("记录摸排", "record a survey"),
            Action::RecordHire => tr("记录新进人员", "record a hire"),
            Action::FoundBranch => tr("组建党组织", "found a party organization"),
            Action::AssignInstructor => tr("选派党建指导员", "assign an instructor"),
            Action::Transfer => tr("转入组织关系", "transfer a relation"),
            Action::Refresh => tr("刷新", "refresh"),
        }
    }
}
