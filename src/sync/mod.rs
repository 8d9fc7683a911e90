//! Sync between replicas: the wire protocol and bundle files, sessions and
//! transports. Received ops are applied by the store (`store::merge`), through
//! the same door as local writes; nothing here writes a table.

pub mod bundle;
pub mod conflicts;
pub mod dump;
pub mod proto;
pub mod session;
pub mod transport;

pub use crate::store::clock;
pub use crate::store::merge::{self, Report};
pub use crate::store::op::{self, Op};
pub use crate::store::peers::{self, Status, status};

use crate::error::Result;
use crate::store::Store;
pub use crate::store::receive::Sender;

/// Ops per batch on the wire and per apply transaction.
pub const BATCH: usize = 2000;

/// Applies received ops to a store, taking them as they come (see
/// `Store::receive` for a sender the store checks).
pub fn apply_ops(store: &mut Store, ops: &[Op]) -> Result<Report> {
    store.receive(&Sender::trusted(None), ops)
}

/// Copies into `dst` every op `src` holds that `dst` lacks: the steps of a
/// pull, without a wire between them. `from` is who `dst` takes them from.
pub fn pull_local(dst: &mut Store, src: &Store, from: &Sender) -> Result<Report> {
    let theirs = merge::have(&dst.conn)?;
    merge::check_tips(&src.conn, &theirs, &merge::tips(&dst.conn, &theirs)?)?;
    let mut rep = Report::default();
    merge::for_each_missing(&src.conn, &theirs, BATCH, |ops| {
        rep.add(&dst.receive(from, &ops)?);
        Ok(())
    })?;
    // `dst`'s own ops that `src` refused come back marked, as in `serve`.
    let refused = src.refused_of(dst.site())?;
    for ops in refused.chunks(BATCH) {
        rep.add(&dst.receive(from, ops)?);
    }
    Ok(rep)
}

/// Pulls then pushes between two stores in one process, each taking the
/// other's ops as they come.
pub fn exchange(a: &mut Store, b: &mut Store) -> Result<Report> {
    let from_b = Sender::trusted(Some(b.site().to_string()));
    let mut rep = pull_local(a, b, &from_b)?;
    let from_a = Sender::trusted(Some(a.site().to_string()));
    rep.add(&pull_local(b, a, &from_a)?);
    Ok(rep)
}
