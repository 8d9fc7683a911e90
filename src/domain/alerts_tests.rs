//! Tests of `alerts`.
use super::*;

fn d(s: &str) -> Date {
    Date::parse("d", s).unwrap()
}

fn org(members: &[&str], covers: &[(&str, Option<&str>)]) -> OrgFacts {
    OrgFacts {
        id: "o".into(),
        entered: d("2022-01-01"),
        closed: None,
        enterprise: true,
        employees: Some(5),
        identity_check: false,
        gone: None,
        surveys: Vec::new(),
        covers: covers
            .iter()
            .map(|(f, t)| Cover {
                span: Span {
                    from: d(f),
                    to: t.map(d),
                },
                standalone: false,
            })
            .collect(),
        assignments: Vec::new(),
        members: members
            .iter()
            .enumerate()
            .map(|(i, h)| Member {
                id: format!("m{i}"),
                hired: d(h),
                left: None,
                formal: true,
                outside: false,
                transfers: Vec::new(),
            })
            .collect(),
        registration_task: None,
        verified: None,
    }
}

#[test]
fn gaps_open_the_day_after_the_interval_and_close_on_the_next_day_seen() {
    let days = [d("2022-01-01"), d("2022-01-11"), d("2022-03-01")];
    // 10 days apart: fine; 49 days apart with a 14-day limit: one episode
    let g = gaps(&days, 14, None, d("2022-03-10"));
    assert_eq!(g, vec![(d("2022-01-26"), Some(d("2022-03-01")))]);
    // still open at the end, once the limit is passed
    assert_eq!(gaps(&days, 14, None, d("2022-03-15")).len(), 1);
    assert_eq!(
        gaps(&days, 14, None, d("2022-03-16")).last(),
        Some(&(d("2022-03-16"), None))
    );
    // a closed watch ends it
    let g = gaps(&days, 14, Some(d("2022-03-20")), d("2022-04-30"));
    assert_eq!(g.last(), Some(&(d("2022-03-16"), Some(d("2022-03-20")))));
    // days after today are not seen yet
    assert!(gaps(&[d("2022-05-01")], 14, None, d("2022-04-01")).is_empty());
}

#[test]
fn hires_before_coverage_are_one_episode_and_a_later_one_another() {
    let l = Limits::default();
    let o = org(
        &["2022-03-01", "2022-03-03", "2022-05-10", "2022-06-01"],
        &[("2022-03-05", Some("2022-05-01"))],
    );
    let f = new_member_hire(&o, &l, d("2022-06-30"));
    let got: Vec<(Date, Option<Date>)> = f.iter().map(|f| (f.raised, f.resolved)).collect();
    assert_eq!(
        got,
        vec![
            (d("2022-03-01"), Some(d("2022-03-05"))),
            (d("2022-05-10"), None)
        ]
    );
    assert_eq!(f[0].due, Some(d("2022-03-08")));
    // as of a day before the cover, the first is still open
    let f = new_member_hire(&o, &l, d("2022-03-04"));
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].resolved, None);
}

/// The config refuses such limits; the rules still answer if they get one.
#[test]
fn groups_split_events_by_age_and_keep_housekeeping_apart() {
    let today = d("2022-09-30");
    let g = |rule, raised| group(rule, d(raised), today, 30);
    assert_eq!(g(Rule::NewMemberHire, "2022-08-31"), AlertGroup::FirstTime);
    assert_eq!(g(Rule::NewMemberHire, "2022-08-30"), AlertGroup::Backlog);
    assert_eq!(
        g(Rule::InstructorMissing, "2022-09-30"),
        AlertGroup::FirstTime
    );
    assert_eq!(g(Rule::LedgerStale, "2022-09-30"), AlertGroup::Routine);
    assert_eq!(g(Rule::StageOverdue, "2013-01-01"), AlertGroup::Routine);
}

