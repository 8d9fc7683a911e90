//! `liangxin shell USER`: the forced command of a cadre's SSH key on the
//! server, where one service account owns the ledger. The identity comes
//! from the key's line in `authorized_keys`, which only the administrator
//! writes: the key opens the app (with a terminal) or serves sync (when the
//! client asks for `sync serve`), as USER, and nothing else.

use std::io::IsTerminal;

use super::Ctx;
use crate::error::{Error, Result};
use crate::i18n::tr;

/// What the client asked for through ssh.
#[derive(Debug, PartialEq, Eq)]
enum Asked {
    App,
    SyncServe,
    Other(String),
}

/// `SSH_ORIGINAL_COMMAND` as ssh passes it: empty for an interactive login;
/// `<program> sync serve [--db PATH]` for sync and clone (the ledger is the
/// one the forced command names, whatever path the client gives).
fn asked(original: Option<&str>) -> Asked {
    let Some(cmd) = original.map(str::trim).filter(|c| !c.is_empty()) else {
        return Asked::App;
    };
    let words: Vec<&str> = cmd.split_whitespace().collect();
    let program_ok = words
        .first()
        .map(|w| w.trim_matches('\''))
        .is_some_and(|w| w.rsplit('/').next() == Some("liangxin"));
    let rest = &words[1.min(words.len())..];
    let serve = matches!(rest, ["sync", "serve"] | ["sync", "serve", "--db", _]);
    if program_ok && serve {
        Asked::SyncServe
    } else {
        Asked::Other(crate::text::clean(cmd))
    }
}

pub fn shell(ctx: &Ctx) -> Result<()> {
    let original = std::env::var("SSH_ORIGINAL_COMMAND").ok();
    match asked(original.as_deref()) {
        Asked::SyncServe => super::sync::serve(ctx),
        Asked::App if std::io::stdin().is_terminal() && std::io::stdout().is_terminal() => {
            super::setup::open_app(ctx)
        }
        Asked::App => Err(Error::Refused(
            tr(
                "这把密钥只能打开台账（需要终端，ssh -t）或同步",
                "this key only opens the ledger (needs a terminal: ssh -t) or syncs",
            )
            .into(),
        )),
        Asked::Other(cmd) => Err(Error::Refused(format!(
            "{}: {cmd}",
            tr(
                "这把密钥只能打开台账或同步，拒绝执行",
                "this key only opens the ledger or syncs; refused"
            )
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::{Asked, asked};

    #[test]
    fn only_the_app_and_sync_serve_pass() {
        assert_eq!(asked(None), Asked::App);
        assert_eq!(asked(Some("  ")), Asked::App);
        assert_eq!(asked(Some("liangxin sync serve")), Asked::SyncServe);
        assert_eq!(
            asked(Some("'liangxin' sync serve --db '/srv/x.db'")),
            Asked::SyncServe
        );
        assert_eq!(
            asked(Some("/usr/local/bin/liangxin sync serve --db /x")),
            Asked::SyncServe
        );
        for bad in [
            "sh",
            "liangxin user set alice --role district",
            "liangxin sync serve; sh",
            "liangxin sync serve --db /x && sh",
            "bash -c 'liangxin sync serve'",
            "liangxin --as root sync serve",
        ] {
            assert!(matches!(asked(Some(bad)), Asked::Other(_)), "{bad}");
        }
    }
}
