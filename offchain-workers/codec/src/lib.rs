//! # pop-codec: how media becomes shards, and back
//!
//! A creator's media is cut into segments: byte ranges of `segment_size` bytes (the last one
//! shorter), or the parts a packager made (a CMAF init segment and media fragments, of any size
//! and duration, [`encode_parts`]). Each segment is
//!
//! 1. encrypted with ChaCha20-Poly1305 under the content's 256-bit key, the nonce being the
//!    segment's index (a key encrypts one content only, so a nonce never repeats), and the
//!    segment index and count bound in as associated data, so segments cannot be swapped;
//! 2. split into `k` equal original shards (zero padding up to an even shard length, as the
//!    erasure code needs) and extended with `n − k` recovery shards by Reed-Solomon over
//!    GF(2¹⁶) (`reed-solomon-simd`): any `k` of the `n` shards rebuild the segment;
//! 3. addressed by the BLAKE3 hash of each shard.
//!
//! The [`Layout`] (from `pop-primitives`, the types the chain checks) lists every shard hash,
//! page by page, and the manifest's BLAKE3 hash is the content id. The key is not in it, only
//! its commitment ([`pop_primitives::content::key_commitment`]), which every decoder checks
//! before it opens a segment ([`CodecError::WrongKey`]): a creator cannot hand reviewers one key
//! and viewers another that also authenticates. The key goes to the moderation set and to
//! paying viewers.
//!
//! Decoding takes any `k` shards of a segment, drops any whose hash does not match the manifest,
//! rebuilds, authenticates and decrypts. Every failure is a [`CodecError`] naming the problem.
//!
//! Every decoder also re-encodes what it rebuilt and checks all `n` shard hashes of the
//! manifest ([`CodecError::InconsistentCodeword`]). The manifest's hashes then fix one codeword,
//! and any `k` of its shards rebuild the same bytes: a creator cannot make the data shards decode
//! to what reviewers approve and a set with recovery shards decode to something else that also
//! authenticates (ChaCha20-Poly1305 does not commit to its key, and the creator holds it).
//! Shards are checked against their hashes first, so an inconsistent codeword is the creator's
//! doing, never a masternode's.
//!
//! Why ChaCha20-Poly1305: as fast as AES-256-GCM where AES instructions exist, much faster in
//! wasm and on CPUs without them, and constant-time everywhere.

use chacha20poly1305::{
	aead::{Aead, AeadInPlace, KeyInit, Payload},
	ChaCha20Poly1305, Nonce,
};
use pop_primitives::content::{
	key_commitment, shard_hash, Layout, LayoutParams, Packaging, SegmentManifest,
	MAX_MEDIA_TYPE_LEN, MAX_SEGMENTS, MAX_SHARDS, MAX_SHARD_LEN,
};
use sp_runtime::BoundedVec;
use std::fmt;

pub mod seal;

/// The AEAD tag added to each encrypted segment.
pub const TAG_LEN: usize = 16;
/// The default segment: 1 MiB of media (a few seconds of HD video), so that shards of a 4-of-6
/// code are 256 KiB — large enough for the erasure code to run at full speed.
pub const DEFAULT_SEGMENT_SIZE: u32 = 1 << 20;

/// A content's encryption key.
#[derive(Clone, PartialEq, Eq)]
pub struct ContentKey(pub [u8; 32]);

impl fmt::Debug for ContentKey {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		f.write_str("ContentKey(…)")
	}
}

/// How to encode: segment size, `k` of `n`, and what the manifest says about the media.
#[derive(Clone, Debug)]
pub struct Params {
	/// Plaintext bytes per segment.
	pub segment_size: u32,
	/// Shards that rebuild a segment.
	pub k: u8,
	/// Shards per segment.
	pub n: u8,
	/// The media type (`video/mp4`, …).
	pub media_type: String,
	/// The hash of the creator's metadata.
	pub metadata_hash: [u8; 32],
}

/// How to encode parts a packager made ([`encode_parts`]): `k` of `n`, the packaging, and what
/// the manifest says about the media.
#[derive(Clone, Debug)]
pub struct PartsParams {
	/// Shards that rebuild a segment.
	pub k: u8,
	/// Shards per segment.
	pub n: u8,
	/// The media type with its codecs (`video/mp4; codecs="avc1.640028, mp4a.40.2"`).
	pub media_type: String,
	/// The hash of the creator's metadata.
	pub metadata_hash: [u8; 32],
	/// How the parts were cut.
	pub packaging: Packaging,
}

