//! The verdict on each received op, before any is stored: the site it
//! claims, its value against the field's rule, the sender's scope. Who may
//! send what is the same question as for a local write (`scope`,
//! `scope_ops`), asked of ops.

use std::collections::{HashMap, HashSet};

use rusqlite::{OptionalExtension, Transaction, params};

use super::actor::Actor;
use super::op::Op;
use super::schema::SCHEMA_VERSION;
use super::scope::User;
use super::scope_ops::{self, Batch};
use crate::error::Result;
use crate::i18n::tr;

/// Who sent a batch, as far as the receiver knows.
#[derive(Debug, Clone)]
pub struct Sender {
    /// The user at the other end: the connection's identity on a server, the
    /// user importing a bundle or writing into a ledger file. `None` when the
    /// receiver takes the sender's word (a laptop pulling from its server).
    pub actor: Option<Actor>,
    /// The site that connected (or wrote the bundle).
    pub site: Option<String>,
    /// "sync" or "bundle", for the audit record.
    pub via: &'static str,
}

impl Sender {
    /// A peer whose ops are taken as they come (a laptop pulling from its server).
    pub fn trusted(site: Option<String>) -> Sender {
        Sender {
            actor: None,
            site,
            via: "sync",
        }
    }
}

/// What the receiver does with one new op.
pub(super) enum Verdict {
    Apply,
    /// Stored with the reason, never applied.
    Refuse(String),
    /// Not stored at all: the op claims a site the sender may not write for.
    Drop(String),
}

impl Verdict {
    fn rank(&self) -> u8 {
        match self {
            Verdict::Apply => 0,
            Verdict::Refuse(_) => 1,
            Verdict::Drop(_) => 2,
        }
    }
}

/// The verdict on each op the batch may store, decided before any is
/// stored: ops that move a row (street, community, the organization a row
/// belongs to) first, in order, each judged with the moves accepted before
/// it; then the rest, judged with the places the accepted moves leave. A
/// refused move moves nothing, so an edit sent with it is judged where the
/// row stays.
pub(super) fn decide(
    tx: &Transaction<'_>,
    own: &str,
    user: Option<&User>,
    from: &Sender,
    rows: &HashSet<(&str, &str)>,
    ops: &[Op],
) -> Result<HashMap<(String, i64), Verdict>> {
    let mut held: HashMap<&str, i64> = HashMap::new();
    let mut candidates: Vec<Op> = Vec::new();
    for op in ops {
        if op.site == own || op.refused.is_some() || op.schema > SCHEMA_VERSION {
            continue;
        }
        let h = match held.get(op.site.as_str()) {
            Some(h) => *h,
            None => {
                let h: Option<i64> = tx
                    .prepare_cached("SELECT MAX(seq) FROM oplog WHERE site_id = ?1")?
                    .query_row([&op.site], |r| r.get(0))?;
                let h = h.unwrap_or(0);
                held.insert(op.site.as_str(), h);
                h
            }
        };
        // A stub sets nothing (and comes only from a sender taken at its word).
        if op.seq > h && !op.is_stub() {
            // A row op is judged field by field, as the ops it stands for.
            candidates.extend(op.expand());
        }
    }
    let verdict = |op: &Op, batch: &Batch| -> Result<Verdict> {
        Ok(match (user, value_refusal(tx, rows, op)?) {
            (Some(u), None) => judge(tx, u, from, batch, op)?,
            // A site check still comes first: a value refusal is stored.
            (Some(u), Some(why)) => match judge(tx, u, from, batch, op)? {
                Verdict::Drop(d) => Verdict::Drop(d),
                _ => Verdict::Refuse(why),
            },
            (None, Some(why)) => Verdict::Refuse(why),
            (None, None) => Verdict::Apply,
        })
    };
    let (moves, rest): (Vec<&Op>, Vec<&Op>) =
        candidates.iter().partition(|o| Batch::decides_place(o));
    // Moves: each judged with the others that stand; a refused one is taken
    // out and the rest judged again, until none more is refused (refusals
    // only shrink the set, so this ends).
    let mut out: HashMap<(String, i64), Verdict> = HashMap::new();
    loop {
        let standing = || {
            moves
                .iter()
                .copied()
                .filter(|o| !out.contains_key(&(o.site.clone(), o.seq)))
        };
        let batch = Batch::of(standing().chain(rest.iter().copied()));
        let mut refused = Vec::new();
        for op in standing() {
            let v = verdict(op, &batch)?;
            if !matches!(v, Verdict::Apply) {
                refused.push(((op.site.clone(), op.seq), v));
            }
        }
        if refused.is_empty() {
            break;
        }
        out.extend(refused);
    }
    let accepted: Vec<&Op> = moves
        .iter()
        .copied()
        .filter(|o| !out.contains_key(&(o.site.clone(), o.seq)))
        .collect();
    // The rest, where the accepted moves leave the rows (a task's kind from
    // the batch too: making a half-year task is judged by it).
    let batch = Batch::of(accepted.iter().chain(rest.iter()).copied());
    for op in accepted {
        out.entry((op.site.clone(), op.seq))
            .or_insert(Verdict::Apply);
    }
    for op in rest {
        let v = verdict(op, &batch)?;
        // The fields of one row op share its key: the worst verdict stands.
        let slot = out
            .entry((op.site.clone(), op.seq))
            .or_insert(Verdict::Apply);
        if v.rank() > slot.rank() {
            *slot = v;
        }
    }
    Ok(out)
}

