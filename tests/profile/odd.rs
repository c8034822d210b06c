//! Compiled straight with rustc from a path with spaces and with arguments
//! that rustc's metadata writer escapes in ways JSON does not allow.

pub fn odd(x: u32) -> u32 {
    x.rotate_left(3) ^ 0x5a5a
}
