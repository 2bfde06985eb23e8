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

/// The manifest format this chain registers ([`Manifest`]). Version 1 ([`ManifestV1`]) content
/// registered before stays readable.
pub const MANIFEST_VERSION: u8 = 2;
/// Most segments in one piece of content: a 4-hour stream of 1-second segments (14,400), a
/// 2-hour film of 4-second segments (1,800) or 16 GiB in 1 MiB segments.
pub const MAX_SEGMENTS: u32 = 16_384;
/// Segments per page: the manifest commits to its segments page by page, and a page is what
/// one registration extrinsic carries.
pub const PAGE_SEGMENTS: u32 = 256;
/// Most pages of one manifest ([`MAX_SEGMENTS`] / [`PAGE_SEGMENTS`]).
pub const MAX_PAGES: u32 = MAX_SEGMENTS / PAGE_SEGMENTS;
/// Most shards per segment (`n`).
pub const MAX_SHARDS: u32 = 32;
/// Most shards in one page (segments × `n`): what one registration or removal step writes.
pub const MAX_PAGE_SHARDS: u32 = PAGE_SEGMENTS * MAX_SHARDS;
/// Largest shard, in bytes.
pub const MAX_SHARD_LEN: u32 = 16 * 1024 * 1024;
/// Longest media type with its parameters (`video/mp4; codecs="avc1.640028, mp4a.40.2"`).
pub const MAX_MEDIA_TYPE_LEN: u32 = 128;
/// An audit asks for one BLAKE3 chunk of a shard: this many bytes (the last may be shorter).
pub const CHUNK_LEN: u32 = 1024;
/// Most sibling hashes in a chunk proof (a tree over `MAX_SHARD_LEN` is 14 levels deep).
pub const MAX_PROOF_LEN: u32 = 32;

/// Bound of [`Manifest::pages`].
pub type MaxPages = ConstU32<MAX_PAGES>;
/// Bound of a [`Page`].
pub type PageSegments = ConstU32<PAGE_SEGMENTS>;
/// Bound of [`SegmentManifest::shards`].
pub type MaxShards = ConstU32<MAX_SHARDS>;
/// Bound of [`Manifest::media_type`].
pub type MaxMediaTypeLen = ConstU32<MAX_MEDIA_TYPE_LEN>;
/// Bound of an audit answer's data.
pub type MaxChunkLen = ConstU32<CHUNK_LEN>;
/// Bound of an audit answer's proof.
pub type MaxProofLen = ConstU32<MAX_PROOF_LEN>;

/// How the plaintext is cut into segments.
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
pub enum Packaging {
	/// Byte ranges of the file, in order; durations are zero. Concatenated, the segments are
	/// the file.
	Bytes,
	/// CMAF (fragmented MP4): segment 0 is the init segment (duration zero), every later segment
	/// one media fragment that starts on a keyframe, its duration in `timescale` units a second.
	/// Concatenated, the segments are a playable fragmented MP4; a player starts from the init
	/// segment plus any media segment.
	Cmaf {
		/// Duration units a second.
		timescale: u32,
	},
}

/// One segment: its plaintext length and duration, and its `n` shards, each `shard_len` bytes,
/// by hash (shard `i` is the `i`-th).
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct SegmentManifest {
	/// The plaintext bytes of the segment.
	pub plain_len: u32,
	/// Its playing time in the packaging's timescale (zero for bytes and the init segment).
	pub duration: u32,
	/// The length of every shard of this segment: [`shard_len_for`] of `plain_len`.
	pub shard_len: u32,
	/// The BLAKE3 hash of each shard, in shard order.
	pub shards: BoundedVec<ShardHash, MaxShards>,
}

/// Up to [`PAGE_SEGMENTS`] consecutive segments: page `p` holds segments
/// `p·PAGE_SEGMENTS …`. The manifest lists the BLAKE3 hash of each page's SCALE encoding.
pub type Page = BoundedVec<SegmentManifest, PageSegments>;

