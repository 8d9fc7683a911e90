//! The command line: parse (clap), build the context, call one function per
//! subcommand group. Every write goes through `Store::apply`.

mod admin;
mod alerts;
mod args;
mod args_loop;
mod conflicts;
mod docs;
mod export;
pub mod help;
mod help_text;
mod import;
mod ledger;
pub mod out;
mod people;
mod refused;
mod reports;
mod setup;
mod shell;
mod sync;
mod tasks;
mod users;

use std::path::PathBuf;
use std::process::ExitCode;

pub use args::{Cli, Cmd};

use crate::config::Config;
use crate::domain::{Command, Date};
use crate::error::{Error, Result};
use crate::i18n::{self, Lang, tr};
use crate::store::{Actor, Store};
use out::{errln, outln};

/// What every subcommand needs: the config, the dates, who is acting.
pub struct Ctx {
    pub config: Config,
    pub db: PathBuf,
    /// `--today`, else the database's pinned date (the demo), else the clock.
    pub today_flag: Option<Date>,
    pub on_flag: Option<Date>,
    pub reason: Option<String>,
    pub actor: Actor,
    /// `--as`, passed on to a local `sync serve`.
    pub as_user: Option<String>,
}

impl Ctx {
    pub fn open(&self) -> Result<Store> {
        Store::open(&self.db)
    }

    /// Opens the database, refusing to create one (sync and its kin work on
    /// a ledger that is there).
    pub fn existing(&self) -> Result<Store> {
        if !self.db.is_file() {
            return Err(Error::Refused(format!(
                "{}: {}",
                self.db.display(),
                tr("没有这个数据库文件", "no such database file")
            )));
        }
        self.open()
    }

    pub fn today(&self, store: &Store) -> Result<Date> {
        if let Some(d) = self.today_flag {
            return Ok(d);
        }
        Ok(store.pinned_today()?.unwrap_or_else(Date::today_local))
    }

    /// When the fact became true: `--on`, else today.
    pub fn on(&self, store: &Store) -> Result<Date> {
        match self.on_flag {
            Some(d) => Ok(d),
            None => self.today(store),
        }
    }

    /// Applies one command and prints what it made; warnings go to stderr.
    pub fn write(&self, store: &mut Store, cmd: Command) -> Result<()> {
        let on = self.on(store)?;
        let applied = store.apply(&self.actor, on, cmd, self.reason.as_deref())?;
        for w in &applied.warnings {
            errln!("{}: {w}", tr("警告", "warning"));
        }
        if let Some(id) = applied.created.first() {
            outln!("{id}")?;
        }
        Ok(())
    }
}

fn pick_lang(flag: Option<&str>, config: &Config) -> Result<Lang> {
    if let Some(f) = flag {
        return Lang::parse(f).ok_or_else(|| Error::invalid("lang", f, "zh|en"));
    }
    if let Some(c) = config.language.as_deref() {
        return Lang::parse(c).ok_or_else(|| Error::invalid("language", c, "zh|en"));
    }
    let env = std::env::var("LC_ALL")
        .ok()
        .filter(|s| !s.is_empty())
        .or_else(|| std::env::var("LANG").ok());
    Ok(env
        .as_deref()
        .and_then(Lang::from_locale)
        .unwrap_or(Lang::Zh))
}

fn parse_date_opt(field: &str, s: Option<&str>) -> Result<Option<Date>> {
    s.map(|s| Date::parse(field, s)).transpose()
}

pub fn main() -> ExitCode {
    // Help and usage speak the user's language, so it is chosen before parsing.
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let lang = help::choose_lang(&args);
    i18n::set(lang);
    let cli = match help::parse(&args, lang) {
        Ok(cli) => cli,
        Err(e) => return parse_failed(e),
    };
    // The language is needed before the config is read (its errors are messages too).
    if let Some(l) = cli.lang.as_deref().and_then(Lang::parse) {
        i18n::set(l);
    }
    match run(cli) {
        Ok(()) | Err(Error::OutputClosed) => ExitCode::SUCCESS,
        Err(e) => {
            errln!("{}: {e}", tr("错误", "error"));
            ExitCode::FAILURE
        }
    }
}

