// A bench target without libtest's harness (no #![feature(test)]).
fn main() {
    let t = std::time::Instant::now();
    let mut n = 0;
    for i in 0..1000 {
        n += rooted::report(&[i as f64]).len();
    }
    println!("{} bytes in {:?}", n, t.elapsed());
}
