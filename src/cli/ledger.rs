//! Places, organizations and surveys on the command line.

use super::args::{OrgAddArgs, OrgCmd, PlaceCmd, SubPlaceCmd, SurveyArgs};
use super::out::{self, errln, outln};
use super::{Ctx, print_json, text_or_json};
use crate::domain::command::{NewOrg, OrgField};
use crate::domain::kinds::{Coverage, OrgKind, RegStatus, parse_bool};
use crate::domain::{Command, Date, Id};
use crate::error::{Error, Result};
use crate::i18n::tr;
use crate::report::ledger as sheet;
use crate::report::{Format, export};
use crate::store::counts;
use crate::store::read::{self, OrgFilter};
use crate::store::resolve;
use crate::text;

pub fn parse_employees(s: &str) -> Result<i64> {
    let n: i64 = s
        .trim()
        .parse()
        .map_err(|_| Error::invalid("employees", s, tr("应为整数", "expected a whole number")))?;
    crate::store::check_employees(n)
}

pub fn street(ctx: &Ctx, c: PlaceCmd) -> Result<()> {
    let mut store = ctx.open()?;
    match c {
        PlaceCmd::Add { name, committee } => ctx.write(
            &mut store,
            Command::AddStreet {
                id: Id::new(),
                name,
                committee,
            },
        ),
        PlaceCmd::List { format } => {
            let json = text_or_json(&format)?;
            let rows = read::streets(store.conn())?;
            if json {
                let v: Vec<_> = rows
                    .iter()
                    .map(|(id, name)| serde_json::json!({"id": id, "name": name}))
                    .collect();
                print_json(&v)
            } else {
                for (_, name) in rows {
                    outln!("{}", text::clean(&name))?;
                }
                Ok(())
            }
        }
    }
}

pub fn community(ctx: &Ctx, c: SubPlaceCmd) -> Result<()> {
    let mut store = ctx.open()?;
    let SubPlaceCmd::Add { name, street } = c;
    let street = resolve::street(store.conn(), &street)?;
    ctx.write(
        &mut store,
        Command::AddCommunity {
            id: Id::new(),
            name,
            street,
        },
    )
}

pub fn building(ctx: &Ctx, c: SubPlaceCmd) -> Result<()> {
    let mut store = ctx.open()?;
    let SubPlaceCmd::Add { name, street } = c;
    let street = resolve::street(store.conn(), &street)?;
    ctx.write(
        &mut store,
        Command::AddBuilding {
            id: Id::new(),
            name,
            street,
        },
    )
}

fn add_org(ctx: &Ctx, a: OrgAddArgs) -> Result<()> {
    let mut store = ctx.open()?;
    let conn = store.conn();
    let street = resolve::street(conn, &a.street)?;
    let community = a
        .community
        .as_deref()
        .map(|c| resolve::community(conn, c, Some(&street)))
        .transpose()?;
    let building = a
        .building
        .as_deref()
        .map(|b| resolve::building(conn, b, Some(&street)))
        .transpose()?;
    let employees = a.employees.as_deref().map(parse_employees).transpose()?;
    let kind = OrgKind::parse(&a.kind)?;
    let entered_on = ctx.on(&store)?;
    let cmd = Command::AddOrg(NewOrg {
        id: Id::new(),
        name: a.name,
        code: a.code,
        kind,
        status: RegStatus::Active,
        street,
        community,
        building,
        address: a.address,
        industry: a.industry,
        employees,
        legal_rep_member: a.legal_rep_member,
        identity_check: false,
        contact: a.contact,
        phone: a.phone,
        entered_on,
    });
    if !a.surveyed {
        return ctx.write(&mut store, cmd);
    }
    // The organization and the survey that found it, in one transaction.
    let Command::AddOrg(o) = &cmd else {
        return ctx.write(&mut store, cmd);
    };
    let survey = Command::Survey {
        id: Id::new(),
        org: o.id.clone(),
        employees,
        identity_check: None,
        note: String::new(),
    };
    let applied = store.apply_batch(
        &ctx.actor,
        "org.add",
        vec![(entered_on, cmd), (entered_on, survey)],
    )?;
    for w in &applied.warnings {
        errln!("{}: {w}", crate::i18n::tr("警告", "warning"));
    }
    match applied.created.first() {
        Some(id) => outln!("{id}"),
        None => Ok(()),
    }
}

