//! Field numbers: a new row's op names its fields by number, from a fixed
//! registry, instead of by name. The registry only ever grows: a field keeps
//! its number for good (a column added later gets the next one), so an op
//! reads the same on every replica and release that knows its schema.
//! Ops of schema 9 and before name fields in a JSON object; both read.

/// Schema 10: row ops written from it on name fields by number (the
/// version tells an older replica to keep them aside), and the op log's
/// row index keys on the last 12 hex digits of the row id (the random part
/// of a UUID) instead of the whole 36 characters: merge finds a row's few
/// ops either way, and the index is half the size. Queries name the key
/// through `merge::ROW_MATCH`.
pub const V10_FIELD_NUMBERS: &str = "
DROP INDEX ops_row;
CREATE INDEX ops_row_key ON ops(tbl, substr(row_id, 25), field);
";

/// Per table (in `schema::TABLES` order), its fields in number order
/// (numbered from 1; `id` is the row's key, never a field).
const REGISTRY: &[(&str, &[&str])] = &[
    ("streets", &["name", "committee", "deleted"]),
    ("communities", &["name", "street_id", "deleted"]),
    ("buildings", &["name", "street_id", "deleted"]),
    (
        "orgs",
        &[
            "name",
            "code",
            "kind",
            "status",
            "street_id",
            "community_id",
            "building_id",
            "address",
            "industry",
            "employees",
            "legal_rep_member",
            "identity_check",
            "contact",
            "phone",
            "entered_on",
            "closed_on",
            "first_survey_on",
            "last_survey_on",
            "deleted",
            "status_on",
            "established_on",
            "pending",
            "verified_on",
            "check_due_on",
        ],
    ),
    (
        "org_places",
        &["org_id", "street_id", "community_id", "from_on"],
    ),
    (
        "party_orgs",
        &[
            "name",
            "mode",
            "level",
            "street_id",
            "building_id",
            "secretary",
            "founded_on",
            "dissolved_on",
            "deleted",
        ],
    ),
    (
        "links",
        &["party_org_id", "org_id", "from_on", "to_on", "deleted"],
    ),
    (
        "persons",
        &[
            "org_id",
            "name",
            "phone",
            "status",
            "hired_on",
            "left_on",
            "relation",
            "branch_id",
            "floating",
            "manager",
            "deleted",
            "leave_reason",
            "moved_from",
        ],
    ),
    (
        "status_changes",
        &["person_id", "status", "from_status", "on_date"],
    ),
    (
        "transfers",
        &["person_id", "from_relation", "branch_id", "on_date"],
    ),
    (
        "instructors",
        &[
            "name",
            "phone",
            "source",
            "home_unit",
            "industry",
            "deleted",
        ],
    ),
    (
        "assignments",
        &["instructor_id", "org_id", "from_on", "to_on", "deleted"],
    ),
    ("visits", &["instructor_id", "org_id", "on_date", "note"]),
    (
        "surveys",
        &[
            "org_id",
            "on_date",
            "employees",
            "identity_check",
            "note",
            "by_user",
        ],
    ),
    (
        "tasks",
        &[
            "kind",
            "org_id",
            "community_id",
            "stage",
            "office",
            "due_on",
            "created_on",
            "closed_on",
            "note",
            "deleted",
            "stage_on",
        ],
    ),
    (
        "task_steps",
        &[
            "task_id",
            "on_date",
            "from_stage",
            "stage",
            "office",
            "note",
        ],
    ),
    (
        "alerts",
        &[
            "rule",
            "subject",
            "org_id",
            "raised_on",
            "due_on",
            "resolved_on",
            "state",
            "until_on",
            "reason",
            "noticed_on",
        ],
    ),
    (
        "users",
        &[
            "os_user",
            "name",
            "office",
            "role",
            "street_id",
            "community_id",
            "deleted",
        ],
    ),
];

/// Fields a migration took out of the tables, with the first schema that
/// lacks them. They keep their numbers; an op of an earlier schema that
/// names one is history, accepted from a peer and never applied.
pub const RETIRED: &[(&str, &str, i64)] = &[
    // `schema_survey_days`: read from the surveys since.
    ("orgs", "first_survey_on", 12),
    ("orgs", "last_survey_on", 12),
];

/// Whether an op of `schema` may name `table.field` although no column
/// holds it any more.
pub fn retired(table: &str, field: &str, schema: i64) -> bool {
    RETIRED
        .iter()
        .any(|(t, f, since)| *t == table && *f == field && schema < *since)
}

fn fields_of(table: &str) -> Option<&'static [&'static str]> {
    REGISTRY.iter().find(|(t, _)| *t == table).map(|(_, f)| *f)
}

/// The number of `field` in `table`.
pub fn number(table: &str, field: &str) -> Option<usize> {
    fields_of(table)?
        .iter()
        .position(|f| *f == field)
        .map(|i| i + 1)
}

/// The field numbered `n` in `table`.
pub fn name(table: &str, n: u64) -> Option<&'static str> {
    let i = usize::try_from(n).ok()?.checked_sub(1)?;
    fields_of(table)?.get(i).copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::schema::SCHEMA_VERSION;

    /// The registry names every column of every table, in the order the
    /// schema has them, and the retired fields besides: a column added by a
    /// migration is appended, so a registry that missed one or reordered one
    /// fails here.
    #[test]
    fn registry_matches_the_schema_in_order() {
        let dir = tempfile::tempdir().expect("dir");
        let store = crate::store::Store::open(&dir.path().join("l.db")).expect("open");
        let tables: Vec<&str> = REGISTRY.iter().map(|(t, _)| *t).collect();
        assert_eq!(tables, crate::store::schema::TABLES);
        for (table, fields) in REGISTRY {
            let cols: Vec<String> = store
                .conn
                .prepare(&format!(
                    "SELECT name FROM pragma_table_info('{table}') ORDER BY cid"
                ))
                .expect("prepare")
                .query_map([], |r| r.get(0))
                .expect("query")
                .collect::<rusqlite::Result<_>>()
                .expect("rows");
            let cols: Vec<&str> = cols
                .iter()
                .map(String::as_str)
                .filter(|c| *c != "id")
                .collect();
            let gone = |f: &str| RETIRED.iter().any(|(t, g, _)| t == table && *g == f);
            let live: Vec<&str> = fields.iter().copied().filter(|f| !gone(f)).collect();
            assert_eq!(cols, live, "{table}");
        }
        // Ops of the schema before a field's retirement may name it; ops
        // of the current schema may not.
        for (table, field, since) in RETIRED {
            assert!(number(table, field).is_some(), "{table}.{field}");
            assert!(retired(table, field, since - 1));
            assert!(!retired(table, field, SCHEMA_VERSION));
        }
        assert_eq!(number("orgs", "name"), Some(1));
        assert_eq!(name("orgs", 1), Some("name"));
        assert_eq!(name("orgs", 0), None);
        assert_eq!(name("nope", 1), None);
    }
}
