//! Row identifiers: UUIDv7 as text, so replicas can mint ids without talking.

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct Id(pub String);

impl Id {
    /// A fresh id from the clock and the OS random source.
    pub fn new() -> Self {
        Id(uuid::Uuid::now_v7().to_string())
    }

    /// A deterministic id (demo and generated districts): the same seed and
    /// counter give the same id on every machine.
    pub fn seeded(unix_ms: u64, random: [u8; 10]) -> Self {
        Id(uuid::Builder::from_unix_timestamp_millis(unix_ms, &random)
            .into_uuid()
            .to_string())
    }

    /// The id of a row that follows from facts every replica holds (a
    /// cycle's half-year task of an organization): replicas that each make
    /// it make the same row, and sync merges them into one.
    pub fn derived(parts: &[&str]) -> Self {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        for p in parts {
            h.update((p.len() as u64).to_le_bytes());
            h.update(p.as_bytes());
        }
        let d = h.finalize();
        let mut b = [0u8; 16];
        b.copy_from_slice(&d[..16]);
        Id(uuid::Builder::from_custom_bytes(b).into_uuid().to_string())
    }

    /// Whether `s` has the shape of an id (used to decide how a reference is resolved).
    pub fn looks_like(s: &str) -> bool {
        uuid::Uuid::parse_str(s).is_ok()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for Id {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<String> for Id {
    fn from(s: String) -> Self {
        Id(s)
    }
}
