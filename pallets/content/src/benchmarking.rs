//! Benchmarks of every call and of the block hook's three parts (benchmarking v2).
//!
//! Components: `s` shards written (segments × 8 shards, one page: at most 256 segments), `m` masternodes in service (placement
//! reads and ranks them all), `m` signers of a certificate (each an ed25519 verification with a
//! key from the benchmark keystore), `a` audits expired or drawn, `r` shards reassigned.
//! Audit proofs are checked on the largest shard (16 MiB: the deepest proof).

use super::*;
use alloc::{vec, vec::Vec};
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{fungible::Mutate, EnsureOrigin, Get},
	BoundedVec,
};
use frame_system::RawOrigin;
use pop_primitives::content::{
	chunk_data, chunk_proof, key_commitment, shard_hash, Layout, LayoutParams, SegmentManifest,
	MAX_SHARD_LEN,
};
use sp_core::crypto::key_types::DUMMY;

/// Shards per segment in these benchmarks.
const N: u8 = 8;
const REGIONS: [&[u8; 2]; 4] = [b"DE", b"US", b"JP", b"BR"];

/// `m` masternodes in service over four regions.
fn masternodes<T: Config>(m: u32) -> Vec<T::AccountId> {
	(0..m)
		.map(|i| {
			let who: T::AccountId = account("masternode", i, 0);
			T::Masternodes::add(&who, i, Region(*REGIONS[i as usize % REGIONS.len()]));
			who
		})
		.collect()
}

/// A manifest of `segments` segments of `N` shards, distinct per `salt`, with its segments.
fn manifest(segments: u32, salt: u8) -> Layout {
	let segment = |s: u32| SegmentManifest {
		// Segments whose shards are exactly 1 MiB for k = 4.
		plain_len: (4 << 20) - 16,
		duration: 0,
		shard_len: 1 << 20,
		shards: BoundedVec::truncate_from(
			(0..N).map(|i| shard_hash(&[salt, i, s as u8, (s >> 8) as u8])).collect(),
		),
	};
	layout((0..segments).map(segment).collect(), salt)
}

fn layout(segments: Vec<SegmentManifest>, salt: u8) -> Layout {
	Layout::build(
		LayoutParams {
			media_type: BoundedVec::truncate_from(vec![b'v'; 128]),
			metadata_hash: [salt; 32],
			k: 4,
			n: N,
			key_commitment: key_commitment(&[salt; 32]),
			packaging: Packaging::Bytes,
		},
		segments,
	)
}

fn creator<T: Config>() -> T::AccountId {
	let who: T::AccountId = account("creator", 0, 0);
	T::Currency::set_balance(&who, pop_primitives::currency::POP.saturating_mul(1_000_000));
	who
}

/// Registers `layout` (one page) as `creator`.
fn registered<T: Config>(who: &T::AccountId, layout: Layout) -> ContentId {
	let id = layout.content_id();
	let page = layout.page(0);
	Pallet::<T>::register(
		RawOrigin::Signed(who.clone()).into(),
		layout.manifest,
		page,
		Pricing::Free,
	)
	.expect("registers");
	id
}

/// Registers content as `who` and leaves it needing review (as a certificate would).
fn needs_review<T: Config>(who: &T::AccountId) -> ContentId {
	let id = registered::<T>(who, manifest(1, 9));
	Contents::<T>::mutate(id, |c| {
		if let Some(c) = c {
			c.status = Status::NeedsReview;
		}
	});
	id
}

/// A moderation set of `m` members with keys in the benchmark keystore.
fn moderators<T: Config>(m: u32) -> Vec<sp_core::ed25519::Public> {
	let keys: Vec<_> = (0..m).map(|_| sp_io::crypto::ed25519_generate(DUMMY, None)).collect();
	T::Moderators::set_members(
		keys.iter().enumerate().map(|(i, k)| (account("moderator", i as u32, 0), k.0)).collect(),
	);
	keys
}

