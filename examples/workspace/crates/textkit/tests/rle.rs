use textkit::{rle_decode, rle_encode};

#[test]
fn round_trips_many_inputs() {
    let mut seed: u64 = 7;
    for len in 0..2_000usize {
        let data: Vec<u8> = (0..len)
            .map(|_| {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
                ((seed >> 60) % 3) as u8
            })
            .collect();
        assert_eq!(rle_decode(&rle_encode(&data)), data);
    }
}

#[test]
fn long_runs_stay_compact() {
    let data = vec![9u8; 100_000];
    assert_eq!(rle_encode(&data), vec![(100_000, 9)]);
}
