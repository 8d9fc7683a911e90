//! Migration 12: an organization's survey days are read from its surveys.
//!
//! The first and last days an organization was surveyed used to be columns
//! of `orgs`, written by each survey as two field ops: at a hundred thousand
//! organizations, a third of a generated ledger's ops. They follow from the
//! surveys alone (the earliest and the latest `on_date`; a survey is never
//! deleted), so every replica now reads them from its surveys
//! (`FIRST_SURVEY`, `LAST_SURVEY`) and no op carries them. The ops older
//! replicas wrote for them stay in the log as history: they are accepted
//! from a peer still on schema 11 or before and never applied
//! (`field_numbers::RETIRED`). A replica on schema 11 keeps this schema's
//! ops aside until it is upgraded, as it does any newer op.
//!
//! The surveys' organization index carries the day, so the two days are
//! read from the index alone.

pub const V12_SURVEY_DAYS: &str = r#"
ALTER TABLE orgs DROP COLUMN first_survey_on;
ALTER TABLE orgs DROP COLUMN last_survey_on;
DELETE FROM sync_conflicts
  WHERE tbl = 'orgs' AND field IN ('first_survey_on', 'last_survey_on');
DROP INDEX surveys_org;
CREATE INDEX surveys_org ON surveys(org_id, on_date);
"#;

/// The day `o` (an `orgs` row in the query) was first surveyed, or NULL.
pub const FIRST_SURVEY: &str = "(SELECT min(sv.on_date) FROM surveys sv WHERE sv.org_id = o.id)";

/// The day `o` was last surveyed, or NULL.
pub const LAST_SURVEY: &str = "(SELECT max(sv.on_date) FROM surveys sv WHERE sv.org_id = o.id)";
