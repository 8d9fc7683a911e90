//! Bytes of a registration file to text: UTF-8 (with or without BOM), or the
//! GBK / GB18030 that spreadsheet programs on Chinese Windows save.

use crate::error::{Error, Result};
use crate::i18n::tr;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Auto,
    Utf8,
    /// GBK is a subset of GB18030; both decode as GB18030.
    Gb18030,
}

impl Encoding {
    pub fn parse(s: &str) -> Result<Encoding> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "auto" => Ok(Encoding::Auto),
            "utf-8" | "utf8" => Ok(Encoding::Utf8),
            "gbk" | "gb18030" | "gb2312" => Ok(Encoding::Gb18030),
            _ => Err(Error::invalid("encoding", s, "auto|utf-8|gbk|gb18030")),
        }
    }
}

fn undecodable(name: &str) -> Error {
    Error::invalid(
        "encoding",
        name,
        tr(
            "文件内容无法按此编码读取",
            "the file's bytes are not valid in this encoding",
        ),
    )
}

/// Decodes, refusing bytes that are not text in the encoding asked for (or,
/// with `Auto`, in UTF-8, UTF-16 with BOM, or GB18030).
pub fn decode(bytes: &[u8], enc: Encoding) -> Result<(String, &'static str)> {
    let utf8 = |b: &[u8]| {
        let b = b.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(b);
        std::str::from_utf8(b).map(str::to_string)
    };
    let gb = |b: &[u8]| {
        encoding_rs::GB18030
            .decode_without_bom_handling_and_without_replacement(b)
            .map(|c| c.into_owned())
    };
    match enc {
        Encoding::Utf8 => utf8(bytes)
            .map(|s| (s, "UTF-8"))
            .map_err(|_| undecodable("utf-8")),
        Encoding::Gb18030 => gb(bytes)
            .map(|s| (s, "GB18030"))
            .ok_or_else(|| undecodable("gb18030")),
        Encoding::Auto => {
            for (bom, e, name) in [
                (&b"\xFF\xFE"[..], encoding_rs::UTF_16LE, "UTF-16LE"),
                (&b"\xFE\xFF"[..], encoding_rs::UTF_16BE, "UTF-16BE"),
            ] {
                if let Some(rest) = bytes.strip_prefix(bom) {
                    return e
                        .decode_without_bom_handling_and_without_replacement(rest)
                        .map(|c| (c.into_owned(), name))
                        .ok_or_else(|| undecodable(name));
                }
            }
            if let Ok(s) = utf8(bytes) {
                return Ok((s, "UTF-8"));
            }
            gb(bytes)
                .map(|s| (s, "GB18030"))
                .ok_or_else(|| undecodable("auto"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_utf8_bom_and_gbk() {
        let (s, e) = decode("\u{feff}名称".as_bytes(), Encoding::Auto).unwrap();
        assert_eq!((s.as_str(), e), ("名称", "UTF-8"));
        let (gbk, _, _) = encoding_rs::GBK.encode("企业名称,住所");
        let (s, e) = decode(&gbk, Encoding::Auto).unwrap();
        assert_eq!((s.as_str(), e), ("企业名称,住所", "GB18030"));
        assert!(decode(&gbk, Encoding::Utf8).is_err());
    }
}
