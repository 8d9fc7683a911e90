//! A survey: its row, and what it changes on the organization it found.

use rusqlite::types::Value;

use super::{employees, text};
use crate::domain::Id;
use crate::error::{Error, Noun, Result};
use crate::store::Val;
use crate::store::schema_survey_days::LAST_SURVEY;
use crate::store::write::Writer;

/// Records a survey of `org` on `w.on`: its row; when it is the latest of
/// the organization's surveys, the count and identity check it found; a
/// pending organization verified from that day (the earliest verification
/// counts, as the first survey does); then the survey stage of the
/// organization's open tasks. The survey days themselves are read from the
/// surveys (`schema_survey_days`). The organization is read once, and its
/// changed fields are written in one statement (an op each).
pub(super) fn survey(
    w: &mut Writer<'_>,
    id: &Id,
    org: &Id,
    emp: Option<i64>,
    identity_check: Option<bool>,
    note: &str,
) -> Result<()> {
    w.require(Noun::Org, org)?;
    let on = w.on;
    if let Some(e) = emp {
        employees(e)?;
    }
    let note = text("note", note, false)?;
    // Read before the survey is written: the latest survey before this one.
    let made = w.seen.borrow().org(org);
    let [last, cur_emp, cur_identity, pending, verified, implied] = match made {
        Some(o) => o.survey_row(),
        None => {
            let row: Vec<Value> = w.one(
                &format!(
                    "SELECT {LAST_SURVEY}, employees, identity_check, pending, verified_on,
                            check_due_on IS NOT NULL
                     FROM orgs o WHERE id = ?1"
                ),
                [org.as_str()],
                |r| (0..6).map(|i| r.get(i)).collect(),
            )?;
            <[Value; 6]>::try_from(row)
                .map_err(|_| Error::Other(format!("survey: organization {org} unread")))?
        }
    };
    w.insert(
        "surveys",
        id,
        &[
            ("org_id", org.into()),
            ("on_date", on.into()),
            ("employees", emp.into()),
            ("identity_check", identity_check.into()),
            ("note", note.into()),
        ],
    )?;
    let d = on.to_string();
    let day = |v: &Value| match v {
        Value::Text(s) => Some(s.clone()),
        _ => None,
    };
    let set = |v: &Value| matches!(v, Value::Integer(n) if *n != 0);
    let mut f: Vec<(&'static str, Val)> = Vec::new();
    let mut cur: Vec<Value> = Vec::new();
    if day(&last).is_none_or(|x| x < d) {
        if let Some(e) = emp {
            f.push(("employees", e.into()));
            cur.push(cur_emp);
        }
        if let Some(c) = identity_check {
            f.push(("identity_check", c.into()));
            cur.push(cur_identity);
        }
    }
    if set(&pending) && day(&verified).is_none_or(|v| v > d) {
        f.push(("verified_on", on.into()));
        cur.push(verified);
    }
    w.update_known("orgs", org, &f, cur)?;
    crate::store::apply_loop::survey_done(w, org, set(&implied))
}
