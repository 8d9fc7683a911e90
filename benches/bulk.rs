//! Bulk paths beside their anchors: a 100,000-row registration list
//! imported by `liangxin import` and by `sqlite3 .import` into a plain table
//! (time, and the size of what each leaves), and the half-year tasks made
//! for a new cycle on a generated district of 100,000 (time, bytes the file
//! grew). Both programs run as whole processes, as a cadre runs them.

mod common;

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};

const ROWS: usize = 100_000;
const STREET: &str = "南坪街道";
const SQLITE3: &str = "/usr/bin/sqlite3";

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bench-data")
}

/// A valid credit code for serial `n`.
fn code(n: usize) -> String {
    let first = format!("91430702{n:09}");
    let c = liangxin::domain::uscc::check_char(first.as_bytes()).expect("check char");
    format!("{first}{c}")
}

/// The list market supervision hands over: name, code, kind, status, day
/// established, address, employees; about 100 bytes a row.
fn registration_csv() -> PathBuf {
    let path = data_dir().join(format!("registrations-{ROWS}.csv"));
    if path.exists() {
        return path;
    }
    std::fs::create_dir_all(data_dir()).expect("bench dir");
    let kinds = [
        "有限责任公司",
        "股份有限公司",
        "个人独资企业",
        "民办非企业单位",
    ];
    let mut s =
        String::from("企业名称,统一社会信用代码,企业类型,登记状态,成立日期,住所,从业人数\n");
    for n in 0..ROWS {
        s.push_str(&format!(
            "常德市武陵区第{n}商贸有限公司,{},{},存续,20{:02}-{:02}-{:02},武陵大道{}号,{}\n",
            code(n),
            kinds[n % kinds.len()],
            10 + n % 12,
            1 + n % 12,
            1 + n % 28,
            n % 900 + 1,
            3 + n % 200,
        ));
    }
    std::fs::write(&path, s).expect("write csv");
    path
}

/// The real binary on `db`, with a fixed language and no user config.
fn liangxin(db: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_liangxin"));
    let home = data_dir().join("home");
    c.arg("--db")
        .arg(db)
        .args(args)
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env_remove("LIANGXIN_DB")
        .env_remove("LIANGXIN_CONFIG")
        .env_remove("LIANGXIN_TODAY")
        .env_remove("LIANGXIN_KEY")
        .env("LIANGXIN_LANG", "en")
        .stdout(Stdio::null());
    c
}

fn run(mut c: Command) {
    let st = c.status().expect("start");
    assert!(st.success(), "{c:?} failed");
}

fn remove_db(p: &Path) {
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", p.display()));
    }
}

fn size(p: &Path) -> u64 {
    ["", "-wal"]
        .iter()
        .filter_map(|ext| std::fs::metadata(format!("{}{ext}", p.display())).ok())
        .map(|m| m.len())
        .sum()
}

/// A fresh ledger holding one street, the `--street` the list goes to.
fn fresh_ledger(p: &Path) {
    remove_db(p);
    run(liangxin(p, &["street", "add", STREET]));
}

fn import(db: &Path, csv: &Path) -> Command {
    let mut c = liangxin(db, &["--on", "2022-09-30", "import"]);
    c.arg(csv).args(["--street", STREET]);
    c
}

fn sqlite_import(db: &Path, csv: &Path) -> Command {
    let mut c = Command::new(SQLITE3);
    c.arg(db)
        .arg(format!(".import --csv {} t", csv.display()))
        .stdout(Stdio::null());
    c
}

/// `sqlite3 .import` of `csv` into a fresh `plain`, timed per iteration.
fn sqlite_import_timed(
    iters: u64,
    seen: &RefCell<Vec<Duration>>,
    plain: &Path,
    csv: &Path,
) -> Duration {
    timed(
        iters,
        seen,
        || remove_db(plain),
        || sqlite_import(plain, csv),
    )
}

fn median(v: &[Duration]) -> Duration {
    let mut v = v.to_vec();
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// One whole process timed per iteration, its setup outside the clock.
fn timed(
    iters: u64,
    seen: &RefCell<Vec<Duration>>,
    mut setup: impl FnMut(),
    mut cmd: impl FnMut() -> Command,
) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        setup();
        let c = cmd();
        let t = Instant::now();
        run(c);
        let e = t.elapsed();
        seen.borrow_mut().push(e);
        total += e;
    }
    total
}

