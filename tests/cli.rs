//! The command line end to end: writes, reads, refusals. Each test has a
//! database of its own.

mod common;

use common::{Ledger, small_ledger};

#[test]
fn org_add_show_and_list() {
    let l = small_ledger();
    let id = l.ok(&[
        "--on",
        "2022-02-01",
        "org",
        "add",
        "--name",
        "常德丁公司",
        "--street",
        "南坪街道",
        "--community",
        "南坪社区",
        "--employees",
        "25",
        "--industry",
        "批发零售",
        "--kind",
        "enterprise",
    ]);
    let id = id.trim();
    assert_eq!(id.len(), 36, "prints the new id: {id}");
    let v = l.json(&[
        "--today",
        "2022-03-01",
        "org",
        "show",
        id,
        "--format",
        "json",
    ]);
    assert_eq!(v["id"], id);
    assert_eq!(v["name"], "常德丁公司");
    assert_eq!(v["street"], "南坪街道");
    assert_eq!(v["employees"], 25);
    assert_eq!(v["coverage"], "none");
    assert!(v["code"].is_null());
    // by credit code and by exact name too
    let by_code = l.json(&["org", "show", "911101080673385595", "--format", "json"]);
    assert_eq!(by_code["name"], "常德甲公司");
    assert_eq!(by_code["code"], "911101080673385595");
    let list = l.json(&["--today", "2022-03-01", "org", "list", "--format", "json"]);
    assert_eq!(list.as_array().map(Vec::len), Some(4));
    let text = l.ok(&["--today", "2022-03-01", "org", "list"]);
    assert!(text.contains("常德丁公司"), "{text}");
}

#[test]
fn set_fields_and_survey() {
    let l = small_ledger();
    l.ok(&[
        "org",
        "set",
        "常德乙公司",
        "employees=40",
        "identity_check=yes",
        "address=武陵大道1号",
    ]);
    let v = l.json(&["org", "show", "常德乙公司", "--format", "json"]);
    assert_eq!(v["employees"], 40);
    assert_eq!(v["identity_check"], true);
    assert_eq!(v["address"], "武陵大道1号");
    l.ok(&[
        "--on",
        "2022-06-01",
        "survey",
        "常德乙公司",
        "--employees",
        "44",
    ]);
    let v = l.json(&[
        "--today",
        "2022-06-02",
        "org",
        "show",
        "常德乙公司",
        "--format",
        "json",
    ]);
    assert_eq!(v["employees"], 44);
    assert_eq!(v["last_survey_on"], "2022-06-01");
    assert_eq!(v["first_survey_on"], "2022-06-01");
    // an older survey does not overwrite the newer facts
    l.ok(&[
        "--on",
        "2022-03-01",
        "survey",
        "常德乙公司",
        "--employees",
        "30",
    ]);
    let v = l.json(&[
        "--today",
        "2022-06-02",
        "org",
        "show",
        "常德乙公司",
        "--format",
        "json",
    ]);
    assert_eq!(v["employees"], 44);
    assert_eq!(v["first_survey_on"], "2022-03-01");
    assert_eq!(v["last_survey_on"], "2022-06-01");
}

