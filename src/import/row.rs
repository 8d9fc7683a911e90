//! One data row of a registration list: normalized (full-width digits and
//! letters, stray spaces) and parsed; a bad field rejects the whole row.

use super::header::Field;
use crate::domain::kinds::{OrgKind, RegStatus};
use crate::domain::uscc;
use crate::domain::{Date, Val, fields};
use crate::i18n::tr;

#[derive(Clone, Debug, PartialEq)]
pub struct RegRow {
    pub line: usize,
    pub code: Option<String>,
    pub name: String,
    pub kind: OrgKind,
    pub status: RegStatus,
    pub established: Option<Date>,
    pub address: String,
    pub employees: Option<i64>,
    pub street: Option<String>,
    pub community: Option<String>,
}

/// A row skipped, with the field and the value that made it so.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct BadRow {
    pub line: usize,
    pub field: String,
    pub value: String,
    pub reason: String,
}

impl BadRow {
    pub fn new(line: usize, field: &str, value: &str, reason: &str) -> BadRow {
        BadRow {
            line,
            field: field.to_string(),
            value: crate::text::clean(value),
            reason: reason.to_string(),
        }
    }
}

/// Full-width ASCII to half-width, the ideographic space to a space, control
/// characters dropped, runs of spaces to one, trimmed.
pub fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        let c = match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' | '\u{A0}' => ' ',
            c if c.is_whitespace() => ' ',
            c => c,
        };
        if c == ' ' {
            space = true;
            continue;
        }
        if c.is_control() || c == '\u{FEFF}' {
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.push(c);
    }
    out
}

/// The most employees a row may give (the rule of `orgs.employees`).
pub use crate::domain::fields::MAX_EMPLOYEES;

fn not_a_date() -> &'static str {
    tr("无法识别的日期", "not a date")
}

/// `2015-03-02`, `2015/3/2`, `2015.03.02`, `2015年3月2日`, `20150302`; a
/// time after the date is ignored. The date must lie in the years the
/// ledger accepts (`domain::date`); the error is the reason, for the row.
pub fn parse_date(s: &str) -> Result<Date, &'static str> {
    let t = s.split(' ').next().unwrap_or("");
    let nums: Vec<&str> = t
        .split(['-', '/', '.', '年', '月', '日'])
        .filter(|p| !p.is_empty())
        .collect();
    let (y, m, d) = match nums.as_slice() {
        [ymd] if ymd.len() == 8 && ymd.bytes().all(|b| b.is_ascii_digit()) => {
            (&ymd[..4], &ymd[4..6], &ymd[6..])
        }
        [y, m, d] => (*y, *m, *d),
        _ => return Err(not_a_date()),
    };
    let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    if !(digits(y) && digits(m) && digits(d)) || m.len() > 2 || d.len() > 2 {
        return Err(not_a_date());
    }
    if y.len() > 4 && y.trim_start_matches('0').len() > 4 {
        return Err(crate::domain::date::out_of_range_reason());
    }
    if y.len() != 4 {
        return Err(not_a_date());
    }
    let num = |p: &str| p.parse::<i8>().map_err(|_| not_a_date());
    let y: i16 = y.parse().map_err(|_| not_a_date())?;
    let date = jiff::civil::Date::new(y, num(m)?, num(d)?)
        .map(Date)
        .map_err(|_| not_a_date())?;
    if date.in_range() {
        Ok(date)
    } else {
        Err(crate::domain::date::out_of_range_reason())
    }
}

/// `12`, `12人`, `1,200`, and `12.0` as spreadsheets hand whole numbers
/// over, in the range of `orgs.employees` (`domain::fields`); the error is
/// the reason, for the row.
fn parse_employees(s: &str) -> Result<i64, String> {
    let t = s.trim_end_matches('人').replace([',', ' '], "");
    let whole = || tr("应为非负整数", "expected a whole number").to_string();
    let n = match t.parse::<i64>() {
        Ok(n) => n,
        Err(_) => {
            let f: f64 = t.parse().map_err(|_| whole())?;
            if !f.is_finite() {
                return Err(whole());
            }
            if f.fract() != 0.0 {
                return Err(tr("应为整数，不能有小数", "not a whole number").into());
            }
            // Past either end, a number just outside it gets the rule's reason.
            if f < 0.0 {
                -1
            } else if f > MAX_EMPLOYEES as f64 {
                MAX_EMPLOYEES + 1
            } else {
                f as i64
            }
        }
    };
    fields::check("orgs", "employees", &Val::Int(n)).map_err(|e| e.reason)?;
    Ok(n)
}

fn parse_kind(s: &str) -> OrgKind {
    if let Ok(k) = OrgKind::parse(s) {
        return k;
    }
    if s.contains("社会团体") || s.contains("社团") {
        OrgKind::SocialGroup
    } else if s.contains("民办非企业") || s.contains("民非") || s.contains("社会服务机构")
    {
        OrgKind::NonEnterprise
    } else if s.contains("基金会") {
        OrgKind::Foundation
    } else {
        OrgKind::Enterprise
    }
}

