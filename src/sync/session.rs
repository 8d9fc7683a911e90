//! The two ends of a sync: `serve` answers on a byte stream next to its
//! database; `sync` pulls then pushes; `clone` copies a snapshot. Both ends
//! use the same merge steps as everything else (`merge`), one transaction
//! per batch, so a stream cut anywhere leaves whole batches behind and the
//! next sync carries on from what the log holds.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::Path;

use sha2::{Digest, Sha256};

use super::BATCH;
use super::merge::{self, Report};
use super::peers;
use super::proto::{self, Frame, Msg};
use crate::error::{Error, Result};
use crate::i18n::tr;
use crate::store::Store;

/// Answers one client until it says goodbye or the stream ends. A failure is
/// also told to the client, which prints it.
/// `actor` is the connection's identity: every op it pushes is checked
/// against that user's scope.
pub fn serve(
    store: &mut Store,
    actor: &crate::store::Actor,
    r: &mut impl Read,
    w: &mut impl Write,
) -> Result<()> {
    let res = serve_inner(store, actor, r, w);
    if let Err(e) = &res {
        let _ = proto::send(
            w,
            &Msg::Error {
                message: e.to_string(),
            },
        );
    }
    res
}

fn serve_inner(
    store: &mut Store,
    actor: &crate::store::Actor,
    r: &mut impl Read,
    w: &mut impl Write,
) -> Result<()> {
    let peer = proto::check_hello(proto::recv(r)?)?;
    // Told after our hello, so a client of another ledger names both and
    // says goodbye; one that goes on anyway is refused here.
    let other_ledger = proto::same_ledger(store, &peer).err();
    proto::send(w, &proto::server_hello(store)?)?;
    if let Some(refusal) = other_ledger {
        return proto::refuse_after_hello(r, refusal);
    }
    let client_site = peer.site;
    store.replay_pending()?;
    let from = super::Sender {
        actor: Some(actor.clone()),
        site: Some(client_site.clone()),
        via: "sync",
    };
    let mut pushed = Report::default();
    loop {
        let m = match proto::read_frame(r)? {
            None | Some(Frame::Msg(Msg::Bye)) => return Ok(()),
            Some(Frame::Msg(m)) => m,
            Some(Frame::Data(_)) => return Err(proto::bad_stream("data")),
        };
        match m {
            Msg::Pull { have, tips } => {
                merge::check_tips(&store.conn, &have, &tips)?;
                let mut sent = send_missing(store, &have, w)?;
                // The client's own ops refused here (whichever way they came,
                // a bundle too) go back marked, so it lists them.
                for ops in store.refused_of(&client_site)?.chunks(BATCH) {
                    sent += ops.len();
                    proto::send(w, &Msg::Ops { ops: ops.to_vec() })?;
                }
                proto::send(w, &Msg::End { sent })?;
            }
            Msg::Want => {
                let have = merge::have(&store.conn)?;
                let tips = merge::tips(&store.conn, &have)?;
                proto::send(w, &Msg::Have { have, tips })?
            }
            Msg::Ops { ops } => pushed.add(&store.receive(&from, &ops)?),
            Msg::End { .. } => {
                let have = merge::have(&store.conn)?;
                peers::record(&store.conn, &client_site, Some(&client_site), &have)?;
                proto::send(w, &Msg::Applied { report: pushed })?;
                pushed = Report::default();
            }
            Msg::Snapshot => send_snapshot(store, w)?,
            other => return Err(proto::bad_stream(&format!("unexpected {other:?}"))),
        }
    }
}

fn send_missing(
    store: &Store,
    theirs: &BTreeMap<String, i64>,
    w: &mut impl Write,
) -> Result<usize> {
    merge::for_each_missing(&store.conn, theirs, BATCH, |ops| {
        proto::send(w, &Msg::Ops { ops })
    })
}