/// What a creator registers (version 2): how the media was packaged, sealed, coded and
/// addressed, with the hash of every page of segments. Its BLAKE3 hash is the content id, so
/// the id commits to every shard hash of every segment, and to the key (by
/// [`key_commitment`]) without revealing it.
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct Manifest {
	/// [`MANIFEST_VERSION`].
	pub version: u8,
	/// The media type of the plaintext with its parameters (`video/mp4; codecs="…"`,
	/// `image/jpeg`, …): printable ASCII.
	pub media_type: BoundedVec<u8, MaxMediaTypeLen>,
	/// The hash of the creator's metadata (title, description, …), kept off chain.
	pub metadata_hash: [u8; 32],
	/// Any `k` shards of a segment rebuild it.
	pub k: u8,
	/// Shards per segment.
	pub n: u8,
	/// [`key_commitment`] of the content key: every decoder checks its key against it, so a
	/// creator cannot hand reviewers one key and viewers another that also opens the segments.
	pub key_commitment: [u8; 32],
	/// How the plaintext is cut.
	pub packaging: Packaging,
	/// The plaintext size in bytes: the sum of the segments' `plain_len`.
	pub total_size: u64,
	/// The playing time in the packaging's timescale: the sum of the segments' durations.
	pub duration: u64,
	/// How many segments.
	pub segments: u32,
	/// The BLAKE3 hash of each page of segments ([`page_hash`]), in order.
	pub pages: BoundedVec<[u8; 32], MaxPages>,
}

/// A version-1 manifest (registered before version 2): every segment listed in it, all but the
/// last of `segment_size` plaintext bytes. Kept to recompute the id of content registered then.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct ManifestV1 {
	/// 1.
	pub version: u8,
	/// The media type.
	pub media_type: BoundedVec<u8, ConstU32<64>>,
	/// The hash of the creator's metadata.
	pub metadata_hash: [u8; 32],
	/// The plaintext size in bytes.
	pub total_size: u64,
	/// The plaintext size of every segment but the last.
	pub segment_size: u32,
	/// Any `k` shards of a segment rebuild it.
	pub k: u8,
	/// Shards per segment.
	pub n: u8,
	/// The segments: (shard length, shard hashes).
	pub segments: Vec<(u32, BoundedVec<ShardHash, MaxShards>)>,
}

impl ManifestV1 {
	/// The content id it was registered under.
	pub fn content_id(&self) -> ContentId {
		*blake3::hash(&self.encode()).as_bytes()
	}
}

/// Why a manifest or one of its pages is refused.
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
	/// The content is empty, or a segment is.
	Empty,
	/// More than [`MAX_SEGMENTS`] segments.
	TooManySegments,
	/// The number of page hashes is not what the segment count needs.
	PageCountMismatch,
	/// A page does not hold the segments its index calls for.
	PageLengthMismatch,
	/// A page does not hash to the manifest's hash for it.
	PageHashMismatch,
	/// A segment does not list exactly `n` shards.
	ShardCountMismatch,
	/// A shard length is zero or above [`MAX_SHARD_LEN`].
	BadShardLength,
	/// A segment's shard length is not what its plaintext size encodes to
	/// ([`shard_len_for`]): masternodes would store, and the deposit price, other bytes than the
	/// content has.
	ShardLengthMismatch,
	/// A duration does not fit the packaging: bytes have none, a CMAF init segment has none and
	/// every CMAF media segment has one; the timescale is not zero.
	BadDuration,
	/// The segments' sizes or durations do not add up to the manifest's totals.
	TotalsMismatch,
}

/// The bytes a segment's seal adds to its plaintext (the ChaCha20-Poly1305 tag).
pub const SEAL_TAG_LEN: u64 = 16;

/// The shard length of a segment of `plain` plaintext bytes split into `k` data shards: the
/// sealed bytes over `k`, rounded up to even (the erasure code works on 16-bit symbols). The
/// codec encodes with it and the chain checks every manifest against it.
pub fn shard_len_for(plain: u64, k: u8) -> u64 {
	(plain + SEAL_TAG_LEN).div_ceil(u64::from(k.max(1))).next_multiple_of(2)
}

/// Domain of [`key_commitment`].
pub const KEY_COMMITMENT_CONTEXT: &str = "pop-network 2026-12 content key commitment v1";

/// The commitment to a content key a manifest carries: BLAKE3 in key-derivation mode, so it
/// reveals nothing of the key and no other key has it.
pub fn key_commitment(key: &[u8; 32]) -> [u8; 32] {
	blake3::derive_key(KEY_COMMITMENT_CONTEXT, key)
}

/// The hash a manifest lists for a page: BLAKE3 of its SCALE encoding.
pub fn page_hash(page: &[SegmentManifest]) -> [u8; 32] {
	*blake3::hash(&page.encode()).as_bytes()
}

/// What a page adds to the totals: plaintext bytes, duration, stored bytes (shards × `n`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PageTotals {
	/// Plaintext bytes.
	pub plain: u64,
	/// Playing time.
	pub duration: u64,
	/// Bytes masternodes store.
	pub stored: u64,
}

