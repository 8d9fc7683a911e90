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