/// What went wrong, precisely.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CodecError {
	/// The media is empty.
	EmptyMedia,
	/// `k` and `n` must satisfy 2 ≤ k ≤ n ≤ 32.
	BadCode { k: u8, n: u8 },
	/// The segment size must be above zero.
	BadSegmentSize,
	/// The media type is empty, too long or not printable ASCII.
	BadMediaType,
	/// More segments than a manifest may list: use larger segments.
	TooManySegments { segments: u64 },
	/// A shard would be larger than the chain allows: use smaller segments or a larger `k`.
	ShardTooLarge { shard_len: u64 },
	/// The manifest does not pass the chain's checks.
	BadManifest(pop_primitives::content::ManifestError),
	/// The manifest has no such segment.
	UnknownSegment { segment: u32 },
	/// Fewer than `k` shards with the right hash and length were given.
	NotEnoughShards { segment: u32, valid: usize, needed: usize },
	/// The erasure code failed (the message says why).
	ErasureCode(String),
	/// The segment did not authenticate: shards not of this content.
	Decryption { segment: u32 },
	/// The key is not the one the manifest commits to.
	WrongKey,
	/// A part is empty, or its duration does not fit the packaging.
	BadPart { part: u32 },
	/// The manifest's segments have no shard `index`.
	UnknownShard { segment: u32, index: u8 },
	/// A rebuilt shard does not match the manifest's hash (the inputs were not of this content).
	RebuiltShardMismatch { segment: u32, index: u8 },
	/// The manifest's shards of `segment` are not one Reed-Solomon codeword: shard `index`
	/// re-encoded from valid shards differs from the manifest's. The upload is malformed.
	InconsistentCodeword { segment: u32, index: u8 },
}

impl fmt::Display for CodecError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			Self::EmptyMedia => write!(f, "the media is empty"),
			Self::BadCode { k, n } => write!(f, "k = {k}, n = {n}: need 2 ≤ k ≤ n ≤ {MAX_SHARDS}"),
			Self::BadSegmentSize => write!(f, "the segment size must be above zero"),
			Self::BadMediaType => {
				write!(
					f,
					"the media type must be 1 to {MAX_MEDIA_TYPE_LEN} printable ASCII characters"
				)
			}
			Self::TooManySegments { segments } => {
				write!(
					f,
					"{segments} segments; a manifest lists at most {MAX_SEGMENTS}: use larger segments"
				)
			}
			Self::ShardTooLarge { shard_len } => write!(
				f,
				"shards of {shard_len} bytes; the chain takes at most {MAX_SHARD_LEN}: use smaller segments"
			),
			Self::BadManifest(e) => write!(f, "the manifest is refused: {e:?}"),
			Self::UnknownSegment { segment } => write!(f, "the manifest has no segment {segment}"),
			Self::NotEnoughShards { segment, valid, needed } => {
				write!(f, "segment {segment}: {valid} valid shards, {needed} needed to rebuild it")
			}
			Self::ErasureCode(e) => write!(f, "erasure code: {e}"),
			Self::Decryption { segment } => {
				write!(f, "segment {segment} does not authenticate: shards of other content")
			}
			Self::WrongKey => write!(f, "this is not the content's key (its commitment differs)"),
			Self::BadPart { part } => write!(
				f,
				"part {part} is empty or its duration does not fit the packaging (bytes have \
				 none, a CMAF init segment has none, every CMAF fragment has one)"
			),
			Self::UnknownShard { segment, index } => {
				write!(f, "segment {segment} has no shard {index}")
			}
			Self::RebuiltShardMismatch { segment, index } => write!(
				f,
				"shard {index} of segment {segment} rebuilt to bytes that do not match the manifest"
			),
			Self::InconsistentCodeword { segment, index } => write!(
				f,
				"the shards of segment {segment} are not one codeword: shard {index} re-encoded \
				 differs from the manifest's, so different shard sets would decode differently"
			),
		}
	}
}

impl std::error::Error for CodecError {}

/// The encrypted length of a segment of `plain` bytes, and its shard length for `k`.
fn shard_len(plain: usize, k: usize) -> usize {
	const _: () = assert!(TAG_LEN as u64 == pop_primitives::content::SEAL_TAG_LEN);
	pop_primitives::content::shard_len_for(plain as u64, k as u8) as usize
}

fn nonce(segment: u32) -> Nonce {
	let mut n = [0u8; 12];
	n[..4].copy_from_slice(&segment.to_le_bytes());
	*Nonce::from_slice(&n)
}

