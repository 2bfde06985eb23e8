//! Content as the chain sees it: the manifest a creator registers (its BLAKE3 hash is the
//! content id), the verdict statement superdelegates sign, the quorum of a moderation set, and
//! the chunk proofs a masternode answers audits with.
//!
//! The creator's client (`pop upload`), the sidecars and the runtime all build and check these
//! with the same code, so a manifest hashes to the same id everywhere.

extern crate alloc;

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_core::ConstU32;
use sp_runtime::BoundedVec;

/// A content id: the BLAKE3 hash of the SCALE-encoded [`Manifest`].
pub type ContentId = [u8; 32];
/// A shard's BLAKE3 hash: its address in the swarm and the root its audit proofs end at.
pub type ShardHash = [u8; 32];
/// The hash of the moderation model (and preprocessing) a verdict was reached with.
pub type ModelHash = [u8; 32];

/// The manifest format this chain accepts.
pub const MANIFEST_VERSION: u8 = 1;
/// Most segments in one piece of content (4 MiB segments: 4 GiB).
pub const MAX_SEGMENTS: u32 = 1024;
/// Most shards per segment (`n`).
pub const MAX_SHARDS: u32 = 32;
/// Most shards in one piece of content (segments × `n`): what registration and removal write.
pub const MAX_TOTAL_SHARDS: u32 = 8192;
/// Largest shard, in bytes.
pub const MAX_SHARD_LEN: u32 = 16 * 1024 * 1024;
/// Longest media type (`video/mp4`, …).
pub const MAX_MEDIA_TYPE_LEN: u32 = 64;
/// An audit asks for one BLAKE3 chunk of a shard: this many bytes (the last may be shorter).
pub const CHUNK_LEN: u32 = 1024;
/// Most sibling hashes in a chunk proof (a tree over `MAX_SHARD_LEN` is 14 levels deep).
pub const MAX_PROOF_LEN: u32 = 32;

/// Bound of [`Manifest::segments`].
pub type MaxSegments = ConstU32<MAX_SEGMENTS>;
/// Bound of [`SegmentManifest::shards`].
pub type MaxShards = ConstU32<MAX_SHARDS>;
/// Bound of [`Manifest::media_type`].
pub type MaxMediaTypeLen = ConstU32<MAX_MEDIA_TYPE_LEN>;
/// Bound of an audit answer's data.
pub type MaxChunkLen = ConstU32<CHUNK_LEN>;
/// Bound of an audit answer's proof.
pub type MaxProofLen = ConstU32<MAX_PROOF_LEN>;

/// One segment: its `n` shards, each `shard_len` bytes, by hash (shard `i` is the `i`-th).
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct SegmentManifest {
	/// The length of every shard of this segment.
	pub shard_len: u32,
	/// The BLAKE3 hash of each shard, in shard order.
	pub shards: BoundedVec<ShardHash, MaxShards>,
}

/// What a creator registers: how the media was cut, coded and addressed. The media key is not
/// in it.
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct Manifest {
	/// [`MANIFEST_VERSION`].
	pub version: u8,
	/// The media type of the plaintext (`video/mp4`, `image/jpeg`, …).
	pub media_type: BoundedVec<u8, MaxMediaTypeLen>,
	/// The hash of the creator's metadata (title, description, …), kept off chain.
	pub metadata_hash: [u8; 32],
	/// The plaintext size in bytes.
	pub total_size: u64,
	/// The plaintext size of every segment but the last.
	pub segment_size: u32,
	/// Any `k` shards of a segment rebuild it.
	pub k: u8,
	/// Shards per segment.
	pub n: u8,
	/// The segments, in playback order.
	pub segments: BoundedVec<SegmentManifest, MaxSegments>,
}

/// Why a manifest is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ManifestError {
	/// The version is not [`MANIFEST_VERSION`].
	UnknownVersion,
	/// The media type is empty or not printable ASCII.
	BadMediaType,
	/// `k` must be at least 2, so that no single shard is the segment.
	KTooSmall,
	/// `k` is larger than `n`.
	KGreaterThanN,
	/// `n` is larger than [`MAX_SHARDS`].
	TooManyShards,
	/// The content is empty, or the segment size is zero.
	Empty,
	/// The segment count does not match the total size and the segment size.
	SegmentCountMismatch,
	/// A segment does not list exactly `n` shards.
	ShardCountMismatch,
	/// A shard length is zero or above [`MAX_SHARD_LEN`].
	BadShardLength,
	/// Segments × `n` is above [`MAX_TOTAL_SHARDS`].
	TooManyShardsInTotal,
	/// A segment's shard length is not what its plaintext size encodes to
	/// ([`shard_len_for`]): masternodes would store, and the deposit price, other bytes than the
	/// content has.
	ShardLengthMismatch,
}

