//! The rows of a query in organization order, taken one organization at a
//! time beside the organizations' own query (a merge join in memory): the
//! alert facts of 100,000 organizations are read without holding them all.

use rusqlite::{Row, Rows};

use crate::error::Result;

/// How a row reads: its organization (none: it comes before every
/// organization, as SQLite orders a null) and what it carries.
pub type Read<T> = fn(&Row<'_>) -> rusqlite::Result<(Option<String>, T)>;

/// A query whose first column is an organization id, ordered by it (SQLite's
/// binary order of text, which is Rust's order of `str`).
pub struct ByOrg<'s, T> {
    rows: Rows<'s>,
    read: Read<T>,
    /// The row read but not yet taken.
    next: Option<(Option<String>, T)>,
    done: bool,
}

impl<'s, T> ByOrg<'s, T> {
    pub fn new(rows: Rows<'s>, read: Read<T>) -> ByOrg<'s, T> {
        ByOrg {
            rows,
            read,
            next: None,
            done: false,
        }
    }

    /// The next row's organization, the row read if none is waiting;
    /// `None` when the rows are done.
    fn peek(&mut self) -> Result<Option<Option<&str>>> {
        if self.next.is_none() && !self.done {
            match self.rows.next()? {
                Some(r) => self.next = Some((self.read)(r)?),
                None => self.done = true,
            }
        }
        Ok(self.next.as_ref().map(|(o, _)| o.as_deref()))
    }

    /// Hands `each` the rows of `org`, and `other` the rows before it: rows
    /// of organizations not read (deleted ones, say) or of none.
    /// Organizations must be asked for in ascending order.
    pub fn take(
        &mut self,
        org: &str,
        mut each: impl FnMut(T),
        mut other: impl FnMut(T),
    ) -> Result<()> {
        while let Some(o) = self.peek()? {
            if o.is_some_and(|o| o > org) {
                break;
            }
            let here = o == Some(org);
            if let Some((_, t)) = self.next.take() {
                match here {
                    true => each(t),
                    false => other(t),
                }
            }
        }
        Ok(())
    }

    /// Hands `other` every row not taken yet.
    pub fn rest(&mut self, mut other: impl FnMut(T)) -> Result<()> {
        while self.peek()?.is_some() {
            if let Some((_, t)) = self.next.take() {
                other(t);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_taken_by_organization_in_order_and_others_passed_on() {
        let conn = rusqlite::Connection::open_in_memory().expect("db");
        conn.execute_batch(
            "CREATE TABLE t (org TEXT, v INTEGER);
             INSERT INTO t VALUES ('b', 1), ('a', 2), (NULL, 3), ('b', 4), ('d', 5), ('e', 6);",
        )
        .expect("rows");
        let mut stmt = conn
            .prepare("SELECT org, v FROM t ORDER BY org, v")
            .expect("prepare");
        let mut q: ByOrg<'_, i64> = ByOrg::new(stmt.query([]).expect("query"), |r| {
            Ok((r.get(0)?, r.get(1)?))
        });
        let (mut mine, mut other) = (Vec::new(), Vec::new());
        for org in ["b", "c", "d"] {
            q.take(org, |v| mine.push((org, v)), |v| other.push(v))
                .expect("take");
        }
        q.rest(|v| other.push(v)).expect("rest");
        // The row of no organization and 'a' come before the first asked
        // for, 'e' after the last.
        assert_eq!(mine, vec![("b", 1), ("b", 4), ("d", 5)]);
        assert_eq!(other, vec![3, 2, 6]);
    }
}
