//! The demo district: Wuling District, Changde, as of 2022-09-30. Its history is
//! laid out so that the article's figures come out of the ledger by computation
//! (see `tests/demo_figures.rs`): April–September 2022, 65 new party
//! organizations covering 189 organizations, coverage 56% → 77%; 南坪's seven
//! no-member enterprises covered right after hiring members; the 万达写字楼
//! building branch; 丹阳's nine surveys and new instructors; 21 transfers and 25
//! manager activists in 18 small enterprises in July–September.

mod people;

use super::names::{self, STREETS};
use super::rng::Rng;
use super::{Plan, d, demo_date};
use crate::domain::command::*;
use crate::domain::kinds::*;
use crate::domain::{Command, Date, Id};
use crate::error::Result;
use crate::store::{Actor, Store};
use people::{instructors, persons, september_hires, surveys, tasks};

/// Organizations per street (900 in all).
const ORGS_PER_STREET: [usize; 11] = [82, 88, 80, 90, 78, 84, 76, 96, 74, 72, 80];
const DANYANG: usize = 0;
const NANPING: usize = 7;
/// Streets with a building branch founded before the period, and the building.
const OLD_BUILDINGS: [(usize, &str); 3] =
    [(1, "华天大厦"), (3, "水星楼商务中心"), (5, "步行街商务楼")];

#[derive(Clone, Copy, PartialEq, Debug)]
enum Role {
    PreOwn,
    PreBuilding(usize),
    PreJoint,
    NewOwn,
    NewBuilding,
    NanpingHire,
    NewJoint,
    DanyangSurvey,
    Uncovered,
}

struct Org {
    id: Id,
    name: String,
    identity_check: bool,
    surveyed: Option<Date>,
    street: usize,
    kind: OrgKind,
    employees: i64,
    entered: Date,
    role: Role,
    /// The party organization covering it and from when (for members' relations).
    branch: Option<(Id, Date)>,
    /// Formal members hired so far.
    formal: usize,
}

struct Ctx {
    rng: Rng,
    plan: Plan,
    orgs: Vec<Org>,
    streets: Vec<Id>,
    communities: Vec<Vec<Id>>,
    buildings: Vec<(usize, Id)>,
    joint_serial: Vec<usize>,
    /// Members whose relation sits at their residence in a covered organization: (person, org index).
    residents: Vec<(Id, usize)>,
}

pub fn build(store: &mut Store, actor: &Actor) -> Result<crate::store::Applied> {
    let mut c = Ctx {
        rng: Rng::new(20221012),
        plan: Plan::default(),
        orgs: Vec::new(),
        streets: Vec::new(),
        communities: Vec::new(),
        buildings: Vec::new(),
        joint_serial: vec![0; STREETS.len()],
        residents: Vec::new(),
    };
    places_and_orgs(&mut c);
    assign_roles(&mut c);
    branches(&mut c);
    persons(&mut c);
    surveys(&mut c);
    instructors(&mut c);
    tasks(&mut c);
    // Last, so that the draws before are as they were without it.
    september_hires(&mut c);
    let applied = store.apply_batch(actor, "demo.build", c.plan.into_batch())?;
    store.set_meta("demo_date", &demo_date().to_string())?;
    store.set_meta("district", "常德市武陵区")?;
    Ok(applied)
}