/// The bytes a segment's seal adds to its plaintext (the ChaCha20-Poly1305 tag).
pub const SEAL_TAG_LEN: u64 = 16;

/// The shard length of a segment of `plain` plaintext bytes split into `k` data shards: the
/// sealed bytes over `k`, rounded up to even (the erasure code works on 16-bit symbols). The
/// codec encodes with it and the chain checks every manifest against it.
pub fn shard_len_for(plain: u64, k: u8) -> u64 {
	(plain + SEAL_TAG_LEN).div_ceil(u64::from(k.max(1))).next_multiple_of(2)
}

impl Manifest {
	/// The bytes masternodes store for this content: every shard of every segment.
	pub fn stored_bytes(&self) -> u64 {
		self.segments.iter().map(|s| u64::from(s.shard_len) * u64::from(self.n)).sum()
	}

	/// The content id: BLAKE3 of the SCALE encoding.
	pub fn content_id(&self) -> ContentId {
		*blake3::hash(&self.encode()).as_bytes()
	}

	/// Checks that the manifest is consistent.
	pub fn check(&self) -> Result<(), ManifestError> {
		if self.version != MANIFEST_VERSION {
			return Err(ManifestError::UnknownVersion);
		}
		if self.media_type.is_empty() || !self.media_type.iter().all(|c| c.is_ascii_graphic()) {
			return Err(ManifestError::BadMediaType);
		}
		if self.k < 2 {
			return Err(ManifestError::KTooSmall);
		}
		if self.k > self.n {
			return Err(ManifestError::KGreaterThanN);
		}
		if u32::from(self.n) > MAX_SHARDS {
			return Err(ManifestError::TooManyShards);
		}
		if self.total_size == 0 || self.segment_size == 0 {
			return Err(ManifestError::Empty);
		}
		if self.total_size.div_ceil(u64::from(self.segment_size)) != self.segments.len() as u64 {
			return Err(ManifestError::SegmentCountMismatch);
		}
		if self.segments.len() as u64 * u64::from(self.n) > u64::from(MAX_TOTAL_SHARDS) {
			return Err(ManifestError::TooManyShardsInTotal);
		}
		let last = self.segments.len().saturating_sub(1);
		for (i, s) in self.segments.iter().enumerate() {
			if s.shards.len() != usize::from(self.n) {
				return Err(ManifestError::ShardCountMismatch);
			}
			if s.shard_len == 0 || s.shard_len > MAX_SHARD_LEN {
				return Err(ManifestError::BadShardLength);
			}
			let plain = if i == last {
				self.total_size - u64::from(self.segment_size) * last as u64
			} else {
				u64::from(self.segment_size)
			};
			if u64::from(s.shard_len) != shard_len_for(plain, self.k) {
				return Err(ManifestError::ShardLengthMismatch);
			}
		}
		Ok(())
	}
}

/// A moderation verdict.
#[derive(
	Clone,
	Copy,
	Debug,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub enum Verdict {
	/// Publish it.
	Approve,
	/// Do not publish it.
	Reject,
	/// Scores fell in the band around a threshold: people must look at it.
	NeedsReview,
}

/// What each superdelegate signs: this verdict on this content, reached with this model, in
/// this era, on this chain (the genesis hash is in the signed bytes, [`VerdictStatement::signing_payload`]).
/// Signatures of one era do not count in another, nor on another chain.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct VerdictStatement {
	/// The content judged.
	pub content: ContentId,
	/// The verdict.
	pub verdict: Verdict,
	/// The model and preprocessing the scores came from.
	pub model_hash: ModelHash,
	/// The era of the moderation set that signs.
	pub era: u32,
}

/// A content key sealed to one member of the moderation set (made and opened by
/// `pop_codec::seal`): only that member's ed25519 moderation secret opens it, for that content
/// and the era it was sealed in. The chain stores these and never sees a key.
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct SealedKey {
	/// The member's ed25519 moderation key.
	pub member: [u8; 32],
	/// The ephemeral X25519 public point.
	pub ephemeral: [u8; 32],
	/// The content key, encrypted and authenticated (32 + 16 bytes).
	pub ciphertext: [u8; 48],
}

/// Domain tag of signed verdict statements (v2: with the chain's genesis hash).
pub const VERDICT_CONTEXT: &[u8] = b"pop-network/verdict/v2";

impl VerdictStatement {
	/// The bytes an ed25519 moderation key signs on the chain whose genesis hash is `genesis`.
	pub fn signing_payload(&self, genesis: &[u8; 32]) -> Vec<u8> {
		(VERDICT_CONTEXT, genesis, self).encode()
	}
}

