//! The audit record each write transaction appends: who, what, when, the
//! ops it answers for and a digest of them, chained by hash to the record
//! before it.

use rusqlite::{OptionalExtension, Transaction, params};
use sha2::{Digest, Sha256};

use super::digest::{Covers, close, ops_digest};
use super::write::Actor;
use crate::domain::{Date, Id};
use crate::error::Result;

/// Appends the transaction's audit record, chained to the one before it,
/// and returns its id. Its
/// hash covers who, what and when, the ops it answers for (`covers`) and a
/// digest of their content, so an op edited later no longer matches it.
/// `hashed`: the hash over `covers`' ranges, taken as the ops were written
/// (`OpStream`); without it they are read back.
#[allow(clippy::too_many_arguments)]
pub(super) fn append_audit(
    tx: &Transaction<'_>,
    actor: &Actor,
    action: &str,
    detail: &str,
    reason: Option<&str>,
    on: Date,
    site: &str,
    first_seq: i64,
    last_seq: i64,
    ops: usize,
    covers: &Covers,
    hashed: Option<sha2::Sha256>,
) -> Result<String> {
    let prev: Option<(String, Option<String>)> = tx
        .query_row(
            "SELECT hash, ops_digest FROM audit ORDER BY rowid DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    // The record answers for its ops: their content, as `check` reads it back.
    // The first record with a digest also answers for the ops held before.
    let first = prev.as_ref().is_none_or(|(_, d)| d.is_none());
    let digest = match hashed {
        Some(h) => close(tx, h, covers, first)?.hex,
        None => ops_digest(tx, covers, first, &|_, _| false)?.hex,
    };
    let (ranges, marks) = (covers.ranges_text(), covers.marks_text());
    let prev = prev.map(|(h, _)| h);
    let at = jiff::Timestamp::now().to_string();
    let id = Id::new();
    // Acting as another user (`--as`, an SSH key's forced command) is said in the record.
    let via_detail;
    let detail = match &actor.via {
        Some(v) => {
            via_detail = format!("{detail} [{v}]");
            via_detail.as_str()
        }
        None => detail,
    };
    let fields = [
        id.as_str(),
        &at,
        &actor.os_user,
        &actor.name,
        &actor.office,
        action,
        detail,
        reason.unwrap_or(""),
        &on.to_string(),
        site,
        &first_seq.to_string(),
        &last_seq.to_string(),
        &ops.to_string(),
        prev.as_deref().unwrap_or(""),
        &ranges,
        &marks,
        &digest,
    ];
    let hash = chain_hash(&fields);
    tx.execute(
        "INSERT INTO audit(id, at, os_user, user_name, office, action, detail, reason, on_date,
                           site_id, first_seq, last_seq, ops, prev_hash, hash,
                           op_ranges, op_marks, ops_digest)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
        params![
            id.as_str(),
            at,
            actor.os_user,
            actor.name,
            actor.office,
            action,
            detail,
            reason,
            on.to_string(),
            site,
            first_seq,
            last_seq,
            ops as i64,
            prev,
            hash,
            ranges,
            marks,
            digest
        ],
    )?;
    Ok(id.0)
}

/// SHA-256 over the record's fields (length-prefixed, so no two records
/// serialize alike) and the previous record's hash.
pub fn chain_hash(fields: &[&str]) -> String {
    let mut h = Sha256::new();
    for f in fields {
        h.update((f.len() as u64).to_le_bytes());
        h.update(f.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}
