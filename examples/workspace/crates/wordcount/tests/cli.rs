use std::io::Write;
use std::process::{Command, Stdio};

#[test]
fn prints_the_top_words() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wordcount"))
        .arg("2")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn wordcount");
    child.stdin.take().unwrap().write_all(b"the cat and the hat and the bat").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "      3 the\n      2 and\n");
}
