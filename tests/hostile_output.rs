//! Names that hold terminal controls never reach the terminal raw: ESC
//! sequences (colour, OSC 52 clipboard writes), C1 controls, DEL and
//! bidirectional overrides are cleaned from every text command, error
//! messages included, and escaped in JSON, which still decodes to exactly
//! what the database holds. The database is treated as untrusted: a peer or a
//! hand edit with sqlite3 can put anything there, so after the command line
//! has cleaned what it was given, raw values are written into the file
//! directly.

mod common;

use common::{Ledger, command, small_ledger};
use serde_json::Value;

/// ESC colour, an OSC 52 clipboard write ended by BEL, C1 CSI with its
/// parameters, NEL, DEL, RIGHT-TO-LEFT OVERRIDE and LEFT-TO-RIGHT ISOLATE.
const RAW: &str =
    "恶意甲\u{1b}[31m红\u{1b}]52;c;aGk=\u{7}\u{9b}2J\u{85}\u{7f}\u{202e}txt.exe\u{2066}尾";
/// What a terminal may be shown of `RAW`.
const SHOWN: &str = "恶意甲红txt.exe尾";
const RAW_STREET: &str = "南坪\u{1b}[2J街道\u{202d}";
const RAW_PLACE: &str = "社区\u{9d}0;title\u{9c}\u{2067}名";
const RAW_WORD: &str = "x\u{1b}[5m\u{202b}y\u{200f}\u{61c}\u{200e}\u{202a}\u{202c}\u{2068}\u{2069}";
const RAW_DAY: &str = "2022-09-29\u{1b}[8m\u{9b}8m";
const RAW_SITE: &str = "site\u{1b}]52;c;aGk=\u{1b}\\\u{202e}0001";

/// Code points that act on a terminal (or reorder what it shows). Tabs, line
/// feeds and carriage returns are the only controls allowed.
fn acts_on_a_terminal(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}'
        | '\u{7f}'..='\u{9f}'
        | '\u{61c}' | '\u{200e}' | '\u{200f}'
        | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn assert_clean(what: &str, stream: &str, bytes: &[u8]) -> String {
    let s = match std::str::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => panic!("{what}: {stream} is not UTF-8: {e}"),
    };
    let chars: Vec<char> = s.chars().collect();
    if let Some(i) = chars.iter().position(|&c| acts_on_a_terminal(c)) {
        let around: String = chars[i.saturating_sub(30)..(i + 30).min(chars.len())]
            .iter()
            .collect();
        panic!(
            "{what}: {stream} holds U+{:04X}: {around:?}",
            chars[i] as u32
        );
    }
    s.to_string()
}

struct Seen {
    ok: bool,
    stdout: String,
    stderr: String,
}

/// Runs the command and fails if a terminal-acting code point is in its
/// output or its messages.
fn run(l: &Ledger, args: &[&str]) -> Seen {
    let out = command(&l.db, l.dir.path(), args)
        .output()
        .expect("run liangxin");
    let what = format!("{args:?}");
    Seen {
        ok: out.status.success(),
        stdout: assert_clean(&what, "stdout", &out.stdout),
        stderr: assert_clean(&what, "stderr", &out.stderr),
    }
}

fn ok(l: &Ledger, args: &[&str]) -> String {
    let s = run(l, args);
    assert!(s.ok, "{args:?} failed: {}", s.stderr);
    s.stdout
}

fn json(l: &Ledger, args: &[&str]) -> Value {
    let s = ok(l, args);
    serde_json::from_str(&s).unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {s}"))
}

