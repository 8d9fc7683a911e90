//! The demo's people and their history: members, transfers and activists;
//! surveys; instructors and their visits; survey tasks.

use super::*;

pub(super) fn add_person(
    c: &mut Ctx,
    i: usize,
    status: Political,
    hired: Date,
    relation: Option<Relation>,
    manager: bool,
) -> Id {
    let id = c.rng.id();
    let name = names::person(&mut c.rng);
    if status == Political::Formal {
        c.orgs[i].formal += 1;
    }
    let (on, branch) = match (relation, &c.orgs[i].branch) {
        (Some(Relation::Branch), Some((b, from))) => (hired.max(from.add_days(1)), Some(b.clone())),
        _ => (hired, None),
    };
    let relation = match (relation, &branch) {
        (Some(Relation::Branch), None) => Some(Relation::Residence),
        (r, _) => r,
    };
    c.plan.push(
        2,
        on,
        Command::AddPerson(NewPerson {
            id: id.clone(),
            org: c.orgs[i].id.clone(),
            name,
            phone: String::new(),
            status,
            hired_on: Some(hired),
            relation,
            branch,
            floating: relation == Some(Relation::Elsewhere),
            manager,
        }),
    );
    id
}

pub(super) fn persons(c: &mut Ctx) {
    let before = d(2021, 12, 31);
    for i in 0..c.orgs.len() {
        let (lo, hi) = match c.orgs[i].role {
            Role::PreOwn => (3, 10),
            Role::NewOwn => (3, 5),
            Role::PreJoint | Role::PreBuilding(_) | Role::NewJoint => (1, 3),
            Role::NewBuilding => (0, 2),
            Role::NanpingHire => (0, 0),
            Role::DanyangSurvey | Role::Uncovered => {
                if c.rng.chance(0.55) {
                    (0, 0)
                } else {
                    (1, 2)
                }
            }
        };
        let covered_before = matches!(
            c.orgs[i].role,
            Role::PreOwn | Role::PreJoint | Role::PreBuilding(_)
        );
        let founded_in_period = matches!(
            c.orgs[i].role,
            Role::NewOwn | Role::NewJoint | Role::NewBuilding
        );
        for _ in 0..c.rng.range(lo, hi) {
            let hired = c.rng.date(d(2010, 1, 1), before);
            let rel = if covered_before && c.rng.chance(0.7) {
                Relation::Branch
            } else if c.rng.chance(0.85) {
                Relation::Residence
            } else {
                Relation::Elsewhere
            };
            let status = if c.rng.chance(0.92) {
                Political::Formal
            } else {
                Political::Probationary
            };
            // The members found the branch of the period their employer
            // joins, so their relations go into it as it is founded; a
            // floating member's stays where it is (elsewhere).
            let rel = if founded_in_period && rel == Relation::Residence {
                Relation::Branch
            } else {
                rel
            };
            let pid = add_person(c, i, status, hired, Some(rel), false);
            if covered_before && rel == Relation::Residence {
                c.residents.push((pid, i));
            }
        }
        // Earlier activists and applicants.
        if c.rng.chance(0.06) {
            let hired = c.rng.date(d(2015, 1, 1), d(2020, 12, 31));
            add_person(c, i, Political::Activist, hired, None, false);
        }
        if c.rng.chance(0.03) {
            let hired = c.rng.date(d(2015, 1, 1), d(2020, 12, 31));
            add_person(c, i, Political::Applicant, hired, None, false);
        }
    }
    transfers(c);
    activists(c);
}

/// 9 transfers in April–June, 14 more in July–September (with 南坪's 7: 21).
fn transfers(c: &mut Ctx) {
    let mut movers = std::mem::take(&mut c.residents);
    c.rng.shuffle(&mut movers);
    for (k, (pid, i)) in movers.into_iter().take(23).enumerate() {
        let Some((b, _)) = c.orgs[i].branch.clone() else {
            continue;
        };
        let on = if k < 9 {
            c.rng.date(d(2022, 4, 1), d(2022, 6, 30))
        } else {
            c.rng.date(d(2022, 7, 1), d(2022, 9, 30))
        };
        let id = c.rng.id();
        c.plan.push(
            2,
            on,
            Command::Transfer {
                id,
                person: pid,
                branch: b,
            },
        );
    }
}

