//! Whether the shards of a segment are one Reed-Solomon codeword, checked one chunk at a time:
//! the proof that an upload is inconsistent, small enough for the chain to check.
//!
//! `pop-codec` erasure-codes with `reed-solomon-simd`, which works position by position: the
//! bytes at one offset of the `n` shards form a codeword of their own. So the [`CHUNK_LEN`]
//! chunks at one index of every shard, each proven against the manifest's shard hash
//! ([`crate::content::verify_chunk`]), are enough to show that the `n` hashes a creator put in
//! its manifest fix no single codeword: the first `k` chunks encode to recovery chunks other
//! than the ones the manifest's hashes commit to. A few KiB prove it, instead of `n` whole
//! shards.

extern crate alloc;

use crate::content::{chunk_count, chunk_data, CHUNK_LEN};
use alloc::vec::Vec;

/// Whether `chunks` (one chunk at one index of each of a segment's `n` shards, in shard order)
/// are a codeword: the recovery chunks (`k..n`) are what the first `k` encode to. `None` when
/// they cannot be checked: `k` is 0 or not below `n` with chunks, chunk lengths differ, or a
/// length is odd or zero (no shard `pop-codec` makes has such chunks).
pub fn chunks_are_codeword(k: usize, chunks: &[&[u8]]) -> Option<bool> {
	let n = chunks.len();
	let len = chunks.first()?.len();
	if k == 0 || k > n || len == 0 || len % 2 != 0 || chunks.iter().any(|c| c.len() != len) {
		return None;
	}
	if k == n {
		return Some(true);
	}
	let recovery = reed_solomon_simd::encode(k, n - k, &chunks[..k]).ok()?;
	Some(recovery.iter().zip(&chunks[k..]).all(|(made, given)| made.as_slice() == *given))
}

/// The index of the first chunk at which `shards` (a segment's `n` shards, in shard order, all
/// the same length) are not a codeword; `None` if they are one everywhere.
pub fn first_inconsistent_chunk(k: usize, shards: &[&[u8]]) -> Option<u32> {
	let len = shards.first()?.len();
	(0..chunk_count(len as u32)).find(|&chunk| {
		let chunks: Option<Vec<&[u8]>> = shards.iter().map(|s| chunk_data(s, chunk)).collect();
		chunks.is_some_and(|c| chunks_are_codeword(k, c.as_slice()) == Some(false))
	})
}

// Keeps the chunk size this proof depends on in view.
const _: () =
	assert!(CHUNK_LEN.is_multiple_of(64), "chunks must cover whole reed-solomon-simd blocks");

#[cfg(test)]
mod tests {
	use super::*;

	fn shards(k: usize, n: usize, len: usize, seed: u8) -> Vec<Vec<u8>> {
		// A linear congruential sequence: two seeds give unrelated shards (shards that differ
		// by one constant in every byte can share their recovery shards).
		let mut x = u32::from(seed).wrapping_mul(2_654_435_761).wrapping_add(1);
		let originals: Vec<Vec<u8>> = (0..k)
			.map(|_| {
				(0..len)
					.map(|_| {
						x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
						(x >> 16) as u8
					})
					.collect()
			})
			.collect();
		let recovery = reed_solomon_simd::encode(k, n - k, &originals).unwrap();
		originals.into_iter().chain(recovery).collect()
	}

	fn refs(s: &[Vec<u8>]) -> Vec<&[u8]> {
		s.iter().map(Vec::as_slice).collect()
	}

	/// Honest shards are a codeword at every chunk, whole chunks and a short last one alike,
	/// for lengths that end inside a 64-byte block.
	#[test]
	fn every_chunk_of_an_honest_segment_is_a_codeword() {
		for (k, n, len) in
			[(2, 4, 3_000), (4, 6, 40_000), (1, 3, 1_024), (8, 32, 2_050), (3, 5, 10)]
		{
			let s = shards(k, n, len, 1);
			for chunk in 0..chunk_count(len as u32) {
				let c: Vec<&[u8]> = s.iter().map(|x| chunk_data(x, chunk).unwrap()).collect();
				assert_eq!(
					chunks_are_codeword(k, &c),
					Some(true),
					"k {k} n {n} len {len} chunk {chunk}"
				);
			}
			assert_eq!(first_inconsistent_chunk(k, &refs(&s)), None);
		}
	}

	/// The data shards of one segment with the recovery shards of another (the two-faced
	/// upload): found at the first chunk where they differ, and a flipped byte deep in one
	/// shard is found at its own chunk.
	#[test]
	fn an_inconsistent_segment_is_found_at_its_chunk() {
		let (k, n, len) = (4, 6, 40_000);
		let a = shards(k, n, len, 1);
		let b = shards(k, n, len, 2);
		let mut mixed = a[..k].to_vec();
		mixed.extend_from_slice(&b[k..]);
		assert_eq!(first_inconsistent_chunk(k, &refs(&mixed)), Some(0));
		for (shard, at) in [(5usize, 33_000usize), (1, 39_999), (0, 1_024)] {
			let mut one = a.clone();
			one[shard][at] ^= 1;
			assert_eq!(first_inconsistent_chunk(k, &refs(&one)), Some((at / 1_024) as u32));
		}
	}

	#[test]
	fn chunks_that_cannot_be_checked_are_no_proof() {
		let s = shards(2, 4, 100, 1);
		let c = refs(&s);
		assert_eq!(chunks_are_codeword(0, &c), None);
		assert_eq!(chunks_are_codeword(5, &c), None);
		assert_eq!(
			chunks_are_codeword(2, &[&c[0][..10], &c[1][..10], &c[2][..10], &c[3][..8]]),
			None
		);
		assert_eq!(chunks_are_codeword(2, &[&c[0][..9], &c[1][..9], &c[2][..9], &c[3][..9]]), None);
		assert_eq!(chunks_are_codeword(2, &[]), None);
		assert_eq!(chunks_are_codeword(4, &c), Some(true));
	}
}
