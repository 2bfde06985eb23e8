use super::*;
use proptest::prelude::*;

fn media(len: usize, seed: u8) -> Vec<u8> {
	(0..len).map(|i| (i as u32).wrapping_mul(2_654_435_761).to_le_bytes()[1] ^ seed).collect()
}

fn params(segment_size: u32, k: u8, n: u8) -> Params {
	Params { segment_size, k, n, media_type: "video/mp4".into(), metadata_hash: [1; 32] }
}

const KEY: ContentKey = ContentKey([7; 32]);

/// Decodes every segment from the shards `pick` chooses.
fn decode_all(
	manifest: &Layout,
	encoded: &[EncodedSegment],
	key: &ContentKey,
	pick: impl Fn(u32) -> Vec<u8>,
) -> Result<Vec<u8>, CodecError> {
	let mut out = Vec::new();
	for (s, seg) in encoded.iter().enumerate() {
		let shards: Vec<(u8, &[u8])> = pick(s as u32)
			.into_iter()
			.map(|i| (i, seg.shards[usize::from(i)].as_slice()))
			.collect();
		out.extend(decode_segment(key, manifest, s as u32, &shards)?);
	}
	Ok(out)
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(64))]

	/// Any `k` shards of every segment give back the media, byte for byte.
	#[test]
	fn any_k_shards_rebuild_the_media(
		len in 1usize..200_000,
		segment_size in 1u32..70_000,
		n in 2u8..12,
		k_seed in any::<u8>(),
		pick_seed in any::<u64>(),
	) {
		let k = 2 + k_seed % (n - 1);
		let data = media(len, 3);
		let encoded = encode(&KEY, &params(segment_size, k, n), &data);
		// Media cut into more segments (or shards) than a manifest may list is refused; that
		// refusal has its own test.
		prop_assume!(!matches!(encoded, Err(CodecError::TooManySegments { .. })));
		let (manifest, encoded) = encoded.unwrap();
		prop_assert_eq!(manifest.check(), Ok(()));
		prop_assert_eq!(manifest.manifest.total_size, len as u64);
		prop_assert_eq!(encoded.len(), manifest.segments.len());
		let pick = |s: u32| {
			// A pseudo-random k-subset per segment, in a scrambled order.
			let mut idx: Vec<u8> = (0..n).collect();
			let mut x = pick_seed ^ u64::from(s).wrapping_mul(0x9e37_79b9_7f4a_7c15);
			for i in (1..idx.len()).rev() {
				x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
				idx.swap(i, (x >> 33) as usize % (i + 1));
			}
			idx.truncate(usize::from(k));
			idx
		};
		prop_assert_eq!(decode_all(&manifest, &encoded, &KEY, pick).unwrap(), data);
	}
}

#[test]
fn corrupted_truncated_and_foreign_shards_are_skipped() {
	let data = media(300_000, 9);
	let (manifest, encoded) = encode(&KEY, &params(100_000, 4, 6), &data).unwrap();
	let seg = &encoded[1].shards;
	let mut corrupted = seg[0].clone();
	corrupted[17] ^= 1;
	let truncated = &seg[1][..seg[1].len() - 1];
	let foreign = &encoded[0].shards[2];
	// Three bad shards then four good ones: the bad are skipped.
	let shards: Vec<(u8, &[u8])> = vec![
		(0, &corrupted),
		(1, truncated),
		(2, foreign),
		(3, &seg[3]),
		(4, &seg[4]),
		(5, &seg[5]),
		(2, &seg[2]),
	];
	let plain = decode_segment(&KEY, &manifest, 1, &shards).unwrap();
	assert_eq!(plain, data[100_000..200_000]);
	// Only three good ones: not enough, and it says so.
	assert_eq!(
		decode_segment(&KEY, &manifest, 1, &shards[..6]),
		Err(CodecError::NotEnoughShards { segment: 1, valid: 3, needed: 4 })
	);
	// A shard given twice counts once.
	let twice: Vec<(u8, &[u8])> = vec![(3, &seg[3]), (3, &seg[3]), (4, &seg[4]), (5, &seg[5])];
	assert!(matches!(
		decode_segment(&KEY, &manifest, 1, &twice),
		Err(CodecError::NotEnoughShards { valid: 3, .. })
	));
	assert_eq!(
		decode_segment(&KEY, &manifest, 3, &shards),
		Err(CodecError::UnknownSegment { segment: 3 })
	);
}

