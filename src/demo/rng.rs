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
        self.id_seed().id()
    }

    /// A deterministic UUIDv7 minted on `day`, as a ledger kept day by day
    /// mints them: rows entered in date order go to the end of each index,
    /// not all over it.
    pub fn id_on(&mut self, day: Date) -> Id {
        self.id_seed().on(day)
    }

    /// The random parts of an id, drawn now (as many draws as `id`); its
    /// day can be set once it is known.
    pub fn id_seed(&mut self) -> IdSeed {
        let mut random = [0u8; 10];
        random[..8].copy_from_slice(&self.next_u64().to_le_bytes());
        random[8..].copy_from_slice(&self.next_u64().to_le_bytes()[..2]);
        IdSeed {
            random,
            spread: self.next_u64(),
        }
    }
}

pub struct IdSeed {
    random: [u8; 10],
    spread: u64,
}

impl IdSeed {
    /// 2022-01-01T00:00:00Z plus a spread of about eleven days.
    pub fn id(self) -> Id {
        Id::seeded(1_640_995_200_000 + self.spread % 1_000_000_000, self.random)
    }

    /// A moment of `day` (UTC).
    pub fn on(self, day: Date) -> Id {
        const DAY_MS: u64 = 86_400_000;
        let epoch = Date(jiff::civil::date(1970, 1, 1));
        let days = u64::try_from(epoch.days_until(day)).unwrap_or(0);
        Id::seeded(days * DAY_MS + self.spread % DAY_MS, self.random)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_minted_on_later_days_sort_after_earlier_ones() {
        let mut r = Rng::new(1);
        let start = Date(jiff::civil::date(2014, 1, 1));
        let mut prev = r.id_on(start);
        for n in 1..2000 {
            let id = r.id_on(start.add_days(n));
            assert!(id.0 > prev.0, "{} after {}", id.0, prev.0);
            prev = id;
        }
        // As many draws as `id`: what the generator draws next is unchanged.
        let (mut a, mut b) = (Rng::new(7), Rng::new(7));
        a.id();
        b.id_on(start);
        assert_eq!(a.next_u64(), b.next_u64());
    }
}