/// `VACUUM INTO` a private temporary file (a consistent copy even while
/// others write), streamed in chunks with its checksum.
fn send_snapshot(store: &Store, w: &mut impl Write) -> Result<()> {
    let dir = tempdir_near(store.path())?;
    let tmp = dir.join("snapshot.db");
    let r = (|| {
        store
            .conn
            .execute("VACUUM INTO ?1", [tmp.to_string_lossy().as_ref()])?;
        let mut f = std::fs::File::open(&tmp)?;
        let mut h = Sha256::new();
        let mut buf = vec![0u8; 1 << 20];
        let mut bytes = 0u64;
        loop {
            let n = f.read(&mut buf)?;
            if n == 0 {
                break;
            }
            h.update(&buf[..n]);
            bytes += n as u64;
            proto::send_data(w, &buf[..n])?;
        }
        proto::send(
            w,
            &Msg::SnapshotEnd {
                bytes,
                sha256: hex(&h.finalize()),
            },
        )
    })();
    let _ = std::fs::remove_dir_all(&dir);
    r
}

fn tempdir_near(db: &Path) -> Result<std::path::PathBuf> {
    let base = std::env::temp_dir();
    let name = format!(
        "liangxin-snapshot-{}-{}",
        std::process::id(),
        db.file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    );
    let dir = base.join(name);
    let _ = std::fs::remove_dir_all(&dir);
    let mut b = std::fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(&dir)?;
    Ok(dir)
}

pub fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// What a sync did, for the summary line.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    pub received: Report,
    pub sent: usize,
    /// What the other side reported applying.
    pub remote: Report,
    pub remote_host: String,
}

/// Pulls then pushes. `progress` is told the running count of ops received
/// and sent. Stops with "upgrade liangxin on <host>" when either side holds
/// ops of a schema it cannot apply; what was received is kept.
pub fn sync(
    store: &mut Store,
    peer_name: &str,
    r: &mut impl Read,
    w: &mut impl Write,
    mut progress: impl FnMut(usize, usize),
) -> Result<Summary> {
    proto::send(w, &proto::client_hello(store)?)?;
    let peer = proto::check_hello(proto::recv(r)?)?;
    let (remote_site, remote_host) = (peer.site.clone(), peer.host.clone());
    if remote_site == store.site() {
        let _ = proto::send(w, &Msg::Bye);
        return Err(merge::forked(&remote_site));
    }
    if let Err(e) = proto::same_ledger(store, &peer) {
        proto::part(r, w);
        return Err(e);
    }
    store.replay_pending()?;
    let mut sum = Summary {
        remote_host: remote_host.clone(),
        ..Summary::default()
    };
    let from = super::Sender::trusted(Some(remote_site.clone()));
    pull(store, &from, r, w, &mut sum.received, |n| progress(n, 0))?;
    if sum.received.pending > 0 {
        let _ = proto::send(w, &Msg::Bye);
        return Err(upgrade(&proto::hostname()));
    }
    proto::send(w, &Msg::Want)?;
    let theirs = match proto::recv(r)? {
        Msg::Have { have, tips } => {
            merge::check_tips(&store.conn, &have, &tips)?;
            have
        }
        other => return Err(proto::bad_stream(&format!("{other:?}"))),
    };
    let received = sum.received.applied;
    let mut sent = 0;
    sum.sent = merge::for_each_missing(&store.conn, &theirs, BATCH, |ops| {
        sent += ops.len();
        proto::send(w, &Msg::Ops { ops })?;
        progress(received, sent);
        Ok(())
    })?;
    proto::send(w, &Msg::End { sent: sum.sent })?;
    sum.remote = match proto::recv(r)? {
        Msg::Applied { report } => report,
        other => return Err(proto::bad_stream(&format!("{other:?}"))),
    };
    let _ = proto::send(w, &Msg::Bye);
    // Ops of ours the other side refused stay here, listed until discarded
    // or sent again.
    store.note_refusals(&sum.remote)?;
    if sum.remote.pending > 0 {
        return Err(upgrade(&remote_host));
    }
    let have = merge::have(&store.conn)?;
    peers::record(&store.conn, peer_name, Some(&remote_site), &have)?;
    Ok(sum)
}

