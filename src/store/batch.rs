//! Many dated commands for one transaction, held in chunks so that each
//! chunk's memory goes back as soon as its commands are applied: a batch of
//! 100,000 organizations does not stay whole in memory while its rows are
//! written beside it. A batch whose commands follow from little (a
//! half-year's tasks, from the organizations' ids) makes each as it is
//! taken instead (`Batch::made_as_taken`).

use crate::domain::{Command, Date};

/// Commands per chunk.
const CHUNK: usize = 4096;

/// The page cache a large batch writes with.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum PageCache {
    /// Its memory counts (an import a cadre runs beside other work): a
    /// small cache serves new rows whose ids follow the clock.
    Light,
    #[default]
    Normal,
    /// It builds a whole ledger (`gen`): its later commands update rows all
    /// over what it wrote, so it keeps those pages rather than spill and
    /// read them back.
    Whole,
}

/// Commands made one at a time as they are taken.
type Made = Box<dyn Iterator<Item = (Date, Command)> + Send>;

#[derive(Default)]
pub struct Batch {
    chunks: Vec<Vec<(Date, Command)>>,
    /// Taken after the chunks' commands; `len` counts them.
    made: Option<Made>,
    /// The day of the first made command, when there are no chunks.
    made_from: Option<Date>,
    len: usize,
    /// Its commands only add rows (new organizations and their tasks, a
    /// half-year's tasks): no command looks a task up by its organization.
    pub appending: bool,
    /// The page cache it writes with.
    pub cache: PageCache,
    /// It builds a whole ledger into an empty one (`gen`): every row its
    /// commands change, it made (`bulk_index`), and its pages are new
    /// (`whole`).
    pub whole: bool,
    /// The tables it fills: a large batch builds their list indexes once,
    /// after its rows are in (`bulk_index`). None named, none deferred.
    pub fills: &'static [&'static str],
}

impl Batch {
    pub fn new() -> Batch {
        Batch::default()
    }

    /// `cmds`, which fill `tables`.
    pub fn filling(cmds: Vec<(Date, Command)>, tables: &'static [&'static str]) -> Batch {
        Batch {
            fills: tables,
            ..Batch::from(cmds)
        }
    }

    /// `cmds`, which build a whole ledger into an empty one (`gen`): they
    /// fill every table, with the cache, deferred indexes and journal of
    /// such a batch.
    pub fn whole_ledger(cmds: Vec<(Date, Command)>) -> Batch {
        Batch {
            whole: true,
            cache: PageCache::Whole,
            ..Batch::filling(cmds, crate::store::schema::TABLES)
        }
    }

    /// `len` commands that `make` yields one at a time as the batch is
    /// applied, the first dated `first_on`; they fill `tables`. A command
    /// made is held only until it is applied.
    pub fn made_as_taken(
        len: usize,
        first_on: Date,
        make: impl Iterator<Item = (Date, Command)> + Send + 'static,
        tables: &'static [&'static str],
    ) -> Batch {
        Batch {
            made: Some(Box::new(make.take(len))),
            made_from: Some(first_on),
            len,
            fills: tables,
            ..Batch::default()
        }
    }

    pub fn push(&mut self, on: Date, cmd: Command) {
        match self.chunks.last_mut() {
            Some(c) if c.len() < CHUNK => c.push((on, cmd)),
            _ => {
                let mut c = Vec::with_capacity(CHUNK);
                c.push((on, cmd));
                self.chunks.push(c);
            }
        }
        self.len += 1;
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The day of the first command.
    pub fn first_on(&self) -> Option<Date> {
        let chunked = self.chunks.first().and_then(|c| c.first()).map(|(d, _)| *d);
        chunked.or(self.made_from.filter(|_| self.len > 0))
    }
}

impl std::fmt::Debug for Batch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Batch")
            .field("len", &self.len)
            .field("chunks", &self.chunks.len())
            .field("made", &self.made.is_some())
            .field("appending", &self.appending)
            .field("cache", &self.cache)
            .field("whole", &self.whole)
            .field("fills", &self.fills)
            .finish()
    }
}

impl From<Vec<(Date, Command)>> for Batch {
    fn from(v: Vec<(Date, Command)>) -> Batch {
        Batch {
            len: v.len(),
            chunks: vec![v],
            ..Batch::default()
        }
    }
}

impl IntoIterator for Batch {
    type Item = (Date, Command);
    /// Each chunk is dropped once its last command is taken; then the
    /// made ones follow.
    type IntoIter = std::iter::Chain<
        std::iter::Flatten<std::vec::IntoIter<Vec<(Date, Command)>>>,
        std::iter::Flatten<std::option::IntoIter<Made>>,
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.chunks
            .into_iter()
            .flatten()
            .chain(self.made.into_iter().flatten())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Id;

    #[test]
    fn commands_come_back_in_order_across_chunks() {
        let mut b = Batch::new();
        let on = Date::ymd(2024, 1, 1).expect("date");
        let ids: Vec<Id> = (0..CHUNK * 2 + 3).map(|_| Id::new()).collect();
        for id in &ids {
            b.push(on, Command::ConfirmOrg { org: id.clone() });
        }
        assert_eq!(b.len(), ids.len());
        assert_eq!(b.first_on(), Some(on));
        let back: Vec<Id> = b
            .into_iter()
            .map(|(_, c)| match c {
                Command::ConfirmOrg { org } => org,
                other => panic!("unexpected {other:?}"),
            })
            .collect();
        assert_eq!(back, ids);
    }

    #[test]
    fn made_commands_are_made_as_taken_and_counted() {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicUsize, Ordering};
        let on = Date::ymd(2024, 1, 1).expect("date");
        let ids: Vec<Id> = (0..5).map(|_| Id::new()).collect();
        let made = Arc::new(AtomicUsize::new(0));
        let counter = made.clone();
        let b = Batch::made_as_taken(
            ids.len(),
            on,
            ids.clone().into_iter().map(move |org| {
                counter.fetch_add(1, Ordering::SeqCst);
                (on, Command::ConfirmOrg { org })
            }),
            &["orgs"],
        );
        assert_eq!(
            (b.len(), b.first_on(), b.fills),
            (5, Some(on), &["orgs"][..])
        );
        let mut it = b.into_iter();
        assert_eq!(
            made.load(Ordering::SeqCst),
            0,
            "nothing made before it is taken"
        );
        let first = it.next();
        assert!(matches!(first, Some((_, Command::ConfirmOrg { ref org })) if *org == ids[0]));
        assert_eq!(made.load(Ordering::SeqCst), 1);
        assert_eq!(it.count(), 4);
        assert!(
            Batch::made_as_taken(0, on, std::iter::empty(), &[])
                .first_on()
                .is_none()
        );
    }
}
