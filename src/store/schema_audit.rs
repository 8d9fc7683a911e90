//! Migration 5: each audit record answers for the ops its transaction wrote.
//! Written with `IF NOT EXISTS` where it can be, like V3 and V4.

pub const V5_AUDIT: &str = r#"
-- The ops a record answers for: the ranges its transaction wrote
-- ("site:first-last", comma-separated, sites in order), the ops it marked
-- refused afterwards ("site:seq", comma-separated), and a SHA-256 over
-- their content as the op log holds them. The record's hash covers all
-- three. NULL in records written before this migration.
ALTER TABLE audit ADD COLUMN op_ranges TEXT;
ALTER TABLE audit ADD COLUMN op_marks TEXT;
ALTER TABLE audit ADD COLUMN ops_digest TEXT;

-- Per site, the last op held when this migration ran: those ops came before
-- any record answered for its ops, and are the only ones no record names.
-- The first record with a digest covers these rows too.
CREATE TABLE IF NOT EXISTS audit_base (
  site_id TEXT PRIMARY KEY, seq INTEGER NOT NULL
);
INSERT OR IGNORE INTO audit_base(site_id, seq)
  SELECT site_id, MAX(seq) FROM oplog GROUP BY site_id;
"#;
