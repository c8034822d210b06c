fn main() {
    let sides: Vec<f64> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    println!("{}", rooted::report(&sides));
}

#[cfg(test)]
mod tests {
    #[test]
    fn runs() {
        assert!(rooted::report(&[]).starts_with("0 squares"));
    }
}
