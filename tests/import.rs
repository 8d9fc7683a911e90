//! Registration imports over files the tests write: GBK with Chinese headers
//! in an odd order, UTF-8 with BOM, XLSX, full-width digits, bad rows, a
//! repeated code, empty and binary files, re-import, a kill mid-import.

mod common;

use common::{Ledger, kill_when, small_ledger};
use serde_json::Value;

/// A command line written as one string (no argument holds a space).
fn words(s: &str) -> Vec<&str> {
    s.split(' ').collect()
}

/// A valid credit code for serial `n`.
fn code(n: u32) -> String {
    let first = format!("91430702{n:09}");
    let c = liangxin::domain::uscc::check_char(first.as_bytes()).unwrap();
    format!("{first}{c}")
}

fn write(l: &Ledger, name: &str, bytes: &[u8]) -> String {
    let p = l.dir.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    p.to_str().unwrap().to_string()
}

fn show(l: &Ledger, org: &str) -> Value {
    l.json(&["org", "show", org, "--format", "json"])
}

fn tasks_of(l: &Ledger, org_id: &str) -> Vec<Value> {
    let v = l.json(&words("--today 2022-05-01 tasks --format json"));
    v.as_array()
        .unwrap()
        .iter()
        .filter(|t| t["org_id"] == org_id)
        .cloned()
        .collect()
}

#[test]
fn gbk_csv_with_chinese_headers_in_an_odd_order() {
    let l = small_ledger();
    let (c1, c2) = (code(1), code(2));
    let wide: String = c1
        .chars()
        .map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap())
        .collect();
    let text = format!(
        "住所,从业人数,所属社区,企业名称,登记状态,成立日期,统一社会信用代码,所属街道,备注\n\
         \u{3000}武陵大道  1号 ,１２,南坪社区,常德新甲公司,存续（在营）,2019/3/2,{wide},南坪街道,x\n\
         新地址8号,12,,常德乙公司,存续,,{c2},,\n\
         南坪街道朗州路3号,5,,常德新乙公司,存续,2020年1月1日,,,\n\
         无名路,3,,常德新丙公司,在业,,,,\n"
    );
    let (gbk, _, bad) = encoding_rs::GBK.encode(&text);
    assert!(!bad);
    let f = write(&l, "名单.csv", &gbk);
    let orgs = l.count("orgs");
    let out = l.ok(&["--on", "2022-04-01", "import", &f]);
    assert!(out.contains("GB18030"), "{out}");
    assert_eq!(l.count("orgs"), orgs + 3, "{out}");
    let a = show(&l, "常德新甲公司");
    assert_eq!(a["code"], c1.as_str(), "full-width digits normalized");
    assert_eq!(a["employees"], 12);
    assert_eq!(a["address"], "武陵大道 1号", "stray spaces normalized");
    assert_eq!(a["street"], "南坪街道");
    assert_eq!(a["community"], "南坪社区");
    assert_eq!(a["entered_on"], "2022-04-01");
    let t = tasks_of(&l, a["id"].as_str().unwrap());
    assert_eq!(t.len(), 1);
    assert_eq!(
        (t[0]["kind"].as_str(), t[0]["office"].as_str()),
        (Some("registration"), Some("economic"))
    );
    // matched by name: the missing code is taken, the address only listed
    let b = show(&l, "常德乙公司");
    assert_eq!(b["code"], c2.as_str());
    assert_eq!(b["address"], "");
    assert!(
        out.contains("新地址8号") && out.contains("to verify"),
        "{out}"
    );
    assert!(
        tasks_of(&l, b["id"].as_str().unwrap()).is_empty(),
        "no task for a known organization"
    );
    // street from the address; else unplaced with a task saying so
    assert_eq!(show(&l, "常德新乙公司")["street"], "南坪街道");
    let c = show(&l, "常德新丙公司");
    assert_eq!(c["street"], "");
    let t = tasks_of(&l, c["id"].as_str().unwrap());
    assert!(t[0]["note"].as_str().unwrap().contains("place"), "{t:?}");
    assert!(out.contains("unplaced 1"), "{out}");
    // the same file read as UTF-8 is refused with the encoding named
    let before = l.counts();
    let o = l.run(&["import", &f, "--encoding", "utf-8"]);
    assert!(!o.ok && o.stderr.contains("utf-8"), "{}", o.stderr);
    assert_eq!(l.counts(), before);
}

