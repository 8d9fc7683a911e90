//! A sync cut off midway keeps the whole batches it got, and the next sync
//! carries on from what the op log holds: no hole, nothing twice.

#[path = "common/replica.rs"]
mod replica;

use std::collections::BTreeMap;

use liangxin::store::Store;
use liangxin::sync::proto::{self, Msg};
use liangxin::sync::{self, merge, session};
use replica::*;

/// What the server answers to one client sync, recorded (the client holds
/// `have` and has nothing to push).
fn server_answer(server: &mut Store, have: BTreeMap<String, i64>) -> Vec<u8> {
    let mut input = Vec::new();
    for m in [
        proto::hello("client"),
        Msg::Pull { have },
        Msg::Want,
        Msg::End { sent: 0 },
        Msg::Bye,
    ] {
        proto::send(&mut input, &m).unwrap();
    }
    let mut out = Vec::new();
    session::serve(server, &mut input.as_slice(), &mut out).unwrap();
    out
}

#[test]
fn a_sync_killed_midway_resumes_from_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = open(dir.path(), "server.db");
    liangxin::demo::generate(&mut server, &actor(), 400, 7).unwrap();
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
