//! The command line describes itself in the user's language: every command
//! and option in `--help` (zh by default, en when chosen), the shell
//! completion scripts and the man page.

mod common;

use std::process::Command;

use clap::Command as Clap;
use common::{Ledger, Out, output};
use liangxin::cli::help;
use liangxin::i18n::Lang;

fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// Every command and visible argument of the tree in `lang`, with its text
/// (empty when it has none), named by path.
fn texts(cmd: &Clap, path: &str, out: &mut Vec<(String, String)>) {
    let about = cmd.get_about().map(|s| s.to_string()).unwrap_or_default();
    out.push((format!("command `{path}`"), about));
    for a in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
        let help = a.get_help().map(|s| s.to_string()).unwrap_or_default();
        out.push((format!("`{path}` {}", a.get_id()), help));
    }
    for sc in cmd.get_subcommands() {
        texts(sc, &format!("{path} {}", sc.get_name()), out);
    }
}

#[test]
fn every_command_and_option_is_described_in_both_languages() {
    let (mut zh, mut en) = (Vec::new(), Vec::new());
    texts(&help::command(Lang::Zh), "liangxin", &mut zh);
    texts(&help::command(Lang::En), "liangxin", &mut en);
    assert_eq!(zh.len(), en.len());
    // The tree is the whole one: nested commands and clap's own flags are in it.
    for name in [
        "command `liangxin org add`",
        "command `liangxin sync refused discard`",
        "`liangxin org add` surveyed",
        "`liangxin street add` db",
        "`liangxin report coverage` help",
        "command `liangxin help`",
    ] {
        assert!(zh.iter().any(|(n, _)| n == name), "{name} not walked");
    }
    let mut bad = Vec::new();
    for ((name, z), (_, e)) in zh.iter().zip(&en) {
        if z.trim().is_empty() || !has_cjk(z) {
            bad.push(format!("{name} zh: {z:?}"));
        }
        if e.trim().is_empty() || e == z {
            bad.push(format!("{name} en: {e:?}"));
        }
    }
    assert!(bad.is_empty(), "undescribed:\n{}", bad.join("\n"));
}

/// The real binary with no language chosen anywhere: no flag, no
/// LIANGXIN_LANG, a neutral locale, no config file.
fn neutral(l: &Ledger, args: &[&str]) -> Command {
    let mut c = common::command(&l.db, l.dir.path(), args);
    c.env_remove("LIANGXIN_LANG")
        .env_remove("LC_ALL")
        .env("LANG", "C.UTF-8");
    c
}

fn run(c: Command) -> Out {
    let o = output(c);
    assert!(o.ok, "failed:\n{}\n{}", o.stdout, o.stderr);
    o
}

fn is_chinese_help(s: &str) -> bool {
    s.contains("用法:")
        && s.contains("命令:")
        && s.contains("两新组织党建台账")
        && !s.contains("Usage:")
}

fn is_english_help(s: &str) -> bool {
    s.contains("Usage:")
        && s.contains("Commands:")
        && s.contains("Global options:")
        && !s.contains("用法")
}

#[test]
fn help_is_chinese_by_default() {
    let l = Ledger::new();
    let o = run(neutral(&l, &["--help"]));
    assert!(is_chinese_help(&o.stdout), "{}", o.stdout);
    for sub in [
        "street",
        "org",
        "person",
        "branch",
        "instructor",
        "report",
        "user",
        "task",
        "alert",
    ] {
        let line = o
            .stdout
            .lines()
            .find(|line| line.split_whitespace().next() == Some(sub))
            .unwrap_or_else(|| panic!("{sub} not listed:\n{}", o.stdout));
        assert!(has_cjk(line), "{sub} has no description: {line}");
    }
    let o = run(neutral(&l, &["org", "add", "--help"]));
    assert!(
        o.stdout.contains("统一社会信用代码（18 位）"),
        "{}",
        o.stdout
    );
    assert!(o.stdout.contains("全局选项:"), "{}", o.stdout);
}

