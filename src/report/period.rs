//! `report period`: what changed between two days, as figures and as the
//! paragraph a cadre pastes into a work report.

use std::collections::{BTreeMap, HashSet};

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::domain::kinds::Source;
use crate::domain::{Date, Id};
use crate::error::{Error, Result};
use crate::i18n::{Lang, current, percent};
use crate::store::counts::{self, Place};
use crate::store::schema_survey_days::FIRST_SURVEY;

#[derive(Debug, Serialize, Clone, Copy, PartialEq)]
pub struct CoverageAt {
    pub as_of: Date,
    pub total: i64,
    pub covered: i64,
    pub rate: f64,
}

/// A party member hired by an organization that had no members and no party
/// organization: the first-time mechanism wants it covered at once.
#[derive(Debug, Serialize, Clone)]
pub struct FirstHire {
    pub org: String,
    pub org_id: String,
    pub hired_on: String,
    pub covered_on: Option<String>,
    pub mode: Option<String>,
    pub days: Option<i64>,
}

#[derive(Debug, Serialize)]
pub struct PeriodReport {
    pub from: Date,
    pub to: Date,
    pub street: Option<String>,
    pub community: Option<String>,
    pub new_party_orgs: i64,
    pub new_party_orgs_by_mode: BTreeMap<String, i64>,
    /// Organizations covered on `to` by the party organizations founded in the period.
    pub new_party_orgs_cover: i64,
    pub newly_covered: i64,
    pub coverage_start: CoverageAt,
    pub coverage_end: CoverageAt,
    pub transfers_in: i64,
    pub transfers_from_residence: i64,
    pub activists: i64,
    pub activist_managers: i64,
    pub activist_manager_enterprises: i64,
    pub surveyed: i64,
    pub first_surveyed: i64,
    pub instructors_assigned: BTreeMap<String, i64>,
    pub no_member_hires: Vec<FirstHire>,
}

pub struct Params {
    pub from: Date,
    pub to: Date,
    pub street: Option<(Id, String)>,
    /// Fewer employees than this makes a small or micro enterprise.
    pub small_enterprise: i64,
    /// "At once": days within which a first-time hire should be covered.
    pub hire_due_days: i64,
}

/// N on `day` in `place`, with `covered` of them organizationally covered.
fn coverage_at(
    conn: &Connection,
    day: Date,
    place: Place<'_>,
    covered: usize,
) -> Result<CoverageAt> {
    let total = counts::operating_count(conn, day, place)?;
    let covered = covered as i64;
    let rate = if total == 0 {
        0.0
    } else {
        covered as f64 / total as f64
    };
    Ok(CoverageAt {
        as_of: day,
        total,
        covered,
        rate,
    })
}

/// The place filter on an organization `o` (?3 street, ?5 community): where
/// it was on `day`, the day of the event counted.
fn in_place(day: &str) -> String {
    counts::place_at("o", day, "?3", "?5")
}

/// The query's parameters: ?1 from, ?2 to, ?3 street id, ?4 the small-enterprise
/// threshold, ?5 community id (NULLs when not narrowed).
struct Q {
    from: String,
    to: String,
    street: Option<String>,
    small: i64,
    community: Option<String>,
}

impl Q {
    fn params(&self) -> [&dyn rusqlite::ToSql; 5] {
        [
            &self.from,
            &self.to,
            &self.street,
            &self.small,
            &self.community,
        ]
    }

    fn count(&self, conn: &Connection, sql: &str) -> Result<i64> {
        let sql = format!("{sql} AND ?4 = ?4");
        Ok(conn.query_row(&sql, self.params(), |r| r.get(0))?)
    }