#[test]
fn a_stage_is_overdue_only_past_the_tasks_due_day() {
    let l = Limits::default();
    let task = |due: Option<&str>, closed: Option<&str>| TaskFacts {
        id: "t".into(),
        org: Some("o".into()),
        steps: vec![d("2023-01-02")],
        closed: closed.map(d),
        due: due.map(d),
    };
    let half_year = task(Some("2023-06-30"), None);
    // three weeks into the half-year: nothing is late
    assert!(stage_overdue(&half_year, &l, d("2023-01-25")).is_empty());
    assert!(stage_overdue(&half_year, &l, d("2023-06-30")).is_empty());
    let late = stage_overdue(&half_year, &l, d("2023-07-01"));
    assert_eq!(late.len(), 1);
    assert_eq!(late[0].raised, d("2023-07-01"));
    // closed on the due day: never late; closed after: late until then
    assert!(
        stage_overdue(
            &task(Some("2023-06-30"), Some("2023-06-30")),
            &l,
            d("2023-08-01")
        )
        .is_empty()
    );
    let r = stage_overdue(
        &task(Some("2023-06-30"), Some("2023-07-05")),
        &l,
        d("2023-08-01"),
    );
    assert_eq!(r[0].resolved, Some(d("2023-07-05")));
    // a stage change after the due day ends the episode; the new stage
    // has stage_overdue_days of its own
    let moved = TaskFacts {
        steps: vec![d("2023-01-02"), d("2023-07-03")],
        ..task(Some("2023-06-30"), None)
    };
    let r = stage_overdue(&moved, &l, d("2023-07-10"));
    assert_eq!(r.len(), 1);
    assert_eq!(
        (r[0].raised, r[0].resolved),
        (d("2023-07-01"), Some(d("2023-07-03")))
    );
    assert_eq!(stage_overdue(&moved, &l, d("2023-07-18")).len(), 2);
    // no due day: a stage held past stage_overdue_days
    let open = task(None, None);
    assert!(stage_overdue(&open, &l, d("2023-01-16")).is_empty());
    assert_eq!(stage_overdue(&open, &l, d("2023-01-17")).len(), 1);
}

#[test]
fn branch_eligible_comes_back_when_the_own_branch_ends() {
    let l = Limits::default();
    let mut o = org(&["2022-02-01", "2022-02-01", "2022-03-01"], &[]);
    o.covers.push(Cover {
        span: Span {
            from: d("2022-04-01"),
            to: Some(d("2022-08-01")),
        },
        standalone: true,
    });
    let f = branch_eligible(&o, &l, d("2022-09-30"));
    assert_eq!(f.len(), 2, "{f:?}");
    assert_eq!(
        (f[0].raised, f[0].resolved),
        (d("2022-03-01"), Some(d("2022-04-01")))
    );
    assert_eq!((f[1].raised, f[1].resolved), (d("2022-08-01"), None));
    // before the branch ended: only the first, resolved
    assert_eq!(branch_eligible(&o, &l, d("2022-07-31")).len(), 1);
}

#[test]
fn joint_breadth_counts_operating_organizations_only() {
    let l = Limits::default();
    let link = |to: Option<&str>| Span {
        from: d("2022-01-10"),
        to: to.map(d),
    };
    let mut b = JointFacts {
        id: "b".into(),
        life: Span {
            from: d("2022-01-10"),
            to: None,
        },
        links: (0..6).map(|_| link(None)).collect(),
    };
    assert_eq!(joint_branch_too_broad(&b, &l, d("2022-06-01")).len(), 1);
    // one of the six closed in May (its link now ends then): five is the
    // limit, so the stretch past it ended that day
    b.links[5] = link(Some("2022-05-01"));
    let f = joint_branch_too_broad(&b, &l, d("2022-06-01"));
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(
        (f[0].raised, f[0].resolved),
        (d("2022-01-10"), Some(d("2022-05-01")))
    );
    // a seventh and an eighth on one day, one leaving the same day: one episode
    b.links.push(Span {
        from: d("2022-07-01"),
        to: None,
    });
    b.links.push(Span {
        from: d("2022-07-01"),
        to: None,
    });
    let f = joint_branch_too_broad(&b, &l, d("2022-08-01"));
    assert_eq!(f.len(), 2, "{f:?}");
    assert_eq!((f[1].raised, f[1].resolved), (d("2022-07-01"), None));
}

#[test]
fn a_due_day_past_the_ledgers_last_day_is_its_last_day() {
    let late = Date::parse("d", "2100-12-30").expect("date");
    assert_eq!(due(late, 7), Date::MAX);
    let early = Date::parse("d", "2022-07-08").expect("date");
    assert_eq!(due(early, 7).to_string(), "2022-07-15");
}

