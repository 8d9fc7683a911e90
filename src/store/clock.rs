//! The hybrid logical clock: physical milliseconds in the high bits, a
//! counter in the low 16. The write path ticks it; received ops move it
//! forward, unless they claim a time more than a day ahead of ours, which
//! would otherwise drag this replica (and every later edit) into the future.

pub const COUNTER_BITS: u32 = 16;
pub const DAY_MS: i64 = 86_400_000;

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// The physical part of a clock value, in milliseconds since 1970.
pub fn physical_ms(hlc: i64) -> i64 {
    hlc >> COUNTER_BITS
}

/// Whether a received clock value is too far ahead to be trusted.
pub fn too_far_ahead(hlc: i64, now_ms: i64) -> bool {
    physical_ms(hlc) > now_ms.saturating_add(DAY_MS)
}

/// The local clock after receiving `remote`: the larger of the two, except
/// that a value flagged as too far ahead leaves it where it was.
pub fn observe(local: i64, remote: i64, now_ms: i64) -> i64 {
    if too_far_ahead(remote, now_ms) {
        local
    } else {
        local.max(remote)
    }
}

/// A clock value as an RFC 3339 time, for people.
pub fn show(hlc: i64) -> String {
    jiff::Timestamp::from_millisecond(physical_ms(hlc))
        .map(|t| {
            t.round(jiff::Unit::Second)
                .map_or_else(|_| t.to_string(), |r| r.to_string())
        })
        .unwrap_or_else(|_| hlc.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_ahead_is_flagged_and_does_not_move_the_clock() {
        let now = 1_700_000_000_000;
        let local = now << COUNTER_BITS;
        let year = (now + 365 * DAY_MS) << COUNTER_BITS;
        assert!(too_far_ahead(year, now));
        assert_eq!(observe(local, year, now), local);
        let hour = (now + 3_600_000) << COUNTER_BITS;
        assert!(!too_far_ahead(hour, now));
        assert_eq!(observe(local, hour, now), hour);
        assert_eq!(observe(hour, local, now), hour);
    }
}