fn aad(segment: u32, segments: u32) -> [u8; 8] {
	let mut a = [0u8; 8];
	a[..4].copy_from_slice(&segment.to_le_bytes());
	a[4..].copy_from_slice(&segments.to_le_bytes());
	a
}

/// The plaintext length of segment `segment` of `layout`.
pub fn segment_plain_len(layout: &Layout, segment: u32) -> usize {
	layout.segments.get(segment as usize).map_or(0, |s| s.plain_len as usize)
}

/// Checks `params` for `parts` (plaintext lengths and durations).
fn check(params: &PartsParams, parts: &[(&[u8], u32)]) -> Result<(), CodecError> {
	if parts.is_empty() {
		return Err(CodecError::EmptyMedia);
	}
	if params.k < 2 || params.k > params.n || u32::from(params.n) > MAX_SHARDS {
		return Err(CodecError::BadCode { k: params.k, n: params.n });
	}
	let mt = params.media_type.as_bytes();
	if mt.is_empty()
		|| mt.len() > MAX_MEDIA_TYPE_LEN as usize
		|| !mt.iter().all(|c| c.is_ascii_graphic() || *c == b' ')
	{
		return Err(CodecError::BadMediaType);
	}
	if parts.len() as u64 > u64::from(MAX_SEGMENTS) {
		return Err(CodecError::TooManySegments { segments: parts.len() as u64 });
	}
	for (i, (plain, duration)) in parts.iter().enumerate() {
		let timed = matches!(params.packaging, Packaging::Cmaf { .. }) && i > 0;
		if plain.is_empty() || timed != (*duration > 0) {
			return Err(CodecError::BadPart { part: i as u32 });
		}
		let len = shard_len(plain.len(), usize::from(params.k));
		if len as u64 > u64::from(MAX_SHARD_LEN) {
			return Err(CodecError::ShardTooLarge { shard_len: len as u64 });
		}
	}
	Ok(())
}

/// One encoded segment: its `n` shards, in shard order.
pub struct EncodedSegment {
	/// The shards; shard `i` is the `i`-th.
	pub shards: Vec<Vec<u8>>,
}

/// Encrypts and erasure-codes segment `index` of `segments` (its plaintext `plain`).
pub fn encode_segment(
	key: &ContentKey,
	index: u32,
	segments: u32,
	plain: &[u8],
	k: u8,
	n: u8,
) -> Result<EncodedSegment, CodecError> {
	let (k, n) = (usize::from(k), usize::from(n));
	let cipher = ChaCha20Poly1305::new((&key.0).into());
	let aad = aad(index, segments);
	// Encrypted in place in a buffer already the size of the k shards (ciphertext, tag, zero
	// padding): no second copy.
	let len = shard_len(plain.len(), k);
	let mut sealed = vec![0u8; len * k];
	sealed[..plain.len()].copy_from_slice(plain);
	let tag = cipher
		.encrypt_in_place_detached(&nonce(index), &aad, &mut sealed[..plain.len()])
		.map_err(|_| CodecError::Decryption { segment: index })?;
	sealed[plain.len()..plain.len() + TAG_LEN].copy_from_slice(&tag);
	let originals: Vec<&[u8]> = sealed.chunks(len).collect();
	let recovery = if n > k {
		reed_solomon_simd::encode(k, n - k, &originals)
			.map_err(|e| CodecError::ErasureCode(e.to_string()))?
	} else {
		Vec::new()
	};
	let mut shards: Vec<Vec<u8>> = originals.into_iter().map(<[u8]>::to_vec).collect();
	shards.extend(recovery);
	Ok(EncodedSegment { shards })
}

/// Encodes `media` whole, cut in byte ranges of `params.segment_size`: the layout (whose
/// manifest's hash is the content id) and every segment's shards.
pub fn encode(
	key: &ContentKey,
	params: &Params,
	media: &[u8],
) -> Result<(Layout, Vec<EncodedSegment>), CodecError> {
	if media.is_empty() {
		return Err(CodecError::EmptyMedia);
	}
	if params.segment_size == 0 {
		return Err(CodecError::BadSegmentSize);
	}
	let segments = (media.len() as u64).div_ceil(u64::from(params.segment_size));
	if segments > u64::from(MAX_SEGMENTS) {
		return Err(CodecError::TooManySegments { segments });
	}
	let parts: Vec<(&[u8], u32)> =
		media.chunks(params.segment_size as usize).map(|c| (c, 0)).collect();
	let parts_params = PartsParams {
		k: params.k,
		n: params.n,
		media_type: params.media_type.clone(),
		metadata_hash: params.metadata_hash,
		packaging: Packaging::Bytes,
	};
	encode_parts(key, &parts_params, &parts)
}

