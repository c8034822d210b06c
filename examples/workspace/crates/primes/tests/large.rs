use primes::is_prime;

#[test]
fn known_large_primes() {
    assert!(is_prime(1_000_000_007));
    assert!(is_prime(18_446_744_073_709_551_557)); // largest prime below 2^64
    assert!(!is_prime(18_446_744_073_709_551_615));
}

#[test]
fn carmichael_numbers_are_composite() {
    for n in [561u64, 1105, 1729, 2465, 2821, 6601, 8911, 41041, 825265] {
        assert!(!is_prime(n), "{n}");
    }
}
