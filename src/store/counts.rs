//! Read-only counting queries for the reports: which organizations are in N
//! on a day, which are covered, who is a party member on a day, and the
//! grouped cells the coverage report is summed from.
//!
//! N follows the domain rule: an organization is *operating* on day D when it
//! is not deleted, entered the ledger on or before D, was not closed (or moved
//! out: `closed_on`) on or before D, and its registration status is not
//! deregistered, revoked, moved out or suspended (停业) as of D. The status date is `orgs.status_on`, the
//! `--on` day of the op that set the status (the ledger keeps the current
//! status and the day it took effect, not a longer history); a
//! non-active status without that day counts from the day the organization
//! entered the ledger. A row entered from the market-supervision list is
//! pending (`orgs.pending`) and counts only from `verified_on`, the day a
//! survey or `org confirm` said it operates. Deleted (tombstoned) rows count
//! nowhere.
//!
//! Counts by street or community use the place the organization had on the
//! day (`org_places`, see `PLACED`), not the one it has now.

use std::collections::{HashMap, HashSet};

use rusqlite::{Connection, params};

use super::read::COVERED;
use crate::domain::{Date, Id};
use crate::error::Result;

/// The registration statuses that take an organization out of N, as an SQL
/// list: every `RegStatus` that is not operating (a test holds them equal).
macro_rules! not_operating {
    () => {
        "('deregistered', 'revoked', 'moved-out', 'suspended')"
    };
}

/// `NOT_OPERATING` for readers outside this module.
pub const NOT_OPERATING: &str = not_operating!();

/// An organization `o` operating on day `?1` (see the module comment).
pub const OPERATING: &str = concat!(
    "o.deleted = 0
  AND (o.entered_on IS NULL OR o.entered_on <= ?1)
  AND (o.closed_on IS NULL OR o.closed_on > ?1)
  AND NOT (COALESCE(o.status, 'active') IN ",
    not_operating!(),
    "
           AND COALESCE(o.status_on, o.entered_on, '') <= ?1)
  AND (o.pending = 0 OR o.verified_on <= ?1)"
);

/// Which of an organization's place rows holds on day `day`: the latest
/// starting on or before it; before the first, the first (where it was when
/// it entered).
fn place_order(h: &str, day: &str) -> String {
    format!(
        "{h}.from_on > {day}, CASE WHEN {h}.from_on <= {day} THEN {h}.from_on END DESC, {h}.from_on, {h}.id DESC"
    )
}

/// `pl(org_id, street_id, community_id)`: the place on day `?1` of each
/// organization that has moved; the others are where their row says.
pub fn placed() -> String {
    format!(
        "
pl AS (
  SELECT org_id, street_id, community_id FROM (
    SELECT h.org_id, h.street_id, h.community_id,
           ROW_NUMBER() OVER (PARTITION BY h.org_id ORDER BY {}) AS rn
    FROM org_places h)
  WHERE rn = 1
)",
        place_order("h", "?1")
    )
}

/// Whether organization `o` was in the place given as `street` and
/// `community` (SQL parameters; NULL: any) on day `day` (an SQL
/// expression): for figures about events, each on its own day.
pub fn place_at(o: &str, day: &str, street: &str, community: &str) -> String {
    format!(
        "({street} IS NULL AND {community} IS NULL OR COALESCE(
           (SELECT ({street} IS NULL OR h.street_id IS {street})
                   AND ({community} IS NULL OR h.community_id IS {community})
            FROM org_places h WHERE h.org_id = {o}.id ORDER BY {} LIMIT 1),
           ({street} IS NULL OR {o}.street_id = {street})
           AND ({community} IS NULL OR {o}.community_id = {community})))",
        place_order("h", day)
    )
}

/// `mem(org_id, n)`: party members (formal or probationary) working in each
/// organization on day `?1`: not deleted, hired on or before it, not left by
/// it. A person's status on the day is the one the first later status change
/// started from (or, for the change that recorded the person, the status it
/// recorded); without a later change, the current status.
pub const MEMBERS: &str = "
later AS (
  SELECT person_id, COALESCE(from_status, status) AS st FROM (
    SELECT person_id, from_status, status,
           ROW_NUMBER() OVER (PARTITION BY person_id ORDER BY on_date, id) AS rn
    FROM status_changes WHERE on_date > ?1)
  WHERE rn = 1
),
mem AS (
  SELECT p.org_id AS org_id, COUNT(*) AS n
  FROM persons p LEFT JOIN later ON later.person_id = p.id
  WHERE p.deleted = 0 AND p.org_id IS NOT NULL
    AND (p.hired_on IS NULL OR p.hired_on <= ?1) AND (p.left_on IS NULL OR p.left_on > ?1)
    AND COALESCE(later.st, p.status) IN ('formal', 'probationary')
  GROUP BY p.org_id
)";