/// Encodes `parts` ((plaintext, duration), in order; a packager's init segment and fragments,
/// or byte ranges): the layout and every segment's shards. Segments are encoded and hashed in
/// parallel, one thread per core (in a browser, where wasm has no threads, one after another).
/// [`encode_segment`] encodes one segment.
pub fn encode_parts(
	key: &ContentKey,
	params: &PartsParams,
	parts: &[(&[u8], u32)],
) -> Result<(Layout, Vec<EncodedSegment>), CodecError> {
	check(params, parts)?;
	let segments = parts.len() as u32;
	let one = |index: usize| -> Result<(SegmentManifest, EncodedSegment), CodecError> {
		let (plain, duration) = parts[index];
		let segment = encode_segment(key, index as u32, segments, plain, params.k, params.n)?;
		let manifest = SegmentManifest {
			plain_len: plain.len() as u32,
			duration,
			shard_len: segment.shards[0].len() as u32,
			shards: BoundedVec::truncate_from(
				segment.shards.iter().map(|s| shard_hash(s)).collect(),
			),
		};
		Ok((manifest, segment))
	};
	let count = parts.len();
	let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(count);
	let results: Vec<Result<(SegmentManifest, EncodedSegment), CodecError>> = if threads <= 1 {
		(0..count).map(one).collect()
	} else {
		// Thread `t` takes segments t, t + threads, …; the results are put back in order.
		let mut slots: Vec<Option<Result<_, _>>> = (0..count).map(|_| None).collect();
		std::thread::scope(|scope| {
			let workers: Vec<_> = (0..threads)
				.map(|t| {
					let one = &one;
					scope.spawn(move || {
						(t..count).step_by(threads).map(|i| (i, one(i))).collect::<Vec<_>>()
					})
				})
				.collect();
			for worker in workers {
				for (i, result) in worker.join().expect("an encoding thread panicked") {
					slots[i] = Some(result);
				}
			}
		});
		slots.into_iter().map(|s| s.expect("every segment encoded")).collect()
	};
	let mut manifest_segments = Vec::with_capacity(segments as usize);
	let mut encoded = Vec::with_capacity(segments as usize);
	for result in results {
		let (m, e) = result?;
		manifest_segments.push(m);
		encoded.push(e);
	}
	let layout = Layout::build(
		LayoutParams {
			media_type: BoundedVec::truncate_from(params.media_type.as_bytes().to_vec()),
			metadata_hash: params.metadata_hash,
			k: params.k,
			n: params.n,
			key_commitment: key_commitment(&key.0),
			packaging: params.packaging,
		},
		manifest_segments,
	);
	layout.check().map_err(CodecError::BadManifest)?;
	Ok((layout, encoded))
}

/// Whether `key` is the key `layout`'s manifest commits to (content registered before manifests
/// carried a commitment, version 1, has none to check).
pub fn key_matches(layout: &Layout, key: &ContentKey) -> bool {
	layout.manifest.version < 2 || layout.manifest.key_commitment == key_commitment(&key.0)
}

/// Whether `shard` is shard `index` of segment `segment` of `layout` (length and hash).
pub fn verify_shard(layout: &Layout, segment: u32, index: u8, shard: &[u8]) -> bool {
	layout.segments.get(segment as usize).is_some_and(|s| {
		shard.len() == s.shard_len as usize
			&& s.shards.get(usize::from(index)).is_some_and(|h| *h == shard_hash(shard))
	})
}

