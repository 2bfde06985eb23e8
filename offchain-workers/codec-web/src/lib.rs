//! `pop-codec` for web pages. The page reads a content's record from the chain (through its
//! typed client), hands the fields here, and gets back a [`WebLayout`] only if they hash to the
//! content id it asked for: every shard the page fetches is then checked against that layout,
//! and segments are rebuilt and decrypted here, in the page, with the same code the CLI and the
//! masternodes run.
//!
//! The interface takes flat arrays (lengths, durations, hashes concatenated) rather than
//! objects, so that nothing needs a serialisation library on either side.

use pop_codec::ContentKey;
use pop_primitives::content::{ContentId, Layout, LayoutParams, Packaging, SegmentManifest};
use wasm_bindgen::prelude::*;

/// Why a record or a segment is refused, in words a viewer can read.
#[derive(Debug, PartialEq, Eq)]
pub enum WebError {
	/// A field has the wrong length or shape.
	Malformed(String),
	/// The record does not hash to the id asked for.
	NotTheContent,
	/// Content registered before the current manifest version.
	OldVersion(u8),
	/// The key is not the one the manifest commits to.
	WrongKey,
	/// Rebuilding or decrypting failed.
	Codec(String),
}

impl core::fmt::Display for WebError {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		match self {
			Self::Malformed(what) => write!(f, "malformed record: {what}"),
			Self::NotTheContent =>
				f.write_str("the chain's record does not hash to this content id"),
			Self::OldVersion(v) => write!(
				f,
				"this content uses manifest version {v}, which the web player does not read; play it with `pop play`"
			),
			Self::WrongKey => f.write_str("this is not the content's key"),
			Self::Codec(e) => f.write_str(e),
		}
	}
}

fn hash32(bytes: &[u8], what: &str) -> Result<[u8; 32], WebError> {
	bytes.try_into().map_err(|_| WebError::Malformed(format!("{what} is not 32 bytes")))
}

/// The segments' manifests from flat arrays: `shard_hashes` holds `n` hashes of 32 bytes per
/// segment, in order.
fn segments(
	n: u8,
	plain_lens: &[u32],
	durations: &[u32],
	shard_lens: &[u32],
	shard_hashes: &[u8],
) -> Result<Vec<SegmentManifest>, WebError> {
	let count = plain_lens.len();
	let per = 32 * usize::from(n);
	if durations.len() != count || shard_lens.len() != count || shard_hashes.len() != count * per {
		return Err(WebError::Malformed("the segment arrays differ in length".into()));
	}
	(0..count)
		.map(|i| {
			let shards: Vec<[u8; 32]> = shard_hashes[i * per..(i + 1) * per]
				.chunks(32)
				.map(|h| hash32(h, "a shard hash"))
				.collect::<Result<_, _>>()?;
			Ok(SegmentManifest {
				plain_len: plain_lens[i],
				duration: durations[i],
				shard_len: shard_lens[i],
				shards: shards
					.try_into()
					.map_err(|_| WebError::Malformed("too many shards".into()))?,
			})
		})
		.collect()
}

/// A content's layout, checked against its id.
#[wasm_bindgen]
pub struct WebLayout {
	layout: Layout,
}

impl WebLayout {
	/// See the constructor; a plain Rust error for native tests.
	#[allow(clippy::too_many_arguments)]
	pub fn build(
		id: &[u8],
		version: u8,
		media_type: &str,
		metadata_hash: &[u8],
		k: u8,
		n: u8,
		key_commitment: &[u8],
		timescale: u32,
		plain_lens: &[u32],
		durations: &[u32],
		shard_lens: &[u32],
		shard_hashes: &[u8],
	) -> Result<Self, WebError> {
		let id: ContentId = hash32(id, "the content id")?;
		if version < 2 {
			return Err(WebError::OldVersion(version));
		}
		let params = LayoutParams {
			media_type: media_type
				.as_bytes()
				.to_vec()
				.try_into()
				.map_err(|_| WebError::Malformed("the media type is too long".into()))?,
			metadata_hash: hash32(metadata_hash, "the metadata hash")?,
			k,
			n,
			key_commitment: hash32(key_commitment, "the key commitment")?,
			packaging: if timescale == 0 {
				Packaging::Bytes
			} else {
				Packaging::Cmaf { timescale }
			},
		};
		let mut layout =
			Layout::build(params, segments(n, plain_lens, durations, shard_lens, shard_hashes)?);
		layout.manifest.version = version;
		if layout.content_id() != id {
			return Err(WebError::NotTheContent);
		}
		Ok(Self { layout })
	}

