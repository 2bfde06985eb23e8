use crate::{mock::*, pallet::*, types::*, Error, Event};
use frame_support::dispatch::DispatchResult;
use frame_support::{
	assert_noop, assert_ok,
	traits::{fungible::InspectHold, ConstU32},
	BoundedVec,
};
use pop_primitives::content::{
	chunk_data, chunk_proof, key_commitment, shard_hash, shard_len_for, Layout, LayoutParams,
	Manifest, MemberScore, Packaging, SealedKey, SegmentManifest, Verdict, VerdictStatement,
	MAX_SEGMENTS, MAX_SHARD_LEN, PAGE_SEGMENTS,
};
use sp_core::Pair;

/// Shard `shard` of segment `segment`: `len` bytes that differ from every other shard's.
fn shard_bytes(segment: u32, shard: u8, len: u32) -> Vec<u8> {
	(0..len).map(|i| (i as u64 * 7 + segment as u64 * 13 + shard as u64 * 29) as u8).collect()
}

/// A manifest of `segments` segments of `n` shards of 3,000 bytes, with its segments.
fn manifest(segments: u32, k: u8, n: u8) -> Layout {
	let segs = (0..segments)
		.map(|s| SegmentManifest {
			// Segments whose shards are exactly 3,000 bytes for this `k`.
			plain_len: 3_000 * u32::from(k) - 16,
			duration: 0,
			shard_len: 3_000,
			shards: BoundedVec::truncate_from(
				(0..n).map(|i| shard_hash(&shard_bytes(s, i, 3_000))).collect(),
			),
		})
		.collect();
	Layout::build(
		LayoutParams {
			media_type: BoundedVec::truncate_from(b"video/mp4".to_vec()),
			metadata_hash: [9; 32],
			k,
			n,
			key_commitment: key_commitment(&[3; 32]),
			packaging: Packaging::Bytes,
		},
		segs,
	)
}

/// `l` with its page hashes and totals computed again from its segments (after a test edits
/// them), keeping the manifest's other fields.
fn relayout(l: &Layout) -> Layout {
	let m = &l.manifest;
	let mut fresh = Layout::build(
		LayoutParams {
			media_type: m.media_type.clone(),
			metadata_hash: m.metadata_hash,
			k: m.k,
			n: m.n,
			key_commitment: m.key_commitment,
			packaging: m.packaging,
		},
		l.segments.clone(),
	);
	fresh.manifest.version = m.version;
	fresh
}

/// Six masternodes, 1..=6, over three regions.
fn six_masternodes() {
	for (who, region) in [(1, b"DE"), (2, b"DE"), (3, b"US"), (4, b"US"), (5, b"JP"), (6, b"JP")] {
		masternode(who, region);
	}
}

/// Registers `l` as creator 50: the manifest with its first page, then every other page.
fn register(l: &Layout) -> frame_support::dispatch::DispatchResult {
	register_as(50, l)
}

fn register_as(who: u64, l: &Layout) -> frame_support::dispatch::DispatchResult {
	Content::register(RuntimeOrigin::signed(who), l.manifest.clone(), l.page(0), Pricing::Free)
		.map(|_| ())
		.map_err(|e| e.error)?;
	for index in 1..l.manifest.pages.len() as u32 {
		Content::add_page(RuntimeOrigin::signed(who), l.content_id(), index, l.page(index))?;
	}
	Ok(())
}

/// A certificate's scores and signatures.
type Cert = (Scores, Signatures);

/// The scores members `0..4` voted with: member `i` scored `i` × 0.1 % (member 3 ran no
/// classifier).
fn scores() -> Scores {
	BoundedVec::truncate_from(
		(0..4u8)
			.map(|i| MemberScore {
				member: moderator(i).public().0,
				score: (i < 3).then_some(u32::from(i) * 1_000),
			})
			.collect(),
	)
}

/// Signatures of members `signers` over `verdict` on `content` in `era`, with [`scores`].
fn sign(content: [u8; 32], verdict: Verdict, era: u32, signers: &[u8]) -> Cert {
	sign_scores(content, verdict, era, signers, scores())
}

fn sign_scores(
	content: [u8; 32],
	verdict: Verdict,
	era: u32,
	signers: &[u8],
	scores: Scores,
) -> Cert {
	let payload =
		VerdictStatement { content, verdict, model_hash: [5; 32], era, scores: scores.to_vec() }
			.signing_payload(&crate::certificate::genesis_hash::<Test>());
	let sigs = BoundedVec::truncate_from(
		signers
			.iter()
			.map(|i| (moderator(*i).public().0, moderator(*i).sign(&payload).0))
			.collect(),
	);
	(scores, sigs)
}

fn submit(content: [u8; 32], verdict: Verdict, (scores, sigs): Cert) -> DispatchResult {
	Content::submit_verdict(RuntimeOrigin::signed(7), content, verdict, [5; 32], 3, scores, sigs)
}

/// Checks the placement invariants of every segment of `id` and that `Holdings` mirrors it.
fn check_placement(id: [u8; 32]) {
	let info = Contents::<Test>::get(id).unwrap();
	// Holders are in service; suspended nodes (open grace windows) are not placement
	// candidates, so the regions a segment must cover are those of the candidates.
	let regions = <Masternodes as crate::MasternodeRegistry<u64>>::active();
	let mut all_regions: Vec<_> = Content::placement_candidates(0, 0).iter().map(|r| r.1).collect();
	all_regions.sort();
	all_regions.dedup();
	for s in 0..info.segments {
		let seg = Segments::<Test>::get(id, s).unwrap();
		let mut holders = seg.holders.to_vec();
		for (shard, h) in holders.iter().enumerate() {
			assert_eq!(Holdings::<Test>::get(h, (id, s)), Some(shard as u8));
		}
		holders.sort();
		holders.dedup();
		assert_eq!(holders.len(), usize::from(info.n), "distinct holders in segment {s}");
		let mut covered: Vec<_> = seg
			.holders
			.iter()
			.map(|h| regions.iter().find(|r| r.0 == *h).expect("holder in service").1)
			.collect();
		covered.sort();
		covered.dedup();
		assert!(
			covered.len() >= usize::from(info.n).min(all_regions.len()),
			"regions of {s}: holders {:?} cover {covered:?}, candidates' regions {all_regions:?}",
			seg.holders
		);
	}
}

#[test]
fn registering_places_every_shard_and_holds_the_deposit() {
	new_test_ext().execute_with(|| {
		six_masternodes();
		let m = manifest(3, 2, 3);
		let id = m.content_id();
		assert_ok!(register(&m));
		let info = Contents::<Test>::get(id).unwrap();
		assert_eq!((info.status, info.segments, info.k, info.n), (Status::Pending, 3, 2, 3));
		// Base, 9 shards, and 27,000 stored bytes rounded up to one MiB at 2 a MiB.
		assert_eq!(info.deposit, 10 + 9 + 2);
		assert_eq!(Balances::balance_on_hold(&HoldReason::ContentDeposit.into(), &50), 21);
		assert!(events().contains(&Event::ContentRegistered {
			content: id,
			creator: 50,
			segments: 3,
			k: 2,
			n: 3,
			deposit: 21
		}));
		check_placement(id);
		assert_eq!(Content::pending(), vec![id]);
		// What each node is told to hold adds up to every shard, with the manifest's hashes.
		let assigned: usize = (1..=6).map(|n| Content::assignments(&n).len()).sum();
		assert_eq!(assigned, 9);
		for a in Content::assignments(&1) {
			assert_eq!(a.shard_hash, m.segments[a.segment as usize].shards[a.shard as usize]);
		}
		let view = Content::content_view(id).unwrap();
		assert_eq!(view.segments.len(), 3);
		assert_noop!(register(&m), Error::<Test>::AlreadyRegistered);
	});
}

