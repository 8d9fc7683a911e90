//! Migration 9: the compact op log.
//!
//! A new row is one op: its field is `*` and its value holds all the row's
//! fields (`op::ROW`); updates stay one op per field, and merge reads a row
//! op as the field ops it stands for. Ops already held stay as they are
//! (peers hold them under the same keys). Ops stamped with schema 9 are held
//! aside by a replica of schema 8 until it is upgraded, as every newer op is.
//!
//! Storage: sites, tables and actors are named once and ops refer to them by
//! number; ops are clustered by (site, sequence), the order sync reads them
//! in, so that key needs no index of its own; one index serves merge (a row's
//! ops). `oplog` becomes a view that reads as the old table did, so the
//! digests audit records hold still verify, and a write through it (a repair,
//! a test tampering with the log) lands in `ops`.

pub const V9_OPLOG: &str = r#"
CREATE TABLE op_sites (n INTEGER PRIMARY KEY, site_id TEXT NOT NULL UNIQUE);
CREATE TABLE op_tables (n INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE op_actors (n INTEGER PRIMARY KEY, actor TEXT NOT NULL UNIQUE);

-- The tables in a fixed order (`schema::TABLES`), so their numbers are the
-- same in every file.
INSERT INTO op_tables(n, name) VALUES
  (1, 'streets'), (2, 'communities'), (3, 'buildings'), (4, 'orgs'),
  (5, 'org_places'), (6, 'party_orgs'), (7, 'links'), (8, 'persons'),
  (9, 'status_changes'), (10, 'transfers'), (11, 'instructors'),
  (12, 'assignments'), (13, 'visits'), (14, 'surveys'), (15, 'tasks'),
  (16, 'task_steps'), (17, 'alerts'), (18, 'users');
INSERT OR IGNORE INTO op_tables(name) SELECT DISTINCT tbl FROM oplog ORDER BY tbl;
INSERT INTO op_sites(site_id) SELECT DISTINCT site_id FROM oplog ORDER BY site_id;
INSERT INTO op_actors(actor)
  SELECT DISTINCT actor FROM oplog WHERE actor IS NOT NULL ORDER BY actor;

CREATE TABLE ops (
  site INTEGER NOT NULL, seq INTEGER NOT NULL, hlc INTEGER NOT NULL,
  tbl INTEGER NOT NULL, row_id TEXT NOT NULL, field TEXT NOT NULL, value TEXT,
  schema_version INTEGER NOT NULL, supersedes TEXT, actor INTEGER, refused TEXT,
  PRIMARY KEY (site, seq)
) WITHOUT ROWID;
INSERT INTO ops
  SELECT s.n, o.seq, o.hlc, t.n, o.row_id, o.field, o.value, o.schema_version,
         o.supersedes, a.n, o.refused
  FROM oplog o
  JOIN op_sites s ON s.site_id = o.site_id
  JOIN op_tables t ON t.name = o.tbl
  LEFT JOIN op_actors a ON a.actor = o.actor
  ORDER BY s.n, o.seq;
DROP TABLE oplog;
CREATE INDEX ops_row ON ops(tbl, row_id, field);

CREATE VIEW oplog AS
  SELECT s.site_id AS site_id, o.seq AS seq, o.hlc AS hlc, t.name AS tbl,
         o.row_id AS row_id, o.field AS field, o.value AS value,
         o.schema_version AS schema_version, o.supersedes AS supersedes,
         a.actor AS actor, o.refused AS refused
  FROM ops o
  JOIN op_sites s ON s.n = o.site
  JOIN op_tables t ON t.n = o.tbl
  LEFT JOIN op_actors a ON a.n = o.actor;

CREATE TRIGGER oplog_insert INSTEAD OF INSERT ON oplog BEGIN
  INSERT OR IGNORE INTO op_sites(site_id) VALUES (NEW.site_id);
  INSERT OR IGNORE INTO op_tables(name) VALUES (NEW.tbl);
  INSERT OR IGNORE INTO op_actors(actor) SELECT NEW.actor WHERE NEW.actor IS NOT NULL;
  INSERT INTO ops(site, seq, hlc, tbl, row_id, field, value, schema_version,
                  supersedes, actor, refused)
  VALUES ((SELECT n FROM op_sites WHERE site_id = NEW.site_id), NEW.seq, NEW.hlc,
          (SELECT n FROM op_tables WHERE name = NEW.tbl), NEW.row_id, NEW.field,
          NEW.value, NEW.schema_version, NEW.supersedes,
          (SELECT n FROM op_actors WHERE actor = NEW.actor), NEW.refused);
END;

CREATE TRIGGER oplog_update INSTEAD OF UPDATE ON oplog BEGIN
  INSERT OR IGNORE INTO op_sites(site_id) VALUES (NEW.site_id);
  INSERT OR IGNORE INTO op_tables(name) VALUES (NEW.tbl);
  INSERT OR IGNORE INTO op_actors(actor) SELECT NEW.actor WHERE NEW.actor IS NOT NULL;
  UPDATE ops SET
    site = (SELECT n FROM op_sites WHERE site_id = NEW.site_id), seq = NEW.seq,
    hlc = NEW.hlc, tbl = (SELECT n FROM op_tables WHERE name = NEW.tbl),
    row_id = NEW.row_id, field = NEW.field, value = NEW.value,
    schema_version = NEW.schema_version, supersedes = NEW.supersedes,
    actor = (SELECT n FROM op_actors WHERE actor = NEW.actor), refused = NEW.refused
  WHERE site = (SELECT n FROM op_sites WHERE site_id = OLD.site_id) AND seq = OLD.seq;
END;

-- Compaction (`compact`): a record some of whose ops were compacted answers
-- for them from then on by the digest recomputed at that moment; the
-- compaction's own record vouches for these rows (a hash of them).
CREATE TABLE audit_redigest (
  record_id TEXT NOT NULL, digest TEXT NOT NULL, by_record TEXT NOT NULL,
  PRIMARY KEY (by_record, record_id)
);

CREATE TRIGGER oplog_delete INSTEAD OF DELETE ON oplog BEGIN
  DELETE FROM ops
  WHERE site = (SELECT n FROM op_sites WHERE site_id = OLD.site_id) AND seq = OLD.seq;
END;
"#;

#[cfg(test)]
mod tests {
    /// The numbers the migration gives tables follow `schema::TABLES`.
    #[test]
    fn table_numbers_follow_the_table_list() {
        for (i, t) in super::super::schema::TABLES.iter().enumerate() {
            assert!(
                super::V9_OPLOG.contains(&format!("({}, '{t}')", i + 1)),
                "{t} is not number {}",
                i + 1
            );
        }
    }
}
