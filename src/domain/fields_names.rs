//! How messages name a field: by its label in the user's language.

use super::rule;

/// Tables in the order a bare field name is looked up for its label: the
/// ledger row first, so `name` reads as an organization's 名称.
const LABEL_TABLES: &[&str] = &[
    "orgs",
    "persons",
    "party_orgs",
    "instructors",
    "tasks",
    "surveys",
    "streets",
    "communities",
    "buildings",
    "links",
    "assignments",
    "visits",
    "transfers",
    "status_changes",
    "task_steps",
    "alerts",
    "users",
];

/// Names that are options of the command line or of an import rather than
/// columns, or that several tables label differently.
fn option_label(field: &str) -> Option<&'static str> {
    Some(match field.trim_start_matches('-') {
        "status" => "状态",
        "name" => "名称",
        "kind" => "类型",
        "employees" => "从业人数",
        "established" | "founded" => "成立日期",
        "on" | "d" | "date" => "日期",
        "from" => "起始日期",
        "to" => "截止日期",
        "as-of" => "截至日期",
        "today" => "今天",
        "due" => "截止日期",
        "due-before" => "截止日期早于",
        "until" => "暂缓至",
        "hired-on" => "入职日期",
        "relation" => "组织关系所在",
        "source" => "来源",
        "mode" => "组建方式",
        "level" => "层级",
        "office" => "科室",
        "stage" => "环节",
        "rule" => "预警规则",
        "group" => "预警分组",
        "coverage" => "覆盖方式",
        "role" => "角色",
        "code" => "统一社会信用代码",
        "covers" => "覆盖组织",
        "format" => "输出格式",
        "output" => "输出文件",
        "lang" | "language" => "语言",
        "encoding" => "编码",
        "reason" => "原因",
        "note" => "备注",
        _ => return None,
    })
}

/// How a message names `field` (a column or an option) in the user's
/// language: in Chinese by its label (从业人数, not `employees`); in English
/// as it is typed. A name without a label is shown as it is.
pub fn spoken_name(field: &str) -> &str {
    if crate::i18n::current() == crate::i18n::Lang::En {
        return field;
    }
    option_label(field)
        .or_else(|| {
            LABEL_TABLES
                .iter()
                .find_map(|t| rule(t, field))
                .map(|r| r.zh)
        })
        .unwrap_or(field)
}
