//! Migration for sync: what a replica keeps about merging and its peers.
//! Written with `IF NOT EXISTS` so it applies on top of V1 whatever other
//! migrations come between. Everything here is replica-local except
//! `sync_conflicts`, which is a function of the op log (the same ops give the
//! same rows on every replica).

pub const V3_SYNC: &str = r#"
-- Who wrote each op (name and office), so a conflict can say who on every replica.
ALTER TABLE oplog ADD COLUMN actor TEXT;

-- Fields whose current heads disagree (concurrent edits, or a delete against
-- an edit it did not see). id is derived from (tbl, row_id, field), so it is
-- the same on every replica.
CREATE TABLE IF NOT EXISTS sync_conflicts (
  id TEXT PRIMARY KEY, tbl TEXT NOT NULL, row_id TEXT NOT NULL, field TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sync_conflicts_row ON sync_conflicts(tbl, row_id);

-- Ops of a newer schema than this build: kept, not applied, until an upgrade.
CREATE TABLE IF NOT EXISTS sync_pending (
  site_id TEXT NOT NULL, seq INTEGER NOT NULL, hlc INTEGER NOT NULL,
  tbl TEXT NOT NULL, row_id TEXT NOT NULL, field TEXT NOT NULL, value TEXT,
  schema_version INTEGER NOT NULL, supersedes TEXT, actor TEXT,
  PRIMARY KEY (site_id, seq)
);

-- Received ops stamped more than a day ahead of this replica's clock.
CREATE TABLE IF NOT EXISTS sync_flagged (
  site_id TEXT NOT NULL, seq INTEGER NOT NULL, hlc INTEGER NOT NULL,
  received_at TEXT NOT NULL, PRIMARY KEY (site_id, seq)
);

-- Peers this replica has synced with (or written bundles for): when, and
-- what they held afterwards (JSON {site: seq}).
CREATE TABLE IF NOT EXISTS sync_peers (
  peer TEXT PRIMARY KEY, site_id TEXT, last_sync TEXT NOT NULL,
  acked_seq INTEGER NOT NULL DEFAULT 0, have TEXT
);
"#;
