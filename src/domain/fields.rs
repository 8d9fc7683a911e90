//! One rule for every field an op can carry: its type, whether it may be
//! null, and its range. Every door a value comes in by (a peer's op,
//! `conflicts resolve --value`, an import, a form, a local command) is
//! judged by the same rule, so a value one replica takes is a value every
//! replica takes, and no table ever holds what its readers cannot read.
//!
//! Whether a referenced row exists needs the database: `reference` names the
//! table, `store::fields::check_ref` looks.

use std::fmt;

use super::kinds::{
    Level, Mode, Office, OrgKind, Political, RegStatus, Relation, Role, Rule as AlertRule, Source,
    Stage, TaskKind, parse_bool,
};
use super::val::Val;
use super::{Date, uscc};
use crate::error::Error;
use crate::i18n::tr;

/// Longest text a field takes; longer input is refused, not cut.
pub const MAX_TEXT: usize = 200;

/// The most employees an organization may have: more than any single employer has.
pub const MAX_EMPLOYEES: i64 = 10_000_000;

/// Longest row id a reference may hold (ids are UUIDs, 36 characters).
pub const MAX_ID: usize = 64;

/// The states an alert row takes (`store::alerts`).
pub const ALERT_STATES: &[&str] = &["open", "snoozed", "resolved", "dismissed"];

/// A closed vocabulary of `kinds` (and the alert states).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Vocab {
    OrgKind,
    RegStatus,
    Mode,
    Level,
    Political,
    Relation,
    Source,
    Office,
    TaskKind,
    Stage,
    AlertRule,
    AlertState,
    Role,
}

fn codes_of<T: Copy>(all: &[T], code: fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|v| code(*v)).collect()
}

impl Vocab {
    /// The stored spellings.
    pub fn codes(self) -> Vec<&'static str> {
        match self {
            Vocab::OrgKind => codes_of(OrgKind::ALL, OrgKind::code),
            Vocab::RegStatus => codes_of(RegStatus::ALL, RegStatus::code),
            Vocab::Mode => codes_of(Mode::ALL, Mode::code),
            Vocab::Level => codes_of(Level::ALL, Level::code),
            Vocab::Political => codes_of(Political::ALL, Political::code),
            Vocab::Relation => codes_of(Relation::ALL, Relation::code),
            Vocab::Source => codes_of(Source::ALL, Source::code),
            Vocab::Office => codes_of(Office::ALL, Office::code),
            Vocab::TaskKind => codes_of(TaskKind::ALL, TaskKind::code),
            Vocab::Stage => codes_of(Stage::ALL, Stage::code),
            Vocab::AlertRule => codes_of(AlertRule::ALL, AlertRule::code),
            Vocab::AlertState => ALERT_STATES.to_vec(),
            Vocab::Role => codes_of(Role::ALL, Role::code),
        }
    }

    /// The stored spelling for a code or a label, as each vocabulary reads them.
    fn parse(self, s: &str) -> Option<&'static str> {
        match self {
            Vocab::OrgKind => OrgKind::parse(s).ok().map(OrgKind::code),
            Vocab::RegStatus => RegStatus::parse(s).ok().map(RegStatus::code),
            Vocab::Mode => Mode::parse(s).ok().map(Mode::code),
            Vocab::Level => Level::parse(s).ok().map(Level::code),
            Vocab::Political => Political::parse(s).ok().map(Political::code),
            Vocab::Relation => Relation::parse(s).ok().map(Relation::code),
            Vocab::Source => Source::parse(s).ok().map(Source::code),
            Vocab::Office => Office::parse(s).ok().map(Office::code),
            Vocab::TaskKind => TaskKind::parse(s).ok().map(TaskKind::code),
            Vocab::Stage => Stage::parse(s).ok().map(Stage::code),
            Vocab::AlertRule => AlertRule::parse(s).ok().map(AlertRule::code),
            Vocab::AlertState => ALERT_STATES.iter().find(|c| **c == s.trim()).copied(),
            Vocab::Role => Role::parse(s).ok().map(Role::code),
        }
    }
}

/// What a field holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Text of at most `MAX_TEXT` characters without control characters;
    /// `nonempty` refuses blank text.
    Text { nonempty: bool },
    /// A whole number in `min..=max`.
    Int { min: i64, max: i64 },
    /// 0 or 1.
    Bool,
    /// `YYYY-MM-DD` in the years the ledger accepts (`domain::date`).
    Date,
    /// One of a vocabulary's stored spellings.
    Enum(Vocab),
    /// The id of a row of this table.
    Ref(&'static str),
    /// A unified social credit code in its normal form (a checksum that
    /// fails is kept, with a warning: early real codes fail it).
    CreditCode,
}