impl Manifest {
	/// The content id: BLAKE3 of the SCALE encoding.
	pub fn content_id(&self) -> ContentId {
		*blake3::hash(&self.encode()).as_bytes()
	}

	/// How many segments page `index` holds.
	pub fn page_len(&self, index: u32) -> u32 {
		let first = index.saturating_mul(PAGE_SEGMENTS);
		self.segments.saturating_sub(first).min(PAGE_SEGMENTS)
	}

	/// The most bytes masternodes can be asked to store for this content, from the totals alone
	/// (every shard length rounds up by less than two bytes): what the deposit is charged on
	/// before the pages arrive.
	pub fn stored_bytes_bound(&self) -> u64 {
		let segments = u64::from(self.segments);
		let sealed = self.total_size.saturating_add(SEAL_TAG_LEN.saturating_mul(segments));
		let per_shard = sealed.div_ceil(u64::from(self.k.max(1))).saturating_add(2 * segments);
		per_shard.saturating_mul(u64::from(self.n))
	}

	/// Checks the manifest's own fields (its pages are checked as they come, with
	/// [`Manifest::check_page`]).
	pub fn check(&self) -> Result<(), ManifestError> {
		if self.version != MANIFEST_VERSION {
			return Err(ManifestError::UnknownVersion);
		}
		if self.media_type.is_empty()
			|| !self.media_type.iter().all(|c| c.is_ascii_graphic() || *c == b' ')
		{
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
		if self.segments > MAX_SEGMENTS {
			return Err(ManifestError::TooManySegments);
		}
		if self.total_size == 0 || self.segments == 0 || self.total_size < u64::from(self.segments)
		{
			return Err(ManifestError::Empty);
		}
		if self.pages.len() as u32 != self.segments.div_ceil(PAGE_SEGMENTS) {
			return Err(ManifestError::PageCountMismatch);
		}
		match self.packaging {
			Packaging::Bytes if self.duration != 0 => return Err(ManifestError::BadDuration),
			Packaging::Cmaf { timescale: 0 } => return Err(ManifestError::BadDuration),
			Packaging::Cmaf { .. } if self.segments < 2 || self.duration == 0 => {
				return Err(ManifestError::BadDuration)
			}
			_ => {}
		}
		Ok(())
	}

	/// Checks page `index` against this (checked) manifest: its hash, its length and every
	/// segment in it. Returns what it adds to the totals.
	pub fn check_page(
		&self,
		index: u32,
		page: &[SegmentManifest],
	) -> Result<PageTotals, ManifestError> {
		let expected = self.pages.get(index as usize).ok_or(ManifestError::PageCountMismatch)?;
		if page.len() as u32 != self.page_len(index) {
			return Err(ManifestError::PageLengthMismatch);
		}
		if page_hash(page) != *expected {
			return Err(ManifestError::PageHashMismatch);
		}
		let mut totals = PageTotals::default();
		for (i, s) in page.iter().enumerate() {
			let number = index * PAGE_SEGMENTS + i as u32;
			if s.shards.len() != usize::from(self.n) {
				return Err(ManifestError::ShardCountMismatch);
			}
			if s.plain_len == 0 {
				return Err(ManifestError::Empty);
			}
			if s.shard_len == 0 || s.shard_len > MAX_SHARD_LEN {
				return Err(ManifestError::BadShardLength);
			}
			if u64::from(s.shard_len) != shard_len_for(u64::from(s.plain_len), self.k) {
				return Err(ManifestError::ShardLengthMismatch);
			}
			let timed = match self.packaging {
				Packaging::Bytes => false,
				Packaging::Cmaf { .. } => number > 0,
			};
			if timed != (s.duration > 0) {
				return Err(ManifestError::BadDuration);
			}
			totals.plain += u64::from(s.plain_len);
			totals.duration += u64::from(s.duration);
			totals.stored += u64::from(s.shard_len) * u64::from(self.n);
		}
		Ok(totals)
	}
}

/// A manifest with all its segments: what the creator's client builds, and what every decoder
/// checks shards against (rebuilt from the chain's record, whose id must match).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
	/// The manifest.
	pub manifest: Manifest,
	/// Every segment, in order.
	pub segments: Vec<SegmentManifest>,
}

/// What a [`Layout`] is built from, besides its segments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LayoutParams {
	/// The media type.
	pub media_type: BoundedVec<u8, MaxMediaTypeLen>,
	/// The hash of the creator's metadata.
	pub metadata_hash: [u8; 32],
	/// Rebuild threshold.
	pub k: u8,
	/// Shards per segment.
	pub n: u8,
	/// [`key_commitment`] of the key.
	pub key_commitment: [u8; 32],
	/// How the plaintext is cut.
	pub packaging: Packaging,
}

