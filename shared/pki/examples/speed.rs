//! How long the formats take: `cargo run --release -p pki --example speed`.
#![allow(clippy::unwrap_used)]

fn main() {
    let key = pki::key_from_secret(&[7; 32]);
    let at = chrono::DateTime::from_timestamp(1_775_000_000, 0).unwrap();
    let n = 200;
    let t = std::time::Instant::now();
    let mut last = Vec::new();
    for i in 0..n {
        last = pki::signed::sign(&key, &[i as u8; 32], at, &[]).unwrap();
    }
    println!("sign: {:?} each", t.elapsed() / n);
    let t = std::time::Instant::now();
    for _ in 0..n {
        let d = pki::signed::read(&last).unwrap();
        let _ = d.digest.len();
    }
    println!("read: {:?} each", t.elapsed() / n);
    let t = std::time::Instant::now();
    for _ in 0..n {
        let _ = pki::key_from_secret(&[9; 32]);
    }
    println!("key: {:?} each", t.elapsed() / n);
}