#[test]
fn help_is_english_when_english_is_chosen() {
    let l = Ledger::new();
    // The option, the environment, the config file and the locale each choose it.
    let mut by_env = neutral(&l, &["--help"]);
    by_env.env("LIANGXIN_LANG", "en");
    let mut by_locale = neutral(&l, &["--help"]);
    by_locale.env("LANG", "en_US.UTF-8");
    let config = l.dir.path().join("liangxin.toml");
    std::fs::write(&config, "language = \"en\"\n").unwrap();
    let by_config = neutral(&l, &["--config", config.to_str().unwrap(), "--help"]);
    for (how, c) in [
        ("--lang", neutral(&l, &["--lang", "en", "--help"])),
        ("--lang=", neutral(&l, &["org", "--lang=en", "--help"])),
        ("LIANGXIN_LANG", by_env),
        ("LANG", by_locale),
        ("config", by_config),
    ] {
        let o = run(c);
        assert!(is_english_help(&o.stdout), "{how}:\n{}", o.stdout);
    }
    // The option outranks the config, as it does for every other message.
    let o = run(neutral(
        &l,
        &[
            "--config",
            config.to_str().unwrap(),
            "--lang",
            "zh",
            "--help",
        ],
    ));
    assert!(is_chinese_help(&o.stdout), "{}", o.stdout);
}

#[test]
fn completion_scripts_name_the_binary_and_its_commands() {
    let l = Ledger::new();
    let bash = l.ok(&["completions", "bash"]);
    assert!(bash.contains("complete -F _liangxin"), "{bash}");
    for sub in ["street", "org", "import", "completions", "man"] {
        assert!(
            bash.contains(&format!("liangxin,{sub})")),
            "bash lacks {sub}"
        );
    }
    assert!(
        bash.contains("liangxin__subcmd__org,add)"),
        "bash lacks org add"
    );
    let zsh = l.ok(&["completions", "zsh"]);
    assert!(zsh.starts_with("#compdef liangxin"), "{zsh}");
    assert!(zsh.contains("'--surveyed["), "zsh lacks an option");
    let fish = run(neutral(&l, &["completions", "fish"])).stdout;
    assert!(fish.contains("complete -c liangxin"), "{fish}");
    // In the user's language: fish shows the descriptions.
    assert!(fish.contains("把一个组织记入台账"), "{fish}");

    let o = l.run(&["completions", "tcsh"]);
    assert!(!o.ok);
    assert!(o.stdout.is_empty());
    assert!(
        o.stderr.contains("shell") && o.stderr.contains("tcsh"),
        "{}",
        o.stderr
    );
}

/// The roff title line comes before any section.
fn title_first(page: &str, name: &str) {
    let th = page
        .lines()
        .position(|l| l.starts_with(&format!(".TH {name} 1")))
        .unwrap_or_else(|| panic!("no .TH {name}:\n{page}"));
    let sh = page.lines().position(|l| l.starts_with(".SH")).unwrap();
    assert!(th < sh, "{page}");
}

#[test]
fn man_page_to_stdout_and_one_per_command_into_a_directory() {
    let l = Ledger::new();
    let page = l.ok(&["man"]);
    title_first(&page, "liangxin");
    assert!(page.contains(".SH SUBCOMMANDS"), "{page}");
    for sub in ["street", "org", "import", "completions"] {
        assert!(
            page.contains(&format!("liangxin\\-{sub}(1)")),
            "lacks {sub}"
        );
    }
    assert!(!page.contains("liangxin\\-help(1)"), "{page}");
    let zh = run(neutral(&l, &["man"])).stdout;
    assert!(
        zh.contains("把一个组织记入台账") || zh.contains("两新组织"),
        "{zh}"
    );

    let dir = l.dir.path().join("man/man1");
    let said = l.ok(&["man", "-o", dir.to_str().unwrap()]);
    let files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(said.starts_with(&format!("{} ", files.len())), "{said}");
    for name in [
        "liangxin",
        "liangxin-org-add",
        "liangxin-sync-refused-discard",
    ] {
        assert!(
            files.contains(&format!("{name}.1")),
            "{name}.1 not in {files:?}"
        );
        let text = std::fs::read_to_string(dir.join(format!("{name}.1"))).unwrap();
        title_first(&text, name);
    }
    assert!(
        !files.iter().any(|f| f.starts_with("liangxin-help")),
        "{files:?}"
    );
}
