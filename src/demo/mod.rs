//! The demo district (Wuling District, Changde, 2022) and synthetic districts
//! for scale tests. Both are built from domain commands applied through the
//! store's one write path, so they carry ops and an audit record like any edit.

pub mod names;
pub mod rng;
mod synth;
mod wuling;

pub use synth::generate;
pub use wuling::build;

use crate::domain::{Command, Date};

/// The demo's "today": the end of the article's period.
pub fn demo_date() -> Date {
    Date(jiff::civil::date(2022, 9, 30))
}

/// Commands collected with their dates; applied in (phase, date) order so
/// places come first, then organizations, then the dated history.
#[derive(Default)]
pub(crate) struct Plan {
    cmds: Vec<(u8, Date, Command)>,
}

impl Plan {
    pub fn push(&mut self, phase: u8, on: Date, cmd: Command) {
        self.cmds.push((phase, on, cmd));
    }

    pub fn into_batch(mut self) -> Vec<(Date, Command)> {
        self.cmds.sort_by_key(|(p, d, _)| (*p, *d));
        self.cmds.into_iter().map(|(_, d, c)| (d, c)).collect()
    }
}

/// A date literal for the plans (all valid by construction).
pub(crate) fn d(y: i16, m: i8, day: i8) -> Date {
    Date(jiff::civil::date(y, m, day))
}
