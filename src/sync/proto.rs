//! The wire protocol of `sync serve`: length-prefixed frames over a byte
//! stream (a child's stdin/stdout, or ssh), versioned by the first message.
//! A frame is a 4-byte big-endian length, a kind byte, then the payload: a
//! JSON message, or raw bytes (a snapshot chunk). Decoding never trusts the
//! length: frames above `MAX_FRAME` are refused before anything is allocated.

use std::collections::BTreeMap;
use std::io::{Read, Write};

use serde::{Deserialize, Serialize};

use super::merge::Report;
use super::op::Op;
use crate::error::{Error, Result};
use crate::i18n::tr;
use crate::store::Store;
use crate::store::identity::Other;

pub const PROTOCOL: &str = "liangxin-sync";
/// 2: the hello names the ledger (version 1 peers did not, so they are told
/// to upgrade rather than synced unchecked).
pub const VERSION: u32 = 2;
pub const MAX_FRAME: usize = 32 << 20;

const KIND_MSG: u8 = 1;
const KIND_DATA: u8 = 2;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum Msg {
    Hello {
        proto: String,
        version: u32,
        schema: i64,
        site: String,
        host: String,
        /// The ledger this side holds (`Store::ledger_id`). A client that
        /// holds no op yet, or is cloning, names none: it takes the server's.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ledger: Option<String>,
        /// The district name from its `meta`, for the refusal line.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        district: Option<String>,
    },
    /// Client → server: send me the ops I lack (I hold `have`; `tips` are
    /// the clocks of those last ops, to catch two files with one site id).
    Pull {
        have: BTreeMap<String, i64>,
        #[serde(default)]
        tips: BTreeMap<String, String>,
    },
    /// Client → server: what do you hold?
    Want,
    Have {
        have: BTreeMap<String, i64>,
        #[serde(default)]
        tips: BTreeMap<String, String>,
    },
    Ops {
        ops: Vec<Op>,
    },
    /// The end of a stream of `Ops`.
    End {
        sent: usize,
    },
    /// Server → client after a pushed stream ends.
    Applied {
        report: Report,
    },
    /// Client → server: send a consistent copy of the database.
    Snapshot,
    SnapshotEnd {
        bytes: u64,
        sha256: String,
    },
    Error {
        message: String,
    },
    Bye,
}

#[derive(Debug, PartialEq)]
pub enum Frame {
    Msg(Msg),
    Data(Vec<u8>),
}

fn write_frame(w: &mut impl Write, kind: u8, payload: &[u8]) -> Result<()> {
    let len = u32::try_from(payload.len() + 1)
        .ok()
        .filter(|n| *n as usize <= MAX_FRAME)
        .ok_or_else(|| Error::Other("frame too large".into()))?;
    w.write_all(&len.to_be_bytes())?;
    w.write_all(&[kind])?;
    w.write_all(payload)?;
    Ok(())
}

pub fn send(w: &mut impl Write, m: &Msg) -> Result<()> {
    let body = serde_json::to_vec(m).map_err(|e| Error::Other(e.to_string()))?;
    write_frame(w, KIND_MSG, &body)?;
    w.flush()?;
    Ok(())
}

pub fn send_data(w: &mut impl Write, data: &[u8]) -> Result<()> {
    write_frame(w, KIND_DATA, data)
}

pub fn bad_stream(what: &str) -> Error {
    Error::Refused(format!(
        "{}: {what}",
        tr("同步数据流无效", "the sync stream is not valid")
    ))
}

