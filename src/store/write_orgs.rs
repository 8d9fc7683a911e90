//! What a write transaction remembers of the organizations it made: the
//! few columns its commands read back (whether the organization operates on
//! a day; what a survey compares), and the latest survey it recorded of
//! each. A batch that makes organizations and then names them (`gen`: their
//! members, the branches covering them, their surveys) answers from here
//! instead of reading each row again. An entry goes as soon as any field of
//! its row changes; every row this transaction did not make is read.

use rusqlite::types::Value;

use crate::domain::{Date, Val};

/// An organization as its insert wrote it. Small: a batch keeps one per
/// organization it makes.
#[derive(Clone, Copy)]
pub(super) struct OrgRead {
    entered: Option<Date>,
    closed: Option<Date>,
    verified: Option<Date>,
    /// The latest survey this transaction recorded of it (none before: it
    /// did not exist).
    last_survey: Option<Date>,
    employees: Option<i64>,
    identity_check: Option<bool>,
    pending: bool,
    check_due: bool,
}

/// A day column's value, if it is one (null, or a date in its one spelling).
fn day(v: Option<&Val>) -> Option<Option<Date>> {
    match v {
        None | Some(Val::Null) => Some(None),
        Some(Val::Text(s)) if Date::is_written(s) => Date::parse("", s).ok().map(Some),
        Some(Val::Text(_) | Val::Int(_)) => None,
    }
}

fn int(v: Option<&Val>) -> Option<Option<i64>> {
    match v {
        None | Some(Val::Null) => Some(None),
        Some(Val::Int(n)) => Some(Some(*n)),
        Some(Val::Text(_)) => None,
    }
}

