//! The schema, as migrations. Primary keys are UUIDv7 text (replicas mint them
//! offline); columns other than the key are nullable because sync applies one
//! field at a time; foreign keys are deferred to the end of each transaction.

use rusqlite_migration::{M, Migrations};

/// The schema version ops are stamped with (the number of migrations).
pub const SCHEMA_VERSION: i64 = 12;

const V1: &str = r#"
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE streets (
  id TEXT PRIMARY KEY, name TEXT, committee TEXT, deleted INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE communities (
  id TEXT PRIMARY KEY, name TEXT,
  street_id TEXT REFERENCES streets(id) DEFERRABLE INITIALLY DEFERRED,
  deleted INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE buildings (
  id TEXT PRIMARY KEY, name TEXT,
  street_id TEXT REFERENCES streets(id) DEFERRABLE INITIALLY DEFERRED,
  deleted INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE orgs (
  id TEXT PRIMARY KEY, name TEXT, code TEXT, kind TEXT, status TEXT,
  street_id TEXT REFERENCES streets(id) DEFERRABLE INITIALLY DEFERRED,
  community_id TEXT REFERENCES communities(id) DEFERRABLE INITIALLY DEFERRED,
  building_id TEXT REFERENCES buildings(id) DEFERRABLE INITIALLY DEFERRED,
  address TEXT, industry TEXT, employees INTEGER,
  legal_rep_member INTEGER, identity_check INTEGER, contact TEXT, phone TEXT,
  entered_on TEXT, closed_on TEXT, first_survey_on TEXT, last_survey_on TEXT,
  deleted INTEGER NOT NULL DEFAULT 0
);
-- Covering indexes for coverage as of a day: counts per place scan the
-- first; joins from links reach an organization's place through the second.
CREATE INDEX orgs_place ON orgs(street_id, community_id, entered_on, closed_on, deleted);
CREATE INDEX orgs_id_place ON orgs(id, street_id, community_id, entered_on, closed_on, deleted);
CREATE INDEX orgs_code ON orgs(code);
CREATE INDEX orgs_name ON orgs(name);

CREATE TABLE party_orgs (
  id TEXT PRIMARY KEY, name TEXT, mode TEXT, level TEXT,
  street_id TEXT REFERENCES streets(id) DEFERRABLE INITIALLY DEFERRED,
  building_id TEXT REFERENCES buildings(id) DEFERRABLE INITIALLY DEFERRED,
  secretary TEXT, founded_on TEXT, dissolved_on TEXT,
  deleted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX party_orgs_founded ON party_orgs(founded_on);
CREATE INDEX party_orgs_span ON party_orgs(id, mode, founded_on, dissolved_on, deleted);

-- Which party organization covers which organization, and from when to when
-- (to_on is the first day no longer covered). Many-to-many: a joint branch
-- covers several organizations.
CREATE TABLE links (
  id TEXT PRIMARY KEY,
  party_org_id TEXT REFERENCES party_orgs(id) DEFERRABLE INITIALLY DEFERRED,
  org_id TEXT REFERENCES orgs(id) DEFERRABLE INITIALLY DEFERRED,
  from_on TEXT, to_on TEXT, deleted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX links_org ON links(org_id, party_org_id, from_on, to_on, deleted);
CREATE INDEX links_party_org ON links(party_org_id);

CREATE TABLE persons (
  id TEXT PRIMARY KEY,
  org_id TEXT REFERENCES orgs(id) DEFERRABLE INITIALLY DEFERRED,
  name TEXT, phone TEXT, status TEXT, hired_on TEXT, left_on TEXT,
  relation TEXT,
  branch_id TEXT REFERENCES party_orgs(id) DEFERRABLE INITIALLY DEFERRED,
  floating INTEGER, manager INTEGER, deleted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX persons_org ON persons(org_id);
CREATE INDEX persons_name ON persons(name);

-- Political status history: when each status began.
CREATE TABLE status_changes (
  id TEXT PRIMARY KEY,
  person_id TEXT REFERENCES persons(id) DEFERRABLE INITIALLY DEFERRED,
  status TEXT, from_status TEXT, on_date TEXT
);
CREATE INDEX status_changes_on ON status_changes(on_date);

-- Organizational relations moved into a branch.
CREATE TABLE transfers (
  id TEXT PRIMARY KEY,
  person_id TEXT REFERENCES persons(id) DEFERRABLE INITIALLY DEFERRED,
  from_relation TEXT,
  branch_id TEXT REFERENCES party_orgs(id) DEFERRABLE INITIALLY DEFERRED,
  on_date TEXT
);
CREATE INDEX transfers_on ON transfers(on_date);

CREATE TABLE instructors (
  id TEXT PRIMARY KEY, name TEXT, phone TEXT, source TEXT, home_unit TEXT,
  industry TEXT, deleted INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE assignments (
  id TEXT PRIMARY KEY,
  instructor_id TEXT REFERENCES instructors(id) DEFERRABLE INITIALLY DEFERRED,
  org_id TEXT REFERENCES orgs(id) DEFERRABLE INITIALLY DEFERRED,
  from_on TEXT, to_on TEXT, deleted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX assignments_org ON assignments(org_id, from_on, to_on, deleted);
CREATE INDEX assignments_from ON assignments(from_on);
CREATE TABLE visits (
  id TEXT PRIMARY KEY,
  instructor_id TEXT REFERENCES instructors(id) DEFERRABLE INITIALLY DEFERRED,
  org_id TEXT REFERENCES orgs(id) DEFERRABLE INITIALLY DEFERRED,
  on_date TEXT, note TEXT
);
CREATE INDEX visits_org ON visits(org_id);

CREATE TABLE surveys (
  id TEXT PRIMARY KEY,
  org_id TEXT REFERENCES orgs(id) DEFERRABLE INITIALLY DEFERRED,
  on_date TEXT, employees INTEGER, identity_check INTEGER, note TEXT, by_user TEXT
);
CREATE INDEX surveys_org ON surveys(org_id);
CREATE INDEX surveys_on ON surveys(on_date);

CREATE TABLE tasks (
  id TEXT PRIMARY KEY, kind TEXT,
  org_id TEXT REFERENCES orgs(id) DEFERRABLE INITIALLY DEFERRED,
  community_id TEXT REFERENCES communities(id) DEFERRABLE INITIALLY DEFERRED,
  stage TEXT, office TEXT, due_on TEXT, created_on TEXT, closed_on TEXT,
  note TEXT, deleted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX tasks_org ON tasks(org_id);

-- First-time alerts: one row per (rule, subject) while it matters.
CREATE TABLE alerts (
  id TEXT PRIMARY KEY, rule TEXT, subject TEXT,
  org_id TEXT REFERENCES orgs(id) DEFERRABLE INITIALLY DEFERRED,
  raised_on TEXT, due_on TEXT, resolved_on TEXT, state TEXT, until_on TEXT, reason TEXT
);
CREATE INDEX alerts_rule_subject ON alerts(rule, subject);

CREATE TABLE users (
  id TEXT PRIMARY KEY, os_user TEXT, name TEXT, office TEXT, role TEXT,
  street_id TEXT REFERENCES streets(id) DEFERRABLE INITIALLY DEFERRED,
  community_id TEXT REFERENCES communities(id) DEFERRABLE INITIALLY DEFERRED,
  deleted INTEGER NOT NULL DEFAULT 0
);

-- Field-level operations: what sync exchanges. (site_id, seq) is unique and
-- gap-free per site; hlc is a hybrid logical clock (ms << 16 | counter);
-- supersedes names the op ("site:seq") that was this field's head when written.
CREATE TABLE oplog (
  site_id TEXT NOT NULL, seq INTEGER NOT NULL, hlc INTEGER NOT NULL,
  tbl TEXT NOT NULL, row_id TEXT NOT NULL, field TEXT NOT NULL, value TEXT,
  schema_version INTEGER NOT NULL, supersedes TEXT,
  PRIMARY KEY (site_id, seq)
);
CREATE INDEX oplog_field ON oplog(tbl, row_id, field);

-- Who did what, hash-chained in local order.
CREATE TABLE audit (
  id TEXT PRIMARY KEY, at TEXT NOT NULL, os_user TEXT, user_name TEXT, office TEXT,
  action TEXT NOT NULL, detail TEXT, reason TEXT, on_date TEXT,
  site_id TEXT, first_seq INTEGER, last_seq INTEGER, ops INTEGER,
  prev_hash TEXT, hash TEXT NOT NULL
);
"#;

pub fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(V1),
        M::up(super::schema_loop::V2_LOOP),
        M::up(super::schema_sync::V3_SYNC),
        M::up(super::schema_trust::V4_TRUST),
        M::up(super::schema_audit::V5_AUDIT),
        M::up(super::schema_page::V6_PAGE),
        M::up(super::schema_counting::V7_COUNTING),
        M::up(super::schema_people::V8_PEOPLE),
        M::up(super::schema_oplog::V9_OPLOG),
        M::up(super::field_numbers::V10_FIELD_NUMBERS),
        M::up(super::schema_checks::V11_CHECKS),
        M::up(super::schema_survey_days::V12_SURVEY_DAYS),
    ])
}

/// Tables whose rows the write path may touch, and so may appear in the op log.
pub const TABLES: &[&str] = &[
    "streets",
    "communities",
    "buildings",
    "orgs",
    "org_places",
    "party_orgs",
    "links",
    "persons",
    "status_changes",
    "transfers",
    "instructors",
    "assignments",
    "visits",
    "surveys",
    "tasks",
    "task_steps",
    "alerts",
    "users",
];