fn places_and_orgs(c: &mut Ctx) {
    let founded = d(2022, 3, 15);
    let mut buildings: Vec<(usize, Id, &str)> = Vec::new();
    for (si, name) in STREETS.iter().enumerate() {
        let sid = c.rng.id();
        c.plan.push(
            0,
            founded,
            Command::AddStreet {
                id: sid.clone(),
                name: name.to_string(),
                committee: format!("{name}两新组织综合党委"),
            },
        );
        // Each street's own communities, by the table in `names`.
        let mut comms = Vec::new();
        for cname in names::COMMUNITIES[si] {
            let id = c.rng.id();
            c.plan.push(
                0,
                founded,
                Command::AddCommunity {
                    id: id.clone(),
                    name: cname.to_string(),
                    street: sid.clone(),
                },
            );
            comms.push(id);
        }
        let bname = if si == NANPING {
            Some("万达写字楼")
        } else {
            OLD_BUILDINGS
                .iter()
                .find(|(s, _)| *s == si)
                .map(|(_, b)| *b)
        };
        if let Some(b) = bname {
            let id = c.rng.id();
            c.plan.push(
                0,
                founded,
                Command::AddBuilding {
                    id: id.clone(),
                    name: b.into(),
                    street: sid.clone(),
                },
            );
            buildings.push((si, id.clone(), b));
            c.buildings.push((si, id));
        }
        c.streets.push(sid);
        c.communities.push(comms);
    }
    let mut serial = 0;
    let mut of_kind = std::collections::HashMap::new();
    let mut used = std::collections::HashSet::new();
    for (si, &count) in ORGS_PER_STREET.iter().enumerate() {
        for k in 0..count {
            serial += 1;
            let r = c.rng.below(100);
            let kind = match r {
                0..=82 => OrgKind::Enterprise,
                83..=91 => OrgKind::SocialGroup,
                92..=97 => OrgKind::NonEnterprise,
                _ => OrgKind::Foundation,
            };
            // The first ten organizations of a street with a building sit in it.
            let building = buildings.iter().find(|(s, _, _)| *s == si && k < 10);
            let forced =
                building.is_some() || (si == NANPING && k < 17) || (si == DANYANG && k < 3);
            let kind = if forced { OrgKind::Enterprise } else { kind };
            let employees = match (kind, c.rng.below(10)) {
                (OrgKind::Enterprise, 0) => c.rng.range(100, 600),
                (OrgKind::Enterprise, 1 | 2) => c.rng.range(50, 99),
                (OrgKind::Enterprise, _) => c.rng.range(3, 49),
                _ => c.rng.range(2, 30),
            };
            let nth = of_kind.entry(kind).or_insert(0);
            let (name, industry) = names::org(&mut c.rng, kind, serial, *nth);
            *nth += 1;
            let name = names::distinct(name, &mut used);
            // 丹阳's first two new organizations trade, the third builds: the
            // district cadres assigned to them come from those lines.
            let industry = match (si, k) {
                (DANYANG, 0 | 1) => "批发零售",
                (DANYANG, 2) => "建筑业",
                _ => industry,
            };
            let code = match c.rng.below(100) {
                0 | 1 => None,
                2 => {
                    // an early code whose check character is off: kept, with a warning
                    let mut s = names::code(&mut c.rng, kind);
                    let last = if s.ends_with('0') { '1' } else { '0' };
                    s.pop();
                    s.push(last);
                    Some(s)
                }
                _ => Some(names::code(&mut c.rng, kind)),
            };
            let entered = c.rng.date(d(2014, 1, 1), d(2021, 12, 31));
            let address = match building {
                Some((_, _, b)) => format!("{b}{}层", c.rng.range(2, 28)),
                None => names::address(&mut c.rng),
            };
            let id = c.rng.id();
            let community = c.rng.pick(&c.communities[si]).clone();
            let contact = names::person(&mut c.rng);
            let identity_check =
                kind == OrgKind::Enterprise && employees >= 10 && c.rng.chance(0.8);
            c.plan.push(
                1,
                entered,
                Command::AddOrg(NewOrg {
                    id: id.clone(),
                    name: name.clone(),
                    code,
                    kind,
                    status: RegStatus::Active,
                    street: c.streets[si].clone(),
                    community: Some(community),
                    building: building.map(|(_, b, _)| b.clone()),
                    address,
                    industry: industry.to_string(),
                    employees: Some(employees),
                    legal_rep_member: c.rng.chance(0.08),
                    identity_check,
                    contact,
                    phone: format!("1{}", 3_000_000_000i64 + c.rng.range(0, 999_999_999)),
                    entered_on: entered,
                }),
            );
            let role = match building {
                Some(_) if si == NANPING => Role::NewBuilding,
                Some(_) => Role::PreBuilding(si),
                None if si == NANPING && k < 17 => Role::NanpingHire,
                None if si == DANYANG && k < 9 => Role::DanyangSurvey,
                None => Role::Uncovered,
            };
            c.orgs.push(Org {
                id,
                name,
                identity_check,
                surveyed: None,
                street: si,
                kind,
                employees,
                entered,
                role,
                branch: None,
                formal: 0,
            });
        }
    }
    // 南坪's seven no-member enterprises are small ones.
    for o in c.orgs.iter_mut().filter(|o| o.role == Role::NanpingHire) {
        o.employees = o.employees.min(40);
    }
}

