//! Who is acting. The identity comes from something the acting person cannot
//! set at will: the account of the process's real uid, an SSH key's forced
//! command (`liangxin shell USER`, written by the administrator), or root
//! naming a user explicitly (`--as`, as `sudo -u` does). Environment
//! variables such as USER and LOGNAME never decide it.

use crate::error::{Error, Result};
use crate::i18n::tr;

/// Who is acting: the OS user and the configured name and office.
#[derive(Clone, Debug, Default)]
pub struct Actor {
    pub os_user: String,
    pub name: String,
    pub office: String,
    /// How the identity was given when it is not the process's own account
    /// ("--as by root", "ssh key"): kept in every audit record.
    pub via: Option<String>,
}

impl Actor {
    /// "name (office)", as ops carry it.
    pub fn label(&self) -> String {
        if self.office.is_empty() {
            self.name.clone()
        } else {
            format!("{} ({})", self.name, self.office)
        }
    }

    /// The account of the process's real uid, from the password database.
    /// `name` (the config's) names the user only where that account is not a
    /// ledger user (a single cadre's laptop): see `scope::acting_user`.
    pub fn of_process(name: &str, office: &str) -> Actor {
        let os_user = login_name().unwrap_or_else(|| format!("uid:{}", real_uid()));
        Actor {
            name: if name.is_empty() {
                os_user.clone()
            } else {
                name.to_string()
            },
            os_user,
            office: office.to_string(),
            via: None,
        }
    }

    /// Whether the process's real uid owns the database file (or it does not
    /// exist yet and would be its own): a single cadre's laptop, where the
    /// config's `user.name` may name the ledger user.
    pub fn owns(db: &std::path::Path) -> bool {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            match std::fs::metadata(db) {
                Ok(m) => m.uid() == real_uid(),
                Err(_) => true,
            }
        }
        #[cfg(not(unix))]
        {
            let _ = db;
            true
        }
    }

    /// `--as USER`: root acts as a named ledger user; the audit keeps who did.
    pub fn acting_as(user: &str, office: &str) -> Result<Actor> {
        if real_uid() != 0 {
            return Err(Error::Refused(format!(
                "--as {}: {}",
                crate::text::clean(user),
                tr(
                    "只有 root 可以代其他用户操作",
                    "only root may act as another user"
                )
            )));
        }
        Ok(Actor {
            os_user: user.to_string(),
            name: user.to_string(),
            office: office.to_string(),
            via: Some("--as, root".into()),
        })
    }

    /// The user an SSH key's forced command names.
    pub fn of_key(user: &str, office: &str) -> Actor {
        Actor {
            os_user: user.to_string(),
            name: user.to_string(),
            office: office.to_string(),
            via: Some("ssh key".into()),
        }
    }
}

fn real_uid() -> u32 {
    #[cfg(unix)]
    // SAFETY: getuid has no preconditions and cannot fail.
    unsafe {
        libc::getuid()
    }
    #[cfg(not(unix))]
    {
        u32::MAX
    }
}

/// The login name of the process's real uid, from the password database.
fn login_name() -> Option<String> {
    #[cfg(unix)]
    {
        let mut buf = vec![0 as libc::c_char; 4096];
        // SAFETY: getpwuid_r writes only into `pwd` and `buf` (whose length we
        // pass); `result` is null or points at `pwd`, whose strings live in `buf`.
        unsafe {
            let mut pwd: libc::passwd = std::mem::zeroed();
            let mut result: *mut libc::passwd = std::ptr::null_mut();
            let rc = libc::getpwuid_r(
                libc::getuid(),
                &mut pwd,
                buf.as_mut_ptr(),
                buf.len(),
                &mut result,
            );
            if rc != 0 || result.is_null() || pwd.pw_name.is_null() {
                return None;
            }
            Some(
                std::ffi::CStr::from_ptr(pwd.pw_name)
                    .to_string_lossy()
                    .into_owned(),
            )
        }
    }
    #[cfg(not(unix))]
    {
        None
    }
}
