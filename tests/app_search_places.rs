//! Search by where an organization is: the pinyin of its address and of its
//! building, on real ledgers loaded the way the app loads them.

mod common;

use std::collections::BTreeSet;

use liangxin::config::Config;
use liangxin::store::Store;
use liangxin::tui::prepare;
use liangxin::tui::state::App;
use liangxin::tui::theme::Theme;
use liangxin::tui::update::refilter;

/// The app's state on a ledger, organizations loaded and indexed.
fn app_on(l: &common::Ledger) -> App {
    let store = Store::open(&l.db).unwrap();
    let today = store
        .pinned_today()
        .unwrap()
        .unwrap_or_else(|| liangxin::domain::Date::parse("d", "2022-06-01").unwrap());
    let (mut app, env) =
        prepare(store, today, &Config::default(), Theme::new("plain", true)).unwrap();
    env.reload_all(&mut app).unwrap();
    app
}

/// The ids shown for `query`.
fn found(app: &mut App, query: &str) -> BTreeSet<String> {
    app.orgs.query = query.into();
    refilter(app);
    app.orgs
        .visible
        .iter()
        .map(|&i| app.orgs.rows[i as usize].id.to_string())
        .collect()
}

#[test]
fn the_demo_finds_the_wanda_tenants_by_pinyin_initials() {
    let l = common::Ledger::new();
    l.ok(&["demo", "--no-tui"]);
    let mut app = app_on(&l);
    // counted another way: the ledger's organizations in 万达写字楼
    let tenants: BTreeSet<String> = {
        let conn = l.conn();
        let mut stmt = conn
            .prepare(
                "SELECT o.id FROM orgs o JOIN buildings b ON b.id = o.building_id
                 WHERE b.name = '万达写字楼' AND o.deleted = 0",
            )
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert!(tenants.len() >= 10, "{} tenants", tenants.len());
    let by_hanzi = found(&mut app, "万达");
    let by_initials = found(&mut app, "wdxzl");
    let by_full = found(&mut app, "wandaxiezilou");
    assert!(by_initials.len() >= 10, "{by_initials:?}");
    assert_eq!(by_initials, by_hanzi, "wdxzl finds what 万达 finds");
    assert_eq!(by_full, by_hanzi);
    assert!(
        tenants.is_subset(&by_initials),
        "every tenant is found: missing {:?}",
        tenants.difference(&by_initials).collect::<Vec<_>>()
    );
    // the narrowing path (typed letter by letter) gives the same answer
    let mut typed = BTreeSet::new();
    for q in ["w", "wd", "wdx", "wdxz", "wdxzl"] {
        typed = found(&mut app, q);
    }
    assert_eq!(typed, by_initials);
}

#[test]
fn a_building_the_address_does_not_name_is_found_by_its_pinyin() {
    let l = common::small_ledger();
    for (name, building, address) in [
        ("常德丁公司", Some("万达写字楼"), "人民路1号"),
        ("常德戊公司", None, "朗州北路88号"),
    ] {
        let mut args = vec![
            "--on",
            "2022-01-01",
            "org",
            "add",
            "--name",
            name,
            "--street",
            "南坪街道",
            "--address",
            address,
        ];
        if let Some(b) = building {
            args.extend(["--building", b]);
        }
        l.ok(&args);
    }
    let mut app = app_on(&l);
    let name_of = |app: &App, ids: &BTreeSet<String>| -> Vec<String> {
        app.orgs
            .rows
            .iter()
            .filter(|r| ids.contains(&*r.id))
            .map(|r| r.name.to_string())
            .collect()
    };
    let hits = found(&mut app, "wdxzl");
    assert_eq!(
        name_of(&app, &hits),
        ["常德丁公司"],
        "the building's initials"
    );
    let hits = found(&mut app, "wandaxiezilou");
    assert_eq!(name_of(&app, &hits), ["常德丁公司"], "its full pinyin");
    let hits = found(&mut app, "万达");
    assert_eq!(name_of(&app, &hits), ["常德丁公司"], "its name");
    let hits = found(&mut app, "rml1h");
    assert_eq!(
        name_of(&app, &hits),
        ["常德丁公司"],
        "the address's initials"
    );
    let hits = found(&mut app, "langzhoubeilu");
    assert_eq!(name_of(&app, &hits), ["常德戊公司"], "an address in full");
}
