use mmprof_sample::{compute, word_counts};

fn main() {
    let counts = word_counts("a b a c b a");
    let mut keys: Vec<_> = counts.into_iter().collect();
    keys.sort();
    println!("{:?} {}", keys, compute(100));
}
