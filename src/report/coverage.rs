//! `report coverage`: organizations and their coverage on one day, by street
//! (and community) and by kind, summed from the grouped cells of
//! `store::counts::cells`.

use std::collections::BTreeMap;

use rusqlite::Connection;
use serde::Serialize;

use super::Counts;
use crate::domain::{Date, Id};
use crate::error::Result;
use crate::i18n::{percent, tr};
use crate::store::counts;
use crate::text;

#[derive(Debug, Serialize)]
pub struct Group {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub street: Option<String>,
    #[serde(flatten)]
    pub counts: Counts,
}

#[derive(Debug, Serialize)]
pub struct CoverageReport {
    pub as_of: Date,
    #[serde(flatten)]
    pub counts: Counts,
    pub by_kind: ByKind,
    /// Floating members and organizations whose legal representative is a
    /// member, district-wide.
    pub people: counts::People,
    pub streets: Vec<Group>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub communities: Option<Vec<Group>>,
}

/// The district split by kind: non-public enterprises (非公企业) and social
/// organizations (社会组织: social groups, private non-enterprise units,
/// foundations).
#[derive(Debug, Default, Serialize)]
pub struct ByKind {
    pub enterprise: Counts,
    pub social: Counts,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum By {
    Street,
    Community,
}

pub fn compute(conn: &Connection, as_of: Date, by: By) -> Result<CoverageReport> {
    compute_in(conn, as_of, by, None)
}

/// The report for the district, or for one street when given: the
/// organizations in that street on `as_of` (where they were that day).
pub fn compute_in(
    conn: &Connection,
    as_of: Date,
    by: By,
    street: Option<&Id>,
) -> Result<CoverageReport> {
    let only = street.map(|s| s.as_str());
    let mut streets: BTreeMap<String, (String, Counts)> = BTreeMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT id, name FROM streets WHERE deleted = 0 AND (?1 IS NULL OR id = ?1)",
    )?;
    for r in stmt.query_map([only], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
    })? {
        let (id, name) = r?;
        streets.insert(id, (name.unwrap_or_default(), Counts::default()));
    }
    let mut communities: BTreeMap<String, (String, String, Counts)> = BTreeMap::new();
    if by == By::Community {
        let mut stmt = conn.prepare_cached(
            "SELECT c.id, c.name, s.name FROM communities c LEFT JOIN streets s ON s.id = c.street_id
             WHERE c.deleted = 0 AND (?1 IS NULL OR c.street_id = ?1)",
        )?;
        for r in stmt.query_map([only], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, Option<String>>(2)?,
            ))
        })? {
            let (id, name, street) = r?;
            communities.insert(
                id,
                (
                    name.unwrap_or_default(),
                    street.unwrap_or_default(),
                    Counts::default(),
                ),
            );
        }
    }
    let mut total = Counts::default();
    let mut by_kind = ByKind::default();
    for cell in counts::cells(conn, as_of)? {
        if only.is_some() && cell.street.as_deref() != only {
            continue;
        }
        let (coverage, members, n) = (cell.coverage.as_str(), cell.members, cell.n);
        total.add(coverage, members, n);
        if cell.enterprise {
            by_kind.enterprise.add(coverage, members, n);
        } else {
            by_kind.social.add(coverage, members, n);
        }
        streets
            .entry(cell.street.clone().unwrap_or_default())
            .or_insert_with(|| {
                (
                    tr("（未归属街道）", "(no street)").to_string(),
                    Counts::default(),
                )
            })
            .1
            .add(coverage, members, n);
        if by == By::Community {
            communities
                .entry(cell.community.clone().unwrap_or_default())
                .or_insert_with(|| {
                    (
                        tr("（未归属社区）", "(no community)").to_string(),
                        String::new(),
                        Counts::default(),
                    )
                })
                .2
                .add(coverage, members, n);
        }
    }
    let mut streets: Vec<Group> = streets
        .into_values()
        .map(|(name, counts)| Group {
            name,
            street: None,
            counts,
        })
        .collect();
    streets.sort_by(|a, b| a.name.cmp(&b.name));
    let communities = (by == By::Community).then(|| {
        let mut v: Vec<Group> = communities
            .into_values()
            .map(|(name, street, counts)| Group {
                name,
                street: Some(street),
                counts,
            })
            .collect();
        v.sort_by(|a, b| (&a.street, &a.name).cmp(&(&b.street, &b.name)));
        v
    });
    Ok(CoverageReport {
        as_of,
        counts: total,
        by_kind,
        people: counts::people(conn, as_of)?,
        streets,
        communities,
    })
}