/// The rule of one field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    pub kind: Kind,
    /// Whether the field may hold no value. A field is nullable exactly when
    /// some command of this version leaves it empty.
    pub nullable: bool,
    zh: &'static str,
    en: &'static str,
}

/// A value a field does not take: the field, the value and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// The column (or input) name.
    pub field: String,
    /// The field's name in the user's language.
    pub label: &'static str,
    /// The value as shown: text without quotes, the start only when long.
    pub value: String,
    pub reason: String,
}

impl FieldError {
    fn new(field: &str, label: &'static str, value: &Val, reason: impl Into<String>) -> Self {
        FieldError {
            field: field.to_string(),
            label,
            value: shown(value),
            reason: reason.into(),
        }
    }
}

/// A value as an error quotes it: long text cut to its start.
fn shown(v: &Val) -> String {
    match v {
        Val::Null => "null".into(),
        Val::Int(n) => n.to_string(),
        Val::Text(s) if s.chars().count() > 40 => s.chars().take(20).collect::<String>() + "…",
        Val::Text(s) => s.clone(),
    }
}

impl From<FieldError> for Error {
    fn from(e: FieldError) -> Self {
        // The field stays the column name (forms put the message by it); the
        // reason starts with the field's name in the user's language.
        let reason = if e.label.is_empty() || e.label == e.field {
            e.reason
        } else {
            format!("{}{}{}", e.label, tr("", ": "), e.reason)
        };
        Error::Invalid {
            field: e.field,
            value: e.value,
            reason,
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", Error::from(self.clone()))
    }
}

impl std::error::Error for FieldError {}

const NAME: Kind = Kind::Text { nonempty: true };
const TEXT: Kind = Kind::Text { nonempty: false };
const EMPLOYEES: Kind = Kind::Int {
    min: 0,
    max: MAX_EMPLOYEES,
};

const fn req(kind: Kind, zh: &'static str, en: &'static str) -> Rule {
    Rule {
        kind,
        nullable: false,
        zh,
        en,
    }
}

const fn opt(kind: Kind, zh: &'static str, en: &'static str) -> Rule {
    Rule {
        kind,
        nullable: true,
        zh,
        en,
    }
}

/// The rule of `table.field`; `None` for a field this version does not
/// have (a newer schema's, kept aside elsewhere) and for the key `id`.
pub fn rule(table: &str, field: &str) -> Option<Rule> {
    use Kind::{Bool, CreditCode, Date as Day, Enum, Ref};
    let street = || req(Ref("streets"), "街道", "street");
    let org = || req(Ref("orgs"), "组织", "organization");
    let r = match (table, field) {
        (
            "streets" | "communities" | "buildings" | "orgs" | "party_orgs" | "links" | "persons"
            | "instructors" | "assignments" | "tasks" | "users",
            "deleted",
        ) => req(Bool, "删除标记", "deleted"),

        ("streets", "name") => req(NAME, "街道名称", "name"),
        ("streets", "committee") => req(TEXT, "综合党委", "committee"),

        ("communities", "name") => req(NAME, "社区名称", "name"),
        ("communities", "street_id") => street(),

        ("buildings", "name") => req(NAME, "楼宇名称", "name"),
        ("buildings", "street_id") => street(),

        ("orgs", "name") => req(NAME, "名称", "name"),
        ("orgs", "code") => opt(CreditCode, "统一社会信用代码", "credit code"),
        ("orgs", "kind") => req(Enum(Vocab::OrgKind), "类型", "kind"),
        ("orgs", "status") => req(Enum(Vocab::RegStatus), "登记状态", "status"),
        // A row from a registration list has no street until it is placed.
        ("orgs", "street_id") => opt(Ref("streets"), "街道", "street"),
        ("orgs", "community_id") => opt(Ref("communities"), "社区", "community"),
        ("orgs", "building_id") => opt(Ref("buildings"), "楼宇", "building"),
        ("orgs", "address") => req(TEXT, "地址", "address"),
        ("orgs", "industry") => req(TEXT, "行业", "industry"),
        ("orgs", "employees") => opt(EMPLOYEES, "从业人员数", "employees"),
        ("orgs", "legal_rep_member") => req(
            Bool,
            "法定代表人是党员",
            "legal representative is a party member",
        ),
        ("orgs", "identity_check") => req(Bool, "新进人员政治身份识别", "new-hire identity check"),
        ("orgs", "contact") => req(TEXT, "联系人", "contact"),
        ("orgs", "phone") => req(TEXT, "电话", "phone"),
        ("orgs", "entered_on") => req(Day, "入册日期", "entered on"),
        ("orgs", "closed_on") => opt(Day, "关闭日期", "closed on"),
        ("orgs", "first_survey_on") => opt(Day, "首次摸排日期", "first surveyed on"),
        ("orgs", "last_survey_on") => opt(Day, "最近摸排日期", "last surveyed on"),
        ("orgs", "status_on") => opt(Day, "登记状态变更日期", "status changed on"),
        ("orgs", "established_on") => opt(Day, "成立日期", "established on"),

        ("party_orgs", "name") => req(NAME, "党组织名称", "name"),
        ("party_orgs", "mode") => req(Enum(Vocab::Mode), "组建方式", "mode"),
        ("party_orgs", "level") => req(Enum(Vocab::Level), "层级", "level"),
        ("party_orgs", "street_id") => street(),
        ("party_orgs", "building_id") => opt(Ref("buildings"), "楼宇", "building"),
        ("party_orgs", "secretary") => req(TEXT, "书记", "secretary"),
        ("party_orgs", "founded_on") => req(Day, "成立日期", "founded on"),
        ("party_orgs", "dissolved_on") => opt(Day, "撤销日期", "dissolved on"),

        ("links", "party_org_id") => req(Ref("party_orgs"), "党组织", "party organization"),
        ("links", "org_id") => org(),
        ("links", "from_on") => req(Day, "覆盖起始日期", "covered from"),
        ("links", "to_on") => opt(Day, "覆盖截止日期", "covered until"),

        ("persons", "org_id") => org(),
        ("persons", "name") => req(NAME, "姓名", "name"),
        ("persons", "phone") => req(TEXT, "电话", "phone"),
        ("persons", "status") => req(Enum(Vocab::Political), "政治面貌", "status"),
        ("persons", "hired_on") => req(Day, "入职日期", "hired on"),
        ("persons", "left_on") => opt(Day, "离职日期", "left on"),
        ("persons", "relation") => opt(Enum(Vocab::Relation), "组织关系所在", "relation"),
        ("persons", "branch_id") => opt(Ref("party_orgs"), "所在党组织", "branch"),
        ("persons", "floating") => req(Bool, "流动党员", "floating"),
        ("persons", "manager") => req(Bool, "管理人员", "manager"),

        ("status_changes", "person_id") => req(Ref("persons"), "人员", "person"),
        ("status_changes", "status") => req(Enum(Vocab::Political), "政治面貌", "status"),
        ("status_changes", "from_status") => {
            opt(Enum(Vocab::Political), "原政治面貌", "previous status")
        }
        ("status_changes", "on_date") => req(Day, "日期", "date"),

        ("transfers", "person_id") => req(Ref("persons"), "人员", "person"),
        ("transfers", "from_relation") => {
            opt(Enum(Vocab::Relation), "原组织关系所在", "previous relation")
        }
        ("transfers", "branch_id") => req(Ref("party_orgs"), "转入党组织", "into"),
        ("transfers", "on_date") => req(Day, "转入日期", "transferred on"),

        ("instructors", "name") => req(NAME, "姓名", "name"),
        ("instructors", "phone") => req(TEXT, "电话", "phone"),
        ("instructors", "source") => req(Enum(Vocab::Source), "来源", "source"),
        ("instructors", "home_unit") => req(TEXT, "所在单位", "home unit"),
        ("instructors", "industry") => req(TEXT, "行业", "industry"),

        ("assignments", "instructor_id") => req(Ref("instructors"), "党建指导员", "instructor"),
        ("assignments", "org_id") => org(),
        ("assignments", "from_on") => req(Day, "选派日期", "assigned from"),
        ("assignments", "to_on") => opt(Day, "选派截止日期", "assigned until"),

        ("visits", "instructor_id") => req(Ref("instructors"), "党建指导员", "instructor"),
        ("visits", "org_id") => org(),
        ("visits", "on_date") => req(Day, "走访日期", "visited on"),
        ("visits", "note") => req(TEXT, "备注", "note"),

        ("surveys", "org_id") => org(),
        ("surveys", "on_date") => req(Day, "摸排日期", "surveyed on"),
        ("surveys", "employees") => opt(EMPLOYEES, "从业人员数", "employees"),
        ("surveys", "identity_check") => {
            opt(Bool, "新进人员政治身份识别", "new-hire identity check")
        }
        ("surveys", "note") => req(TEXT, "备注", "note"),
        ("surveys", "by_user") => opt(TEXT, "摸排人", "surveyed by"),

        ("tasks", "kind") => req(Enum(Vocab::TaskKind), "任务类型", "kind"),
        ("tasks", "org_id") => opt(Ref("orgs"), "组织", "organization"),
        ("tasks", "community_id") => opt(Ref("communities"), "社区", "community"),
        ("tasks", "stage") => req(Enum(Vocab::Stage), "环节", "stage"),
        ("tasks", "office") => opt(Enum(Vocab::Office), "承办科室", "office"),
        ("tasks", "due_on") => req(Day, "截止日期", "due on"),
        ("tasks", "created_on") => req(Day, "创建日期", "created on"),
        ("tasks", "closed_on") => opt(Day, "办结日期", "closed on"),
        ("tasks", "note") => req(TEXT, "说明", "note"),
        ("tasks", "stage_on") => opt(Day, "进入环节日期", "in stage since"),

        ("task_steps", "task_id") => req(Ref("tasks"), "任务", "task"),
        ("task_steps", "on_date") => req(Day, "日期", "date"),
        ("task_steps", "from_stage") => req(Enum(Vocab::Stage), "原环节", "from stage"),
        ("task_steps", "stage") => req(Enum(Vocab::Stage), "环节", "stage"),
        ("task_steps", "office") => opt(Enum(Vocab::Office), "承办科室", "office"),
        ("task_steps", "note") => req(TEXT, "说明", "note"),

        ("alerts", "rule") => req(Enum(Vocab::AlertRule), "预警规则", "rule"),
        ("alerts", "subject") => req(NAME, "预警对象", "subject"),
        ("alerts", "org_id") => opt(Ref("orgs"), "组织", "organization"),
        ("alerts", "raised_on") => req(Day, "触发日期", "raised on"),
        ("alerts", "due_on") => opt(Day, "应办日期", "due on"),
        ("alerts", "resolved_on") => opt(Day, "解除日期", "resolved on"),
        ("alerts", "state") => req(Enum(Vocab::AlertState), "预警状态", "state"),
        ("alerts", "until_on") => opt(Day, "暂缓至", "snoozed until"),
        ("alerts", "reason") => opt(NAME, "忽略原因", "reason"),
        ("alerts", "noticed_on") => opt(Day, "发现日期", "noticed on"),

        ("users", "os_user") => req(NAME, "系统用户名", "os_user"),
        ("users", "name") => req(NAME, "姓名", "name"),
        ("users", "office") => opt(Enum(Vocab::Office), "科室", "office"),
        ("users", "role") => req(Enum(Vocab::Role), "角色", "role"),
        ("users", "street_id") => opt(Ref("streets"), "街道", "street"),
        ("users", "community_id") => opt(Ref("communities"), "社区", "community"),

        _ => return None,
    };
    Some(r)
}

/// The table whose row an id in `table.field` must name.
pub fn reference(table: &str, field: &str) -> Option<&'static str> {
    match rule(table, field)?.kind {
        Kind::Ref(target) => Some(target),
        _ => None,
    }
}

