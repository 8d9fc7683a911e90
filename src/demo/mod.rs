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

    /// Sorted by (phase, date), stable: the keys and places are sorted, not
    /// the commands, which are large and would be moved at every step.
    pub fn into_batch(self) -> Vec<(Date, Command)> {
        let mut order: Vec<(u8, Date, usize)> = self
            .cmds
            .iter()
            .enumerate()
            .map(|(i, (p, d, _))| (*p, *d, i))
            .collect();
        order.sort_unstable();
        let mut cmds: Vec<Option<Command>> =
            self.cmds.into_iter().map(|(_, _, c)| Some(c)).collect();
        order
            .into_iter()
            .filter_map(|(_, d, i)| cmds.get_mut(i).and_then(Option::take).map(|c| (d, c)))
            .collect()
    }
}

/// A date literal for the plans (all valid by construction).
pub(crate) fn d(y: i16, m: i8, day: i8) -> Date {
    Date(jiff::civil::date(y, m, day))
}