#[test]
fn bad_manifests_fail_with_clear_errors_and_take_nothing() {
	new_test_ext().execute_with(|| {
		six_masternodes();
		assert_noop!(register(&manifest(2, 5, 4)), Error::<Test>::KGreaterThanN);
		assert_noop!(register(&manifest(2, 1, 4)), Error::<Test>::KTooSmall);
		assert_noop!(register(&manifest(2, 4, 7)), Error::<Test>::NotEnoughMasternodes);
		assert_noop!(register(&manifest(2, 4, 33)), Error::<Test>::TooManyShards);
		let mut m = manifest(2, 2, 4);
		m.manifest.total_size = 30_000;
		assert_noop!(register(&m), Error::<Test>::TotalsMismatch);
		let mut m = manifest(2, 2, 4);
		m.segments[0].shards.pop();
		assert_noop!(register(&relayout(&m)), Error::<Test>::ShardCountMismatch);
		let mut m = manifest(2, 2, 4);
		m.segments[1].shard_len = 17 * 1024 * 1024;
		assert_noop!(register(&relayout(&m)), Error::<Test>::BadShardLength);
		let mut m = manifest(2, 2, 4);
		m.segments[1].duration = 90;
		assert_noop!(register(&relayout(&m)), Error::<Test>::BadDuration);
		let mut m = manifest(2, 2, 4);
		m.manifest.media_type = BoundedVec::new();
		assert_noop!(register(&m), Error::<Test>::BadMediaType);
		let mut m = manifest(2, 2, 4);
		m.manifest.version = 9;
		assert_noop!(register(&m), Error::<Test>::UnknownManifestVersion);
		let mut m = manifest(2, 2, 4);
		m.manifest.segments = MAX_SEGMENTS + 1;
		assert_noop!(register(&m), Error::<Test>::TooManySegments);
		let mut m = manifest(2, 2, 4);
		m.manifest.pages.try_push([0; 32]).unwrap();
		assert_noop!(register(&m), Error::<Test>::PageCountMismatch);
		// A first page that is not the one the manifest hashed, or is cut short.
		let m = manifest(2, 2, 4);
		let mut page = m.page(0);
		page[1].shards[0] = [0; 32];
		let forged =
			Content::register(RuntimeOrigin::signed(50), m.manifest.clone(), page, Pricing::Free);
		assert_eq!(forged.map_err(|e| e.error), Err(Error::<Test>::PageHashMismatch.into()));
		let mut short = m.page(0);
		short.pop();
		let short =
			Content::register(RuntimeOrigin::signed(50), m.manifest.clone(), short, Pricing::Free);
		assert_eq!(short.map_err(|e| e.error), Err(Error::<Test>::PageLengthMismatch.into()));
		// An account that cannot hold the deposit.
		assert_noop!(register_as(60, &manifest(2, 2, 4)), Error::<Test>::InsufficientDeposit);
		// An oversized media type does not even decode.
		use codec::{Decode, Encode};
		let mut m = manifest(1, 2, 4).manifest;
		let long: Vec<u8> = vec![b'a'; 129];
		let mut bytes = m.version.encode();
		bytes.extend(long.encode());
		m.media_type = BoundedVec::new();
		bytes.extend(m.encode()[2..].to_vec());
		assert!(Manifest::decode(&mut &bytes[..]).is_err());
		// Halted by the emergency origin: no registrations, until resumed.
		assert_noop!(
			Content::set_halted(RuntimeOrigin::signed(1), true),
			sp_runtime::DispatchError::BadOrigin
		);
		assert_ok!(Content::set_halted(RuntimeOrigin::root(), true));
		assert_noop!(register(&manifest(2, 2, 4)), Error::<Test>::Halted);
		assert_ok!(Content::set_halted(RuntimeOrigin::root(), false));
		assert!(events().contains(&Event::HaltSet { halted: true }));
		assert_ok!(register(&manifest(2, 2, 4)));
	});
}

#[test]
fn certificates_are_checked_before_anything_changes() {
	new_test_ext().execute_with(|| {
		six_masternodes();
		let m = manifest(1, 2, 4);
		let id = m.content_id();
		assert_ok!(register(&m));
		// Four members: the quorum is three.
		assert_noop!(
			submit(id, Verdict::Approve, sign(id, Verdict::Approve, 3, &[0, 1])),
			Error::<Test>::TooFewSigners
		);
		assert_noop!(
			submit(id, Verdict::Approve, sign(id, Verdict::Approve, 3, &[0, 1, 1])),
			Error::<Test>::DuplicateSigner
		);
		assert_noop!(
			submit(id, Verdict::Approve, sign(id, Verdict::Approve, 3, &[0, 1, 9])),
			Error::<Test>::NotInModerationSet
		);
		// Signed for era 2, submitted as era 2: stale.
		assert_noop!(
			{
				let (scores, sigs) = sign(id, Verdict::Approve, 2, &[0, 1, 2]);
				Content::submit_verdict(
					RuntimeOrigin::signed(7),
					id,
					Verdict::Approve,
					[5; 32],
					2,
					scores,
					sigs,
				)
			},
			Error::<Test>::WrongEra
		);
		// Signed for era 2, claimed as era 3: the signatures do not verify.
		assert_noop!(
			submit(id, Verdict::Approve, sign(id, Verdict::Approve, 2, &[0, 1, 2])),
			Error::<Test>::BadSignature
		);
		// Signatures over other content, or another verdict.
		assert_noop!(
			submit(id, Verdict::Approve, sign([1; 32], Verdict::Approve, 3, &[0, 1, 2])),
			Error::<Test>::BadSignature
		);
		assert_noop!(
			submit(id, Verdict::Approve, sign(id, Verdict::Reject, 3, &[0, 1, 2])),
			Error::<Test>::BadSignature
		);
		assert_noop!(
			submit([1; 32], Verdict::Approve, sign([1; 32], Verdict::Approve, 3, &[0, 1, 2])),
			Error::<Test>::UnknownContent
		);
		assert_eq!(Contents::<Test>::get(id).unwrap().status, Status::Pending);
		assert!(Points::get().is_empty());

		// Needs review, then approved by a later certificate of all four.
		assert_ok!(submit(id, Verdict::NeedsReview, sign(id, Verdict::NeedsReview, 3, &[0, 1, 2])));
		assert_eq!(Contents::<Test>::get(id).unwrap().status, Status::NeedsReview);
		assert_eq!(Content::pending(), vec![id]);
		assert_ok!(submit(id, Verdict::Approve, sign(id, Verdict::Approve, 3, &[3, 2, 1, 0])));
		let info = Contents::<Test>::get(id).unwrap();
		assert_eq!(info.status, Status::Approved);
		assert_eq!(
			info.decision,
			Some(Decision { verdict: Verdict::Approve, model_hash: [5; 32], era: 3, signers: 4 })
		);
		assert!(events().contains(&Event::ContentPublished { content: id }));
		assert_eq!(PublishedCount::<Test>::get(), 1);
		assert!(Content::pending().is_empty());
		// Signers earned points: three, then four.
		let moderated: Vec<u64> = Points::get().iter().filter(|p| p.1).map(|p| p.0).collect();
		assert_eq!(moderated, vec![101, 102, 103, 104, 103, 102, 101]);
		// Decided for good.
		assert_noop!(
			submit(id, Verdict::Reject, sign(id, Verdict::Reject, 3, &[0, 1, 2])),
			Error::<Test>::AlreadyDecided
		);

		// A rejection: never published.
		let m = manifest(2, 2, 4);
		let other = m.content_id();
		assert_ok!(register(&m));
		assert_ok!(submit(other, Verdict::Reject, sign(other, Verdict::Reject, 3, &[1, 2, 3])));
		assert_eq!(Contents::<Test>::get(other).unwrap().status, Status::Rejected);
		assert_eq!(PublishedCount::<Test>::get(), 1);
	});
}

/// Registers and approves content of `segments` segments of 4 shards; returns its id.
fn published(segments: u32) -> [u8; 32] {
	let m = manifest(segments, 2, 4);
	let id = m.content_id();
	assert_ok!(register(&m));
	assert_ok!(submit(id, Verdict::Approve, sign(id, Verdict::Approve, 3, &[0, 1, 2])));
	id
}

fn open_audit() -> (u64, Audit<u64, u64>) {
	let mut open: Vec<_> = Audits::<Test>::iter().collect();
	assert_eq!(open.len(), 1, "one audit open");
	open.pop().unwrap()
}

type Answer = (
	BoundedVec<u8, pop_primitives::content::MaxChunkLen>,
	BoundedVec<[u8; 32], pop_primitives::content::MaxProofLen>,
);

/// The honest answer to `audit`: the chunk of the real shard and its proof.
fn answer(audit: &Audit<u64, u64>) -> Answer {
	let data = shard_bytes(audit.segment, audit.shard, 3_000);
	(
		BoundedVec::truncate_from(chunk_data(&data, audit.chunk).unwrap().to_vec()),
		BoundedVec::truncate_from(chunk_proof(&data, audit.chunk).unwrap()),
	)
}

#[test]
fn audits_pass_with_a_proof_and_fail_without_one() {
	new_test_ext().execute_with(|| {
		six_masternodes();
		// Nothing published, nothing drawn.
		run_to(5);
		assert!(Audits::<Test>::iter().next().is_none());
		let id = published(3);
		run_to(10);
		let (audit_id, audit) = open_audit();
		assert_eq!(audit.content, id);
		assert_eq!(audit.deadline, 13);
		let holder =
			Segments::<Test>::get(id, audit.segment).unwrap().holders[audit.shard as usize];
		assert_eq!(audit.node, holder);
		assert!(events()
			.iter()
			.any(|e| matches!(e, Event::AuditIssued { audit: a, .. } if *a == audit_id)));
		let (data, proof) = answer(&audit);
		// Someone else cannot answer; a flipped byte or a truncated proof does not verify.
		let other = if audit.node == 1 { 2 } else { 1 };
		assert_noop!(
			Content::prove(RuntimeOrigin::signed(other), audit_id, data.clone(), proof.clone()),
			Error::<Test>::NotAuditee
		);
		let mut bad = data.clone();
		bad[0] ^= 0xff;
		assert_noop!(
			Content::prove(RuntimeOrigin::signed(audit.node), audit_id, bad, proof.clone()),
			Error::<Test>::InvalidProof
		);
		let short = BoundedVec::truncate_from(proof[1..].to_vec());
		assert_noop!(
			Content::prove(RuntimeOrigin::signed(audit.node), audit_id, data.clone(), short),
			Error::<Test>::InvalidProof
		);
		assert_noop!(
			Content::prove(RuntimeOrigin::signed(audit.node), 99, data.clone(), proof.clone()),
			Error::<Test>::UnknownAudit
		);
		// The real answer passes, before the deadline, and earns a point.
		run_to(13);
		assert_ok!(Content::prove(RuntimeOrigin::signed(audit.node), audit_id, data, proof));
		assert!(events().contains(&Event::AuditPassed { audit: audit_id, node: audit.node }));
		assert!(Points::get().contains(&(audit.node, false)));
		assert!(Audits::<Test>::get(audit_id).is_none());
		run_to(14);
		assert!(!events().iter().any(|e| matches!(e, Event::AuditMissed { .. })));
	});
}

