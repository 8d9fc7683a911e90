//! Waiting for the next thing to do without spinning: input on the terminal,
//! a signal, or a timeout. A dropped SSH connection shows up here as a hangup
//! on the terminal (or a SIGHUP), and the app ends.
//!
//! crossterm's own reader loops forever when the terminal's read returns EOF
//! or EIO, so it is only asked for events after `poll(2)` has said the
//! terminal is readable and not hung up. A watchdog thread ends the process
//! if a stop signal is not acted on within a moment (the UI thread stuck in a
//! write to a stalled link, or in that loop after a race): SQLite rolls back
//! whatever was not committed, so committed work stays and nothing is half
//! written.

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::net::UnixStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM, SIGWINCH};

use crate::error::{Error, Result};

/// Signals that end the app at any time, terminal alive or not.
const STOPS: [i32; 3] = [SIGTERM, SIGHUP, SIGINT];

/// How long the UI thread has to act on a stop before the watchdog ends the process.
const GRACE: Duration = Duration::from_millis(700);

#[derive(Debug, PartialEq, Eq)]
pub enum Wake {
    /// The terminal has input (or was resized): ask crossterm for events.
    Input,
    Timeout,
    /// SIGTERM, SIGINT or SIGHUP.
    Stop,
    /// The terminal went away (EOF, EIO, hangup).
    Hangup,
}

pub struct Waiter {
    tty: RawFd,
    /// Keeps /dev/tty open when input is not on stdin.
    _tty_file: Option<File>,
    signals: UnixStream,
    wake_tx: Arc<UnixStream>,
    stop: Arc<AtomicBool>,
}

/// Wakes a waiting `Waiter` from another thread (a loader's result is ready).
#[derive(Clone)]
pub struct Waker(Arc<UnixStream>);

impl Waker {
    pub fn wake(&self) {
        // A full pipe already holds a wake-up: nothing is lost by dropping this one.
        let _ = (&*self.0).write(&[1]);
    }
}

fn io(e: std::io::Error) -> Error {
    Error::Other(e.to_string())
}

impl Waiter {
    pub fn new() -> Result<Waiter> {
        // The same terminal crossterm reads: stdin when it is one, else /dev/tty.
        // SAFETY: isatty only inspects the descriptor.
        let (tty, tty_file) = if unsafe { libc::isatty(libc::STDIN_FILENO) } == 1 {
            (libc::STDIN_FILENO, None)
        } else {
            let f = File::open("/dev/tty").map_err(io)?;
            (f.as_raw_fd(), Some(f))
        };
        let stop = Arc::new(AtomicBool::new(false));
        let (rx, tx) = UnixStream::pair().map_err(io)?;
        rx.set_nonblocking(true).map_err(io)?;
        tx.set_nonblocking(true).map_err(io)?;
        // The flag first: when the pipe wakes the loop, the flag is already set.
        for sig in STOPS {
            signal_hook::flag::register(sig, Arc::clone(&stop)).map_err(io)?;
        }
        for sig in STOPS.into_iter().chain([SIGWINCH]) {
            signal_hook::low_level::pipe::register(sig, tx.try_clone().map_err(io)?).map_err(io)?;
        }
        watchdog()?;
        Ok(Waiter {
            tty,
            _tty_file: tty_file,
            signals: rx,
            wake_tx: Arc::new(tx),
            stop,
        })
    }

    pub fn waker(&self) -> Waker {
        Waker(Arc::clone(&self.wake_tx))
    }

    pub fn stopped(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    /// Blocks until input, a signal, a hangup or the timeout.
    pub fn wait(&mut self, timeout: Duration) -> Wake {
        if self.stopped() {
            return Wake::Stop;
        }
        let mut fds = [
            libc::pollfd {
                fd: self.tty,
                events: libc::POLLIN,
                revents: 0,
            },
            libc::pollfd {
                fd: self.signals.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            },
        ];
        let ms = timeout.as_millis().min(i32::MAX as u128) as i32;
        // SAFETY: `fds` is a valid array of two pollfd structs for the call's duration.
        let n = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, ms) };
        if n < 0 {
            let e = std::io::Error::last_os_error();
            return match e.kind() {
                std::io::ErrorKind::Interrupted if self.stopped() => Wake::Stop,
                std::io::ErrorKind::Interrupted => Wake::Timeout,
                _ => Wake::Hangup,
            };
        }
        if fds[1].revents != 0 {
            let mut buf = [0u8; 64];
            while matches!(self.signals.read(&mut buf), Ok(n) if n > 0) {}
            if self.stopped() {
                return Wake::Stop;
            }
        }
        let tty = fds[0].revents;
        if tty & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0 {
            return Wake::Hangup;
        }
        if tty & libc::POLLIN != 0 || fds[1].revents != 0 {
            return Wake::Input;
        }
        Wake::Timeout
    }
}

/// Ends the process if a stop signal is not acted on within `GRACE`.
fn watchdog() -> Result<()> {
    let mut signals = signal_hook::iterator::Signals::new(STOPS).map_err(io)?;
    std::thread::Builder::new()
        .name("watchdog".into())
        .spawn(move || {
            if let Some(sig) = signals.forever().next() {
                std::thread::sleep(GRACE);
                // Still here: the UI thread is stuck. Leave raw mode (an ioctl,
                // it cannot block on a stalled link) and go.
                let _ = crossterm::terminal::disable_raw_mode();
                // SAFETY: _exit ends the process at once; SQLite's journal keeps
                // every committed transaction and drops the open one.
                unsafe { libc::_exit(128 + sig) };
            }
        })
        .map_err(io)?;
    Ok(())
}
