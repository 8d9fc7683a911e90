//! `org list --format csv|xlsx -o FILE`: the ledger as the upper office's
//! spreadsheet. Rows agree with `org list --format json` for the same filter,
//! the thirteen headers are there, text never turns into a formula, and a
//! file is written whole or not at all.

mod common;

use std::path::{Path, PathBuf};

use calamine::{Data, Reader, Xlsx, open_workbook};
use common::{Ledger, small_ledger};
use serde_json::Value;

const TODAY: &str = "2022-09-30";
const HYPERLINK: &str = "=HYPERLINK(\"http://example.com\",\"点我\")";

const ZH: [&str; 13] = [
    "序号",
    "组织名称",
    "统一社会信用代码",
    "类型",
    "街道",
    "社区",
    "地址",
    "从业人数",
    "党员数",
    "覆盖方式",
    "所属党组织",
    "党建指导员",
    "最近摸排日期",
];

fn words(s: &str) -> Vec<&str> {
    s.split_whitespace().collect()
}

/// Two streets; a joint branch, an instructor, a member; a name and an
/// address that look like formulas; one deregistered organization.
fn ledger() -> Ledger {
    let l = small_ledger();
    l.ok(&words("--on 2022-01-01 street add 丹阳街道"));
    l.ok(&words(
        "--on 2022-01-01 org add --name 丹阳甲公司 --street 丹阳街道 --employees 30",
    ));
    l.ok(&[
        "--on",
        "2022-01-01",
        "org",
        "add",
        "--name",
        HYPERLINK,
        "--street",
        "南坪街道",
        "--community",
        "南坪社区",
        "--address=-1+2",
        "--employees",
        "8",
    ]);
    l.ok(&words(
        "--on 2022-01-01 org add --name 常德丁公司 --street 南坪街道",
    ));
    l.ok(&words(
        "--on 2022-06-01 org set 常德丁公司 status=deregistered",
    ));
    l.ok(&words(
        "--on 2022-05-10 branch found --name 联合支部 --mode joint --covers 常德甲公司,常德乙公司",
    ));
    l.ok(&words(
        "--on 2022-05-11 instructor add --name 赵强 --source street",
    ));
    l.ok(&words("--on 2022-05-12 instructor assign 赵强 常德丙公司"));
    l.ok(&words(
        "--on 2022-03-01 person add --org 常德甲公司 --name 王伟 --status formal --hired-on 2022-03-01",
    ));
    l.ok(&words("--on 2022-06-20 survey 常德甲公司"));
    l
}

fn list_json(l: &Ledger, filter: &[&str]) -> Vec<Value> {
    let mut args = vec!["--today", TODAY, "org", "list", "--format", "json"];
    args.extend(filter);
    match l.json(&args) {
        Value::Array(v) => v,
        other => panic!("not a list: {other}"),
    }
}

fn export(l: &Ledger, lang: &str, format: &str, filter: &[&str], file: &str) -> PathBuf {
    let path = l.dir.path().join(file);
    let p = path.to_str().expect("utf-8 path");
    let mut args = vec![
        "--lang", lang, "--today", TODAY, "org", "list", "--format", format, "-o", p,
    ];
    args.extend(filter);
    l.ok(&args);
    path
}

fn sheet(path: &Path) -> (Vec<Vec<Data>>, Vec<String>) {
    let mut wb: Xlsx<_> = open_workbook(path).expect("an xlsx file");
    let names = wb.sheet_names();
    assert_eq!(names, vec!["两新组织台账".to_string()]);
    let range = wb.worksheet_range(&names[0]).expect("the sheet");
    let formulas = wb.worksheet_formula(&names[0]).expect("formulas");
    let rows = range.rows().map(|r| r.to_vec()).collect();
    let formulas = formulas
        .used_cells()
        .map(|(_, _, f)| f.clone())
        .filter(|f| !f.is_empty())
        .collect();
    (rows, formulas)
}

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => panic!("not text: {other:?}"),
    }
}