fn sql_one(db: &Path, sql: &str) -> String {
    let out = Command::new(SQLITE3)
        .arg(db)
        .arg(sql)
        .output()
        .expect("sqlite3");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn import_vs_sqlite(c: &mut Criterion) {
    let csv = registration_csv();
    let csv_bytes = std::fs::metadata(&csv).map(|m| m.len()).unwrap_or(0);
    let ledger = data_dir().join("bulk-import.db");
    let plain = data_dir().join("bulk-plain.db");
    let ours = RefCell::new(Vec::new());
    let anchor = RefCell::new(Vec::new());
    let mut g = c.benchmark_group("import_100k");
    g.sample_size(10).sampling_mode(SamplingMode::Flat);
    g.bench_function("liangxin_import", |b| {
        b.iter_custom(|n| timed(n, &ours, || fresh_ledger(&ledger), || import(&ledger, &csv)))
    });
    g.bench_function("sqlite3_dot_import", |b| {
        b.iter_custom(|n| sqlite_import_timed(n, &anchor, &plain, &csv))
    });
    g.finish();
    // Only when the group ran (a filter may have skipped it).
    if ours.borrow().is_empty() {
        return;
    }
    let (a, b) = (median(&ours.borrow()), median(&anchor.borrow()));
    eprintln!(
        "import of {ROWS} rows ({csv_bytes} B of CSV): liangxin {:.0} ms, sqlite3 .import {:.0} ms: {:.1}x",
        ms(a),
        ms(b),
        a.as_secs_f64() / b.as_secs_f64()
    );
    // What each leaves behind: the last run of each is still on disk.
    let orgs: f64 = sql_one(&ledger, "SELECT COUNT(*) FROM orgs")
        .parse()
        .unwrap_or(0.0);
    let ops: f64 = sql_one(&ledger, "SELECT COUNT(*) FROM oplog")
        .parse()
        .unwrap_or(0.0);
    let oplog_bytes = sql_one(
        &ledger,
        "SELECT SUM(pgsize) FROM dbstat WHERE name IN
         (SELECT name FROM sqlite_master
          WHERE tbl_name IN ('ops', 'op_sites', 'op_tables', 'op_actors'))",
    );
    let (ls, ps) = (size(&ledger), size(&plain));
    eprintln!(
        "ledger after the import: {ls} B (op log and its indexes {oplog_bytes} B; {ops} op-log rows, {:.1} per organization); plain table of the same rows: {ps} B: {:.1}x",
        ops / orgs.max(1.0),
        ls as f64 / ps.max(1) as f64
    );
}

fn half_year_tasks(c: &mut Criterion) {
    std::fs::create_dir_all(data_dir()).expect("bench dir");
    let src = common::district_path();
    drop(common::district());
    let work = data_dir().join("bulk-tasks.db");
    let before = size(&src);
    let grew = RefCell::new(0u64);
    let seen = RefCell::new(Vec::new());
    let mut g = c.benchmark_group("tasks_generate_100k");
    g.sample_size(10).sampling_mode(SamplingMode::Flat);
    g.bench_function("new_half_year", |b| {
        b.iter_custom(|n| {
            let mut total = Duration::ZERO;
            for _ in 0..n {
                remove_db(&work);
                std::fs::copy(&src, &work).expect("copy district");
                total += timed(
                    1,
                    &seen,
                    || {},
                    || liangxin(&work, &["--today", "2023-01-25", "tasks", "generate"]),
                );
                *grew.borrow_mut() = size(&work).saturating_sub(before);
            }
            total
        })
    });
    g.finish();
    if seen.borrow().is_empty() {
        return;
    }
    // the new half-year's tasks only: the district holds the current one's
    let tasks = sql_one(
        &work,
        "SELECT COUNT(*) FROM tasks WHERE kind = 'half-year' AND created_on >= '2023-01-01'",
    );
    eprintln!(
        "tasks generate for a new half-year on {} orgs: {:.0} ms, {tasks} tasks; the file grew {} B (from {before} B)",
        common::ORGS,
        ms(median(&seen.borrow())),
        grew.borrow()
    );
    remove_db(&work);
}

/// `gen --orgs 100000` as a cadre would run it, start to end of the process.
/// Its goal is in seconds, so the same run also times `sqlite3 .import` of
/// the 100,000-row CSV: the ratio says how fast the machine was.
fn gen_district(c: &mut Criterion) {
    std::fs::create_dir_all(data_dir()).expect("bench dir");
    let db = data_dir().join("bulk-gen.db");
    let csv = registration_csv();
    let plain = data_dir().join("bulk-gen-plain.db");
    let seen = RefCell::new(Vec::new());
    let anchor = RefCell::new(Vec::new());
    let orgs = common::ORGS.to_string();
    let mut g = c.benchmark_group("gen_100k");
    g.sample_size(10).sampling_mode(SamplingMode::Flat);
    g.bench_function("gen", |b| {
        b.iter_custom(|n| {
            timed(
                n,
                &seen,
                || remove_db(&db),
                || liangxin(&db, &["gen", "--orgs", &orgs]),
            )
        })
    });
    g.bench_function("sqlite3_dot_import", |b| {
        b.iter_custom(|n| sqlite_import_timed(n, &anchor, &plain, &csv))
    });
    g.finish();
    // A filter that skipped this group leaves nothing to report.
    if !seen.borrow().is_empty() && !anchor.borrow().is_empty() {
        let (a, b) = (median(&seen.borrow()), median(&anchor.borrow()));
        eprintln!(
            "gen --orgs {orgs}: {:.0} ms; the ledger is {} B; sqlite3 .import of the {ROWS}-row CSV in the same run: {:.0} ms ({:.1}x)",
            ms(a),
            size(&db),
            ms(b),
            a.as_secs_f64() / b.as_secs_f64()
        );
    }
    remove_db(&db);
    remove_db(&plain);
}

/// `sync clone` of the imported ledger: the bytes the server sends, caught by
/// a wrapper around `sync serve`, beside the ledger's size, and the time
/// beside `cp` of the same file.
fn clone_vs_cp(c: &mut Criterion) {
    let ledger = data_dir().join("bulk-import.db");
    if !ledger.exists() {
        fresh_ledger(&ledger);
        run(import(&ledger, &registration_csv()));
    }
    // Settle the WAL into the file, so `cp` copies the whole ledger.
    sql_one(&ledger, "PRAGMA wal_checkpoint(TRUNCATE)");
    let copy = data_dir().join("bulk-clone.db");
    let cp_copy = data_dir().join("bulk-cp.db");
    let wire = data_dir().join("bulk-clone.wire");
    let serve = data_dir().join("serve-counting.sh");
    std::fs::write(
        &serve,
        format!(
            "#!/bin/sh\n'{}' \"$@\" | tee '{}'\n",
            env!("CARGO_BIN_EXE_liangxin"),
            wire.display()
        ),
    )
    .expect("wrapper");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&serve, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    let ours = RefCell::new(Vec::new());
    let anchor = RefCell::new(Vec::new());
    let mut g = c.benchmark_group("clone_100k");
    g.sample_size(10).sampling_mode(SamplingMode::Flat);
    g.bench_function("liangxin_sync_clone", |b| {
        b.iter_custom(|n| {
            timed(
                n,
                &ours,
                || remove_db(&copy),
                || {
                    let mut c = liangxin(&copy, &["sync", "clone"]);
                    c.arg(&ledger).arg("--remote-cmd").arg(&serve);
                    c
                },
            )
        })
    });
    g.bench_function("cp", |b| {
        b.iter_custom(|n| {
            timed(
                n,
                &anchor,
                || remove_db(&cp_copy),
                || {
                    let mut c = Command::new("cp");
                    c.arg(&ledger).arg(&cp_copy);
                    c
                },
            )
        })
    });
    g.finish();
    // Only when the group ran (a filter may have skipped it).
    if ours.borrow().is_empty() {
        return;
    }
    let (ls, ws) = (size(&ledger), size(&wire));
    let (a, b) = (median(&ours.borrow()), median(&anchor.borrow()));
    eprintln!(
        "sync clone of the imported ledger ({ls} B): {ws} B on the wire, {:.2}x the ledger; {:.0} ms, cp {:.0} ms: {:.1}x",
        ws as f64 / ls.max(1) as f64,
        ms(a),
        ms(b),
        a.as_secs_f64() / b.as_secs_f64()
    );
    for p in [&copy, &cp_copy] {
        remove_db(p);
    }
    let _ = std::fs::remove_file(&wire);
}

criterion_group!(
    benches,
    import_vs_sqlite,
    clone_vs_cp,
    half_year_tasks,
    gen_district
);
criterion_main!(benches);
