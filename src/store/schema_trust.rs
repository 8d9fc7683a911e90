//! Migration for sync as a trust boundary: what a replica keeps about ops it
//! refused, ops of its own a peer refused, which user each site belongs to,
//! and kept-aside ops that cannot be applied even after an upgrade.

pub const V4_TRUST: &str = r#"
-- Why an op was refused on arrival (outside the sender's scope, a value its
-- column does not take, a site that is not the sender's); NULL for accepted
-- ops. A refused op is kept, so every site's sequence stays whole, and is
-- passed on with its reason, but no table ever shows it.
ALTER TABLE oplog ADD COLUMN refused TEXT;
ALTER TABLE sync_pending ADD COLUMN refused TEXT;

-- The user each site belongs to: registered at the site's first push, and
-- from then on only that user may send that site's ops.
CREATE TABLE IF NOT EXISTS sync_sites (
  site_id TEXT PRIMARY KEY, os_user TEXT NOT NULL, registered_at TEXT NOT NULL
);

-- This replica's own ops that a peer refused, until discarded or sent again.
CREATE TABLE IF NOT EXISTS sync_refused (
  site_id TEXT NOT NULL, seq INTEGER NOT NULL, reason TEXT NOT NULL,
  at TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'open',
  PRIMARY KEY (site_id, seq)
);

-- Kept-aside ops that still do not fit after an upgrade: shown, not retried.
CREATE TABLE IF NOT EXISTS sync_quarantine (
  site_id TEXT NOT NULL, seq INTEGER NOT NULL, hlc INTEGER NOT NULL,
  tbl TEXT NOT NULL, row_id TEXT NOT NULL, field TEXT NOT NULL, value TEXT,
  schema_version INTEGER NOT NULL, supersedes TEXT, actor TEXT, refused TEXT,
  reason TEXT NOT NULL, at TEXT NOT NULL,
  PRIMARY KEY (site_id, seq)
);
"#;
