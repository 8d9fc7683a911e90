//! The scope matrix: each role (district, street, community, read-only)
//! against four places — its own community, a neighbouring community of the
//! same street, an organization of the street outside any community, and
//! another street — for each write: `org set`, `survey`, `branch found`,
//! `branch cover`, `import` (of a new organization, and of one already in
//! the ledger) and `user set`.
//!
//! An allowed write must show its change afterwards (so scope made too strict
//! fails); a refused one must exit non-zero with one line naming the refusal,
//! leave every table as it was, and add exactly one audit record of the
//! refusal (so scope removed fails).
//!
//! Every case runs on its own copy of one prepared ledger.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::{Ledger, ok_as, run_as};
use serde_json::Value;

/// The day every case runs on (`--today`, so also the day its facts date from).
const TODAY: &str = "2022-03-01";

// ---------------------------------------------------------------------------
// Who acts

#[derive(Clone, Copy, Debug)]
enum Role {
    District,
    Street,
    Community,
    ReadOnly,
}

const ROLES: [Role; 4] = [
    Role::District,
    Role::Street,
    Role::Community,
    Role::ReadOnly,
];

impl Role {
    /// The OS user registered with this role (street: 南坪街道; community: 南坪社区).
    fn user(self) -> &'static str {
        match self {
            Role::District => "admin",
            Role::Street => "np-street",
            Role::Community => "np-community",
            Role::ReadOnly => "viewer",
        }
    }
}

// ---------------------------------------------------------------------------
// Where the write lands

#[derive(Clone, Copy, Debug)]
enum Place {
    /// 南坪社区 of 南坪街道: the community user's own community.
    OwnCommunity,
    /// 江南社区, also of 南坪街道.
    NeighbourCommunity,
    /// 南坪街道, in no community.
    StreetOnly,
    /// 丹阳社区 of 丹阳街道.
    OtherStreet,
}

const PLACES: [Place; 4] = [
    Place::OwnCommunity,
    Place::NeighbourCommunity,
    Place::StreetOnly,
    Place::OtherStreet,
];

/// What each place holds in the prepared ledger.
struct Site {
    street: &'static str,
    /// Empty for an organization in no community.
    community: &'static str,
    /// An operating organization there, covered by nothing, 10 employees, never surveyed.
    org: &'static str,
    /// The street's joint branch (covering two other organizations).
    branch: &'static str,
    /// A registered user placed there (the target of `user set`).
    peer: &'static str,
    /// The organization a one-row import for this place brings in.
    imported: &'static str,
}

impl Place {
    fn site(self) -> Site {
        match self {
            Place::OwnCommunity => Site {
                street: "南坪街道",
                community: "南坪社区",
                org: "南坪社区某公司",
                branch: "南坪联合党支部",
                peer: "peer-np",
                imported: "南坪社区新公司",
            },
            Place::NeighbourCommunity => Site {
                street: "南坪街道",
                community: "江南社区",
                org: "江南社区某公司",
                branch: "南坪联合党支部",
                peer: "peer-jn",
                imported: "江南社区新公司",
            },
            Place::StreetOnly => Site {
                street: "南坪街道",
                community: "",
                org: "南坪街道直属公司",
                branch: "南坪联合党支部",
                peer: "peer-np-street",
                imported: "南坪街道新公司",
            },
            Place::OtherStreet => Site {
                street: "丹阳街道",
                community: "丹阳社区",
                org: "丹阳社区某公司",
                branch: "丹阳联合党支部",
                peer: "peer-dy",
                imported: "丹阳社区新公司",
            },
        }
    }
}

// ---------------------------------------------------------------------------
// What is written

#[derive(Clone, Copy, Debug, PartialEq)]
enum Write {
    OrgSet,
    Survey,
    BranchFound,
    BranchCover,
    /// A one-row registration list bringing in a new organization.
    ImportNew,
    /// A one-row registration list matching an organization already in the
    /// ledger by name, filling in its credit code.
    ImportKnown,
    UserSet,
}

/// Expected outcome, one string per role (district, street, community,
/// read-only), one character per place (own community, neighbour community,
/// street only, other street): `y` allowed, `n` refused, `-` not run.
///
/// An import of a new organization also adds its registration-check task,
/// which names the organization the same batch creates: scope is checked
/// command by command inside the batch, so the task sees it.
const MATRIX: [(Write, [&str; 4]); 7] = [
    // district, street, community, read-only
    (Write::OrgSet, ["yyyy", "yyyn", "ynnn", "nnnn"]),
    (Write::Survey, ["yyyy", "yyyn", "ynnn", "nnnn"]),
    (Write::BranchFound, ["yyyy", "yyyn", "nnnn", "nnnn"]),
    (Write::BranchCover, ["yyyy", "yyyn", "nnnn", "nnnn"]),
    (Write::ImportNew, ["yyyy", "yyyn", "ynnn", "nnnn"]),
    (Write::ImportKnown, ["yyyy", "yyyn", "ynnn", "nnnn"]),
    (Write::UserSet, ["yyyy", "nnnn", "nnnn", "nnnn"]),
];

