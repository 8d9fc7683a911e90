//! `report coverage` and `report period`.

use super::args::ReportCmd;
use super::out;
use super::{Ctx, print_json, text_or_json};
use crate::domain::{Date, Id};
use crate::error::{Error, Result};
use crate::i18n::tr;
use crate::report::{Format, coverage, export, period};
use crate::store::resolve;

pub fn report(ctx: &Ctx, c: ReportCmd) -> Result<()> {
    let store = ctx.open()?;
    match c {
        ReportCmd::Coverage {
            as_of,
            street,
            by,
            format,
            output,
        } => {
            let format = Format::parse(&format)?;
            let by = match by.as_str() {
                "street" => coverage::By::Street,
                "community" => coverage::By::Community,
                _ => return Err(Error::invalid("by", by, "street|community")),
            };
            if format == Format::Xlsx && output.is_none() {
                return Err(Error::invalid(
                    "output",
                    "",
                    tr("xlsx 需要 -o 文件", "xlsx needs -o FILE"),
                ));
            }
            let as_of = match as_of {
                Some(d) => Date::parse("as-of", &d)?,
                None => ctx.today(&store)?,
            };
            let street = street
                .as_deref()
                .map(|s| resolve::street(store.conn(), s))
                .transpose()?;
            let r = coverage::compute_in(store.conn(), as_of, by, street.as_ref())?;
            match format {
                Format::Json => {
                    let s = serde_json::to_string_pretty(&r)
                        .map_err(|e| Error::Other(e.to_string()))?;
                    let s = crate::text::json_safe(&s) + "\n";
                    export::emit(output.as_deref(), s.as_bytes())
                }
                Format::Text => {
                    let text = crate::text::clean_lines(&coverage::render_text(&r));
                    export::emit(output.as_deref(), text.as_bytes())
                }
                Format::Csv => {
                    let bytes = export::csv_bytes(&coverage::headers(by), &coverage::rows(&r))?;
                    export::emit(output.as_deref(), &bytes)
                }
                Format::Xlsx => {
                    let path = output
                        .as_deref()
                        .ok_or_else(|| Error::invalid("output", "", "xlsx needs -o FILE"))?;
                    export::write_xlsx(
                        path,
                        tr("覆盖情况", "coverage"),
                        &coverage::headers(by),
                        &coverage::rows(&r),
                    )
                }
            }
        }
        ReportCmd::Period {
            from,
            to,
            street,
            community,
            format,
        } => {
            let json = text_or_json(&format)?;
            let conn = store.conn();
            let name = |table: &str, id: &Id| -> Result<String> {
                let sql = format!("SELECT COALESCE(name, '') FROM {table} WHERE id = ?1");
                Ok(conn.query_row(&sql, [id.as_str()], |r| r.get(0))?)
            };
            let street = match street {
                Some(s) => {
                    let id = resolve::street(conn, &s)?;
                    let n = name("streets", &id)?;
                    Some((id, n))
                }
                None => None,
            };
            let community = match community {
                Some(c) => {
                    let id = resolve::community(conn, &c, street.as_ref().map(|s| &s.0))?;
                    let n = name("communities", &id)?;
                    Some((id, n))
                }
                None => None,
            };
            let p = period::Params {
                from: Date::parse("from", &from)?,
                to: Date::parse("to", &to)?,
                street,
                small_enterprise: ctx.config.report.small_enterprise_employees,
                hire_due_days: ctx.config.alerts.hire_due_days,
            };
            let r = period::compute_in(conn, &p, community.as_ref())?;
            if json {
                print_json(&r)
            } else {
                out::line(&period::render_text(&r, p.hire_due_days))
            }
        }
        ReportCmd::Response { from, to, format } => {
            drop(store);
            super::alerts::response(ctx, &from, &to, &format)
        }
    }
}