/// Per street: ten own branches before the period, a new own branch in eight
/// streets, and joint coverage from the branch sizes below.
fn assign_roles(c: &mut Ctx) {
    // 91 joint branches of 4 before April; 54 joint branches (52 of 3, 2 of 4) after.
    let pre_joint_orgs = |s: usize| (91 / 11 + usize::from(s < 91 % 11)) * 4;
    let new_joint_orgs = |s: usize| {
        (0..54)
            .filter(|b| b % 11 == s)
            .map(|b| if b < 2 { 4 } else { 3 })
            .sum::<usize>()
    };
    for s in 0..STREETS.len() {
        let mut free: Vec<usize> = (0..c.orgs.len())
            .filter(|&i| c.orgs[i].street == s && c.orgs[i].role == Role::Uncovered)
            .collect();
        free.sort_by_key(|&i| {
            (
                c.orgs[i].kind != OrgKind::Enterprise,
                -c.orgs[i].employees,
                i,
            )
        });
        let own = 10 + usize::from(s < 8);
        for (k, &i) in free.iter().take(own).enumerate() {
            c.orgs[i].role = if k < 10 { Role::PreOwn } else { Role::NewOwn };
        }
        let mut rest: Vec<usize> = free[own..].to_vec();
        c.rng.shuffle(&mut rest);
        let (pj, nj) = (pre_joint_orgs(s), new_joint_orgs(s));
        for &i in &rest[..pj] {
            c.orgs[i].role = Role::PreJoint;
        }
        for &i in &rest[pj..pj + nj] {
            c.orgs[i].role = Role::NewJoint;
        }
    }
}

fn building_of(c: &Ctx, street: usize) -> Option<Id> {
    c.buildings
        .iter()
        .find(|(s, _)| *s == street)
        .map(|(_, b)| b.clone())
}

fn street_short(s: usize) -> &'static str {
    STREETS[s].trim_end_matches("街道")
}

fn found(
    c: &mut Ctx,
    on: Date,
    name: String,
    mode: Mode,
    street: usize,
    building: Option<Id>,
    orgs: &[usize],
) -> Id {
    let id = c.rng.id();
    let secretary = names::person(&mut c.rng);
    c.plan.push(
        2,
        on,
        Command::FoundBranch(NewBranch {
            id: id.clone(),
            name,
            mode,
            level: Level::Branch,
            street: c.streets[street].clone(),
            building,
            secretary,
            covers: orgs.iter().map(|&i| c.orgs[i].id.clone()).collect(),
        }),
    );
    for &i in orgs {
        c.orgs[i].branch = Some((id.clone(), on));
    }
    id
}

fn joint_name(c: &mut Ctx, s: usize) -> String {
    c.joint_serial[s] += 1;
    format!(
        "{}两新组织第{}联合党支部",
        street_short(s),
        c.joint_serial[s]
    )
}