#[test]
fn repeated_misses_retire_the_node_and_its_shards_move() {
	new_test_ext().execute_with(|| {
		six_masternodes();
		masternode(7, b"BR");
		let id = published(8);
		// Audits are drawn every five blocks and left unanswered.
		let mut missed: Vec<u64> = Vec::new();
		let mut retired = None;
		for block in (10..=200).step_by(5) {
			run_to(block);
			for e in events() {
				if let Event::AuditMissed { node, misses, .. } = e {
					missed.push(node);
					if misses == 2 {
						retired = Some(node);
					}
				}
			}
			if let Some(node) = retired.or_else(|| {
				// Retirement resets the count: a node that is no longer in service was retired.
				(1..=7).find(|n| !pallet_masternodes::Pallet::<Test>::is_active(n))
			}) {
				retired = Some(node);
				break;
			}
		}
		let node = retired.expect("some masternode missed twice in a row");
		assert!(!pallet_masternodes::Pallet::<Test>::is_active(&node));
		// 10 % of its 1,000 bond burned.
		let mn = pallet_masternodes::Masternodes::<Test>::get(node).unwrap();
		assert_eq!(mn.bond, 900);
		// Its shards move within a few blocks (4 per block), before the next audits expire
		// (blocks 5m + 4) and retire anyone else.
		let now = System::block_number();
		run_to(now + 3);
		assert!(Content::assignments(&node).is_empty());
		assert!(Departing::<Test>::get().is_empty());
		check_placement(id);
		assert!(events()
			.iter()
			.any(|e| matches!(e, Event::ShardReassigned { from, .. } if *from == node)));
	});
}

#[test]
fn a_node_that_unregisters_after_missing_audits_is_still_slashed() {
	new_test_ext().execute_with(|| {
		six_masternodes();
		masternode(7, b"BR");
		published(8);
		// The attack: a node with one miss (of the two that retire it) is audited again, and
		// unregisters instead of answering, hoping the miss no longer counts.
		let mut block = 10;
		let (id, audit) = loop {
			run_to(block);
			if let Some(open) = Audits::<Test>::iter().next() {
				break open;
			}
			block += 5;
		};
		let node = audit.node;
		Misses::<Test>::insert(node, 1);
		MissWindow::<Test>::insert(node, block);
		assert_ok!(pallet_masternodes::Pallet::<Test>::unregister(RuntimeOrigin::signed(node)));
		assert!(!pallet_masternodes::Pallet::<Test>::is_active(&node));
		run_to(audit.deadline + 1);
		assert!(Audits::<Test>::get(id).is_none());
		assert!(events()
			.iter()
			.any(|e| matches!(e, Event::AuditMissed { node: n, misses: 2, .. } if *n == node)));
		// 10 % of its 1,000 bond burned although it was leaving; it keeps its unlock block.
		let mn = pallet_masternodes::Masternodes::<Test>::get(node).unwrap();
		assert_eq!(mn.bond, 900);
		assert_eq!(
			Balances::balance_on_hold(
				&pallet_masternodes::HoldReason::MasternodeBond.into(),
				&node
			),
			900
		);
	});
}

/// Opens an audit of `node` (one of its shards of `id`), due at `deadline`.
fn audit_of(id: [u8; 32], node: u64, deadline: u64) -> u64 {
	let a = Content::assignments(&node).into_iter().find(|a| a.content == id).expect("a shard");
	let audit = NextAudit::<Test>::mutate(|n| {
		*n += 1;
		*n - 1
	});
	Audits::<Test>::insert(
		audit,
		Audit { node, content: id, segment: a.segment, shard: a.shard, chunk: 0, deadline },
	);
	AuditsDue::<Test>::try_append(deadline, audit).unwrap();
	audit
}

/// Runs to block `n`, answering every audit the chain draws on the way (so that only the
/// audits a test opens itself are missed).
fn run_answering_to(n: u64, mine: &[u64]) {
	while System::block_number() < n {
		run_to(System::block_number() + 1);
		let drawn: Vec<u64> = Audits::<Test>::iter_keys().filter(|a| !mine.contains(a)).collect();
		for audit in drawn {
			assert_ok!(answer_open(audit));
		}
	}
}

/// Answers `audit` with the real chunk of its shard.
fn answer_open(audit: u64) -> DispatchResult {
	let a = Audits::<Test>::get(audit).unwrap();
	let (data, proof) = answer(&a);
	Content::prove(RuntimeOrigin::signed(a.node), audit, data, proof)
}

#[test]
fn a_missed_audit_suspends_and_a_second_inside_the_grace_window_slashes() {
	new_test_ext().execute_with(|| {
		six_masternodes();
		masternode(7, b"BR");
		let id = published(6);
		// Only these audits: none drawn (no audit block on the way).
		let node = 1;
		let first = audit_of(id, node, 11);
		run_answering_to(12, &[first]);
		assert!(Audits::<Test>::get(first).is_none());
		assert!(events().contains(&Event::AuditMissed { audit: first, node, misses: 1 }));
		assert!(events().contains(&Event::MasternodeSuspended { node, until: 42 }));
		// Suspended, not slashed: still in service, its bond whole, no new placements.
		assert!(pallet_masternodes::Pallet::<Test>::is_active(&node));
		assert_eq!(pallet_masternodes::Masternodes::<Test>::get(node).unwrap().bond, 1_000);
		assert!(!Content::placement_candidates(0, 0).iter().any(|(who, _)| *who == node));
		let fresh = manifest(3, 2, 4);
		assert_ok!(register(&fresh));
		let fresh_id = fresh.content_id();
		for s in 0..3 {
			assert!(!Segments::<Test>::get(fresh_id, s).unwrap().holders.contains(&node));
		}
		// A pass inside the window does not wipe the miss.
		let passed = audit_of(id, node, 20);
		assert_ok!(answer_open(passed));
		assert_eq!(Misses::<Test>::get(node), 1);
		// The second miss inside the window retires it with a slash (10 % of 1,000).
		let second = audit_of(id, node, 30);
		run_answering_to(31, &[second]);
		assert!(events().contains(&Event::AuditMissed { audit: second, node, misses: 2 }));
		assert!(!pallet_masternodes::Pallet::<Test>::is_active(&node));
		assert_eq!(pallet_masternodes::Masternodes::<Test>::get(node).unwrap().bond, 900);
	});
}

#[test]
fn audits_of_one_node_due_in_one_block_count_as_one_miss() {
	new_test_ext().execute_with(|| {
		six_masternodes();
		masternode(7, b"BR");
		let id = published(6);
		let node = 1;
		// Four draws of one period land on node 1, all due at block 11; it is down for them.
		DrawsPerPeriod::set(4);
		let audits: Vec<u64> = (0..4).map(|_| audit_of(id, node, 11)).collect();
		run_answering_to(12, &audits);
		assert!(audits.iter().all(|a| Audits::<Test>::get(a).is_none()));
		assert_eq!(Misses::<Test>::get(node), 1, "one lapse, one miss");
		assert!(pallet_masternodes::Pallet::<Test>::is_active(&node), "suspended, not retired");
		assert_eq!(pallet_masternodes::Masternodes::<Test>::get(node).unwrap().bond, 1_000);
	});
}

#[test]
fn a_miss_after_the_grace_window_opens_a_new_one_instead_of_slashing() {
	new_test_ext().execute_with(|| {
		six_masternodes();
		masternode(7, b"BR");
		let id = published(6);
		let node = 1;
		let first = audit_of(id, node, 11);
		run_answering_to(12, &[first]);
		assert_eq!(Content::suspended_until(&node, 12), Some(42));
		// The window closes at block 42: placements come back, and a pass then forgets it.
		run_answering_to(42, &[]);
		assert_eq!(Content::suspended_until(&node, 42), None);
		assert!(Content::placement_candidates(0, 0).iter().any(|(who, _)| *who == node));
		let late = audit_of(id, node, 50);
		run_answering_to(51, &[late]);
		assert!(events().contains(&Event::AuditMissed { audit: late, node, misses: 1 }));
		assert!(events().contains(&Event::MasternodeSuspended { node, until: 81 }));
		assert!(pallet_masternodes::Pallet::<Test>::is_active(&node));
		assert_eq!(pallet_masternodes::Masternodes::<Test>::get(node).unwrap().bond, 1_000);
		run_answering_to(82, &[]);
		let passed = audit_of(id, node, 90);
		assert_ok!(answer_open(passed));
		assert!(MissWindow::<Test>::get(node).is_none());
		assert_eq!(Misses::<Test>::get(node), 0);
	});
}