#[test]
fn a_key_the_manifest_does_not_commit_to_is_refused() {
	let data = media(50_000, 1);
	let (manifest, encoded) = encode(&KEY, &params(20_000, 2, 3), &data).unwrap();
	let shards: Vec<(u8, &[u8])> = vec![(1, &encoded[0].shards[1]), (2, &encoded[0].shards[2])];
	assert_eq!(
		decode_segment(&ContentKey([8; 32]), &manifest, 0, &shards),
		Err(CodecError::WrongKey)
	);
	assert!(!key_matches(&manifest, &ContentKey([8; 32])));
	// Without the commitment check a wrong key still fails to authenticate.
	let mut v1 = manifest.clone();
	v1.manifest.version = 1;
	assert_eq!(
		decode_segment(&ContentKey([8; 32]), &v1, 0, &shards),
		Err(CodecError::Decryption { segment: 0 })
	);
	assert_eq!(decode_segment(&KEY, &manifest, 0, &shards).unwrap(), data[..20_000]);
}

#[test]
fn a_forged_manifest_does_not_decrypt_another_segment() {
	// A manifest that lists segment 0's shards as segment 1 (shards pass the hash check, but the
	// segment index is authenticated): decryption fails.
	let data = media(40_000, 2);
	let (mut manifest, encoded) = encode(&KEY, &params(20_000, 2, 3), &data).unwrap();
	manifest.segments.swap(0, 1);
	let shards: Vec<(u8, &[u8])> = vec![(0, &encoded[0].shards[0]), (1, &encoded[0].shards[1])];
	assert_eq!(
		decode_segment(&KEY, &manifest, 1, &shards),
		Err(CodecError::Decryption { segment: 1 })
	);
}

#[test]
fn bad_parameters_are_refused_with_the_reason() {
	let data = media(1_000, 0);
	assert_eq!(encode(&KEY, &params(100, 2, 3), &[]).err(), Some(CodecError::EmptyMedia));
	assert_eq!(
		encode(&KEY, &params(100, 5, 4), &data).err(),
		Some(CodecError::BadCode { k: 5, n: 4 })
	);
	assert_eq!(
		encode(&KEY, &params(100, 1, 4), &data).err(),
		Some(CodecError::BadCode { k: 1, n: 4 })
	);
	assert_eq!(
		encode(&KEY, &params(100, 2, 33), &data).err(),
		Some(CodecError::BadCode { k: 2, n: 33 })
	);
	assert_eq!(encode(&KEY, &params(0, 2, 3), &data).err(), Some(CodecError::BadSegmentSize));
	// More segments than a manifest lists.
	let longer = media(MAX_SEGMENTS as usize + 1, 0);
	assert_eq!(
		encode(&KEY, &params(1, 2, 3), &longer).err(),
		Some(CodecError::TooManySegments { segments: u64::from(MAX_SEGMENTS) + 1 })
	);
	let mut p = params(100, 2, 3);
	p.media_type = "video\tmp4".into();
	assert_eq!(encode(&KEY, &p, &data).err(), Some(CodecError::BadMediaType));
	let e = encode(&KEY, &params(1, 2, 3), &longer).err().unwrap();
	assert!(e.to_string().contains("use larger segments"), "{e}");
}

#[test]
fn k_equal_to_n_works_without_recovery_shards() {
	let data = media(10_001, 5);
	let (manifest, encoded) = encode(&KEY, &params(4_000, 3, 3), &data).unwrap();
	let out = decode_all(&manifest, &encoded, &KEY, |_| vec![2, 0, 1]).unwrap();
	assert_eq!(out, data);
}