/// The signatures a certificate needs from a moderation set of `set_size`: `N - f` with
/// `f = ⌊(N - 1) / 3⌋` faulty members tolerated. That is `2f + 1` when `N = 3f + 1`, and for
/// other sizes it is what makes any two quorums share an honest member.
pub fn quorum(set_size: u32) -> u32 {
	set_size - set_size.saturating_sub(1) / 3
}

/// A shard's address: its BLAKE3 hash.
pub fn shard_hash(shard: &[u8]) -> ShardHash {
	*blake3::hash(shard).as_bytes()
}

/// How many [`CHUNK_LEN`] chunks a shard of `len` bytes has (an empty shard has one).
pub fn chunk_count(len: u32) -> u32 {
	len.div_ceil(CHUNK_LEN).max(1)
}

fn subtree_cv(data: &[u8], offset: u64) -> blake3::hazmat::ChainingValue {
	use blake3::hazmat::HasherExt;
	let mut hasher = blake3::Hasher::new();
	hasher.set_input_offset(offset);
	hasher.update(data);
	hasher.finalize_non_root()
}

/// The proof that chunk `chunk` belongs to `shard`: the chaining values of the sibling subtrees
/// on the path from the root of its BLAKE3 tree to the chunk, root first. `None` if the shard
/// has no such chunk.
pub fn chunk_proof(shard: &[u8], chunk: u32) -> Option<Vec<[u8; 32]>> {
	if chunk >= chunk_count(shard.len() as u32) {
		return None;
	}
	let target = u64::from(chunk) * u64::from(CHUNK_LEN);
	let (mut offset, mut len) = (0u64, shard.len() as u64);
	let mut proof = Vec::new();
	while len > u64::from(CHUNK_LEN) {
		let left = blake3::hazmat::left_subtree_len(len);
		let at = |o: u64, l: u64| &shard[o as usize..(o + l) as usize];
		if target < offset + left {
			proof.push(subtree_cv(at(offset + left, len - left), offset + left));
			len = left;
		} else {
			proof.push(subtree_cv(at(offset, left), offset));
			offset += left;
			len -= left;
		}
	}
	Some(proof)
}

/// The bytes of chunk `chunk` of `shard`.
pub fn chunk_data(shard: &[u8], chunk: u32) -> Option<&[u8]> {
	let start = (chunk as usize).checked_mul(CHUNK_LEN as usize)?;
	if chunk >= chunk_count(shard.len() as u32) {
		return None;
	}
	Some(&shard[start..shard.len().min(start + CHUNK_LEN as usize)])
}

/// Checks that `data` is chunk `chunk` of the `shard_len`-byte shard whose BLAKE3 hash is `root`,
/// with `proof` from [`chunk_proof`]. `shard_len` must be the true length (the manifest's): it
/// fixes the tree's shape.
pub fn verify_chunk(
	root: &ShardHash,
	shard_len: u32,
	chunk: u32,
	data: &[u8],
	proof: &[[u8; 32]],
) -> bool {
	use blake3::hazmat::{merge_subtrees_non_root, merge_subtrees_root, Mode};
	if chunk >= chunk_count(shard_len) {
		return false;
	}
	let target = u64::from(chunk) * u64::from(CHUNK_LEN);
	let expected = (u64::from(shard_len) - target).min(u64::from(CHUNK_LEN));
	if data.len() as u64 != expected {
		return false;
	}
	if shard_len <= CHUNK_LEN {
		return proof.is_empty() && blake3::hash(data).as_bytes() == root;
	}
	// Walk down to the chunk, remembering each level's sibling and side.
	let (mut offset, mut len) = (0u64, u64::from(shard_len));
	let mut path: Vec<(bool, [u8; 32])> = Vec::new();
	let mut siblings = proof.iter();
	while len > u64::from(CHUNK_LEN) {
		let Some(sibling) = siblings.next() else { return false };
		let left = blake3::hazmat::left_subtree_len(len);
		if target < offset + left {
			path.push((true, *sibling));
			len = left;
		} else {
			path.push((false, *sibling));
			offset += left;
			len -= left;
		}
	}
	if siblings.next().is_some() {
		return false;
	}
	// Then hash back up: the last merge (the first level) is the root.
	let mut cv = subtree_cv(data, offset);
	let (top, below) = path.split_first().expect("a shard above one chunk has a level");
	for (we_are_left, sibling) in below.iter().rev() {
		cv = if *we_are_left {
			merge_subtrees_non_root(&cv, sibling, Mode::Hash)
		} else {
			merge_subtrees_non_root(sibling, &cv, Mode::Hash)
		};
	}
	let root_hash = if top.0 {
		merge_subtrees_root(&cv, &top.1, Mode::Hash)
	} else {
		merge_subtrees_root(&top.1, &cv, Mode::Hash)
	};
	root_hash.as_bytes() == root
}

