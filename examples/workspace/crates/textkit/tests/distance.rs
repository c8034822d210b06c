use textkit::edit_distance;

#[test]
fn triangle_inequality_on_many_pairs() {
    let words = ["bench", "bunch", "branch", "tests", "test", "rest", "crest", "", "b"];
    for a in words {
        for b in words {
            for c in words {
                assert!(edit_distance(a, c) <= edit_distance(a, b) + edit_distance(b, c));
            }
        }
    }
}

#[test]
fn long_strings() {
    let a: String = "ab".repeat(400);
    let b: String = "ba".repeat(400);
    assert_eq!(edit_distance(&a, &b), 2);
}
