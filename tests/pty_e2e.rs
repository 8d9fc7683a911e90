//! The real binary in a pseudo-terminal, read through a terminal emulator
//! (vt100): what a cadre would see and type.

mod common;

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

struct Session {
    screen: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
}

impl Session {
    fn start(args: &[&str], home: &std::path::Path) -> Session {
        let pty = native_pty_system();
        let pair = pty
            .openpty(PtySize {
                rows: 40,
                cols: 120,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_liangxin"));
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        cmd.env("LIANGXIN_LANG", "zh");
        cmd.env("HOME", home);
        cmd.env("XDG_CONFIG_HOME", home.join("config"));
        cmd.env("XDG_DATA_HOME", home.join("data"));
        cmd.env_remove("LIANGXIN_TODAY");
        let child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().unwrap();
        let writer = pair.master.take_writer().unwrap();
        let rows = NonZeroU16::new(40).unwrap();
        let cols = NonZeroU16::new(120).unwrap();
        let screen = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let (s, r) = (Arc::clone(&screen), Arc::clone(&raw));
        std::thread::spawn(move || {
            let _keep = pair.master;
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                s.lock().unwrap().process(&buf[..n]);
                r.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Session {
            screen,
            raw,
            writer,
            child,
        }
    }

    fn contents(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    fn wait_for(&self, text: &str) -> String {
        let start = Instant::now();
        loop {
            let c = self.contents();
            if c.contains(text) {
                return c;
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "waited for {text:?}; screen:\n{c}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn send(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).unwrap();
        self.writer.flush().unwrap();
        // let the app read one key at a time, as a person types
        std::thread::sleep(Duration::from_millis(60));
    }

    fn wait_exit(&mut self) {
        let start = Instant::now();
        while self.child.try_wait().unwrap().is_none() {
            assert!(
                start.elapsed() < Duration::from_secs(15),
                "the app did not quit"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

#[test]
fn demo_search_by_initials_open_edit_save_quit() {
    let l = common::Ledger::new();
    l.ok(&["demo", "--no-tui"]);
    // an organization whose pinyin initials no other one shares, in its
    // name or its address (addresses are searched by pinyin too)
    let (names, addresses): (Vec<String>, Vec<String>) = {
        let conn = l.conn();
        let mut stmt = conn
            .prepare("SELECT name, COALESCE(address, '') FROM orgs ORDER BY name")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .unzip()
    };
    let initials: Vec<String> = names
        .iter()
        .map(|n| liangxin::tui::search::initials(n))
        .collect();
    let places: Vec<String> = addresses
        .iter()
        .map(|a| liangxin::tui::search::place_key(a, None))
        .collect();
    let (name, ini) = names
        .iter()
        .zip(&initials)
        .find(|(_, i)| {
            initials.iter().filter(|j| j.contains(i.as_str())).count() == 1
                && !places.iter().any(|p| p.contains(i.as_str()))
        })
        .expect("a name with unique initials");
    let db = l.db.to_str().unwrap();
    let mut s = Session::start(&["--db", db, "demo"], l.dir.path());
    s.wait_for("组织 (900)");
    s.wait_for("演示");
    s.wait_for("上次同步 从未"); // the status bar's sync state
    s.send(b"/");
    for c in ini.bytes() {
        s.send(&[c]);
    }
    s.wait_for("组织 (1)");
    s.send(b"\r"); // end the search
    s.send(b"\r"); // open the detail view
    s.wait_for("党组织与覆盖");
    assert!(s.contents().contains(name.as_str()));
    s.send(b"e");
    s.wait_for("编辑组织");
    s.send(b"\t"); // to employees
    for _ in 0..6 {
        s.send(b"\x7f");
    }
    for c in b"321" {
        s.send(&[*c]);
    }
    s.send(b"\x13"); // Ctrl-S
    s.wait_for("已保存");
    s.send(b"q");
    s.wait_exit();
    let v = l.json(&["org", "show", name, "--format", "json"]);
    assert_eq!(v["employees"], 321);
}

#[test]
fn an_escape_sequence_in_a_name_never_reaches_the_terminal() {
    let l = common::small_ledger();
    l.ok(&[
        "--on",
        "2022-01-01",
        "org",
        "add",
        "--name",
        "恶意公司\u{1b}]52;c;aGFja2Vk\u{7}",
        "--street",
        "南坪街道",
    ]);
    let db = l.db.to_str().unwrap();
    let mut s = Session::start(&["--db", db, "--today", "2022-06-01"], l.dir.path());
    s.wait_for("恶意公司");
    s.send(b"q");
    s.wait_exit();
    let raw = s.raw.lock().unwrap().clone();
    let text = String::from_utf8_lossy(&raw);
    assert!(
        !text.contains("\u{1b}]52"),
        "an OSC 52 sequence reached the terminal"
    );
    assert!(
        !text.contains("aGFja2Vk"),
        "its payload reached the terminal"
    );
    // nor the command line's output
    let out = l.ok(&["--today", "2022-06-01", "org", "list"]);
    assert!(
        out.contains("恶意公司") && !out.contains('\u{1b}'),
        "{out:?}"
    );
}

#[test]
fn another_sessions_change_appears_without_a_keypress() {
    let l = common::small_ledger();
    let db = l.db.to_str().unwrap();
    let s = Session::start(&["--db", db, "--today", "2022-06-01"], l.dir.path());
    s.wait_for("常德甲公司");
    assert!(!s.contents().contains("4321"));
    l.ok(&["org", "set", "常德甲公司", "employees=4321"]);
    s.wait_for("4321");
}

#[test]
fn sigterm_restores_the_terminal() {
    let l = common::small_ledger();
    let db = l.db.to_str().unwrap();
    let mut s = Session::start(&["--db", db, "--today", "2022-06-01"], l.dir.path());
    s.wait_for("常德甲公司");
    let pid = s.child.process_id().expect("pid");
    let status = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    s.wait_exit();
    std::thread::sleep(Duration::from_millis(200));
    let raw = s.raw.lock().unwrap().clone();
    let text = String::from_utf8_lossy(&raw);
    let left = text
        .rfind("\u{1b}[?1049l")
        .expect("left the alternate screen");
    let entered = text.rfind("\u{1b}[?1049h").expect("entered it");
    assert!(left > entered);
}

#[test]
fn marked_organizations_found_a_branch_typed_after_tab() {
    let l = common::small_ledger();
    let db = l.db.to_str().unwrap();
    let mut s = Session::start(&["--db", db, "--today", "2022-06-01"], l.dir.path());
    s.wait_for("常德甲公司");
    // the list reads 丙, 乙, 甲: mark the first two, the cursor ends on 甲
    s.send(b" ");
    s.send(b" ");
    s.send(b"b");
    let form = s.wait_for("组建党组织");
    assert!(
        form.contains("1. 常德丙公司") && form.contains("2. 常德乙公司"),
        "{form}"
    );
    assert!(!form.contains("3. "), "only the marked: {form}");
    s.send(b"\t"); // to the branch's name
    for c in "测试支部".chars() {
        s.send(c.to_string().as_bytes());
    }
    s.wait_for("党组织名称 : 测试支部");
    s.send(b"\x13"); // Ctrl-S
    s.wait_for("已保存");
    s.send(b"q");
    s.wait_exit();
    let covered: Vec<String> = {
        let conn = l.conn();
        let mut stmt = conn
            .prepare(
                "SELECT o.name FROM links k JOIN party_orgs p ON p.id = k.party_org_id
                 JOIN orgs o ON o.id = k.org_id WHERE p.name = '测试支部' ORDER BY o.name",
            )
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert_eq!(covered, ["常德丙公司", "常德乙公司"]);
}
