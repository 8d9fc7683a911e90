//! The synthetic district benches run on: 100,000 organizations, generated
//! once and kept under target/ (about 30 s the first time).

use std::path::PathBuf;

use liangxin::store::{Actor, Store};

pub const ORGS: usize = 100_000;

pub fn district_path() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("bench-data")
        // One file per schema: a district written by an older build would be
        // migrated, not written as this build writes it.
        .join(format!(
            "gen-{ORGS}-s{}.db",
            liangxin::store::schema::SCHEMA_VERSION
        ))
}

pub fn district() -> Store {
    let path = district_path();
    if let Ok(store) = Store::open(&path) {
        if store.meta("generated").ok().flatten().is_some() {
            return store;
        }
    }
    let _ = std::fs::remove_file(&path);
    let mut store = Store::open(&path).expect("open bench database");
    let actor = Actor::of_process("bench", "district");
    // As `gen` does: a ledger id from the start, so no open of a copy
    // derives one from the op log.
    store.ensure_ledger_id().expect("ledger id");
    let t = std::time::Instant::now();
    liangxin::demo::generate(&mut store, &actor, ORGS, 1).expect("generate district");
    eprintln!("generated {ORGS} organizations in {:?}", t.elapsed());
    store
}
