//! The root package: a small report over the members' work.

/// Area of the shapes, counted by the tally.
pub fn report(sides: &[f64]) -> String {
    let area: f64 = sides.iter().map(|&s| shapes::square(s)).sum();
    let words = tally::count_words("an area of squares");
    format!("{} squares, area {:.1}, {} words, scale {}", sides.len(), area,
        words, helper::scale(1))
}

#[cfg(test)]
mod tests {
    #[test]
    fn reports() {
        assert_eq!(super::report(&[1.0, 2.0]), "2 squares, area 5.0, 4 words, scale 3");
    }
}