/// Reads one frame; `None` at a clean end of stream (between frames).
pub fn read_frame(r: &mut impl Read) -> Result<Option<Frame>> {
    let mut len = [0u8; 4];
    match read_full(r, &mut len)? {
        0 => return Ok(None),
        4 => {}
        _ => return Err(bad_stream(tr("在帧头处截断", "truncated frame header"))),
    }
    let len = u32::from_be_bytes(len) as usize;
    if len == 0 || len > MAX_FRAME {
        return Err(bad_stream(tr("帧长度无效", "bad frame length")));
    }
    let mut buf = vec![0u8; len];
    if read_full(r, &mut buf)? != len {
        return Err(bad_stream(tr("帧被截断", "truncated frame")));
    }
    let payload = buf.split_off(1);
    match buf[0] {
        KIND_MSG => serde_json::from_slice(&payload)
            .map(|m| Some(Frame::Msg(m)))
            .map_err(|_| bad_stream(tr("消息无法解析", "unreadable message"))),
        KIND_DATA => Ok(Some(Frame::Data(payload))),
        _ => Err(bad_stream(tr("未知的帧类型", "unknown frame kind"))),
    }
}

/// Reads a message frame; the end of the stream or a data frame is an error.
pub fn recv(r: &mut impl Read) -> Result<Msg> {
    match read_frame(r)? {
        Some(Frame::Msg(Msg::Error { message })) => Err(Error::Refused(format!(
            "{}: {}",
            tr("对方报告错误", "the other side reported"),
            crate::text::clean(&message)
        ))),
        Some(Frame::Msg(m)) => Ok(m),
        Some(Frame::Data(_)) => Err(bad_stream(tr("意外的数据帧", "unexpected data frame"))),
        None => Err(Error::Refused(
            tr("对方中途断开了连接", "the other side closed the connection").to_string(),
        )),
    }
}

/// Like `read_exact`, but says how much it got before the end of the stream.
fn read_full(r: &mut impl Read, buf: &mut [u8]) -> Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match r.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(got)
}

/// A hello that names no ledger (what `clone` sends).
pub fn hello(site: &str) -> Msg {
    Msg::Hello {
        proto: PROTOCOL.into(),
        version: VERSION,
        schema: crate::store::schema::SCHEMA_VERSION,
        site: site.into(),
        host: hostname(),
        ledger: None,
        district: None,
    }
}

/// The hello of the side that asks: it names its ledger once it holds ops;
/// before that it has nothing to keep apart and takes the server's.
pub fn client_hello(store: &Store) -> Result<Msg> {
    let ledger = if store.holds_no_ops()? {
        None
    } else {
        store.ledger_id()?
    };
    with_ledger(store, ledger)
}

/// The hello of the side that answers: it names its ledger whenever it has
/// one (after taking the client's, if it held nothing).
pub fn server_hello(store: &Store) -> Result<Msg> {
    with_ledger(store, store.ledger_id()?)
}

fn with_ledger(store: &Store, ledger: Option<String>) -> Result<Msg> {
    let mut m = hello(store.site());
    if let Msg::Hello {
        ledger: l,
        district: d,
        ..
    } = &mut m
    {
        *l = ledger;
        *d = store.district()?;
    }
    Ok(m)
}

/// The other side, as its hello describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Peer {
    pub site: String,
    pub host: String,
    pub schema: i64,
    pub ledger: Option<String>,
    pub district: Option<String>,
}

/// Checks that the other side holds `store`'s ledger; a store that holds
/// nothing yet takes the other side's (see `store::identity`). A side that
/// names no ledger holds no op (or is cloning): there is nothing to check.
pub fn same_ledger(store: &Store, peer: &Peer) -> Result<()> {
    match &peer.ledger {
        Some(id) => store.join_ledger(id, peer.district.as_deref(), Other::Peer),
        None => Ok(()),
    }
}

/// Says goodbye before a refusal, and waits (a few frames at most) for the
/// other side to close, so that it ends on its own rather than being killed.
pub fn part(r: &mut impl Read, w: &mut impl Write) {
    if send(w, &Msg::Bye).is_ok() {
        for _ in 0..4 {
            if !matches!(read_frame(r), Ok(Some(_))) {
                break;
            }
        }
    }
}