/// Help and version are clap's own text; a refusal quotes what was typed, so
/// it is printed plain and cleaned like every other message.
fn parse_failed(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    let code = u8::try_from(e.exit_code()).unwrap_or(2);
    match e.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            // A closed reader of the help text is no error.
            let _ = e.print();
        }
        _ => {
            let text = e.render().to_string();
            out::err_line(text.trim_end_matches('\n'));
        }
    }
    ExitCode::from(code)
}

pub fn run(cli: Cli) -> Result<()> {
    let config = Config::load(cli.config.as_deref())?;
    i18n::set(pick_lang(cli.lang.as_deref(), &config)?);
    let db = cli.db.clone().unwrap_or_else(|| config.default_db());
    // The config's user.name may name the acting user only on the user's own
    // file (a laptop): on a file someone else owns, the account is who acts.
    let config_name = if crate::store::Actor::owns(&db) {
        config.user.name.clone()
    } else {
        String::new()
    };
    let ctx = Ctx {
        db,
        today_flag: parse_date_opt("today", cli.today.as_deref())?,
        on_flag: parse_date_opt("on", cli.on.as_deref())?,
        reason: cli.reason.clone(),
        actor: match (&cli.as_user, &cli.cmd) {
            // A forced command names its user itself; --as is not for it.
            (Some(_), Some(Cmd::Shell { .. })) => {
                return Err(Error::Refused(
                    tr("shell 不接受 --as", "shell does not take --as").into(),
                ));
            }
            (Some(u), _) => Actor::acting_as(u, &config.user.office)?,
            (None, Some(Cmd::Shell { user })) => Actor::of_key(user, &config.user.office),
            (None, _) => Actor::of_process(&config_name, &config.user.office),
        },
        as_user: cli.as_user.clone(),
        config,
    };
    match cli.cmd {
        None => setup::open_app(&ctx),
        Some(Cmd::Init) => setup::init(&ctx),
        Some(Cmd::Demo { no_tui, reset }) => setup::demo(&ctx, cli.db.is_some(), no_tui, reset),
        Some(Cmd::Gen { orgs, seed }) => setup::gen_district(&ctx, orgs, seed),
        Some(Cmd::Street(c)) => ledger::street(&ctx, c),
        Some(Cmd::Community(c)) => ledger::community(&ctx, c),
        Some(Cmd::Building(c)) => ledger::building(&ctx, c),
        Some(Cmd::Org(c)) => ledger::org(&ctx, c),
        Some(Cmd::Survey(a)) => ledger::survey(&ctx, a),
        Some(Cmd::Person(c)) => people::person(&ctx, c),
        Some(Cmd::Branch(c)) => people::branch(&ctx, c),
        Some(Cmd::Instructor(c)) => people::instructor(&ctx, c),
        Some(Cmd::Report(c)) => reports::report(&ctx, c),
        Some(Cmd::User(c)) => users::user(&ctx, c),
        Some(Cmd::Check { format }) => admin::check(&ctx, &format),
        Some(Cmd::Compact { format }) => admin::compact(&ctx, &format),
        Some(Cmd::Backup { output }) => admin::backup(&ctx, output),
        Some(Cmd::Restore { file }) => admin::restore(&ctx, &file),
        Some(Cmd::Tasks(a)) => tasks::list(&ctx, a),
        Some(Cmd::Task(c)) => tasks::task(&ctx, c),
        Some(Cmd::Alerts(a)) => alerts::list(&ctx, a),
        Some(Cmd::Alert(c)) => alerts::alert(&ctx, c),
        Some(Cmd::Today { format }) => alerts::today(&ctx, &format),
        Some(Cmd::Import(a)) => import::run(&ctx, a),
        Some(Cmd::Sync(a)) => sync::sync(&ctx, a),
        Some(Cmd::Conflicts(a)) => conflicts::conflicts(&ctx, a),
        Some(Cmd::Export(a)) => export::export(&ctx, a),
        Some(Cmd::Completions { shell }) => docs::completions(&shell),
        Some(Cmd::Man { output }) => docs::man(output.as_deref()),
        Some(Cmd::Shell { .. }) => shell::shell(&ctx),
    }
}

/// `--format` for read commands that print text or JSON.
pub(crate) fn text_or_json(s: &str) -> Result<bool> {
    match s {
        "text" => Ok(false),
        "json" => Ok(true),
        _ => Err(Error::invalid("format", s, "text|json")),
    }
}

pub(crate) fn print_json<T: serde::Serialize>(v: &T) -> Result<()> {
    out::json(v)
}