/// July–September: 25 managers of 18 small enterprises and 4 other staff
/// become activists; 6 more in April–June.
fn activists(c: &mut Ctx) {
    let mut small: Vec<usize> = (0..c.orgs.len())
        .filter(|&i| {
            let o = &c.orgs[i];
            o.kind == OrgKind::Enterprise
                && o.employees < 100
                && o.employees >= 8
                && o.role != Role::NanpingHire
        })
        .collect();
    c.rng.shuffle(&mut small);
    let mut plan: Vec<(usize, bool, Date)> = Vec::new();
    for (k, &i) in small.iter().take(18).enumerate() {
        for _ in 0..(if k < 7 { 2 } else { 1 }) {
            plan.push((i, true, c.rng.date(d(2022, 7, 1), d(2022, 9, 28))));
        }
    }
    for &i in small.iter().skip(18).take(4) {
        plan.push((i, false, c.rng.date(d(2022, 7, 1), d(2022, 9, 28))));
    }
    for &i in small.iter().skip(22).take(6) {
        plan.push((i, false, c.rng.date(d(2022, 4, 1), d(2022, 6, 30))));
    }
    for (i, manager, on) in plan {
        let hired = c.rng.date(d(2016, 1, 1), d(2021, 6, 30));
        let start = if manager {
            Political::Plain
        } else {
            Political::Applicant
        };
        let pid = add_person(c, i, start, hired, None, manager);
        c.plan.push(
            2,
            on,
            Command::SetStatus {
                person: pid,
                status: Political::Activist,
            },
        );
    }
}

fn survey(c: &mut Ctx, i: usize, on: Date) {
    let o = &mut c.orgs[i];
    let identity_check =
        (o.kind == OrgKind::Enterprise && o.employees >= 10).then_some(o.identity_check);
    let (org, employees) = (o.id.clone(), Some(o.employees));
    o.surveyed = Some(on);
    let id = c.rng.id();
    c.plan.push(
        2,
        on,
        Command::Survey {
            id,
            org,
            employees,
            identity_check,
            note: String::new(),
        },
    );
}

/// Half-year updates (second half of 2021, first half of 2022); a few rows
/// left stale; 丹阳's nine surveyed for the first time in September.
pub(super) fn surveys(c: &mut Ctx) {
    let mut stale = 0;
    for i in 0..c.orgs.len() {
        if c.orgs[i].role == Role::DanyangSurvey {
            let on = c.rng.date(d(2022, 9, 5), d(2022, 9, 20));
            survey(c, i, on);
            continue;
        }
        let entered = c.orgs[i].entered;
        if entered < d(2021, 12, 1) {
            let on = c.rng.date(entered.max(d(2021, 7, 1)), d(2021, 12, 28));
            survey(c, i, on);
        }
        let skip = c.orgs[i].role == Role::Uncovered && stale < 20 && c.rng.chance(0.15);
        if skip {
            stale += 1;
            continue;
        }
        let on = c.rng.date(d(2022, 1, 10), d(2022, 6, 28));
        survey(c, i, on);
    }
}

fn add_instructor(
    c: &mut Ctx,
    on: Date,
    name: String,
    source: Source,
    home: String,
    industry: &str,
) -> Id {
    let id = c.rng.id();
    c.plan.push(
        2,
        on,
        Command::AddInstructor(NewInstructor {
            id: id.clone(),
            name,
            phone: String::new(),
            source,
            home_unit: home,
            industry: industry.to_string(),
        }),
    );
    id
}

fn assign(c: &mut Ctx, instructor: &Id, i: usize, on: Date) {
    let id = c.rng.id();
    let org = c.orgs[i].id.clone();
    c.plan.push(
        2,
        on,
        Command::Assign {
            id,
            instructor: instructor.clone(),
            org,
        },
    );
}

pub(super) fn instructors(c: &mut Ctx) {
    // Before the period: 36 instructors over organizations without a party organization.
    let sources = [
        (Source::Street, 14),
        (Source::Community, 12),
        (Source::Retired, 5),
        (Source::DistrictDept, 5),
    ];
    let depts = [
        "区商务局",
        "区住建局",
        "区发改局",
        "区市场监管局",
        "区人社局",
    ];
    let mut pool: Vec<usize> = (0..c.orgs.len())
        .filter(|&i| {
            matches!(
                c.orgs[i].role,
                Role::Uncovered | Role::NewJoint | Role::NewBuilding
            )
        })
        .collect();
    c.rng.shuffle(&mut pool);
    let mut next = 0;
    let mut k = 0;
    for (source, n) in sources {
        for _ in 0..n {
            k += 1;
            let s = k % STREETS.len();
            let home = match source {
                Source::Street => format!("{}党建办", STREETS[s]),
                Source::Community => {
                    let own = names::COMMUNITIES[s];
                    format!("{}党委", own[k % own.len()])
                }
                Source::Retired => format!("{}退休干部", STREETS[s]),
                Source::DistrictDept => depts[k % depts.len()].to_string(),
            };
            let name = names::person(&mut c.rng);
            let since = c.rng.date(d(2020, 1, 1), d(2021, 12, 31));
            let ins = add_instructor(c, since, name, source, home, "");
            for _ in 0..c.rng.range(2, 4) {
                let Some(&i) = pool.get(next) else { break };
                next += 1;
                let on = c.rng.date(since.max(c.orgs[i].entered), d(2022, 3, 31));
                assign(c, &ins, i, on);
                // quarterly visits, some lapsing
                let mut v = on.add_days(c.rng.range(10, 60));
                let lapse = c.rng.chance(0.15);
                let until = if lapse {
                    d(2022, 5, 31)
                } else {
                    d(2022, 9, 29)
                };
                while v <= until {
                    let id = c.rng.id();
                    let org = c.orgs[i].id.clone();
                    c.plan.push(
                        2,
                        v,
                        Command::Visit {
                            id,
                            instructor: ins.clone(),
                            org,
                            note: "走访".into(),
                        },
                    );
                    v = v.add_days(c.rng.range(60, 88));
                }
            }
        }
    }
    danyang_instructors(c);
}

