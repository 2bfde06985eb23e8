//! The native side of `scripts/bench-web`: the same segment decode the page benchmark times in
//! Chromium (`pop_codec_web::BenchSegment`: a 4-second segment of 5 Mbit/s video, 2.5 MB, 4 of
//! 6 shards, verified, rebuilt and decrypted), timed natively on this machine. Prints the median
//! milliseconds as `native_ms=…`.

use pop_codec_web::BenchSegment;
use std::time::Instant;

fn main() {
	let size: u32 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(2_500_000);
	let bench = BenchSegment::build(size, 4, 6).expect("encodes");
	bench.run().expect("decodes");
	let mut ms: Vec<f64> = (0..15)
		.map(|_| {
			let t = Instant::now();
			bench.run().expect("decodes");
			t.elapsed().as_secs_f64() * 1e3
		})
		.collect();
	ms.sort_by(|a, b| a.partial_cmp(b).unwrap());
	println!("native_ms={:.2}", ms[ms.len() / 2]);
}
