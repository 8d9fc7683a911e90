//! The database key of the `encryption` build (SQLCipher). It comes from the
//! `LIANGXIN_KEY` environment variable or a prompt on the terminal, never
//! from the config file: a lost laptop must not carry the key beside the
//! ledger. The plain build has no key and this does nothing.

use rusqlite::Connection;

use crate::error::Result;

/// Applies the key to a connection just opened: SQLCipher needs it before
/// any other statement touches the file.
#[cfg(not(feature = "encryption"))]
pub fn apply(_conn: &Connection) -> Result<()> {
    Ok(())
}

#[cfg(feature = "encryption")]
pub fn apply(conn: &Connection) -> Result<()> {
    // SQLCipher logs a failed page check to stderr; the refusal says it once.
    conn.pragma_update(None, "cipher_log_level", "NONE")?;
    let key = key()?;
    conn.pragma_update(None, "key", key.as_str())?;
    Ok(())
}

/// The key, asked once per process (a backup or a clone opens a second file
/// with the same key).
#[cfg(feature = "encryption")]
fn key() -> Result<std::sync::Arc<String>> {
    use crate::error::Error;
    use crate::i18n::tr;
    use std::io::IsTerminal;
    use std::sync::{Arc, OnceLock};

    static KEY: OnceLock<Arc<String>> = OnceLock::new();
    if let Some(k) = KEY.get() {
        return Ok(k.clone());
    }
    let refuse = || {
        Error::Refused(
            tr(
                "加密版需要密钥：设置 LIANGXIN_KEY 或在终端中运行",
                "the encrypted build needs a key: set LIANGXIN_KEY or run on a terminal",
            )
            .into(),
        )
    };
    let k = match std::env::var("LIANGXIN_KEY") {
        Ok(k) if !k.is_empty() => k,
        // Ask only a person at a terminal, never a pipe or a job.
        _ if std::io::stdin().is_terminal() => {
            rpassword::prompt_password(tr("数据库密钥: ", "database key: "))
                .map_err(|_| refuse())?
        }
        _ => return Err(refuse()),
    };
    if k.is_empty() {
        return Err(Error::invalid(
            "key",
            "",
            tr("不能为空", "must not be empty"),
        ));
    }
    Ok(KEY.get_or_init(|| Arc::new(k)).clone())
}
