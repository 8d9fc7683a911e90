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

/// Where digest bytes go: the hash itself, or an op stream's pending bytes.
trait Sink {
    fn feed(&mut self, b: &[u8]);
}

impl Sink for Sha256 {
    fn feed(&mut self, b: &[u8]) {
        self.update(b);
    }
}

impl Sink for Vec<u8> {
    fn feed(&mut self, b: &[u8]) {
        self.extend_from_slice(b);
    }
}

/// Feeds one SQLite value to the hash, its type included: a number stored
/// as text is not the number.
fn put(h: &mut impl Sink, v: ValueRef<'_>) {
    match v {
        ValueRef::Null => h.feed(&[0]),
        ValueRef::Integer(n) => {
            h.feed(&[1]);
            h.feed(&n.to_le_bytes());
        }
        ValueRef::Real(f) => {
            h.feed(&[2]);
            h.feed(&f.to_bits().to_le_bytes());
        }
        ValueRef::Text(s) => {
            h.feed(&[3]);
            h.feed(&(s.len() as u64).to_le_bytes());
            h.feed(s);
        }
        ValueRef::Blob(b) => {
            h.feed(&[4]);
            h.feed(&(b.len() as u64).to_le_bytes());
            h.feed(b);
        }
    }
}

/// A range's header: its site, first and last seq.
fn range_header(h: &mut Sha256, site: &str, a: i64, b: i64) {
    h.update(b"R");
    put(h, ValueRef::Text(site.as_bytes()));
    put(h, ValueRef::Integer(a));
    put(h, ValueRef::Integer(b));
}

/// The ops a write transaction appends, hashed as they are written rather
/// than read back: what `ops_digest` computes for them. A range's header
/// names its last op, so each range waits in `pending` until it is whole;
/// ranges of `RANGE_OPS` keep that wait small in a batch of many ops.
pub(super) struct OpStream {
    range_ops: i64,
    site: String,
    h: Sha256,
    ranges: Vec<(String, i64, i64)>,
    /// The first op of the range being written, and its bytes so far.
    first: i64,
    next: i64,
    pending: Vec<u8>,
}

/// Ops per range of a streamed transaction. A transaction of fewer ops
/// has one range, as before ranges were streamed.
const RANGE_OPS: i64 = 16_384;

impl OpStream {
    /// For ops of `site` from `first` on.
    pub(super) fn new(site: &str, first: i64) -> OpStream {
        OpStream::with_ranges(site, first, RANGE_OPS)
    }

    fn with_ranges(site: &str, first: i64, range_ops: i64) -> OpStream {
        OpStream {
            range_ops,
            site: site.to_string(),
            h: Sha256::new(),
            ranges: Vec::new(),
            first,
            next: first,
            pending: Vec::new(),
        }
    }

    /// The op `seq`, the next in order, as the log holds it (a new op is
    /// not refused).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn push(
        &mut self,
        seq: i64,
        hlc: i64,
        tbl: &str,
        row: &str,
        field: &str,
        value: &str,
        supersedes: Option<&str>,
    ) {
        debug_assert_eq!(seq, self.next, "ops are streamed in sequence");
        let p = &mut self.pending;
        p.push(b'O');
        put(p, ValueRef::Text(self.site.as_bytes()));
        put(p, ValueRef::Integer(seq));
        put(p, ValueRef::Integer(hlc));
        put(p, ValueRef::Text(tbl.as_bytes()));
        put(p, ValueRef::Text(row.as_bytes()));
        put(p, ValueRef::Text(field.as_bytes()));
        put(p, ValueRef::Text(value.as_bytes()));
        put(
            p,
            supersedes.map_or(ValueRef::Null, |s| ValueRef::Text(s.as_bytes())),
        );
        put(p, ValueRef::Null);
        self.next = seq + 1;
        if self.next - self.first == self.range_ops {
            self.close_range();
        }
    }

    fn close_range(&mut self) {
        if self.next > self.first {
            let last = self.next - 1;
            range_header(&mut self.h, &self.site, self.first, last);
            self.h.update(&self.pending);
            self.pending.clear();
            self.ranges.push((self.site.clone(), self.first, last));
            self.first = self.next;
        }
    }

    /// The ranges written, and the hash over them, for `append_audit`.
    pub(super) fn finish(mut self) -> (Covers, Sha256) {
        self.close_range();
        let covers = Covers {
            ranges: self.ranges,
            marks: Vec::new(),
        };
        (covers, self.h)
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
        range_header(&mut h, site, *a, *b);
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
    let mut d = close(conn, h, covers, base)?;
    d.ops += ops;
    d.missing = missing.or(d.missing);
    Ok(d)
}

/// The rest of `ops_digest` after the ranges, over `h`: each marked op's
/// refusal, then the base if `base`.
pub(super) fn close(
    conn: &Connection,
    mut h: Sha256,
    covers: &Covers,
    base: bool,
) -> Result<OpsDigest> {
    let mut missing = None;
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
        ops: 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ops streamed as they are written hash as the same ops read back
    /// from the log, over ranges of any length.
    #[test]
    fn a_streamed_digest_is_the_digest_read_back() {
        let (_dir, store) = crate::store::generated(40);
        let conn = &store.conn;
        // A superseded head, as a later change of a field names it.
        conn.execute("UPDATE ops SET supersedes = 'site:1' WHERE seq = 5", [])
            .expect("supersedes");
        let site: String = conn
            .query_row("SELECT site_id FROM oplog LIMIT 1", [], |r| r.get(0))
            .expect("site");
        type Op = (i64, i64, String, String, String, String, Option<String>);
        let ops: Vec<Op> = conn
            .prepare(
                "SELECT seq, hlc, tbl, row_id, field, value, supersedes FROM oplog
                 WHERE site_id = ?1 ORDER BY seq",
            )
            .expect("prepare")
            .query_map([&site], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                ))
            })
            .expect("query")
            .collect::<rusqlite::Result<_>>()
            .expect("ops");
        assert!(ops.len() > 100, "{} ops", ops.len());
        let mut stream = OpStream::with_ranges(&site, 1, 7);
        for (seq, hlc, tbl, row, field, value, sup) in &ops {
            stream.push(*seq, *hlc, tbl, row, field, value, sup.as_deref());
        }
        let (covers, h) = stream.finish();
        // Whole ranges of seven, then the rest, one after another.
        let last = ops.len() as i64;
        assert_eq!(covers.ranges.len() as i64, (last + 6) / 7);
        let mut next = 1;
        for (s, a, b) in &covers.ranges {
            assert_eq!((s.as_str(), *a), (site.as_str(), next));
            assert!(b - a < 7);
            next = b + 1;
        }
        assert_eq!(next, last + 1);
        let streamed = close(conn, h, &covers, true).expect("close").hex;
        let read = ops_digest(conn, &covers, true, &|_, _| false).expect("read back");
        assert_eq!(read.missing, None);
        assert_eq!(read.ops as i64, last);
        assert_eq!(streamed, read.hex);
        // An op changed after it was written no longer matches.
        conn.execute("UPDATE ops SET value = '[]' WHERE seq = ?1", [last])
            .expect("edit");
        let edited = ops_digest(conn, &covers, true, &|_, _| false).expect("read back");
        assert_ne!(streamed, edited.hex);
    }
}