#[test]
fn limits_past_any_calendar_never_panic_and_raise_nothing_early() {
    let days = [d("2022-01-01")];
    for n in [i64::MAX, 99_999_999, i64::MIN] {
        let g = gaps(&days, n, None, d("2022-12-31"));
        assert!(g.is_empty() || n < 0, "{n}: {g:?}");
    }
    let huge = Limits {
        hire_due_days: i64::MAX,
        instructor_escalate_days: 99_999_999,
        ..Limits::default()
    };
    let o = org(&["2022-03-01"], &[]);
    let f = new_member_hire(&o, &huge, d("2022-06-30"));
    assert_eq!(f.len(), 1);
    // due on the ledger's last day, a date it can store
    assert_eq!(f[0].due, Some(Date::MAX), "{f:?}");
    let raised = d("2022-03-01");
    assert!(!escalated(
        Rule::InstructorMissing,
        raised,
        &huge,
        d("2100-12-31")
    ));
}

#[test]
fn registration_missing_ends_with_the_first_survey_or_confirmation() {
    let mut o = org(&[], &[]);
    o.registration_task = Some(d("2022-05-01"));
    let at = |o: &OrgFacts| registration_missing(o, d("2022-09-30"))[0].resolved;
    assert_eq!(at(&o), None, "open while pending");
    o.verified = Some(d("2022-06-01"));
    assert_eq!(at(&o), Some(d("2022-06-01")), "confirmed");
    o.surveys.push(SurveyFact {
        on: d("2022-05-20"),
        employees: None,
        identity_check: None,
    });
    assert_eq!(at(&o), Some(d("2022-05-20")), "surveyed first");
    // a confirmation still to come leaves it open today
    let mut later = org(&[], &[]);
    later.registration_task = Some(d("2022-05-01"));
    later.verified = Some(d("2022-10-01"));
    assert_eq!(at(&later), None);
}

#[test]
fn a_hire_that_leaves_before_coverage_ends_the_episode_on_the_leave_day() {
    let l = Limits::default();
    let mut o = org(&["2022-03-01", "2022-03-10"], &[]);
    o.members[0].left = Some(d("2022-03-20"));
    // one member still there: the episode stays open
    let f = new_member_hire(&o, &l, d("2022-04-30"));
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].resolved, None);
    // both gone: resolved the day the last one left, not before
    o.members[1].left = Some(d("2022-04-02"));
    let f = new_member_hire(&o, &l, d("2022-04-30"));
    assert_eq!(
        (f[0].raised, f[0].resolved),
        (d("2022-03-01"), Some(d("2022-04-02")))
    );
    // a hire after that is a new episode
    o.members.push(Member {
        id: "m9".into(),
        hired: d("2022-04-10"),
        left: None,
        formal: true,
        outside: false,
        transfers: Vec::new(),
    });
    let f = new_member_hire(&o, &l, d("2022-04-30"));
    let got: Vec<_> = f.iter().map(|f| (f.raised, f.resolved)).collect();
    assert_eq!(
        got,
        vec![
            (d("2022-03-01"), Some(d("2022-04-02"))),
            (d("2022-04-10"), None)
        ]
    );
}

#[test]
fn instructor_missing_comes_back_when_the_assignment_ends() {
    let l = Limits::default();
    let mut o = org(&[], &[]);
    o.surveys.push(SurveyFact {
        on: d("2022-03-01"),
        employees: Some(5),
        identity_check: None,
    });
    o.assignments.push(Assignment {
        id: "a".into(),
        span: Span {
            from: d("2022-03-04"),
            to: Some(d("2022-06-01")),
        },
        visits: Vec::new(),
    });
    // the day before the end: one episode, resolved by the assignment
    let f = instructor_missing(&o, &l, d("2022-05-31"));
    let got: Vec<_> = f.iter().map(|f| (f.raised, f.resolved)).collect();
    assert_eq!(got, vec![(d("2022-03-01"), Some(d("2022-03-04")))]);
    // from the end day: raised again, due in the configured days
    let f = instructor_missing(&o, &l, d("2022-06-01"));
    assert_eq!(f.len(), 2);
    assert_eq!((f[1].raised, f[1].resolved), (d("2022-06-01"), None));
    assert_eq!(
        f[1].due,
        Some(d("2022-06-01").add_days(l.instructor_due_days))
    );
    // a successor assigned the same day: nothing to raise
    o.assignments.push(Assignment {
        id: "b".into(),
        span: Span {
            from: d("2022-06-01"),
            to: None,
        },
        visits: Vec::new(),
    });
    assert_eq!(instructor_missing(&o, &l, d("2022-07-01")).len(), 1);
}