impl OrgRead {
    /// From the fields an insert of `orgs` named (the others take their
    /// column's default: null, `pending` 0). `None` when a value is not as
    /// the rules write it: that row is read back instead.
    pub fn inserted(fields: &[(&'static str, Val)]) -> Option<OrgRead> {
        let get = |name: &str| fields.iter().find(|(f, _)| *f == name).map(|(_, v)| v);
        let flag = |name: &str| -> Option<Option<bool>> {
            match int(get(name))? {
                None => Some(None),
                Some(0) => Some(Some(false)),
                Some(1) => Some(Some(true)),
                Some(_) => None,
            }
        };
        Some(OrgRead {
            entered: day(get("entered_on"))?,
            closed: day(get("closed_on"))?,
            verified: day(get("verified_on"))?,
            last_survey: None,
            employees: int(get("employees"))?,
            identity_check: flag("identity_check")?,
            pending: flag("pending")?.unwrap_or(false),
            check_due: day(get("check_due_on"))?.is_some(),
        })
    }

    /// Whether it operates on `on`: entered by then, not closed by then.
    pub fn operating(&self, on: Date) -> bool {
        self.entered.is_none_or(|e| e <= on) && self.closed.is_none_or(|c| c > on)
    }

    /// A survey of it on `on` was recorded.
    pub fn surveyed(&mut self, on: Date) {
        self.last_survey = self.last_survey.max(Some(on));
    }

    /// What a survey reads of it, as its query returns it: the last survey
    /// day, employees, identity check, pending, verified on, and whether it
    /// has a registration check.
    pub fn survey_row(&self) -> [Value; 6] {
        let day = |d: Option<Date>| d.map_or(Value::Null, |d| Value::Text(d.to_string()));
        [
            day(self.last_survey),
            self.employees.map_or(Value::Null, Value::Integer),
            self.identity_check
                .map_or(Value::Null, |b| Value::Integer(i64::from(b))),
            Value::Integer(i64::from(self.pending)),
            day(self.verified),
            Value::Integer(i64::from(self.check_due)),
        ]
    }
}

#[cfg(test)]
mod tests {
    //! Within one batch, what a command changes is what the next one reads:
    //! each case fails if an organization is answered from what its insert
    //! wrote after a change to it.
    use crate::domain::command::{NewInstructor, NewOrg, NewTask, OrgField};
    use crate::domain::kinds::{OrgKind, RegStatus, Source, Stage, TaskKind};
    use crate::domain::{Command, Date, Id};
    use crate::store::{Actor, Store};

    fn day(m: i8, d: i8) -> Date {
        Date::ymd(2022, m, d).expect("date")
    }

    /// A batch that opens with a street and an organization of 10 employees
    /// entered on 1 January, then `rest`; the organization's id.
    fn run(
        rest: impl FnOnce(&Id) -> Vec<(Date, Command)>,
    ) -> (tempfile::TempDir, Store, Id, crate::error::Result<()>) {
        let dir = tempfile::tempdir().expect("dir");
        let mut store = Store::open(&dir.path().join("l.db")).expect("open");
        let (street, org) = (Id::new(), Id::new());
        let mut cmds = vec![
            (
                day(1, 1),
                Command::AddStreet {
                    id: street.clone(),
                    name: "南坪街道".into(),
                    committee: String::new(),
                },
            ),
            (
                day(1, 1),
                Command::AddOrg(NewOrg {
                    id: org.clone(),
                    name: "常德甲公司".into(),
                    code: None,
                    kind: OrgKind::Enterprise,
                    status: RegStatus::Active,
                    street,
                    community: None,
                    building: None,
                    address: String::new(),
                    industry: String::new(),
                    employees: Some(10),
                    legal_rep_member: false,
                    identity_check: false,
                    contact: String::new(),
                    phone: String::new(),
                    entered_on: day(1, 1),
                }),
            ),
        ];
        cmds.extend(rest(&org));
        let actor = Actor::of_process("test", "office");
        let r = store.apply_batch(&actor, "test", cmds).map(|_| ());
        (dir, store, org, r)
    }

    fn survey(org: &Id, employees: i64) -> Command {
        Command::Survey {
            id: Id::new(),
            org: org.clone(),
            employees: Some(employees),
            identity_check: None,
            note: String::new(),
        }
    }

    fn scalar(store: &Store, sql: &str, org: &Id) -> i64 {
        store
            .conn
            .query_row(sql, [org.as_str()], |r| r.get(0))
            .expect(sql)
    }

    #[test]
    fn an_organization_closed_earlier_in_the_batch_takes_no_assignment() {
        let instructor = Id::new();
        let (_dir, _store, _org, r) = run(|org| {
            vec![
                (
                    day(3, 1),
                    Command::CloseOrg {
                        org: org.clone(),
                        reason: RegStatus::Deregistered,
                    },
                ),
                (
                    day(3, 1),
                    Command::AddInstructor(NewInstructor {
                        id: instructor.clone(),
                        name: "李明".into(),
                        phone: String::new(),
                        source: Source::ALL[0],
                        home_unit: String::new(),
                        industry: String::new(),
                    }),
                ),
                (
                    day(4, 1),
                    Command::Assign {
                        id: Id::new(),
                        instructor: instructor.clone(),
                        org: org.clone(),
                    },
                ),
            ]
        });
        let e = r.expect_err("assigned to a closed organization");
        assert!(e.to_string().contains("org"), "{e}");
    }

    #[test]
    fn a_survey_compares_with_the_batch_before_it() {
        let (_dir, store, org, r) = run(|org| {
            vec![
                (day(5, 1), survey(org, 12)),
                // earlier than the last: the count stays
                (day(4, 1), survey(org, 5)),
                (
                    day(5, 2),
                    Command::SetOrg {
                        org: org.clone(),
                        fields: vec![OrgField::Employees(15)],
                    },
                ),
                // finds what the change set: no op for the count
                (day(5, 3), survey(org, 15)),
            ]
        });
        r.expect("batch");
        let employees = "SELECT employees FROM orgs WHERE id = ?1";
        assert_eq!(scalar(&store, employees, &org), 15);
        let ops = "SELECT count(*) FROM oplog WHERE row_id = ?1 AND field = 'employees'";
        assert_eq!(
            scalar(&store, ops, &org),
            2,
            "the first survey and the change"
        );
    }

    #[test]
    fn a_task_added_after_a_survey_is_completed_by_the_next() {
        let task = Id::new();
        let (_dir, store, _org, r) = run(|org| {
            vec![
                (day(3, 1), survey(org, 10)),
                (
                    day(3, 2),
                    Command::AddTask(NewTask {
                        id: task.clone(),
                        kind: TaskKind::AdHoc,
                        org: Some(org.clone()),
                        community: None,
                        stage: Stage::Survey,
                        due_on: day(6, 30),
                        note: String::new(),
                    }),
                ),
                (day(3, 3), survey(org, 10)),
            ]
        });
        r.expect("batch");
        let stage: String = store
            .conn
            .query_row(
                "SELECT stage FROM tasks WHERE id = ?1",
                [task.as_str()],
                |r| r.get(0),
            )
            .expect("task");
        assert_ne!(
            stage,
            Stage::Survey.code(),
            "the second survey completes its stage"
        );
    }
}