impl Write {
    /// The action its audit record names.
    fn action(self) -> &'static str {
        match self {
            Write::OrgSet => "org.set",
            Write::Survey => "survey",
            Write::BranchFound => "branch.found",
            Write::BranchCover => "branch.cover",
            Write::ImportNew | Write::ImportKnown => "import",
            Write::UserSet => "user.set",
        }
    }

    /// The command line (after the global options) for `place`; an import's
    /// file is written into `dir`.
    fn args(self, place: Place, dir: &Path) -> Vec<String> {
        let s = place.site();
        let v = |a: &[&str]| a.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        match self {
            Write::OrgSet => v(&["org", "set", s.org, "employees=77"]),
            Write::Survey => v(&["survey", s.org, "--employees", "33", "--note", "摸排"]),
            Write::BranchFound => v(&[
                "branch",
                "found",
                "--name",
                "新建党支部",
                "--mode",
                "standalone",
                "--covers",
                s.org,
            ]),
            Write::BranchCover => v(&["branch", "cover", s.branch, s.org]),
            Write::ImportNew => import(
                dir,
                &format!(
                    "企业名称,从业人数,所属街道,所属社区\n{},5,{},{}\n",
                    s.imported, s.street, s.community
                ),
                s.street,
            ),
            Write::ImportKnown => import(
                dir,
                &format!("企业名称,统一社会信用代码\n{},{CODE}\n", s.org),
                s.street,
            ),
            Write::UserSet => v(&["user", "set", s.peer, "--name", "改名"]),
        }
    }

    /// After an allowed write: its change, read back through the app.
    fn shows_change(self, l: &Ledger, place: Place) -> Result<(), String> {
        let s = place.site();
        let org = |name: &str| l.json(&["org", "show", name, "--format", "json"]);
        match self {
            Write::OrgSet => {
                let v = org(s.org);
                expect(v["employees"] == 77, || {
                    format!("employees: {}", v["employees"])
                })
            }
            Write::Survey => {
                let v = org(s.org);
                expect(v["last_survey_on"] == TODAY && v["employees"] == 33, || {
                    format!(
                        "last_survey_on {}, employees {}",
                        v["last_survey_on"], v["employees"]
                    )
                })
            }
            Write::BranchFound => {
                let v = org(s.org);
                expect(
                    v["coverage"] == "own" && covered_by(&v, "新建党支部"),
                    || format!("coverage {}, links {}", v["coverage"], v["links"]),
                )
            }
            Write::BranchCover => {
                let v = org(s.org);
                expect(v["coverage"] == "joint" && covered_by(&v, s.branch), || {
                    format!("coverage {}, links {}", v["coverage"], v["links"])
                })
            }
            Write::ImportNew => {
                let v = org(s.imported);
                let community = if s.community.is_empty() {
                    Value::Null
                } else {
                    Value::from(s.community)
                };
                expect(
                    v["street"] == s.street && v["community"] == community && v["employees"] == 5,
                    || {
                        format!(
                            "imported: street {}, community {}, employees {}",
                            v["street"], v["community"], v["employees"]
                        )
                    },
                )
            }
            Write::ImportKnown => {
                let v = org(s.org);
                expect(v["code"] == CODE, || format!("code: {}", v["code"]))
            }
            Write::UserSet => {
                let name = user_name(l, s.peer);
                expect(name.as_deref() == Some("改名"), || {
                    format!("{} is named {name:?}", s.peer)
                })
            }
        }
    }
}

/// A valid unified social credit code no organization of the ledger has.
const CODE: &str = "911101080673385595";

/// `import FILE --street STREET`, FILE holding `csv`, written into `dir`.
fn import(dir: &Path, csv: &str, street: &str) -> Vec<String> {
    let file = dir.join("名单.csv");
    std::fs::write(&file, csv).expect("write csv");
    let file = file.to_str().expect("utf-8 path").to_string();
    vec!["import".into(), file, "--street".into(), street.into()]
}