/// Publishes `id` with a certificate of the whole set.
fn publish<T: Config>(id: ContentId, keys: &[sp_core::ed25519::Public]) {
	let era = T::Moderators::era();
	let sigs = sign::<T>(id, era, keys);
	Pallet::<T>::submit_verdict(
		RawOrigin::Signed(account("submitter", 0, 0)).into(),
		id,
		Verdict::Approve,
		[0; 32],
		era,
		scores(keys),
		sigs,
	)
	.expect("approves");
}

/// A score from every member of `keys`.
fn scores(keys: &[sp_core::ed25519::Public]) -> Scores {
	BoundedVec::truncate_from(
		keys.iter()
			.map(|k| pop_primitives::content::MemberScore { member: k.0, score: Some(12_345) })
			.collect(),
	)
}

fn sign<T: Config>(id: ContentId, era: u32, keys: &[sp_core::ed25519::Public]) -> Signatures {
	let payload = VerdictStatement {
		content: id,
		verdict: Verdict::Approve,
		model_hash: [0; 32],
		era,
		scores: scores(keys).to_vec(),
	}
	.signing_payload(&crate::certificate::genesis_hash::<T>());
	BoundedVec::truncate_from(
		keys.iter()
			.map(|k| {
				let sig = sp_io::crypto::ed25519_sign(DUMMY, k, &payload).expect("keystore signs");
				(k.0, sig.0)
			})
			.collect(),
	)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register(s: Linear<8, 2048>, m: Linear<8, 1000>) {
		masternodes::<T>(m);
		let who = creator::<T>();
		let layout = manifest(s / u32::from(N), 1);
		let id = layout.content_id();
		let page = layout.page(0);
		#[extrinsic_call]
		_(RawOrigin::Signed(who), layout.manifest, page, Pricing::Free);
		assert_eq!(Contents::<T>::get(id).expect("registered").status, Status::Pending);
	}

	#[benchmark]
	fn submit_verdict(m: Linear<1, 31>) {
		masternodes::<T>(u32::from(N));
		let id = registered::<T>(&creator::<T>(), manifest(1, 1));
		let keys = moderators::<T>(m);
		let era = T::Moderators::era();
		let sigs = sign::<T>(id, era, &keys);
		#[extrinsic_call]
		_(
			RawOrigin::Signed(account("submitter", 0, 0)),
			id,
			Verdict::Approve,
			[0; 32],
			era,
			scores(&keys),
			sigs,
		);
		assert_eq!(Contents::<T>::get(id).expect("registered").status, Status::Approved);
	}

	#[benchmark]
	fn release_keys(m: Linear<1, 31>) {
		masternodes::<T>(u32::from(N));
		let who = creator::<T>();
		let id = registered::<T>(&who, manifest(1, 1));
		let keys = moderators::<T>(m);
		let era = T::Moderators::era();
		let sealed = BoundedVec::truncate_from(
			keys.iter()
				.map(|k| SealedKey { member: k.0, ephemeral: [1; 32], ciphertext: [2; 48] })
				.collect(),
		);
		#[extrinsic_call]
		_(RawOrigin::Signed(who), id, era, sealed);
		assert_eq!(SealedKeys::<T>::get(id).expect("released").keys.len() as u32, m);
	}

	#[benchmark]
	fn remove(s: Linear<8, 2048>) {
		masternodes::<T>(u32::from(N));
		let who = creator::<T>();
		let id = registered::<T>(&who, manifest(s / u32::from(N), 1));
		publish::<T>(id, &moderators::<T>(1));
		#[extrinsic_call]
		_(RawOrigin::Signed(who), id, s);
		assert!(!Contents::<T>::contains_key(id));
	}

	#[benchmark]
	fn prove() {
		let nodes = masternodes::<T>(u32::from(N));
		let data = vec![7u8; MAX_SHARD_LEN as usize];
		let mut segments = manifest(1, 1).segments;
		// One segment of the largest shards: 4 × 16 MiB sealed.
		segments[0].shard_len = MAX_SHARD_LEN;
		segments[0].plain_len = 4 * MAX_SHARD_LEN - 16;
		segments[0].shards[0] = shard_hash(&data);
		let id = registered::<T>(&creator::<T>(), layout(segments, 1));
		let node = Segments::<T>::get(id, 0).expect("placed").holders[0].clone();
		assert!(nodes.contains(&node));
		// The last chunk: the deepest path of the tree.
		let chunk = pop_primitives::content::chunk_count(MAX_SHARD_LEN) - 1;
		let deadline = frame_system::Pallet::<T>::block_number() + 10u32.into();
		Audits::<T>::insert(
			0,
			Audit { node: node.clone(), content: id, segment: 0, shard: 0, chunk, deadline },
		);
		let bytes = BoundedVec::truncate_from(chunk_data(&data, chunk).expect("chunk").to_vec());
		let proof = BoundedVec::truncate_from(chunk_proof(&data, chunk).expect("proof"));
		#[extrinsic_call]
		_(RawOrigin::Signed(node), 0, bytes, proof);
		assert!(!Audits::<T>::contains_key(0));
	}

	/// A proof over `n` shards of the largest size (the deepest chunk proofs) of a segment that
	/// is no codeword; the content, of that one segment, is taken down (the removal of more
	/// segments is charged as `remove`'s).
	#[benchmark]
	fn report_inconsistent(n: Linear<3, { pop_primitives::content::MAX_SHARDS }>) {
		masternodes::<T>(n);
		let chunk = pop_primitives::content::chunk_count(MAX_SHARD_LEN) - 1;
		let (mut chunks, mut proofs, mut hashes) = (Vec::new(), Vec::new(), Vec::new());
		for i in 0..n as u8 {
			let data = vec![i.wrapping_mul(37).wrapping_add(1); MAX_SHARD_LEN as usize];
			hashes.push(shard_hash(&data));
			chunks
				.push(BoundedVec::truncate_from(chunk_data(&data, chunk).expect("chunk").to_vec()));
			proofs.push(BoundedVec::truncate_from(chunk_proof(&data, chunk).expect("proof")));
		}
		let k = (n as u8 / 2).max(2);
		let segment = SegmentManifest {
			plain_len: u32::from(k) * MAX_SHARD_LEN - 16,
			duration: 0,
			shard_len: MAX_SHARD_LEN,
			shards: BoundedVec::truncate_from(hashes),
		};
		let mut manifest = layout(vec![segment.clone()], 3);
		manifest = Layout::build(
			LayoutParams {
				media_type: manifest.manifest.media_type.clone(),
				metadata_hash: manifest.manifest.metadata_hash,
				k,
				n: n as u8,
				key_commitment: manifest.manifest.key_commitment,
				packaging: Packaging::Bytes,
			},
			vec![segment],
		);
		let id = registered::<T>(&creator::<T>(), manifest);
		let reporter: T::AccountId = account("reporter", 0, 0);
		T::Currency::set_balance(&reporter, pop_primitives::currency::POP);
		#[extrinsic_call]
		_(
			RawOrigin::Signed(reporter),
			id,
			0,
			chunk,
			BoundedVec::truncate_from(chunks),
			BoundedVec::truncate_from(proofs),
			n,
		);
		assert!(ProvenInconsistent::<T>::contains_key(id));
	}

	#[benchmark]
	fn set_halted() -> Result<(), BenchmarkError> {
		let origin =
			T::HaltOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, true);
		assert!(Halted::<T>::get());
		Ok(())
	}

	/// `a` audits expire unanswered, each retiring its node (the costliest miss).
	#[benchmark]
	fn expire_audits(a: Linear<0, { T::AuditsPerPeriod::get() }>) {
		let nodes = masternodes::<T>(a.max(u32::from(N)));
		let now = frame_system::Pallet::<T>::block_number() + 100u32.into();
		let due = now - 1u32.into();
		for (i, node) in nodes.iter().take(a as usize).enumerate() {
			// Inside an open grace window, one miss from retirement.
			Misses::<T>::insert(node, T::MaxMisses::get().saturating_sub(1));
			MissWindow::<T>::insert(node, due);
			Audits::<T>::insert(
				i as u64,
				Audit {
					node: node.clone(),
					content: [0; 32],
					segment: 0,
					shard: 0,
					chunk: 0,
					deadline: due,
				},
			);
			AuditsDue::<T>::try_append(due, i as u64).expect("within the bound");
		}
		#[block]
		{
			Pallet::<T>::expire_audits(now);
		}
		assert_eq!(Audits::<T>::iter().count(), 0);
	}

	/// `a` audits drawn from published content.
	#[benchmark]
	fn issue_audits(a: Linear<0, { T::AuditsPerPeriod::get() }>) {
		masternodes::<T>(u32::from(N));
		let who = creator::<T>();
		let keys = moderators::<T>(1);
		for salt in 0..4 {
			let id = registered::<T>(&who, manifest(16, salt));
			publish::<T>(id, &keys);
		}
		let now = frame_system::Pallet::<T>::block_number() + 1u32.into();
		#[block]
		{
			Pallet::<T>::issue_audits(now, a);
		}
		assert_eq!(Audits::<T>::iter().count() as u32, a);
	}

	/// `r` shards move off a leaving node, each ranked against `m` masternodes in service.
	#[benchmark]
	fn reassign(r: Linear<0, { T::MaxReassignPerBlock::get() }>, m: Linear<9, 1000>) {
		let nodes = masternodes::<T>(m);
		let leaving = nodes[0].clone();
		// `r` segments, each with a shard on the leaving node and the others on the next nodes.
		let id = [1; 32];
		for segment in 0..r {
			let holders: Vec<_> = nodes.iter().take(usize::from(N)).cloned().collect();
			Segments::<T>::insert(
				id,
				segment,
				SegmentInfo {
					plain_len: (4 << 20) - 16,
					duration: 0,
					shard_len: 1 << 20,
					shards: BoundedVec::truncate_from(vec![[0; 32]; usize::from(N)]),
					holders: BoundedVec::truncate_from(holders),
				},
			);
			Holdings::<T>::insert(&leaving, (id, segment), 0);
		}
		T::Masternodes::retire(&leaving, sp_runtime::Perbill::zero());
		<Pallet<T> as pallet_masternodes::OnMasternodeLeave<T::AccountId>>::on_leave(&leaving);
		#[block]
		{
			Pallet::<T>::reassign_some(r);
		}
		assert_eq!(Holdings::<T>::iter_prefix(&leaving).count(), 0);
	}

	/// A creator appeals content the moderation set left for review, with the longest reason.
	#[benchmark]
	fn appeal() {
		masternodes::<T>(u32::from(N));
		let who = creator::<T>();
		let id = needs_review::<T>(&who);
		#[extrinsic_call]
		_(RawOrigin::Signed(who), id, vec![b'x'; MAX_REASON_LEN as usize]);
		assert!(Appeals::<T>::contains_key(id));
	}

	/// The moderation track upholds an appeal (the costlier ruling: it publishes the content
	/// and returns the deposit), with the longest reason.
	#[benchmark]
	fn rule() -> Result<(), BenchmarkError> {
		masternodes::<T>(u32::from(N));
		let who = creator::<T>();
		let id = needs_review::<T>(&who);
		Pallet::<T>::appeal(RawOrigin::Signed(who).into(), id, vec![b'x'; 8])
			.map_err(|_| BenchmarkError::Weightless)?;
		let origin =
			T::AppealOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, id, Verdict::Approve, vec![b'y'; MAX_REASON_LEN as usize]);
		assert!(Rulings::<T>::contains_key(id));
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
