//! Where the other replica is, and how to reach its `sync serve`: a child
//! process of this same program for a local path, `ssh` for a remote one.
//! The server side always runs next to its database (no network file systems).

use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use crate::error::{Error, Result};
use crate::i18n::tr;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Remote {
    Local(PathBuf),
    Ssh {
        user: Option<String>,
        host: String,
        port: Option<u16>,
        path: String,
    },
}

fn unknown(s: &str, why: &str) -> Error {
    Error::Refused(format!(
        "{} \"{}\": {why}",
        tr("无法识别的同步对象", "unknown remote"),
        crate::text::clean(s)
    ))
}

impl Remote {
    /// `ssh://[user@]host[:port]/path/to.db`, or a path to a database file.
    pub fn parse(s: &str) -> Result<Remote> {
        if let Some(rest) = s.strip_prefix("ssh://") {
            let (auth, path) = rest
                .split_once('/')
                .ok_or_else(|| unknown(s, tr("缺少数据库路径", "no database path")))?;
            let (user, hostport) = match auth.rsplit_once('@') {
                Some((u, h)) => (Some(u.to_string()), h),
                None => (None, auth),
            };
            let (host, port) = match hostport.rsplit_once(':') {
                Some((h, p)) => (
                    h,
                    Some(
                        p.parse::<u16>()
                            .map_err(|_| unknown(s, tr("端口无效", "bad port")))?,
                    ),
                ),
                None => (hostport, None),
            };
            let ok = |t: &str| {
                !t.is_empty()
                    && !t.starts_with('-')
                    && t.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
            };
            if !ok(host) || user.as_deref().is_some_and(|u| !ok(u)) {
                return Err(unknown(s, tr("主机或用户名无效", "bad host or user")));
            }
            if path.is_empty() {
                return Err(unknown(s, tr("缺少数据库路径", "no database path")));
            }
            // ssh://host/srv/x.db names /srv/x.db; ssh://host/~/x.db a home path.
            let path = match path.strip_prefix("~/") {
                Some(p) => p.to_string(),
                None => format!("/{path}"),
            };
            return Ok(Remote::Ssh {
                user,
                host: host.to_string(),
                port,
                path,
            });
        }
        if s.contains("://") {
            return Err(unknown(
                s,
                tr("只支持 ssh:// 或本地路径", "only ssh:// or a local path"),
            ));
        }
        let p = PathBuf::from(s);
        if !p.is_file() {
            return Err(unknown(
                s,
                tr("没有这个数据库文件", "no such database file"),
            ));
        }
        Ok(Remote::Local(p))
    }

    pub fn name(&self) -> String {
        match self {
            Remote::Local(p) => p.display().to_string(),
            Remote::Ssh {
                user,
                host,
                port,
                path,
            } => format!(
                "ssh://{}{host}{}/{}",
                user.as_ref().map(|u| format!("{u}@")).unwrap_or_default(),
                port.map(|p| format!(":{p}")).unwrap_or_default(),
                path.trim_start_matches('/')
            ),
        }
    }
}

/// A running `sync serve` and the two ends of its stdio.
pub struct Connection {
    pub child: Child,
    pub to: ChildStdin,
    pub from: ChildStdout,
}

/// Quotes one word for the remote shell.
fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// Starts the other side. `remote_cmd` overrides the program run there (for
/// a local path: this program). `LIANGXIN_SSH` overrides the ssh command
/// (e.g. `ssh -i key -o StrictHostKeyChecking=no`), as `GIT_SSH_COMMAND` does.
/// `as_user` (root's `--as`) goes with a local serve, which writes into the
/// other file as the same user.
pub fn connect(
    remote: &Remote,
    remote_cmd: Option<&str>,
    as_user: Option<&str>,
) -> Result<Connection> {
    let mut cmd = match remote {
        Remote::Local(p) => {
            let prog = match remote_cmd {
                Some(c) => PathBuf::from(c),
                None => std::env::current_exe()?,
            };
            let mut c = Command::new(prog);
            if let Some(u) = as_user {
                c.args(["--as", u]);
            }
            c.args(["sync", "serve", "--db"]).arg(abs(p));
            c
        }
        Remote::Ssh {
            user,
            host,
            port,
            path,
        } => {
            let ssh = std::env::var("LIANGXIN_SSH").unwrap_or_else(|_| "ssh".into());
            let mut words = ssh.split_whitespace();
            let mut c = Command::new(words.next().unwrap_or("ssh"));
            c.args(words);
            if let Some(p) = port {
                c.arg("-p").arg(p.to_string());
            }
            c.arg(match user {
                Some(u) => format!("{u}@{host}"),
                None => host.clone(),
            });
            c.arg("--").arg(format!(
                "{} sync serve --db {}",
                shell_quote(remote_cmd.unwrap_or("liangxin")),
                shell_quote(path)
            ));
            c
        }
    };
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    let mut child = cmd.spawn().map_err(|e| {
        Error::Refused(format!(
            "{}: {e}",
            tr("无法启动同步对端", "could not start the other side")
        ))
    })?;
    let (Some(to), Some(from)) = (child.stdin.take(), child.stdout.take()) else {
        let _ = child.kill();
        return Err(Error::Other("no pipes to the other side".into()));
    };
    Ok(Connection { child, to, from })
}

fn abs(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ssh_remotes() {
        assert_eq!(
            Remote::parse("ssh://cadre@127.0.0.1:2222/srv/district.db").unwrap(),
            Remote::Ssh {
                user: Some("cadre".into()),
                host: "127.0.0.1".into(),
                port: Some(2222),
                path: "/srv/district.db".into()
            }
        );
        assert_eq!(
            Remote::parse("ssh://server/~/x.db").unwrap(),
            Remote::Ssh {
                user: None,
                host: "server".into(),
                port: None,
                path: "x.db".into()
            }
        );
        for bad in [
            "ssh://host",
            "ssh://-oProxyCommand=x/db",
            "ssh://h:99999/x",
            "http://h/x",
            "/no/such.db",
        ] {
            assert!(Remote::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn quotes_for_the_remote_shell() {
        assert_eq!(shell_quote("a b'c"), r"'a b'\''c'");
    }
}
