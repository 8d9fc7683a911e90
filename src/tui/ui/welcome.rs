//! The first screen of a new ledger: what to do first, in place of three
//! empty panes. It gives way as soon as there is an organization (or a task
//! or an alert) to show.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Padding, Paragraph, Wrap};

use crate::i18n::tr;
use crate::tui::action::{Action, Scope};
use crate::tui::state::App;

/// Whether the ledger is empty: loaded, and nothing in any pane. (While the
/// first load runs, the organizations pane says so; a failed load shows why.)
pub fn shows(app: &App) -> bool {
    let o = &app.orgs;
    o.rows.is_empty()
        && !o.loading
        && o.failed.is_none()
        && app.tasks.is_empty()
        && app.alerts.is_empty()
}

pub fn draw(f: &mut Frame, area: Rect, app: &App) {
    let block = app
        .theme
        .block(format!(" {} ", tr("开始使用", "Getting started")), true)
        .padding(Padding::horizontal(1));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let cmd = |s: &str| Line::from(Span::styled(format!("    {s}"), app.theme.accent()));
    let step = |s: &str| Line::from(s.to_string());
    let key = |a: Action| app.keymap.key_for(Scope::Orgs, a).unwrap_or_default();
    let mut lines = vec![
        Line::from(Span::styled(
            tr(
                "台账里还没有组织。请先在命令行做其中一件：",
                "The ledger has no organizations yet. On the command line, start with one of:",
            ),
            app.theme.header(),
        )),
        Line::default(),
        step(tr(
            "1. 添加街道和社区",
            "1. Add your streets and communities",
        )),
        cmd(tr("liangxin street add 街道名", "liangxin street add NAME")),
        cmd(tr(
            "liangxin community add 社区名 --street 街道名",
            "liangxin community add NAME --street STREET",
        )),
        step(tr(
            "2. 导入市场监管登记名册（CSV 或 XLSX）",
            "2. Import the market-supervision registration list (CSV or XLSX)",
        )),
        cmd(tr(
            "liangxin import 名册文件 --street 街道名",
            "liangxin import FILE --street STREET",
        )),
        step(tr("3. 或者先看看演示区", "3. Or try the demo district")),
        cmd("liangxin demo"),
        Line::default(),
    ];
    lines.push(Line::from(vec![
        Span::raw(tr(
            "有了街道后，也可在这里按 ",
            "Once a street exists, you can also press ",
        )),
        Span::styled(key(Action::AddOrg), app.theme.accent()),
        Span::raw(tr(" 新增组织。", " here to add an organization.")),
    ]));
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

/// The keys the hint line offers on this screen.
pub const HINTS: &[Action] = &[Action::AddOrg, Action::Help, Action::Quit];