fn branches(c: &mut Ctx) {
    let last_pre = d(2022, 3, 31);
    let by_role = |c: &Ctx, s: usize, r: Role| -> Vec<usize> {
        (0..c.orgs.len())
            .filter(|&i| c.orgs[i].street == s && c.orgs[i].role == r)
            .collect()
    };
    for s in 0..STREETS.len() {
        for i in by_role(c, s, Role::PreOwn) {
            let on = c.rng.date(c.orgs[i].entered.add_days(30), last_pre);
            let name = own_branch_name(c, i);
            found(c, on, name, Mode::Standalone, s, None, &[i]);
        }
        let pre_b = by_role(c, s, Role::PreBuilding(s));
        if !pre_b.is_empty() {
            let latest = pre_b
                .iter()
                .map(|&i| c.orgs[i].entered)
                .max()
                .unwrap_or(last_pre);
            let on = c.rng.date(latest.add_days(1), last_pre);
            let bname = OLD_BUILDINGS
                .iter()
                .find(|(x, _)| *x == s)
                .map(|(_, b)| *b)
                .unwrap_or("");
            let b = building_of(c, s);
            found(
                c,
                on,
                format!("{bname}楼宇党支部"),
                Mode::Building,
                s,
                b,
                &pre_b,
            );
        }
        let pre_j = by_role(c, s, Role::PreJoint);
        for chunk in pre_j.chunks(4) {
            let latest = chunk
                .iter()
                .map(|&i| c.orgs[i].entered)
                .max()
                .unwrap_or(last_pre);
            let on = c.rng.date(latest.add_days(1), last_pre);
            let name = joint_name(c, s);
            found(c, on, name, Mode::Joint, s, None, chunk);
        }
        // The period: April to September 2022.
        for i in by_role(c, s, Role::NewOwn) {
            let on = c.rng.date(d(2022, 4, 6), d(2022, 9, 26));
            let name = own_branch_name(c, i);
            found(c, on, name, Mode::Standalone, s, None, &[i]);
        }
        let new_j = by_role(c, s, Role::NewJoint);
        let sizes: Vec<usize> = (0..54)
            .filter(|b| b % 11 == s)
            .map(|b| if b < 2 { 4 } else { 3 })
            .collect();
        let mut at = 0;
        for size in sizes {
            let chunk = new_j[at..at + size].to_vec();
            at += size;
            let on = c.rng.date(d(2022, 4, 1), d(2022, 9, 30));
            let name = joint_name(c, s);
            found(c, on, name, Mode::Joint, s, None, &chunk);
        }
    }
    // 万达写字楼: a building branch founded in the period.
    let wanda = by_role(c, NANPING, Role::NewBuilding);
    let b = building_of(c, NANPING);
    found(
        c,
        d(2022, 8, 18),
        "万达写字楼楼宇党支部".into(),
        Mode::Building,
        NANPING,
        b,
        &wanda,
    );
    nanping_hires(c);
}

fn own_branch_name(c: &Ctx, i: usize) -> String {
    format!("{}党支部", c.orgs[i].name)
}

/// 南坪: seven enterprises with no party member hire one in July–September and
/// are brought into a joint branch within days.
fn nanping_hires(c: &mut Ctx) {
    let hires: Vec<usize> = (0..c.orgs.len())
        .filter(|&i| c.orgs[i].role == Role::NanpingHire)
        .collect();
    let hire_days = [
        d(2022, 7, 8),
        d(2022, 7, 11),
        d(2022, 7, 13),
        d(2022, 8, 8),
        d(2022, 9, 1),
        d(2022, 9, 2),
        d(2022, 9, 5),
    ];
    for (k, &i) in hires.iter().enumerate() {
        let pid = c.rng.id();
        let name = names::person(&mut c.rng);
        c.plan.push(
            2,
            hire_days[k],
            Command::AddPerson(NewPerson {
                id: pid.clone(),
                org: c.orgs[i].id.clone(),
                name,
                phone: String::new(),
                status: Political::Formal,
                hired_on: Some(hire_days[k]),
                relation: Some(Relation::Residence),
                branch: None,
                floating: false,
                manager: false,
            }),
        );
        c.residents.push((pid, i));
    }
    let name = joint_name(c, NANPING);
    let j1 = found(
        c,
        d(2022, 7, 15),
        name,
        Mode::Joint,
        NANPING,
        None,
        &hires[..3],
    );
    let id = c.rng.id();
    c.plan.push(
        2,
        d(2022, 8, 12),
        Command::Cover {
            id,
            branch: j1.clone(),
            org: c.orgs[hires[3]].id.clone(),
        },
    );
    c.orgs[hires[3]].branch = Some((j1, d(2022, 8, 12)));
    let name = joint_name(c, NANPING);
    found(
        c,
        d(2022, 9, 6),
        name,
        Mode::Joint,
        NANPING,
        None,
        &hires[4..],
    );
    // Their relations follow within days: 7 of the period's 21 transfers.
    let movers: Vec<(Id, usize)> = c.residents.drain(..).collect();
    for (pid, i) in movers {
        if let Some((b, on)) = c.orgs[i].branch.clone() {
            let id = c.rng.id();
            c.plan.push(
                2,
                on.add_days(2),
                Command::Transfer {
                    id,
                    person: pid,
                    branch: b,
                },
            );
        }
    }
}
