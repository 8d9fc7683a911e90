//! A small deterministic generator (SplitMix64): the demo district and the
//! synthetic districts must come out the same on every machine.

use crate::domain::{Date, Id};

pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// 0..n (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }

    /// a..=b
    pub fn range(&mut self, a: i64, b: i64) -> i64 {
        if b <= a {
            a
        } else {
            a + self.below((b - a + 1) as u64) as i64
        }
    }

    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }

    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }

    pub fn shuffle<T>(&mut self, xs: &mut [T]) {
        for i in (1..xs.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            xs.swap(i, j);
        }
    }

    /// A day in a..=b.
    pub fn date(&mut self, a: Date, b: Date) -> Date {
        a.add_days(self.range(0, a.days_until(b)))
    }

    /// A deterministic UUIDv7.
    pub fn id(&mut self) -> Id {
        let mut r = [0u8; 10];
        r[..8].copy_from_slice(&self.next_u64().to_le_bytes());
        r[8..].copy_from_slice(&self.next_u64().to_le_bytes()[..2]);
        // 2022-01-01T00:00:00Z plus a counter-like spread keeps ids sortable by creation.
        let ms = 1_640_995_200_000 + (self.next_u64() % 1_000_000_000);
        Id::seeded(ms, r)
    }
}