/// The words the one-line refusal gives for `role` attempting `write`.
fn reason(role: Role, write: Write) -> &'static str {
    match (role, write) {
        (Role::ReadOnly, _) => "a read-only user",
        (_, Write::UserSet) => "district users only",
        (Role::Community, Write::BranchFound | Write::BranchCover) => {
            "founding and covering belong to the street's party-building office"
        }
        (Role::Community, _) => "only your community's organizations",
        (Role::Street, _) => "only your street's organizations",
        (Role::District, _) => unreachable!("the district role is never refused"),
    }
}

fn covered_by(org: &Value, branch: &str) -> bool {
    org["links"].as_array().is_some_and(|ls| {
        ls.iter()
            .any(|l| l["party_org"] == branch && l["to_on"].is_null())
    })
}

fn user_name(l: &Ledger, os_user: &str) -> Option<String> {
    l.json(&["user", "list", "--format", "json"])
        .as_array()?
        .iter()
        .find(|u| u["os_user"] == os_user)
        .and_then(|u| u["name"].as_str().map(str::to_string))
}

fn expect(cond: bool, why: impl FnOnce() -> String) -> Result<(), String> {
    if cond { Ok(()) } else { Err(why()) }
}

// ---------------------------------------------------------------------------
// The prepared ledger

/// Built once, copied for every case.
fn prepared() -> &'static Path {
    static PREPARED: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &PREPARED.get_or_init(prepare).1
}

fn prepare() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("temp dir");
    let l = Ledger {
        db: dir.path().join("prepared.db"),
        dir,
    };
    let admin = Role::District.user();
    let on = ["--on", "2022-01-01"];
    let run = |args: &[&str]| {
        let all: Vec<&str> = on.iter().chain(args).copied().collect();
        ok_as(&l, admin, &all);
    };
    run(&["init"]);
    for street in ["南坪街道", "丹阳街道"] {
        run(&["street", "add", street]);
    }
    for (community, street) in [
        ("南坪社区", "南坪街道"),
        ("江南社区", "南坪街道"),
        ("丹阳社区", "丹阳街道"),
    ] {
        run(&["community", "add", community, "--street", street]);
    }
    let covered = [
        ("南坪甲公司", "南坪街道", "南坪社区"),
        ("南坪乙公司", "南坪街道", "南坪社区"),
        ("丹阳甲公司", "丹阳街道", "丹阳社区"),
        ("丹阳乙公司", "丹阳街道", "丹阳社区"),
    ];
    let targets = PLACES.map(|p| {
        let s = p.site();
        (s.org, s.street, s.community)
    });
    for (name, street, community) in covered.iter().chain(&targets) {
        let mut args = vec![
            "org",
            "add",
            "--name",
            name,
            "--street",
            street,
            "--employees",
            "10",
        ];
        if !community.is_empty() {
            args.extend(["--community", community]);
        }
        run(&args);
    }
    run(&[
        "branch",
        "found",
        "--name",
        "南坪联合党支部",
        "--mode",
        "joint",
        "--covers",
        "南坪甲公司,南坪乙公司",
    ]);
    run(&[
        "branch",
        "found",
        "--name",
        "丹阳联合党支部",
        "--mode",
        "joint",
        "--covers",
        "丹阳甲公司,丹阳乙公司",
    ]);
    // The first user registered administers the ledger; from here on every
    // write is checked.
    run(&["user", "add", admin, "--role", "district"]);
    let users: [(&str, &[&str]); 7] = [
        (
            Role::Street.user(),
            &["--role", "street", "--street", "南坪街道"],
        ),
        (
            Role::Community.user(),
            &[
                "--role",
                "community",
                "--street",
                "南坪街道",
                "--community",
                "南坪社区",
            ],
        ),
        (Role::ReadOnly.user(), &["--role", "read-only"]),
        (
            "peer-np",
            &[
                "--role",
                "community",
                "--street",
                "南坪街道",
                "--community",
                "南坪社区",
            ],
        ),
        (
            "peer-jn",
            &[
                "--role",
                "community",
                "--street",
                "南坪街道",
                "--community",
                "江南社区",
            ],
        ),
        (
            "peer-np-street",
            &["--role", "street", "--street", "南坪街道"],
        ),
        (
            "peer-dy",
            &[
                "--role",
                "community",
                "--street",
                "丹阳街道",
                "--community",
                "丹阳社区",
            ],
        ),
    ];
    for (user, opts) in users {
        let mut args = vec!["user", "add", user];
        args.extend(opts);
        run(&args);
    }

    // What the allowed cases change is not so already.
    for p in PLACES {
        let s = p.site();
        let v = l.json(&["org", "show", s.org, "--format", "json"]);
        assert_eq!(v["employees"], 10, "{p:?}");
        assert!(v["last_survey_on"].is_null(), "{p:?}");
        assert!(v["code"].is_null(), "{p:?}");
        assert_eq!(v["coverage"], "none", "{p:?}");
        assert_eq!(v["street"], s.street, "{p:?}");
        if s.community.is_empty() {
            assert!(v["community"].is_null(), "{p:?}: {}", v["community"]);
        } else {
            assert_eq!(v["community"], s.community, "{p:?}");
        }
        assert!(!l.run(&["org", "show", s.imported]).ok, "{p:?}");
        assert_ne!(user_name(&l, s.peer).as_deref(), Some("改名"), "{p:?}");
    }
    assert_eq!(
        l.json(&["user", "list", "--format", "json"])
            .as_array()
            .map(Vec::len),
        Some(8)
    );

    // Everything in the main file, so copying that file copies the ledger.
    l.conn()
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
            r.get::<_, i64>(0)
        })
        .expect("checkpoint");
    (l.dir, l.db)
}

