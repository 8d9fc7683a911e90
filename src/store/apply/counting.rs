//! The dated facts N is counted by: when a registration-list row was
//! verified (a survey, or `org confirm`), and where an organization was on a
//! past day (`org_places`). Written by the commands that change them, in
//! their transaction, through the `Writer`.

use rusqlite::OptionalExtension;

use super::super::Val;
use super::super::write::Writer;
use crate::domain::{Date, Id};
use crate::error::{Error, Noun, Result};
use crate::i18n::tr;

/// (street id, community id) of an organization.
pub(in crate::store) type Place = (Option<String>, Option<String>);

/// Where the organization is now, as its row says.
pub(in crate::store) fn place_of(w: &Writer<'_>, org: &Id) -> Result<Place> {
    Ok(w.tx
        .prepare_cached("SELECT street_id, community_id FROM orgs WHERE id = ?1")?
        .query_row([org.as_str()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .unwrap_or((None, None)))
}

/// The organization's place rows, latest first: (id, from day).
fn history(w: &Writer<'_>, org: &Id) -> Result<Vec<(Id, String)>> {
    let rows =
        w.tx.prepare_cached(
            "SELECT id, COALESCE(from_on, '') FROM org_places WHERE org_id = ?1
             ORDER BY from_on DESC, id DESC",
        )?
        .query_map([org.as_str()], |r| Ok((Id(r.get(0)?), r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

fn place_fields(p: &Place) -> [(&'static str, Val); 2] {
    [
        ("street_id", p.0.as_deref().into()),
        ("community_id", p.1.as_deref().into()),
    ]
}

fn insert_place(w: &mut Writer<'_>, org: &Id, p: &Place, from: Date) -> Result<()> {
    let [street, community] = place_fields(p);
    w.insert(
        "org_places",
        &Id::new(),
        &[
            ("org_id", org.into()),
            street,
            community,
            ("from_on", from.into()),
        ],
    )?;
    // Bookkeeping that comes with a change, not a row the command made
    // (the command line prints those).
    w.applied.created.pop();
    Ok(())
}

/// After a command wrote the organization's street or community (it was at
/// `before`). Leaving a place it had is a move, dated `w.on`: a report as of
/// an earlier day still finds it where it was. Filling in a place it lacked
/// (an unplaced registration row given its street, a community where none
/// was recorded) is no move: it was there all along.
pub(in crate::store) fn placed(w: &mut Writer<'_>, org: &Id, before: &Place) -> Result<()> {
    let after = place_of(w, org)?;
    if after == *before {
        return Ok(());
    }
    let moved = before.0.is_some() && (before.0 != after.0 || before.1.is_some());
    if !moved {
        return corrected(w, org);
    }
    let on = w.on;
    match history(w, org)?.first() {
        None => {
            // The first move: the place it leaves, from the day it entered.
            let entered: Option<String> = w.one(
                "SELECT entered_on FROM orgs WHERE id = ?1",
                [org.as_str()],
                |r| r.get(0),
            )?;
            let entered = entered.and_then(|d| Date::parse("entered_on", &d).ok());
            if let Some(e) = entered.filter(|e| *e < on) {
                insert_place(w, org, before, e)?;
            }
            insert_place(w, org, &after, on)
        }
        Some((_, from)) if from.as_str() > on.to_string().as_str() => Err(Error::invalid(
            "on",
            on.to_string(),
            &format!(
                "{} {from}{}",
                tr(
                    "早于该组织上次变更街道或社区的日期",
                    "is before the organization's last change of street or community on"
                ),
                tr(
                    "，地点变更须按日期先后录入",
                    "; changes of place are entered in date order"
                )
            ),
        )),
        // A second change the same day replaces the first.
        Some((id, from)) if *from == on.to_string() => {
            let id = id.clone();
            w.update("org_places", &id, &place_fields(&after))
        }
        Some(_) => insert_place(w, org, &after, on),
    }
}

/// The place since the organization's last move is the one it has now (a
/// place filled in, or a conflict answered): the latest row says so too. An
/// organization without rows needs none.
pub(in crate::store) fn corrected(w: &mut Writer<'_>, org: &Id) -> Result<()> {
    let Some((id, _)) = history(w, org)?.into_iter().next() else {
        return Ok(());
    };
    let now = place_of(w, org)?;
    w.update("org_places", &id, &place_fields(&now))
}

/// (pending, verified_on) of an organization.
fn verification(w: &Writer<'_>, org: &Id) -> Result<(bool, Option<String>)> {
    Ok(w.one(
        "SELECT pending, verified_on FROM orgs WHERE id = ?1",
        [org.as_str()],
        |r| Ok((r.get::<_, Option<i64>>(0)?.unwrap_or(0) != 0, r.get(1)?)),
    )?)
}

/// `org confirm`: a pending organization operates from `w.on`, without a
/// survey (an inspection, a call, a document).
pub(in crate::store) fn confirm(w: &mut Writer<'_>, org: &Id) -> Result<()> {
    w.require(Noun::Org, org)?;
    let (pending, verified) = verification(w, org)?;
    let on = w.on;
    if !pending {
        return Err(Error::invalid(
            "org",
            org.as_str(),
            tr(
                "不是待核实的组织（已计入两新组织数）",
                "is not pending verification (it counts already)",
            ),
        ));
    }
    if let Some(v) = verified.filter(|v| *v <= on.to_string()) {
        return Err(Error::invalid(
            "org",
            org.as_str(),
            &format!("{} {v}", tr("已核实，日期", "was verified already on")),
        ));
    }
    w.update("orgs", org, &[("verified_on", on.into())])
}
