use mmprof_sample::{add3, word_counts};

#[test]
fn adds() {
    assert_eq!(add3(1), 4);
}

#[test]
fn counts() {
    assert_eq!(word_counts("x X y")["x"], 2);
}
