#[test]
fn report_of_three() {
    assert!(rooted::report(&[1.0, 1.0, 1.0]).starts_with("3 squares, area 3.0"));
}