/// The `k` original (data) shards of segment `segment`, restored from any `k` valid ones of
/// `shards` ((index, bytes), any order); shards whose length or hash does not match the manifest
/// are skipped.
fn originals(
	manifest: &Layout,
	segment: u32,
	shards: &[(u8, &[u8])],
) -> Result<Vec<Vec<u8>>, CodecError> {
	manifest.segments.get(segment as usize).ok_or(CodecError::UnknownSegment { segment })?;
	let (k, n) = (usize::from(manifest.manifest.k), usize::from(manifest.manifest.n));
	let mut valid: Vec<(usize, &[u8])> = Vec::with_capacity(k);
	for (index, bytes) in shards {
		let i = usize::from(*index);
		if i < n
			&& !valid.iter().any(|(j, _)| *j == i)
			&& verify_shard(manifest, segment, *index, bytes)
		{
			valid.push((i, bytes));
			if valid.len() == k {
				break;
			}
		}
	}
	let missing = CodecError::NotEnoughShards { segment, valid: valid.len(), needed: k };
	if valid.len() < k {
		return Err(missing);
	}
	let mut originals: Vec<Option<Vec<u8>>> = vec![None; k];
	for (i, bytes) in valid.iter().filter(|(i, _)| *i < k) {
		originals[*i] = Some(bytes.to_vec());
	}
	if originals.iter().any(Option::is_none) {
		let given = valid.iter().filter(|(i, _)| *i < k).map(|(i, b)| (*i, *b));
		let recovery = valid.iter().filter(|(i, _)| *i >= k).map(|(i, b)| (*i - k, *b));
		let restored = reed_solomon_simd::decode(k, n - k, given, recovery)
			.map_err(|e| CodecError::ErasureCode(e.to_string()))?;
		for (i, bytes) in restored {
			originals[i] = Some(bytes);
		}
	}
	let originals: Vec<Vec<u8>> =
		originals.into_iter().map(|o| o.ok_or(missing.clone())).collect::<Result<_, _>>()?;
	check_codeword(manifest, segment, &originals)?;
	Ok(originals)
}

/// Checks that the `k` original shards extend to exactly the `n` shards the manifest lists.
fn check_codeword(
	manifest: &Layout,
	segment: u32,
	originals: &[Vec<u8>],
) -> Result<(), CodecError> {
	let (k, n) = (usize::from(manifest.manifest.k), usize::from(manifest.manifest.n));
	let inconsistent =
		|index: usize| CodecError::InconsistentCodeword { segment, index: index as u8 };
	for (i, shard) in originals.iter().enumerate() {
		if !verify_shard(manifest, segment, i as u8, shard) {
			return Err(inconsistent(i));
		}
	}
	if n > k {
		let recovery = reed_solomon_simd::encode(k, n - k, originals)
			.map_err(|e| CodecError::ErasureCode(e.to_string()))?;
		for (j, shard) in recovery.iter().enumerate() {
			if !verify_shard(manifest, segment, (k + j) as u8, shard) {
				return Err(inconsistent(k + j));
			}
		}
	}
	Ok(())
}

/// Rebuilds and decrypts segment `segment` from `shards` ((index, bytes), any order). Shards
/// whose length or hash does not match the manifest are skipped; any `k` valid ones suffice.
/// A key the manifest does not commit to is refused first ([`CodecError::WrongKey`]).
pub fn decode_segment(
	key: &ContentKey,
	manifest: &Layout,
	segment: u32,
	shards: &[(u8, &[u8])],
) -> Result<Vec<u8>, CodecError> {
	if !key_matches(manifest, key) {
		return Err(CodecError::WrongKey);
	}
	let mut sealed = originals(manifest, segment, shards)?.concat();
	let plain_len = segment_plain_len(manifest, segment);
	sealed.truncate(plain_len + TAG_LEN);
	let cipher = ChaCha20Poly1305::new((&key.0).into());
	let aad = aad(segment, manifest.segments.len() as u32);
	cipher
		.decrypt(&nonce(segment), Payload { msg: &sealed, aad: &aad })
		.map_err(|_| CodecError::Decryption { segment })
}

/// Rebuilds shard `index` of segment `segment` from any `k` valid ones of `shards`, without the
/// content key: a masternode restoring a shard assigned to it. The result is checked against
/// the manifest's hash.
pub fn rebuild_shard(
	manifest: &Layout,
	segment: u32,
	index: u8,
	shards: &[(u8, &[u8])],
) -> Result<Vec<u8>, CodecError> {
	let (k, n) = (usize::from(manifest.manifest.k), usize::from(manifest.manifest.n));
	let i = usize::from(index);
	if i >= n {
		return Err(CodecError::UnknownShard { segment, index });
	}
	let mut originals = originals(manifest, segment, shards)?;
	let shard = if i < k {
		originals.swap_remove(i)
	} else {
		reed_solomon_simd::encode(k, n - k, &originals)
			.map_err(|e| CodecError::ErasureCode(e.to_string()))?
			.swap_remove(i - k)
	};
	if !verify_shard(manifest, segment, index, &shard) {
		return Err(CodecError::RebuiltShardMismatch { segment, index });
	}
	Ok(shard)
}

#[cfg(test)]
mod tests;