#[test]
fn an_unregistered_node_hands_its_shards_over() {
	new_test_ext().execute_with(|| {
		six_masternodes();
		masternode(7, b"BR");
		masternode(8, b"DE");
		let id = published(6);
		// The node holding the most shards leaves.
		let leaving = (1..=8).max_by_key(|n| Content::assignments(n).len()).unwrap();
		let before = Content::assignments(&leaving);
		assert!(before.len() > 4);
		assert_ok!(pallet_masternodes::Pallet::<Test>::unregister(RuntimeOrigin::signed(leaving)));
		assert_eq!(Departing::<Test>::get().to_vec(), vec![leaving]);
		// Four shards per block.
		run_to(2);
		let moved = events().iter().filter(|e| matches!(e, Event::ShardReassigned { .. })).count();
		assert_eq!(moved, 4);
		run_to(5);
		assert!(Content::assignments(&leaving).is_empty());
		check_placement(id);
		for a in before {
			let seg = Segments::<Test>::get(id, a.segment).unwrap();
			let to = seg.holders[a.shard as usize];
			assert_ne!(to, leaving);
			assert!(events().contains(&Event::ShardReassigned {
				content: id,
				segment: a.segment,
				shard: a.shard,
				from: leaving,
				to
			}));
			// The new holder is told what to rebuild.
			assert!(Content::assignments(&to).contains(&a));
		}
	});
}

#[test]
fn when_no_node_is_free_a_shard_stays_unplaced() {
	new_test_ext().execute_with(|| {
		for who in 1..=4 {
			masternode(who, b"DE");
		}
		let id = published(1);
		assert_ok!(pallet_masternodes::Pallet::<Test>::unregister(RuntimeOrigin::signed(2)));
		run_to(2);
		assert!(events().contains(&Event::ShardUnplaced {
			content: id,
			segment: 0,
			shard: Segments::<Test>::get(id, 0)
				.unwrap()
				.holders
				.iter()
				.position(|h| *h == 2)
				.unwrap() as u8,
			from: 2
		}));
		assert!(Departing::<Test>::get().is_empty());
	});
}

#[test]
fn the_creator_removes_content_and_gets_the_deposit_back() {
	new_test_ext().execute_with(|| {
		six_masternodes();
		let id = published(2);
		let other = manifest(1, 2, 3);
		assert_ok!(register(&other));
		assert_noop!(Content::remove(RuntimeOrigin::signed(1), id, 8), Error::<Test>::NotCreator);
		assert_noop!(Content::remove(RuntimeOrigin::signed(50), id, 7), Error::<Test>::BadWitness);
		assert_noop!(
			Content::remove(RuntimeOrigin::signed(50), [0; 32], 8),
			Error::<Test>::UnknownContent
		);
		assert_ok!(Content::remove(RuntimeOrigin::signed(50), id, 8));
		assert!(events().contains(&Event::ContentRemoved { content: id, deposit: 20 }));
		assert_eq!(Balances::balance_on_hold(&HoldReason::ContentDeposit.into(), &50), 15);
		assert!(Contents::<Test>::get(id).is_none());
		assert_eq!(Segments::<Test>::iter_prefix(id).count(), 0);
		assert!((1..=6).all(|n| Content::assignments(&n).iter().all(|a| a.content != id)));
		assert_eq!(PublishedCount::<Test>::get(), 0);
		// No audits are drawn for removed content.
		run_to(20);
		assert!(Audits::<Test>::iter().next().is_none());
	});
}

/// A seal of content `id`'s key to member `i` (the bytes are the chain's business only as far
/// as the member key goes: opening is the sidecar's).
fn sealed(i: u8) -> SealedKey {
	SealedKey { member: moderator(i).public().0, ephemeral: [i; 32], ciphertext: [i; 48] }
}

fn release(who: u64, id: [u8; 32], era: u32, members: &[u8]) -> DispatchResult {
	Content::release_keys(
		RuntimeOrigin::signed(who),
		id,
		era,
		BoundedVec::truncate_from(members.iter().map(|i| sealed(*i)).collect()),
	)
	.map(|_| ())
	.map_err(|e| e.error)
}

#[test]
fn the_key_is_released_to_exactly_the_current_set() {
	new_test_ext().execute_with(|| {
		six_masternodes();
		let m = manifest(1, 2, 4);
		let id = m.content_id();
		assert_noop!(release(50, id, 3, &[0, 1, 2, 3]), Error::<Test>::UnknownContent);
		assert_ok!(register(&m));
		// Only the creator or a member; for the current era; every member once, no one else.
		assert_noop!(release(7, id, 3, &[0, 1, 2, 3]), Error::<Test>::NotCreatorOrModerator);
		assert_noop!(release(50, id, 4, &[0, 1, 2, 3]), Error::<Test>::WrongEra);
		assert_noop!(release(50, id, 3, &[0, 1, 2]), Error::<Test>::MissingSealedKey);
		assert_noop!(release(50, id, 3, &[0, 1, 2, 2]), Error::<Test>::DuplicateSealedKey);
		assert_noop!(release(50, id, 3, &[0, 1, 2, 3, 9]), Error::<Test>::NotInModerationSet);
		assert!(SealedKeys::<Test>::get(id).is_none());

		assert_ok!(release(50, id, 3, &[3, 1, 0, 2]));
		assert!(events().contains(&Event::KeysReleased { content: id, era: 3, members: 4 }));
		let release_then = SealedKeys::<Test>::get(id).expect("released");
		assert_eq!(release_then.era, 3);
		assert_eq!(release_then.keys[0], sealed(3));
		assert!(release_then.by_creator);
		assert_eq!(Content::sealed_keys_of(id), Some(release_then));
		// While the release covers the set, a member cannot replace it.
		assert_noop!(release(101, id, 3, &[0, 1, 2, 3]), Error::<Test>::AlreadyReleased);

		// A new set: a member of it re-seals, replacing the old release; once it covers the
		// set, other members cannot overwrite it, the creator can.
		Era::set(4);
		Members::set((1..5).map(|i| (101 + u64::from(i), moderator(i).public().0)).collect());
		assert_noop!(release(101, id, 4, &[1, 2, 3, 4]), Error::<Test>::NotCreatorOrModerator);
		assert_ok!(release(102, id, 4, &[1, 2, 3, 4]));
		let resealed = SealedKeys::<Test>::get(id).expect("released");
		assert_eq!((resealed.era, resealed.by_creator), (4, false));
		assert_noop!(release(103, id, 4, &[4, 3, 2, 1]), Error::<Test>::AlreadyReleased);
		assert_ok!(release(50, id, 4, &[4, 3, 2, 1]));
		assert!(SealedKeys::<Test>::get(id).expect("released").by_creator);

		// A verdict that decides drops the keys, and nothing more is released.
		// Era 4's set is members 1 to 4: the votes are theirs.
		let votes = BoundedVec::truncate_from(
			[1u8, 2, 3]
				.iter()
				.map(|i| MemberScore { member: moderator(*i).public().0, score: Some(990_000) })
				.collect(),
		);
		let (scores, sigs) = sign_scores(id, Verdict::Reject, 4, &[1, 2, 3], votes);
		assert_ok!(Content::submit_verdict(
			RuntimeOrigin::signed(7),
			id,
			Verdict::Reject,
			[5; 32],
			4,
			scores,
			sigs
		));
		assert!(SealedKeys::<Test>::get(id).is_none());
		assert_noop!(release(50, id, 4, &[1, 2, 3, 4]), Error::<Test>::AlreadyDecided);
	});
}

#[test]
fn removing_content_drops_its_released_key() {
	new_test_ext().execute_with(|| {
		six_masternodes();
		let m = manifest(1, 2, 4);
		let id = m.content_id();
		assert_ok!(register(&m));
		assert_ok!(release(50, id, 3, &[0, 1, 2, 3]));
		assert_ok!(Content::remove(RuntimeOrigin::signed(50), id, 8));
		assert!(SealedKeys::<Test>::get(id).is_none());
	});
}

#[test]
fn the_pending_index_follows_every_status_change() {
	new_test_ext().execute_with(|| {
		six_masternodes();
		let (a, b, c) = (manifest(1, 2, 4), manifest(2, 2, 4), manifest(1, 2, 3));
		let (ida, idb, idc) = (a.content_id(), b.content_id(), c.content_id());
		for m in [&a, &b, &c] {
			assert_ok!(register(m));
		}
		let pending = |mut ids: Vec<[u8; 32]>| {
			ids.sort();
			let mut listed = Content::pending();
			listed.sort();
			assert_eq!(listed, ids);
			assert_ok!(Content::check_awaiting());
		};
		pending(vec![ida, idb, idc]);
		// Approved and rejected content leaves the index; needing review keeps it there.
		assert_ok!(submit(ida, Verdict::Approve, sign(ida, Verdict::Approve, 3, &[0, 1, 2])));
		assert_ok!(submit(
			idb,
			Verdict::NeedsReview,
			sign(idb, Verdict::NeedsReview, 3, &[0, 1, 2])
		));
		pending(vec![idb, idc]);
		assert_ok!(submit(idb, Verdict::Reject, sign(idb, Verdict::Reject, 3, &[0, 1, 2])));
		pending(vec![idc]);
		// Removed by its creator while pending.
		assert_ok!(Content::remove(RuntimeOrigin::signed(50), idc, 8));
		pending(vec![]);
		assert_eq!(Awaiting::<Test>::count(), 0);
	});
}