fn parse_status(s: &str) -> Option<RegStatus> {
    if s.is_empty() {
        return Some(RegStatus::Active);
    }
    if let Ok(st) = RegStatus::parse(s) {
        return Some(st);
    }
    if s.contains("注销") {
        Some(RegStatus::Deregistered)
    } else if s.contains("吊销") {
        Some(RegStatus::Revoked)
    } else if s.contains("迁出") {
        Some(RegStatus::MovedOut)
    } else if s.contains("停业") || s.contains("歇业") {
        Some(RegStatus::Suspended)
    } else if ["存续", "在业", "开业", "在营", "正常", "登记"]
        .iter()
        .any(|w| s.contains(w))
    {
        Some(RegStatus::Active)
    } else {
        None
    }
}

/// Parses one row; `cells` are already normalized.
pub fn parse(line: usize, cells: &[String], map: &[Option<Field>]) -> Result<RegRow, BadRow> {
    let get = |f: Field| -> &str {
        map.iter()
            .position(|m| *m == Some(f))
            .and_then(|i| cells.get(i))
            .map_or("", String::as_str)
    };
    let name = get(Field::Name);
    if name.is_empty() {
        return Err(BadRow::new(line, "name", name, tr("名称为空", "no name")));
    }
    if let Err(e) = fields::check("orgs", "name", &Val::from(name)) {
        return Err(BadRow::new(line, "name", name, &e.reason));
    }
    let raw_code = get(Field::Code).replace(' ', "").to_ascii_uppercase();
    let code = match raw_code.as_str() {
        "" => None,
        c => match uscc::parse("code", c) {
            Ok((c, _)) => Some(c),
            Err(_) => {
                return Err(BadRow::new(
                    line,
                    "code",
                    c,
                    tr(
                        "不是 18 位统一社会信用代码",
                        "not an 18-character credit code",
                    ),
                ));
            }
        },
    };
    let status_s = get(Field::Status);
    let Some(status) = parse_status(status_s) else {
        return Err(BadRow::new(
            line,
            "status",
            status_s,
            tr("无法识别的登记状态", "unknown registration status"),
        ));
    };
    let est = get(Field::Established);
    let established = match est {
        "" => None,
        s => Some(parse_date(s).map_err(|why| BadRow::new(line, "established", s, why))?),
    };
    let emp = get(Field::Employees);
    let employees = match emp {
        "" => None,
        s => Some(parse_employees(s).map_err(|why| BadRow::new(line, "employees", s, &why))?),
    };
    let opt = |f: Field| Some(get(f).to_string()).filter(|s| !s.is_empty());
    Ok(RegRow {
        line,
        code,
        name: name.to_string(),
        kind: parse_kind(get(Field::Kind)),
        status,
        established,
        address: get(Field::Address).chars().take(fields::MAX_TEXT).collect(),
        employees,
        street: opt(Field::Street),
        community: opt(Field::Community),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_full_width_and_spaces() {
        assert_eq!(normalize("　ＡＢ１２　 公司\t"), "AB12 公司");
        assert_eq!(normalize("９１１１０１０８"), "91110108");
    }

    #[test]
    fn dates_numbers_kinds_statuses() {
        for s in [
            "2015-03-02",
            "2015/3/2",
            "2015.03.02",
            "2015年3月2日",
            "20150302",
            "2015-03-02 00:00:00",
        ] {
            assert_eq!(
                parse_date(s).map(|d| d.to_string()).as_deref(),
                Ok("2015-03-02"),
                "{s}"
            );
        }
        for bad in [
            "2015-13-01",
            "2024-13-45",
            "15-3-2",
            "昨天",
            "2015",
            "99999999",
            "2015-+3-02",
            "2015-003-02",
        ] {
            assert_eq!(parse_date(bad), Err(not_a_date()), "{bad}");
        }
        let range = crate::domain::date::out_of_range_reason();
        for far in ["99999-01-01", "1899-12-31", "2101-01-01", "0001-01-01"] {
            assert_eq!(parse_date(far), Err(range), "{far}");
        }
        assert!(parse_date("1900-01-01").is_ok() && parse_date("2100/12/31").is_ok());
        assert_eq!(parse_employees("12人"), Ok(12));
        assert_eq!(parse_employees("1,200"), Ok(1200));
        assert_eq!(parse_employees("12.0"), Ok(12));
        assert_eq!(parse_employees("10000000"), Ok(MAX_EMPLOYEES));
        for bad in [
            "-3",
            "-3.0",
            "十二",
            "12.5",
            "1e300",
            "-1e300",
            "NaN",
            "inf",
            "-inf",
            "10000001",
            "99999999999999999999",
            "9223372036854775808",
        ] {
            assert!(parse_employees(bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse_kind("有限责任公司（自然人投资或控股）"),
            OrgKind::Enterprise
        );
        assert_eq!(parse_kind("民办非企业单位"), OrgKind::NonEnterprise);
        assert_eq!(
            parse_status("存续（在营、开业、在册）"),
            Some(RegStatus::Active)
        );
        assert_eq!(parse_status("注销"), Some(RegStatus::Deregistered));
        assert_eq!(parse_status("已迁出"), Some(RegStatus::MovedOut));
        assert_eq!(parse_status("歇业"), Some(RegStatus::Suspended));
        assert_eq!(parse_status("待定?"), None);
    }
}
