//! `completions bash|zsh|fish` and `man [-o DIR]`: generated from the same
//! command tree as `--help`, in the same language.

use std::path::{Path, PathBuf};

use clap::{Command, CommandFactory};

use super::args::Cli;
use super::help;
use super::out::{self, outln};
use crate::error::{Error, Result};
use crate::i18n::{self, tr};

pub fn completions(shell: &str) -> Result<()> {
    let shell = match shell {
        "bash" => clap_complete::Shell::Bash,
        "zsh" => clap_complete::Shell::Zsh,
        "fish" => clap_complete::Shell::Fish,
        _ => return Err(Error::invalid("shell", shell, "bash|zsh|fish")),
    };
    let mut cmd = help::command(i18n::current());
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, "liangxin", &mut script);
    out::bytes(&script)
}

pub fn man(dir: Option<&Path>) -> Result<()> {
    // `help` is a page of its own in no manual.
    let cmd = help::localize(
        Cli::command().disable_help_subcommand(true),
        i18n::current(),
    );
    let Some(dir) = dir else {
        let mut page = Vec::new();
        clap_mangen::Man::new(cmd).render(&mut page)?;
        return out::bytes(&page);
    };
    std::fs::create_dir_all(dir).map_err(|e| cannot_write(dir, e))?;
    let mut written = Vec::new();
    pages(&cmd, dir, &mut written)?;
    outln!(
        "{} {} {}",
        written.len(),
        tr("个手册页已写入", "man pages written to"),
        dir.display()
    )
}

/// One page per command, subcommands first, as `clap_mangen::generate_to`
/// does; counted for the summary line.
fn pages(cmd: &Command, dir: &Path, written: &mut Vec<PathBuf>) -> Result<()> {
    for sc in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        pages(sc, dir, written)?;
    }
    let page = clap_mangen::Man::new(cmd.clone());
    let path = page.generate_to(dir).map_err(|e| cannot_write(dir, e))?;
    written.push(path);
    Ok(())
}

fn cannot_write(dir: &Path, e: std::io::Error) -> Error {
    Error::Refused(format!(
        "{} {}: {e}",
        tr("无法写入目录", "cannot write to directory"),
        dir.display()
    ))
}