/// `ins(org_id)`: organizations with an instructor assignment in force on
/// day `?1` (neither the assignment nor the instructor deleted).
pub const INSTRUCTED: &str = "
ins AS (
  SELECT DISTINCT a.org_id FROM assignments a JOIN instructors i ON i.id = a.instructor_id
  WHERE a.deleted = 0 AND i.deleted = 0 AND a.from_on <= ?1 AND (a.to_on IS NULL OR a.to_on > ?1)
)";

/// Where to count: a street, a community, both or the whole district.
#[derive(Clone, Copy, Debug, Default)]
pub struct Place<'a> {
    pub street: Option<&'a Id>,
    pub community: Option<&'a Id>,
}

impl Place<'_> {
    fn street(&self) -> Option<&str> {
        self.street.map(|s| s.as_str())
    }
    fn community(&self) -> Option<&str> {
        self.community.map(|c| c.as_str())
    }
}

/// `o` (joined to `pl`) in the place given as `?2` (street) and `?3`
/// (community) on day `?1`.
const IN_PLACE: &str = "(?2 IS NULL OR CASE WHEN pl.org_id IS NULL THEN o.street_id ELSE pl.street_id END = ?2)
  AND (?3 IS NULL OR CASE WHEN pl.org_id IS NULL THEN o.community_id ELSE pl.community_id END = ?3)";

/// N: organizations operating on `day` in `place`.
pub fn operating_count(conn: &Connection, day: Date, place: Place<'_>) -> Result<i64> {
    let sql = format!(
        "WITH {} SELECT COUNT(*) FROM orgs o LEFT JOIN pl ON pl.org_id = o.id
         WHERE {OPERATING} AND {IN_PLACE}",
        placed()
    );
    Ok(conn.query_row(
        &sql,
        params![day.to_string(), place.street(), place.community()],
        |r| r.get(0),
    )?)
}