/// Column headers, in the current language, for text, CSV and XLSX alike.
pub fn headers(by: By) -> Vec<&'static str> {
    let mut h = vec![];
    if by == By::Community {
        h.push(tr("街道", "street"));
        h.push(tr("社区", "community"));
    } else {
        h.push(tr("街道", "street"));
    }
    h.extend([
        tr("两新组织数", "organizations"),
        tr("党组织覆盖数", "covered"),
        tr("单独组建", "own"),
        tr("联合组建", "joint"),
        tr("楼宇（区域）组建", "building"),
        tr("党组织覆盖率", "coverage"),
        tr("单独组建率", "own rate"),
        tr("工作覆盖数", "work covered"),
        tr("工作覆盖率", "work coverage"),
        tr("有党员未组建", "not covered, with members"),
        tr("无党员", "not covered, no members"),
    ]);
    h
}

fn cells(c: &Counts) -> Vec<String> {
    vec![
        c.total.to_string(),
        c.covered.to_string(),
        c.own.to_string(),
        c.joint.to_string(),
        c.building.to_string(),
        percent(c.coverage_rate),
        percent(c.own_rate),
        c.work_covered.to_string(),
        percent(c.work_coverage_rate),
        c.not_covered_with_members.to_string(),
        c.not_covered_no_members.to_string(),
    ]
}

/// The by-kind table: one row per kind, then the district.
fn kind_table(r: &CoverageReport) -> String {
    let h = [
        tr("类型", "kind"),
        tr("两新组织数", "organizations"),
        tr("党组织覆盖数", "covered"),
        tr("党组织覆盖率", "coverage"),
        tr("单独组建率", "own rate"),
        tr("工作覆盖率", "work coverage"),
        tr("未覆盖", "not covered"),
        tr("有党员未组建", "with members"),
        tr("无党员", "no members"),
    ];
    let row = |name: &str, c: &Counts| {
        vec![
            name.to_string(),
            c.total.to_string(),
            c.covered.to_string(),
            percent(c.coverage_rate),
            percent(c.own_rate),
            percent(c.work_coverage_rate),
            c.not_covered.to_string(),
            c.not_covered_with_members.to_string(),
            c.not_covered_no_members.to_string(),
        ]
    };
    let rows = vec![
        row(tr("非公企业", "enterprises"), &r.by_kind.enterprise),
        row(tr("社会组织", "social organizations"), &r.by_kind.social),
        row(tr("全区", "district"), &r.counts),
    ];
    let right: Vec<bool> = (0..h.len()).map(|i| i > 0).collect();
    text::table(&h, &rows, &right)
}

/// Rows as strings (the last row is the total), for text, CSV and XLSX.
pub fn rows(r: &CoverageReport) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    match &r.communities {
        Some(cs) => {
            for g in cs {
                let mut row = vec![g.street.clone().unwrap_or_default(), g.name.clone()];
                row.extend(cells(&g.counts));
                out.push(row);
            }
            let mut row = vec![tr("全区", "district").to_string(), String::new()];
            row.extend(cells(&r.counts));
            out.push(row);
        }
        None => {
            for g in &r.streets {
                let mut row = vec![g.name.clone()];
                row.extend(cells(&g.counts));
                out.push(row);
            }
            let mut row = vec![tr("全区", "district").to_string()];
            row.extend(cells(&r.counts));
            out.push(row);
        }
    }
    out
}

/// The people figures, one a line, label and count aligned.
fn people_lines(p: &counts::People) -> String {
    let lines = [
        (
            tr(
                "流动党员（组织关系在外地）",
                "floating members (relation elsewhere)",
            ),
            p.floating_members,
        ),
        (
            tr(
                "法定代表人（出资人）是党员的组织",
                "organizations whose legal rep. / investor is a member",
            ),
            p.legal_rep_member_orgs,
        ),
    ];
    let w = lines.iter().map(|(k, _)| text::width(k)).max().unwrap_or(0);
    lines
        .iter()
        .map(|(k, n)| format!("{}  {n}\n", text::pad(k, w)))
        .collect()
}

pub fn render_text(r: &CoverageReport) -> String {
    let by = if r.communities.is_some() {
        By::Community
    } else {
        By::Street
    };
    let h = headers(by);
    let first_text = if by == By::Community { 2 } else { 1 };
    let right: Vec<bool> = (0..h.len()).map(|i| i >= first_text).collect();
    format!(
        "{} {}\n{}\n{}\n{}\n{}",
        tr(
            "两新组织党组织覆盖情况，截至",
            "Party-organization coverage as of"
        ),
        r.as_of,
        text::table(&h, &rows(r), &right),
        tr("按类型：", "By kind:"),
        kind_table(r),
        people_lines(&r.people)
    )
}
