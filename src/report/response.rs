//! Response time, the "first time" measured: for alerts raised in a period,
//! per rule, how many were resolved and how many days it took.

use serde::Serialize;

use crate::domain::Date;
use crate::domain::alerts::Rule;
use crate::i18n::tr;
use crate::store::alerts::Episode;
use crate::text::{clean, pad};

#[derive(Debug, Serialize)]
pub struct RuleResponse {
    pub rule: String,
    pub raised: usize,
    pub resolved: usize,
    pub open: usize,
    pub median_days: Option<f64>,
    pub p90_days: Option<i64>,
}

/// One resolved new-member-hire alert: the first-time case the article tells.
#[derive(Debug, Serialize)]
pub struct HireCase {
    pub org: String,
    pub street: String,
    pub raised_on: String,
    pub resolved_on: String,
    pub days: i64,
}

#[derive(Debug, Serialize)]
pub struct Response {
    pub from: Date,
    pub to: Date,
    pub rules: Vec<RuleResponse>,
    pub hires: Vec<HireCase>,
}

/// The median of sorted values (the mean of the middle two when even).
pub fn median(v: &[i64]) -> Option<f64> {
    let n = v.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(v[n / 2] as f64),
        _ => Some((v[n / 2 - 1] + v[n / 2]) as f64 / 2.0),
    }
}

/// The nearest-rank percentile of sorted values.
pub fn percentile(v: &[i64], p: f64) -> Option<i64> {
    if v.is_empty() {
        return None;
    }
    let rank = ((p * v.len() as f64).ceil() as usize).clamp(1, v.len());
    Some(v[rank - 1])
}

/// From the alerts raised in [from, to]; resolved means resolved by `to`.
pub fn compute(from: Date, to: Date, episodes: &[Episode]) -> Response {
    let parse = |s: &str| Date::parse("date", s).ok();
    let mut rules = Vec::new();
    let mut hires = Vec::new();
    for rule in Rule::ALL {
        let mine: Vec<&Episode> = episodes.iter().filter(|e| e.0 == rule.code()).collect();
        if mine.is_empty() {
            continue;
        }
        let mut days: Vec<i64> = Vec::new();
        for (_, raised, resolved, org, street) in &mine {
            let (Some(r), Some(x)) = (parse(raised), resolved.as_deref().and_then(parse)) else {
                continue;
            };
            if x > to {
                continue;
            }
            days.push(r.days_until(x));
            if *rule == Rule::NewMemberHire {
                hires.push(HireCase {
                    org: org.clone().unwrap_or_default(),
                    street: street.clone().unwrap_or_default(),
                    raised_on: raised.clone(),
                    resolved_on: x.to_string(),
                    days: r.days_until(x),
                });
            }
        }
        days.sort();
        rules.push(RuleResponse {
            rule: rule.code().to_string(),
            raised: mine.len(),
            resolved: days.len(),
            open: mine.len() - days.len(),
            median_days: median(&days),
            p90_days: percentile(&days, 0.9),
        });
    }
    Response {
        from,
        to,
        rules,
        hires,
    }
}

fn label(rule: &str) -> &str {
    Rule::parse(rule).map_or(rule, |r| r.label())
}

pub fn render_text(r: &Response) -> String {
    let mut out = format!(
        "{} {} – {}\n",
        tr("预警响应时间", "Alert response time"),
        r.from,
        r.to
    );
    let w = r
        .rules
        .iter()
        .map(|x| crate::text::width(label(&x.rule)))
        .max()
        .unwrap_or(0)
        .max(8)
        + 2;
    out += &format!(
        "{}{}{}{}{}{}\n",
        pad(tr("规则", "rule"), w),
        pad(tr("发出", "raised"), 8),
        pad(tr("解除", "resolved"), 10),
        pad(tr("未解除", "open"), 8),
        pad(tr("中位天数", "median days"), 13),
        tr("90%分位天数", "p90 days")
    );
    for x in &r.rules {
        out += &format!(
            "{}{}{}{}{}{}\n",
            pad(label(&x.rule), w),
            pad(&x.raised.to_string(), 8),
            pad(&x.resolved.to_string(), 10),
            pad(&x.open.to_string(), 8),
            pad(&x.median_days.map_or("-".into(), |d| format!("{d:.1}")), 13),
            x.p90_days.map_or("-".into(), |d| d.to_string())
        );
    }
    if r.rules.is_empty() {
        out += tr("期间没有预警\n", "no alerts raised in the period\n");
    }
    if !r.hires.is_empty() {
        out += &format!(
            "\n{}\n",
            tr(
                "新进党员第一时间纳入党组织：",
                "Members hired where there was no party organization, and when it was covered:"
            )
        );
        for h in &r.hires {
            out += &format!(
                "  {} {}  {} → {}  {} {}\n",
                clean(&h.street),
                clean(&h.org),
                h.raised_on,
                h.resolved_on,
                h.days,
                tr("天", "days")
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_percentile() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[1, 2, 4, 7]), Some(3.0));
        assert_eq!(median(&[1, 2, 4]), Some(2.0));
        let v: Vec<i64> = (1..=10).collect();
        assert_eq!(percentile(&v, 0.9), Some(9));
        assert_eq!(percentile(&[5], 0.9), Some(5));
    }
}
