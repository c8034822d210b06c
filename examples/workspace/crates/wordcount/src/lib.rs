//! Count words, most frequent first.

use std::collections::HashMap;

/// (word, count) pairs, by descending count, then alphabetically.
pub fn count(text: &str) -> Vec<(String, usize)> {
    let mut m: HashMap<String, usize> = HashMap::new();
    for w in textkit::words(text) {
        *m.entry(w).or_insert(0) += 1;
    }
    let mut v: Vec<(String, usize)> = m.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    v
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_and_orders() {
        let c = super::count("b a b c b a");
        assert_eq!(c[0], ("b".to_string(), 3));
        assert_eq!(c[1], ("a".to_string(), 2));
        assert_eq!(c[2], ("c".to_string(), 1));
    }
}