/// The checks that need to know who sent the op.
fn judge(
    tx: &Transaction<'_>,
    user: &User,
    from: &Sender,
    batch: &Batch,
    op: &Op,
) -> Result<Verdict> {
    let os_user = from
        .actor
        .as_ref()
        .map(|a| a.os_user.clone())
        .unwrap_or_default();
    let owner: Option<String> = tx
        .prepare_cached("SELECT os_user FROM sync_sites WHERE site_id = ?1")?
        .query_row([&op.site], |r| r.get(0))
        .optional()?;
    match owner {
        Some(o) if o != os_user => {
            return Ok(Verdict::Drop(format!(
                "{} {}",
                tr("该站点属于用户", "the site belongs to user"),
                crate::text::clean(&o)
            )));
        }
        Some(_) => {}
        // A site is registered to the user who first sends from it; ops of a
        // third site wait for their own user.
        None if from.site.as_deref() == Some(op.site.as_str()) => {
            tx.prepare_cached(
                "INSERT INTO sync_sites(site_id, os_user, registered_at) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![
                op.site,
                os_user,
                jiff::Timestamp::now().to_string()
            ])?;
        }
        None => {
            return Ok(Verdict::Drop(
                tr(
                    "转交的其他站点的操作记录，待该站点自己同步",
                    "relayed ops of another site wait for that site's own sync",
                )
                .to_string(),
            ));
        }
    }
    Ok(match scope_ops::refusal(tx, user, batch, op)? {
        Some(why) => Verdict::Refuse(why),
        None => Verdict::Apply,
    })
}

/// Why the op's value does not fit its column (type, range, vocabulary,
/// date, a reference to a row that is neither held nor in the batch): the
/// same rule (`domain::fields`) as a form, an import or a conflict answer.
fn value_refusal(
    tx: &Transaction<'_>,
    rows: &HashSet<(&str, &str)>,
    op: &Op,
) -> Result<Option<String>> {
    let v = match super::fields::check_op(op) {
        Ok(v) => v,
        Err(e) => return Ok(Some(e.to_string())),
    };
    if let (Some(target), super::Val::Text(id)) =
        (crate::domain::fields::reference(&op.tbl, &op.field), &v)
        && rows.contains(&(target, id.as_str()))
    {
        return Ok(None);
    }
    Ok(super::fields::check_ref(tx, &op.tbl, &op.field, &v)
        .err()
        .map(|e| e.to_string()))
}