/// Whether `table.field` takes `v` as stored (exact spelling: a code, not
/// a label; `YYYY-MM-DD`; 0 or 1). A field without a rule is not judged
/// here (see `rule`).
pub fn check(table: &str, field: &str, v: &Val) -> Result<(), FieldError> {
    match rule(table, field) {
        Some(r) => r.check(field, v),
        None => Ok(()),
    }
}

/// What a person typed for `table.field` (a form, the command line,
/// `conflicts resolve --value`), as the field stores it: trimmed, labels to
/// codes, yes/no to 1/0, a credit code in its normal form; then checked.
/// Blank is no value, except for text.
pub fn parse(table: &str, field: &str, input: &str) -> Result<Val, FieldError> {
    let Some(r) = rule(table, field) else {
        return Err(unknown(table, field, input));
    };
    let t = input.trim();
    let fail = |why: &str| Err(FieldError::new(field, r.label(), &Val::from(input), why));
    let v = match r.kind {
        Kind::Text { .. } => Val::Text(crate::text::clean(input).trim().to_string()),
        _ if t.is_empty() => Val::Null,
        Kind::Int { .. } => match t.parse::<i64>() {
            Ok(n) => Val::Int(n),
            Err(_) => return fail(tr("应为整数", "expected a whole number")),
        },
        Kind::Bool => match parse_bool(field, t) {
            Ok(b) => Val::from(b),
            Err(_) => return fail(tr("应为 是/否", "expected yes or no")),
        },
        Kind::Date => match Date::parse(field, t) {
            Ok(d) => Val::from(d),
            Err(e) => return fail(&reason_of(e)),
        },
        Kind::Enum(voc) => match voc.parse(t) {
            Some(code) => Val::from(code),
            None => return fail(&one_of(voc)),
        },
        Kind::Ref(_) => Val::from(t),
        Kind::CreditCode => match uscc::parse(field, t) {
            Ok((code, _)) => Val::Text(code),
            Err(e) => return fail(&reason_of(e)),
        },
    };
    r.check(field, &v)?;
    Ok(v)
}