/// 丹阳, September: the nine surveyed organizations get instructors at once —
/// street and community cadres as before, and newly a retired community party
/// cadre and two district department cadres matched to the business.
fn danyang_instructors(c: &mut Ctx) {
    let nine: Vec<usize> = (0..c.orgs.len())
        .filter(|&i| c.orgs[i].role == Role::DanyangSurvey)
        .collect();
    let on = d(2022, 9, 1);
    let team = [
        (Source::Street, "丹阳街道党建办".to_string()),
        (Source::Street, "丹阳街道经济办".to_string()),
        (
            Source::Community,
            format!("{}居委会", names::COMMUNITIES[DANYANG][1]),
        ),
        (
            Source::Retired,
            format!("{}党委（退休）", names::COMMUNITIES[DANYANG][0]),
        ),
        (Source::DistrictDept, "区商务局".to_string()),
        (Source::DistrictDept, "区住建局".to_string()),
    ];
    let mut ids = Vec::new();
    for (k, (source, home)) in team.iter().enumerate() {
        let industry = match k {
            4 => "批发零售",
            5 => "建筑业",
            _ => "",
        };
        let name = names::person(&mut c.rng);
        ids.push(add_instructor(c, on, name, *source, home.clone(), industry));
    }
    // District cadres take the organizations of their own line of business.
    for (k, &i) in nine.iter().enumerate() {
        let who = match k {
            0 | 1 => 4,
            2 => 5,
            3 => 3,
            4 => 2,
            5 | 6 => 0,
            _ => 1,
        };
        let ins = ids[who].clone();
        // "at once": within days of the first survey
        let surveyed = c.orgs[i].surveyed.unwrap_or(on);
        let when = surveyed.add_days(c.rng.range(1, 5));
        assign(c, &ins, i, when);
    }
}

pub(super) fn tasks(c: &mut Ctx) {
    let mut uncovered: Vec<usize> = (0..c.orgs.len())
        .filter(|&i| c.orgs[i].role == Role::Uncovered)
        .collect();
    c.rng.shuffle(&mut uncovered);
    let specs = [
        (TaskKind::Organize, Stage::Cover, 10),
        (TaskKind::AdHoc, Stage::Survey, 8),
        (TaskKind::Registration, Stage::Survey, 5),
        (TaskKind::AdHoc, Stage::Report, 4),
    ];
    let mut it = uncovered.into_iter();
    for (kind, stage, n) in specs {
        for _ in 0..n {
            let Some(i) = it.next() else { return };
            let created = c.rng.date(d(2022, 8, 15), d(2022, 9, 28));
            let due = created.add_days(c.rng.range(10, 30));
            let id = c.rng.id();
            let org = Some(c.orgs[i].id.clone());
            c.plan.push(
                2,
                created,
                Command::AddTask(NewTask {
                    id,
                    kind,
                    org,
                    community: None,
                    stage,
                    due_on: due,
                    note: String::new(),
                }),
            );
        }
    }
    let followups: Vec<usize> = (0..c.orgs.len())
        .filter(|&i| c.orgs[i].role == Role::NewJoint)
        .take(5)
        .collect();
    for i in followups {
        let on = c.orgs[i]
            .branch
            .as_ref()
            .map(|b| b.1)
            .unwrap_or(d(2022, 9, 1))
            .add_days(3);
        let id = c.rng.id();
        let org = Some(c.orgs[i].id.clone());
        c.plan.push(
            2,
            on,
            Command::AddTask(NewTask {
                id,
                kind: TaskKind::FollowUp,
                org,
                community: None,
                stage: Stage::FollowUp,
                due_on: on.add_days(30),
                note: String::new(),
            }),
        );
    }
}

/// September, days before the demo's today: two organizations in a joint
/// branch hire their third formal member, so each should now set up its own
/// branch (branch_eligible); the first one's relation still sits at the
/// residence. With the floating members of September's new branches and
/// 丹阳's survey, the morning checklist holds a handful of first-time alerts.
pub(super) fn september_hires(c: &mut Ctx) {
    let two: Vec<usize> = (0..c.orgs.len())
        .filter(|&i| {
            let o = &c.orgs[i];
            o.role == Role::PreJoint && o.formal == 2 && o.street != DANYANG && o.street != NANPING
        })
        .take(2)
        .collect();
    let hires = [
        (d(2022, 9, 13), Relation::Residence),
        (d(2022, 9, 26), Relation::Branch),
    ];
    for (&i, (on, relation)) in two.iter().zip(hires) {
        add_person(c, i, Political::Formal, on, Some(relation), false);
    }
}