#[test]
fn every_write_command_appends_ops_and_one_audit_record() {
    let l = small_ledger();
    let steps: Vec<Vec<&str>> = vec![
        vec![
            "--on",
            "2022-05-01",
            "org",
            "set",
            "常德甲公司",
            "employees=30",
        ],
        vec![
            "--on",
            "2022-05-02",
            "survey",
            "常德甲公司",
            "--identity-check",
            "yes",
        ],
        vec![
            "--on",
            "2022-05-03",
            "person",
            "add",
            "--org",
            "常德甲公司",
            "--name",
            "王伟",
            "--status",
            "formal",
        ],
        vec![
            "--on",
            "2022-05-04",
            "branch",
            "found",
            "--name",
            "南坪第一联合党支部",
            "--mode",
            "joint",
            "--covers",
            "常德甲公司,常德乙公司",
        ],
        vec![
            "--on",
            "2022-05-05",
            "branch",
            "cover",
            "南坪第一联合党支部",
            "常德丙公司",
        ],
        vec![
            "--on",
            "2022-05-06",
            "person",
            "transfer",
            "王伟",
            "--to",
            "南坪第一联合党支部",
        ],
        vec![
            "--on",
            "2022-05-07",
            "person",
            "add",
            "--org",
            "常德乙公司",
            "--name",
            "李娜",
            "--status",
            "none",
            "--manager",
        ],
        vec![
            "--on",
            "2022-05-08",
            "person",
            "status",
            "李娜",
            "--status",
            "activist",
        ],
        vec![
            "--on",
            "2022-05-09",
            "instructor",
            "add",
            "--name",
            "赵强",
            "--source",
            "retired",
        ],
        vec![
            "--on",
            "2022-05-10",
            "instructor",
            "assign",
            "赵强",
            "常德丙公司",
        ],
        vec![
            "--on",
            "2022-05-11",
            "instructor",
            "visit",
            "赵强",
            "常德丙公司",
            "--note",
            "走访",
        ],
        vec![
            "--on",
            "2022-05-12",
            "branch",
            "uncover",
            "南坪第一联合党支部",
            "常德丙公司",
        ],
        vec![
            "--on",
            "2022-05-13",
            "branch",
            "dissolve",
            "南坪第一联合党支部",
        ],
        vec!["--on", "2022-05-14", "street", "add", "丹阳街道"],
        vec![
            "--on",
            "2022-05-14",
            "community",
            "add",
            "丹阳社区",
            "--street",
            "丹阳街道",
        ],
        vec![
            "--on",
            "2022-05-14",
            "building",
            "add",
            "丹阳大厦",
            "--street",
            "丹阳街道",
        ],
        vec![
            "--on",
            "2022-05-15",
            "org",
            "add",
            "--name",
            "常德戊公司",
            "--street",
            "丹阳街道",
        ],
    ];
    for s in steps {
        let (ops, audit) = (l.count("oplog"), l.count("audit"));
        l.ok(&s);
        assert!(l.count("oplog") > ops, "{s:?} appended no op");
        assert_eq!(
            l.count("audit"),
            audit + 1,
            "{s:?} did not append one audit record"
        );
        let (action, first, last): (String, i64, i64) = l
            .conn()
            .query_row(
                "SELECT action, first_seq, last_seq FROM audit ORDER BY rowid DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!(
            last - first + 1,
            l.count("oplog") - ops,
            "{action}: audit names its ops"
        );
    }
}

/// Each refusal: non-zero exit, one line naming the field (or thing) and the
/// value, and nothing written anywhere.
#[test]
fn bad_input_is_refused_cleanly_with_nothing_written() {
    let l = small_ledger();
    l.ok(&[
        "--on",
        "2022-02-01",
        "branch",
        "found",
        "--name",
        "甲党支部",
        "--mode",
        "standalone",
        "--covers",
        "常德甲公司",
    ]);
    let cases: Vec<(Vec<&str>, Vec<&str>)> = vec![
        (
            vec!["org", "add", "--name", "X公司", "--street", "无此街道"],
            vec!["street", "无此街道"],
        ),
        (
            vec!["survey", "不存在的公司"],
            vec!["organization", "不存在的公司"],
        ),
        (
            vec![
                "org",
                "add",
                "--name",
                "X公司",
                "--street",
                "南坪街道",
                "--employees",
                "-5",
            ],
            vec!["employees", "-5"],
        ),
        (
            vec![
                "org",
                "add",
                "--name",
                "X公司",
                "--street",
                "南坪街道",
                "--employees",
                "十二",
            ],
            vec!["employees", "十二"],
        ),
        (
            vec!["org", "set", "常德乙公司", "employees=-1"],
            vec!["employees", "-1"],
        ),
        (
            vec!["--on", "2022-13-01", "survey", "常德乙公司"],
            vec!["on", "2022-13-01"],
        ),
        (
            vec!["--on", "2022/05/01", "survey", "常德乙公司"],
            vec!["on", "2022/05/01"],
        ),
        (
            vec![
                "branch",
                "found",
                "--name",
                "J",
                "--mode",
                "joint",
                "--covers",
                "常德乙公司",
            ],
            vec!["covers", "1"],
        ),
        (
            vec![
                "branch",
                "found",
                "--name",
                "S",
                "--mode",
                "standalone",
                "--covers",
                "常德乙公司,常德丙公司",
            ],
            vec!["covers", "2"],
        ),
        (
            vec![
                "branch",
                "found",
                "--name",
                "J",
                "--mode",
                "joint",
                "--covers",
                "常德乙公司,常德乙公司",
            ],
            vec!["covers"],
        ),
        (
            vec!["branch", "cover", "甲党支部", "常德甲公司"],
            vec!["covers"],
        ),
        (
            vec!["branch", "cover", "甲党支部", "常德乙公司"],
            vec!["covers", "standalone"],
        ),
        (
            vec![
                "org",
                "add",
                "--name",
                "X公司",
                "--street",
                "南坪街道",
                "--code",
                "91110108067338559",
            ],
            vec!["code", "91110108067338559"],
        ),
        (
            vec![
                "org",
                "add",
                "--name",
                "X公司",
                "--street",
                "南坪街道",
                "--code",
                "9111010806733855I5",
            ],
            vec!["code", "9111010806733855I5"],
        ),
        (
            vec![
                "org",
                "add",
                "--name",
                "X公司",
                "--street",
                "南坪街道",
                "--code",
                "911101080673385595",
            ],
            vec!["code", "already used"],
        ),
        (
            vec!["org", "add", "--name", "", "--street", "南坪街道"],
            vec!["name"],
        ),
        (
            vec![
                "org",
                "add",
                "--name",
                "X公司",
                "--street",
                "南坪街道",
                "--kind",
                "company",
            ],
            vec!["kind", "company"],
        ),
        (
            vec![
                "person",
                "add",
                "--org",
                "常德乙公司",
                "--name",
                "张三",
                "--status",
                "member",
            ],
            vec!["status", "member"],
        ),
        (
            vec![
                "person",
                "add",
                "--org",
                "常德乙公司",
                "--name",
                "张三",
                "--status",
                "none",
                "--relation",
                "residence",
            ],
            vec!["relation"],
        ),
        (
            vec!["instructor", "add", "--name", "李四", "--source", "army"],
            vec!["source", "army"],
        ),
        (
            vec!["org", "set", "常德乙公司", "colour=red"],
            vec!["FIELD", "colour"],
        ),
        (
            vec!["report", "coverage", "--as-of", "yesterday"],
            vec!["as-of", "yesterday"],
        ),
        (
            vec![
                "report",
                "period",
                "--from",
                "2022-04-01",
                "--to",
                "2022-02-30",
            ],
            vec!["to", "2022-02-30"],
        ),
        (
            vec!["report", "coverage", "--format", "xlsx"],
            vec!["output"],
        ),
    ];
    for (args, words) in cases {
        let before = l.counts();
        let o = l.run(&args);
        assert!(!o.ok, "{args:?} should fail; stdout: {}", o.stdout);
        let msg = o.stderr.trim();
        assert_eq!(msg.lines().count(), 1, "{args:?}: one line, got: {msg}");
        for w in words {
            assert!(
                msg.contains(w),
                "{args:?}: message should name {w:?}: {msg}"
            );
        }
        assert_eq!(l.counts(), before, "{args:?} wrote something");
    }
}