#[test]
fn utf8_with_bom_and_english_headers() {
    let l = small_ledger();
    let text = format!(
        "\u{feff}Name,Credit Code,Street,Employees,Status,Established\n常德英文公司,{},南坪,30,active,2018-05-06\n",
        code(3)
    );
    let f = write(&l, "list.csv", text.as_bytes());
    let out = l.ok(&["--on", "2022-04-01", "import", &f]);
    assert!(out.contains("new 1"), "{out}");
    let o = show(&l, "常德英文公司");
    assert_eq!(o["street"], "南坪街道", "a street named without 街道");
    assert_eq!(o["employees"], 30);
    let est: String = l
        .conn()
        .query_row(
            "SELECT established_on FROM orgs WHERE name = '常德英文公司'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(est, "2018-05-06");
}

#[test]
fn xlsx_with_a_title_row_dates_and_numbers() {
    let l = small_ledger();
    let path = l.dir.path().join("名单.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write(0, 0, "武陵区市场主体名单").unwrap();
    for (i, h) in [
        "所属街道",
        "企业名称",
        "从业人数",
        "成立日期",
        "信用代码",
        "登记状态",
    ]
    .iter()
    .enumerate()
    {
        ws.write(1, i as u16, *h).unwrap();
    }
    let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2017, 8, 9).unwrap();
    let fmt = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    for (r, (name, n, c)) in [
        ("常德表格甲公司", 25.0, code(4)),
        ("常德甲公司", 12.0, "911101080673385595".to_string()),
    ]
    .into_iter()
    .enumerate()
    {
        let r = r as u32 + 2;
        ws.write(r, 0, "南坪街道").unwrap();
        ws.write(r, 1, name).unwrap();
        ws.write(r, 2, n).unwrap();
        ws.write_datetime_with_format(r, 3, &date, &fmt).unwrap();
        ws.write(r, 4, c).unwrap();
        ws.write(r, 5, if r == 3 { "注销" } else { "存续" })
            .unwrap();
    }
    wb.save(&path).unwrap();
    let out = l.ok(&["--on", "2022-04-01", "import", path.to_str().unwrap()]);
    assert!(
        out.contains("XLSX") && out.contains("new 1") && out.contains("deregistered 1"),
        "{out}"
    );
    assert_eq!(show(&l, "常德表格甲公司")["employees"], 25);
    let est: String = l
        .conn()
        .query_row(
            "SELECT established_on FROM orgs WHERE name = '常德表格甲公司'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(est, "2017-08-09");
    // the deregistered one keeps operating in the ledger and raises the alert
    assert_eq!(show(&l, "常德甲公司")["status"], "deregistered");
    let a = l.json(&words(
        "--today 2022-04-02 alerts --rule deregistered_active --format json",
    ));
    assert_eq!(a[0]["org"], "常德甲公司");
    assert_eq!(a[0]["raised_on"], "2022-04-01");
}

#[test]
fn bad_rows_and_a_repeated_code_are_skipped_with_line_numbers() {
    let l = small_ledger();
    let (dup, ok) = (code(5), code(6));
    let text = format!(
        "企业名称,统一社会信用代码,成立日期,从业人数,所属街道\n\
         常德好公司,{ok},2020-01-01,5,南坪街道\n\
         ,{},2020-01-01,5,南坪街道\n\
         常德坏日期公司,,2020-02-30,5,南坪街道\n\
         常德坏人数公司,,,五个,南坪街道\n\
         常德重复一公司,{dup},,,南坪街道\n\
         常德重复二公司,{dup},,,南坪街道\n\
         常德错码公司,12345,,,南坪街道\n\
         常德无街公司,,,,北极街道\n",
        code(7)
    );
    let f = write(&l, "bad.csv", text.as_bytes());
    let orgs = l.count("orgs");
    let out = l.ok(&["--on", "2022-04-01", "import", &f]);
    assert_eq!(l.count("orgs"), orgs + 1, "only the good row: {out}");
    show(&l, "常德好公司");
    for (line, field, value) in [
        (3, "name", ""),
        (4, "established", "2020-02-30"),
        (5, "employees", "五个"),
        (6, "code", dup.as_str()),
        (7, "code", dup.as_str()),
        (8, "code", "12345"),
        (9, "street", "北极街道"),
    ] {
        let want = format!("line {line}: field {field} \"{value}\"");
        assert!(out.contains(&want), "missing {want}:\n{out}");
    }
    assert!(out.contains("skipped 7"), "{out}");
    for gone in ["常德重复一公司", "常德重复二公司", "常德坏日期公司"] {
        assert!(!l.run(&["org", "show", gone]).ok, "{gone} was not imported");
    }
}

#[test]
fn empty_binary_and_nameless_files_are_refused_and_nothing_written() {
    let l = small_ledger();
    let png: Vec<u8> = [&b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"[..], &[0u8; 64]].concat();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.csv", Vec::new(), "empty"),
        ("blank.csv", b"\n\n  \n".to_vec(), "empty"),
        ("image.csv", png, "not a CSV or XLSX"),
        (
            "noname.csv",
            "信用代码,住所\n911101080673385595,武陵大道\n"
                .as_bytes()
                .to_vec(),
            "no name column",
        ),
        (
            "fake.xlsx",
            b"PK\x03\x04 not really a zip".to_vec(),
            "spreadsheet",
        ),
    ];
    let before = l.counts();
    for (name, bytes, says) in cases {
        let f = write(&l, name, &bytes);
        let o = l.run(&["import", &f]);
        assert!(!o.ok, "{name} accepted");
        assert!(o.stderr.contains(says), "{name}: {}", o.stderr);
        assert_eq!(o.stderr.trim().lines().count(), 1, "one line: {}", o.stderr);
        assert_eq!(l.counts(), before, "{name} wrote something");
    }
    let o = l.run(&["import", "/nonexistent/list.csv"]);
    assert!(!o.ok);
}

#[test]
fn dry_run_writes_nothing_and_reimport_changes_nothing() {
    let l = small_ledger();
    let text = format!(
        "企业名称,统一社会信用代码,从业人数\n常德新甲公司,{},12\n常德甲公司,911101080673385595,20\n",
        code(8)
    );
    let f = write(&l, "list.csv", text.as_bytes());
    let before = l.counts();
    let dry = l.ok(&[
        "--on",
        "2022-04-01",
        "import",
        &f,
        "--street",
        "南坪街道",
        "--dry-run",
    ]);
    assert_eq!(l.counts(), before, "dry run wrote");
    let real = l.ok(&["--on", "2022-04-01", "import", &f, "--street", "南坪街道"]);
    assert!(
        dry.starts_with(real.trim_end()),
        "same summary:\n{dry}\n---\n{real}"
    );
    assert!(
        real.contains("new 1") && real.contains("employees: 12 → 20"),
        "{real}"
    );
    let after = l.counts();
    assert_ne!(after, before);
    let again = l.ok(&["--on", "2022-04-02", "import", &f, "--street", "南坪街道"]);
    assert!(again.contains("new 0"), "{again}");
    assert_eq!(
        l.counts(),
        after,
        "importing the same file again changed something"
    );
}

#[test]
fn a_process_killed_mid_import_leaves_the_database_as_it_was() {
    let l = small_ledger();
    let mut text = String::from("企业名称,统一社会信用代码,从业人数,所属街道\n");
    let rows = 40_000u32;
    for n in 0..rows {
        text += &format!("常德批量{n}公司,{},{},南坪街道\n", code(100 + n), n % 50);
    }
    let f = write(&l, "big.csv", text.as_bytes());
    let before = l.counts();
    let orgs = l.count("orgs");
    let wal = l.db.with_extension("db-wal");
    let wal_len = || std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
    let start = wal_len();
    let mut child = l.spawn(&["import", &f]);
    // Kill once the transaction is writing pages (the WAL has grown by 1 MB).
    kill_when(&mut child, "the import", || wal_len() >= start + (1 << 20));
    l.ok(&["check"]);
    assert_eq!(l.counts(), before, "a killed import left something behind");
    // Nothing half-done stands in the way: the same import then runs whole.
    l.ok(&["import", &f]);
    l.ok(&["check"]);
    assert_eq!(l.count("orgs"), orgs + i64::from(rows));
}

#[test]
fn an_unplaced_organization_takes_later_lists_and_can_be_placed() {
    let l = small_ledger();
    let f = write(
        &l,
        "a.csv",
        "企业名称,登记状态\n常德漂泊公司,存续\n".as_bytes(),
    );
    l.ok(&["--on", "2022-04-01", "import", &f]);
    assert_eq!(show(&l, "常德漂泊公司")["street"], "");
    let g = write(
        &l,
        "b.csv",
        "企业名称,登记状态\n常德漂泊公司,注销\n".as_bytes(),
    );
    let out = l.ok(&["--on", "2022-05-01", "import", &g]);
    assert!(out.contains("deregistered 1"), "{out}");
    assert_eq!(show(&l, "常德漂泊公司")["status"], "deregistered");
    l.ok(&words(
        "org set 常德漂泊公司 street=南坪街道 community=南坪社区",
    ));
    let o = show(&l, "常德漂泊公司");
    assert_eq!(
        (o["street"].as_str(), o["community"].as_str()),
        (Some("南坪街道"), Some("南坪社区"))
    );
}

#[test]
fn a_different_street_is_listed_not_moved() {
    let l = small_ledger();
    l.ok(&words("--on 2022-01-01 street add 丹阳街道"));
    let f = write(&l, "s.csv", "名称,街道\n常德甲公司,丹阳\n".as_bytes());
    let out = l.ok(&["--on", "2022-04-01", "--lang", "en", "import", &f]);
    assert!(out.contains("street: 南坪街道 → 丹阳 (to verify)"), "{out}");
    assert_eq!(show(&l, "常德甲公司")["street"], "南坪街道");
}

#[test]
fn a_progress_bar_only_on_a_terminal() {
    let l = small_ledger();
    let mut text = String::from("企业名称,所属街道\n");
    for n in 0..300 {
        text += &format!("常德进度{n}公司,南坪街道\n");
    }
    let f = write(&l, "p.csv", text.as_bytes());
    let g = write(&l, "q.csv", text.replace("进度", "管道").as_bytes());
    // piped: no bar
    let o = l.run(&["--on", "2022-04-01", "import", &f]);
    assert!(o.ok && !o.stderr.contains('%'), "{}", o.stderr);
    // in a pseudo-terminal (util-linux script): the bar, ending at 100%
    let bin = env!("CARGO_BIN_EXE_liangxin");
    let cmd = format!(
        "'{bin}' --db '{}' --on 2022-04-01 import '{g}'",
        l.db.display()
    );
    let out = std::process::Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .env("HOME", l.dir.path())
        .env("XDG_CONFIG_HOME", l.dir.path().join("config"))
        .env("LIANGXIN_LANG", "en")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("util-linux script");
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(
        shown.contains("writing [####################] 100%"),
        "{shown}"
    );
    assert_eq!(show(&l, "常德管道7公司")["street"], "南坪街道");
}
