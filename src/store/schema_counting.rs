//! Migration 7: what N needs to count right. Written with `IF NOT EXISTS`
//! where it can be, like V3 to V5. Nothing here writes rows: a value the
//! migration wrote would have no op behind it, so `check` would find the
//! table and the op log apart and sync would never carry it. Existing rows
//! keep counting as before through the defaults instead.

pub const V7_COUNTING: &str = r#"
-- 1 when the row entered the ledger from the market-supervision list: it is
-- pending (待核实) and counts in N only from verified_on, the day a survey or
-- an explicit confirmation said it operates. Rows added by hand were seen,
-- and rows held before this migration counted already: both stay 0.
ALTER TABLE orgs ADD COLUMN pending INTEGER NOT NULL DEFAULT 0;
ALTER TABLE orgs ADD COLUMN verified_on TEXT;

-- Where an organization was from a day on (street and community), for
-- reports as of a past day. Written when a place it had is left (a move on
-- the command's --on day), with a first row for the place it left; an
-- organization without rows has been where it is now since it entered.
-- Before its first row it was where that row says.
CREATE TABLE IF NOT EXISTS org_places (
  id TEXT PRIMARY KEY,
  org_id TEXT REFERENCES orgs(id) DEFERRABLE INITIALLY DEFERRED,
  street_id TEXT REFERENCES streets(id) DEFERRABLE INITIALLY DEFERRED,
  community_id TEXT REFERENCES communities(id) DEFERRABLE INITIALLY DEFERRED,
  from_on TEXT
);
CREATE INDEX IF NOT EXISTS org_places_org ON org_places(org_id, from_on);
"#;

#[cfg(test)]
mod tests {
    use rusqlite::Connection;

    use crate::domain::Date;
    use crate::store::counts::{Place, operating_count};
    use crate::store::schema::migrations;

    #[test]
    fn a_ledger_from_before_counts_as_it_did() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrations().to_version(&mut conn, 5).unwrap();
        conn.execute_batch(
            "INSERT INTO streets(id, name) VALUES ('s', '南坪街道');
             INSERT INTO orgs(id, name, kind, status, street_id, entered_on)
               VALUES ('a', '甲', 'enterprise', 'active', 's', '2022-01-01'),
                      ('b', '乙', 'enterprise', 'active', 's', '2022-04-01');",
        )
        .unwrap();
        migrations().to_latest(&mut conn).unwrap();
        let pending: i64 = conn
            .query_row("SELECT SUM(pending) FROM orgs", [], |r| r.get(0))
            .unwrap();
        assert_eq!(pending, 0);
        let n = |day: &str| {
            let street = crate::domain::Id("s".into());
            let place = Place {
                street: Some(&street),
                community: None,
            };
            operating_count(&conn, Date::parse("d", day).unwrap(), place).unwrap()
        };
        assert_eq!((n("2022-03-31"), n("2022-04-01")), (1, 2));
    }
}
