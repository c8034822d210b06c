//! Text utilities: word splitting, edit distance, a tiny run-length codec.

/// Split text into lower-case words of letters and digits.
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
        .collect()
}

/// Levenshtein distance between two strings, by characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = if a[i - 1] == b[j - 1] { 0 } else { 1 };
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Run-length encode bytes as (count, byte) pairs.
pub fn rle_encode(data: &[u8]) -> Vec<(u32, u8)> {
    let mut out: Vec<(u32, u8)> = Vec::new();
    for &b in data {
        match out.last_mut() {
            Some((n, last)) if *last == b && *n < u32::MAX => *n += 1,
            _ => out.push((1, b)),
        }
    }
    out
}

/// Decode what `rle_encode` produced.
pub fn rle_decode(runs: &[(u32, u8)]) -> Vec<u8> {
    runs.iter().flat_map(|&(n, b)| std::iter::repeat(b).take(n as usize)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_words() {
        assert_eq!(words("Hello, world! 42 times"), ["hello", "world", "42", "times"]);
    }

    #[test]
    fn distance_examples() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("flaw", "flaw"), 0);
    }
}