impl Layout {
	/// The layout of `segments` with `params`: totals and page hashes computed. Check it with
	/// [`Layout::check`].
	pub fn build(params: LayoutParams, segments: Vec<SegmentManifest>) -> Self {
		let pages = segments.chunks(PAGE_SEGMENTS as usize).map(page_hash).collect::<Vec<_>>();
		let manifest = Manifest {
			version: MANIFEST_VERSION,
			media_type: params.media_type,
			metadata_hash: params.metadata_hash,
			k: params.k,
			n: params.n,
			key_commitment: params.key_commitment,
			packaging: params.packaging,
			total_size: segments.iter().map(|s| u64::from(s.plain_len)).sum(),
			duration: segments.iter().map(|s| u64::from(s.duration)).sum(),
			segments: segments.len() as u32,
			pages: BoundedVec::truncate_from(pages),
		};
		Self { manifest, segments }
	}

	/// The content id.
	pub fn content_id(&self) -> ContentId {
		self.manifest.content_id()
	}

	/// Page `index` of the segments.
	pub fn page(&self, index: u32) -> Page {
		let start =
			(index as usize).saturating_mul(PAGE_SEGMENTS as usize).min(self.segments.len());
		let end = start.saturating_add(PAGE_SEGMENTS as usize).min(self.segments.len());
		BoundedVec::truncate_from(self.segments[start..end].to_vec())
	}

	/// The bytes masternodes store: every shard of every segment.
	pub fn stored_bytes(&self) -> u64 {
		self.segments.iter().map(|s| u64::from(s.shard_len) * u64::from(self.manifest.n)).sum()
	}

