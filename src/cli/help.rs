//! `--help`, completions and the man page in the user's language. The
//! language is chosen before parsing, the way the app chooses it (`--lang`,
//! then the config's `language`, then the locale), and the descriptions of
//! `help_text` are put on the command tree for it.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Arg, Command, CommandFactory, FromArgMatches};

use super::args::Cli;
use super::help_text::{ARGS, COMMANDS, HELP_COMMAND, HELP_FLAG, VERSION_FLAG};
use crate::config::Config;
use crate::i18n::Lang;

/// The language of the help text, from the raw arguments and the
/// environment. Nothing here fails: a bad `--lang` or config is reported by
/// the command that reads it, and help falls back to the next source.
pub fn choose_lang(args: &[OsString]) -> Lang {
    let flag = option_value(args, "--lang").or_else(|| env_value("LIANGXIN_LANG"));
    let config_path = option_value(args, "--config")
        .or_else(|| env_value("LIANGXIN_CONFIG"))
        .map(PathBuf::from);
    let config = Config::load(config_path.as_deref()).unwrap_or_default();
    super::pick_lang(flag.as_deref(), &config)
        .or_else(|_| super::pick_lang(None, &config))
        .or_else(|_| super::pick_lang(None, &Config::default()))
        .unwrap_or(Lang::Zh)
}

/// `--name VALUE` or `--name=VALUE` before a `--`; the last one wins, as with clap.
fn option_value(args: &[OsString], name: &str) -> Option<String> {
    let mut found = None;
    let mut it = args.iter().skip(1).map(|a| a.to_string_lossy());
    while let Some(a) = it.next() {
        if a == "--" {
            break;
        }
        if a == name {
            found = it.next().map(|v| v.into_owned());
        } else if let Some(v) = a.strip_prefix(name).and_then(|r| r.strip_prefix('=')) {
            found = Some(v.to_string());
        }
    }
    found
}

fn env_value(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|s| !s.is_empty())
}

/// The command line described in `lang`, for parsing. Unbuilt: a parse
/// builds only the commands on its path, which keeps start-up quick.
pub fn described(lang: Lang) -> Command {
    describe(Cli::command(), "", lang)
}

/// The whole command line described in `lang`, clap's own help flags and
/// `help` command too: for showing help, completions and the man page.
pub fn command(lang: Lang) -> Command {
    localize(Cli::command(), lang)
}

/// Parses `args` into a `Cli`; when the answer is help, it is rendered by
/// the whole described tree (building all of it costs more than a parse).
pub fn parse(args: &[OsString], lang: Lang) -> Result<Cli, clap::Error> {
    use clap::error::ErrorKind;
    fn with(mut cmd: Command, args: &[OsString]) -> Result<Cli, clap::Error> {
        let m = cmd.try_get_matches_from_mut(args)?;
        Cli::from_arg_matches(&m).map_err(|e| e.format(&mut cmd))
    }
    with(described(lang), args).or_else(|e| match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            with(command(lang), args)
        }
        _ => Err(e),
    })
}

/// Puts the descriptions of `lang` on `cmd` and builds it (the built-in help
/// flag, version flag and `help` command exist only once built).
pub fn localize(cmd: Command, lang: Lang) -> Command {
    let mut cmd = describe(cmd, "", lang);
    cmd.build();
    builtins(&mut cmd, lang);
    cmd
}

fn pick(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

fn command_text(path: &str, lang: Lang) -> Option<&'static str> {
    COMMANDS
        .iter()
        .find(|(p, _, _)| *p == path)
        .map(|(_, zh, en)| pick(lang, zh, en))
}

fn arg_text(path: &str, id: &str, lang: Lang) -> Option<&'static str> {
    let find = |p: &str| {
        ARGS.iter()
            .find(|(ap, aid, _, _)| *ap == p && *aid == id)
            .map(|(_, _, zh, en)| pick(lang, zh, en))
    };
    find(path).or_else(|| find("*"))
}

/// Texts from the table, recursively. A command or argument the table lacks
/// is left without a description, so the test that walks the tree fails.
/// Global options (on every command) are listed apart in both languages.
/// `mut_args`/`mut_subcommands` keep the order (positionals are numbered by it).
fn describe(cmd: Command, path: &str, lang: Lang) -> Command {
    let mut cmd = cmd
        .about(command_text(path, lang))
        .long_about(None::<&str>)
        .mut_args(|a| {
            let text = arg_text(path, a.get_id().as_str(), lang);
            // `[default: ""]` says nothing.
            let empty = a.get_default_values() == [""];
            let a = a.help(text).long_help(None::<&str>);
            let a = if a.is_global_set() {
                a.help_heading(global_heading(lang))
            } else {
                heading(a, lang)
            };
            a.hide_default_value(empty)
        })
        .mut_subcommands(|sc| {
            let sub = child(path, sc.get_name());
            describe(sc, &sub, lang)
        });
    if lang == Lang::Zh {
        cmd = cmd.subcommand_help_heading("命令");
        let usage = *cmd.get_styles().get_usage();
        cmd = cmd.help_template(format!(
            "{{before-help}}{{about-with-newline}}\n{}用法:{} {{usage}}\n\n{{all-args}}{{after-help}}",
            usage.render(),
            usage.render_reset()
        ));
    }
    cmd
}

