//! Helpers shared by the integration tests: run the real binary against a
//! database of the test's own, and count what is in it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

pub struct Out {
    pub ok: bool,
    pub stdout: String,
    pub stderr: String,
}

pub struct Ledger {
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
}

impl Ledger {
    pub fn new() -> Ledger {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("ledger.db");
        Ledger { dir, db }
    }

    /// Runs `liangxin --db <db> args...` with a fixed language and no user config.
    pub fn run(&self, args: &[&str]) -> Out {
        run_with(&self.db, self.dir.path(), args)
    }

    /// Like `run`, but the command must succeed; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let o = self.run(args);
        assert!(
            o.ok,
            "liangxin {args:?} failed:\n{}\n{}",
            o.stdout, o.stderr
        );
        o.stdout
    }

    /// Starts `liangxin --db <db> args...` without waiting; output is dropped.
    pub fn spawn(&self, args: &[&str]) -> Child {
        command(&self.db, self.dir.path(), args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn liangxin")
    }

    /// Rows in `table`, or None while the database cannot be read (a writer
    /// holds it mid-recovery): for polling while another process writes.
    pub fn try_count(&self, table: &str) -> Option<i64> {
        let conn = rusqlite::Connection::open(&self.db).ok()?;
        conn.busy_timeout(std::time::Duration::from_secs(1)).ok()?;
        conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
            .ok()
    }

    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let s = self.ok(args);
        serde_json::from_str(&s).unwrap_or_else(|e| panic!("not JSON ({e}): {s}"))
    }

    pub fn conn(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(&self.db).expect("open db")
    }

    pub fn count(&self, table: &str) -> i64 {
        self.conn()
            .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
            .expect("count")
    }

    /// Row counts of every table, the op log and the audit log.
    pub fn counts(&self) -> Vec<(String, i64)> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            .expect("tables");
        let names: Vec<String> = stmt
            .query_map([], |r| r.get(0))
            .expect("names")
            .collect::<Result<_, _>>()
            .expect("names");
        // The op log is counted as one: its view (`oplog`) in place of the
        // tables that store it.
        names
            .into_iter()
            .filter(|n| n != "meta" && n != "ops" && !n.starts_with("op_"))
            .chain(std::iter::once("oplog".to_string()))
            .map(|n| {
                let c = self.count(&n);
                (n, c)
            })
            .collect()
    }
}

/// The real binary pointed at `db`, with a fixed language and no user config.
pub fn command(db: &Path, home: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_liangxin"));
    c.arg("--db")
        .arg(db)
        .args(args)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env_remove("LIANGXIN_DB")
        .env_remove("LIANGXIN_CONFIG")
        .env_remove("LIANGXIN_TODAY")
        .env_remove("LIANGXIN_KEY")
        .env("LIANGXIN_LANG", "en");
    c
}

pub fn run_with(db: &Path, home: &Path, args: &[&str]) -> Out {
    output(command(db, home, args))
}

/// Runs a prepared command to its end and keeps what it printed.
pub fn output(mut c: Command) -> Out {
    let out = c.output().expect("run liangxin");
    Out {
        ok: out.status.success(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Polls `ready` while `child` runs. Fails if the child ends first (it was
/// not caught mid-way).
pub fn wait_for(child: &mut Child, what: &str, mut ready: impl FnMut() -> bool) {
    let t0 = std::time::Instant::now();
    while !ready() {
        if let Some(s) = child.try_wait().expect("try_wait") {
            panic!("{what} ended ({s}) before it could be killed");
        }
        // A guard against a hang, not a timing assertion.
        assert!(
            t0.elapsed() < std::time::Duration::from_secs(600),
            "{what} never reached the point to kill it at"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// `wait_for`, then kills the child with SIGKILL; fails if it was not ended
/// by that signal (it finished first).
pub fn kill_when(child: &mut Child, what: &str, ready: impl FnMut() -> bool) {
    use std::os::unix::process::ExitStatusExt;
    wait_for(child, what, ready);
    child.kill().expect("kill");
    let status = child.wait().expect("wait");
    assert_eq!(
        status.signal(),
        Some(9),
        "{what} finished ({status}) before the kill reached it"
    );
}

/// A small ledger: one street, a community, three enterprises.
pub fn small_ledger() -> Ledger {
    let l = Ledger::new();
    l.ok(&["--on", "2022-01-01", "street", "add", "南坪街道"]);
    l.ok(&[
        "--on",
        "2022-01-01",
        "community",
        "add",
        "南坪社区",
        "--street",
        "南坪街道",
    ]);
    l.ok(&[
        "--on",
        "2022-01-01",
        "building",
        "add",
        "万达写字楼",
        "--street",
        "南坪街道",
    ]);
    for (name, code) in [
        ("常德甲公司", "911101080673385595"),
        ("常德乙公司", ""),
        ("常德丙公司", ""),
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
            "--employees",
            "12",
        ];
        if !code.is_empty() {
            args.extend(["--code", code]);
        }
        l.ok(&args);
    }
    l
}

/// Runs `liangxin --db <db> --as <user> args...`: root acting as the ledger
/// user `user` (the tests run as root, as CI does). The one place that says
/// how a test picks the acting user: nothing in the environment does.
pub fn run_as(l: &Ledger, user: &str, args: &[&str]) -> Out {
    let mut all = vec!["--as", user];
    all.extend_from_slice(args);
    output(command(&l.db, l.dir.path(), &all))
}

/// `run_as`, which must succeed; returns stdout.
pub fn ok_as(l: &Ledger, user: &str, args: &[&str]) -> String {
    let o = run_as(l, user, args);
    assert!(
        o.ok,
        "{user}: liangxin {args:?} failed:\n{}\n{}",
        o.stdout, o.stderr
    );
    o.stdout
}

/// The district server of the trust tests: streets 甲街道 and 乙街道, the
/// district user `boss` and `alice`, a street user of 甲街道.
pub fn two_street_server() -> Ledger {
    let s = Ledger::new();
    s.ok(&["init"]);
    for st in ["甲街道", "乙街道"] {
        s.ok(&["--on", "2022-01-01", "street", "add", st]);
    }
    s.ok(&["user", "add", "boss", "--role", "district"]);
    ok_as(
        &s,
        "boss",
        &[
            "user",
            "add",
            "alice",
            "--role",
            "street",
            "--street",
            "甲街道",
        ],
    );
    s
}
