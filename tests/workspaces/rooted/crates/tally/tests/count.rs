#[test]
fn empty_text_has_no_words() {
    assert_eq!(tally::count_words(""), 0);
}