#[test]
fn migration_v1_indexes_what_awaits_a_verdict_once() {
	use crate::migrations::v1::MigrateToV1;
	use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};
	new_test_ext().execute_with(|| {
		six_masternodes();
		let (a, b, c) = (manifest(1, 2, 4), manifest(2, 2, 4), manifest(1, 2, 3));
		for m in [&a, &b, &c] {
			assert_ok!(register(m));
		}
		let (ida, idb) = (a.content_id(), b.content_id());
		assert_ok!(submit(ida, Verdict::Approve, sign(ida, Verdict::Approve, 3, &[0, 1, 2])));
		assert_ok!(submit(
			idb,
			Verdict::NeedsReview,
			sign(idb, Verdict::NeedsReview, 3, &[0, 1, 2])
		));
		// A chain as version 0 left it: no index.
		let _ = Awaiting::<Test>::clear(u32::MAX, None);
		StorageVersion::new(0).put::<Content>();
		assert!(Content::check_awaiting().is_err(), "the invariant sees the missing index");

		MigrateToV1::<Test>::on_runtime_upgrade();
		assert_eq!(Content::on_chain_storage_version(), 1);
		assert_eq!(Awaiting::<Test>::count(), 2, "b needs review, c is pending");
		assert_ok!(Content::check_awaiting());

		// A second run (the version is 1 now) changes nothing.
		Awaiting::<Test>::remove(idb);
		MigrateToV1::<Test>::on_runtime_upgrade();
		assert!(!Awaiting::<Test>::contains_key(idb), "skipped at version 1");
	});
}

/// Registers content of `segments` segments and certifies `verdict` on it; returns its id.
fn decided(segments: u32, verdict: Verdict) -> [u8; 32] {
	let m = manifest(segments, 2, 4);
	let id = m.content_id();
	assert_ok!(register(&m));
	assert_ok!(submit(id, verdict, sign(id, verdict, 3, &[0, 1, 2])));
	id
}

fn appeal(who: u64, id: [u8; 32], reason: &[u8]) -> DispatchResult {
	Content::appeal(RuntimeOrigin::signed(who), id, reason.to_vec())
}

fn appeal_held(who: u64) -> u128 {
	Balances::balance_on_hold(&HoldReason::AppealDeposit.into(), &who)
}

#[test]
fn an_appeal_of_content_left_for_review_is_upheld_and_publishes_it() {
	new_test_ext().execute_with(|| {
		six_masternodes();
		let id = decided(5, Verdict::NeedsReview);
		assert_eq!(Contents::<Test>::get(id).unwrap().status, Status::NeedsReview);
		assert_ok!(appeal(50, id, b"a cello recording: nothing to score"));
		assert_eq!(appeal_held(50), 100);
		assert!(events().contains(&Event::Appealed { content: id, appellant: 50, deposit: 100 }));
		assert_eq!(
			Content::review_of(id).appeal.unwrap().reason.to_vec(),
			b"a cello recording: nothing to score".to_vec()
		);
		// The moderation track (root in this mock) rules.
		assert_ok!(Content::rule(
			RuntimeOrigin::root(),
			id,
			Verdict::Approve,
			b"listened: fine".to_vec()
		));
		let info = Contents::<Test>::get(id).unwrap();
		assert_eq!(info.status, Status::Approved);
		assert!(PublishedIndex::<Test>::contains_key(id), "audited like any published content");
		assert!(Awaiting::<Test>::get(id).is_none());
		assert_eq!(appeal_held(50), 0, "the deposit came back");
		let review = Content::review_of(id);
		assert!(review.appeal.is_none());
		let ruling = review.ruling.unwrap();
		assert_eq!(
			(ruling.verdict, ruling.by, ruling.appellant),
			(Verdict::Approve, Ruler::Governance, Some(50))
		);
		assert_eq!(ruling.reason.to_vec(), b"listened: fine".to_vec());
		assert!(events().contains(&Event::Ruled {
			content: id,
			verdict: Verdict::Approve,
			appellant: Some(50),
			deposit_returned: true
		}));
		assert!(events().contains(&Event::ContentPublished { content: id }));
	});
}

#[test]
fn a_rejected_appeal_burns_the_deposit_and_the_ruling_is_final() {
	new_test_ext().execute_with(|| {
		six_masternodes();
		let id = decided(6, Verdict::Reject);
		let before =
			<Balances as frame_support::traits::fungible::Inspect<u64>>::total_balance(&50);
		assert_ok!(appeal(50, id, b"the model is wrong"));
		assert_ok!(Content::rule(
			RuntimeOrigin::root(),
			id,
			Verdict::Reject,
			b"it is not".to_vec()
		));
		assert_eq!(Contents::<Test>::get(id).unwrap().status, Status::Rejected);
		assert_eq!(appeal_held(50), 0);
		assert_eq!(
			<Balances as frame_support::traits::fungible::Inspect<u64>>::total_balance(&50),
			before - 100,
			"the deposit was burned"
		);
		// Final: no second appeal, no second ruling, no certificate.
		assert_noop!(appeal(50, id, b"again"), Error::<Test>::AlreadyRuled);
		assert_noop!(
			Content::rule(RuntimeOrigin::root(), id, Verdict::Approve, b"changed".to_vec()),
			Error::<Test>::AlreadyRuled
		);
		assert_noop!(
			submit(id, Verdict::Approve, sign(id, Verdict::Approve, 3, &[0, 1, 2])),
			Error::<Test>::AlreadyDecided
		);
	});
}

#[test]
fn content_left_for_review_can_be_referred_without_an_appeal() {
	new_test_ext().execute_with(|| {
		six_masternodes();
		let id = decided(7, Verdict::NeedsReview);
		assert_ok!(Content::rule(RuntimeOrigin::root(), id, Verdict::Reject, b"graphic".to_vec()));
		assert_eq!(Contents::<Test>::get(id).unwrap().status, Status::Rejected);
		assert_eq!(Content::review_of(id).ruling.unwrap().appellant, None);
		assert!(events().contains(&Event::Ruled {
			content: id,
			verdict: Verdict::Reject,
			appellant: None,
			deposit_returned: false
		}));
	});
}

#[test]
fn a_certificate_that_decides_first_closes_the_appeal_and_returns_the_deposit() {
	new_test_ext().execute_with(|| {
		six_masternodes();
		let id = decided(8, Verdict::NeedsReview);
		assert_ok!(appeal(50, id, b"please look"));
		assert_ok!(submit(id, Verdict::Approve, sign(id, Verdict::Approve, 3, &[0, 1, 2])));
		assert_eq!(appeal_held(50), 0);
		assert!(Content::review_of(id).appeal.is_none());
		assert!(events().contains(&Event::AppealClosed { content: id, appellant: 50 }));
	});
}

/// The attack: a creator whose appeal is about to be rejected removes the content to get the
/// appeal deposit back and erase the record. Removing withdraws the appeal and burns the
/// deposit; a ruling already made stays on record.
#[test]
fn removing_content_under_appeal_burns_the_deposit_and_keeps_rulings() {
	new_test_ext().execute_with(|| {
		six_masternodes();
		let total =
			|who| <Balances as frame_support::traits::fungible::Inspect<u64>>::total_balance(&who);
		let other = decided(9, Verdict::Reject);
		assert_ok!(appeal(50, other, b"please look"));
		let before = total(50);
		assert_ok!(Content::remove(RuntimeOrigin::signed(50), other, 36));
		assert_eq!(appeal_held(50), 0);
		assert_eq!(total(50), before - 100, "the appeal deposit was burned, not returned");
		assert!(events().contains(&Event::AppealWithdrawn {
			content: other,
			appellant: 50,
			burned: 100
		}));
		assert!(Content::review_of(other).appeal.is_none());
		// Ruled content removed: the ruling is still there for anyone to read.
		let ruled = decided(10, Verdict::NeedsReview);
		assert_ok!(Content::rule(
			RuntimeOrigin::root(),
			ruled,
			Verdict::Reject,
			b"graphic".to_vec()
		));
		assert_ok!(Content::remove(RuntimeOrigin::signed(50), ruled, 80));
		let ruling = Content::review_of(ruled).ruling.expect("the ruling stays on record");
		assert_eq!(
			(ruling.verdict, ruling.reason.to_vec()),
			(Verdict::Reject, b"graphic".to_vec())
		);
	});
}

/// With fewer good masternodes than a segment's shards, a suspended node still takes
/// placements (ranked with the others), so a small network keeps accepting uploads.
#[test]
fn suspended_nodes_take_placements_only_when_too_few_others_remain() {
	new_test_ext().execute_with(|| {
		for (who, region) in [(1, b"DE"), (2, b"US"), (3, b"JP"), (4, b"BR")] {
			masternode(who, region);
		}
		let id = published(2);
		let node = 1;
		let first = audit_of(id, node, 11);
		run_answering_to(12, &[first]);
		assert!(Content::suspended_until(&node, 12).is_some());
		assert_eq!(Content::placement_candidates(3, 0).len(), 3, "enough without it");
		assert_eq!(Content::placement_candidates(4, 0).len(), 4, "too few without it");
		// n = 4 of 4 nodes, one suspended: the upload is placed, on all four.
		let fresh = manifest(1, 2, 4);
		assert_ok!(register(&fresh));
		assert!(Segments::<Test>::get(fresh.content_id(), 0).unwrap().holders.contains(&node));
	});
}

