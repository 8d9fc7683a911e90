//! Bundle files: ops on a USB stick. Layout: a 16-byte magic, a 4-byte
//! format version, an 8-byte body length, the body (JSON), then the SHA-256
//! of everything before it. A file that fails any check is refused whole,
//! and so is one of another ledger.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::op::Op;
use crate::error::{Error, Result};
use crate::i18n::tr;
use crate::store::Store;
use crate::store::identity::Other;

const MAGIC: &[u8; 16] = b"LIANGXIN-BUNDLE\0";
/// 2: the body names the ledger. Format 1 files still decode, and are then
/// refused for naming none (see `check_ledger`).
const FORMAT: u32 = 2;
const HEAD: usize = 16 + 4 + 8;
const SUM: usize = 32;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bundle {
    /// The replica that wrote it.
    pub from: String,
    /// The replica it was written for, if one was named.
    pub to: Option<String>,
    pub schema: i64,
    pub ops: Vec<Op>,
    /// The ledger it was written from (`Store::ledger_id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ledger: Option<String>,
    /// That ledger's district name, for the refusal line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub district: Option<String>,
}

/// Refuses a bundle of another ledger, or one written before bundles named
/// their ledger; a store that holds nothing yet takes the bundle's ledger.
/// Writes nothing else.
pub fn check_ledger(store: &Store, b: &Bundle) -> Result<()> {
    match &b.ledger {
        Some(id) => store.join_ledger(id, b.district.as_deref(), Other::Bundle),
        None if b.ops.is_empty() => Ok(()),
        None => Err(refuse(tr(
            "同步包由旧版 liangxin 写出，未注明所属台账；请升级写出它的机器上的 liangxin 后重新导出",
            "the bundle was written by an older liangxin and names no ledger; upgrade liangxin where it was written and export it again",
        ))),
    }
}

pub fn encode(b: &Bundle) -> Result<Vec<u8>> {
    let body = serde_json::to_vec(b).map_err(|e| Error::Other(e.to_string()))?;
    let mut out = Vec::with_capacity(HEAD + body.len() + SUM);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT.to_be_bytes());
    out.extend_from_slice(&(body.len() as u64).to_be_bytes());
    out.extend_from_slice(&body);
    let sum = Sha256::digest(&out);
    out.extend_from_slice(&sum);
    Ok(out)
}

fn refuse(why: &str) -> Error {
    Error::Refused(format!(
        "{}: {why}; {}",
        tr("拒绝导入", "refused"),
        tr("未导入任何内容", "nothing was imported")
    ))
}

pub fn decode(bytes: &[u8]) -> Result<Bundle> {
    if bytes.len() < 16 || &bytes[..16] != MAGIC {
        return Err(refuse(tr("不是 liangxin 同步包", "not a liangxin bundle")));
    }
    if bytes.len() < HEAD + SUM {
        return Err(refuse(tr("文件被截断", "the file is truncated")));
    }
    let mut v = [0u8; 4];
    v.copy_from_slice(&bytes[16..20]);
    let format = u32::from_be_bytes(v);
    if format == 0 || format > FORMAT {
        return Err(refuse(tr(
            "同步包格式更新，请升级 liangxin",
            "the bundle format is newer; upgrade liangxin",
        )));
    }
    let mut l = [0u8; 8];
    l.copy_from_slice(&bytes[20..28]);
    let len = u64::from_be_bytes(l);
    let expected = (HEAD as u64)
        .checked_add(len)
        .and_then(|n| n.checked_add(SUM as u64));
    match expected {
        Some(n) if n == bytes.len() as u64 => {}
        Some(n) if n > bytes.len() as u64 => {
            return Err(refuse(tr("文件被截断", "the file is truncated")));
        }
        _ => {
            return Err(refuse(tr(
                "文件已损坏（长度不符）",
                "the file is damaged (length)",
            )));
        }
    }
    let (signed, sum) = bytes.split_at(bytes.len() - SUM);
    if Sha256::digest(signed).as_slice() != sum {
        return Err(refuse(tr(
            "文件已损坏（校验和不符）",
            "the file is damaged (checksum)",
        )));
    }
    serde_json::from_slice(&signed[HEAD..])
        .map_err(|_| refuse(tr("内容无法解析", "the content is unreadable")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Bundle {
        Bundle {
            from: "a".into(),
            to: None,
            schema: 1,
            ledger: Some("0190b1c2-0000-7000-8000-000000000001".into()),
            district: Some("武陵区".into()),
            ops: vec![Op {
                site: "a".into(),
                seq: 1,
                hlc: 5,
                tbl: "orgs".into(),
                row: "r".into(),
                field: "name".into(),
                value: Some("\"x\"".into()),
                schema: 1,
                supersedes: None,
                actor: None,
                refused: None,
            }],
        }
    }

    #[test]
    fn round_trips_and_refuses_any_damage() {
        let bytes = encode(&sample()).unwrap();
        assert_eq!(decode(&bytes).unwrap(), sample());
        for cut in [0, 10, 27, bytes.len() / 2, bytes.len() - 1] {
            assert!(decode(&bytes[..cut]).is_err(), "truncated at {cut}");
        }
        for i in [0, 17, 25, 40, bytes.len() - 3] {
            let mut b = bytes.clone();
            b[i] ^= 1;
            assert!(decode(&b).is_err(), "flipped byte {i}");
        }
        assert!(decode(b"SQLite format 3\0 and more bytes than the header needs").is_err());
    }

    #[test]
    fn a_format_1_bundle_decodes_naming_no_ledger() {
        let mut b = sample();
        b.ledger = None;
        b.district = None;
        let mut bytes = encode(&b).unwrap();
        bytes[16..20].copy_from_slice(&1u32.to_be_bytes());
        let n = bytes.len() - SUM;
        let sum = Sha256::digest(&bytes[..n]);
        bytes[n..].copy_from_slice(&sum);
        assert_eq!(decode(&bytes).unwrap(), b);
        bytes[16..20].copy_from_slice(&(FORMAT + 1).to_be_bytes());
        let sum = Sha256::digest(&bytes[..n]);
        bytes[n..].copy_from_slice(&sum);
        assert!(decode(&bytes).is_err(), "a newer format is refused");
    }
}
