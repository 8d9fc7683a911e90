//! End to end through a real sshd on 127.0.0.1 (started by `.ci/run`):
//! clone a ledger over ssh, edit both sides, sync both ways.
//! Ignored by a plain `cargo test`; `.ci/run` runs it with `--ignored`.

mod common;

use std::process::Command;

use common::{Ledger, small_ledger};

struct Ssh {
    user: String,
    port: String,
    command: String,
}

fn ssh() -> Ssh {
    let key = std::env::var("LIANGXIN_TEST_SSH_KEY")
        .expect("LIANGXIN_TEST_SSH_KEY: a key sshd on 127.0.0.1 accepts (set up by .ci/run)");
    Ssh {
        user: std::env::var("LIANGXIN_TEST_SSH_USER").unwrap_or_else(|_| "root".into()),
        port: std::env::var("LIANGXIN_TEST_SSH_PORT").unwrap_or_else(|_| "2222".into()),
        command: format!(
            "ssh -i {key} -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o LogLevel=ERROR"
        ),
    }
}

fn remote(s: &Ssh, db: &std::path::Path) -> String {
    // Only ever the loopback address.
    format!("ssh://{}@127.0.0.1:{}{}", s.user, s.port, db.display())
}

fn run(s: &Ssh, l: &Ledger, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_liangxin"))
        .arg("--db")
        .arg(&l.db)
        .args(args)
        .args(["--remote-cmd", env!("CARGO_BIN_EXE_liangxin")])
        .env("LIANGXIN_SSH", &s.command)
        .env("LIANGXIN_LANG", "en")
        .env("HOME", l.dir.path())
        .output()
        .expect("run liangxin");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{args:?}: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

fn dump(l: &Ledger) -> String {
    l.ok(&["export", "--format", "json"])
}

#[test]
#[ignore = "needs sshd on 127.0.0.1 (run by .ci/run)"]
fn clone_and_sync_two_databases_both_ways_over_ssh() {
    let s = ssh();
    let server = small_ledger();
    let url = remote(&s, &server.db);
    let a = Ledger::new();
    let b = Ledger::new();
    run(&s, &a, &["sync", "clone", &url]);
    run(&s, &b, &["sync", "clone", &url]);
    assert_eq!(dump(&a), dump(&server));

    a.ok(&["org", "set", "常德乙公司", "employees=70"]);
    b.ok(&["org", "set", "常德丙公司", "address=常德市武陵区"]);
    server.ok(&["org", "set", "常德甲公司", "contact=张三"]);
    let out = run(&s, &a, &["sync", &url]);
    assert!(
        out.contains("ops in 1") && out.contains("ops out 1"),
        "{out}"
    );
    let out = run(&s, &b, &["sync", &url]);
    assert!(
        out.contains("ops in 2") && out.contains("ops out 1"),
        "{out}"
    );
    run(&s, &a, &["sync", &url]);

    let want = dump(&server);
    assert!(
        want.contains("\"employees\":70") && want.contains("常德市武陵区") && want.contains("张三")
    );
    assert_eq!(dump(&a), want);
    assert_eq!(dump(&b), want);
    assert_eq!(a.json(&["sync", "status", "--format", "json"])["unsent"], 0);
}

/// Server-side processes of the app on `db`: argv[0] is the binary (the ssh
/// client's own command line names the db too, but starts with ssh).
fn app_pids(db: &std::path::Path) -> Vec<i32> {
    let bin = env!("CARGO_BIN_EXE_liangxin");
    let db = db.to_string_lossy();
    let mut pids = Vec::new();
    for e in std::fs::read_dir("/proc").expect("read /proc").flatten() {
        let Some(pid) = e.file_name().to_str().and_then(|s| s.parse::<i32>().ok()) else {
            continue;
        };
        let Ok(cmd) = std::fs::read(e.path().join("cmdline")) else {
            continue;
        };
        let args: Vec<String> = cmd
            .split(|&b| b == 0)
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect();
        if args.first().is_some_and(|a| a == bin) && args.iter().any(|a| a == db.as_ref()) {
            pids.push(pid);
        }
    }
    pids
}

/// Kills whatever is left of the server-side app, so a failing test leaves
/// no process behind.
struct Reap(std::path::PathBuf);
impl Drop for Reap {
    fn drop(&mut self) {
        for pid in app_pids(&self.0) {
            // SAFETY: kill by pid; the process may already be gone.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
    }
}

#[test]
#[ignore = "needs sshd on 127.0.0.1 (run by .ci/run)"]
fn the_app_ends_on_the_server_when_the_ssh_client_drops() {
    use std::io::Read;
    use std::process::Stdio;
    let s = ssh();
    let l = small_ledger();
    let _reap = Reap(l.db.clone());
    // ssh -tt without a local terminal gives the remote one no size: set one.
    let remote_cmd = format!(
        "stty cols 100 rows 30; TERM=xterm-256color LIANGXIN_LANG=zh HOME={} exec {} --db {}",
        l.dir.path().display(),
        env!("CARGO_BIN_EXE_liangxin"),
        l.db.display()
    );
    // -tt: a terminal on the server side, as an interactive login has.
    let mut client = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "exec {} -tt -p {} {}@127.0.0.1 \"$0\"",
            s.command, s.port, s.user
        ))
        .arg(&remote_cmd)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start ssh");
    let mut out = client.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut seen = Vec::new();
        let mut buf = [0u8; 8192];
        while let Ok(n) = out.read(&mut buf) {
            if n == 0 {
                break;
            }
            seen.extend_from_slice(&buf[..n]);
            if String::from_utf8_lossy(&seen).contains("丙") {
                let _ = tx.send(());
            }
        }
    });
    // A bound on a hang, not a timing assertion.
    rx.recv_timeout(std::time::Duration::from_secs(60))
        .expect("the app drew its rows over ssh");
    assert!(
        !app_pids(&l.db).is_empty(),
        "the app runs on the server side"
    );

    // The link drops: the client dies without a goodbye.
    client.kill().expect("kill the ssh client");
    let _ = client.wait();

    let t0 = std::time::Instant::now();
    while !app_pids(&l.db).is_empty() && t0.elapsed() < std::time::Duration::from_secs(5) {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(
        app_pids(&l.db),
        Vec::<i32>::new(),
        "the server-side app is still running 5 s after the client dropped"
    );
    l.ok(&["check"]);
}

