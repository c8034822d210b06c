//! Shapes: a member that depends on another member (tally).

/// The area of a square of side s.
pub fn square(s: f64) -> f64 {
    s * s
}

/// How many shapes a description names.
pub fn named(description: &str) -> usize {
    tally::count_words(description)
}

#[cfg(test)]
mod tests {
    #[test]
    fn areas() {
        assert_eq!(super::square(3.0), 9.0);
        assert_eq!(super::named("square circle"), 2);
    }
}