/// A value from an op (`conflicts resolve --value` hands one over as JSON)
/// as the field stores it: text goes through `parse`, so "12" is a number
/// for a number field and 是 is 1 for a yes/no field; a number for a text
/// field is its digits. Then checked.
pub fn normalize(table: &str, field: &str, v: Val) -> Result<Val, FieldError> {
    let Some(r) = rule(table, field) else {
        return Err(unknown(table, field, &shown(&v)));
    };
    match (v, r.kind) {
        (Val::Text(s), _) => parse(table, field, &s),
        (Val::Int(n), Kind::Text { .. }) => parse(table, field, &n.to_string()),
        (v, _) => {
            r.check(field, &v)?;
            Ok(v)
        }
    }
}

/// Accepted, but worth saying: a credit code whose check character fails.
pub fn warning(table: &str, field: &str, v: &Val) -> Option<String> {
    let (Some(Kind::CreditCode), Val::Text(s)) = (rule(table, field).map(|r| r.kind), v) else {
        return None;
    };
    match uscc::parse(field, s) {
        Ok((code, uscc::Check::Mismatch { expected })) => Some(format!(
            "{} {code}: {} {expected}{}",
            tr("信用代码", "credit code"),
            tr("校验位不符（应为", "fails its checksum (expected"),
            tr("），已按原样保存", "); stored as given")
        )),
        _ => None,
    }
}

