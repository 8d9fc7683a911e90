//! Domain commands: every change to the ledger is one of these, applied by the
//! store in one transaction (see `store::write`). References are resolved ids.

use super::kinds::*;
use super::{Date, Id};

/// A settable field of an organization (`org set ORG FIELD=VALUE`).
#[derive(Clone, Debug, PartialEq)]
pub enum OrgField {
    Name(String),
    Code(Option<String>),
    Kind(OrgKind),
    Status(RegStatus),
    Street(Id),
    Community(Option<Id>),
    Building(Option<Id>),
    Address(String),
    Industry(String),
    Employees(i64),
    LegalRepMember(bool),
    IdentityCheck(bool),
    Contact(String),
    Phone(String),
    EnteredOn(Date),
    /// Closed, deregistered or moved out of the district on this day.
    ClosedOn(Option<Date>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct NewOrg {
    pub id: Id,
    pub name: String,
    pub code: Option<String>,
    pub kind: OrgKind,
    pub status: RegStatus,
    pub street: Id,
    pub community: Option<Id>,
    pub building: Option<Id>,
    pub address: String,
    pub industry: String,
    pub employees: Option<i64>,
    pub legal_rep_member: bool,
    pub identity_check: bool,
    pub contact: String,
    pub phone: String,
    pub entered_on: Date,
}

#[derive(Clone, Debug, PartialEq)]
pub struct NewPerson {
    pub id: Id,
    pub org: Id,
    pub name: String,
    pub phone: String,
    pub status: Political,
    pub hired_on: Option<Date>,
    pub relation: Option<Relation>,
    /// The party organization holding the relation, when `relation` is Branch.
    pub branch: Option<Id>,
    pub floating: bool,
    pub manager: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct NewBranch {
    pub id: Id,
    pub name: String,
    pub mode: Mode,
    pub level: Level,
    pub street: Id,
    pub building: Option<Id>,
    pub secretary: String,
    pub covers: Vec<Id>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct NewInstructor {
    pub id: Id,
    pub name: String,
    pub phone: String,
    pub source: Source,
    pub home_unit: String,
    pub industry: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct NewTask {
    pub id: Id,
    pub kind: TaskKind,
    pub org: Option<Id>,
    pub community: Option<Id>,
    pub stage: Stage,
    pub due_on: Date,
    pub note: String,
}

/// The alert episode a decision is about: alerts are derived from the facts
/// on every replica, so a decision names the episode by rule, subject and
/// raised day (the id is derived from them, the same everywhere).
#[derive(Clone, Debug, PartialEq)]
pub struct AlertKey {
    pub id: Id,
    pub rule: Rule,
    pub subject: String,
    pub org: Option<Id>,
    pub raised_on: Date,
}

/// An organization from a registration list; the street may be unknown.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportedOrg {
    pub id: Id,
    pub name: String,
    pub code: Option<String>,
    pub kind: OrgKind,
    pub status: RegStatus,
    pub street: Option<Id>,
    pub community: Option<Id>,
    pub address: String,
    pub employees: Option<i64>,
    pub established_on: Option<Date>,
    /// When its registration check is due: the check is implied by the row
    /// (`task_list`) until someone works on it.
    pub check_due_on: Date,
}

#[derive(Clone, Debug, PartialEq)]
pub struct NewUser {
    pub id: Id,
    pub os_user: String,
    pub name: String,
    pub office: Option<Office>,
    pub role: Role,
    pub street: Option<Id>,
    pub community: Option<Id>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    AddStreet {
        id: Id,
        name: String,
        committee: String,
    },
    AddCommunity {
        id: Id,
        name: String,
        street: Id,
    },
    AddBuilding {
        id: Id,
        name: String,
        street: Id,
    },
    AddOrg(NewOrg),
    SetOrg {
        org: Id,
        fields: Vec<OrgField>,
    },
    /// A pending organization (entered from the registration list) operates
    /// from the command's day: it counts in N from then on.
    ConfirmOrg {
        org: Id,
    },
    Survey {
        id: Id,
        org: Id,
        employees: Option<i64>,
        identity_check: Option<bool>,
        note: String,
    },
    AddPerson(NewPerson),
    SetStatus {
        person: Id,
        status: Political,
    },
    Transfer {
        id: Id,
        person: Id,
        branch: Id,
    },
    /// The person left the organization's employ on the day of the write.
    /// The row stays (history), with the day and the reason.
    LeavePerson {
        person: Id,
        reason: String,
    },
    /// The person changed employer on the day of the write: the old
    /// employment ends and a new person row `id` starts at `org` (a new hire
    /// there, for the rules as for a report).
    MovePerson {
        id: Id,
        person: Id,
        org: Id,
    },
    FoundBranch(NewBranch),
    Cover {
        id: Id,
        branch: Id,
        org: Id,
    },
    Uncover {
        branch: Id,
        org: Id,
    },
    Dissolve {
        branch: Id,
    },
    AddInstructor(NewInstructor),
    Assign {
        id: Id,
        instructor: Id,
        org: Id,
    },
    Visit {
        id: Id,
        instructor: Id,
        org: Id,
        note: String,
    },
    /// An instructor's assignment ends on the day of the write.
    EndAssignment {
        assignment: Id,
    },
    /// The organization closed on the day of the write, for `reason` (a
    /// registration status other than active): it leaves N from that day.
    CloseOrg {
        org: Id,
        reason: RegStatus,
    },
    AddTask(NewTask),
    AddUser(NewUser),
    SetUser {
        user: Id,
        name: Option<String>,
        office: Option<Office>,
        role: Option<Role>,
        street: Option<Option<Id>>,
        community: Option<Option<Id>>,
    },
    /// Hand a task to the next stage of the loop (and its office).
    AdvanceTask {
        id: Id,
        task: Id,
        note: String,
    },
    CloseTask {
        id: Id,
        task: Id,
        note: String,
    },
    /// Give a task to another office without changing its stage.
    ReassignTask {
        id: Id,
        task: Id,
        office: Office,
        note: String,
    },
    SnoozeAlert {
        alert: AlertKey,
        until: Date,
    },
    DismissAlert {
        alert: AlertKey,
        reason: String,
    },
    ImportOrg(ImportedOrg),
    /// Marks a row deleted (a tombstone; it comes back only by `Restore`).
    Delete {
        table: String,
        row: Id,
    },
    Restore {
        table: String,
        row: Id,
    },
    /// A person's answer to a sync conflict: the field takes `value` (an op
    /// value as JSON: null, an integer or a string), replacing every value it
    /// had. On `deleted`, 1 deletes the row again and 0 restores it.
    Settle {
        table: String,
        row: Id,
        field: String,
        value: Option<String>,
    },
}

impl Command {
    /// A short stable name for the audit log.
    pub fn name(&self) -> &'static str {
        match self {
            Command::AddStreet { .. } => "street.add",
            Command::AddCommunity { .. } => "community.add",
            Command::AddBuilding { .. } => "building.add",
            Command::AddOrg(_) => "org.add",
            Command::SetOrg { .. } => "org.set",
            Command::ConfirmOrg { .. } => "org.confirm",
            Command::Survey { .. } => "survey",
            Command::AddPerson(_) => "person.add",
            Command::SetStatus { .. } => "person.status",
            Command::Transfer { .. } => "person.transfer",
            Command::LeavePerson { .. } => "person.leave",
            Command::MovePerson { .. } => "person.move",
            Command::FoundBranch(_) => "branch.found",
            Command::Cover { .. } => "branch.cover",
            Command::Uncover { .. } => "branch.uncover",
            Command::Dissolve { .. } => "branch.dissolve",
            Command::AddInstructor(_) => "instructor.add",
            Command::Assign { .. } => "instructor.assign",
            Command::Visit { .. } => "instructor.visit",
            Command::EndAssignment { .. } => "instructor.end",
            Command::CloseOrg { .. } => "org.close",
            Command::AddTask(_) => "task.add",
            Command::AddUser(_) => "user.add",
            Command::SetUser { .. } => "user.set",
            Command::AdvanceTask { .. } => "task.advance",
            Command::CloseTask { .. } => "task.close",
            Command::ReassignTask { .. } => "task.reassign",
            Command::SnoozeAlert { .. } => "alert.snooze",
            Command::DismissAlert { .. } => "alert.dismiss",
            Command::ImportOrg(_) => "org.import",
            Command::Delete { .. } => "row.delete",
            Command::Restore { .. } => "row.restore",
            Command::Settle { .. } => "conflict.resolve",
        }
    }
}