#[test]
fn malformed_appeals_and_rulings_get_clear_errors_and_change_nothing() {
	new_test_ext().execute_with(|| {
		six_masternodes();
		let pending = manifest(2, 2, 4);
		let pending_id = pending.content_id();
		assert_ok!(register(&pending));
		let approved = decided(10, Verdict::Approve);
		let review = {
			let m = manifest(3, 2, 4);
			assert_ok!(register(&m));
			let id = m.content_id();
			assert_ok!(submit(
				id,
				Verdict::NeedsReview,
				sign(id, Verdict::NeedsReview, 3, &[0, 1, 2])
			));
			id
		};
		assert_noop!(appeal(50, [7; 32], b"why"), Error::<Test>::UnknownContent);
		assert_noop!(appeal(50, pending_id, b"why"), Error::<Test>::NotAppealable);
		assert_noop!(appeal(50, approved, b"why"), Error::<Test>::NotAppealable);
		assert_noop!(appeal(1, review, b"why"), Error::<Test>::NotCreator);
		assert_noop!(appeal(50, review, b""), Error::<Test>::EmptyReason);
		assert_noop!(appeal(50, review, &[b'x'; 513]), Error::<Test>::ReasonTooLong);
		assert_ok!(appeal(50, review, &[b'x'; 512]));
		assert_noop!(appeal(50, review, b"twice"), Error::<Test>::AlreadyAppealed);
		assert_noop!(
			Content::rule(RuntimeOrigin::signed(50), review, Verdict::Approve, b"me".to_vec()),
			sp_runtime::DispatchError::BadOrigin
		);
		assert_noop!(
			Content::rule(RuntimeOrigin::root(), review, Verdict::NeedsReview, b"hm".to_vec()),
			Error::<Test>::NotAFinalVerdict
		);
		assert_noop!(
			Content::rule(RuntimeOrigin::root(), pending_id, Verdict::Approve, b"early".to_vec()),
			Error::<Test>::NotAppealable
		);
		assert_noop!(
			Content::rule(RuntimeOrigin::root(), review, Verdict::Approve, Vec::new()),
			Error::<Test>::EmptyReason
		);
		assert_eq!(Contents::<Test>::get(review).unwrap().status, Status::NeedsReview);
	});
}

#[test]
fn a_creator_who_cannot_hold_the_appeal_deposit_is_told_so() {
	new_test_ext().execute_with(|| {
		six_masternodes();
		let id = decided(11, Verdict::Reject);
		// The creator spends down to less than the deposit.
		let spare = Balances::free_balance(50) - 50;
		assert_ok!(<Balances as frame_support::traits::fungible::Mutate<u64>>::transfer(
			&50,
			&1,
			spare,
			frame_support::traits::tokens::Preservation::Expendable
		));
		assert_noop!(appeal(50, id, b"why"), Error::<Test>::InsufficientDeposit);
	});
}

/// The attack: a tiny content declaring the largest shards, so that masternodes set aside
/// 16 MiB per shard (128 GiB for a full manifest) for a deposit priced per shard. Shard
/// lengths must be what the segment sizes encode to, and the deposit follows the bytes.
#[test]
fn declared_shard_lengths_must_match_the_content_and_the_deposit_follows_the_bytes() {
	new_test_ext().execute_with(|| {
		six_masternodes();
		let mut m = manifest(2, 2, 4);
		for s in m.segments.iter_mut() {
			s.shard_len = MAX_SHARD_LEN;
		}
		assert_noop!(register(&relayout(&m)), Error::<Test>::ShardLengthMismatch);
		let mut m = manifest(2, 2, 4);
		m.segments[1].shard_len -= 2;
		assert_noop!(register(&relayout(&m)), Error::<Test>::ShardLengthMismatch);
		// A last segment shorter than the others has its own, shorter shards.
		let mut m = manifest(2, 2, 4);
		m.segments[1].plain_len -= 1_000;
		assert_noop!(register(&relayout(&m)), Error::<Test>::ShardLengthMismatch);
		m.segments[1].shard_len = shard_len_for(u64::from(m.segments[1].plain_len), 2) as u32;
		assert_ok!(register(&relayout(&m)));
		// Twice the bytes, more deposit: 200 segments of 4 × 3,000 bytes is 2.3 MiB.
		let big = manifest(200, 2, 4);
		assert_eq!(Content::deposit_for(&big.manifest), 10 + 800 + 3 * 2);
		assert!(
			Content::deposit_for(&big.manifest)
				> Content::deposit_for(&manifest(100, 2, 4).manifest)
		);
		// Totals that claim less than the pages hold are refused once the pages are in.
		let mut small = manifest(2, 2, 4);
		small.manifest.total_size = 2;
		assert_noop!(register(&small), Error::<Test>::TotalsMismatch);
	});
}

/// Placement leaves out masternodes without room for the content, says so when too few have
/// room, and gives the room back when the content is removed.
#[test]
fn placement_respects_capacity_and_removal_frees_it() {
	new_test_ext().execute_with(|| {
		six_masternodes();
		// Node 7 offers 10,000 bytes: room for three 3,000-byte shards.
		pallet_masternodes::Pallet::<Test>::register(
			RuntimeOrigin::signed(7),
			crate::mock::peer(7),
			crate::mock::addrs(),
			pallet_masternodes::Region(*b"BR"),
			10_000,
			1_000,
		)
		.unwrap();
		let four = manifest(4, 2, 7);
		assert_eq!(Content::placement_candidates(7, 12_000).len(), 6, "node 7 lacks room");
		assert_noop!(register(&four), Error::<Test>::NotEnoughCapacity);
		let three = manifest(3, 2, 7);
		assert_ok!(register(&three));
		assert_eq!(StoredBytes::<Test>::get(7), 9_000);
		assert_eq!(StoredBytes::<Test>::get(1), 9_000);
		Content::check_stored_bytes().unwrap();
		// Full now: a second content cannot use it.
		let other = manifest(1, 2, 7);
		assert_noop!(register(&other), Error::<Test>::NotEnoughCapacity);
		assert_ok!(Content::remove(RuntimeOrigin::signed(50), three.content_id(), 21));
		assert_eq!(StoredBytes::<Test>::get(7), 0);
		assert_ok!(register(&other));
		Content::check_stored_bytes().unwrap();
	});
}

/// The attack: a creator watches for an audit of its content and removes the content, so the
/// audited masternode cannot answer and misses; twice in a grace window would slash it. An
/// audit of a shard the node no longer holds is not a miss.
#[test]
fn removing_content_under_audit_costs_its_holders_nothing() {
	new_test_ext().execute_with(|| {
		six_masternodes();
		masternode(7, b"BR");
		let id = published(6);
		let node = 1;
		let first = audit_of(id, node, 11);
		let second = audit_of(id, node, 12);
		assert_ok!(Content::remove(RuntimeOrigin::signed(50), id, 48));
		run_answering_to(14, &[first, second]);
		assert!(Audits::<Test>::get(first).is_none() && Audits::<Test>::get(second).is_none());
		assert_eq!(Misses::<Test>::get(node), 0, "no miss");
		assert!(Content::suspended_until(&node, 12).is_none(), "not suspended");
		assert!(!events().iter().any(|e| matches!(e, Event::AuditMissed { .. })));
	});
}

/// Content removed after a ruling cannot be registered again under the same id as pending.
#[test]
fn ruled_content_cannot_come_back_as_pending() {
	new_test_ext().execute_with(|| {
		six_masternodes();
		let m = manifest(3, 2, 4);
		let id = m.content_id();
		assert_ok!(register(&m));
		assert_ok!(submit(id, Verdict::NeedsReview, sign(id, Verdict::NeedsReview, 3, &[0, 1, 2])));
		assert_ok!(Content::rule(RuntimeOrigin::root(), id, Verdict::Reject, b"no".to_vec()));
		assert_ok!(Content::remove(RuntimeOrigin::signed(50), id, 24));
		assert_noop!(register(&m), Error::<Test>::AlreadyRuled);
	});
}