#[test]
fn the_content_id_is_the_manifest_hash_and_keys_are_not_in_it() {
	let data = media(10_000, 4);
	let (m1, _) = encode(&KEY, &params(4_000, 2, 3), &data).unwrap();
	let (m2, _) = encode(&ContentKey([9; 32]), &params(4_000, 2, 3), &data).unwrap();
	assert_eq!(m1.content_id(), *blake3::hash(&codec::Encode::encode(&m1.manifest)).as_bytes());
	// Another key gives other ciphertext, hence other shards and another id.
	assert_ne!(m1.content_id(), m2.content_id());
	assert!(!format!("{KEY:?}").contains('7'));
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(32))]

	/// Any shard is rebuilt byte for byte, without the key, from any `k` others.
	#[test]
	fn any_shard_is_rebuilt_from_k_others(
		len in 1usize..100_000,
		n in 3u8..10,
		k_seed in any::<u8>(),
		lost_seed in any::<u8>(),
	) {
		let k = 2 + k_seed % (n - 2);
		let (manifest, encoded) = encode(&KEY, &params(40_000, k, n), &media(len, 9)).unwrap();
		let lost = lost_seed % n;
		for (s, seg) in encoded.iter().enumerate() {
			// The k shards after the lost one, wrapping: data and recovery shards mixed.
			let others: Vec<(u8, &[u8])> = (1..=k)
				.map(|d| (lost + d) % n)
				.map(|i| (i, seg.shards[usize::from(i)].as_slice()))
				.collect();
			let rebuilt = rebuild_shard(&manifest, s as u32, lost, &others).unwrap();
			prop_assert_eq!(&rebuilt, &seg.shards[usize::from(lost)]);
		}
	}
}

#[test]
fn rebuilding_refuses_too_few_shards_and_unknown_indices() {
	let (manifest, encoded) = encode(&KEY, &params(10_000, 3, 5), &media(25_000, 2)).unwrap();
	let seg = &encoded[1];
	let two: Vec<(u8, &[u8])> = vec![(0, &seg.shards[0]), (4, &seg.shards[4])];
	assert_eq!(
		rebuild_shard(&manifest, 1, 2, &two),
		Err(CodecError::NotEnoughShards { segment: 1, valid: 2, needed: 3 })
	);
	// A corrupted shard does not count.
	let mut bad = seg.shards[1].clone();
	bad[0] ^= 1;
	let with_bad: Vec<(u8, &[u8])> = vec![(0, &seg.shards[0]), (1, &bad), (4, &seg.shards[4])];
	assert_eq!(
		rebuild_shard(&manifest, 1, 2, &with_bad),
		Err(CodecError::NotEnoughShards { segment: 1, valid: 2, needed: 3 })
	);
	let three: Vec<(u8, &[u8])> =
		vec![(0, &seg.shards[0]), (1, &seg.shards[1]), (4, &seg.shards[4])];
	assert_eq!(
		rebuild_shard(&manifest, 1, 5, &three),
		Err(CodecError::UnknownShard { segment: 1, index: 5 })
	);
	assert_eq!(rebuild_shard(&manifest, 1, 3, &three).unwrap(), seg.shards[3]);
}

