//! The endpoint's token compare, timed (`cargo bench --bench endpoint_token`): a guess
//! wrong in its first byte, wrong in its last byte, and right, against `subtle`'s compare
//! (what the endpoint uses) and against `==` (which may stop at the first difference). It
//! shows what the compare costs a request, and that its time does not follow where a guess
//! goes wrong. A benchmark, not a test: timings are never asserted.

use rolecall::server::constant_time_eq;
use std::hint::black_box;
use std::time::{Duration, Instant};

const TOKEN: &[u8; 64] = b"5f1e0c3a9b7d2e4f6a8c0b1d3e5f7a9c2b4d6e8f0a1c3e5b7d9f1a3c5e7b9d0f";
const ROUNDS: u32 = 2_000_000;

/// Nanoseconds per compare: the fastest of 15 runs of `ROUNDS` compares (on a shared
/// machine the fastest run is the one least disturbed by other work).
fn per_compare(compare: fn(&[u8], &[u8]) -> bool, guess: &[u8]) -> f64 {
    let mut runs: Vec<Duration> = (0..15)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..ROUNDS {
                black_box(compare(black_box(TOKEN), black_box(guess)));
            }
            start.elapsed()
        })
        .collect();
    runs.sort();
    runs[0].as_nanos() as f64 / f64::from(ROUNDS)
}

fn plain_eq(a: &[u8], b: &[u8]) -> bool {
    a == b
}

fn main() {
    let mut first = *TOKEN;
    first[0] ^= 1;
    let mut last = *TOKEN;
    last[63] ^= 1;
    let guesses: [(&str, &[u8]); 3] = [
        ("wrong first byte", &first),
        ("wrong last byte", &last),
        ("right", TOKEN),
    ];
    println!("{:<18} {:>14} {:>10}", "guess", "constant-time", "==");
    for (name, guess) in guesses {
        println!(
            "{name:<18} {:>11.1} ns {:>7.1} ns",
            per_compare(constant_time_eq, guess),
            per_compare(plain_eq, guess)
        );
    }
}