/// Long content comes page by page: each page is checked against the manifest's hash for it
/// and placed when it arrives, pages come in order from the creator only, and the content is
/// neither reviewed nor public until the last page is in.
#[test]
fn long_content_registers_page_by_page_and_waits_for_its_last_page() {
	new_test_ext().execute_with(|| {
		six_masternodes();
		let l = manifest(2 * PAGE_SEGMENTS + 10, 2, 4);
		let id = l.content_id();
		assert_eq!(l.manifest.pages.len(), 3);
		assert_ok!(Content::register(
			RuntimeOrigin::signed(50),
			l.manifest.clone(),
			l.page(0),
			Pricing::Free
		));
		let info = Contents::<Test>::get(id).unwrap();
		assert_eq!(info.status, Status::Uploading);
		// The whole deposit is held at once: 10 + 2,096 shards + 6 MiB at 2.
		assert_eq!(info.deposit, 10 + 2088 + 2 * 6);
		assert!(Content::pending().is_empty(), "not reviewed while uploading");
		assert_eq!(Segments::<Test>::iter_prefix(id).count(), PAGE_SEGMENTS as usize);
		// Out of order, by someone else, or a page that is not the manifest's: refused.
		assert_noop!(
			Content::add_page(RuntimeOrigin::signed(50), id, 2, l.page(2)),
			Error::<Test>::WrongPage
		);
		assert_noop!(
			Content::add_page(RuntimeOrigin::signed(51), id, 1, l.page(1)),
			Error::<Test>::NotCreator
		);
		let mut forged = l.page(1);
		forged[0].shards[1] = [7; 32];
		assert_noop!(
			Content::add_page(RuntimeOrigin::signed(50), id, 1, forged),
			Error::<Test>::PageHashMismatch
		);
		assert_noop!(
			Content::add_page(RuntimeOrigin::signed(50), id, 1, l.page(2)),
			Error::<Test>::PageLengthMismatch
		);
		assert_ok!(Content::add_page(RuntimeOrigin::signed(50), id, 1, l.page(1)));
		assert_eq!(Contents::<Test>::get(id).unwrap().status, Status::Uploading);
		assert_ok!(Content::add_page(RuntimeOrigin::signed(50), id, 2, l.page(2)));
		assert_eq!(Contents::<Test>::get(id).unwrap().status, Status::Pending);
		assert!(events().contains(&Event::ContentUploaded { content: id }));
		assert_eq!(Content::pending(), vec![id]);
		assert_noop!(
			Content::add_page(RuntimeOrigin::signed(50), id, 3, l.page(2)),
			Error::<Test>::NotUploading
		);
		assert!(Uploads::<Test>::get(id).is_none());
		check_placement(id);
		Content::check_stored_bytes().unwrap();
		Content::check_awaiting().unwrap();
	});
}

/// Removing long content forgets its first page at once and the rest over the next blocks,
/// releasing every holder's bytes; its id cannot be registered again until that is done.
#[test]
fn removed_long_content_is_forgotten_over_blocks() {
	new_test_ext().execute_with(|| {
		six_masternodes();
		let l = manifest(2 * PAGE_SEGMENTS + 10, 2, 4);
		let id = l.content_id();
		assert_ok!(register(&l));
		assert!((1..=6).map(StoredBytes::<Test>::get).sum::<u64>() > 0);
		// The witness covers the first page only: 256 segments × 4.
		assert_noop!(
			Content::remove(RuntimeOrigin::signed(50), id, 1023),
			Error::<Test>::BadWitness
		);
		let deposit = Contents::<Test>::get(id).unwrap().deposit;
		let held = || Balances::balance_on_hold(&HoldReason::ContentDeposit.into(), &50);
		assert_ok!(Content::remove(RuntimeOrigin::signed(50), id, 1024));
		assert!(Contents::<Test>::get(id).is_none());
		assert_eq!(Segments::<Test>::iter_prefix(id).count(), 266);
		let queued = Purging::<Test>::get();
		assert_eq!((queued[0].content, queued[0].next, queued[0].end), (id, 256, 522));
		assert!(!events().iter().any(|e| matches!(e, Event::ContentPurged { .. })));
		// The deposit stays held while the content takes room in the queue.
		assert_eq!(held(), deposit);
		assert_noop!(register(&l), Error::<Test>::StillPurging);
		Content::check_stored_bytes().unwrap();
		// 100 segments a block in the mock.
		run_to(4);
		assert_eq!(Segments::<Test>::iter_prefix(id).count(), 0);
		assert!(Purging::<Test>::get().is_empty());
		assert!(events().contains(&Event::ContentPurged { content: id, deposit }));
		assert_eq!(held(), 0);
		assert_eq!((1..=6).map(StoredBytes::<Test>::get).sum::<u64>(), 0);
		assert_eq!(Holdings::<Test>::iter().count(), 0);
		// An uploading content is removed the same way, its upload forgotten.
		assert_ok!(Content::register(
			RuntimeOrigin::signed(50),
			l.manifest.clone(),
			l.page(0),
			Pricing::Free
		));
		// Only its first page was placed: nothing is queued, the deposit comes back at once.
		assert_ok!(Content::remove(RuntimeOrigin::signed(50), id, 1024));
		assert!(Uploads::<Test>::get(id).is_none());
		assert!(Purging::<Test>::get().is_empty());
		assert!(events().contains(&Event::ContentPurged { content: id, deposit }));
		assert_eq!(held(), 0);
		Content::check_stored_bytes().unwrap();
	});
}

/// The attack: declare totals of one byte a segment (a tiny deposit), then send pages of full
/// segments and never the last page, so that the placed bytes stay far above what the deposit
/// paid for. Every page must leave room for the declared totals.
#[test]
fn pages_larger_than_the_declared_totals_are_refused_as_they_come() {
	new_test_ext().execute_with(|| {
		six_masternodes();
		let mut l = manifest(2 * PAGE_SEGMENTS + 10, 2, 4);
		l.manifest.total_size = u64::from(l.manifest.segments);
		assert_noop!(
			Content::register(
				RuntimeOrigin::signed(50),
				l.manifest.clone(),
				l.page(0),
				Pricing::Free
			)
			.map_err(|e| e.error),
			Error::<Test>::TotalsMismatch
		);
		// Totals that cover the first page but not the second: refused at the second.
		let mut l = manifest(2 * PAGE_SEGMENTS + 10, 2, 4);
		let per = u64::from(l.segments[0].plain_len);
		l.manifest.total_size = per * u64::from(PAGE_SEGMENTS) + u64::from(PAGE_SEGMENTS) + 10;
		let id = l.content_id();
		assert_ok!(Content::register(
			RuntimeOrigin::signed(50),
			l.manifest.clone(),
			l.page(0),
			Pricing::Free
		));
		assert_noop!(
			Content::add_page(RuntimeOrigin::signed(50), id, 1, l.page(1)),
			Error::<Test>::TotalsMismatch
		);
		Content::check_stored_bytes().unwrap();
	});
}

#[test]
fn migration_v3_keeps_every_content_readable() {
	use crate::migrations::v3::{MigrateToV3, OldContentInfo, OldSegmentInfo};
	use codec::Encode;
	use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};
	new_test_ext().execute_with(|| {
		six_masternodes();
		// Two contents as version 2 stored them: 2,500 bytes in 1,000-byte segments.
		let m = manifest(3, 2, 4);
		assert_ok!(register(&m));
		let id = m.content_id();
		let info = Contents::<Test>::get(id).unwrap();
		let old = OldContentInfo::<u64, u64>::new_for_test(
			50,
			2,
			4,
			3,
			1_000,
			2_500,
			info.media_type.clone(),
			info.metadata_hash,
			info.status,
			info.deposit,
		);
		frame_support::storage::unhashed::put_raw(
			&Contents::<Test>::hashed_key_for(id),
			&old.encode(),
		);
		for s in 0..3 {
			let seg = Segments::<Test>::get(id, s).unwrap();
			let old = OldSegmentInfo::new_for_test(seg.shard_len, seg.shards, seg.holders);
			frame_support::storage::unhashed::put_raw(
				&Segments::<Test>::hashed_key_for(id, s),
				&old.encode(),
			);
		}
		StorageVersion::new(2).put::<Content>();
		MigrateToV3::<Test>::on_runtime_upgrade();
		assert_eq!(Content::on_chain_storage_version(), 3);
		let info = Contents::<Test>::get(id).unwrap();
		assert_eq!((info.version, info.key_commitment, info.duration), (1, None, 0));
		assert_eq!(info.v1_segment_size, Some(1_000));
		assert_eq!((info.total_size, info.segments), (2_500, 3));
		let lens: Vec<u32> =
			(0..3).map(|s| Segments::<Test>::get(id, s).unwrap().plain_len).collect();
		assert_eq!(lens, vec![1_000, 1_000, 500]);
		Content::check_stored_bytes().unwrap();
	});
}

/// Hole 9, audit-seed grinding. A block author who is also a masternode that lost its shards
/// tries many versions of its block (other extrinsics, another order), each with another hash,
/// and publishes the one whose hash draws no audit of its own shards. The draws must not depend
/// on anything the author of the previous block chose.
#[test]
fn an_author_who_grinds_its_block_hash_cannot_choose_the_audits() {
	new_test_ext().execute_with(|| {
		six_masternodes();
		published(20);
		DrawsPerPeriod::set(4);
		run_to(9);
		let draws = |parent: sp_core::H256| {
			frame_support::storage::with_transaction(|| {
				System::set_block_number(10);
				System::set_parent_hash(parent);
				Content::issue_audits(10, 4);
				let drawn: Vec<(u32, u8)> =
					Audits::<Test>::iter_values().map(|a| (a.segment, a.shard)).collect();
				sp_runtime::TransactionOutcome::Rollback(Ok::<_, sp_runtime::DispatchError>(drawn))
			})
			.unwrap()
		};
		let first = draws(sp_core::H256::repeat_byte(0));
		// 64 candidate blocks: on a seed taken from the parent hash each one draws other
		// shards, and the author keeps the candidate that spares its own.
		for attempt in 1..64u8 {
			assert_eq!(
				draws(sp_core::H256::repeat_byte(attempt)),
				first,
				"the author's choice of block changed the audits drawn (attempt {attempt})"
			);
		}
	});
}

