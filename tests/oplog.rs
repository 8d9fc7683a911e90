//! The op log and the audit chain: what sync and integrity checks will rely on.

mod common;

use common::small_ledger;
use liangxin::store::write::chain_hash;

#[test]
fn ops_are_gap_free_clocked_and_record_what_they_replaced() {
    let l = small_ledger();
    l.ok(&["org", "set", "常德乙公司", "employees=20"]);
    l.ok(&["org", "set", "常德乙公司", "employees=21"]);
    let conn = l.conn();
    let mut stmt = conn
        .prepare("SELECT site_id, seq, hlc, tbl, row_id, field, value, schema_version, supersedes FROM oplog ORDER BY seq")
        .unwrap();
    type Op = (
        String,
        i64,
        i64,
        String,
        String,
        String,
        Option<String>,
        i64,
        Option<String>,
    );
    let ops: Vec<Op> = stmt
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
            ))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let site = &ops[0].0;
    assert!(
        ops.iter().all(|o| &o.0 == site),
        "one site id per database file"
    );
    for (i, o) in ops.iter().enumerate() {
        assert_eq!(o.1, i as i64 + 1, "seq gap-free from 1");
        assert_eq!(
            o.7,
            liangxin::store::schema::SCHEMA_VERSION,
            "schema version stamped"
        );
        if i > 0 {
            assert!(o.2 > ops[i - 1].2, "clock strictly increases");
        }
    }
    let emp: Vec<&Op> = ops
        .iter()
        // the op that made the row carries all its fields
        .filter(|o| {
            o.3 == "orgs"
                && (o.5 == "employees"
                    || (o.5 == "*"
                        && liangxin::store::op::row_fields("orgs", o.6.as_deref())
                            .is_some_and(|f| f.iter().any(|(k, _)| k == "employees"))))
        })
        .collect();
    let org_id: String = conn
        .query_row(
            "SELECT id FROM orgs WHERE name = '常德乙公司'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let mine: Vec<&&Op> = emp.iter().filter(|o| o.4 == org_id).collect();
    assert_eq!(mine.len(), 3, "created, then two edits");
    assert_eq!(mine[0].8, None);
    assert_eq!(
        mine[1].8.as_deref(),
        Some(format!("{}:{}", site, mine[0].1).as_str())
    );
    assert_eq!(
        mine[2].8.as_deref(),
        Some(format!("{}:{}", site, mine[1].1).as_str())
    );
    assert_eq!(mine[2].6.as_deref(), Some("21"));
    // setting a field to the value it holds makes no op
    let n = l.count("oplog");
    l.ok(&["org", "set", "常德乙公司", "employees=21"]);
    assert_eq!(l.count("oplog"), n);
}

#[test]
fn audit_records_form_a_hash_chain() {
    let l = small_ledger();
    let conn = l.conn();
    let mut stmt = conn
        .prepare(
            "SELECT id, at, os_user, user_name, office, action, detail, reason, on_date, site_id,
                    first_seq, last_seq, ops, prev_hash, hash, op_ranges, op_marks, ops_digest
             FROM audit ORDER BY rowid",
        )
        .unwrap();
    let rows: Vec<Vec<String>> = stmt
        .query_map([], |r| {
            (0..18)
                .map(|i| {
                    r.get::<_, Option<rusqlite::types::Value>>(i)
                        .map(|v| match v {
                            Some(rusqlite::types::Value::Text(s)) => s,
                            Some(rusqlite::types::Value::Integer(n)) => n.to_string(),
                            _ => String::new(),
                        })
                })
                .collect()
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(rows.len(), 6, "one record per write");
    let mut prev = String::new();
    for r in &rows {
        assert_eq!(r[13], prev, "each record carries the previous hash");
        // the record, then the ops it answers for and their digest
        let fields: Vec<&str> = r[..14].iter().chain(&r[15..]).map(String::as_str).collect();
        assert_eq!(chain_hash(&fields), r[14], "hash covers the record");
        assert_eq!(r[17].len(), 64, "a digest of its ops");
        prev = r[14].clone();
    }
    assert_eq!(rows[0][5], "street.add");
    assert_eq!(rows[0][8], "2022-01-01", "the --on date is kept");
}

#[test]
fn processes_writing_at_once_share_one_gap_free_sequence() {
    let l = small_ledger();
    let before = l.count("streets");
    let handles: Vec<_> = (0..4)
        .map(|p| {
            let db = l.db.clone();
            let home = l.dir.path().to_path_buf();
            std::thread::spawn(move || {
                for k in 0..15 {
                    let name = format!("街道{p}-{k}");
                    let o = common::run_with(&db, &home, &["street", "add", &name]);
                    assert!(o.ok, "{}", o.stderr);
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    assert_eq!(l.count("streets"), before + 60);
    let (n, max): (i64, i64) = l
        .conn()
        .query_row("SELECT COUNT(*), MAX(seq) FROM oplog", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(n, max, "no sequence number skipped or reused");
}

#[cfg(unix)]
#[test]
fn without_user_in_the_environment_the_login_name_is_audited() {
    let l = common::Ledger::new();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_liangxin"))
        .arg("--db")
        .arg(&l.db)
        .args(["street", "add", "南坪街道"])
        .env_remove("USER")
        .env_remove("LOGNAME")
        .env("HOME", l.dir.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    let who: String = l
        .conn()
        .query_row("SELECT os_user FROM audit", [], |r| r.get(0))
        .unwrap();
    assert_ne!(who, "unknown");
    assert!(!who.is_empty());
}