#[test]
fn checksum_failure_is_stored_with_a_warning() {
    let l = small_ledger();
    let o = l.run(&[
        "org",
        "add",
        "--name",
        "早期企业",
        "--street",
        "南坪街道",
        "--code",
        "91350100M0001TGQXM",
    ]);
    assert!(o.ok, "{}", o.stderr);
    assert!(
        o.stderr.contains("checksum") && o.stderr.contains("91350100M0001TGQXM"),
        "{}",
        o.stderr
    );
    let v = l.json(&["org", "show", "91350100M0001TGQXM", "--format", "json"]);
    assert_eq!(v["name"], "早期企业");
}

#[test]
fn coverage_follows_founding_and_uncovering_dates() {
    let l = small_ledger();
    l.ok(&[
        "--on",
        "2022-05-10",
        "branch",
        "found",
        "--name",
        "联合支部",
        "--mode",
        "joint",
        "--covers",
        "常德甲公司,常德乙公司",
    ]);
    let before = l.json(&[
        "report",
        "coverage",
        "--as-of",
        "2022-05-09",
        "--format",
        "json",
    ]);
    let after = l.json(&[
        "report",
        "coverage",
        "--as-of",
        "2022-05-10",
        "--format",
        "json",
    ]);
    assert_eq!(before["total"], 3);
    assert_eq!(before["covered"], 0);
    assert_eq!(after["covered"], 2);
    assert_eq!(after["joint"], 2);
    assert!((after["coverage_rate"].as_f64().unwrap() - 2.0 / 3.0).abs() < 1e-9);
    assert_eq!(after["streets"][0]["name"], "南坪街道");
    assert_eq!(after["streets"][0]["covered"], 2);
    // an instructor makes work coverage, not organizational coverage
    l.ok(&[
        "--on",
        "2022-05-10",
        "instructor",
        "add",
        "--name",
        "赵强",
        "--source",
        "street",
    ]);
    l.ok(&[
        "--on",
        "2022-05-11",
        "instructor",
        "assign",
        "赵强",
        "常德丙公司",
    ]);
    let v = l.json(&[
        "report",
        "coverage",
        "--as-of",
        "2022-05-11",
        "--format",
        "json",
    ]);
    assert_eq!(v["covered"], 2);
    assert_eq!(v["work_covered"], 3);
    let shown = l.json(&[
        "--today",
        "2022-05-11",
        "org",
        "show",
        "常德丙公司",
        "--format",
        "json",
    ]);
    assert_eq!(shown["coverage"], "instructor");
    l.ok(&[
        "--on",
        "2022-06-01",
        "branch",
        "uncover",
        "联合支部",
        "常德乙公司",
    ]);
    let v = l.json(&[
        "report",
        "coverage",
        "--as-of",
        "2022-06-01",
        "--format",
        "json",
    ]);
    assert_eq!(v["covered"], 1);
    let v = l.json(&[
        "report",
        "coverage",
        "--as-of",
        "2022-05-31",
        "--format",
        "json",
    ]);
    assert_eq!(v["covered"], 2, "the past stays as it was");
    // closing an organization takes it out of N from that day
    l.ok(&["org", "set", "常德甲公司", "closed_on=2022-07-01"]);
    let v = l.json(&[
        "report",
        "coverage",
        "--as-of",
        "2022-07-01",
        "--format",
        "json",
    ]);
    assert_eq!(v["total"], 2);
    assert_eq!(v["covered"], 0);
    let list = l.json(&[
        "--today",
        "2022-07-01",
        "org",
        "list",
        "--coverage",
        "none",
        "--format",
        "json",
    ]);
    assert_eq!(list.as_array().map(Vec::len), Some(1));
}

