//! The forms for the ledger's write commands: what each asks, and the domain
//! command it becomes. Saving goes through `Store::apply`, the one write path.

use rusqlite::Connection;

use super::form::{Field, FieldKind, Form, FormKind};
use crate::domain::command::{NewOrg, NewPerson, OrgField};
use crate::domain::kinds::*;
use crate::domain::{Command, Date, Id, Val, fields};
use crate::error::{Error, Result};
use crate::i18n::tr;
use crate::store::form_reads::{
    branches_for, instructor_candidates, members_to_transfer, org_facts, org_name,
};
use crate::store::{Actor, Store, resolve};

pub mod branch;

fn vocab<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<(String, String)> {
    all.iter()
        .map(|v| (code(*v).to_string(), label(*v).to_string()))
        .collect()
}

/// One value of `org_facts`.
fn fact(facts: &[(&'static str, String)], key: &str) -> String {
    facts
        .iter()
        .find(|f| f.0 == key)
        .map(|f| f.1.clone())
        .unwrap_or_default()
}

fn need_org(org: Option<&str>) -> Result<&str> {
    org.ok_or_else(|| Error::Refused(tr("请先选择一个组织", "select an organization first").into()))
}

/// The form that hands a task to the next stage of the loop, with a note.
pub fn advance_task(task: &super::data::TaskRow) -> Form {
    let next = Stage::parse(&task.stage)
        .ok()
        .and_then(|s| Stage::ALL.iter().skip_while(|x| **x != s).nth(1).copied())
        .map(|s| s.label())
        .unwrap_or("");
    let fields = vec![
        Field::info(
            "task",
            tr("任务", "task"),
            format!(
                "{} · {}",
                task.org,
                TaskKind::parse(&task.kind).map(|k| k.label()).unwrap_or("")
            ),
        ),
        Field::info("next", tr("转到", "next stage"), next.to_string()),
        Field::text("note", tr("说明", "note"), ""),
    ];
    let mut f = Form::new(FormKind::AdvanceTask, task.org_id.clone(), fields);
    f.subject = Some(task.id.clone());
    f
}

/// Builds the form `kind` for organization `org` (and the marked ones, for a branch).
pub fn open(
    conn: &Connection,
    kind: FormKind,
    org: Option<&str>,
    marked: &[String],
    today: Date,
) -> Result<Form> {
    let date = || Field::text("date", tr("日期", "date"), &today.to_string());
    let form = match kind {
        FormKind::EditOrg => {
            let org = need_org(org)?;
            let facts = org_facts(conn, org)?;
            let get = |k: &str| fact(&facts, k);
            let fields = vec![
                Field::text("name", tr("名称", "name"), &get("name")),
                Field::text("employees", tr("从业人数", "employees"), &get("employees")),
                Field::text("industry", tr("行业", "industry"), &get("industry")),
                Field::text("address", tr("地址", "address"), &get("address")),
                Field::text("contact", tr("联系人", "contact"), &get("contact")),
                Field::text("phone", tr("电话", "phone"), &get("phone")),
                Field::flag(
                    "identity_check",
                    tr("新进人员政治身份识别", "new-hire identity check"),
                    get("identity_check") == "yes",
                ),
                legal_rep_flag(get("legal_rep_member") == "yes"),
            ];
            let mut f = Form::new(kind, Some(org.to_string()), fields);
            f.original = facts;
            f
        }
        FormKind::AddOrg => {
            let streets: Vec<(String, String)> = crate::store::read::streets(conn)?
                .into_iter()
                .map(|(id, n)| (id.0, n))
                .collect();
            let kinds = vocab(OrgKind::ALL, OrgKind::code, OrgKind::label);
            let fields = vec![
                Field::text("name", tr("名称", "name"), ""),
                Field::choice("street", tr("街道", "street"), streets, 0),
                Field::choice("kind", tr("类型", "kind"), kinds, 0),
                Field::text("code", tr("统一社会信用代码", "credit code"), ""),
                Field::text("employees", tr("从业人数", "employees"), ""),
                Field::text("industry", tr("行业", "industry"), ""),
                Field::text("address", tr("地址", "address"), ""),
                legal_rep_flag(false),
                Field::flag(
                    "surveyed",
                    tr("当日摸排发现", "found by a survey that day"),
                    false,
                ),
                date(),
            ];
            Form::new(kind, None, fields)
        }
        FormKind::Survey => {
            let org = need_org(org)?;
            let facts = org_facts(conn, org)?;
            let get = |k: &str| fact(&facts, k);
            let fields = vec![
                Field::info("org", tr("组织", "organization"), get("name")),
                Field::text("employees", tr("从业人数", "employees"), &get("employees")),
                Field::flag(
                    "identity_check",
                    tr("新进人员政治身份识别", "new-hire identity check"),
                    get("identity_check") == "yes",
                ),
                Field::text("note", tr("备注", "note"), ""),
                date(),
            ];
            Form::new(kind, Some(org.to_string()), fields)
        }
        FormKind::Hire => {
            let org = need_org(org)?;
            let statuses = vocab(Political::ALL, Political::code, Political::label);
            let relations = vocab(Relation::ALL, Relation::code, Relation::label);
            let fields = vec![
                Field::info("org", tr("组织", "organization"), org_name(conn, org)?),
                Field::text("name", tr("姓名", "name"), ""),
                Field::choice("status", tr("政治面貌", "political status"), statuses, 0),
                Field::choice("relation", tr("组织关系所在", "relation"), relations, 1),
                Field::flag("floating", tr("流动党员", "floating member"), false),
                Field::flag("manager", tr("管理人员", "manager"), false),
                Field::text("phone", tr("电话", "phone"), ""),
                date(),
            ];
            Form::new(kind, Some(org.to_string()), fields)
        }
        FormKind::FoundBranch => branch::open(conn, org, marked, today)?,
        FormKind::Assign => {
            let org = need_org(org)?;
            let fields = vec![
                Field::info("org", tr("组织", "organization"), org_name(conn, org)?),
                Field::choice(
                    "instructor",
                    tr("党建指导员", "instructor"),
                    instructor_candidates(conn, org)?,
                    0,
                ),
                date(),
            ];
            Form::new(kind, Some(org.to_string()), fields)
        }
        FormKind::AdvanceTask => {
            return Err(Error::Refused(
                tr("请在任务窗格中选择任务", "choose a task in the tasks pane").into(),
            ));
        }
        FormKind::Transfer => {
            let org = need_org(org)?;
            let persons = members_to_transfer(conn, org)?;
            if persons.is_empty() {
                return Err(Error::Refused(
                    tr(
                        "该组织没有需要转入组织关系的党员",
                        "no member of this organization has a relation to transfer",
                    )
                    .into(),
                ));
            }
            let fields = vec![
                Field::choice("person", tr("党员", "member"), persons, 0),
                Field::choice(
                    "branch",
                    tr("转入党组织", "into"),
                    branches_for(conn, org)?,
                    0,
                ),
                date(),
            ];
            Form::new(kind, Some(org.to_string()), fields)
        }
    };
    Ok(form)
}

/// 法定代表人（出资人）是党员: the same flag on the add and edit forms.
fn legal_rep_flag(value: bool) -> Field {
    Field::flag(
        "legal_rep_member",
        tr("法人或出资人是党员", "legal rep. is a member"),
        value,
    )
}

/// A number field of a form, by the rule of the column it writes; blank is none.
fn number(table: &str, field: &str, s: &str) -> Result<Option<i64>> {
    match fields::parse(table, field, s)? {
        Val::Int(n) => Ok(Some(n)),
        _ => Ok(None),
    }
}

/// The table a form's text fields write to.
fn table_of(kind: FormKind) -> Option<&'static str> {
    match kind {
        FormKind::EditOrg | FormKind::AddOrg => Some("orgs"),
        FormKind::Survey => Some("surveys"),
        FormKind::Hire => Some("persons"),
        FormKind::FoundBranch => Some("party_orgs"),
        FormKind::AdvanceTask => Some("task_steps"),
        FormKind::Assign | FormKind::Transfer => None,
    }
}

/// Every typed field that writes a column meets that column's rule
/// (`domain::fields`, the rule a peer's value and an import meet too), so
/// the message stands by the field. An edit form checks only what changed;
/// a blank credit code is none.
fn check_fields(form: &Form) -> Result<()> {
    let Some(table) = table_of(form.kind) else {
        return Ok(());
    };
    for f in &form.fields {
        if !matches!(f.kind, FieldKind::Text) || fields::rule(table, f.key).is_none() {
            continue;
        }
        let v = f.value();
        let unchanged = form
            .original
            .iter()
            .any(|(k, was)| *k == f.key && *was == v);
        if unchanged || (f.key == "code" && v.trim().is_empty()) {
            continue;
        }
        fields::parse(table, f.key, &v)?;
    }
    Ok(())
}

fn date_of(form: &Form, today: Date) -> Result<Date> {
    let d = form.get("date");
    if d.trim().is_empty() {
        Ok(today)
    } else {
        Date::parse("date", &d)
    }
}

/// The result of saving a form.
pub enum Saved {
    Done(String),
    /// Another session changed these fields since the form opened.
    Stale(Vec<(String, String, String)>),
}

/// Fields of an edit form that another session changed since it opened.
fn stale_fields(conn: &Connection, form: &Form) -> Result<Vec<(String, String, String)>> {
    let Some(org) = form.org.as_deref() else {
        return Ok(Vec::new());
    };
    let now = org_facts(conn, org)?;
    let mut out = Vec::new();
    for (k, was) in &form.original {
        let cur = fact(&now, k);
        let mine = form.get(k);
        // only fields this user changed can collide; the others are not written
        if mine != *was && cur != *was && mine != cur {
            let label = form
                .fields
                .iter()
                .find(|f| f.key == *k)
                .map(|f| f.label)
                .unwrap_or(k);
            out.push((label.to_string(), cur, mine));
        }
    }
    Ok(out)
}

/// Builds the command and applies it. `force` overwrites another session's change
/// (the user saw it and chose to).
pub fn save(
    store: &mut Store,
    actor: &Actor,
    form: &Form,
    today: Date,
    force: bool,
) -> Result<Saved> {
    let conn = store.conn();
    if form.kind == FormKind::EditOrg && !force {
        let stale = stale_fields(conn, form)?;
        if !stale.is_empty() {
            return Ok(Saved::Stale(stale));
        }
    }
    check_fields(form)?;
    let on = date_of(form, today)?;
    let org = || {
        form.org
            .clone()
            .map(Id)
            .ok_or_else(|| Error::Refused("no organization".into()))
    };
    let cmd = match form.kind {
        FormKind::EditOrg => {
            let mut fields = Vec::new();
            for (k, was) in &form.original {
                let v = form.get(k);
                if v == *was {
                    continue;
                }
                fields.push(match *k {
                    "name" => OrgField::Name(v),
                    "employees" => match number("orgs", "employees", &v)? {
                        Some(n) => OrgField::Employees(n),
                        None => {
                            return Err(Error::invalid(
                                "employees",
                                v,
                                tr("不能为空", "must not be empty"),
                            ));
                        }
                    },
                    "industry" => OrgField::Industry(v),
                    "address" => OrgField::Address(v),
                    "contact" => OrgField::Contact(v),
                    "phone" => OrgField::Phone(v),
                    "legal_rep_member" => OrgField::LegalRepMember(v == "yes"),
                    _ => OrgField::IdentityCheck(v == "yes"),
                });
            }
            if fields.is_empty() {
                return Ok(Saved::Done(tr("没有改动", "nothing changed").into()));
            }
            Command::SetOrg {
                org: org()?,
                fields,
            }
        }
        FormKind::AddOrg => Command::AddOrg(NewOrg {
            id: Id::new(),
            name: form.get("name"),
            code: Some(form.get("code")).filter(|c| !c.trim().is_empty()),
            kind: OrgKind::parse(&form.get("kind"))?,
            status: RegStatus::Active,
            street: Id(form.get("street")),
            community: None,
            building: None,
            address: form.get("address"),
            industry: form.get("industry"),
            employees: number("orgs", "employees", &form.get("employees"))?,
            legal_rep_member: form.get("legal_rep_member") == "yes",
            identity_check: false,
            contact: String::new(),
            phone: String::new(),
            entered_on: on,
        }),
        FormKind::Survey => Command::Survey {
            id: Id::new(),
            org: org()?,
            employees: number("surveys", "employees", &form.get("employees"))?,
            identity_check: Some(form.get("identity_check") == "yes"),
            note: form.get("note"),
        },
        FormKind::Hire => {
            let status = Political::parse(&form.get("status"))?;
            Command::AddPerson(NewPerson {
                id: Id::new(),
                org: org()?,
                name: form.get("name"),
                phone: form.get("phone"),
                status,
                hired_on: Some(on),
                relation: if status.is_member() {
                    Some(Relation::parse(&form.get("relation"))?)
                } else {
                    None
                },
                branch: None,
                floating: status.is_member() && form.get("floating") == "yes",
                manager: form.get("manager") == "yes",
            })
        }
        FormKind::FoundBranch => branch::command(conn, form)?,
        FormKind::Assign => {
            let ins = form.get("instructor");
            if ins.is_empty() {
                return Err(Error::invalid(
                    "instructor",
                    "",
                    tr("请先在命令行添加指导员", "add an instructor first"),
                ));
            }
            Command::Assign {
                id: Id::new(),
                instructor: Id(ins),
                org: org()?,
            }
        }
        FormKind::AdvanceTask => Command::AdvanceTask {
            id: Id::new(),
            task: Id(form.subject.clone().unwrap_or_default()),
            note: form.get("note"),
        },
        FormKind::Transfer => Command::Transfer {
            id: Id::new(),
            person: resolve::person(conn, &form.get("person"), None)?,
            branch: Id(form.get("branch")),
        },
    };
    match cmd {
        // Found by a survey: the organization and the survey in one
        // transaction, as `org add --surveyed` does.
        Command::AddOrg(o) if form.get("surveyed") == "yes" => {
            let survey = Command::Survey {
                id: Id::new(),
                org: o.id.clone(),
                employees: o.employees,
                identity_check: None,
                note: String::new(),
            };
            store.apply_batch(
                actor,
                "org.add",
                vec![(on, Command::AddOrg(o)), (on, survey)],
            )?;
        }
        cmd => {
            store.apply(actor, on, cmd, None)?;
        }
    }
    Ok(Saved::Done(tr("已保存", "saved").into()))
}

/// Field values of an organization now, to refresh an edit form after a conflict.
pub fn reload_original(conn: &Connection, form: &mut Form) -> Result<()> {
    if let Some(org) = form.org.clone() {
        form.original = org_facts(conn, &org)?;
    }
    Ok(())
}
