//! What an audit record answers for: the ops its transaction wrote (and
//! those it marked refused), and a digest over their content that the
//! record's hash covers, so `check` sees an op log edited behind the app.

use rusqlite::types::{Value, ValueRef};
use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

use crate::error::Result;

/// The ops one audit record answers for: the ranges its transaction wrote,
/// and the ops it marked refused (each held no refusal until then).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Covers {
    /// (site, first seq, last seq), sites in order.
    pub ranges: Vec<(String, i64, i64)>,
    /// (site, seq).
    pub marks: Vec<(String, i64)>,
}

impl Covers {
    /// `first..=last` of `site`; nothing when the transaction wrote no op.
    pub fn local(site: &str, first: i64, last: i64) -> Covers {
        let ranges = if last >= first {
            vec![(site.to_string(), first, last)]
        } else {
            Vec::new()
        };
        Covers {
            ranges,
            marks: Vec::new(),
        }
    }

    /// "site:first-last,…" (site ids hold neither ',' nor ':').
    pub fn ranges_text(&self) -> String {
        let parts: Vec<String> = self
            .ranges
            .iter()
            .map(|(s, a, b)| format!("{s}:{a}-{b}"))
            .collect();
        parts.join(",")
    }

    /// "site:seq,…".
    pub fn marks_text(&self) -> String {
        let parts: Vec<String> = self.marks.iter().map(|(s, q)| format!("{s}:{q}")).collect();
        parts.join(",")
    }

    pub(super) fn parse(ranges: &str, marks: &str) -> Option<Covers> {
        let items = |s: &str| -> Vec<String> {
            s.split(',')
                .filter(|x| !x.is_empty())
                .map(str::to_string)
                .collect()
        };
        let mut c = Covers::default();
        for r in items(ranges) {
            let (site, span) = r.rsplit_once(':')?;
            let (a, b) = span.split_once('-')?;
            c.ranges
                .push((site.to_string(), a.parse().ok()?, b.parse().ok()?));
        }
        for m in items(marks) {
            let (site, seq) = m.rsplit_once(':')?;
            c.marks.push((site.to_string(), seq.parse().ok()?));
        }
        Some(c)
    }
}

/// Feeds one SQLite value to the hash, its type included: a number stored
/// as text is not the number.
fn put(h: &mut Sha256, v: ValueRef<'_>) {
    match v {
        ValueRef::Null => h.update([0]),
        ValueRef::Integer(n) => {
            h.update([1]);
            h.update(n.to_le_bytes());
        }
        ValueRef::Real(f) => {
            h.update([2]);
            h.update(f.to_bits().to_le_bytes());
        }
        ValueRef::Text(s) => {
            h.update([3]);
            h.update((s.len() as u64).to_le_bytes());
            h.update(s);
        }
        ValueRef::Blob(b) => {
            h.update([4]);
            h.update((b.len() as u64).to_le_bytes());
            h.update(b);
        }
    }
}

/// What `ops_digest` found.
pub(super) struct OpsDigest {
    pub hex: String,
    /// The first op the record names that the log does not hold ("site:seq").
    pub missing: Option<String>,
    pub ops: usize,
}

/// SHA-256 over the content of the ops `covers` names, as the op log holds
/// them now: per range, each op in sequence order (site, seq, hlc, table,
/// row, field, value, supersedes, refused); then each marked op's refusal.
/// `marked_later(site, seq)`: a later record marked the op refused, so it
/// held none when this record was written. With `base`, the per-site ops
/// held before records carried digests are folded in too (the first record
/// with a digest answers for that list).
pub(super) fn ops_digest(
    conn: &Connection,
    covers: &Covers,
    base: bool,
    marked_later: &dyn Fn(&str, i64) -> bool,
) -> Result<OpsDigest> {
    let mut h = Sha256::new();
    let mut missing = None;
    let mut ops = 0;
    let mut stmt = conn.prepare_cached(
        "SELECT seq, hlc, tbl, row_id, field, value, supersedes, refused FROM oplog
         WHERE site_id = ?1 AND seq BETWEEN ?2 AND ?3 ORDER BY seq",
    )?;
    for (site, a, b) in &covers.ranges {
        h.update(b"R");
        put(&mut h, ValueRef::Text(site.as_bytes()));
        put(&mut h, ValueRef::Integer(*a));
        put(&mut h, ValueRef::Integer(*b));
        let mut rows = stmt.query(params![site, a, b])?;
        let mut next = *a;
        while let Some(r) = rows.next()? {
            let seq = match r.get_ref(0)? {
                ValueRef::Integer(n) => n,
                _ => next,
            };
            if seq != next && missing.is_none() {
                missing = Some(format!("{site}:{next}"));
            }
            next = seq + 1;
            ops += 1;
            h.update(b"O");
            put(&mut h, ValueRef::Text(site.as_bytes()));
            for i in 0..7 {
                put(&mut h, r.get_ref(i)?);
            }
            if marked_later(site, seq) {
                put(&mut h, ValueRef::Null);
            } else {
                put(&mut h, r.get_ref(7)?);
            }
        }
        if next <= *b && missing.is_none() {
            missing = Some(format!("{site}:{next}"));
        }
    }
    let mut refused =
        conn.prepare_cached("SELECT refused FROM oplog WHERE site_id = ?1 AND seq = ?2")?;
    for (site, seq) in &covers.marks {
        h.update(b"M");
        put(&mut h, ValueRef::Text(site.as_bytes()));
        put(&mut h, ValueRef::Integer(*seq));
        let v: Option<Value> = refused
            .query_row(params![site, seq], |r| r.get(0))
            .optional()?;
        match v {
            Some(v) => put(&mut h, (&v).into()),
            None => {
                h.update(b"-");
                if missing.is_none() {
                    missing = Some(format!("{site}:{seq}"));
                }
            }
        }
    }
    if base {
        h.update(b"B");
        let mut stmt = conn.prepare("SELECT site_id, seq FROM audit_base ORDER BY site_id")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            put(&mut h, r.get_ref(0)?);
            put(&mut h, r.get_ref(1)?);
        }
    }
    Ok(OpsDigest {
        hex: h.finalize().iter().map(|b| format!("{b:02x}")).collect(),
        missing,
        ops,
    })
}