/// Cleans a text input (no control characters), trims it and checks its
/// length: the text rule for inputs that are not one column (a reason, a
/// note), under the name `field`.
pub fn text(field: &str, value: &str, required: bool) -> Result<String, FieldError> {
    let t = crate::text::clean(value).trim().to_string();
    match text_problem(&t, required) {
        Some(why) => Err(FieldError::new(field, "", &Val::from(value), why)),
        None => Ok(t),
    }
}

fn unknown(table: &str, field: &str, value: &str) -> FieldError {
    FieldError {
        field: field.to_string(),
        label: "",
        value: value.to_string(),
        reason: format!(
            "{} {}",
            tr(
                "不是此版本可写的字段:",
                "is not a field this version writes in"
            ),
            crate::text::clean(table)
        ),
    }
}

/// The reason of a domain error (`Date::parse`, `uscc::parse`).
fn reason_of(e: Error) -> String {
    match e {
        Error::Invalid { reason, .. } => reason,
        other => other.to_string(),
    }
}

fn one_of(voc: Vocab) -> String {
    format!(
        "{} {}{}",
        tr("应为", "one of"),
        voc.codes().join("|"),
        tr(" 之一", "")
    )
}

/// Why text is refused, if it is.
fn text_problem(s: &str, nonempty: bool) -> Option<&'static str> {
    if nonempty && s.trim().is_empty() {
        Some(tr("不能为空", "must not be empty"))
    } else if s.chars().count() > MAX_TEXT {
        Some(tr(
            "过长（最多 200 字）",
            "too long (200 characters at most)",
        ))
    } else if s.chars().any(crate::text::is_unsafe) {
        Some(tr("含有控制字符", "holds control characters"))
    } else {
        None
    }
}