#[test]
fn xlsx_rows_match_the_json_list_for_the_same_filter() {
    let l = ledger();
    let filters: [&[&str]; 5] = [
        &[],
        &["--street", "南坪街道"],
        &["--street", "丹阳街道"],
        &["--coverage", "joint"],
        &["--street", "南坪街道", "--coverage", "none"],
    ];
    for (i, filter) in filters.iter().enumerate() {
        let json = list_json(&l, filter);
        let path = export(&l, "zh", "xlsx", filter, &format!("l{i}.xlsx"));
        let (rows, formulas) = sheet(&path);
        assert!(formulas.is_empty(), "no formulas: {formulas:?}");
        let header: Vec<String> = rows[0].iter().map(text).collect();
        assert_eq!(header, ZH);
        assert_eq!(rows.len() - 1, json.len(), "{filter:?}");
        for (n, (row, o)) in rows[1..].iter().zip(&json).enumerate() {
            assert_eq!(row[0], Data::Float(n as f64 + 1.0), "序号");
            assert_eq!(text(&row[1]), o["name"].as_str().unwrap(), "{filter:?}");
            assert_eq!(text(&row[4]), o["street"].as_str().unwrap());
            assert_eq!(row[8], Data::Float(o["members"].as_f64().unwrap()));
        }
    }
    // the whole sheet: N, with the deregistered organization gone
    let (rows, _) = sheet(&export(&l, "zh", "xlsx", &[], "all.xlsx"));
    let coverage = l.json(&["report", "coverage", "--as-of", TODAY, "--format", "json"]);
    assert_eq!(Some(rows.len() as i64 - 1), coverage["total"].as_i64());
    assert_eq!(rows.len() - 1, 5);
    let by_name = |name: &str| -> &Vec<Data> {
        rows.iter()
            .find(|r| matches!(&r[1], Data::String(s) if s == name))
            .unwrap_or_else(|| panic!("{name} in {rows:?}"))
    };
    assert!(
        !rows
            .iter()
            .any(|r| r[1] == Data::String("常德丁公司".into())),
        "deregistered organizations are not in the ledger sheet"
    );
    let jia = by_name("常德甲公司");
    assert_eq!(
        jia[2],
        Data::String("911101080673385595".into()),
        "code as text"
    );
    assert_eq!(text(&jia[3]), "非公企业");
    assert_eq!(jia[7], Data::Float(12.0));
    assert_eq!(jia[8], Data::Float(1.0));
    assert_eq!(text(&jia[9]), "联合组建");
    assert_eq!(text(&jia[10]), "联合支部");
    assert_eq!(text(&jia[12]), "2022-06-20");
    let bing = by_name("常德丙公司");
    assert_eq!(text(&bing[9]), "工作覆盖（仅派指导员）");
    assert_eq!(text(&bing[11]), "赵强");
    // a name that looks like a formula is a string cell, as typed
    let link = by_name(HYPERLINK);
    assert_eq!(text(&link[5]), "南坪社区");
    assert_eq!(text(&link[6]), "-1+2");
}

fn read_csv(path: &Path) -> (String, Vec<Vec<String>>) {
    let bytes = std::fs::read(path).expect("the csv");
    assert!(
        bytes.starts_with(&[0xEF, 0xBB, 0xBF]),
        "UTF-8 with a BOM: {:?}",
        &bytes[..bytes.len().min(8)]
    );
    let body = String::from_utf8(bytes[3..].to_vec()).expect("UTF-8");
    let rows = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body.as_bytes())
        .records()
        .map(|r| r.expect("a record").iter().map(str::to_string).collect())
        .collect();
    (body, rows)
}

