//! Unified social credit code (统一社会信用代码, GB 32100-2015).

use crate::error::Error;
use crate::i18n::tr;

const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// What a well-formed code's check character says.
#[derive(Debug, PartialEq, Eq)]
pub enum Check {
    Valid,
    /// Early real codes fail the checksum: keep them, but say so.
    Mismatch {
        expected: char,
    },
}

fn value(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == c).map(|p| p as u32)
}

/// The check character for the first 17 characters (which must be in the alphabet).
pub fn check_char(first17: &[u8]) -> Option<char> {
    if first17.len() != 17 {
        return None;
    }
    let mut sum = 0;
    for (c, w) in first17.iter().zip(WEIGHTS) {
        sum += value(*c)? * w;
    }
    let v = (31 - sum % 31) % 31;
    Some(ALPHABET[v as usize] as char)
}

/// Normalizes (trim, upper-case, full-width to half-width) and checks the shape.
/// A wrong length or character is refused; a wrong check character is reported.
pub fn parse(field: &str, raw: &str) -> Result<(String, Check), Error> {
    let code: String = raw
        .trim()
        .chars()
        .map(|c| match c {
            '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}' => {
                char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
            }
            _ => c,
        })
        .collect::<String>()
        .to_ascii_uppercase();
    if code.chars().count() != 18 {
        return Err(Error::invalid(
            field,
            raw,
            tr("信用代码应为 18 位", "a credit code has 18 characters"),
        ));
    }
    let bytes = code.as_bytes();
    if let Some(bad) = bytes.iter().find(|b| value(**b).is_none()) {
        return Err(Error::invalid(
            field,
            raw,
            &format!("{} '{}'", tr("信用代码不使用字符", "credit codes do not use the character"), *bad as char),
        ));
    }
    if !bytes[2..8].iter().all(u8::is_ascii_digit) {
        return Err(Error::invalid(
            field,
            raw,
            tr("第 3-8 位是行政区划代码（数字）", "positions 3-8 are a division code (digits)"),
        ));
    }
    let expected = check_char(&bytes[..17]).unwrap_or('?');
    let check = if bytes[17] as char == expected {
        Check::Valid
    } else {
        Check::Mismatch { expected }
    };
    Ok((code, check))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_codes() {
        assert_eq!(parse("code", "911101080673385595").unwrap().1, Check::Valid);
        let (c, chk) = parse("code", "91350100M0001TGQXM").unwrap();
        assert_eq!(c, "91350100M0001TGQXM");
        assert!(matches!(chk, Check::Mismatch { .. }));
        assert!(parse("code", "91110108067338559").is_err());
        assert!(parse("code", "9111010806733855I5").is_err());
        // full-width digits and lower case are normalized
        assert_eq!(
            parse("code", " ９11101080673385595").unwrap().1,
            Check::Valid
        );
    }

    fn code_strategy() -> impl Strategy<Value = String> {
        (
            proptest::collection::vec(0usize..31, 2),
            proptest::collection::vec(0u8..10, 6),
            proptest::collection::vec(0usize..31, 9),
        )
            .prop_map(|(a, d, b)| {
                let mut s: Vec<u8> = a.iter().map(|i| ALPHABET[*i]).collect();
                s.extend(d.iter().map(|x| b'0' + x));
                s.extend(b.iter().map(|i| ALPHABET[*i]));
                let c = check_char(&s).unwrap();
                s.push(c as u8);
                String::from_utf8(s).unwrap()
            })
    }

    proptest! {
        #[test]
        fn valid_codes_pass(code in code_strategy()) {
            prop_assert_eq!(parse("code", &code).unwrap().1, Check::Valid);
        }

        #[test]
        fn any_single_change_fails(code in code_strategy(), pos in 0usize..18, alt in 0usize..31) {
            let mut b = code.into_bytes();
            let new = ALPHABET[alt];
            prop_assume!(b[pos] != new);
            prop_assume!(!(2..8).contains(&pos) || new.is_ascii_digit());
            b[pos] = new;
            let s = String::from_utf8(b).unwrap();
            let failed = matches!(parse("code", &s).unwrap().1, Check::Mismatch { .. });
            prop_assert!(failed, "{} passed after a change at {}", s, pos);
        }

        #[test]
        fn arbitrary_text_never_panics(s in ".{0,40}") {
            let _ = parse("code", &s);
        }
    }
}