/// The attack: a creator, who holds the key, uploads a segment whose data shards are one
/// encoding and whose recovery shards another, and lists all of their hashes in the manifest.
/// Reviewers who fetch the data shards would see one thing and viewers who get a recovery shard
/// another. Every decoder now re-encodes and refuses the segment whatever shards it was given.
#[test]
fn shards_that_are_not_one_codeword_decode_for_no_one() {
	let (k, n) = (4u8, 6u8);
	let harmless = media(40_000, 1);
	let other = media(40_000, 2);
	let (honest, encoded) = encode(&KEY, &params(1 << 20, k, n), &harmless).unwrap();
	let (_, encoded_other) = encode(&KEY, &params(1 << 20, k, n), &other).unwrap();
	let mut mixed: Vec<Vec<u8>> = encoded[0].shards[..usize::from(k)].to_vec();
	mixed.extend_from_slice(&encoded_other[0].shards[usize::from(k)..]);
	let mut manifest = honest.clone();
	manifest.segments[0].shards =
		BoundedVec::truncate_from(mixed.iter().map(|s| shard_hash(s)).collect());
	let manifest = Layout::build(
		LayoutParams {
			media_type: manifest.manifest.media_type.clone(),
			metadata_hash: manifest.manifest.metadata_hash,
			k,
			n,
			key_commitment: manifest.manifest.key_commitment,
			packaging: manifest.manifest.packaging,
		},
		manifest.segments,
	);
	assert_eq!(manifest.check(), Ok(()), "the chain's checks alone do not see it");
	// Each shard matches the manifest's hash, so every one passes the per-shard check.
	for (i, s) in mixed.iter().enumerate() {
		assert!(verify_shard(&manifest, 0, i as u8, s));
	}
	let subsets: [&[u8]; 3] = [&[0, 1, 2, 3], &[0, 1, 2, 4], &[2, 3, 4, 5]];
	for subset in subsets {
		let shards: Vec<(u8, &[u8])> =
			subset.iter().map(|i| (*i, mixed[usize::from(*i)].as_slice())).collect();
		let result = decode_segment(&KEY, &manifest, 0, &shards);
		assert!(
			matches!(result, Err(CodecError::InconsistentCodeword { segment: 0, .. })),
			"shards {subset:?}: {result:?}"
		);
		// A repairing masternode refuses to rebuild from them too.
		assert!(matches!(
			rebuild_shard(&manifest, 0, 5, &shards),
			Err(CodecError::InconsistentCodeword { .. })
		));
	}
	// The honest upload decodes from any subset, to the same bytes.
	for subset in subsets {
		let shards: Vec<(u8, &[u8])> =
			subset.iter().map(|i| (*i, encoded[0].shards[usize::from(*i)].as_slice())).collect();
		assert_eq!(decode_segment(&KEY, &honest, 0, &shards).unwrap(), harmless);
	}
}

/// Parts of varying size and duration (a CMAF init segment and fragments) encode to a layout
/// that records each one, and decode back part by part; parts that do not fit the packaging are
/// refused by name.
#[test]
fn packaged_parts_of_any_size_round_trip() {
	let init = media(700, 1);
	let f1 = media(90_000, 2);
	let f2 = media(12_345, 3);
	let p = PartsParams {
		k: 3,
		n: 5,
		media_type: "video/mp4; codecs=\"avc1.640028, mp4a.40.2\"".into(),
		metadata_hash: [2; 32],
		packaging: Packaging::Cmaf { timescale: 90_000 },
	};
	let parts: Vec<(&[u8], u32)> = vec![(&init, 0), (&f1, 360_000), (&f2, 180_000)];
	let (layout, encoded) = encode_parts(&KEY, &p, &parts).unwrap();
	assert_eq!(layout.check(), Ok(()));
	assert_eq!(layout.manifest.duration, 540_000);
	assert_eq!(layout.segments[1].plain_len, 90_000);
	let out = decode_all(&layout, &encoded, &KEY, |_| vec![4, 2, 0]).unwrap();
	assert_eq!(out, [init.clone(), f1.clone(), f2.clone()].concat());
	let untimed: Vec<(&[u8], u32)> = vec![(&init, 0), (&f1, 0)];
	assert_eq!(encode_parts(&KEY, &p, &untimed).err(), Some(CodecError::BadPart { part: 1 }));
	let timed_init: Vec<(&[u8], u32)> = vec![(&init, 5), (&f1, 4)];
	assert_eq!(encode_parts(&KEY, &p, &timed_init).err(), Some(CodecError::BadPart { part: 0 }));
	let empty: Vec<(&[u8], u32)> = vec![(&init, 0), (&[], 4)];
	assert_eq!(encode_parts(&KEY, &p, &empty).err(), Some(CodecError::BadPart { part: 1 }));
}
