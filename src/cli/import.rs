//! `import FILE`: a registration list into the ledger, in one transaction.

use std::io::{IsTerminal, Write};

use super::Ctx;
use super::args::ImportArgs;
use super::out::{errln, outln};
use crate::error::Result;
use crate::i18n::tr;
use crate::import::{self, Encoding, plan};
use crate::store::{known, resolve};
use crate::text::clean;

/// A one-line bar on stderr, drawn only when stderr is a terminal.
struct Bar {
    on: bool,
    shown: usize,
}

impl Bar {
    fn new() -> Bar {
        Bar {
            on: std::io::stderr().is_terminal(),
            shown: usize::MAX,
        }
    }

    fn show(&mut self, what: &str, done: usize, total: usize) {
        let pct = (done * 100).checked_div(total).unwrap_or(100);
        if !self.on || pct == self.shown {
            return;
        }
        self.shown = pct;
        let filled = pct / 5;
        let bar: String = "#".repeat(filled) + &" ".repeat(20 - filled);
        let mut e = std::io::stderr();
        let _ = write!(e, "\r{what} [{bar}] {pct:>3}%");
        if done >= total {
            let _ = writeln!(e);
        }
        let _ = e.flush();
    }
}

pub fn run(ctx: &Ctx, a: ImportArgs) -> Result<()> {
    let enc = Encoding::parse(&a.encoding)?;
    let mut store = ctx.open()?;
    let street = a
        .street
        .as_deref()
        .map(|s| resolve::street(store.conn(), s))
        .transpose()?;
    let sheet = import::read(&a.file, enc)?;
    let (rows, bad) = import::parse_rows(&sheet);
    // The rows are parsed: the cells are not needed while the batch is written.
    let format = sheet.format;
    drop(sheet);
    let known = known::load(store.conn())?;
    let on = ctx.on(&store)?;
    let opt = plan::Options {
        on,
        street,
        due_days: ctx.config.alerts.stage_overdue_days,
    };
    let (batch, summary) = plan::plan(rows, bad, &known, &opt);
    // `import FILE | head` still imports: the summary is only a report.
    super::out::unless_closed(print_summary(&a, format, &summary))?;
    if a.dry_run {
        return outln!("{}", tr("（试运行，未写入）", "(dry run: nothing written)"));
    }
    if batch.is_empty() {
        return Ok(());
    }
    // The summary is printed; its lists would only hold memory while the
    // batch is written.
    drop(summary);
    let mut bar = Bar::new();
    let applied = store.apply_batch_with(&ctx.actor, "import", batch, &mut |d, t| {
        bar.show(tr("写入", "writing"), d, t)
    })?;
    for w in &applied.warnings {
        errln!("{}: {w}", tr("警告", "warning"));
    }
    Ok(())
}

fn print_summary(a: &ImportArgs, format: &str, s: &plan::Summary) -> Result<()> {
    outln!(
        "{} {} ({format})",
        tr("导入", "import"),
        clean(&a.file.display().to_string())
    )?;
    outln!(
        "{} {}  {} {}  {} {} ({} {})  {} {}  {} {}  {} {}",
        tr("数据行", "rows"),
        s.rows,
        tr("新增", "new"),
        s.new.len(),
        tr("已在台账", "matched"),
        s.matched,
        tr("无变化", "unchanged"),
        s.unchanged,
        tr("注销/吊销", "deregistered"),
        s.deregistered.len(),
        tr("未定位街道", "unplaced"),
        s.unplaced.len(),
        tr("跳过", "skipped"),
        s.bad.len()
    )?;
    if !s.new.is_empty() {
        outln!(
            "{}",
            tr(
                "新增组织待核实：摸排或确认（org confirm）后计入两新组织数",
                "new organizations are pending: they count in N once surveyed or confirmed (org confirm)"
            )
        )?;
    }
    if s.gone_elsewhere > 0 {
        outln!(
            "{} {}",
            tr(
                "已注销且不在台账（未录入）:",
                "deregistered and not in the ledger (not entered):"
            ),
            s.gone_elsewhere
        )?;
    }
    if !s.changes.is_empty() {
        outln!("{}:", tr("与台账不同", "differences from the ledger"))?;
    }
    for c in &s.changes {
        outln!(
            "  {} {}  {}  {}: {} → {}{}",
            tr("第", "line"),
            c.line,
            clean(&c.org),
            c.field,
            clean(&c.ledger),
            clean(&c.file),
            if c.applied {
                tr("（已更新）", " (updated)")
            } else {
                tr("（待核实）", " (to verify)")
            }
        )?;
    }
    if !s.unplaced.is_empty() {
        outln!(
            "{}: {}",
            tr(
                "未定位街道（已派定位任务）",
                "unplaced (a task to place each)"
            ),
            s.unplaced
                .iter()
                .map(|n| clean(n))
                .collect::<Vec<_>>()
                .join(", ")
        )?;
    }
    if !s.bad.is_empty() {
        outln!("{}:", tr("跳过的行", "rows skipped"))?;
    }
    for b in &s.bad {
        outln!(
            "  {} {}: {} {} \"{}\": {}",
            tr("第", "line"),
            b.line,
            tr("字段", "field"),
            crate::domain::fields::spoken_name(&b.field),
            clean(&b.value),
            b.reason
        )?;
    }
    Ok(())
}