	/// Checks the manifest, every page and the totals, as the chain does over registration.
	pub fn check(&self) -> Result<(), ManifestError> {
		self.manifest.check()?;
		if self.segments.len() as u64 != u64::from(self.manifest.segments) {
			return Err(ManifestError::PageCountMismatch);
		}
		let mut totals = PageTotals::default();
		for index in 0..self.manifest.pages.len() as u32 {
			let t = self.manifest.check_page(index, &self.page(index))?;
			totals.plain += t.plain;
			totals.duration += t.duration;
		}
		if totals.plain != self.manifest.total_size || totals.duration != self.manifest.duration {
			return Err(ManifestError::TotalsMismatch);
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
	/// The votes the verdict was reached from: each voting member's own score, in the set's
	/// order. On chain with the certificate, so that anyone can check a verdict against the
	/// model ([`VerdictStatement::model_hash`]) and see who scored what.
	pub scores: Vec<MemberScore>,
}

/// One member's score of a content, as it voted.
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
pub struct MemberScore {
	/// The member's ed25519 moderation key.
	pub member: [u8; 32],
	/// P(explicit) in parts per million, or `None` when no classifier ran (media the policy
	/// decides without one: audio, too large to fetch, malformed).
	pub score: Option<u32>,
}

/// The most a score may be: P(explicit) = 1, in parts per million.
pub const MAX_SCORE: u32 = 1_000_000;

/// `p` (a probability) in parts per million, clamped to 0..=[`MAX_SCORE`].
pub fn score_ppm(p: f32) -> u32 {
	if p.is_nan() {
		return 0;
	}
	(p.clamp(0.0, 1.0) * MAX_SCORE as f32 + 0.5) as u32
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

/// Domain tag of signed verdict statements (v2: with the chain's genesis hash; v3: with the
/// members' scores).
pub const VERDICT_CONTEXT: &[u8] = b"pop-network/verdict/v3";

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

	fn layout(packaging: Packaging, plains: &[(u32, u32)]) -> Layout {
		let segments = plains
			.iter()
			.map(|&(plain_len, duration)| SegmentManifest {
				plain_len,
				duration,
				shard_len: shard_len_for(u64::from(plain_len), 4) as u32,
				shards: BoundedVec::truncate_from(alloc::vec![[1; 32]; 6]),
			})
			.collect();
		let params = LayoutParams {
			media_type: BoundedVec::truncate_from(b"video/mp4; codecs=\"avc1.640028\"".to_vec()),
			metadata_hash: [7; 32],
			k: 4,
			n: 6,
			key_commitment: key_commitment(&[9; 32]),
			packaging,
		};
		Layout::build(params, segments)
	}

	fn bytes() -> Layout {
		// 1,000 + 1,000 + 500 bytes, sealed and split in 4: shards of 254, 254 and 130 bytes.
		layout(Packaging::Bytes, &[(1000, 0), (1000, 0), (500, 0)])
	}

	#[test]
	fn manifests_are_checked() {
		assert_eq!(bytes().check(), Ok(()));
		assert_eq!(bytes().segments[2].shard_len, 130);
		assert_eq!(shard_len_for(1_000, 4), 254);
		let cmaf =
			|| layout(Packaging::Cmaf { timescale: 1000 }, &[(700, 0), (9000, 4000), (8000, 3500)]);
		assert_eq!(cmaf().check(), Ok(()));
		assert_eq!(cmaf().manifest.duration, 7500);
		// Each change below is refused: the layout is rebuilt so that page hashes match, and
		// the check finds the field itself.
		let refused = |mut f: Layout, edit: &dyn Fn(&mut Layout), e: ManifestError| {
			edit(&mut f);
			let l = Layout::build(
				LayoutParams {
					media_type: f.manifest.media_type.clone(),
					metadata_hash: f.manifest.metadata_hash,
					k: f.manifest.k,
					n: f.manifest.n,
					key_commitment: f.manifest.key_commitment,
					packaging: f.manifest.packaging,
				},
				f.segments.clone(),
			);
			assert_eq!(l.check(), Err(e));
		};
		refused(bytes(), &|l| l.segments[2].shard_len = 254, ManifestError::ShardLengthMismatch);
		refused(
			bytes(),
			&|l| l.segments[0].shard_len = MAX_SHARD_LEN,
			ManifestError::ShardLengthMismatch,
		);
		refused(bytes(), &|l| l.manifest.k = 7, ManifestError::KGreaterThanN);
		refused(bytes(), &|l| l.manifest.k = 1, ManifestError::KTooSmall);
		refused(
			bytes(),
			&|l| {
				l.segments[1].shards.pop();
			},
			ManifestError::ShardCountMismatch,
		);
		refused(bytes(), &|l| l.segments[2].shard_len = 0, ManifestError::BadShardLength);
		refused(bytes(), &|l| l.segments[1].duration = 4, ManifestError::BadDuration);
		refused(cmaf(), &|l| l.segments[0].duration = 4, ManifestError::BadDuration);
		refused(cmaf(), &|l| l.segments[2].duration = 0, ManifestError::BadDuration);
		refused(
			bytes(),
			&|l| l.manifest.media_type = BoundedVec::truncate_from(b"video\tmp4".to_vec()),
			ManifestError::BadMediaType,
		);
		// Fields that are not rebuilt from the segments.
		let mut l = bytes();
		l.manifest.version = 1;
		assert_eq!(l.check(), Err(ManifestError::UnknownVersion));
		let mut l = bytes();
		l.manifest.total_size += 1;
		assert_eq!(l.check(), Err(ManifestError::TotalsMismatch));
		let mut l = bytes();
		l.manifest.segments = MAX_SEGMENTS + 1;
		assert_eq!(l.check(), Err(ManifestError::TooManySegments));
		// A page that is not the one the manifest hashed is refused, whatever it holds.
		let l = bytes();
		let mut page = l.page(0);
		page[1].shards[0] = [2; 32];
		assert_eq!(l.manifest.check_page(0, &page), Err(ManifestError::PageHashMismatch));
		assert_eq!(l.manifest.check_page(0, &page[..2]), Err(ManifestError::PageLengthMismatch));
		assert_eq!(l.manifest.check_page(1, &page), Err(ManifestError::PageCountMismatch));
		// The id changes with any field, the key commitment included.
		let mut m = bytes();
		m.manifest.key_commitment = key_commitment(&[8; 32]);
		assert_ne!(m.content_id(), bytes().content_id());
		assert!(bytes().manifest.stored_bytes_bound() >= bytes().stored_bytes());
	}

	#[test]
	fn a_four_hour_stream_fits_in_pages() {
		// 7,200 two-second CMAF segments of about 1 MB, plus the init segment.
		let mut plains = alloc::vec![(900u32, 0u32)];
		plains.extend((0..7200).map(|i| (1_000_000 + i, 2000)));
		let l = layout(Packaging::Cmaf { timescale: 1000 }, &plains);
		assert_eq!(l.check(), Ok(()));
		assert_eq!(l.manifest.pages.len(), 29);
		assert_eq!(l.page(28).len(), 7201 - 28 * 256);
		assert_eq!(l.manifest.duration, 4 * 3600 * 1000);
		let bound = l.manifest.stored_bytes_bound();
		assert!(bound >= l.stored_bytes() && bound - l.stored_bytes() <= 2 * 7201 * 6);
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