/// Whether `s` has the shape of a row id: 1..=MAX_ID letters, digits and hyphens.
fn id_shaped(s: &str) -> bool {
    !s.is_empty() && s.len() <= MAX_ID && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

impl Rule {
    /// The field's name in the user's language.
    pub fn label(&self) -> &'static str {
        tr(self.zh, self.en)
    }

    /// What the field expects, for a value of the wrong type.
    fn expected(&self) -> String {
        match self.kind {
            Kind::Text { .. } => tr("应为文字", "expected text").into(),
            Kind::Int { .. } => tr("应为整数", "expected a whole number").into(),
            Kind::Bool => tr("应为 0 或 1", "expected 0 or 1").into(),
            Kind::Date => tr("应为 YYYY-MM-DD", "expected YYYY-MM-DD").into(),
            Kind::Enum(voc) => one_of(voc),
            Kind::Ref(_) => tr("应为记录编号", "expected a row id").into(),
            Kind::CreditCode => tr(
                "应为 18 位统一社会信用代码",
                "expected an 18-character credit code",
            )
            .into(),
        }
    }

    /// Whether the field takes `v` as stored.
    pub fn check(&self, field: &str, v: &Val) -> Result<(), FieldError> {
        let bad = |why: String| Err(FieldError::new(field, self.label(), v, why));
        match (v, self.kind) {
            (Val::Null, _) if self.nullable => Ok(()),
            (Val::Null, _) => bad(tr("不能为空", "must not be empty").into()),
            (Val::Text(s), Kind::Text { nonempty }) => match text_problem(s, nonempty) {
                Some(why) => bad(why.into()),
                None => Ok(()),
            },
            (Val::Int(n), Kind::Int { min, .. }) if *n < min && min == 0 => {
                bad(tr("不能为负数", "must not be negative").into())
            }
            (Val::Int(n), Kind::Int { min, max }) if *n < min || *n > max => bad(format!(
                "{}{min}–{max}{}",
                tr("应在 ", "outside "),
                tr(" 之间", "")
            )),
            (Val::Int(_), Kind::Int { .. }) => Ok(()),
            (Val::Int(0 | 1), Kind::Bool) => Ok(()),
            (Val::Text(s), Kind::Date) => match Date::parse(field, s) {
                Ok(d) if d.to_string() == *s => Ok(()),
                Ok(_) => bad(self.expected()),
                Err(e) => bad(reason_of(e)),
            },
            (Val::Text(s), Kind::Enum(voc)) if voc.codes().contains(&s.as_str()) => Ok(()),
            (Val::Text(s), Kind::Ref(_)) if id_shaped(s) => Ok(()),
            (Val::Text(s), Kind::CreditCode) => match uscc::parse(field, s) {
                Ok((code, _)) if code == *s => Ok(()),
                Ok((code, _)) => bad(format!("{} {code}", tr("应写作", "is written"))),
                Err(e) => bad(reason_of(e)),
            },
            _ => bad(self.expected()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Val {
        Val::Text(s.to_string())
    }

    fn refused(table: &str, field: &str, v: Val) -> FieldError {
        match check(table, field, &v) {
            Err(e) => e,
            Ok(()) => panic!("{table}.{field} took {v:?}"),
        }
    }

    #[test]
    fn employees_are_whole_numbers_from_zero_to_ten_million() {
        for table in ["orgs", "surveys"] {
            for ok in [
                Val::Int(0),
                Val::Int(MAX_EMPLOYEES),
                Val::Int(12),
                Val::Null,
            ] {
                assert_eq!(check(table, "employees", &ok), Ok(()), "{ok:?}");
            }
            let e = refused(table, "employees", Val::Int(-1));
            assert_eq!((e.field.as_str(), e.value.as_str()), ("employees", "-1"));
            assert_eq!(e.label, tr("从业人员数", "employees"));
            assert_eq!(e.reason, tr("不能为负数", "must not be negative"));
            let e = refused(table, "employees", Val::Int(MAX_EMPLOYEES + 1));
            assert!(e.reason.contains("10000000"), "{e}");
            refused(table, "employees", Val::Int(i64::MAX));
            refused(table, "employees", Val::Int(i64::MIN));
            let e = refused(table, "employees", t("abc"));
            assert_eq!(
                (e.value.as_str(), e.reason.as_str()),
                ("abc", tr("应为整数", "expected a whole number"))
            );
            let msg = Error::from(e).to_string();
            assert!(
                msg.contains("employees")
                    && msg.contains(tr("从业人员数", "employees"))
                    && msg.contains("abc"),
                "{msg}"
            );
            refused(table, "employees", t("12"));
        }
    }

    #[test]
    fn dates_are_exact_and_in_the_accepted_years() {
        for ok in ["1900-01-01", "2100-12-31", "2000-02-29"] {
            assert_eq!(check("orgs", "entered_on", &t(ok)), Ok(()), "{ok}");
        }
        for bad in [
            "1899-12-31",
            "2101-01-01",
            "2022-02-30",
            "2022-9-30",
            " 2022-09-30",
            "2022/09/30",
            "yesterday",
            "",
        ] {
            let e = refused("orgs", "entered_on", t(bad));
            assert_eq!(e.value, bad);
        }
        assert!(
            refused("orgs", "entered_on", t("1800-01-01"))
                .reason
                .contains("1900")
        );
        refused("orgs", "entered_on", Val::Int(20220101));
        refused("orgs", "entered_on", Val::Null);
        assert_eq!(check("orgs", "closed_on", &Val::Null), Ok(()));
    }

    #[test]
    fn vocabularies_take_their_codes_only() {
        for k in OrgKind::ALL {
            assert_eq!(check("orgs", "kind", &t(k.code())), Ok(()));
        }
        let e = refused("orgs", "kind", t("非公企业"));
        assert!(e.reason.contains("enterprise|social-group"), "{e}");
        refused("orgs", "kind", t("big"));
        refused("orgs", "kind", Val::Null);
        refused("orgs", "status", t("closed"));
        assert_eq!(check("orgs", "status", &t("revoked")), Ok(()));
        assert_eq!(check("persons", "status", &t("none")), Ok(()));
        refused("persons", "status", t("active"));
        assert_eq!(check("persons", "relation", &Val::Null), Ok(()));
        for s in ALERT_STATES {
            assert_eq!(check("alerts", "state", &t(s)), Ok(()));
        }
        refused("alerts", "state", t("gone"));
        assert_eq!(check("alerts", "rule", &t("ledger_stale")), Ok(()));
        assert_eq!(check("users", "role", &t("read-only")), Ok(()));
        assert_eq!(check("tasks", "stage", &t("follow-up")), Ok(()));
        refused("tasks", "stage", t("done"));
    }

    #[test]
    fn flags_are_zero_or_one() {
        for ok in [0, 1] {
            assert_eq!(check("orgs", "identity_check", &Val::Int(ok)), Ok(()));
            assert_eq!(check("users", "deleted", &Val::Int(ok)), Ok(()));
        }
        for bad in [Val::Int(2), Val::Int(-1), t("yes"), t("1"), Val::Null] {
            refused("orgs", "legal_rep_member", bad);
        }
        assert_eq!(check("surveys", "identity_check", &Val::Null), Ok(()));
        assert!(
            rule("visits", "deleted").is_none(),
            "visits have no tombstone"
        );
    }

    #[test]
    fn text_is_at_most_200_characters_without_controls() {
        let just = "长".repeat(MAX_TEXT);
        let long = "长".repeat(MAX_TEXT + 1);
        assert_eq!(check("orgs", "address", &t(&just)), Ok(()));
        let e = refused("orgs", "address", t(&long));
        assert!(e.reason.contains("200") && e.value.ends_with('…'), "{e}");
        assert!(e.value.chars().count() <= 21, "{e}");
        refused("orgs", "address", t("a\u{1b}[31mb"));
        refused("orgs", "address", t("a\u{202e}b"));
        assert_eq!(check("orgs", "address", &t("")), Ok(()));
        refused("orgs", "address", Val::Int(5));
        refused("orgs", "name", t(""));
        refused("orgs", "name", t("   "));
        refused("streets", "name", Val::Null);
        assert_eq!(check("alerts", "reason", &Val::Null), Ok(()));
        refused("alerts", "reason", t(""));
    }

    #[test]
    fn references_name_their_table_and_hold_an_id() {
        assert_eq!(reference("orgs", "street_id"), Some("streets"));
        assert_eq!(reference("persons", "branch_id"), Some("party_orgs"));
        assert_eq!(reference("links", "party_org_id"), Some("party_orgs"));
        assert_eq!(reference("task_steps", "task_id"), Some("tasks"));
        assert_eq!(reference("orgs", "name"), None);
        assert_eq!(reference("orgs", "nope"), None);
        let id = "0190f1c2-7a3b-7c4d-8e5f-0123456789ab";
        assert_eq!(check("orgs", "street_id", &t(id)), Ok(()));
        assert_eq!(check("orgs", "street_id", &Val::Null), Ok(()));
        refused("communities", "street_id", Val::Null);
        refused("orgs", "street_id", t(""));
        refused("orgs", "street_id", t("a b"));
        refused("orgs", "street_id", t("x'; DROP TABLE orgs; --"));
        refused("orgs", "street_id", t(&"a".repeat(MAX_ID + 1)));
        refused("orgs", "street_id", Val::Int(7));
    }

    #[test]
    fn credit_codes_keep_a_failing_checksum_as_a_warning() {
        assert_eq!(check("orgs", "code", &t("911101080673385595")), Ok(()));
        assert_eq!(check("orgs", "code", &Val::Null), Ok(()));
        assert_eq!(warning("orgs", "code", &t("911101080673385595")), None);
        assert_eq!(check("orgs", "code", &t("91350100M0001TGQXM")), Ok(()));
        let w = warning("orgs", "code", &t("91350100M0001TGQXM")).unwrap();
        assert!(w.contains("91350100M0001TGQXM"), "{w}");
        refused("orgs", "code", t("91110108067338559"));
        refused("orgs", "code", t("9111010806733855I5"));
        refused("orgs", "code", t(""));
        let e = refused("orgs", "code", t("91350100m0001tgqxm"));
        assert!(e.reason.contains("91350100M0001TGQXM"), "{e}");
        assert_eq!(warning("orgs", "name", &t("91350100M0001TGQXM")), None);
    }

    #[test]
    fn typed_input_becomes_the_stored_value_or_is_refused() {
        assert_eq!(parse("orgs", "employees", " 12 "), Ok(Val::Int(12)));
        assert_eq!(parse("orgs", "employees", ""), Ok(Val::Null));
        let e = parse("orgs", "employees", "abc").unwrap_err();
        assert_eq!((e.field.as_str(), e.value.as_str()), ("employees", "abc"));
        assert!(parse("orgs", "employees", "-3").is_err());
        assert!(parse("orgs", "employees", "10000001").is_err());
        assert_eq!(parse("orgs", "identity_check", "是"), Ok(Val::Int(1)));
        assert_eq!(parse("orgs", "identity_check", "no"), Ok(Val::Int(0)));
        assert!(parse("orgs", "identity_check", "maybe").is_err());
        assert!(parse("orgs", "identity_check", "").is_err());
        assert_eq!(parse("orgs", "kind", "基金会"), Ok(t("foundation")));
        assert_eq!(parse("orgs", "status", "注销"), Ok(t("deregistered")));
        assert!(parse("orgs", "status", "closed").is_err());
        assert_eq!(
            parse("orgs", "entered_on", "2022-09-30"),
            Ok(t("2022-09-30"))
        );
        assert!(parse("orgs", "entered_on", "2101-01-01").is_err());
        assert_eq!(
            parse("orgs", "code", "９11101080673385595"),
            Ok(t("911101080673385595"))
        );
        assert_eq!(
            parse("orgs", "address", "  人民路\t1号 "),
            Ok(t("人民路 1号"))
        );
        assert!(parse("orgs", "name", "  ").is_err());
        assert!(parse("orgs", "nope", "1").is_err());
        assert!(parse("orgs", "id", "1").is_err());
    }

    #[test]
    fn op_values_are_normalized_then_checked() {
        assert_eq!(normalize("orgs", "employees", t("12")), Ok(Val::Int(12)));
        assert!(normalize("orgs", "employees", t("abc")).is_err());
        assert!(normalize("orgs", "employees", Val::Int(-5)).is_err());
        assert_eq!(normalize("orgs", "phone", Val::Int(12345)), Ok(t("12345")));
        assert_eq!(normalize("orgs", "deleted", Val::Int(1)), Ok(Val::Int(1)));
        assert!(normalize("orgs", "deleted", Val::Int(2)).is_err());
        assert!(normalize("orgs", "kind", Val::Null).is_err());
        assert!(normalize("orgs", "kind", t("big")).is_err());
        assert_eq!(normalize("orgs", "closed_on", Val::Null), Ok(Val::Null));
        assert!(normalize("visits", "deleted", Val::Int(1)).is_err());
    }

    #[test]
    fn the_text_rule_for_other_inputs_cleans_and_bounds() {
        assert_eq!(text("reason", " 已核实\n ", true), Ok("已核实".into()));
        let e = text("reason", " ", true).unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.reason.as_str()),
            ("reason", tr("不能为空", "must not be empty"))
        );
        assert_eq!(text("note", "", false), Ok(String::new()));
        let long = "长".repeat(MAX_TEXT + 1);
        assert!(text("note", &long, false).is_err());
        assert_eq!(
            text("note", &"长".repeat(MAX_TEXT), false).map(|s| s.len()),
            Ok(600)
        );
    }

    #[test]
    fn every_rule_takes_some_value_and_refuses_a_wrong_type() {
        let tables = [
            "streets",
            "communities",
            "buildings",
            "orgs",
            "party_orgs",
            "links",
            "persons",
            "status_changes",
            "transfers",
            "instructors",
            "assignments",
            "visits",
            "surveys",
            "tasks",
            "task_steps",
            "alerts",
            "users",
        ];
        let fields = [
            "name",
            "committee",
            "street_id",
            "deleted",
            "code",
            "kind",
            "status",
            "employees",
            "entered_on",
            "org_id",
            "note",
            "stage",
            "state",
            "role",
            "office",
        ];
        for table in tables {
            for field in fields {
                let Some(r) = rule(table, field) else {
                    continue;
                };
                let good = match r.kind {
                    Kind::Text { .. } => t("x"),
                    Kind::Int { min, .. } => Val::Int(min),
                    Kind::Bool => Val::Int(1),
                    Kind::Date => t("2022-01-01"),
                    Kind::Enum(v) => t(v.codes()[0]),
                    Kind::Ref(_) => t("0190f1c2-7a3b-7c4d-8e5f-0123456789ab"),
                    Kind::CreditCode => t("911101080673385595"),
                };
                assert_eq!(check(table, field, &good), Ok(()), "{table}.{field}");
                let wrong = match r.kind {
                    Kind::Int { .. } | Kind::Bool => t("1"),
                    _ => Val::Int(1),
                };
                let e = check(table, field, &wrong).unwrap_err();
                assert_eq!(e.field, field);
                assert!(!e.label.is_empty());
            }
        }
    }
}