/// A fresh copy of the prepared ledger.
fn copy() -> Ledger {
    let l = Ledger::new();
    std::fs::copy(prepared(), &l.db).expect("copy the prepared ledger");
    l
}

/// Every row of every table except the audit log, for comparing before and after.
fn contents(l: &Ledger) -> BTreeMap<String, Vec<String>> {
    let conn = l.conn();
    let mut stmt = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table'
             AND name NOT LIKE 'sqlite_%' AND name <> 'audit' ORDER BY name",
        )
        .expect("tables");
    let tables: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .expect("tables")
        .collect::<Result<_, _>>()
        .expect("tables");
    tables
        .into_iter()
        .map(|t| {
            let mut stmt = conn
                .prepare(&format!("SELECT * FROM \"{t}\""))
                .expect("select");
            let n = stmt.column_count();
            let mut rows: Vec<String> = stmt
                .query_map([], |r| {
                    (0..n)
                        .map(|i| {
                            r.get::<_, rusqlite::types::Value>(i)
                                .map(|v| format!("{v:?}"))
                        })
                        .collect::<Result<Vec<_>, _>>()
                        .map(|vs| vs.join("|"))
                })
                .expect("rows")
                .collect::<Result<_, _>>()
                .expect("rows");
            rows.sort();
            (t, rows)
        })
        .collect()
}

