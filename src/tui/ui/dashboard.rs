//! The dashboard: coverage by street as a table and a bar chart, the monthly
//! trend, and the period paragraph of `report period`.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::{Bar, BarChart, BarGroup, Paragraph, Row, Sparkline, Table, Wrap};

use crate::i18n::{percent, tr};
use crate::text::clean;
use crate::tui::state::{App, Dashboard};

pub fn draw(f: &mut Frame, area: Rect, app: &App, d: &Dashboard) {
    let block = app.theme.block(
        format!(
            " {} {} ",
            tr("覆盖情况总览", "Coverage dashboard"),
            d.report.as_of
        ),
        true,
    );
    let inner = block.inner(area);
    f.render_widget(block, area);
    let [top, trend, para] = Layout::vertical([
        Constraint::Min(6),
        Constraint::Length(4),
        Constraint::Length(4),
    ])
    .areas(inner);
    let [table_area, chart_area] =
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(top);
    let mut rows: Vec<Row> = d
        .report
        .streets
        .iter()
        .map(|g| {
            Row::new(vec![
                clean(&g.name),
                g.counts.total.to_string(),
                g.counts.covered.to_string(),
                percent(g.counts.coverage_rate),
                percent(g.counts.work_coverage_rate),
            ])
        })
        .collect();
    let c = &d.report.counts;
    rows.push(
        Row::new(vec![
            tr("全区", "District").to_string(),
            c.total.to_string(),
            c.covered.to_string(),
            percent(c.coverage_rate),
            percent(c.work_coverage_rate),
        ])
        .style(app.theme.accent()),
    );
    let header = Row::new(vec![
        tr("街道", "Street"),
        tr("组织数", "Orgs"),
        tr("覆盖数", "Cov."),
        tr("覆盖率", "Rate"),
        tr("工作覆盖率", "Work"),
    ])
    .style(app.theme.header());
    let widths = [
        Constraint::Min(10),
        Constraint::Length(6),
        Constraint::Length(6),
        Constraint::Length(6),
        Constraint::Length(10),
    ];
    f.render_widget(Table::new(rows, widths).header(header), table_area);
    let bars: Vec<Bar> = d
        .report
        .streets
        .iter()
        .map(|g| {
            let label: String = clean(&g.name)
                .trim_end_matches("街道")
                .chars()
                .take(2)
                .collect();
            Bar::default()
                .value((g.counts.coverage_rate * 100.0).round() as u64)
                .label(label)
        })
        .collect();
    let n = bars.len().max(1) as u16;
    let bar_width = (chart_area.width.saturating_sub(n) / n).clamp(1, 4);
    let chart = BarChart::default()
        .data(BarGroup::default().bars(&bars))
        .bar_width(bar_width)
        .bar_gap(1)
        .max(100);
    f.render_widget(chart, chart_area);
    let values: Vec<u64> = d
        .trend
        .iter()
        .map(|(_, r)| (r * 100.0).round() as u64)
        .collect();
    let first = d
        .trend
        .first()
        .map(|t| format!("{} {}", t.0, percent(t.1)))
        .unwrap_or_default();
    let last = d
        .trend
        .last()
        .map(|t| format!("{} {}", t.0, percent(t.1)))
        .unwrap_or_default();
    let [label, spark] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(trend);
    f.render_widget(
        Paragraph::new(format!(
            "{}: {first} → {last}",
            tr("月度覆盖率", "Monthly coverage")
        ))
        .style(app.theme.dim()),
        label,
    );
    f.render_widget(Sparkline::default().data(&values).max(100), spark);
    f.render_widget(
        Paragraph::new(clean(&d.paragraph)).wrap(Wrap { trim: true }),
        para,
    );
}
