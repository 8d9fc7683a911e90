//! A reader that goes away (`| head -1`, a pager quit): every command ends
//! quietly, exit 0 (or killed by SIGPIPE, 141), never a panic or a
//! "Broken pipe" message. Runs the real binary on the demo district (900
//! organizations, so the big listings outlast the pipe's buffer).

mod common;

use std::io::{BufRead, BufReader};
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::process::ExitStatusExt;
use std::process::{ExitStatus, Stdio};

use common::{Ledger, command};

/// Commands that print, and enough of the demo's dates to give them work.
const COMMANDS: &[&[&str]] = &[
    &["org", "list"],
    &["org", "list", "--format", "json"],
    &["org", "show", "常德市武陵区卓汇装饰工程有限公司"],
    &["street", "list"],
    &[
        "report",
        "period",
        "--from",
        "2022-01-01",
        "--to",
        "2022-09-30",
    ],
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
    &["report", "coverage"],
    &["report", "coverage", "--format", "csv"],
    &["report", "coverage", "--format", "json"],
    &[
        "report",
        "response",
        "--from",
        "2022-01-01",
        "--to",
        "2022-09-30",
    ],
    &["alerts"],
    &["alerts", "--all", "--format", "json"],
    &["tasks", "--all"],
    &["today"],
    &["conflicts"],
    &["user", "list"],
    &["check"],
    &["sync", "status"],
    &["export"],
    &["--help"],
    &["man"],
    &["completions", "fish"],
];

/// Outputs larger than a pipe's buffer (64 KiB) plus what the reader takes
/// in one read: the writer is still writing when the reader leaves.
const BIG: &[&[&str]] = &[
    &["org", "list"],
    &["org", "list", "--format", "json"],
    // the checklist view of `alerts` is short; one group listed whole is not
    &["alerts", "--group", "backlog"],
    &["alerts", "--all", "--format", "json"],
    &["export"],
    &["completions", "bash"],
];

fn demo() -> Ledger {
    let l = Ledger::new();
    l.ok(&["demo", "--no-tui"]);
    l
}

fn quiet_end(what: &str, status: ExitStatus, stderr: &[u8]) {
    let err = String::from_utf8_lossy(stderr);
    assert!(
        !err.contains("panicked") && !err.to_lowercase().contains("broken pipe"),
        "{what}: {err}"
    );
    assert!(
        status.success() || status.signal() == Some(libc::SIGPIPE) || status.code() == Some(141),
        "{what}: {status}\n{err}"
    );
}

/// The write end of a pipe whose read end is already closed: every write
/// to it fails with EPIPE, whatever the size.
fn pipe_without_reader() -> OwnedFd {
    let mut fds = [0 as libc::c_int; 2];
    // SAFETY: pipe2 writes two new descriptors into `fds`.
    let rc = unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) };
    assert_eq!(rc, 0, "pipe2: {}", std::io::Error::last_os_error());
    // SAFETY: both descriptors were just made by pipe2 and belong to no one else.
    let (read, write) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    drop(read);
    write
}

#[test]
fn every_command_ends_quietly_when_its_reader_is_gone() {
    let l = demo();
    for args in COMMANDS {
        let what = format!("{args:?}");
        // First the command itself works and prints (so the closed pipe is
        // what the second run meets).
        let full = l.run(args);
        assert!(full.ok, "{what}: {}", full.stderr);
        assert!(!full.stdout.is_empty(), "{what} printed nothing");

        let out = command(&l.db, l.dir.path(), args)
            .stdin(Stdio::null())
            .stdout(Stdio::from(pipe_without_reader()))
            .stderr(Stdio::piped())
            .output()
            .expect("run liangxin");
        quiet_end(&what, out.status, &out.stderr);
        assert!(
            out.stderr.is_empty(),
            "{what}: said something: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn big_listings_end_quietly_after_one_line_is_read() {
    let l = demo();
    for args in BIG {
        let what = format!("{args:?}");
        let size = l.ok(args).len();
        assert!(size > 100 * 1024, "{what}: only {size} bytes");

        let mut child = command(&l.db, l.dir.path(), args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn liangxin");
        let mut first = String::new();
        {
            let stdout = child.stdout.take().expect("stdout");
            let mut r = BufReader::with_capacity(256, stdout);
            r.read_line(&mut first).expect("read one line");
            // `r` drops here: the read end closes, like `head -1` exiting.
        }
        assert!(!first.trim().is_empty(), "{what}: an empty first line");
        let out = child.wait_with_output().expect("wait");
        quiet_end(&what, out.status, &out.stderr);
        assert!(
            out.stderr.is_empty(),
            "{what}: said something: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// The serving side of sync keeps its errors: a peer that hangs up is a
/// failure there (an error and a non-zero exit), not a quiet success.
#[test]
fn sync_serve_still_fails_when_its_peer_is_gone() {
    use liangxin::sync::proto;
    let l = Ledger::new();
    l.ok(&["init"]);
    let mut hello = Vec::new();
    proto::send(
        &mut hello,
        &proto::hello("0190b1c2-0000-7000-8000-000000000001"),
    )
    .expect("a hello frame");
    let mut child = command(&l.db, l.dir.path(), &["sync", "serve"])
        .stdin(Stdio::piped())
        .stdout(Stdio::from(pipe_without_reader()))
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn liangxin");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all(&hello).expect("send hello");
    }
    let out = child.wait_with_output().expect("wait");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        !out.status.success(),
        "sync serve succeeded with no one to answer"
    );
    assert!(err.contains("Broken pipe"), "{err}");
}
