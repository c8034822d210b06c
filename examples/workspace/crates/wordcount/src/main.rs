//! wordcount: print the most frequent words of standard input.

use std::io::Read;

fn main() {
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text).expect("reading stdin");
    let top: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(10);
    for (w, n) in wordcount::count(&text).into_iter().take(top) {
        println!("{n:7} {w}");
    }
}
