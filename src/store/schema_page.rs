//! Migration 6: the first page of the organization list (by street, then
//! name) read from an index, so the app shows rows before it has loaded them all.

pub const V6_PAGE: &str = r#"
CREATE INDEX IF NOT EXISTS streets_name ON streets(name);
CREATE INDEX IF NOT EXISTS orgs_street_name ON orgs(street_id, name);
"#;
