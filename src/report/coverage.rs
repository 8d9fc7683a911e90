//! `report coverage`: organizations and their coverage on one day, by street
//! (and community), from one grouped query over `store::read::CLASSIFY`.

use std::collections::BTreeMap;

use rusqlite::Connection;
use serde::Serialize;

use super::Counts;
use crate::domain::Date;
use crate::error::Result;
use crate::i18n::{percent, tr};
use crate::store::read::{COVERED, OPERATING};
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
    pub streets: Vec<Group>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub communities: Option<Vec<Group>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum By {
    Street,
    Community,
}

pub fn compute(conn: &Connection, as_of: Date, by: By) -> Result<CoverageReport> {
    let mut streets: BTreeMap<String, (String, Counts)> = BTreeMap::new();
    let mut stmt = conn.prepare_cached("SELECT id, name FROM streets WHERE deleted = 0")?;
    for r in stmt.query_map([], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
    })? {
        let (id, name) = r?;
        streets.insert(id, (name.unwrap_or_default(), Counts::default()));
    }
    let mut communities: BTreeMap<String, (String, String, Counts)> = BTreeMap::new();
    if by == By::Community {
        let mut stmt = conn.prepare_cached(
            "SELECT c.id, c.name, s.name FROM communities c LEFT JOIN streets s ON s.id = c.street_id WHERE c.deleted = 0",
        )?;
        for r in stmt.query_map([], |r| {
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
    let day = as_of.to_string();
    // (street, community, coverage code, count) from two grouped queries:
    // operating organizations, and the covered (by strongest mode) or
    // instructor-only ones. Uncovered = operating − the rest.
    let mut cells: BTreeMap<(Option<String>, Option<String>), [i64; 5]> = BTreeMap::new();
    let grouped = |sql: &str, f: &mut dyn FnMut(Option<String>, Option<String>, String, i64)| -> Result<()> {
        let mut stmt = conn.prepare_cached(sql)?;
        let rows = stmt.query_map([&day], |r| {
            Ok((r.get::<_, Option<String>>(0)?, r.get::<_, Option<String>>(1)?, r.get::<_, String>(2)?, r.get::<_, i64>(3)?))
        })?;
        for r in rows {
            let (s, c, k, n) = r?;
            f(s, c, k, n);
        }
        Ok(())
    };
    const IDX: [&str; 5] = ["total", "own", "building", "joint", "instructor"];
    let mut put = |s: Option<String>, c: Option<String>, k: String, n: i64| {
        if let Some(i) = IDX.iter().position(|x| *x == k) {
            cells.entry((s, c)).or_default()[i] += n;
        }
    };
    grouped(
        &format!("SELECT o.street_id, o.community_id, 'total', COUNT(*) FROM orgs o WHERE {OPERATING} GROUP BY 1, 2"),
        &mut put,
    )?;
    grouped(
        &format!(
            "WITH {COVERED},
             ins AS (SELECT DISTINCT a.org_id FROM assignments a
                     WHERE a.deleted = 0 AND a.from_on <= ?1 AND (a.to_on IS NULL OR a.to_on > ?1)
                       AND a.org_id NOT IN (SELECT org_id FROM cov)),
             marked AS (SELECT org_id, rank FROM cov UNION ALL SELECT org_id, 3 FROM ins)
             SELECT o.street_id, o.community_id,
                    CASE m.rank WHEN 0 THEN 'own' WHEN 1 THEN 'building' WHEN 2 THEN 'joint' ELSE 'instructor' END,
                    COUNT(*)
             FROM marked m CROSS JOIN orgs o INDEXED BY orgs_id_place ON o.id = m.org_id
             WHERE {OPERATING} GROUP BY 1, 2, 3"
        ),
        &mut put,
    )?;
    for ((street, community), [all, own, building, joint, instructor]) in cells {
        let uncovered = all - own - building - joint - instructor;
        let parts = [("own", own), ("building", building), ("joint", joint), ("instructor", instructor), ("none", uncovered)];
        for (coverage, n) in parts.into_iter().filter(|(_, n)| *n > 0) {
            total.add(coverage, n);
            streets
                .entry(street.clone().unwrap_or_default())
                .or_insert_with(|| (tr("（未归属街道）", "(no street)").to_string(), Counts::default()))
                .1
                .add(coverage, n);
            if by == By::Community {
                communities
                    .entry(community.clone().unwrap_or_default())
                    .or_insert_with(|| (tr("（未归属社区）", "(no community)").to_string(), String::new(), Counts::default()))
                    .2
                    .add(coverage, n);
            }
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
        tr("组织数", "organizations"),
        tr("已覆盖", "covered"),
        tr("单独组建", "own"),
        tr("联合", "joint"),
        tr("楼宇", "building"),
        tr("组织覆盖率", "coverage"),
        tr("单独组建率", "own rate"),
        tr("工作覆盖", "work covered"),
        tr("工作覆盖率", "work coverage"),
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
    ]
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
        "{} {}\n{}",
        tr(
            "两新组织党组织覆盖情况，截至",
            "Party-organization coverage as of"
        ),
        r.as_of,
        text::table(&h, &rows(r), &right)
    )
}