/// Receives the stream that answers `Pull`, applying each batch as it comes.
pub fn pull(
    store: &mut Store,
    from: &super::Sender,
    r: &mut impl Read,
    w: &mut impl Write,
    rep: &mut Report,
    mut progress: impl FnMut(usize),
) -> Result<()> {
    let have = merge::have(&store.conn)?;
    let tips = merge::tips(&store.conn, &have)?;
    proto::send(w, &Msg::Pull { have, tips })?;
    loop {
        match proto::recv(r)? {
            Msg::Ops { ops } => {
                rep.add(&store.receive(from, &ops)?);
                progress(rep.applied);
            }
            Msg::End { .. } => return Ok(()),
            other => return Err(proto::bad_stream(&format!("{other:?}"))),
        }
    }
}

fn upgrade(host: &str) -> Error {
    Error::Refused(format!(
        "{} {}{}",
        tr(
            "对方的数据来自更新的版本；请升级",
            "ops from a newer version were kept, not applied; upgrade liangxin on"
        ),
        crate::text::clean(host),
        tr(" 上的 liangxin", "")
    ))
}

/// Receives a snapshot into `dest` (which must not exist), checks it, and
/// gives the copy a site id of its own. The copy keeps the ledger id, which
/// must be the one the server named.
pub fn clone(dest: &Path, peer_name: &str, r: &mut impl Read, w: &mut impl Write) -> Result<Store> {
    if dest.exists() {
        return Err(Error::Refused(format!(
            "{}: {}",
            dest.display(),
            tr("已存在，不会覆盖", "already exists; not overwritten")
        )));
    }
    proto::send(w, &proto::hello("clone"))?;
    let peer = proto::check_hello(proto::recv(r)?)?;
    let remote_site = peer.site;
    proto::send(w, &Msg::Snapshot)?;
    let partial = dest.with_extension("partial");
    let got = receive_file(&partial, r);
    let _ = proto::send(w, &Msg::Bye);
    if let Err(e) = got {
        let _ = std::fs::remove_file(&partial);
        return Err(e);
    }
    let fresh = (|| -> Result<()> {
        let conn = crate::store::connect(&partial, rusqlite::OpenFlags::default())?;
        let ledger = crate::store::identity::ledger_id(&conn)?;
        if peer.ledger.is_some() && ledger != peer.ledger {
            return Err(proto::bad_stream(tr(
                "快照的台账编号与对方所报不符",
                "the snapshot's ledger id is not the one the other side named",
            )));
        }
        // One site id per file: the copy is a new replica, not the server.
        crate::store::identity::new_site(&conn)?;
        Ok(())
    })();
    if let Err(e) = fresh.and_then(|_| Ok(std::fs::rename(&partial, dest)?)) {
        let _ = std::fs::remove_file(&partial);
        return Err(e);
    }
    let store = Store::open(dest)?;
    let have = merge::have(&store.conn)?;
    peers::record(&store.conn, peer_name, Some(&remote_site), &have)?;
    Ok(store)
}

fn receive_file(path: &Path, r: &mut impl Read) -> Result<()> {
    let mut f = std::fs::OpenOptions::new();
    f.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        f.mode(0o600);
    }
    let mut f = f.open(path)?;
    let mut h = Sha256::new();
    let mut n = 0u64;
    loop {
        match proto::read_frame(r)? {
            Some(Frame::Data(d)) => {
                h.update(&d);
                n += d.len() as u64;
                f.write_all(&d)?;
            }
            Some(Frame::Msg(Msg::SnapshotEnd { bytes, sha256 })) => {
                if bytes != n || sha256 != hex(&h.finalize()) {
                    return Err(proto::bad_stream(tr(
                        "快照校验失败",
                        "snapshot checksum mismatch",
                    )));
                }
                f.sync_all()?;
                return Ok(());
            }
            Some(Frame::Msg(Msg::Error { message })) => {
                return Err(Error::Refused(crate::text::clean(&message)));
            }
            _ => return Err(proto::bad_stream(tr("快照被截断", "snapshot cut short"))),
        }
    }
}