#[test]
fn csv_has_the_bom_the_headers_and_keeps_formulas_as_text() {
    let l = ledger();
    // a name that came in with a terminal escape (another replica, a file)
    l.conn()
        .execute(
            "UPDATE orgs SET name = '常德' || char(27) || '[31m红公司' WHERE name = '常德乙公司'",
            [],
        )
        .expect("update");
    let (body, rows) = read_csv(&export(&l, "zh", "csv", &[], "l.csv"));
    assert_eq!(rows[0], ZH);
    assert_eq!(rows.len() - 1, list_json(&l, &[]).len());
    assert!(rows[1..].iter().all(|r| r.len() == 13));
    // formula starts get an apostrophe, the mark for "text follows"
    let link = rows
        .iter()
        .find(|r| r[1].contains("HYPERLINK"))
        .expect("the row");
    assert_eq!(link[1], format!("'{HYPERLINK}"));
    assert_eq!(link[6], "'-1+2");
    assert!(!body.contains(",=HYPERLINK") && !body.contains(",\"=HYPERLINK"));
    assert!(!body.contains("\n-1+2") && !body.contains(",-1+2"));
    // names cleaned of control characters
    assert!(!body.contains('\u{1b}'));
    assert!(rows.iter().any(|r| r[1] == "常德红公司"), "{rows:?}");
    // numbers stay numbers
    let jia = rows.iter().find(|r| r[1] == "常德甲公司").expect("甲");
    assert_eq!((jia[7].as_str(), jia[8].as_str()), ("12", "1"));
    for (i, r) in rows[1..].iter().enumerate() {
        assert_eq!(r[0], (i + 1).to_string());
    }

    // English headers
    let (_, en) = read_csv(&export(&l, "en", "csv", &[], "en.csv"));
    assert_eq!(
        en[0].join(","),
        "No.,name,credit code,kind,street,community,address,employees,party members,coverage,party organization,instructor,last survey"
    );
    assert_eq!(en.len(), rows.len());

    // --street narrows the rows
    let filter = ["--street", "丹阳街道"];
    let (_, dan) = read_csv(&export(&l, "zh", "csv", &filter, "dan.csv"));
    assert_eq!(dan.len() - 1, 1);
    assert_eq!(dan.len() - 1, list_json(&l, &filter).len());
    assert_eq!(
        (dan[1][1].as_str(), dan[1][4].as_str()),
        ("丹阳甲公司", "丹阳街道")
    );
    let filter = ["--street", "南坪街道"];
    let (_, nan) = read_csv(&export(&l, "zh", "csv", &filter, "nan.csv"));
    assert_eq!(nan.len() - 1, list_json(&l, &filter).len());
    assert_eq!(nan.len(), rows.len() - 1);
    assert!(nan[1..].iter().all(|r| r[4] == "南坪街道"));

    // without -o, CSV goes to standard output, the same bytes
    let out = l.ok(&[
        "--lang", "zh", "--today", TODAY, "org", "list", "--format", "csv",
    ]);
    assert!(out.starts_with('\u{feff}'));
    assert_eq!(out.trim_start_matches('\u{feff}'), body);
}

fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("dir")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect()
}

#[test]
fn a_file_is_written_whole_or_not_at_all() {
    let l = ledger();
    let dir = l.dir.path().to_path_buf();
    // an existing file is replaced by a new one renamed over it: a reader
    // of the old file goes on reading the old contents, whole
    let target = dir.join("ledger.csv");
    std::fs::write(&target, "old contents").unwrap();
    let mut reader = std::fs::File::open(&target).unwrap();
    export(&l, "zh", "csv", &[], "ledger.csv");
    assert!(
        std::fs::read(&target)
            .unwrap()
            .starts_with(&[0xEF, 0xBB, 0xBF])
    );
    let mut old = String::new();
    std::io::Read::read_to_string(&mut reader, &mut old).unwrap();
    assert_eq!(old, "old contents", "the file was not rewritten in place");
    let xlsx = dir.join("ledger.xlsx");
    std::fs::write(&xlsx, "old").unwrap();
    let mut reader = std::fs::File::open(&xlsx).unwrap();
    export(&l, "zh", "xlsx", &[], "ledger.xlsx");
    let mut old = String::new();
    std::io::Read::read_to_string(&mut reader, &mut old).unwrap();
    assert_eq!(old, "old");
    assert!(std::fs::read(&xlsx).unwrap().starts_with(b"PK"), "a zip");
    // a target that cannot be replaced (a directory) fails and is left as it was
    let taken = dir.join("taken.xlsx");
    std::fs::create_dir(&taken).unwrap();
    std::fs::write(taken.join("keep"), "x").unwrap();
    let o = l.run(&[
        "org",
        "list",
        "--format",
        "xlsx",
        "-o",
        taken.to_str().unwrap(),
    ]);
    assert!(!o.ok);
    assert!(taken.is_dir() && taken.join("keep").exists());
    // a missing directory: nothing is created
    let missing = dir.join("no-such-dir").join("l.csv");
    let o = l.run(&[
        "org",
        "list",
        "--format",
        "csv",
        "-o",
        missing.to_str().unwrap(),
    ]);
    assert!(!o.ok);
    assert!(!dir.join("no-such-dir").exists());
    assert_eq!(
        leftovers(&dir),
        Vec::<String>::new(),
        "no temporary files left"
    );
    // xlsx needs a file; an unknown format is refused
    let o = l.run(&["org", "list", "--format", "xlsx"]);
    assert!(!o.ok && o.stderr.contains("-o FILE"), "{}", o.stderr);
    let pdf = dir.join("x.pdf");
    let o = l.run(&[
        "org",
        "list",
        "--format",
        "pdf",
        "-o",
        pdf.to_str().unwrap(),
    ]);
    assert!(!o.ok && o.stderr.contains("csv"), "{}", o.stderr);
    assert!(!pdf.exists());
}