fn opt(v: &str) -> Option<&str> {
    let t = v.trim();
    (!t.is_empty()).then_some(t)
}

/// `FIELD=VALUE` into a typed field; the street given in the same call (if any)
/// scopes community and building names.
fn org_field(
    conn: &rusqlite::Connection,
    org: &Id,
    pair: &str,
    street: Option<&Id>,
) -> Result<OrgField> {
    let Some((k, v)) = pair.split_once('=') else {
        return Err(Error::invalid(
            "FIELD=VALUE",
            pair,
            tr("缺少 =", "missing ="),
        ));
    };
    let cur_street = || -> Result<Id> {
        match street {
            Some(s) => Ok(s.clone()),
            None => Ok(Id(conn.query_row(
                "SELECT street_id FROM orgs WHERE id = ?1",
                [org.as_str()],
                |r| r.get(0),
            )?)),
        }
    };
    Ok(match k.trim() {
        "name" => OrgField::Name(v.to_string()),
        "code" => OrgField::Code(opt(v).map(str::to_string)),
        "kind" => OrgField::Kind(OrgKind::parse(v)?),
        "status" => OrgField::Status(RegStatus::parse(v)?),
        "street" => OrgField::Street(resolve::street(conn, v)?),
        "community" => OrgField::Community(
            opt(v)
                .map(|c| resolve::community(conn, c, Some(&cur_street()?)))
                .transpose()?,
        ),
        "building" => OrgField::Building(
            opt(v)
                .map(|b| resolve::building(conn, b, Some(&cur_street()?)))
                .transpose()?,
        ),
        "address" => OrgField::Address(v.to_string()),
        "industry" => OrgField::Industry(v.to_string()),
        "employees" => OrgField::Employees(parse_employees(v)?),
        "legal_rep_member" => OrgField::LegalRepMember(parse_bool("legal_rep_member", v)?),
        "identity_check" => OrgField::IdentityCheck(parse_bool("identity_check", v)?),
        "contact" => OrgField::Contact(v.to_string()),
        "phone" => OrgField::Phone(v.to_string()),
        "entered_on" => OrgField::EnteredOn(Date::parse("entered_on", v)?),
        "closed_on" => OrgField::ClosedOn(opt(v).map(|d| Date::parse("closed_on", d)).transpose()?),
        other => {
            return Err(Error::invalid(
                "FIELD",
                other,
                "name|code|kind|status|street|community|building|address|industry|employees|legal_rep_member|identity_check|contact|phone|entered_on|closed_on",
            ));
        }
    })
}

pub fn org(ctx: &Ctx, c: OrgCmd) -> Result<()> {
    match c {
        OrgCmd::Add(a) => add_org(ctx, a),
        OrgCmd::Set { org, fields } => {
            let mut store = ctx.open()?;
            let conn = store.conn();
            let id = resolve::org(conn, &org)?;
            let new_street = fields
                .iter()
                .filter_map(|f| f.strip_prefix("street="))
                .map(|s| resolve::street(conn, s))
                .next_back()
                .transpose()?;
            let parsed = fields
                .iter()
                .map(|f| org_field(conn, &id, f, new_street.as_ref()))
                .collect::<Result<Vec<_>>>()?;
            ctx.write(
                &mut store,
                Command::SetOrg {
                    org: id,
                    fields: parsed,
                },
            )
        }
        OrgCmd::Confirm { org } => {
            let mut store = ctx.open()?;
            let org = resolve::org(store.conn(), &org)?;
            ctx.write(&mut store, Command::ConfirmOrg { org })
        }
        OrgCmd::Close { org } => {
            let reason = ctx.reason.as_deref().unwrap_or("");
            let reason = RegStatus::parse_closure(reason)?;
            let mut store = ctx.open()?;
            let org = resolve::org(store.conn(), &org)?;
            ctx.write(&mut store, Command::CloseOrg { org, reason })
        }
        OrgCmd::Delete { org } => {
            let mut store = ctx.open()?;
            let row = resolve::org(store.conn(), &org)?;
            let table = "orgs".into();
            ctx.write(&mut store, Command::Delete { table, row })
        }
        OrgCmd::Restore { id } => {
            let mut store = ctx.open()?;
            let row = crate::domain::Id(id);
            ctx.write(
                &mut store,
                Command::Restore {
                    table: "orgs".into(),
                    row,
                },
            )
        }
        OrgCmd::Show { org, format } => {
            let json = text_or_json(&format)?;
            let store = ctx.open()?;
            let id = resolve::org(store.conn(), &org)?;
            let d = read::org_detail(store.conn(), &id, ctx.today(&store)?)?;
            if json {
                print_json(&d)
            } else {
                out::text(&show_text(&d))
            }
        }
        OrgCmd::List {
            street,
            coverage,
            format,
            output,
        } => org_list(ctx, street, coverage, &format, output.as_deref()),
    }
}

