//! A batch remembers what it made and found (rows it need not look up again,
//! the acting user looked up once): what it remembers must never let a
//! command through that a command on its own would be refused.

#[path = "common/replica.rs"]
mod replica;

use liangxin::domain::command::{NewTask, NewUser};
use liangxin::domain::kinds::{Role, Stage, TaskKind};
use liangxin::domain::{Command, Id};
use liangxin::error::Error;
use liangxin::store::{Actor, Store};
use replica::*;

fn task(org: &Id) -> Command {
    Command::AddTask(NewTask {
        id: Id::new(),
        kind: TaskKind::AdHoc,
        org: Some(org.clone()),
        community: None,
        stage: Stage::Survey,
        due_on: day().add_days(30),
        note: String::new(),
    })
}

fn batch(s: &mut Store, cmds: Vec<Command>) -> liangxin::error::Result<()> {
    let cmds: Vec<_> = cmds.into_iter().map(|c| (day(), c)).collect();
    s.apply_batch(&actor(), "test.batch", cmds).map(|_| ())
}

#[test]
fn a_row_the_batch_made_and_then_deleted_is_gone_for_the_rest_of_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(dir.path(), "a.db");
    let (street, _) = seed(&mut s);
    let org = new_org(street);
    let id = org.id.clone();
    let (orgs, tasks) = (s.count("orgs").unwrap(), s.count("tasks").unwrap());
    let r = batch(
        &mut s,
        vec![
            Command::AddOrg(org),
            Command::Delete {
                table: "orgs".into(),
                row: id.clone(),
            },
            task(&id),
        ],
    );
    assert!(matches!(r, Err(Error::NotFound { .. })), "{r:?}");
    assert_eq!(s.count("orgs").unwrap(), orgs, "nothing partial written");
    assert_eq!(s.count("tasks").unwrap(), tasks);
}

#[test]
fn a_large_batch_still_refuses_an_organization_deleted_before_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(dir.path(), "a.db");
    let (street, live) = seed(&mut s);
    let gone = new_org(street);
    let gone_id = gone.id.clone();
    run(&mut s, Command::AddOrg(gone));
    delete(&mut s, &gone_id);
    // Large enough that the batch reads the live organizations once.
    let mut cmds: Vec<Command> = (0..1500).map(|_| task(&live)).collect();
    cmds.push(task(&gone_id));
    let r = batch(&mut s, cmds);
    assert!(matches!(r, Err(Error::NotFound { .. })), "{r:?}");
    assert_eq!(s.count("tasks").unwrap(), 0);
    // Without it, the same batch goes through: the refusal was that row's.
    let cmds: Vec<Command> = (0..1500).map(|_| task(&live)).collect();
    batch(&mut s, cmds).unwrap();
    assert_eq!(s.count("tasks").unwrap(), 1500);
}

#[test]
fn a_batch_checks_scope_again_after_it_changes_the_acting_user() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(dir.path(), "a.db");
    seed(&mut s);
    let admin = Id::new();
    let user = |id: Id, os: &str| {
        Command::AddUser(NewUser {
            id,
            os_user: os.into(),
            name: os.into(),
            office: None,
            role: Role::District,
            street: None,
            community: None,
        })
    };
    // One batch: before it the ledger has no users, so nothing is checked.
    batch(
        &mut s,
        vec![user(admin.clone(), "admin"), user(Id::new(), "boss")],
    )
    .unwrap();
    let as_admin = Actor {
        os_user: "admin".into(),
        name: "admin".into(),
        office: String::new(),
        via: None,
    };
    let street = |name: &str| Command::AddStreet {
        id: Id::new(),
        name: name.into(),
        committee: String::new(),
    };
    let streets = s.count("streets").unwrap();
    let demote = Command::SetUser {
        user: admin,
        name: None,
        office: None,
        role: Some(Role::ReadOnly),
        street: None,
        community: None,
    };
    let cmds = vec![
        (day(), street("丹阳街道")),
        (day(), demote),
        (day(), street("芙蓉街道")),
    ];
    let r = s.apply_batch(&as_admin, "test.batch", cmds);
    assert!(matches!(r, Err(Error::Refused(_))), "{r:?}");
    assert_eq!(
        s.count("streets").unwrap(),
        streets,
        "nothing partial written"
    );
}
