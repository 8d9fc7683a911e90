//! A sync bundle file from outside: decoding refuses damage, never panics.
//! Half the inputs are wrapped in a valid envelope (magic, format, length,
//! SHA-256) so that the body decoder behind the checksum is reached too.
#![no_main]

use liangxin::sync::bundle;
use libfuzzer_sys::fuzz_target;
use sha2::{Digest, Sha256};

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        let _ = bundle::decode(data);
        return;
    };
    let bytes = if mode & 1 == 0 {
        rest.to_vec()
    } else {
        let mut b = b"LIANGXIN-BUNDLE\0".to_vec();
        b.extend_from_slice(&1u32.to_be_bytes());
        b.extend_from_slice(&(rest.len() as u64).to_be_bytes());
        b.extend_from_slice(rest);
        let sum = Sha256::digest(&b);
        b.extend_from_slice(&sum);
        b
    };
    if let Ok(decoded) = bundle::decode(&bytes) {
        // Whatever decodes encodes back to the same bundle.
        let again = bundle::encode(&decoded).expect("encode a decoded bundle");
        assert_eq!(bundle::decode(&again).expect("decode again"), decoded);
    }
});
