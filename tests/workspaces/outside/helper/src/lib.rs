//! Helper: outside the workspace that uses it.

/// x times the scale its build script chose.
pub fn scale(x: usize) -> usize {
    x * env!("HELPER_SCALE").parse::<usize>().unwrap()
}
