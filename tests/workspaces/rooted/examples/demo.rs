fn main() {
    println!("{}", rooted::report(&[3.0, 4.0]));
}
