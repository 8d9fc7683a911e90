//! The terminal app with 100,000 organizations: loading rows and building the
//! pinyin index (off the UI thread), filtering per keystroke, drawing one
//! frame, and the first frame of the real binary in a pseudo-terminal.

mod common;

use std::io::Read;
use std::time::{Duration, Instant};

use common::{ORGS, district, district_path};
use criterion::{Criterion, criterion_group, criterion_main};
use liangxin::config::Config;
use liangxin::tui::action::Action;
use liangxin::tui::theme::Theme;
use liangxin::tui::{data, effects, prepare, ui, update};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn bench(c: &mut Criterion) {
    let store = district();
    let today = liangxin::domain::Date::parse("d", "2022-09-30").expect("date");
    let mut g = c.benchmark_group("tui_100k");
    g.sample_size(10);
    g.bench_function("load_rows_and_pinyin_index", |b| {
        b.iter(|| data::orgs(store.conn(), today).expect("rows"))
    });

    let mut loaded = data::orgs(store.conn(), today).expect("rows");
    assert_eq!(loaded.rows.len(), ORGS);
    g.sample_size(30);
    // A keystroke on an empty query is a full pass; later ones narrow.
    g.bench_function("filter_first_keystroke", |b| {
        b.iter(|| {
            loaded.index.filter("", &loaded.rows);
            loaded.index.filter("c", &loaded.rows).len()
        })
    });
    g.bench_function("filter_pinyin_initials_typed", |b| {
        // per iteration: five keystrokes of "cdhxs"; criterion reports the total
        b.iter(|| {
            loaded.index.filter("", &loaded.rows);
            for q in ["c", "cd", "cdh", "cdhx", "cdhxs"] {
                loaded.index.filter(q, &loaded.rows);
            }
        })
    });

    let (mut app, _env) = prepare(
        liangxin::store::Store::open(&district_path()).expect("open"),
        today,
        &Config::default(),
        Theme::new("rounded", false),
    )
    .expect("app");
    effects::install_orgs(&mut app, loaded);
    let mut term = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    app.page = ui::page_height(ratatui::layout::Rect::new(0, 0, 120, 40), app.focus);
    g.bench_function("render_frame_120x40", |b| {
        b.iter(|| {
            update::update(&mut app, Action::Down);
            term.draw(|f| ui::draw(f, &app)).expect("draw");
        })
    });
    g.finish();

    let mut s = c.benchmark_group("startup_100k");
    s.sample_size(10);
    s.measurement_time(Duration::from_secs(20));
    s.bench_function("first_frame_in_pty", |b| {
        b.iter_custom(|n| (0..n).map(|_| first_frame()).sum())
    });
    // the first frame that shows organization rows: the first one by street
    // and name must be on the screen
    let first = liangxin::store::read::org_rows_first(store.conn(), today, 1)
        .expect("first page")
        .remove(0)
        .name;
    s.bench_function("first_rows_in_pty", |b| {
        b.iter_custom(|n| (0..n).map(|_| first_rows(&first)).sum())
    });
    s.finish();
    let (peak, rest) = resident_mb(store.conn(), &first);
    eprintln!(
        "resident memory with {ORGS} organizations, opening on a new half-year (the opening \
         upkeep makes its tasks): peak {peak} MB, {rest} MB once loaded and upkept"
    );
}

/// Spawns the release binary in a pseudo-terminal and waits for the first bytes
/// of the first frame.
fn first_frame() -> Duration {
    let (t, _) = spawn_until(
        &district_path(),
        TODAY,
        |bytes| bytes.windows(3).any(|w| w == "╭".as_bytes()),
        false,
    );
    t
}

/// Spawns the release binary in a pseudo-terminal and waits until the screen
/// shows `name` (the text without its cursor moves and colours).
fn first_rows(name: &str) -> Duration {
    let (t, _) = spawn_until(
        &district_path(),
        TODAY,
        |bytes| visible(bytes).contains(name),
        false,
    );
    t
}

/// The bytes a terminal would print, without control sequences (ESC [ … final byte).
fn visible(bytes: &[u8]) -> String {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == 0x1b && bytes.get(i + 1) == Some(&b'[') {
            i += 2;
            while i < bytes.len() && !(0x40..=0x7e).contains(&bytes[i]) {
                i += 1;
            }
            i += 1;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The day the timed spawns open on; its half-year's tasks exist after the
/// first one.
const TODAY: &str = "2022-09-30";

/// Spawns the app on `db` as of `today` in a pseudo-terminal until `done`
/// holds of what it printed. With `measure_rss`, then waits for the load and
/// the opening upkeep to finish and reads the resident memory: the peak so
/// far (VmHWM) and now (VmRSS), in MB.
fn spawn_until(
    db: &std::path::Path,
    today: &str,
    done: impl Fn(&[u8]) -> bool,
    measure_rss: bool,
) -> (Duration, (u64, u64)) {
    use portable_pty::{CommandBuilder, PtySize, native_pty_system};
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: 40,
            cols: 120,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("pty");
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_liangxin"));
    cmd.args(["--db", db.to_str().expect("path"), "--today", today]);
    cmd.env("TERM", "xterm-256color");
    let start = Instant::now();
    let mut child = pair.slave.spawn_command(cmd).expect("spawn");
    let mut reader = pair.master.try_clone_reader().expect("reader");
    let mut seen = Vec::new();
    let mut buf = [0u8; 65536];
    let elapsed = loop {
        let n = reader.read(&mut buf).expect("read");
        seen.extend_from_slice(&buf[..n]);
        if done(&seen) {
            break start.elapsed();
        }
    };
    let mut rss = (0, 0);
    if measure_rss {
        // after the full load and the upkeep that opening starts have finished
        // and their memory is returned
        std::thread::sleep(Duration::from_secs(20));
        if let Some(pid) = child.process_id() {
            let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
            let kb = |key: &str| {
                status
                    .lines()
                    .find(|l| l.starts_with(key))
                    .and_then(|l| l.split_whitespace().nth(1))
                    .and_then(|k| k.parse::<u64>().ok())
                    .unwrap_or(0)
            };
            rss = (kb("VmHWM:") / 1024, kb("VmRSS:") / 1024);
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    (elapsed, rss)
}

/// Resident memory of the app once the organizations have loaded: measured
/// a while after the first rows show (the full load and the opening upkeep
/// run behind them; the screen is sent as differences, so the full count in
/// the title cannot be waited for as text).
/// On a copy of the district opened on the next half-year, so the opening
/// upkeep makes 100,000 tasks while the rows and alerts load.
fn resident_mb(conn: &rusqlite::Connection, first: &str) -> (u64, u64) {
    let dir = tempfile::tempdir().expect("dir");
    let copy = dir.path().join("district.db");
    // a consistent copy, whatever the WAL beside the file holds
    conn.execute("VACUUM INTO ?1", [copy.to_str().expect("path")])
        .expect("copy the district");
    spawn_until(
        &copy,
        "2023-03-31",
        |bytes| visible(bytes).contains(first),
        true,
    )
    .1
}

criterion_group!(benches, bench);
criterion_main!(benches);
