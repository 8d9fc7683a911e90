//! Errors that reach a person: each names the field and the value.

use crate::i18n::tr;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Noun {
    Street,
    Community,
    Building,
    Org,
    Branch,
    Person,
    Instructor,
    /// An instructor's assignment to an organization.
    Assignment,
    Task,
    Alert,
}

impl Noun {
    pub fn label(self) -> &'static str {
        match self {
            Noun::Street => tr("街道", "street"),
            Noun::Community => tr("社区", "community"),
            Noun::Building => tr("楼宇", "building"),
            Noun::Org => tr("组织", "organization"),
            Noun::Branch => tr("党组织", "party organization"),
            Noun::Person => tr("人员", "person"),
            Noun::Instructor => tr("党建指导员", "instructor"),
            Noun::Assignment => tr("指导员选派", "instructor assignment"),
            Noun::Task => tr("任务", "task"),
            Noun::Alert => tr("预警", "alert"),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}", invalid_msg(field, label, value, reason))]
    Invalid {
        /// The column or option name (forms put the message by it).
        field: String,
        /// The field's name in the user's language, when the rule gave one.
        label: String,
        value: String,
        reason: String,
    },
    #[error("{}", not_found_msg(*what, value))]
    NotFound { what: Noun, value: String },
    #[error("{}", ambiguous_msg(*what, value, candidates))]
    Ambiguous {
        what: Noun,
        value: String,
        candidates: Vec<String>,
    },
    /// A domain rule said no; the message is already in the user's language.
    #[error("{0}")]
    Refused(String),
    #[error("{}: {}", tr("数据库错误", "database error"), .0)]
    Db(rusqlite::Error),
    #[error("{}: {}", tr("文件错误", "file error"), .0)]
    Io(std::io::Error),
    #[error("{0}")]
    Other(String),
    /// Standard output was closed by its reader (`| head -1`, a pager quit):
    /// the command ends quietly and successfully.
    #[error(
        "{}",
        tr("输出已被读取方关闭", "standard output was closed by its reader")
    )]
    OutputClosed,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn invalid(field: &str, value: impl Into<String>, reason: &str) -> Self {
        Error::Invalid {
            field: field.to_string(),
            label: String::new(),
            value: value.into(),
            reason: reason.to_string(),
        }
    }
    pub fn not_found(what: Noun, value: impl Into<String>) -> Self {
        Error::NotFound {
            what,
            value: value.into(),
        }
    }
}

fn invalid_msg(field: &str, label: &str, value: &str, reason: &str) -> String {
    // Chinese names the field by its label (从业人数), English as typed.
    let name = match crate::i18n::current() {
        crate::i18n::Lang::Zh if !label.is_empty() => label,
        _ => crate::domain::fields::spoken_name(field),
    };
    format!(
        "{} {name} {} \"{}\": {reason}",
        tr("字段", "field"),
        tr("的值无效", "has an invalid value"),
        crate::text::clean(value)
    )
}

fn not_found_msg(what: Noun, value: &str) -> String {
    format!(
        "{}{} \"{}\"",
        tr("找不到", "no such "),
        what.label(),
        crate::text::clean(value)
    )
}

fn ambiguous_msg(what: Noun, value: &str, candidates: &[String]) -> String {
    format!(
        "{} \"{}\" {} {}: {}",
        what.label(),
        crate::text::clean(value),
        tr("不唯一，请用编号指定", "is ambiguous; name it by id"),
        candidates.len(),
        candidates.join(", ")
    )
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Error::Db(e)
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Io(e)
    }
}
