//! The survey loop 社区 → 经济办 → 党建办 → 社区 and the half-year cycle.

use super::Date;
use super::kinds::{Stage, TaskKind};

/// The stage a task moves to when the office holding it hands it on.
pub fn next(stage: Stage) -> Stage {
    match stage {
        Stage::Report => Stage::Survey,
        Stage::Survey => Stage::Cover,
        Stage::Cover => Stage::FollowUp,
        Stage::FollowUp | Stage::Closed => Stage::Closed,
    }
}

/// Where a new task of this kind enters the loop: the community reports what
/// it noticed; registration checks and half-year updates start with the
/// economic office's survey; organizing sits with the party-building office.
pub fn first_stage(kind: TaskKind) -> Stage {
    match kind {
        TaskKind::AdHoc => Stage::Report,
        TaskKind::HalfYear | TaskKind::Registration => Stage::Survey,
        TaskKind::Organize => Stage::Cover,
        TaskKind::FollowUp => Stage::FollowUp,
    }
}

/// The half-year cycle holding `day`: (first day, last day = due date).
/// Cycles end on 30 June and 31 December.
pub fn cycle(day: Date) -> (Date, Date) {
    let y = day.year();
    let d = |m, dd| Date(jiff::civil::date(y, m, dd));
    if day.month() <= 6 {
        (d(1, 1), d(6, 30))
    } else {
        (d(7, 1), d(12, 31))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_loop_ends_closed_and_cycles_end_in_june_and_december() {
        let mut s = Stage::Report;
        let mut seen = vec![s];
        while s != Stage::Closed {
            s = next(s);
            seen.push(s);
        }
        assert_eq!(seen.len(), 5);
        let day = Date::parse("d", "2022-09-30").unwrap();
        assert_eq!(cycle(day).0.to_string(), "2022-07-01");
        assert_eq!(cycle(day).1.to_string(), "2022-12-31");
        let day = Date::parse("d", "2022-06-30").unwrap();
        assert_eq!(cycle(day).0.to_string(), "2022-01-01");
        assert_eq!(cycle(day).1.to_string(), "2022-06-30");
    }
}
