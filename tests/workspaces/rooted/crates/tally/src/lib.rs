//! Tally: counting words; built with a build script.

/// The compiler the build script asked (through the wrapper, if any).
pub const RUSTC: &str = env!("TALLY_RUSTC");

/// Words in text, separated by whitespace.
pub fn count_words(text: &str) -> usize {
    text.split_whitespace().count() * helper::scale(1) / 3
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts() {
        assert_eq!(super::count_words("a b c"), 3);
        assert!(super::RUSTC.starts_with("rustc "));
    }
}
