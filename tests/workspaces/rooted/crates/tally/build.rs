// A build script that asks rustc through the wrappers cargo names, as
// autocfg and version_check do; the crate embeds the answer.
use std::process::Command;

fn main() {
    let rustc = std::env::var("RUSTC").expect("RUSTC");
    let mut cmd = match std::env::var("RUSTC_WORKSPACE_WRAPPER") {
        Ok(w) if !w.is_empty() => {
            let mut c = Command::new(w);
            c.arg(&rustc);
            c
        }
        _ => Command::new(&rustc),
    };
    let out = cmd.arg("--version").output().expect("rustc --version");
    let version = String::from_utf8(out.stdout).expect("UTF-8");
    assert!(out.status.success() && version.starts_with("rustc "), "{:?}", version);
    println!("cargo:rustc-env=TALLY_RUSTC={}", version.trim());
    println!("cargo:rerun-if-changed=build.rs");
}
