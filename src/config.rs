//! `config.toml`: who the user is, where the database lives, thresholds.
//! Every setting is documented in `config.example.toml`.

use std::ops::RangeInclusive;
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

/// The alert rules' limits, as the `[alerts]` table of the config file sets
/// them (the rules take them from the domain, which reads no file).
pub use crate::domain::limits::AlertLimits as Alerts;

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

/// A TOML error on one line: where (line, the table and the line's text)
/// and what, without the multi-line excerpt the parser draws.
fn toml_error(text: &str, e: &toml::de::Error) -> String {
    let what = shorten_quoted(e.message().lines().next().unwrap_or("").trim());
    let Some(span) = e.span() else {
        return what;
    };
    let start = span.start.min(text.len());
    let before = text.get(..start).unwrap_or("");
    let n = before.matches('\n').count() + 1;
    let line = text.lines().nth(n - 1).unwrap_or("").trim();
    let table = before
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('['))
        .filter(|_| !line.starts_with('['));
    let shown: String = match table {
        Some(t) => format!("{t} {line}"),
        None => line.to_string(),
    };
    let shown = crate::text::clean(&shown.chars().take(80).collect::<String>());
    format!(
        "{}{n}{}: {shown}: {what}",
        tr("第 ", "line "),
        tr(" 行", "")
    )
}

/// The parser quotes values between backticks, a float as all its digits
/// (`1e300` as three hundred of them): long quotes are cut to their start.
fn shorten_quoted(msg: &str) -> String {
    const KEEP: usize = 24;
    let mut out = String::with_capacity(msg.len().min(200));
    for (i, part) in msg.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        if i % 2 == 1 && part.chars().count() > KEEP {
            out.extend(part.chars().take(KEEP));
            out.push('…');
        } else {
            out.push_str(part);
        }
    }
    out
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
        let c: Config = toml::from_str(text).map_err(|e| Error::Refused(toml_error(text, &e)))?;
        c.check_numbers()?;
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
        Ok(c)
    }

    /// Every numeric setting: its key, its value and the range it must lie
    /// in. Day counts: a day to ten years; employee thresholds: up to the
    /// most employees an import takes.
    pub fn numbers(&self) -> [(&'static str, i64, RangeInclusive<i64>); 12] {
        const DAYS: RangeInclusive<i64> = 1..=3650;
        const EMPLOYEES: i64 = crate::import::row::MAX_EMPLOYEES;
        let a = &self.alerts;
        [
            (
                "alerts.identity_check_employees",
                a.identity_check_employees,
                0..=EMPLOYEES,
            ),
            ("alerts.hire_due_days", a.hire_due_days, DAYS),
            ("alerts.instructor_due_days", a.instructor_due_days, DAYS),
            (
                "alerts.instructor_escalate_days",
                a.instructor_escalate_days,
                DAYS,
            ),
            ("alerts.visit_interval_days", a.visit_interval_days, DAYS),
            ("alerts.branch_min_members", a.branch_min_members, 1..=1000),
            (
                "alerts.joint_branch_max_orgs",
                a.joint_branch_max_orgs,
                1..=1000,
            ),
            ("alerts.stale_days", a.stale_days, DAYS),
            ("alerts.stage_overdue_days", a.stage_overdue_days, DAYS),
            ("alerts.first_time_days", a.first_time_days, DAYS),
            (
                "report.small_enterprise_employees",
                self.report.small_enterprise_employees,
                1..=EMPLOYEES,
            ),
            (
                "backup.keep",
                i64::try_from(self.backup.keep).unwrap_or(i64::MAX),
                0..=10_000,
            ),
        ]
    }

    /// Refuses the first number outside its range, naming its key.
    fn check_numbers(&self) -> Result<()> {
        for (key, value, range) in self.numbers() {
            if !range.contains(&value) {
                return Err(Error::invalid(
                    key,
                    value.to_string(),
                    &format!(
                        "{}{}–{}{}",
                        tr("应在 ", "must lie in "),
                        range.start(),
                        range.end(),
                        tr(" 之间", "")
                    ),
                ));
            }
        }
        Ok(())
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

    #[test]
    fn every_number_is_taken_at_its_edges_and_refused_past_them() {
        let c = Config::default();
        for (key, _, range) in c.numbers() {
            let (table, name) = key.split_once('.').unwrap();
            for v in [*range.start(), *range.end()] {
                let text = format!("[{table}]\n{name} = {v}\n");
                let got = Config::parse(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
                let held = got.numbers().into_iter().find(|(k, ..)| *k == key);
                assert_eq!(held.map(|(_, v, _)| v), Some(v), "{text}");
            }
            for v in [*range.start() - 1, *range.end() + 1, i64::MAX, i64::MIN] {
                let text = format!("[{table}]\n{name} = {v}\n");
                let e = Config::parse(&text).map(|_| ()).unwrap_err().to_string();
                assert_eq!(e.lines().count(), 1, "{e}");
                // A value TOML's type refuses (a negative count) is named
                // by its line; the rest by key and range.
                let line = format!("[{table}] {name} = {v}");
                assert!(
                    e.contains(&line) || (e.contains(key) && e.contains(&range.end().to_string())),
                    "{e}"
                );
            }
        }
    }

    #[test]
    fn a_number_toml_cannot_hold_is_one_line_naming_the_key() {
        for (text, key) in [
            (
                "[alerts]\nhire_due_days = 99999999999999999999\n",
                "hire_due_days",
            ),
            ("[alerts]\nstale_days = 1e300\n", "stale_days"),
            ("[alerts]\nstale_days = nan\n", "stale_days"),
            ("language = \"zh\"\n\n[backup]\nkeep = -1\n", "keep"),
            (
                "[report]\nsmall_enterprise_employees = \"many\"\n",
                "small_enterprise_employees",
            ),
        ] {
            let e = Config::parse(text).map(|_| ()).unwrap_err().to_string();
            assert_eq!(e.lines().count(), 1, "{e}");
            assert!(e.contains(key), "{e}");
        }
        let e = Config::parse("language = \"zh\"\n\n[backup]\nkeep = -1\n")
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(e.contains('4') && e.contains("[backup] keep = -1"), "{e}");
        let e = Config::parse("[alerts]\nstale_days = 1e300\n")
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(e.len() < 200, "a float quoted digit by digit: {e}");
    }
}
