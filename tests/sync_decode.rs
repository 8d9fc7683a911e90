//! Parsers of outside bytes never panic: sync frames and bundle files.

use liangxin::sync::{bundle, proto};
use proptest::prelude::*;

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic_the_frame_decoder(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let mut r = bytes.as_slice();
        for _ in 0..8 {
            match proto::read_frame(&mut r) {
                Ok(Some(_)) => {}
                Ok(None) | Err(_) => break,
            }
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic_the_bundle_decoder(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        prop_assert!(bundle::decode(&bytes).is_err());
    }

    #[test]
    fn a_valid_header_with_junk_after_it_is_refused(junk in proptest::collection::vec(any::<u8>(), 0..256), len in any::<u64>()) {
        let mut b = b"LIANGXIN-BUNDLE\0".to_vec();
        b.extend_from_slice(&1u32.to_be_bytes());
        b.extend_from_slice(&len.to_be_bytes());
        b.extend_from_slice(&junk);
        prop_assert!(bundle::decode(&b).is_err());
    }

    #[test]
    fn a_frame_with_a_plausible_length_and_junk_never_panics(junk in proptest::collection::vec(any::<u8>(), 0..256), kind in 0u8..4) {
        let mut b = ((junk.len() + 1) as u32).to_be_bytes().to_vec();
        b.push(kind);
        b.extend_from_slice(&junk);
        let _ = proto::read_frame(&mut b.as_slice());
    }
}
