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
