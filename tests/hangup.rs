//! The app under a real pseudo-terminal that goes away, as a dropped SSH
//! connection does: the app must end by itself, and SIGTERM/SIGINT must end it
//! whether its terminal is alive or not. An app left behind spins a core of a
//! shared server and holds the database open.

mod common;

use std::fs::File;
use std::io::Read;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Child, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use common::{Ledger, command, small_ledger};

/// The app on its own pseudo-terminal; killed on drop, so a failing test
/// never leaves it running.
struct App {
    child: Child,
    master: Option<File>,
}

impl App {
    fn start(l: &Ledger) -> App {
        let (master, slave) = open_pty();
        let mut c = command(&l.db, l.dir.path(), &[]);
        c.env("TERM", "xterm-256color")
            .stdin(Stdio::from(slave.try_clone().expect("dup")))
            .stdout(Stdio::from(slave.try_clone().expect("dup")))
            .stderr(Stdio::from(slave));
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            c.pre_exec(|| {
                // a session of its own with this terminal as its controlling
                // terminal: what sshd gives a login
                if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY, 0) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = c.spawn().expect("spawn liangxin");
        let mut app = App {
            child,
            master: Some(master),
        };
        app.read_until_drawn();
        app
    }

    /// Reads the terminal until the app has drawn its panes.
    fn read_until_drawn(&mut self) {
        let Some(m) = self.master.as_mut() else {
            return;
        };
        let fd = m.as_raw_fd();
        let mut seen = Vec::new();
        let t0 = Instant::now();
        // the organizations pane has loaded when a name from the ledger shows
        while !String::from_utf8_lossy(&seen).contains("丙") {
            assert!(
                t0.elapsed() < Duration::from_secs(60),
                "the app never drew its rows: {}",
                String::from_utf8_lossy(&seen)
            );
            let mut p = libc::pollfd {
                fd,
                events: libc::POLLIN,
                revents: 0,
            };
            // SAFETY: one valid pollfd.
            if unsafe { libc::poll(&mut p, 1, 100) } > 0 {
                let mut buf = [0u8; 65536];
                match m.read(&mut buf) {
                    Ok(n) if n > 0 => seen.extend_from_slice(&buf[..n]),
                    _ => break,
                }
            }
        }
    }

    /// Closes the master side: the terminal goes away.
    fn hang_up(&mut self) {
        self.master = None;
    }

    fn signal(&self, sig: i32) {
        // SAFETY: kill with a pid of our own child.
        unsafe { libc::kill(self.child.id() as i32, sig) };
    }

    /// The exit status if the app ends within `limit` (a bound on a hang,
    /// generous for a loaded machine; the app itself takes milliseconds).
    fn ended_within(&mut self, limit: Duration) -> Option<ExitStatus> {
        let t0 = Instant::now();
        while t0.elapsed() < limit {
            if let Some(s) = self.child.try_wait().expect("try_wait") {
                return Some(s);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }

    /// CPU time (user + system, in clock ticks) the app has used so far.
    fn cpu_ticks(&self) -> u64 {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id()))
            .expect("read /proc stat");
        let after = stat.rsplit_once(')').expect("stat format").1;
        let f: Vec<&str> = after.split_whitespace().collect();
        f[11].parse::<u64>().expect("utime") + f[12].parse::<u64>().expect("stime")
    }
}

/// A pseudo-terminal pair, both ends close-on-exec from the start, so no other
/// child spawned by a parallel test holds the master open (which would keep
/// the terminal from ever going away).
fn open_pty() -> (File, OwnedFd) {
    // SAFETY: plain libc calls; each returned descriptor is checked and then
    // owned by exactly one File/OwnedFd.
    unsafe {
        let m = libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY | libc::O_CLOEXEC);
        assert!(m >= 0, "posix_openpt");
        let master = File::from_raw_fd(m);
        assert_eq!(libc::grantpt(m), 0, "grantpt");
        assert_eq!(libc::unlockpt(m), 0, "unlockpt");
        let mut name = [0 as libc::c_char; 128];
        assert_eq!(libc::ptsname_r(m, name.as_mut_ptr(), name.len()), 0);
        let size = libc::winsize {
            ws_row: 30,
            ws_col: 100,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        let sl = libc::open(
            name.as_ptr(),
            libc::O_RDWR | libc::O_NOCTTY | libc::O_CLOEXEC,
        );
        assert!(sl >= 0, "open the slave side");
        libc::ioctl(sl, libc::TIOCSWINSZ, &size);
        (master, OwnedFd::from_raw_fd(sl))
    }
}

impl Drop for App {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn ledger() -> Ledger {
    small_ledger()
}

#[test]
fn the_app_ends_when_its_terminal_goes_away() {
    let l = ledger();
    let mut app = App::start(&l);
    app.hang_up();
    let status = app.ended_within(Duration::from_secs(2));
    assert!(
        status.is_some(),
        "still running 2 s after the terminal went away"
    );
    // the ledger is intact and readable afterwards
    assert_eq!(l.count("orgs"), 3);
    l.ok(&["check"]);
}

#[test]
fn sigterm_after_a_hangup_ends_it() {
    let l = ledger();
    let mut app = App::start(&l);
    app.hang_up();
    app.signal(libc::SIGTERM);
    assert!(app.ended_within(Duration::from_secs(2)).is_some());
}

#[test]
fn sigterm_and_sigint_end_it_with_the_terminal_alive() {
    for sig in [libc::SIGTERM, libc::SIGINT] {
        let l = ledger();
        let mut app = App::start(&l);
        app.signal(sig);
        let status = app.ended_within(Duration::from_secs(2));
        assert!(status.is_some(), "signal {sig} did not end the app");
        // it ended by returning (terminal restored), not by dying of the signal
        assert_eq!(status.and_then(|s| s.signal()), None);
    }
}

#[test]
fn an_idle_app_blocks_instead_of_spinning() {
    let l = ledger();
    let app = App::start(&l);
    // let the opening upkeep finish, then measure one idle second
    std::thread::sleep(Duration::from_secs(2));
    let a = app.cpu_ticks();
    std::thread::sleep(Duration::from_secs(1));
    let used = app.cpu_ticks() - a;
    // a spinning loop uses ~100 ticks a second; waking twice a second to look
    // for other sessions' commits uses none that register
    assert!(used < 20, "{used} CPU ticks in one idle second");
}