/// Clap's headings are English words; in Chinese the arguments get theirs.
fn heading(a: Arg, lang: Lang) -> Arg {
    match lang {
        Lang::En => a,
        Lang::Zh if a.is_positional() => a.help_heading("参数"),
        Lang::Zh => a.help_heading("选项"),
    }
}

fn global_heading(lang: Lang) -> &'static str {
    pick(lang, "全局选项", "Global options")
}

fn child(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path} {name}")
    }
}

/// The help and version flags and the `help` command clap adds while building.
fn builtins(cmd: &mut Command, lang: Lang) {
    // They work on every command, so they are listed with the global options.
    let own = std::mem::take(cmd).mut_args(|a| match a.get_id().as_str() {
        "help" => a
            .help(pick(lang, HELP_FLAG.0, HELP_FLAG.1))
            .long_help(None::<&str>)
            .help_heading(global_heading(lang)),
        "version" => a
            .help(pick(lang, VERSION_FLAG.0, VERSION_FLAG.1))
            .help_heading(global_heading(lang)),
        _ => a,
    });
    *cmd = if own.get_name() == "help" && own.get_about().is_some_and(is_clap_help_about) {
        own.about(pick(lang, HELP_COMMAND.0, HELP_COMMAND.1))
    } else {
        own
    };
    for sc in cmd.get_subcommands_mut() {
        builtins(sc, lang);
    }
}

/// Whether this is the text clap gives its own `help` command (not ours).
fn is_clap_help_about(about: &clap::builder::StyledStr) -> bool {
    about.to_string() == HELP_COMMAND.1
}

/// Commands and arguments the table has no text for; and table entries that
/// describe nothing (both for the test of the table).
pub fn gaps() -> (Vec<String>, Vec<String>) {
    let mut missing = Vec::new();
    let mut used_cmds = Vec::new();
    let mut used_args = Vec::new();
    walk(
        &Cli::command(),
        "",
        &mut missing,
        &mut used_cmds,
        &mut used_args,
    );
    let mut unused: Vec<String> = COMMANDS
        .iter()
        .filter(|(p, _, _)| !used_cmds.contains(&p.to_string()))
        .map(|(p, _, _)| format!("command `{p}`"))
        .collect();
    unused.extend(
        ARGS.iter()
            .filter(|(p, id, _, _)| !used_args.contains(&(p.to_string(), id.to_string())))
            .map(|(p, id, _, _)| format!("argument `{p}` {id}")),
    );
    (missing, unused)
}

fn walk(
    cmd: &Command,
    path: &str,
    missing: &mut Vec<String>,
    used_cmds: &mut Vec<String>,
    used_args: &mut Vec<(String, String)>,
) {
    if command_text(path, Lang::En).is_some() {
        used_cmds.push(path.to_string());
    } else {
        missing.push(format!("command `{path}`"));
    }
    for a in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
        let id = a.get_id().as_str();
        let exact = ARGS.iter().any(|(p, aid, _, _)| *p == path && *aid == id);
        let key = if exact { path } else { "*" };
        if arg_text(path, id, Lang::En).is_some() {
            used_args.push((key.to_string(), id.to_string()));
        } else {
            missing.push(format!("argument `{path}` {id}"));
        }
    }
    for sc in cmd.get_subcommands() {
        walk(
            sc,
            &child(path, sc.get_name()),
            missing,
            used_cmds,
            used_args,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_describes_every_command_and_nothing_else() {
        let (missing, unused) = gaps();
        assert!(missing.is_empty(), "no description for: {missing:?}");
        assert!(unused.is_empty(), "described but not there: {unused:?}");
    }

    #[test]
    fn paths_and_ids_are_unique() {
        for (i, (p, ..)) in COMMANDS.iter().enumerate() {
            assert!(
                !COMMANDS[i + 1..].iter().any(|(q, ..)| q == p),
                "command `{p}` twice"
            );
        }
        for (i, (p, id, ..)) in ARGS.iter().enumerate() {
            assert!(
                !ARGS[i + 1..].iter().any(|(q, qid, ..)| q == p && qid == id),
                "argument `{p}` {id} twice"
            );
        }
    }

    #[test]
    fn the_language_comes_from_the_flag_before_the_rest() {
        let args = |v: &[&str]| v.iter().map(OsString::from).collect::<Vec<_>>();
        assert_eq!(
            option_value(&args(&["liangxin", "--lang", "en", "org"]), "--lang"),
            Some("en".into())
        );
        assert_eq!(
            option_value(&args(&["liangxin", "org", "--lang=zh"]), "--lang"),
            Some("zh".into())
        );
        assert_eq!(
            option_value(&args(&["liangxin", "--", "--lang", "en"]), "--lang"),
            None
        );
        assert_eq!(
            option_value(&args(&["liangxin", "--language", "en"]), "--lang"),
            None
        );
    }
}
