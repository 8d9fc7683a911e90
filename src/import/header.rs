//! Column headers to fields, by name, in Chinese or English, in any order.

use super::row::normalize;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Code,
    Name,
    Kind,
    Status,
    Established,
    Address,
    Employees,
    Street,
    Community,
}

/// The names a registration list uses for each field (compared after
/// normalizing: half-width, lower case, no spaces).
const NAMES: &[(Field, &[&str])] = &[
    (
        Field::Code,
        &[
            "统一社会信用代码",
            "社会信用代码",
            "信用代码",
            "creditcode",
            "uscc",
            "code",
        ],
    ),
    (
        Field::Name,
        &[
            "企业名称",
            "单位名称",
            "组织名称",
            "名称",
            "name",
            "organization",
            "company",
        ],
    ),
    (
        Field::Kind,
        &["企业类型", "组织类型", "类型", "kind", "type"],
    ),
    (Field::Status, &["登记状态", "经营状态", "状态", "status"]),
    (
        Field::Established,
        &["成立日期", "成立时间", "established", "founded"],
    ),
    (
        Field::Address,
        &["住所", "地址", "注册地址", "经营场所", "address"],
    ),
    (
        Field::Employees,
        &["从业人数", "从业人员数", "从业人员", "employees", "staff"],
    ),
    (Field::Street, &["所属街道", "街道", "street"]),
    (Field::Community, &["所属社区", "社区", "community"]),
];

fn key(h: &str) -> String {
    normalize(h)
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '_' | '-' | '*' | ':' | '：'))
        .flat_map(char::to_lowercase)
        .collect()
}

pub fn field(header: &str) -> Option<Field> {
    let k = key(header);
    NAMES
        .iter()
        .find(|(_, names)| names.iter().any(|n| *n == k))
        .map(|(f, _)| *f)
}

/// Each column's field; a field named twice keeps its first column.
pub fn map(header: &[String]) -> Vec<Option<Field>> {
    let mut out: Vec<Option<Field>> = Vec::new();
    for h in header {
        let f = field(h).filter(|f| !out.contains(&Some(*f)));
        out.push(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_chinese_english_and_odd_spellings() {
        let h: Vec<String> = ["住所", " 企业 名称 ", "Credit Code", "备注", "从业人数"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            map(&h),
            vec![
                Some(Field::Address),
                Some(Field::Name),
                Some(Field::Code),
                None,
                Some(Field::Employees)
            ]
        );
        assert_eq!(field("ＮＡＭＥ"), Some(Field::Name));
    }
}
