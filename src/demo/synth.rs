//! `gen --orgs N`: a synthetic district for scale tests and benches, with the
//! demo's shape (11 streets; about 60% covered, mostly by joint branches;
//! instructors over part of the rest) at any size.

use super::names::{self, STREETS};
use super::rng::Rng;
use super::{Plan, d};
use crate::domain::command::*;
use crate::domain::kinds::*;
use crate::domain::{Command, Id};
use crate::error::Result;
use crate::store::{Actor, Applied, Store};

pub fn generate(store: &mut Store, actor: &Actor, n: usize, seed: u64) -> Result<Applied> {
    let mut rng = Rng::new(seed);
    let mut plan = Plan::default();
    let on0 = d(2014, 1, 1);
    let mut streets = Vec::new();
    let mut communities: Vec<Vec<Id>> = Vec::new();
    let mut buildings = Vec::new();
    for (si, name) in STREETS.iter().enumerate() {
        let sid = rng.id_on(on0);
        plan.push(
            0,
            on0,
            Command::AddStreet {
                id: sid.clone(),
                name: name.to_string(),
                committee: format!("{name}两新组织综合党委"),
            },
        );
        let mut cs = Vec::new();
        // The street's own communities (`names::COMMUNITIES`), then
        // numbered ones: five a street.
        for k in 0..5 {
            let id = rng.id_on(on0);
            let cname = match names::COMMUNITIES[si].get(k) {
                Some(c) => c.to_string(),
                None => format!("{}第{}社区", &name[..name.len() - "街道".len()], k + 1),
            };
            plan.push(
                0,
                on0,
                Command::AddCommunity {
                    id: id.clone(),
                    name: cname,
                    street: sid.clone(),
                },
            );
            cs.push(id);
        }
        let bid = rng.id_on(on0);
        plan.push(
            0,
            on0,
            Command::AddBuilding {
                id: bid.clone(),
                name: format!("{}商务楼", &name[..name.len() - "街道".len()]),
                street: sid.clone(),
            },
        );
        streets.push(sid);
        communities.push(cs);
        buildings.push(bid);
    }
    // (id, street, entered, employees)
    let mut orgs: Vec<(Id, usize, crate::domain::Date, i64)> = Vec::with_capacity(n);
    let mut of_kind = std::collections::HashMap::new();
    for serial in 0..n {
        let si = rng.below(STREETS.len() as u64) as usize;
        let kind = match rng.below(100) {
            0..=82 => OrgKind::Enterprise,
            83..=91 => OrgKind::SocialGroup,
            92..=97 => OrgKind::NonEnterprise,
            _ => OrgKind::Foundation,
        };
        let employees = if rng.chance(0.1) {
            rng.range(100, 800)
        } else {
            rng.range(2, 99)
        };
        let nth = of_kind.entry(kind).or_insert(0);
        let (name, industry) = names::org(&mut rng, kind, serial, *nth);
        *nth += 1;
        // Minted the day it was entered.
        let seed = rng.id_seed();
        let entered = rng.date(d(2014, 1, 1), d(2021, 6, 30));
        let id = seed.on(entered);
        let community = rng.pick(&communities[si]).clone();
        let in_building = rng.chance(0.03);
        plan.push(
            1,
            entered,
            Command::AddOrg(NewOrg {
                id: id.clone(),
                // a serial keeps names unique at any size
                name: format!(
                    "{name}{}",
                    if serial >= 2000 {
                        format!("（{serial}）")
                    } else {
                        String::new()
                    }
                ),
                code: Some(names::code(&mut rng, kind)),
                kind,
                status: RegStatus::Active,
                street: streets[si].clone(),
                community: Some(community),
                building: in_building.then(|| buildings[si].clone()),
                address: names::address(&mut rng),
                industry: industry.to_string(),
                employees: Some(employees),
                legal_rep_member: rng.chance(0.08),
                identity_check: employees >= 10 && rng.chance(0.7),
                contact: names::person(&mut rng),
                phone: String::new(),
                entered_on: entered,
            }),
        );
        orgs.push((id, si, entered, employees));
    }
    let mut order: Vec<usize> = (0..n).collect();
    rng.shuffle(&mut order);
    let mut per_street: Vec<Vec<usize>> = vec![Vec::new(); STREETS.len()];
    for &i in &order {
        per_street[orgs[i].1].push(i);
    }
    let mut uncovered = Vec::new();
    for (si, list) in per_street.iter().enumerate() {
        let own = list.len() * 12 / 100;
        let joint = list.len() * 48 / 100;
        for &i in &list[..own] {
            let on = rng.date(orgs[i].2.add_days(1), d(2022, 6, 30));
            let id = rng.id_on(on);
            plan.push(
                2,
                on,
                Command::FoundBranch(NewBranch {
                    id: id.clone(),
                    name: format!("第{}党支部", i + 1),
                    mode: Mode::Standalone,
                    level: Level::Branch,
                    street: streets[si].clone(),
                    building: None,
                    secretary: names::person(&mut rng),
                    covers: vec![orgs[i].0.clone()],
                }),
            );
            member(&mut plan, &mut rng, &orgs[i].0, Some(&id), on);
        }
        let mut k = own;
        while k + 2 <= own + joint {
            let size = (rng.range(3, 5) as usize).min(own + joint - k).max(2);
            let chunk = &list[k..k + size];
            k += size;
            let latest = chunk.iter().map(|&i| orgs[i].2).max().unwrap_or(on0);
            let on = rng.date(latest.add_days(1), d(2022, 6, 30));
            let id = rng.id_on(on);
            plan.push(
                2,
                on,
                Command::FoundBranch(NewBranch {
                    id: id.clone(),
                    name: format!("{}第{}联合党支部", STREETS[si], k),
                    mode: Mode::Joint,
                    level: Level::Branch,
                    street: streets[si].clone(),
                    building: None,
                    secretary: names::person(&mut rng),
                    covers: chunk.iter().map(|&i| orgs[i].0.clone()).collect(),
                }),
            );
            for &i in chunk {
                member(&mut plan, &mut rng, &orgs[i].0, Some(&id), on);
            }
        }
        uncovered.extend_from_slice(&list[k..]);
    }
    // Instructors for about a third of the uncovered organizations.
    let mut next = 0;
    let n_instructors = (uncovered.len() / 9).max(1);
    for k in 0..n_instructors {
        let source = Source::ALL[k % Source::ALL.len()];
        let id = rng.id_on(d(2019, 1, 1));
        plan.push(
            2,
            d(2019, 1, 1),
            Command::AddInstructor(NewInstructor {
                id: id.clone(),
                name: names::person(&mut rng),
                phone: String::new(),
                source,
                home_unit: String::new(),
                industry: String::new(),
            }),
        );
        for _ in 0..3 {
            let Some(&i) = uncovered.get(next) else { break };
            next += 1;
            let on = rng.date(orgs[i].2.max(d(2019, 1, 1)), d(2022, 6, 30));
            let aid = rng.id_on(on);
            plan.push(
                2,
                on,
                Command::Assign {
                    id: aid,
                    instructor: id.clone(),
                    org: orgs[i].0.clone(),
                },
            );
        }
    }
    for &i in uncovered.iter().skip(next) {
        if rng.chance(0.3) {
            let on = rng.date(orgs[i].2, d(2022, 6, 30));
            member(&mut plan, &mut rng, &orgs[i].0, None, on);
        }
    }
    for (id, _, entered, employees) in &orgs {
        let on = rng.date((*entered).max(d(2022, 1, 1)), d(2022, 6, 30));
        let sid = rng.id_on(on);
        plan.push(
            2,
            on,
            Command::Survey {
                id: sid,
                org: id.clone(),
                employees: Some(*employees),
                identity_check: None,
                note: String::new(),
            },
        );
    }
    let batch = crate::store::Batch::whole_ledger(plan.into_batch());
    let applied = store.apply_batch(actor, "gen", batch)?;
    store.set_meta("generated", &format!("{n} orgs, seed {seed}"))?;
    Ok(applied)
}

fn member(plan: &mut Plan, rng: &mut Rng, org: &Id, branch: Option<&Id>, on: crate::domain::Date) {
    plan.push(
        2,
        on,
        Command::AddPerson(NewPerson {
            id: rng.id_on(on),
            org: org.clone(),
            name: names::person(rng),
            phone: String::new(),
            status: Political::Formal,
            hired_on: Some(on),
            relation: Some(if branch.is_some() {
                Relation::Branch
            } else {
                Relation::Residence
            }),
            branch: branch.cloned(),
            floating: false,
            manager: false,
        }),
    );
}
