//! The synthetic district the benches share: generated once (about 30 s for
//! 100,000 organizations in a release build) and kept under target/bench-data.

use std::path::PathBuf;

use liangxin::store::{Actor, Store};

pub const ORGS: usize = 100_000;

pub fn district() -> Store {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bench-data");
    let path = dir.join(format!("gen-{ORGS}-v2.db"));
    if let Ok(store) = Store::open(&path) {
        if store.meta("generated").ok().flatten().is_some() {
            return store;
        }
    }
    let _ = std::fs::remove_file(&path);
    let mut store = Store::open(&path).expect("open bench database");
    let actor = Actor::from_env("bench", "district");
    let t = std::time::Instant::now();
    liangxin::demo::generate(&mut store, &actor, ORGS, 1).expect("generate district");
    eprintln!("generated {ORGS} organizations in {:?}", t.elapsed());
    store
}