#[test]
fn building_branch_takes_the_shared_building() {
    let l = small_ledger();
    l.ok(&["org", "set", "常德乙公司", "building=万达写字楼"]);
    l.ok(&["org", "set", "常德丙公司", "building=万达写字楼"]);
    l.ok(&[
        "--on",
        "2022-08-18",
        "branch",
        "found",
        "--name",
        "万达写字楼楼宇党支部",
        "--mode",
        "building",
        "--covers",
        "常德乙公司,常德丙公司",
    ]);
    let v = l.json(&[
        "report",
        "coverage",
        "--as-of",
        "2022-08-18",
        "--format",
        "json",
    ]);
    assert_eq!(v["building"], 2);
    let b: String = l
        .conn()
        .query_row(
            "SELECT b.name FROM party_orgs p JOIN buildings b ON b.id = p.building_id",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(b, "万达写字楼");
    let o = l.run(&[
        "branch",
        "found",
        "--name",
        "无楼宇",
        "--mode",
        "building",
        "--covers",
        "常德甲公司",
    ]);
    assert!(!o.ok && o.stderr.contains("building"), "{}", o.stderr);
}

#[test]
fn exports_csv_and_xlsx_with_chinese_headers() {
    let l = small_ledger();
    l.ok(&[
        "--on",
        "2022-05-10",
        "branch",
        "found",
        "--name",
        "联合支部",
        "--mode",
        "joint",
        "--covers",
        "常德甲公司,常德乙公司",
    ]);
    let csv_path = l.dir.path().join("c.csv");
    let xlsx_path = l.dir.path().join("c.xlsx");
    let p = csv_path.to_str().unwrap();
    let out = common::run_with(
        &l.db,
        l.dir.path(),
        &[
            "--lang",
            "zh",
            "report",
            "coverage",
            "--as-of",
            "2022-06-01",
            "--format",
            "csv",
            "-o",
            p,
        ],
    );
    assert!(out.ok, "{}", out.stderr);
    let csv = std::fs::read_to_string(&csv_path).unwrap();
    assert!(csv.starts_with('\u{feff}'), "BOM for spreadsheet programs");
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert!(
        lines[0].starts_with("街道,两新组织数,党组织覆盖数"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with("南坪街道,3,2,0,2,0,67%"),
        "{}",
        lines[1]
    );
    let x = xlsx_path.to_str().unwrap();
    let out = common::run_with(
        &l.db,
        l.dir.path(),
        &[
            "--lang",
            "zh",
            "report",
            "coverage",
            "--as-of",
            "2022-06-01",
            "--format",
            "xlsx",
            "-o",
            x,
        ],
    );
    assert!(out.ok, "{}", out.stderr);
    use calamine::{Reader, Xlsx, open_workbook};
    let mut wb: Xlsx<_> = open_workbook(&xlsx_path).unwrap();
    let range = wb.worksheet_range("覆盖情况").unwrap();
    let cell = |r: u32, c: u32| {
        range
            .get_value((r, c))
            .map(|v| v.to_string())
            .unwrap_or_default()
    };
    assert_eq!(cell(0, 0), "街道");
    assert_eq!(cell(0, 1), "两新组织数");
    assert_eq!(cell(1, 0), "南坪街道");
    assert_eq!(cell(1, 1), "3");
    assert_eq!(cell(1, 2), "2");
}

#[test]
fn a_file_that_is_not_a_database_is_refused() {
    let l = Ledger::new();
    std::fs::write(
        &l.db,
        b"this is not sqlite, just some text that is long enough to have a header",
    )
    .unwrap();
    let o = l.run(&["org", "list"]);
    assert!(!o.ok);
    assert!(o.stderr.contains("not a liangxin database"), "{}", o.stderr);
}