/// The service-account deployment set up by `.ci/run`: one account owns the
/// ledger; each key's forced command is `liangxin shell USER`.
struct Service {
    user: String,
    db: String,
    port: String,
    boss: String,
    alice: String,
}

fn service() -> Service {
    let var = |k: &str| std::env::var(k).unwrap_or_else(|_| panic!("{k} (set up by .ci/run)"));
    Service {
        user: var("LIANGXIN_TEST_SVC_USER"),
        db: var("LIANGXIN_TEST_SVC_DB"),
        port: std::env::var("LIANGXIN_TEST_SSH_PORT").unwrap_or_else(|_| "2222".into()),
        boss: var("LIANGXIN_TEST_SVC_BOSS_KEY"),
        alice: var("LIANGXIN_TEST_SVC_ALICE_KEY"),
    }
}

fn ssh_with(key: &str) -> String {
    format!(
        "ssh -i {key} -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o LogLevel=ERROR"
    )
}

/// `liangxin args...` on a laptop ledger, reaching the server with `key`.
fn laptop(l: &Ledger, key: &str, args: &[&str]) -> common::Out {
    let mut c = common::command(&l.db, l.dir.path(), args);
    c.env("LIANGXIN_SSH", ssh_with(key));
    common::output(c)
}

/// A raw ssh command with `key`: what a cadre could type to escape the app.
fn raw_ssh(svc: &Service, key: &str, remote: &str) -> std::process::Output {
    let mut words = ssh_with(key)
        .split_whitespace()
        .map(str::to_string)
        .collect::<Vec<_>>();
    let prog = words.remove(0);
    Command::new(prog)
        .args(words)
        .args(["-p", &svc.port])
        .arg(format!("{}@127.0.0.1", svc.user))
        .arg(remote)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run ssh")
}

#[test]
#[ignore = "needs sshd and the service account (run by .ci/run)"]
fn a_street_users_key_syncs_only_what_the_street_may_change() {
    let svc = service();
    let url = format!("ssh://{}@127.0.0.1:{}{}", svc.user, svc.port, svc.db);
    // Alice clones with her key, and on her copy acts as anyone.
    let mine = Ledger::new();
    let o = laptop(&mine, &svc.alice, &["sync", "clone", &url]);
    assert!(o.ok, "{}", o.stderr);
    for args in [
        &[
            "--as",
            "boss",
            "org",
            "add",
            "--name",
            "越权公司",
            "--street",
            "乙街道",
        ][..],
        &["--as", "boss", "user", "set", "alice", "--role", "district"][..],
        &[
            "--as",
            "alice",
            "org",
            "add",
            "--name",
            "本街道公司",
            "--street",
            "甲街道",
        ][..],
    ] {
        mine.ok(args);
    }
    let o = laptop(&mine, &svc.alice, &["sync", &url]);
    assert!(o.ok, "{}\n{}", o.stdout, o.stderr);
    assert!(
        o.stderr.contains("refused") && o.stderr.contains("越权公司"),
        "{}",
        o.stderr
    );

    // What the server holds, read through the district user's key.
    let theirs = Ledger::new();
    let o = laptop(&theirs, &svc.boss, &["sync", "clone", &url]);
    assert!(o.ok, "{}", o.stderr);
    let orgs = theirs.ok(&["org", "list"]);
    assert!(
        orgs.contains("本街道公司") && !orgs.contains("越权公司"),
        "{orgs}"
    );
    let users = theirs.json(&["user", "list", "--format", "json"]);
    let alice = users
        .as_array()
        .and_then(|u| u.iter().find(|u| u["os_user"] == "alice"))
        .expect("alice");
    assert_eq!(alice["role"], "street");
    // The server's file: the audit has alice's batch, and check passes.
    let server = rusqlite::Connection::open(&svc.db).expect("open the server's ledger");
    let (who, detail): (String, String) = server
        .query_row(
            "SELECT os_user, detail FROM audit WHERE action = 'sync.receive' ORDER BY rowid DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("an audit record of the batch");
    assert_eq!(who, "alice");
    assert!(detail.contains("ssh key"), "{detail}");
    let out = Command::new(env!("CARGO_BIN_EXE_liangxin"))
        .args(["--db", &svc.db, "check"])
        .output()
        .expect("check");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // The key's forced command cannot be escaped: no shell, no other user.
    for escape in [
        "sh -c id",
        "liangxin shell boss",
        "liangxin --as boss sync serve",
        "liangxin user set alice --role district",
    ] {
        let o = raw_ssh(&svc, &svc.alice, escape);
        assert!(!o.status.success(), "{escape} was run");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains("refused") || err.contains("拒绝") || err.contains("--as"),
            "{escape}: {err}"
        );
    }
}
