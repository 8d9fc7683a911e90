//! Migration 8: turnover. A person who leaves keeps the row (history stays)
//! with the day (`left_on`, there since V1) and why; a move to another
//! employer ends the old row and starts one at the new organization that
//! names the row it continues.

pub const V8_PEOPLE: &str = r#"
-- Why the person left the organization's employ (free text; empty for a move).
ALTER TABLE persons ADD COLUMN leave_reason TEXT;
-- For a person who moved here from another organization in the ledger: the
-- row of the earlier employment.
ALTER TABLE persons ADD COLUMN moved_from TEXT;
CREATE INDEX persons_moved_from ON persons(moved_from);
"#;