fn stored(l: &Ledger, sql: &str, id: &str) -> String {
    l.conn()
        .query_row(sql, [id], |r| r.get(0))
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// The organization named `RAW` by the command line, and the one that
/// shares its credit code (a duplicate conflict) and, raw, its name.
struct Hostile {
    l: Ledger,
    org: String,
    twin: String,
    task: String,
}

fn hostile_ledger() -> Hostile {
    let l = small_ledger();
    let org = l
        .ok(&[
            "--on",
            "2022-01-01",
            "org",
            "add",
            "--name",
            RAW,
            "--street",
            "南坪街道",
            "--community",
            "南坪社区",
            "--building",
            "万达写字楼",
            "--employees",
            "30",
            "--address",
            RAW,
            "--industry",
            RAW_WORD,
        ])
        .trim()
        .to_string();
    // The command line cleans what it is given before it is stored.
    let sql = "SELECT name FROM orgs WHERE id = ?1";
    assert_eq!(stored(&l, sql, &org), SHOWN);
    assert_eq!(
        stored(&l, "SELECT address FROM orgs WHERE id = ?1", &org),
        SHOWN
    );
    assert_eq!(
        stored(&l, "SELECT industry FROM orgs WHERE id = ?1", &org),
        "xy"
    );
    let twin = stored(&l, "SELECT id FROM orgs WHERE name = ?1", "常德乙公司");
    let covers = format!("{org},{twin}");
    l.ok(&[
        "--on",
        "2022-02-01",
        "branch",
        "found",
        "--name",
        RAW,
        "--mode",
        "joint",
        "--covers",
        &covers,
    ]);
    l.ok(&[
        "--on",
        "2022-03-01",
        "person",
        "add",
        "--org",
        &org,
        "--name",
        RAW,
        "--status",
        "formal",
        "--hired-on",
        "2022-03-01",
    ]);
    l.ok(&[
        "--on",
        "2022-03-01",
        "instructor",
        "add",
        "--name",
        RAW,
        "--source",
        "street",
    ]);
    l.ok(&["--on", "2022-03-02", "instructor", "assign", SHOWN, &org]);
    let task = l
        .ok(&[
            "--on",
            "2022-03-01",
            "task",
            "add",
            "--kind",
            "ad-hoc",
            "--org",
            &org,
            "--due",
            "2022-03-20",
            "--note",
            RAW,
        ])
        .trim()
        .to_string();

    // What a peer or a hand edit could leave: raw text everywhere.
    let conn = l.conn();
    let put = |sql: &str, params: &[&dyn rusqlite::ToSql]| {
        conn.execute(sql, params)
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    };
    put(
        "UPDATE orgs SET name = ?1, address = ?1, contact = ?1, industry = ?2 WHERE id = ?3",
        &[&RAW, &RAW_WORD, &org],
    );
    put(
        "UPDATE orgs SET name = ?1, code = '911101080673385595' WHERE id = ?2",
        &[&RAW, &twin],
    );
    put("UPDATE streets SET name = ?1", &[&RAW_STREET]);
    put("UPDATE communities SET name = ?1", &[&RAW_PLACE]);
    put("UPDATE buildings SET name = ?1", &[&RAW_PLACE]);
    put("UPDATE party_orgs SET name = ?1", &[&RAW]);
    put("UPDATE persons SET name = ?1", &[&RAW]);
    put("UPDATE instructors SET name = ?1", &[&RAW]);
    put(
        "UPDATE tasks SET kind = ?1, stage = ?2, note = ?3 WHERE id = ?4",
        &[&RAW_WORD, &RAW_WORD, &RAW, &task],
    );
    // Two concurrent phone numbers from two sites (a sync conflict), each
    // with raw text in the value, the site id and the author.
    let hlc: i64 = conn
        .query_row("SELECT MAX(hlc) FROM oplog", [], |r| r.get(0))
        .expect("hlc");
    for (n, site) in [
        (1_i64, RAW_SITE),
        (2, "0190b1c2-0000-7000-8000-00000000beef"),
    ] {
        let value = serde_json::to_string(&format!("{RAW}{n}")).expect("json");
        put(
            "INSERT INTO oplog(site_id, seq, hlc, tbl, row_id, field, value, schema_version, supersedes, actor)
             VALUES (?1, 1, ?2, 'orgs', ?3, 'phone', ?4, 3, NULL, ?5)",
            &[&site, &(hlc + n), &org, &value, &RAW],
        );
    }
    put(
        "INSERT INTO sync_conflicts(id, tbl, row_id, field) VALUES ('c1', 'orgs', ?1, 'phone')",
        &[&org],
    );
    // A decision on one of the raw-named organization's alerts, snoozed to a
    // raw day with a raw reason.
    let listed = l.json(&["--today", "2022-09-30", "alerts", "--format", "json"]);
    let alert = listed
        .as_array()
        .and_then(|a| a.iter().find(|x| x["org_id"] == org.as_str()))
        .expect("the raw-named organization has an alert")
        .clone();
    let field = |k: &str| alert[k].as_str().unwrap_or_default().to_string();
    put(
        "INSERT INTO alerts(id, rule, subject, org_id, raised_on, state, until_on, reason)
         VALUES (?1, ?2, ?3, ?4, ?5, 'snoozed', ?6, ?7)",
        &[
            &field("id"),
            &field("rule"),
            &field("subject"),
            &org,
            &field("raised_on"),
            &RAW_DAY,
            &RAW,
        ],
    );
    drop(conn);
    Hostile { l, org, twin, task }
}

#[test]
fn text_commands_show_names_cleaned() {
    let h = hostile_ledger();
    let (l, org) = (&h.l, h.org.as_str());
    let today = ["--today", "2022-09-30"];
    let with = |args: &[&str]| -> Vec<String> {
        today.iter().chain(args).map(|s| s.to_string()).collect()
    };
    let text_commands: Vec<(Vec<String>, Option<&str>)> = vec![
        (with(&["org", "list"]), Some(SHOWN)),
        (with(&["org", "show", org]), Some(SHOWN)),
        (with(&["person", "list", "--all"]), Some(SHOWN)),
        (with(&["street", "list"]), Some("南坪街道")),
        (with(&["alerts", "--all"]), Some(SHOWN)),
        (with(&["tasks", "--all"]), Some(SHOWN)),
        (with(&["today"]), None),
        (
            with(&[
                "report",
                "period",
                "--from",
                "2022-01-01",
                "--to",
                "2022-09-30",
            ]),
            None,
        ),
        (
            with(&[
                "report",
                "period",
                "--from",
                "2022-01-01",
                "--to",
                "2022-09-30",
                "--street",
                RAW_STREET,
            ]),
            Some("南坪街道"),
        ),
        (with(&["report", "coverage"]), Some("南坪街道")),
        (
            with(&["report", "coverage", "--by", "community"]),
            Some("社区名"),
        ),
        (
            with(&["report", "coverage", "--format", "csv"]),
            Some("南坪街道"),
        ),
        (
            with(&[
                "report",
                "response",
                "--from",
                "2022-01-01",
                "--to",
                "2022-09-30",
            ]),
            None,
        ),
        (with(&["conflicts"]), Some(SHOWN)),
        (with(&["sync", "status"]), None),
    ];
    for (args, expect) in &text_commands {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = ok(l, &args);
        if let Some(e) = expect {
            assert!(out.contains(e), "{args:?} does not show {e}:\n{out}");
        }
    }
    // The task of an unknown kind and stage shows them cleaned.
    let tasks = ok(l, &["--today", "2022-09-30", "tasks", "--all"]);
    assert!(tasks.contains("xy"), "{tasks}");
    // So does the snoozed alert of the raw-named organization (snoozed to
    // a day before, so open again).
    let alerts = ok(l, &["--today", "2022-09-30", "alerts", "--all"]);
    assert!(alerts.lines().any(|l| l.contains(SHOWN)), "{alerts}");
    // `check` reads everything; whatever it decides, it says it cleanly.
    run(l, &["check"]);
}

#[test]
fn json_escapes_controls_and_decodes_to_what_is_stored() {
    let h = hostile_ledger();
    let (l, org) = (&h.l, h.org.as_str());
    let name = stored(l, "SELECT name FROM orgs WHERE id = ?1", org);
    assert_eq!(name, RAW, "the raw edit is in the file");

    let v = json(l, &["org", "show", org, "--format", "json"]);
    assert_eq!(v["name"], RAW);
    assert_eq!(v["address"], RAW);
    assert_eq!(v["industry"], RAW_WORD);
    assert_eq!(v["street"], RAW_STREET);
    assert_eq!(v["persons"][0]["name"], RAW);
    assert_eq!(v["links"][0]["party_org"], RAW);

    let list = json(
        l,
        &["--today", "2022-09-30", "org", "list", "--format", "json"],
    );
    let row = list
        .as_array()
        .and_then(|a| a.iter().find(|r| r["id"] == org))
        .unwrap_or_else(|| panic!("{org} not listed: {list}"));
    assert_eq!(row["name"], RAW);
    assert_eq!(row["street"], RAW_STREET);

    let dump = json(l, &["export"]);
    let row = dump["orgs"]
        .as_array()
        .and_then(|a| a.iter().find(|r| r["id"] == org))
        .unwrap_or_else(|| panic!("{org} not exported"));
    assert_eq!(row["name"], RAW);
    assert_eq!(row["contact"], RAW);

    let tasks = json(
        l,
        &[
            "--today",
            "2022-09-30",
            "tasks",
            "--all",
            "--format",
            "json",
        ],
    );
    let task = tasks
        .as_array()
        .and_then(|a| a.iter().find(|t| t["id"] == h.task.as_str()))
        .unwrap_or_else(|| panic!("task not listed: {tasks}"));
    assert_eq!(task["kind"], RAW_WORD);
    assert_eq!(task["stage"], RAW_WORD);

    let conflicts = json(l, &["conflicts", "--format", "json"]);
    let all = conflicts.to_string();
    let phone = conflicts
        .as_array()
        .and_then(|a| a.iter().find(|c| c["field"] == "phone"))
        .unwrap_or_else(|| panic!("no phone conflict: {all}"));
    let sites: Vec<&Value> = phone["values"]
        .as_array()
        .map(|vs| vs.iter().map(|v| &v["site"]).collect())
        .unwrap_or_default();
    assert!(sites.contains(&&Value::from(RAW_SITE)), "{phone}");
    let values: Vec<&Value> = phone["values"]
        .as_array()
        .map(|vs| vs.iter().map(|v| &v["value"]).collect())
        .unwrap_or_default();
    assert!(values.contains(&&Value::from(format!("{RAW}1"))), "{phone}");
    let duplicate = conflicts
        .as_array()
        .and_then(|a| a.iter().find(|c| c["kind"] == "duplicate"))
        .unwrap_or_else(|| panic!("no duplicate: {all}"));
    let names: Vec<&Value> = duplicate["values"]
        .as_array()
        .map(|vs| vs.iter().map(|v| &v["value"]).collect())
        .unwrap_or_default();
    assert!(names.contains(&&Value::from(RAW)), "{duplicate}");

    for args in [
        &[
            "--today",
            "2022-09-30",
            "alerts",
            "--all",
            "--format",
            "json",
        ][..],
        &["--today", "2022-09-30", "today", "--format", "json"],
        &["street", "list", "--format", "json"],
        &["person", "list", "--all", "--format", "json"],
        &["report", "coverage", "--format", "json"],
        &[
            "report",
            "period",
            "--from",
            "2022-01-01",
            "--to",
            "2022-09-30",
            "--format",
            "json",
        ],
        &[
            "report",
            "response",
            "--from",
            "2022-01-01",
            "--to",
            "2022-09-30",
            "--format",
            "json",
        ],
        &["sync", "status", "--format", "json"],
        &["check", "--format", "json"],
    ] {
        let out = run(l, args);
        serde_json::from_str::<Value>(&out.stdout)
            .unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {}", out.stdout));
    }
    let alerts = json(
        l,
        &[
            "--today",
            "2022-09-30",
            "alerts",
            "--all",
            "--format",
            "json",
        ],
    );
    let alert = alerts
        .as_array()
        .and_then(|a| a.iter().find(|x| x["until_on"] == RAW_DAY))
        .unwrap_or_else(|| panic!("the snoozed alert is not listed: {alerts}"));
    assert_eq!(alert["reason"], RAW);
    assert_eq!(alert["org"], RAW);
    let streets = json(l, &["street", "list", "--format", "json"]);
    assert_eq!(streets[0]["name"], RAW_STREET);
}

#[test]
fn error_messages_quote_names_cleaned() {
    let h = hostile_ledger();
    let l = &h.l;
    // Two organizations now carry the raw name: the refusal lists both, by
    // id and name.
    let o = run(l, &["org", "show", RAW]);
    assert!(!o.ok);
    assert_eq!(o.stderr.lines().count(), 1, "{}", o.stderr);
    assert!(o.stderr.contains("is ambiguous"), "{}", o.stderr);
    assert!(
        o.stderr.contains(&h.org) && o.stderr.contains(&h.twin),
        "{}",
        o.stderr
    );
    assert!(o.stderr.contains(SHOWN), "{}", o.stderr);

    let ghost = format!("无此组织{RAW}");
    for args in [
        vec!["org", "show", ghost.as_str()],
        vec!["org", "set", &h.org, RAW],
        vec!["org", "set", &h.org, "employees=\u{1b}[31m5\u{202e}"],
        vec!["person", "transfer", RAW, "--to", ghost.as_str()],
        vec!["conflicts", "resolve", RAW, "--pick", "1"],
        vec!["alerts", "--rule", RAW],
        vec!["--today", RAW, "org", "list"],
        vec!["org", "list", "--format", RAW],
    ] {
        let o = run(l, &args);
        assert!(!o.ok, "{args:?} accepted");
        assert!(o.stderr.starts_with("error: "), "{args:?}: {}", o.stderr);
        assert!(!o.stderr.contains("panicked"), "{args:?}: {}", o.stderr);
    }
    // Refusals by the argument parser quote what was typed, cleaned too.
    for args in [&[RAW][..], &["org", "list", RAW], &["org", "show"]] {
        let o = run(l, args);
        assert!(!o.ok, "{args:?} accepted");
        assert!(o.stderr.contains("error"), "{args:?}: {}", o.stderr);
    }
}

#[test]
fn user_list_shows_names_cleaned() {
    let l = small_ledger();
    l.ok(&[
        "user", "add", "wangwei", "--name", RAW, "--role", "district",
    ]);
    assert_eq!(
        stored(&l, "SELECT name FROM users WHERE os_user = ?1", "wangwei"),
        SHOWN
    );
    l.conn()
        .execute(
            "UPDATE users SET name = ?1, os_user = ?1, office = ?2",
            [RAW, RAW_WORD],
        )
        .expect("raw user");
    let text = ok(&l, &["user", "list"]);
    assert!(text.contains(SHOWN), "{text}");
    let v = json(&l, &["user", "list", "--format", "json"]);
    assert_eq!(v[0]["name"], RAW);
    assert_eq!(v[0]["os_user"], RAW);
    assert_eq!(v[0]["office"], RAW_WORD);
}