/// Ids of the organizations operating on `day` in `place` and organizationally
/// covered that day (a link in force to a party organization that exists).
pub fn covered_ids(conn: &Connection, day: Date, place: Place<'_>) -> Result<HashSet<String>> {
    let sql = format!(
        "WITH {COVERED}, {} SELECT o.id FROM cov CROSS JOIN orgs o ON o.id = cov.org_id
         LEFT JOIN pl ON pl.org_id = o.id
         WHERE {OPERATING} AND {IN_PLACE}",
        placed()
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(
        params![day.to_string(), place.street(), place.community()],
        |r| r.get::<_, String>(0),
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Ids of organizations that are in the ledger and neither deleted nor
/// closed on `day`, but whose registration status is not operating as of
/// `day`: not in N nor in the ledger lists.
pub fn gone_by_status(conn: &Connection, day: Date) -> Result<HashSet<String>> {
    let mut stmt = conn.prepare_cached(concat!(
        "SELECT id FROM orgs WHERE status IN ",
        not_operating!(),
        " AND COALESCE(status_on, entered_on, '') <= ?1"
    ))?;
    let rows = stmt.query_map([day.to_string()], |r| r.get::<_, String>(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// People figures of the operating organizations on a day.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct People {
    /// Floating members (流动党员) employed there: relation elsewhere and
    /// marked floating (`read_people::FLOATING`; current status and relation).
    pub floating_members: i64,
    /// Organizations whose legal representative (or an investor) is a party
    /// member (the current flag).
    pub legal_rep_member_orgs: i64,
}

/// `People` on `day`, in the whole district.
pub fn people(conn: &Connection, day: Date) -> Result<People> {
    use super::read_people::{EMPLOYED, FLOATING};
    let d = day.to_string();
    let floating_members = conn.query_row(
        &format!(
            "SELECT COUNT(*) FROM persons p JOIN orgs o ON o.id = p.org_id
             WHERE p.deleted = 0 AND {EMPLOYED} AND {FLOATING} AND {OPERATING}"
        ),
        [&d],
        |r| r.get(0),
    )?;
    let legal_rep_member_orgs = conn.query_row(
        &format!("SELECT COUNT(*) FROM orgs o WHERE {OPERATING} AND o.legal_rep_member = 1"),
        [&d],
        |r| r.get(0),
    )?;
    Ok(People {
        floating_members,
        legal_rep_member_orgs,
    })
}

/// One group of operating organizations on a day: place, kind, how they are
/// covered and whether any party member works there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub street: Option<String>,
    pub community: Option<String>,
    /// A non-public enterprise (非公企业); otherwise a social organization.
    pub enterprise: bool,
    /// own | building | joint | instructor | none
    pub coverage: String,
    /// At least one party member works there on the day.
    pub members: bool,
    pub n: i64,
}

/// (street id, community id)
type PlaceKey = (Option<String>, Option<String>);
/// Counts by [enterprise][coverage][members].
type ByKindCoverageMembers = [[[i64; 2]; 5]; 2];

/// Operating organizations on `day`, counted by street, community, kind,
/// coverage and whether they have members: every report figure sums these.
///
/// One pass over the organizations, with the covered, instructed and
/// member-holding ones looked up in memory: joining the three sets in SQL
/// costs a B-tree search per organization and set.
pub fn cells(conn: &Connection, day: Date) -> Result<Vec<Cell>> {
    let d = day.to_string();
    let mut cov: HashMap<String, i64> = HashMap::new();
    {
        let sql = format!("WITH {COVERED} SELECT org_id, rank FROM cov");
        let mut stmt = conn.prepare_cached(&sql)?;
        let mut rows = stmt.query([&d])?;
        while let Some(r) = rows.next()? {
            cov.insert(r.get(0)?, r.get(1)?);
        }
    }
    let ids = |sql: String| -> Result<HashSet<String>> {
        let mut stmt = conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([&d], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    };
    let ins = ids(format!("WITH {INSTRUCTED} SELECT org_id FROM ins"))?;
    let mem = ids(format!("WITH {MEMBERS} SELECT org_id FROM mem"))?;
    // Where the organizations that moved were that day.
    let mut moved: HashMap<String, PlaceKey> = HashMap::new();
    {
        let sql = format!(
            "WITH {} SELECT org_id, street_id, community_id FROM pl",
            placed()
        );
        let mut stmt = conn.prepare_cached(&sql)?;
        let mut rows = stmt.query([&d])?;
        while let Some(r) = rows.next()? {
            moved.insert(r.get(0)?, (r.get(1)?, r.get(2)?));
        }
    }
    const CODES: [&str; 5] = ["own", "building", "joint", "instructor", "none"];
    let mut places: HashMap<PlaceKey, ByKindCoverageMembers> = HashMap::new();
    let sql = format!(
        "SELECT o.id, o.street_id, o.community_id, COALESCE(o.kind, '') = 'enterprise'
         FROM orgs o NOT INDEXED WHERE {OPERATING}"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query([&d])?;
    while let Some(r) = rows.next()? {
        let id: String = r.get(0)?;
        let coverage = match cov.get(&id) {
            Some(rank) => (*rank).clamp(0, 2) as usize,
            None if ins.contains(&id) => 3,
            None => 4,
        };
        let enterprise: bool = r.get(3)?;
        let place = match moved.remove(&id) {
            Some(p) => p,
            None => (r.get(1)?, r.get(2)?),
        };
        places.entry(place).or_default()[usize::from(enterprise)][coverage]
            [usize::from(mem.contains(&id))] += 1;
    }
    let mut out = Vec::new();
    for ((street, community), by_kind) in places {
        for (kind, by_cov) in by_kind.iter().enumerate() {
            for (c, by_mem) in by_cov.iter().enumerate() {
                for (m, n) in by_mem.iter().enumerate() {
                    if *n > 0 {
                        out.push(Cell {
                            street: street.clone(),
                            community: community.clone(),
                            enterprise: kind == 1,
                            coverage: CODES[c].to_string(),
                            members: m == 1,
                            n: *n,
                        });
                    }
                }
            }
        }
    }
    out.sort_by(|a, b| {
        (
            &a.street,
            &a.community,
            a.enterprise,
            &a.coverage,
            a.members,
        )
            .cmp(&(
                &b.street,
                &b.community,
                b.enterprise,
                &b.coverage,
                b.members,
            ))
    });
    Ok(out)
}

/// The party organizations covering each organization on `day`, strongest
/// mode first (standalone, building, joint), then by name, joined by "、".
pub fn party_orgs_by_org(conn: &Connection, day: Date) -> Result<HashMap<String, String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT l.org_id, COALESCE(p.name, '') FROM links l JOIN party_orgs p ON p.id = l.party_org_id
         WHERE l.deleted = 0 AND p.deleted = 0 AND l.from_on <= ?1 AND (l.to_on IS NULL OR l.to_on > ?1)
           AND p.founded_on <= ?1 AND (p.dissolved_on IS NULL OR p.dissolved_on > ?1)
         ORDER BY l.org_id, CASE p.mode WHEN 'standalone' THEN 0 WHEN 'building' THEN 1 ELSE 2 END, p.name",
    )?;
    let mut out: HashMap<String, String> = HashMap::new();
    let rows = stmt.query_map([day.to_string()], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })?;
    for r in rows {
        let (org, name) = r?;
        let names = out.entry(org).or_default();
        if names.split('、').any(|n| n == name) {
            continue;
        }
        if !names.is_empty() {
            names.push('、');
        }
        names.push_str(&name);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use crate::domain::kinds::RegStatus;

    /// The SQL list spells out the statuses that leave N: every status but
    /// active, no more and no fewer.
    #[test]
    fn the_sql_list_is_every_status_that_is_not_operating() {
        for s in RegStatus::ALL {
            let quoted = format!("'{}'", s.code());
            assert_eq!(
                super::NOT_OPERATING.contains(&quoted),
                !s.is_operating(),
                "{quoted}"
            );
        }
        assert!(super::OPERATING.contains(super::NOT_OPERATING));
    }
}
