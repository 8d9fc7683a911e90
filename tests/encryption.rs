//! The `encryption` build (SQLCipher): the file on disk holds no readable
//! ledger, the right key opens it, a wrong or missing key is one clear line,
//! and a backup is encrypted with the same key. Runs only in that build:
//! `cargo test --features encryption --test encryption`.
#![cfg(feature = "encryption")]

mod common;

use common::{Ledger, Out, command, output};

fn with_key(l: &Ledger, key: Option<&str>, args: &[&str]) -> Out {
    let mut c = command(&l.db, l.dir.path(), args);
    match key {
        Some(k) => c.env("LIANGXIN_KEY", k),
        None => c.env_remove("LIANGXIN_KEY"),
    };
    output(c)
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn the_file_is_unreadable_without_the_key() {
    let l = Ledger::new();
    let key = Some("correct horse");
    assert!(with_key(&l, key, &["street", "add", "EncryptedStreet"]).ok);
    let listed = with_key(&l, key, &["street", "list"]);
    assert!(
        listed.ok && listed.stdout.contains("EncryptedStreet"),
        "{}",
        listed.stderr
    );

    let c = with_key(&l, key, &["check"]);
    assert!(c.ok, "{}", c.stderr);
    // The pages in the write-ahead log are encrypted too.
    let mut bytes = std::fs::read(&l.db).unwrap();
    bytes.extend(std::fs::read(l.db.with_extension("db-wal")).unwrap_or_default());
    assert!(
        !bytes.starts_with(b"SQLite format 3"),
        "a plain SQLite header"
    );
    assert!(
        !contains(&bytes, b"EncryptedStreet"),
        "the name is readable on disk"
    );

    let wrong = with_key(&l, Some("wrong"), &["street", "list"]);
    assert!(!wrong.ok);
    assert_eq!(wrong.stderr.lines().count(), 1, "{}", wrong.stderr);
    assert!(
        wrong.stderr.contains("the key is wrong"),
        "{}",
        wrong.stderr
    );

    // No key and no terminal to ask on: refused, not opened as a plain file.
    let none = with_key(&l, None, &["street", "list"]);
    assert!(!none.ok);
    assert!(none.stderr.contains("LIANGXIN_KEY"), "{}", none.stderr);

    let copy = l.dir.path().join("copy.db");
    let b = with_key(&l, key, &["backup", "-o", copy.to_str().unwrap()]);
    assert!(b.ok, "{}", b.stderr);
    let copied = std::fs::read(&copy).unwrap();
    assert!(!copied.starts_with(b"SQLite format 3") && !contains(&copied, b"EncryptedStreet"));
    let c = common::run_with(&copy, l.dir.path(), &["street", "list"]);
    assert!(!c.ok, "the backup opened without a key");
}
