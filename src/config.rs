//! `config.toml`: who the user is, where the database lives, thresholds.
//! Every setting is documented in `config.example.toml`.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::i18n::tr;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// The ledger database; default: the platform data directory.
    pub database: Option<PathBuf>,
    /// "zh" or "en"; default: from LANG, else Chinese.
    pub language: Option<String>,
    pub user: User,
    pub scope: Scope,
    pub alerts: Alerts,
    pub report: Report,
    pub ui: Ui,
    pub backup: Backup,
    /// Action name → key sequences, e.g. `quit = ["ctrl-q"]`.
    pub keys: std::collections::BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct User {
    pub name: String,
    /// community | economic | party | district
    pub office: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Scope {
    pub street: Option<String>,
    pub community: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Alerts {
    pub identity_check_employees: i64,
    pub hire_due_days: i64,
    pub instructor_due_days: i64,
    pub instructor_escalate_days: i64,
    pub visit_interval_days: i64,
    pub branch_min_members: i64,
    pub joint_branch_max_orgs: i64,
    pub stale_days: i64,
    pub stage_overdue_days: i64,
}

impl Default for Alerts {
    fn default() -> Self {
        Alerts {
            identity_check_employees: 10,
            hire_due_days: 7,
            instructor_due_days: 7,
            instructor_escalate_days: 30,
            visit_interval_days: 90,
            branch_min_members: 3,
            joint_branch_max_orgs: 5,
            stale_days: 183,
            stage_overdue_days: 14,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Report {
    /// Fewer employees than this: a small or micro enterprise.
    pub small_enterprise_employees: i64,
}

impl Default for Report {
    fn default() -> Self {
        Report {
            small_enterprise_employees: 100,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Backup {
    /// Where `backup` without -o writes (default: `backups` in the data directory).
    pub dir: Option<PathBuf>,
    /// How many daily backups to keep there (0 keeps all).
    pub keep: usize,
}

impl Default for Backup {
    fn default() -> Self {
        Backup {
            dir: None,
            keep: 14,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Ui {
    /// "rounded", "plain" or "ascii" (for terminals that draw box lines two cells wide).
    pub border: String,
}

impl Default for Ui {
    fn default() -> Self {
        Ui {
            border: "rounded".into(),
        }
    }
}

fn dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("cn", "liangxin", "liangxin")
}

/// Where `config.toml` is looked for when no path is given.
pub fn default_config_path() -> Option<PathBuf> {
    dirs().map(|d| d.config_dir().join("config.toml"))
}

/// The platform data directory (e.g. `~/.local/share/liangxin`).
pub fn data_dir() -> PathBuf {
    dirs()
        .map(|d| d.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from("."))
}

impl Config {
    /// Reads the config: an explicit path must exist; the default path may not.
    pub fn load(explicit: Option<&Path>) -> Result<Config> {
        let (path, required) = match explicit {
            Some(p) => (p.to_path_buf(), true),
            None => match default_config_path() {
                Some(p) => (p, false),
                None => return Ok(Config::default()),
            },
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Config::default());
            }
            Err(e) => {
                return Err(Error::Refused(format!(
                    "{} {}: {e}",
                    tr("无法读取配置文件", "cannot read config file"),
                    path.display()
                )));
            }
        };
        Self::parse(&text).map_err(|e| Error::Refused(format!("{}: {e}", path.display())))
    }

    pub fn parse(text: &str) -> Result<Config> {
        let c: Config =
            toml::from_str(text).map_err(|e| Error::Refused(e.to_string().trim().to_string()))?;
        if !c.user.office.is_empty() {
            crate::domain::kinds::Office::parse(&c.user.office)?;
        }
        if !["rounded", "plain", "ascii"].contains(&c.ui.border.as_str()) {
            return Err(Error::invalid(
                "ui.border",
                &c.ui.border,
                "rounded|plain|ascii",
            ));
        }
        if c.report.small_enterprise_employees < 1 {
            return Err(Error::invalid(
                "report.small_enterprise_employees",
                c.report.small_enterprise_employees.to_string(),
                "must be at least 1",
            ));
        }
        Ok(c)
    }

    pub fn default_db(&self) -> PathBuf {
        self.database
            .clone()
            .unwrap_or_else(|| data_dir().join("ledger.db"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_config_parses_with_every_setting() {
        let text = include_str!("../config.example.toml");
        let c = Config::parse(text).unwrap();
        assert_eq!(c.alerts.hire_due_days, 7);
        assert_eq!(c.report.small_enterprise_employees, 100);
        assert_eq!(c.user.office, "party");
    }

    #[test]
    fn unknown_keys_and_bad_values_are_named() {
        let e = Config::parse("[alerts]\nhire_days = 3\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("hire_days"), "{e}");
        let e = Config::parse("[ui]\nborder = \"fancy\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("ui.border") && e.contains("fancy"), "{e}");
    }
}