/// `org list`: organizations operating today (in N: not deleted, closed,
/// deregistered or revoked), as a table, JSON, or the ledger sheet (CSV or
/// XLSX) with the upper office's columns; `-o FILE` writes a file whole.
fn org_list(
    ctx: &Ctx,
    street: Option<String>,
    coverage: Option<String>,
    format: &str,
    output: Option<&std::path::Path>,
) -> Result<()> {
    let format = Format::parse(format)?;
    let store = ctx.open()?;
    let conn = store.conn();
    let today = ctx.today(&store)?;
    let filter = OrgFilter {
        street: street
            .as_deref()
            .map(|s| resolve::street(conn, s))
            .transpose()?,
        coverage: coverage.as_deref().map(Coverage::parse).transpose()?,
    };
    let rows = read::org_list(conn, today, &filter)?;
    let bytes = match format {
        Format::Json => {
            let s = serde_json::to_string_pretty(&rows).map_err(|e| Error::Other(e.to_string()))?;
            text::json_safe(&s) + "\n"
        }
        .into_bytes(),
        Format::Text => text::clean_lines(&list_text(&rows)).into_bytes(),
        Format::Csv => {
            let cells = sheet::rows(&rows, &counts::party_orgs_by_org(conn, today)?);
            sheet::csv_bytes(&sheet::headers(), &cells)?
        }
        Format::Xlsx => {
            let path = output.ok_or_else(|| {
                Error::invalid("output", "", tr("xlsx 需要 -o 文件", "xlsx needs -o FILE"))
            })?;
            let cells = sheet::rows(&rows, &counts::party_orgs_by_org(conn, today)?);
            let sheet_name = tr("两新组织台账", "ledger");
            let b = sheet::xlsx_bytes(sheet_name, &sheet::headers(), &cells)?;
            return export::write_atomic(path, &b);
        }
    };
    export::emit(output, &bytes)
}

fn list_text(rows: &[read::OrgRow]) -> String {
    let table: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                r.name.clone(),
                format!("{}/{}", r.street, r.community.clone().unwrap_or_default()),
                r.employees.map(|e| e.to_string()).unwrap_or_default(),
                r.members.to_string(),
                Coverage::parse(&r.coverage)
                    .map(|c| c.label())
                    .unwrap_or("?")
                    .to_string(),
                r.instructor.clone().unwrap_or_default(),
                r.last_survey_on.clone().unwrap_or_default(),
            ]
        })
        .collect();
    let h = [
        tr("名称", "name"),
        tr("街道/社区", "street/community"),
        tr("从业人数", "employees"),
        tr("党员", "members"),
        tr("覆盖", "coverage"),
        tr("指导员", "instructor"),
        tr("最近摸排", "last survey"),
    ];
    text::table(&h, &table, &[false, false, true, true, false, false, false])
}