	/// See [`WebLayout::decode`]; a plain Rust error for native tests.
	pub fn decode_segment(
		&self,
		key: &[u8],
		segment: u32,
		indices: &[u8],
		shards: &[u8],
	) -> Result<Vec<u8>, WebError> {
		let key = ContentKey(hash32(key, "the key")?);
		if !pop_codec::key_matches(&self.layout, &key) {
			return Err(WebError::WrongKey);
		}
		let len = self
			.layout
			.segments
			.get(segment as usize)
			.ok_or_else(|| WebError::Malformed(format!("no segment {segment}")))?
			.shard_len as usize;
		if shards.len() != len * indices.len() {
			return Err(WebError::Malformed("the shards are not all the segment's length".into()));
		}
		let parts: Vec<(u8, &[u8])> =
			indices.iter().copied().zip(shards.chunks(len.max(1))).collect();
		pop_codec::decode_segment(&key, &self.layout, segment, &parts)
			.map_err(|e| WebError::Codec(e.to_string()))
	}
}

fn js(e: WebError) -> JsError {
	JsError::new(&e.to_string())
}

#[wasm_bindgen]
impl WebLayout {
	/// The layout of content `id` from its on-chain record: manifest `version`, `media_type`,
	/// `metadata_hash`, `k` of `n`, the key commitment, the packaging's timescale (0 for byte
	/// segments), and per segment its plaintext length, duration and shard length, and its `n`
	/// shard hashes concatenated. Throws unless they hash to `id`.
	#[wasm_bindgen(constructor)]
	#[allow(clippy::too_many_arguments)]
	pub fn new(
		id: &[u8],
		version: u8,
		media_type: &str,
		metadata_hash: &[u8],
		k: u8,
		n: u8,
		key_commitment: &[u8],
		timescale: u32,
		plain_lens: &[u32],
		durations: &[u32],
		shard_lens: &[u32],
		shard_hashes: &[u8],
	) -> Result<WebLayout, JsError> {
		Self::build(
			id,
			version,
			media_type,
			metadata_hash,
			k,
			n,
			key_commitment,
			timescale,
			plain_lens,
			durations,
			shard_lens,
			shard_hashes,
		)
		.map_err(js)
	}

	/// Segments in the content.
	#[wasm_bindgen(getter)]
	pub fn segments(&self) -> u32 {
		self.layout.segments.len() as u32
	}

	/// Shards needed to rebuild a segment.
	#[wasm_bindgen(getter)]
	pub fn k(&self) -> u8 {
		self.layout.manifest.k
	}

	/// Whether `key` is the key the manifest commits to.
	#[wasm_bindgen(js_name = keyMatches)]
	pub fn key_matches(&self, key: &[u8]) -> bool {
		key.try_into().is_ok_and(|k| pop_codec::key_matches(&self.layout, &ContentKey(k)))
	}

	/// Whether `shard` is shard `index` of segment `segment` (its length and BLAKE3 hash).
	#[wasm_bindgen(js_name = verifyShard)]
	pub fn verify_shard(&self, segment: u32, index: u8, shard: &[u8]) -> bool {
		pop_codec::verify_shard(&self.layout, segment, index, shard)
	}

	/// Segment `segment`, rebuilt from the shards `shards` (concatenated, each the segment's
	/// shard length) whose indices are `indices`, and decrypted with `key`.
	#[wasm_bindgen(js_name = decode)]
	pub fn decode(
		&self,
		key: &[u8],
		segment: u32,
		indices: &[u8],
		shards: &[u8],
	) -> Result<Vec<u8>, JsError> {
		self.decode_segment(key, segment, indices, shards).map_err(js)
	}
}

/// One segment of pseudo-random media encoded in the page, for the decode benchmark
/// (`scripts/bench-web`): what a viewer's page does per segment, timed in the browser.
#[wasm_bindgen]
pub struct BenchSegment {
	layout: WebLayout,
	key: [u8; 32],
	indices: Vec<u8>,
	shards: Vec<u8>,
}

impl BenchSegment {
	/// `size` bytes in one segment, `k` of `n`; decoded from the last `k` shards (parity
	/// among them, so that the erasure code does real work).
	pub fn build(size: u32, k: u8, n: u8) -> Result<Self, WebError> {
		let mut x = 0x2545_f491_4f6c_dd1du64;
		let media: Vec<u8> = (0..size)
			.map(|_| {
				x ^= x << 13;
				x ^= x >> 7;
				x ^= x << 17;
				x as u8
			})
			.collect();
		let key = [7u8; 32];
		let params = pop_codec::Params {
			media_type: "video/mp4".into(),
			metadata_hash: [0; 32],
			segment_size: size,
			k,
			n,
		};
		let (layout, encoded) = pop_codec::encode(&ContentKey(key), &params, &media)
			.map_err(|e| WebError::Codec(e.to_string()))?;
		let indices: Vec<u8> = (n - k..n).collect();
		let shards = indices.iter().flat_map(|i| encoded[0].shards[*i as usize].clone()).collect();
		Ok(Self { layout: WebLayout { layout }, key, indices, shards })
	}

