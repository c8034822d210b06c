//! Does not compile: a profile of a failed compilation.

pub fn broken() -> u32 {
    let x: u32 = "not a number";
    x
}
