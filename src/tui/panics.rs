//! Panics while the app holds the terminal. On the UI thread the terminal is
//! restored and the message printed, as usual. On a worker thread (the
//! loader) the screen is left alone: the worker catches its own panic and
//! reports it as one line in the status bar, and the app goes on.

use std::sync::{Mutex, OnceLock};
use std::thread::ThreadId;

use crate::error::{Error, Result};

static UI_THREAD: OnceLock<ThreadId> = OnceLock::new();
/// The last worker panic's message, for the worker to pass on.
static LAST: Mutex<Option<String>> = Mutex::new(None);

/// Enters raw mode and the alternate screen, with the panic hook above.
pub fn init_terminal() -> Result<ratatui::DefaultTerminal> {
    let _ = UI_THREAD.set(std::thread::current().id());
    // The default hook, taken before ratatui wraps it: ratatui's own restore
    // prints with eprintln, which panics again on a terminal that is gone.
    let default = std::panic::take_hook();
    let terminal = ratatui::try_init().map_err(|e| Error::Other(e.to_string()))?;
    std::panic::set_hook(Box::new(move |info| {
        if UI_THREAD.get() == Some(&std::thread::current().id()) {
            let _ = ratatui::try_restore();
            default(info);
        } else if let Ok(mut last) = LAST.lock() {
            *last = Some(message(info));
        }
    }));
    Ok(terminal)
}

fn message(info: &std::panic::PanicHookInfo<'_>) -> String {
    let what = info
        .payload()
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| info.payload().downcast_ref::<String>().cloned())
        .unwrap_or_default();
    match info.location() {
        Some(l) => format!("{what} ({}:{})", l.file(), l.line()),
        None => what,
    }
}

/// Runs `f`, turning a panic into an error that names it.
pub fn catch<T>(f: impl FnOnce() -> Result<T>) -> Result<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(payload) => {
            let recorded = LAST.lock().ok().and_then(|mut l| l.take());
            let what = recorded
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Err(Error::Other(format!(
                "{}: {what}",
                crate::i18n::tr("载入出错", "loading failed")
            )))
        }
    }
}
