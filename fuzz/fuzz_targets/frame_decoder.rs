//! The sync stream from the other side: frames and messages decode or are
//! refused, never a panic; a message that decodes is sent back unchanged.
#![no_main]

use liangxin::sync::proto::{self, Frame};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut r = data;
    while let Ok(Some(frame)) = proto::read_frame(&mut r) {
        if let Frame::Msg(m) = frame {
            let mut out = Vec::new();
            proto::send(&mut out, &m).expect("send a decoded message");
            let back = proto::read_frame(&mut out.as_slice()).expect("read it back");
            assert_eq!(back, Some(Frame::Msg(m)));
        }
    }
    let mut r = data;
    for _ in 0..16 {
        if proto::recv(&mut r).is_err() {
            break;
        }
    }
});
