//! Odd cells in registration lists: dates and numbers outside what the ledger
//! can hold, in XLSX (typed cells) and CSV (text). Each is a skipped row named
//! by its line and field; the good rows of the same file are imported; no
//! command panics.

mod common;

use common::{Ledger, Out, small_ledger};

fn write(l: &Ledger, name: &str, bytes: &[u8]) -> String {
    let p = l.dir.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    p.to_str().unwrap().to_string()
}

/// `(established_on, employees)` of the organization named `name`, read from
/// the database itself.
fn stored(l: &Ledger, name: &str) -> Option<(Option<String>, Option<i64>)> {
    l.conn()
        .query_row(
            "SELECT established_on, employees FROM orgs WHERE name = ?1 AND deleted = 0",
            [name],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .ok()
}

fn no_panic(o: &Out) {
    for text in [&o.stdout, &o.stderr] {
        assert!(
            !text.contains("panicked") && !text.contains("RUST_BACKTRACE"),
            "{text}"
        );
    }
}

/// The import's report names each bad row by line, field and value (and,
/// when given, the reason); returns how many rows it says it skipped.
fn assert_named(out: &str, rows: &[(usize, &str, &str, Option<&str>)]) {
    for (line, field, value, why) in rows {
        let want = format!("line {line}: field {field} \"{value}\"");
        let hit = out.lines().find(|l| l.contains(&want));
        let Some(hit) = hit else {
            panic!("missing {want}:\n{out}");
        };
        if let Some(why) = why {
            assert!(hit.contains(why), "line {line} says {hit}, not {why}");
        }
    }
    assert!(
        out.contains(&format!("skipped {}", rows.len())),
        "skipped {}:\n{out}",
        rows.len()
    );
}

const RANGE: &str = "outside the years 1900–2100";

#[test]
fn xlsx_cells_out_of_range_are_rows_named_by_line_and_the_rest_import() {
    let l = small_ledger();
    let path = l.dir.path().join("名单.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (i, h) in ["企业名称", "成立日期", "从业人数", "所属街道"]
        .iter()
        .enumerate()
    {
        ws.write(0, i as u16, *h).unwrap();
    }
    let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    // (name, serial in a date-formatted cell, employees as a number cell)
    let rows: [(&str, f64, f64); 7] = [
        ("常德序号公司", 99_999_999.0, 5.0),
        ("常德巨数公司", 42_956.0, 1e300),
        ("常德负数公司", 42_956.0, -3.0),
        ("常德小数公司", 42_956.0, 12.5),
        ("常德远日公司", 80_000.0, 5.0),
        ("常德表好公司", 42_956.0, 25.0),
        // serial 1: 1900-01-01, the first day the ledger takes
        ("常德百年公司", 1.0, 0.0),
    ];
    for (r, (name, serial, staff)) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        ws.write(r, 0, *name).unwrap();
        ws.write_number_with_format(r, 1, *serial, &date).unwrap();
        ws.write(r, 2, *staff).unwrap();
        ws.write(r, 3, "南坪街道").unwrap();
    }
    wb.save(&path).unwrap();
    let orgs = l.count("orgs");

    let o = l.run(&["--on", "2022-04-01", "import", path.to_str().unwrap()]);
    no_panic(&o);
    assert!(
        o.ok,
        "bad rows are skipped, not fatal:\n{}\n{}",
        o.stdout, o.stderr
    );
    assert_named(
        &o.stdout,
        &[
            (2, "established", "99999999", Some("not a date")),
            (3, "employees", "1e300", None),
            (4, "employees", "-3", Some("must not be negative")),
            (5, "employees", "12.5", Some("not a whole number")),
            (6, "established", "2119-01-11", Some(RANGE)),
        ],
    );
    assert_eq!(l.count("orgs"), orgs + 2, "{}", o.stdout);
    assert_eq!(
        stored(&l, "常德表好公司"),
        Some((Some("2017-08-09".into()), Some(25)))
    );
    assert_eq!(
        stored(&l, "常德百年公司"),
        Some((Some("1900-01-01".into()), Some(0)))
    );
    for name in [
        "常德序号公司",
        "常德巨数公司",
        "常德负数公司",
        "常德小数公司",
        "常德远日公司",
    ] {
        assert_eq!(stored(&l, name), None, "{name} was imported");
    }
    l.ok(&["check"]);
}

#[test]
fn csv_text_out_of_range_is_rows_named_by_line_and_the_rest_import() {
    let l = small_ledger();
    let text = "企业名称,成立日期,从业人数,所属街道\n\
                常德五位年公司,99999-01-01,5,南坪街道\n\
                常德十三月公司,2024-13-45,5,南坪街道\n\
                常德巨数公司,2020-01-01,1e300,南坪街道\n\
                常德负数公司,,-3,南坪街道\n\
                常德非数公司,,NaN,南坪街道\n\
                常德无穷公司,,inf,南坪街道\n\
                常德溢出公司,,99999999999999999999,南坪街道\n\
                常德小数公司,,12.5,南坪街道\n\
                常德前朝公司,1899-12-31,5,南坪街道\n\
                常德末日公司,2101-01-01,5,南坪街道\n\
                常德万人公司,2100-12-31,10000000,南坪街道\n\
                常德零人公司,1900/1/1,0人,南坪街道\n";
    let f = write(&l, "名单.csv", text.as_bytes());
    let orgs = l.count("orgs");

    let o = l.run(&["--on", "2022-04-01", "import", &f]);
    no_panic(&o);
    assert!(
        o.ok,
        "bad rows are skipped, not fatal:\n{}\n{}",
        o.stdout, o.stderr
    );
    assert_named(
        &o.stdout,
        &[
            (2, "established", "99999-01-01", Some(RANGE)),
            (3, "established", "2024-13-45", Some("not a date")),
            (4, "employees", "1e300", None),
            (5, "employees", "-3", Some("must not be negative")),
            (6, "employees", "NaN", None),
            (7, "employees", "inf", None),
            (8, "employees", "99999999999999999999", None),
            (9, "employees", "12.5", Some("not a whole number")),
            (10, "established", "1899-12-31", Some(RANGE)),
            (11, "established", "2101-01-01", Some(RANGE)),
        ],
    );
    // The edges themselves are taken.
    assert_eq!(l.count("orgs"), orgs + 2, "{}", o.stdout);
    assert_eq!(
        stored(&l, "常德万人公司"),
        Some((Some("2100-12-31".into()), Some(10_000_000)))
    );
    assert_eq!(
        stored(&l, "常德零人公司"),
        Some((Some("1900-01-01".into()), Some(0)))
    );
    assert_eq!(stored(&l, "常德溢出公司"), None);
    // What was imported reads back through the commands.
    let shown = l.json(&["org", "show", "常德万人公司", "--format", "json"]);
    assert_eq!(shown["employees"], 10_000_000);
    l.ok(&["check"]);
}

#[test]
fn a_list_of_only_odd_rows_names_them_all_and_writes_nothing() {
    let l = small_ledger();
    let text = "名称,成立日期,从业人数\n常德甲号公司,99999999,\n常德乙号公司,,-1e300\n";
    let f = write(&l, "odd.csv", text.as_bytes());
    let before = l.counts();
    let o = l.run(&["--on", "2022-04-01", "import", &f]);
    no_panic(&o);
    assert!(o.ok, "{}\n{}", o.stdout, o.stderr);
    assert_named(
        &o.stdout,
        &[
            (2, "established", "99999999", Some("not a date")),
            (3, "employees", "-1e300", None),
        ],
    );
    assert_eq!(
        l.counts(),
        before,
        "a list with no good row wrote something"
    );
}