fn last_audit(l: &Ledger) -> (String, String, String) {
    l.conn()
        .query_row(
            "SELECT action, os_user, detail FROM audit ORDER BY rowid DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("an audit record")
}

// ---------------------------------------------------------------------------
// One case

fn case(role: Role, place: Place, write: Write, allowed: bool) -> Result<(), String> {
    let l = copy();
    let user = role.user();
    let mut args = vec!["--today".to_string(), TODAY.into()];
    args.extend(write.args(place, l.dir.path()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();

    let counts = l.counts();
    let rows = contents(&l);
    let audit_max: i64 = l
        .conn()
        .query_row("SELECT MAX(rowid) FROM audit", [], |r| r.get(0))
        .expect("audit");

    let o = run_as(&l, user, &args);
    if allowed {
        expect(o.ok, || format!("refused: {}", o.stderr.trim()))?;
        write.shows_change(&l, place)?;
        let mine: i64 = l
            .conn()
            .query_row(
                "SELECT COUNT(*) FROM audit WHERE rowid > ?1 AND action = ?2 AND os_user = ?3",
                rusqlite::params![audit_max, write.action(), user],
                |r| r.get(0),
            )
            .expect("audit");
        return expect(mine == 1, || {
            format!("{mine} audit records of {} by {user}", write.action())
        });
    }

    expect(!o.ok, || "allowed".into())?;
    let err = o.stderr.trim_end();
    let why = reason(role, write);
    expect(
        err.lines().count() == 1
            && err.contains("outside your scope; nothing was changed")
            && err.contains(why),
        || format!("stderr is not one line naming the refusal ({why}): {err:?}"),
    )?;
    // Every table as it was, the audit log one record longer.
    let expected: Vec<(String, i64)> = counts
        .into_iter()
        .map(|(t, n)| if t == "audit" { (t, n + 1) } else { (t, n) })
        .collect();
    let now = l.counts();
    expect(now == expected, || {
        let moved: Vec<String> = expected
            .iter()
            .zip(&now)
            .filter(|(a, b)| a != b)
            .map(|((t, want), (_, got))| format!("{t}: {got} rows, expected {want}"))
            .collect();
        format!("row counts: {}", moved.join(", "))
    })?;
    let after = contents(&l);
    expect(after == rows, || {
        let changed: Vec<&String> = rows
            .keys()
            .filter(|t| rows.get(*t) != after.get(*t))
            .collect();
        format!("tables changed: {changed:?}")
    })?;
    let (action, os_user, detail) = last_audit(&l);
    expect(
        action == format!("refused:{}", write.action()) && os_user == user && detail.contains(why),
        || format!("last audit record: {action} by {os_user}: {detail}"),
    )?;
    // The refusal record keeps the audit chain whole.
    expect(l.run(&["check"]).ok, || {
        "check fails after the refusal".into()
    })
}

/// Runs every cell of `write`'s row of the matrix; fails naming every cell
/// that did not go as expected. Returns how many cells ran.
fn row(write: Write) -> usize {
    let (_, by_role) = MATRIX
        .iter()
        .find(|(w, _)| *w == write)
        .expect("a row of the matrix");
    let mut failures = Vec::new();
    let mut ran = 0;
    for (role, cells) in ROLES.iter().zip(by_role) {
        assert_eq!(cells.len(), PLACES.len(), "{write:?} {role:?}: {cells}");
        for (place, cell) in PLACES.iter().zip(cells.chars()) {
            let allowed = match cell {
                'y' => true,
                'n' => false,
                '-' => continue,
                other => panic!("{write:?} {role:?}: {other:?} in the matrix"),
            };
            ran += 1;
            if let Err(why) = case(*role, *place, write, allowed) {
                let want = if allowed { "allowed" } else { "refused" };
                failures.push(format!(
                    "{write:?} by {role:?} in {place:?} (should be {want}): {why}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    ran
}

#[test]
fn org_set() {
    assert_eq!(row(Write::OrgSet), 16);
}

#[test]
fn survey() {
    assert_eq!(row(Write::Survey), 16);
}

#[test]
fn branch_found() {
    assert_eq!(row(Write::BranchFound), 16);
}

#[test]
fn branch_cover() {
    assert_eq!(row(Write::BranchCover), 16);
}

#[test]
fn import_new() {
    assert_eq!(row(Write::ImportNew), 16);
}

#[test]
fn import_known() {
    assert_eq!(row(Write::ImportKnown), 16);
}

#[test]
fn user_set() {
    assert_eq!(row(Write::UserSet), 16);
}

// ---------------------------------------------------------------------------
// Writes that touch two places: every place must be in scope, not just the first.

#[test]
fn a_write_touching_a_place_outside_scope_is_refused_even_from_inside() {
    let cases: [(Role, &[&str]); 7] = [
        // moving one's own organization out
        (
            Role::Street,
            &["org", "set", "南坪社区某公司", "street=丹阳街道"],
        ),
        (
            Role::Community,
            &["org", "set", "南坪社区某公司", "community=江南社区"],
        ),
        (
            Role::Community,
            &["org", "set", "南坪社区某公司", "street=丹阳街道"],
        ),
        // one's own street's branch, another street's organization, and back
        (
            Role::Street,
            &["branch", "cover", "南坪联合党支部", "丹阳社区某公司"],
        ),
        (
            Role::Street,
            &["branch", "cover", "丹阳联合党支部", "南坪社区某公司"],
        ),
        // a branch of one's own street covering an organization of another
        (
            Role::Street,
            &[
                "branch",
                "found",
                "--name",
                "跨街道联合党支部",
                "--mode",
                "joint",
                "--street",
                "南坪街道",
                "--covers",
                "南坪社区某公司,丹阳社区某公司",
            ],
        ),
        // a branch of another street covering one's own organization
        (
            Role::Street,
            &[
                "branch",
                "found",
                "--name",
                "跨街道党支部",
                "--mode",
                "standalone",
                "--street",
                "丹阳街道",
                "--covers",
                "南坪社区某公司",
            ],
        ),
    ];
    let mut failures = Vec::new();
    for (role, args) in cases {
        let l = copy();
        let counts = l.counts();
        let rows = contents(&l);
        let mut all = vec!["--today", TODAY];
        all.extend(args);
        let o = run_as(&l, role.user(), &all);
        let err = o.stderr.trim_end();
        let mut now = l.counts();
        for (t, n) in &mut now {
            if t == "audit" {
                *n -= 1;
            }
        }
        let (action, os_user, _) = last_audit(&l);
        let fine = !o.ok
            && err.lines().count() == 1
            && err.contains("outside your scope")
            && now == counts
            && contents(&l) == rows
            && action.starts_with("refused:")
            && os_user == role.user();
        if !fine {
            failures.push(format!(
                "{role:?} {args:?}: ok {}, stderr {err:?}, last audit {action} by {os_user}",
                o.ok
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
