//! The terminal app. For now one screen: the district's coverage by street,
//! with the demo marker; the panes, forms and search come with their own work.

use std::io::IsTerminal;

use crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, BorderType, Borders, Cell, Paragraph, Row, Table};

use crate::config::Config;
use crate::domain::Date;
use crate::error::{Error, Result};
use crate::i18n::{percent, tr};
use crate::report::coverage::{self, By, CoverageReport};
use crate::store::Store;

pub struct Screen {
    pub title: String,
    pub report: CoverageReport,
    pub border: BorderType,
    pub ascii: bool,
}

impl Screen {
    pub fn load(store: &Store, today: Date, config: &Config) -> Result<Screen> {
        let demo = store.pinned_today()?.is_some();
        let district = store.meta("district")?.unwrap_or_default();
        let marker = if demo { tr(" [演示]", " [demo]") } else { "" };
        Ok(Screen {
            title: format!(
                "{} {district}  {today}{marker}",
                tr("两新组织党建台账", "Two-new organizations ledger")
            ),
            report: coverage::compute(store.conn(), today, By::Street)?,
            border: if config.ui.border == "plain" {
                BorderType::Plain
            } else {
                BorderType::Rounded
            },
            ascii: config.ui.border == "ascii",
        })
    }
}

pub fn draw(f: &mut Frame, s: &Screen) {
    let area = f.area();
    if area.width < 20 || area.height < 5 {
        f.render_widget(Paragraph::new(tr("终端太小", "terminal too small")), area);
        return;
    }
    let [top, main, bottom] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
    ])
    .areas(area);
    f.render_widget(
        Paragraph::new(crate::text::clean(&s.title))
            .style(Style::new().add_modifier(Modifier::BOLD)),
        top,
    );
    let header = Row::new(vec![
        Cell::from(tr("街道", "street")),
        Cell::from(tr("组织", "orgs")),
        Cell::from(tr("已覆盖", "covered")),
        Cell::from(tr("覆盖率", "coverage")),
        Cell::from(tr("工作覆盖率", "work cov.")),
    ])
    .style(Style::new().add_modifier(Modifier::REVERSED));
    let mut rows: Vec<Row> = s
        .report
        .streets
        .iter()
        .map(|g| {
            Row::new(vec![
                crate::text::clean(&g.name),
                g.counts.total.to_string(),
                g.counts.covered.to_string(),
                percent(g.counts.coverage_rate),
                percent(g.counts.work_coverage_rate),
            ])
        })
        .collect();
    let c = &s.report.counts;
    rows.push(
        Row::new(vec![
            tr("全区", "district").to_string(),
            c.total.to_string(),
            c.covered.to_string(),
            percent(c.coverage_rate),
            percent(c.work_coverage_rate),
        ])
        .style(Style::new().add_modifier(Modifier::BOLD)),
    );
    let mut block = Block::default()
        .borders(Borders::ALL)
        .title(Line::from(tr(" 覆盖情况 ", " Coverage ")));
    block = if s.ascii {
        block.border_set(ratatui::symbols::border::Set {
            top_left: "+",
            top_right: "+",
            bottom_left: "+",
            bottom_right: "+",
            vertical_left: "|",
            vertical_right: "|",
            horizontal_top: "-",
            horizontal_bottom: "-",
        })
    } else {
        block.border_type(s.border)
    };
    let table = Table::new(
        rows,
        [
            Constraint::Length(12),
            Constraint::Length(6),
            Constraint::Length(8),
            Constraint::Length(8),
            Constraint::Length(10),
        ],
    )
    .header(header)
    .block(block);
    f.render_widget(table, main);
    f.render_widget(Paragraph::new(tr("q 退出", "q quit")), bottom);
}

/// Runs until q / Esc / Ctrl-C. The terminal is restored on return and on panic.
pub fn run(store: Store, today: Date, config: &Config) -> Result<()> {
    if !std::io::stdout().is_terminal() {
        return Err(Error::Refused(
            tr(
                "标准输出不是终端；命令行用法见 --help（演示可加 --no-tui）",
                "standard output is not a terminal; see --help (demo takes --no-tui)",
            )
            .into(),
        ));
    }
    let screen = Screen::load(&store, today, config)?;
    let mut terminal = ratatui::init();
    let result = (|| -> Result<()> {
        loop {
            terminal.draw(|f| draw(f, &screen))?;
            match event::read()? {
                Event::Key(k) if k.kind == KeyEventKind::Press => {
                    let ctrl_c =
                        k.code == KeyCode::Char('c') && k.modifiers.contains(KeyModifiers::CONTROL);
                    if matches!(k.code, KeyCode::Char('q') | KeyCode::Esc) || ctrl_c {
                        return Ok(());
                    }
                }
                _ => {}
            }
        }
    })();
    ratatui::restore();
    result
}