    fn by_key(&self, conn: &Connection, sql: &str) -> Result<Vec<(String, i64)>> {
        let sql = format!("{sql} AND ?4 = ?4 GROUP BY 1");
        let mut stmt = conn.prepare(&sql)?;
        let rows = stmt.query_map(self.params(), |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// The period report for the district or the street in `p`.
pub fn compute(conn: &Connection, p: &Params) -> Result<PeriodReport> {
    compute_in(conn, p, None)
}

/// The period report, narrowed to a community (id, name) when given. Deleted
/// persons, organizations, party organizations and instructors count nowhere.
pub fn compute_in(
    conn: &Connection,
    p: &Params,
    community: Option<&(Id, String)>,
) -> Result<PeriodReport> {
    if p.to < p.from {
        return Err(Error::invalid("to", p.to.to_string(), "is before --from"));
    }
    let place = Place {
        street: p.street.as_ref().map(|s| &s.0),
        community: community.map(|c| &c.0),
    };
    let q = Q {
        from: p.from.to_string(),
        to: p.to.to_string(),
        street: place.street.map(|s| s.0.clone()),
        small: p.small_enterprise,
        community: place.community.map(|c| c.0.clone()),
    };
    let start_day = p.from.add_days(-1);
    let before = counts::covered_ids(conn, start_day, place)?;
    let after = counts::covered_ids(conn, p.to, place)?;
    let coverage_start = coverage_at(conn, start_day, place, before.len())?;
    let coverage_end = coverage_at(conn, p.to, place, after.len())?;
    let newly_covered = after.iter().filter(|id| !before.contains(*id)).count() as i64;

    // A party organization is in a community when it covers (or covered) an
    // organization there (on the day the coverage began).
    let po_place = format!(
        "(?3 IS NULL OR po.street_id = ?3)
        AND (?5 IS NULL OR EXISTS (SELECT 1 FROM links l2 JOIN orgs o2 ON o2.id = l2.org_id
             WHERE l2.party_org_id = po.id AND l2.deleted = 0 AND o2.deleted = 0
               AND {}))",
        counts::place_at("o2", "l2.from_on", "?3", "?5")
    );
    let by_mode: BTreeMap<String, i64> = q
        .by_key(
            conn,
            &format!(
                "SELECT po.mode, COUNT(*) FROM party_orgs po
                 WHERE po.deleted = 0 AND po.founded_on BETWEEN ?1 AND ?2 AND {po_place}"
            ),
        )?
        .into_iter()
        .collect();
    let new_party_orgs = by_mode.values().sum();
    let new_cover_ids: HashSet<String> = {
        let sql = format!(
            "SELECT DISTINCT l.org_id FROM links l JOIN party_orgs po ON po.id = l.party_org_id
             WHERE po.deleted = 0 AND l.deleted = 0 AND po.founded_on BETWEEN ?1 AND ?2 AND {po_place}
               AND l.from_on <= ?2 AND (l.to_on IS NULL OR l.to_on > ?2)
               AND (po.dissolved_on IS NULL OR po.dissolved_on > ?2) AND ?4 = ?4"
        );
        let mut stmt = conn.prepare(&sql)?;
        let rows = stmt.query_map(q.params(), |r| r.get::<_, String>(0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    // `after` holds only operating organizations in the place
    let new_party_orgs_cover = new_cover_ids
        .iter()
        .filter(|id| after.contains(*id))
        .count() as i64;

    let transfer_from = format!(
        "FROM transfers t JOIN persons p ON p.id = t.person_id JOIN orgs o ON o.id = p.org_id
         WHERE t.on_date BETWEEN ?1 AND ?2 AND p.deleted = 0 AND o.deleted = 0 AND {}
           AND NOT EXISTS (SELECT 1 FROM party_orgs b WHERE b.id = t.branch_id AND b.deleted <> 0)",
        in_place("t.on_date")
    );
    let transfers_in = q.count(
        conn,
        &format!("SELECT COUNT(*) {transfer_from} AND COALESCE(t.from_relation, '') <> 'branch'"),
    )?;
    let transfers_from_residence = q.count(
        conn,
        &format!("SELECT COUNT(*) {transfer_from} AND t.from_relation = 'residence'"),
    )?;
    let activist_from = format!(
        "FROM status_changes s JOIN persons p ON p.id = s.person_id JOIN orgs o ON o.id = p.org_id
         WHERE s.status = 'activist' AND s.on_date BETWEEN ?1 AND ?2
           AND p.deleted = 0 AND o.deleted = 0 AND {}",
        in_place("s.on_date")
    );
    let activists = q.count(
        conn,
        &format!("SELECT COUNT(DISTINCT s.person_id) {activist_from}"),
    )?;
    let small = "AND p.manager = 1 AND o.kind = 'enterprise' AND o.employees < ?4";
    let activist_managers = q.count(
        conn,
        &format!("SELECT COUNT(DISTINCT s.person_id) {activist_from} {small}"),
    )?;
    let activist_manager_enterprises = q.count(
        conn,
        &format!("SELECT COUNT(DISTINCT p.org_id) {activist_from} {small}"),
    )?;
    let surveyed = q.count(
        conn,
        &format!(
            "SELECT COUNT(DISTINCT s.org_id) FROM surveys s JOIN orgs o ON o.id = s.org_id
             WHERE s.on_date BETWEEN ?1 AND ?2 AND o.deleted = 0 AND {}",
            in_place("s.on_date")
        ),
    )?;
    let first_surveyed = q.count(
        conn,
        &format!(
            "SELECT COUNT(*) FROM orgs o WHERE o.deleted = 0 AND {FIRST_SURVEY} BETWEEN ?1 AND ?2
               AND {}",
            in_place(FIRST_SURVEY)
        ),
    )?;
    let mut instructors_assigned: BTreeMap<String, i64> = Source::ALL
        .iter()
        .map(|s| (s.code().to_string(), 0))
        .collect();
    instructors_assigned.extend(q.by_key(
        conn,
        &format!(
            "SELECT i.source, COUNT(DISTINCT i.id) FROM assignments a
               JOIN instructors i ON i.id = a.instructor_id JOIN orgs o ON o.id = a.org_id
             WHERE a.deleted = 0 AND i.deleted = 0 AND o.deleted = 0
               AND a.from_on BETWEEN ?1 AND ?2 AND {}",
            in_place("a.from_on")
        ),
    )?);
    let no_member_hires = first_hires(conn, &q)?;
    Ok(PeriodReport {
        from: p.from,
        to: p.to,
        street: p.street.as_ref().map(|s| s.1.clone()),
        community: community.map(|c| c.1.clone()),
        new_party_orgs,
        new_party_orgs_by_mode: by_mode,
        new_party_orgs_cover,
        newly_covered,
        coverage_start,
        coverage_end,
        transfers_in,
        transfers_from_residence,
        activists,
        activist_managers,
        activist_manager_enterprises,
        surveyed,
        first_surveyed,
        instructors_assigned,
        no_member_hires,
    })
}

/// Organizations that had no party member and no party organization, then
/// hired a member within the period; when (and how) they were covered. A
/// member who had left by the hire day no longer counts as one there.
fn first_hires(conn: &Connection, q: &Q) -> Result<Vec<FirstHire>> {
    let sql = format!(
        "SELECT o.id, o.name, MIN(m.hired_on) FROM persons m JOIN orgs o ON o.id = m.org_id
         WHERE m.deleted = 0 AND o.deleted = 0 AND m.status IN ('formal', 'probationary')
           AND m.hired_on BETWEEN ?1 AND ?2 AND {}
           AND (m.left_on IS NULL OR m.left_on > m.hired_on)
           AND NOT EXISTS (SELECT 1 FROM persons q WHERE q.org_id = m.org_id AND q.deleted = 0
                           AND q.status IN ('formal', 'probationary') AND q.hired_on < m.hired_on
                           AND (q.left_on IS NULL OR q.left_on > m.hired_on))
           AND ?4 = ?4
         GROUP BY o.id ORDER BY 3, 2",
        in_place("m.hired_on")
    );
    let mut stmt = conn.prepare(&sql)?;
    let hires = stmt
        .query_map(q.params(), |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut covered_before = conn.prepare(
        "SELECT 1 FROM links l JOIN party_orgs p ON p.id = l.party_org_id
         WHERE l.org_id = ?1 AND l.deleted = 0 AND p.deleted = 0
           AND l.from_on < ?2 AND (l.to_on IS NULL OR l.to_on >= ?2) AND p.founded_on < ?2 AND (p.dissolved_on IS NULL OR p.dissolved_on >= ?2)",
    )?;
    let mut first_link = conn.prepare(
        "SELECT MAX(l.from_on, p.founded_on) AS d, p.mode FROM links l JOIN party_orgs p ON p.id = l.party_org_id
         WHERE l.org_id = ?1 AND l.deleted = 0 AND p.deleted = 0
           AND MAX(l.from_on, p.founded_on) >= ?2
         ORDER BY d LIMIT 1",
    )?;
    let mut out = Vec::new();
    for (org_id, org, hired_on) in hires {
        if covered_before.exists(params![org_id, hired_on])? {
            continue;
        }
        let link: Option<(String, String)> = first_link
            .query_row(params![org_id, hired_on], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let hired = Date::parse("hired_on", &hired_on)?;
        let days = match &link {
            Some((d, _)) => Some(hired.days_until(Date::parse("from_on", d)?)),
            None => None,
        };
        out.push(FirstHire {
            org,
            org_id,
            hired_on,
            covered_on: link.as_ref().map(|l| l.0.clone()),
            mode: link.map(|l| l.1),
            days,
        });
    }
    Ok(out)
}

fn period_label(from: Date, to: Date) -> String {
    let whole_months =
        from.is_first_of_month() && to.is_last_of_month() && from.year() == to.year();
    match (current(), whole_months) {
        (Lang::Zh, true) if from.month() == to.month() => format!("{}月份", from.month()),
        (Lang::Zh, true) => format!("{}-{}月份", from.month(), to.month()),
        (Lang::Zh, false) => format!("{}至{}", from, to),
        (Lang::En, true) => {
            const M: [&str; 12] = [
                "January",
                "February",
                "March",
                "April",
                "May",
                "June",
                "July",
                "August",
                "September",
                "October",
                "November",
                "December",
            ];
            let name = |d: Date| M[(d.month() as usize).saturating_sub(1) % 12];
            if from.month() == to.month() {
                name(from).to_string()
            } else {
                format!("{}–{}", name(from), name(to))
            }
        }
        (Lang::En, false) => format!("{} to {}", from, to),
    }
}

/// The paragraph in the article's style.
pub fn render_text(r: &PeriodReport, hire_due_days: i64) -> String {
    let label = period_label(r.from, r.to);
    let mode = |m: &str| r.new_party_orgs_by_mode.get(m).copied().unwrap_or(0);
    let src = |s: Source| r.instructors_assigned.get(s.code()).copied().unwrap_or(0);
    let assigned: i64 = r.instructors_assigned.values().sum();
    let (s0, s1) = (percent(r.coverage_start.rate), percent(r.coverage_end.rate));
    let hires = r.no_member_hires.len();
    let in_time = r
        .no_member_hires
        .iter()
        .filter(|h| h.days.is_some_and(|d| d <= hire_due_days))
        .count();
    let mut out = Vec::new();
    match current() {
        Lang::Zh => {
            let scope = match (&r.street, &r.community) {
                (s, Some(c)) => format!("{}{c}", s.clone().unwrap_or_default()),
                (Some(s), None) => s.clone(),
                (None, None) => "全区".into(),
            };
            let verb = if r.coverage_end.rate > r.coverage_start.rate {
                format!("从{s0}提升到{s1}")
            } else if r.coverage_end.rate < r.coverage_start.rate {
                format!("从{s0}下降到{s1}")
            } else {
                format!("保持在{s1}")
            };
            out.push(format!(
                "{label}，{scope}新建党组织{}个，覆盖两新组织{}家，党组织覆盖率{verb}。",
                r.new_party_orgs, r.new_party_orgs_cover
            ));
            if r.new_party_orgs > 0 {
                out.push(format!(
                    "其中单独组建{}个、联合党支部{}个、楼宇党支部{}个。",
                    mode("standalone"),
                    mode("joint"),
                    mode("building")
                ));
            }
            if hires > 0 {
                out.push(format!("{hires}家无党员组织新招录党员，其中{in_time}家在{hire_due_days}日内纳入党组织覆盖。"));
            }
            if r.surveyed > 0 {
                out.push(format!("摸排两新组织{}家。", r.surveyed));
            }
            if assigned > 0 {
                out.push(format!(
                    "新选派党建指导员{assigned}名，其中街道干部{}名、社区干部{}名、退休干部{}名、区直单位中层骨干{}名。",
                    src(Source::Street),
                    src(Source::Community),
                    src(Source::Retired),
                    src(Source::DistrictDept)
                ));
            }
            if r.transfers_in > 0 {
                out.push(format!(
                    "{}名党员组织关系新转入两新组织，其中从居住地转入{}名。",
                    r.transfers_in, r.transfers_from_residence
                ));
            }
            if r.activists > 0 {
                out.push(format!(
                    "新确定入党积极分子{}人，其中{}家小微企业管理人员{}人。",
                    r.activists, r.activist_manager_enterprises, r.activist_managers
                ));
            }
            out.concat()
        }
        Lang::En => {
            let scope = match (&r.street, &r.community) {
                (Some(s), Some(c)) => format!("{c}, {s}"),
                (None, Some(c)) => c.clone(),
                (Some(s), None) => s.clone(),
                (None, None) => "the district".into(),
            };
            out.push(format!(
                "{label}: {} new party organizations in {scope}, covering {} organizations; organizational coverage went from {s0} to {s1}.",
                r.new_party_orgs, r.new_party_orgs_cover
            ));
            if r.new_party_orgs > 0 {
                out.push(format!(
                    "Of these, {} standalone, {} joint and {} building branches.",
                    mode("standalone"),
                    mode("joint"),
                    mode("building")
                ));
            }
            if hires > 0 {
                out.push(format!(
                    "{hires} organizations without members hired party members; {in_time} were covered within {hire_due_days} days."
                ));
            }
            if r.surveyed > 0 {
                out.push(format!("{} organizations surveyed.", r.surveyed));
            }
            if assigned > 0 {
                out.push(format!(
                    "{assigned} instructors newly assigned: {} street cadres, {} community cadres, {} retired cadres, {} district department cadres.",
                    src(Source::Street),
                    src(Source::Community),
                    src(Source::Retired),
                    src(Source::DistrictDept)
                ));
            }
            if r.transfers_in > 0 {
                out.push(format!(
                    "{} members transferred their relation into two-new organizations, {} of them from their residence.",
                    r.transfers_in, r.transfers_from_residence
                ));
            }
            if r.activists > 0 {
                out.push(format!(
                    "{} new activists, {} of them managers of {} small and micro enterprises.",
                    r.activists, r.activist_managers, r.activist_manager_enterprises
                ));
            }
            out.join(" ")
        }
    }
}