#[cfg(test)]
mod tests {
	use super::*;

	fn shard(len: usize) -> Vec<u8> {
		(0..len).map(|i| (i * 31 % 251) as u8).collect()
	}

	#[test]
	fn every_chunk_of_every_shape_proves_and_nothing_else_does() {
		for len in [0, 1, 1023, 1024, 1025, 2048, 3000, 4096, 5121, 65_536, 100_001] {
			let data = shard(len);
			let root = *blake3::hash(&data).as_bytes();
			let chunks = chunk_count(len as u32);
			for c in 0..chunks {
				let proof = chunk_proof(&data, c).unwrap();
				let bytes = chunk_data(&data, c).unwrap();
				assert!(verify_chunk(&root, len as u32, c, bytes, &proof), "len {len} chunk {c}");
				// A flipped byte, a wrong chunk index, a wrong length or a truncated proof fail.
				if !bytes.is_empty() {
					let mut bad = bytes.to_vec();
					bad[0] ^= 1;
					assert!(!verify_chunk(&root, len as u32, c, &bad, &proof));
				}
				if chunks > 1 {
					let other = (c + 1) % chunks;
					assert!(!verify_chunk(&root, len as u32, other, bytes, &proof));
					assert!(!verify_chunk(&root, len as u32, c, bytes, &proof[1..]));
				}
			}
			assert!(chunk_proof(&data, chunks).is_none());
			assert!(!verify_chunk(&root, len as u32, chunks, &[], &[]));
		}
	}

	fn manifest() -> Manifest {
		// 1,000 + 1,000 + 500 bytes, sealed and split in 4: shards of 254, 254 and 130 bytes.
		let seg = |shard_len| SegmentManifest {
			shard_len,
			shards: BoundedVec::truncate_from(alloc::vec![[1; 32]; 6]),
		};
		Manifest {
			version: MANIFEST_VERSION,
			media_type: BoundedVec::truncate_from(b"video/mp4".to_vec()),
			metadata_hash: [7; 32],
			total_size: 2500,
			segment_size: 1000,
			k: 4,
			n: 6,
			segments: BoundedVec::truncate_from(alloc::vec![seg(254), seg(254), seg(130)]),
		}
	}

	#[test]
	fn manifests_are_checked() {
		assert_eq!(manifest().check(), Ok(()));
		assert_eq!(shard_len_for(1_000, 4), 254);
		let mut m = manifest();
		m.segments[2].shard_len = 254;
		assert_eq!(m.check(), Err(ManifestError::ShardLengthMismatch));
		let mut m = manifest();
		m.segments[0].shard_len = MAX_SHARD_LEN;
		assert_eq!(m.check(), Err(ManifestError::ShardLengthMismatch));
		let mut m = manifest();
		m.k = 7;
		assert_eq!(m.check(), Err(ManifestError::KGreaterThanN));
		let mut m = manifest();
		m.k = 1;
		assert_eq!(m.check(), Err(ManifestError::KTooSmall));
		let mut m = manifest();
		m.total_size = 3001;
		assert_eq!(m.check(), Err(ManifestError::SegmentCountMismatch));
		let mut m = manifest();
		m.segments[1].shards.pop();
		assert_eq!(m.check(), Err(ManifestError::ShardCountMismatch));
		let mut m = manifest();
		m.segments[2].shard_len = 0;
		assert_eq!(m.check(), Err(ManifestError::BadShardLength));
		let mut m = manifest();
		m.media_type = BoundedVec::truncate_from(b"video mp4".to_vec());
		assert_eq!(m.check(), Err(ManifestError::BadMediaType));
		let mut m = manifest();
		m.version = 2;
		assert_eq!(m.check(), Err(ManifestError::UnknownVersion));
		// The id changes with any field.
		let mut m = manifest();
		m.metadata_hash = [8; 32];
		assert_ne!(m.content_id(), manifest().content_id());
	}

	#[test]
	fn quorum_is_two_f_plus_one_or_more() {
		let q: Vec<u32> = (1..=10).map(quorum).collect();
		assert_eq!(q, [1, 2, 3, 3, 4, 5, 5, 6, 7, 7]);
		for n in 1..100u32 {
			let f = (n - 1) / 3;
			assert!(quorum(n) > 2 * f && quorum(n) <= n);
			// Two quorums overlap in more than f members.
			assert!(2 * quorum(n) - n > f);
		}
	}
}
