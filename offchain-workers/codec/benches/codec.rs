//! Codec throughput against its primitives, on the same bytes, in the same run.
//!
//! 64 MiB of media in 1 MiB segments, k = 4 of n = 6 (256 KiB shards). Encode: the codec
//! (encrypt + erasure-code + hash every shard) versus ChaCha20-Poly1305 alone and Reed-Solomon
//! encoding alone. Decode, from shards 2..6 (two originals missing, so recovery runs): the codec
//! (hash check + rebuild + decrypt) versus decryption alone and Reed-Solomon decoding alone.
//! Prints GB/s and the codec's ratio to the slower primitive (goal ≥ 0.7), twice: the codec on
//! one core, and the codec as the CLI runs it, segments on every core (`encode`; the fetch
//! decodes the segments of its window concurrently). The primitives always run on one core.
//! On one core the ratio cannot reach 0.7: the codec does the AEAD's work, the erasure code's,
//! and BLAKE3 over n/k times the bytes.
//!
//! Run: `cargo bench -p pop-codec` (or `scripts/bench-codec`).

use chacha20poly1305::{
	aead::{Aead, KeyInit, Payload},
	ChaCha20Poly1305, Nonce,
};
use pop_codec::{decode_segment, encode, encode_segment, ContentKey, Params};
use std::time::Instant;

const MEDIA: usize = 64 << 20;
const SEGMENT: usize = 1 << 20;
const K: usize = 4;
const N: usize = 6;
const ROUNDS: usize = 3;

/// Best of `ROUNDS` runs of `f`, in GB/s of `bytes`.
fn gbps(bytes: usize, mut f: impl FnMut()) -> f64 {
	let best = (0..ROUNDS)
		.map(|_| {
			let t = Instant::now();
			f();
			t.elapsed().as_secs_f64()
		})
		.fold(f64::INFINITY, f64::min);
	bytes as f64 / best / 1e9
}

fn main() {
	let media: Vec<u8> = (0..MEDIA).map(|i| (i as u32).wrapping_mul(2_654_435_761) as u8).collect();
	let key = ContentKey([3; 32]);
	let params = Params {
		segment_size: SEGMENT as u32,
		k: K as u8,
		n: N as u8,
		media_type: "video/mp4".into(),
		metadata_hash: [0; 32],
	};
	let segments = (MEDIA / SEGMENT) as u32;
	let cipher = ChaCha20Poly1305::new((&key.0).into());
	let nonce = Nonce::from_slice(&[0; 12]);

	let aead_enc = gbps(MEDIA, || {
		for seg in media.chunks(SEGMENT) {
			std::hint::black_box(cipher.encrypt(nonce, Payload { msg: seg, aad: &[] }).unwrap());
		}
	});
	let shard = SEGMENT / K;
	let rs_enc = gbps(MEDIA, || {
		for seg in media.chunks(SEGMENT) {
			let originals: Vec<&[u8]> = seg.chunks(shard).collect();
			std::hint::black_box(reed_solomon_simd::encode(K, N - K, &originals).unwrap());
		}
	});
	let codec_enc = gbps(MEDIA, || {
		for (i, seg) in media.chunks(SEGMENT).enumerate() {
			let s = encode_segment(&key, i as u32, segments, seg, K as u8, N as u8).unwrap();
			for sh in &s.shards {
				std::hint::black_box(blake3::hash(sh));
			}
		}
	});

	let codec_enc_all = gbps(MEDIA, || {
		std::hint::black_box(encode(&key, &params, &media).unwrap());
	});

	let (manifest, encoded) = encode(&key, &params, &media).unwrap();
	let sealed: Vec<Vec<u8>> = media
		.chunks(SEGMENT)
		.map(|seg| cipher.encrypt(nonce, Payload { msg: seg, aad: &[] }).unwrap())
		.collect();
	let aead_dec = gbps(MEDIA, || {
		for s in &sealed {
			std::hint::black_box(cipher.decrypt(nonce, Payload { msg: s, aad: &[] }).unwrap());
		}
	});
	let rs_dec = gbps(MEDIA, || {
		for seg in &encoded {
			let originals = (2..K).map(|i| (i, &seg.shards[i]));
			let recovery = (K..N).map(|i| (i - K, &seg.shards[i]));
			std::hint::black_box(reed_solomon_simd::decode(K, N - K, originals, recovery).unwrap());
		}
	});
	let codec_dec = gbps(MEDIA, || {
		for (i, seg) in encoded.iter().enumerate() {
			let shards: Vec<(u8, &[u8])> =
				(2..N).map(|j| (j as u8, seg.shards[j].as_slice())).collect();
			std::hint::black_box(decode_segment(&key, &manifest, i as u32, &shards).unwrap());
		}
	});

	let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
	let codec_dec_all = gbps(MEDIA, || {
		std::thread::scope(|scope| {
			for t in 0..threads {
				let (encoded, manifest, key) = (&encoded, &manifest, &key);
				scope.spawn(move || {
					for i in (t..encoded.len()).step_by(threads) {
						let shards: Vec<(u8, &[u8])> =
							(2..N).map(|j| (j as u8, encoded[i].shards[j].as_slice())).collect();
						std::hint::black_box(
							decode_segment(key, manifest, i as u32, &shards).unwrap(),
						);
					}
				});
			}
		});
	});

	println!(
		"pop-codec, {} MiB, {} KiB segments, k = {K}, n = {N}; primitives on one core",
		MEDIA >> 20,
		SEGMENT >> 10
	);
	let slower_enc = aead_enc.min(rs_enc);
	let slower_dec = aead_dec.min(rs_dec);
	println!("encode: ChaCha20-Poly1305 {aead_enc:.2} GB/s | Reed-Solomon {rs_enc:.2} GB/s");
	println!(
		"        codec, one core {codec_enc:.2} GB/s = {:.2} of the slower primitive",
		codec_enc / slower_enc
	);
	println!(
		"        codec, {threads} cores {codec_enc_all:.2} GB/s = {:.2} of the slower primitive (goal ≥ 0.7)",
		codec_enc_all / slower_enc
	);
	println!("decode: ChaCha20-Poly1305 {aead_dec:.2} GB/s | Reed-Solomon {rs_dec:.2} GB/s");
	println!(
		"        codec, one core {codec_dec:.2} GB/s = {:.2} of the slower primitive",
		codec_dec / slower_dec
	);
	println!(
		"        codec, {threads} cores {codec_dec_all:.2} GB/s = {:.2} of the slower primitive (goal ≥ 0.7)",
		codec_dec_all / slower_dec
	);
}