/// The `n` shards of a real codeword of `k` data shards of `len` bytes (pseudo-random, by
/// `seed`), as `pop-codec` erasure-codes them.
fn codeword(k: u8, n: u8, len: usize, seed: u32) -> Vec<Vec<u8>> {
	let mut x = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
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
	let recovery =
		reed_solomon_simd::encode(usize::from(k), usize::from(n - k), &originals).unwrap();
	originals.into_iter().chain(recovery).collect()
}

/// A one-segment manifest whose shard hashes are those of `shards`.
fn manifest_of(shards: &[Vec<u8>], k: u8) -> Layout {
	let mut l = manifest(1, k, shards.len() as u8);
	l.segments[0].shards =
		BoundedVec::truncate_from(shards.iter().map(|s| shard_hash(s)).collect());
	relayout(&l)
}

type Chunks = BoundedVec<BoundedVec<u8, pop_primitives::content::MaxChunkLen>, ConstU32<32>>;
type Proofs = BoundedVec<BoundedVec<[u8; 32], pop_primitives::content::MaxProofLen>, ConstU32<32>>;

/// Chunk `chunk` of every one of `shards`, with its proof.
fn chunk_proofs(shards: &[Vec<u8>], chunk: u32) -> (Chunks, Proofs) {
	let chunks = shards
		.iter()
		.map(|s| BoundedVec::truncate_from(chunk_data(s, chunk).unwrap().to_vec()))
		.collect::<Vec<_>>();
	let proofs = shards
		.iter()
		.map(|s| BoundedVec::truncate_from(chunk_proof(s, chunk).unwrap()))
		.collect::<Vec<_>>();
	(BoundedVec::truncate_from(chunks), BoundedVec::truncate_from(proofs))
}

fn report(
	who: u64,
	id: [u8; 32],
	chunk: u32,
	(chunks, proofs): (Chunks, Proofs),
) -> DispatchResult {
	Content::report_inconsistent(RuntimeOrigin::signed(who), id, 0, chunk, chunks, proofs, 4)
		.map(|_| ())
		.map_err(|e| e.error)
}

/// Hole 1's attack, paid for: the creator lists the data shards of one segment and the recovery
/// shards of another. Any decoder refuses it (`pop-codec`); here anyone proves it on chain with
/// one chunk of each shard, the content is taken down for good and the creator's deposit is
/// forfeit, a tenth to the reporter.
#[test]
fn a_two_faced_upload_is_proven_taken_down_and_its_deposit_forfeit() {
	new_test_ext().execute_with(|| {
		six_masternodes();
		let (k, n) = (2u8, 4u8);
		let harmless = codeword(k, n, 3_000, 1);
		let other = codeword(k, n, 3_000, 2);
		let mut two_faced = harmless[..2].to_vec();
		two_faced.extend_from_slice(&other[2..]);
		let m = manifest_of(&two_faced, k);
		let id = m.content_id();
		let deposit_before = Balances::balance_on_hold(&HoldReason::ContentDeposit.into(), &50);
		assert_ok!(register(&m));
		let deposit = Contents::<Test>::get(id).unwrap().deposit;
		assert!(deposit > 0);
		let holders = Segments::<Test>::get(id, 0).unwrap().holders;
		let issuance = Balances::total_issuance();
		let reporter_before = Balances::free_balance(9);

		assert_ok!(report(9, id, 1, chunk_proofs(&two_faced, 1)));
		let reward = ReporterShare::get() * deposit;
		assert!(reward > 0);
		assert!(events().contains(&Event::InconsistentUploadProven {
			content: id,
			segment: 0,
			chunk: 1,
			creator: 50,
			reporter: 9,
			forfeited: deposit,
			reward,
		}));
		assert_eq!(Balances::free_balance(9), reporter_before + reward);
		assert_eq!(Balances::total_issuance(), issuance - (deposit - reward));
		assert_eq!(
			Balances::balance_on_hold(&HoldReason::ContentDeposit.into(), &50),
			deposit_before
		);
		// Taken down: no record, no segments, no holdings, the holders' room given back.
		assert!(Contents::<Test>::get(id).is_none());
		assert!(Segments::<Test>::get(id, 0).is_none());
		for h in holders {
			assert_eq!(Holdings::<Test>::get(h, (id, 0)), None);
			assert_eq!(StoredBytes::<Test>::get(h), 0);
		}
		assert!(ProvenInconsistent::<Test>::contains_key(id));
		// Never again: the same manifest is refused, and a second proof finds nothing.
		assert_noop!(register(&m), Error::<Test>::ProvenInconsistent);
		assert_noop!(report(9, id, 1, chunk_proofs(&two_faced, 1)), Error::<Test>::UnknownContent);
	});
}

/// An honest upload is a codeword at every chunk: no proof against it holds, and bad proofs
/// are refused with the reason, changing nothing.
#[test]
fn an_honest_upload_cannot_be_proven_inconsistent_and_bad_proofs_are_refused() {
	new_test_ext().execute_with(|| {
		six_masternodes();
		let honest = codeword(2, 4, 3_000, 7);
		let m = manifest_of(&honest, 2);
		let id = m.content_id();
		assert_ok!(register(&m));
		let deposit = Balances::balance_on_hold(&HoldReason::ContentDeposit.into(), &50);
		for chunk in 0..3 {
			assert_noop!(
				report(9, id, chunk, chunk_proofs(&honest, chunk)),
				Error::<Test>::CodewordHolds
			);
		}
		// A chunk changed after its proof was made: the proof no longer holds.
		let (mut chunks, proofs) = chunk_proofs(&honest, 0);
		chunks[3][5] ^= 1;
		assert_noop!(report(9, id, 0, (chunks, proofs)), Error::<Test>::InvalidProof);
		// One shard's chunk short.
		let (mut chunks, mut proofs) = chunk_proofs(&honest, 0);
		chunks.pop();
		proofs.pop();
		assert_noop!(report(9, id, 0, (chunks, proofs)), Error::<Test>::WrongChunkCount);
		// No such chunk, no such segment, no such content; a witness below the shards.
		assert_noop!(report(9, id, 3, chunk_proofs(&honest, 2)), Error::<Test>::UnknownChunk);
		let (chunks, proofs) = chunk_proofs(&honest, 0);
		assert_noop!(
			Content::report_inconsistent(
				RuntimeOrigin::signed(9),
				id,
				1,
				0,
				chunks.clone(),
				proofs.clone(),
				4
			),
			Error::<Test>::UnknownChunk
		);
		assert_noop!(
			report(9, [0xee; 32], 0, (chunks.clone(), proofs.clone())),
			Error::<Test>::UnknownContent
		);
		assert_noop!(
			Content::report_inconsistent(RuntimeOrigin::signed(9), id, 0, 0, chunks, proofs, 3),
			Error::<Test>::BadWitness
		);
		assert!(Contents::<Test>::get(id).is_some());
		assert_eq!(Balances::balance_on_hold(&HoldReason::ContentDeposit.into(), &50), deposit);
	});
}

/// Each member's score goes on chain with the certificate, signed with the verdict: a score
/// changed after signing breaks every signature, and scores of strangers, of one member twice,
/// or above one million parts per million are refused.
#[test]
fn the_members_scores_are_kept_with_the_certificate() {
	new_test_ext().execute_with(|| {
		six_masternodes();
		let m = manifest(1, 2, 4);
		let id = m.content_id();
		assert_ok!(register(&m));
		// Changed after signing.
		let (mut tampered, sigs) = sign(id, Verdict::Approve, 3, &[0, 1, 2]);
		tampered[1].score = Some(999_000);
		assert_noop!(submit(id, Verdict::Approve, (tampered, sigs)), Error::<Test>::BadSignature);
		// Signed, but not a member's, twice the same member's, or out of range.
		let stranger = {
			let mut s = scores();
			s[3].member = [0xab; 32];
			s
		};
		let twice = {
			let mut s = scores();
			s[3].member = s[0].member;
			s
		};
		let too_high = {
			let mut s = scores();
			s[0].score = Some(1_000_001);
			s
		};
		for bad in [stranger, twice, too_high] {
			assert_noop!(
				submit(id, Verdict::Approve, sign_scores(id, Verdict::Approve, 3, &[0, 1, 2], bad)),
				Error::<Test>::BadScores
			);
		}
		assert!(MemberScores::<Test>::get(id).is_none());
		assert_ok!(submit(id, Verdict::Approve, sign(id, Verdict::Approve, 3, &[0, 1, 2])));
		assert_eq!(MemberScores::<Test>::get(id), Some(scores()));
		// Forgotten with the content.
		assert_ok!(Content::remove(RuntimeOrigin::signed(50), id, 4));
		assert!(MemberScores::<Test>::get(id).is_none());
	});
}