fn show_text(d: &read::OrgDetail) -> String {
    let yn = |b: bool| if b { tr("是", "yes") } else { tr("否", "no") };
    let r = &d.row;
    let mut lines = vec![
        (tr("名称", "name"), r.name.clone()),
        (tr("编号", "id"), r.id.clone()),
        (
            tr("信用代码", "credit code"),
            r.code.clone().unwrap_or_default(),
        ),
        (
            tr("类型", "kind"),
            OrgKind::parse(&r.kind)
                .map(|k| k.label())
                .unwrap_or("")
                .to_string(),
        ),
        (
            tr("登记状态", "registration"),
            RegStatus::parse(&d.status)
                .map(|k| k.label())
                .unwrap_or("")
                .to_string(),
        ),
        (tr("街道", "street"), r.street.clone()),
        (
            tr("社区", "community"),
            r.community.clone().unwrap_or_default(),
        ),
        (
            tr("楼宇", "building"),
            d.building.clone().unwrap_or_default(),
        ),
        (tr("地址", "address"), d.address.clone()),
        (tr("行业", "industry"), d.industry.clone()),
        (
            tr("从业人数", "employees"),
            r.employees.map(|e| e.to_string()).unwrap_or_default(),
        ),
        (tr("党员", "members"), r.members.to_string()),
        (
            tr("法定代表人是党员", "legal rep. is a member"),
            yn(d.legal_rep_member).to_string(),
        ),
        (
            tr("新进人员政治身份识别", "new-hire identity check"),
            yn(d.identity_check).to_string(),
        ),
        (
            tr("覆盖", "coverage"),
            Coverage::parse(&r.coverage)
                .map(|c| c.label())
                .unwrap_or("")
                .to_string(),
        ),
        (
            tr("入册", "entered"),
            d.entered_on.clone().unwrap_or_default(),
        ),
        (
            tr("首次摸排", "first survey"),
            d.first_survey_on.clone().unwrap_or_default(),
        ),
        (
            tr("最近摸排", "last survey"),
            r.last_survey_on.clone().unwrap_or_default(),
        ),
    ];
    if d.pending {
        let v = match &d.verified_on {
            Some(v) => v.clone(),
            None => tr(
                "待核实（摸排或 org confirm 后计入）",
                "pending (counts once surveyed or confirmed)",
            )
            .to_string(),
        };
        lines.push((tr("核实", "verified"), v));
    }
    if let Some(c) = &d.closed_on {
        lines.push((tr("关闭/迁出", "closed"), c.clone()));
    }
    let w = lines.iter().map(|(k, _)| text::width(k)).max().unwrap_or(0);
    let mut out = String::new();
    for (k, v) in &lines {
        out.push_str(&format!("{}  {}\n", text::pad(k, w), text::clean(v)));
    }
    for l in &d.links {
        out.push_str(&format!(
            "{}  {} ({}) {} → {}\n",
            tr("党组织", "party org"),
            text::clean(&l.party_org),
            crate::domain::kinds::Mode::parse(&l.mode)
                .map(|m| m.label())
                .unwrap_or(""),
            l.from_on,
            l.to_on.clone().unwrap_or_default()
        ));
    }
    for a in &d.instructors {
        out.push_str(&format!(
            "{}  {} {} → {} ({} {})\n",
            tr("指导员", "instructor"),
            text::clean(&a.instructor),
            a.from_on,
            a.to_on.clone().unwrap_or_default(),
            a.visits,
            tr("次走访", "visits")
        ));
    }
    for p in &d.persons {
        let mut line = format!(
            "{}  {} {} {}",
            tr("人员", "person"),
            text::clean(&p.name),
            crate::domain::kinds::Political::parse(&p.status)
                .map(|s| s.label())
                .unwrap_or(""),
            p.relation
                .as_deref()
                .and_then(|r| crate::domain::kinds::Relation::parse(r).ok())
                .map(|r| r.label())
                .unwrap_or("")
        );
        if p.floating {
            line.push_str(&format!(" {}", tr("流动党员", "floating")));
        }
        if let Some(from) = &p.moved_from {
            line.push_str(&format!(
                " ({} {})",
                tr("调入自", "moved from"),
                text::clean(from)
            ));
        }
        if p.left_on.is_some() {
            let left = super::people::left_text(p);
            line.push_str(&format!(" [{} {}]", tr("离职", "left"), text::clean(&left)));
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}

pub fn survey(ctx: &Ctx, a: SurveyArgs) -> Result<()> {
    let mut store = ctx.open()?;
    let org = resolve::org(store.conn(), &a.org)?;
    let employees = a.employees.as_deref().map(parse_employees).transpose()?;
    let identity_check = a
        .identity_check
        .as_deref()
        .map(|v| parse_bool("identity-check", v))
        .transpose()?;
    ctx.write(
        &mut store,
        Command::Survey {
            id: Id::new(),
            org,
            employees,
            identity_check,
            note: a.note,
        },
    )
}
