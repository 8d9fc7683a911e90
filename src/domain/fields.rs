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
    AlertState, Level, Mode, Office, OrgKind, Political, RegStatus, Relation, Role,
    Rule as AlertRule, Source, Stage, TaskKind, parse_bool,
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

/// A closed vocabulary of `kinds`.
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
            Vocab::AlertState => codes_of(AlertState::ALL, AlertState::code),
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
            Vocab::AlertState => AlertState::parse(s).ok().map(AlertState::code),
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
        // The field stays the column name (forms put the message by it). In
        // Chinese the message names the field by its label; in English by
        // the name typed, and the reason starts with the label where it says more.
        let zh = crate::i18n::current() == crate::i18n::Lang::Zh;
        let reason = if zh || e.label.is_empty() || e.label == e.field {
            e.reason
        } else {
            format!("{}: {}", e.label, e.reason)
        };
        Error::Invalid {
            field: e.field,
            label: e.label.to_string(),
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
        ("orgs", "employees") => opt(EMPLOYEES, "从业人数", "employees"),
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
        ("orgs", "pending") => req(Bool, "待核实", "pending verification"),
        ("orgs", "verified_on") => opt(Day, "核实日期", "verified on"),
        ("orgs", "check_due_on") => opt(Day, "登记核查期限", "registration check due"),

        ("org_places", "org_id") => org(),
        ("org_places", "street_id") => opt(Ref("streets"), "街道", "street"),
        ("org_places", "community_id") => opt(Ref("communities"), "社区", "community"),
        ("org_places", "from_on") => req(Day, "所在起始日期", "there from"),

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
        ("persons", "leave_reason") => opt(TEXT, "离职原因", "leave reason"),
        ("persons", "moved_from") => opt(Ref("persons"), "调入前记录", "moved from"),

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
        ("surveys", "employees") => opt(EMPLOYEES, "从业人数", "employees"),
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
            (Val::Text(s), Kind::Date) if Date::is_written(s) => Ok(()),
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

#[path = "fields_names.rs"]
mod names;
pub use names::spoken_name;

#[cfg(test)]
#[path = "fields_tests.rs"]
mod tests;