	/// Verifies the `k` shards and decodes the segment; returns its length.
	pub fn run(&self) -> Result<usize, WebError> {
		let len = self.layout.layout.segments[0].shard_len as usize;
		for (i, shard) in self.indices.iter().zip(self.shards.chunks(len)) {
			if !pop_codec::verify_shard(&self.layout.layout, 0, *i, shard) {
				return Err(WebError::Codec("a shard does not verify".into()));
			}
		}
		Ok(self.layout.decode_segment(&self.key, 0, &self.indices, &self.shards)?.len())
	}
}

#[wasm_bindgen]
impl BenchSegment {
	/// See [`BenchSegment::build`].
	#[wasm_bindgen(constructor)]
	pub fn new(size: u32, k: u8, n: u8) -> Result<BenchSegment, JsError> {
		Self::build(size, k, n).map_err(js)
	}

	/// See [`BenchSegment::run`].
	#[wasm_bindgen(js_name = decode)]
	pub fn decode_once(&self) -> Result<usize, JsError> {
		self.run().map_err(js)
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use pop_codec::{encode, Params};

	/// Each segment's shards.
	type Shards = Vec<Vec<Vec<u8>>>;

	fn sample() -> (Layout, Shards, [u8; 32], Vec<u8>) {
		let media: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
		let key = [9u8; 32];
		let params = Params {
			media_type: "application/octet-stream".into(),
			metadata_hash: [1; 32],
			segment_size: 100_000,
			k: 4,
			n: 6,
		};
		let (layout, encoded) = encode(&ContentKey(key), &params, &media).unwrap();
		let shards = encoded.into_iter().map(|s| s.shards).collect();
		(layout, shards, key, media)
	}

	fn flat(layout: &Layout) -> (Vec<u32>, Vec<u32>, Vec<u32>, Vec<u8>) {
		let s = &layout.segments;
		(
			s.iter().map(|s| s.plain_len).collect(),
			s.iter().map(|s| s.duration).collect(),
			s.iter().map(|s| s.shard_len).collect(),
			s.iter().flat_map(|s| s.shards.iter().flatten().copied()).collect(),
		)
	}

	fn build(layout: &Layout, id: [u8; 32]) -> Result<WebLayout, WebError> {
		let (p, d, l, h) = flat(layout);
		let m = &layout.manifest;
		WebLayout::build(
			&id,
			m.version,
			core::str::from_utf8(&m.media_type).unwrap(),
			&m.metadata_hash,
			m.k,
			m.n,
			&m.key_commitment,
			0,
			&p,
			&d,
			&l,
			&h,
		)
	}

	#[test]
	fn a_record_that_hashes_to_its_id_decodes_in_the_page() {
		let (layout, shards, key, media) = sample();
		let web = build(&layout, layout.content_id()).unwrap();
		assert!(web.key_matches(&key));
		let mut out = Vec::new();
		for (s, seg) in shards.iter().enumerate() {
			// The last k shards (parity included).
			let indices: Vec<u8> = (2..6).collect();
			let bytes: Vec<u8> = indices.iter().flat_map(|i| seg[*i as usize].clone()).collect();
			assert!(web.verify_shard(s as u32, 2, &seg[2]));
			out.extend(web.decode_segment(&key, s as u32, &indices, &bytes).unwrap());
		}
		assert!(out == media);
	}

	#[test]
	fn a_record_altered_or_a_wrong_key_is_refused() {
		let (mut layout, shards, _, _) = sample();
		let id = layout.content_id();
		let web = build(&layout, id).unwrap();
		assert_eq!(
			web.decode_segment(&[8; 32], 0, &[0, 1, 2, 3], &shards[0][..4].concat()),
			Err(WebError::WrongKey)
		);
		assert!(!web.verify_shard(0, 1, &shards[0][2]), "a shard under the wrong index");
		layout.segments[1].plain_len -= 1;
		assert_eq!(build(&layout, id).err(), Some(WebError::NotTheContent));
		assert!(matches!(
			WebLayout::build(&id, 2, "x", &[0; 32], 4, 6, &[0; 32], 0, &[1], &[], &[1], &[]),
			Err(WebError::Malformed(_))
		));
	}

	#[test]
	fn the_benchmark_segment_decodes_to_its_size() {
		let bench = BenchSegment::build(2_500_000, 4, 6).unwrap();
		assert_eq!(bench.run().unwrap(), 2_500_000);
	}
}
