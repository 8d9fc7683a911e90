//! A sync cut off midway keeps the whole batches it got, and the next sync
//! carries on from what the op log holds: no hole, nothing twice.

#[path = "common/replica.rs"]
mod replica;

use std::collections::BTreeMap;

use liangxin::sync::proto;
use liangxin::sync::{self, merge, session};
use replica::*;

#[test]
fn a_sync_killed_midway_resumes_from_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = open(dir.path(), "server.db");
    liangxin::demo::generate(&mut server, &actor(), 1100, 7).unwrap();
    let total = server.count("oplog").unwrap() as usize;
    assert!(total > 2 * sync::BATCH, "several batches: {total}");
    let mut laptop = open(dir.path(), "laptop.db");

    let answer = server_answer(&mut server, merge::have(laptop.conn()).unwrap());
    let cut = &answer[..answer.len() * 3 / 5];
    let r = session::sync(
        &mut laptop,
        "server",
        &mut &cut[..],
        &mut std::io::sink(),
        |_, _| {},
    );
    assert!(r.is_err(), "a cut stream is an error");
    let got = laptop.count("oplog").unwrap() as usize;
    assert!(
        got > 0 && got < total,
        "whole batches kept: {got} of {total}"
    );
    assert_eq!(got % sync::BATCH, 0, "only whole batches");

    let answer = server_answer(&mut server, merge::have(laptop.conn()).unwrap());
    assert!(
        answer.len() < server_answer(&mut server, BTreeMap::new()).len(),
        "only the rest is sent"
    );
    let sum = session::sync(
        &mut laptop,
        "server",
        &mut answer.as_slice(),
        &mut std::io::sink(),
        |_, _| {},
    )
    .unwrap();
    assert_eq!(sum.received.applied + got, total);
    assert_eq!(sum.received.already, 0, "nothing sent twice");
    assert_eq!(
        merge::have(laptop.conn()).unwrap(),
        merge::have(server.conn()).unwrap()
    );
    assert_eq!(dump(&laptop), dump(&server));
}

#[test]
fn ops_from_a_newer_version_stop_the_sync_with_upgrade_and_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = open(dir.path(), "server.db");
    let (_, org) = seed(&mut server);
    let mut laptop = open(dir.path(), "laptop.db");
    sync::pull_local(&mut laptop, &server, &sync::Sender::trusted(None)).unwrap();
    // The server runs a newer build: its next op is of the next schema.
    let newer = liangxin::store::schema::SCHEMA_VERSION + 1;
    let seq: i64 = server
        .conn()
        .query_row("SELECT MAX(seq) + 1 FROM oplog", [], |r| r.get(0))
        .unwrap();
    server
        .conn()
        .execute(
            "INSERT INTO oplog(site_id, seq, hlc, tbl, row_id, field, value, schema_version)
             VALUES (?1, ?2, ?3, 'orgs', ?4, 'a_new_column', '1', ?5)",
            rusqlite::params![
                server.site(),
                seq,
                liangxin::sync::clock::now_ms() << 16,
                org.as_str(),
                newer
            ],
        )
        .unwrap();
    let before = dump(&laptop);
    let answer = server_answer(&mut server, merge::have(laptop.conn()).unwrap());
    let err = session::sync(
        &mut laptop,
        "server",
        &mut answer.as_slice(),
        &mut std::io::sink(),
        |_, _| {},
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains(&proto::hostname()), "{err}");
    let kept: i64 = laptop
        .conn()
        .query_row("SELECT COUNT(*) FROM sync_pending", [], |r| r.get(0))
        .unwrap();
    assert_eq!(kept, 1, "kept what it received");
    assert_eq!(dump(&laptop), before, "not applied");
}