/// The server after a hello of another ledger (its own hello already sent,
/// so the client names the mismatch and says goodbye): a goodbye or the end
/// of the stream ends it quietly; anything else is refused with `refusal`.
pub fn refuse_after_hello(r: &mut impl Read, refusal: Error) -> Result<()> {
    match read_frame(r) {
        Ok(None) | Ok(Some(Frame::Msg(Msg::Bye))) => Ok(()),
        _ => Err(refusal),
    }
}

/// This machine's name, for "upgrade liangxin on <host>".
pub fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "localhost".into())
}

/// Checks the other side's hello: same protocol, a version we speak.
pub fn check_hello(m: Msg) -> Result<Peer> {
    match m {
        Msg::Hello {
            proto,
            version,
            schema,
            site,
            host,
            ledger,
            district,
        } if proto == PROTOCOL => {
            if version != VERSION {
                return Err(Error::Refused(format!(
                    "{} {version} ({} {VERSION}); {} {}",
                    tr(
                        "对方的同步协议版本为",
                        "the other side speaks sync protocol"
                    ),
                    tr("本机为", "this one speaks"),
                    tr("请升级 liangxin：", "upgrade liangxin on"),
                    if version > VERSION {
                        hostname()
                    } else {
                        crate::text::clean(&host)
                    }
                )));
            }
            Ok(Peer {
                site,
                host,
                schema,
                ledger,
                district,
            })
        }
        _ => Err(bad_stream(tr(
            "对方不是 liangxin 同步服务",
            "the other side is not a liangxin sync server",
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip() {
        let mut buf = Vec::new();
        send(&mut buf, &hello("s1")).unwrap();
        send_data(&mut buf, b"abc").unwrap();
        send(&mut buf, &Msg::Bye).unwrap();
        let mut r = buf.as_slice();
        assert!(matches!(
            read_frame(&mut r).unwrap(),
            Some(Frame::Msg(Msg::Hello { .. }))
        ));
        assert_eq!(
            read_frame(&mut r).unwrap(),
            Some(Frame::Data(b"abc".to_vec()))
        );
        assert_eq!(read_frame(&mut r).unwrap(), Some(Frame::Msg(Msg::Bye)));
        assert_eq!(read_frame(&mut r).unwrap(), None);
    }

    #[test]
    fn a_cut_stream_is_an_error_not_an_end() {
        let mut buf = Vec::new();
        send(&mut buf, &Msg::Bye).unwrap();
        for cut in 1..buf.len() {
            assert!(read_frame(&mut &buf[..cut]).is_err(), "cut at {cut}");
        }
    }

    #[test]
    fn the_hello_carries_the_ledger_and_a_version_1_hello_is_told_to_upgrade() {
        let mut m = hello("s1");
        if let Msg::Hello {
            ledger, district, ..
        } = &mut m
        {
            *ledger = Some("0190b1c2-0000-7000-8000-000000000001".into());
            *district = Some("武陵区".into());
        }
        let mut buf = Vec::new();
        send(&mut buf, &m).unwrap();
        let back = recv(&mut buf.as_slice()).unwrap();
        assert_eq!(back, m);
        let peer = check_hello(back).unwrap();
        assert_eq!(
            peer.ledger.as_deref(),
            Some("0190b1c2-0000-7000-8000-000000000001")
        );
        assert_eq!(peer.district.as_deref(), Some("武陵区"));
        // What version 1 sent: no ledger field.
        let old: Msg = serde_json::from_str(
            r#"{"t":"hello","proto":"liangxin-sync","version":1,"schema":3,"site":"s","host":"old-box"}"#,
        )
        .unwrap();
        let err = check_hello(old).unwrap_err().to_string();
        assert!(err.contains("old-box"), "{err}");
    }

    #[test]
    fn a_huge_length_is_refused_before_allocating() {
        let bytes = [0xff, 0xff, 0xff, 0xff, 1];
        assert!(read_frame(&mut &bytes[..]).is_err());
    }
}
