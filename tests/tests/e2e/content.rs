//! Content on a real node: six masternodes register with their bonds, a creator registers a
//! manifest, the placement read through the runtime API keeps every shard of a segment on a
//! different masternode across regions, and a certificate signed with the moderation set's
//! ed25519 key publishes it. Bad input — a bond below the minimum, an unaffordable bond, `k > n`,
//! `n` above the masternodes in service, a stale era, a forged certificate — fails with the
//! pallet's error and changes nothing.

use frame_support::BoundedVec;
use pallet_content::{ContentView, Pricing, Status};
use pallet_masternodes::{MasternodeInfo, Region};
use pop_e2e::{
	chain::{fresh_pair, runtime_call, signed_by, submit, transfer_call, wait_event, wait_failure},
	content::{approval, certify, send, DEV_MODERATORS},
	wait_for, Node, NodeConfig,
};
use pop_primitives::{
	content::{
		key_commitment, shard_hash, ContentId, Layout, LayoutParams, Packaging, SegmentManifest,
		Verdict,
	},
	currency::POP,
	AccountId, BlockNumber,
};
use pop_runtime::{Runtime, RuntimeCall, RuntimeEvent};
use sp_core::Pair;
use sp_keyring::{Ed25519Keyring, Sr25519Keyring::*};
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(120);
const BOND: u128 = 50_000 * POP;

fn register_masternode(i: u8, region: &[u8; 2], bond: u128) -> RuntimeCall {
	let address = format!("/ip4/127.0.0.1/tcp/{}", 41_000 + u32::from(i)).into_bytes();
	RuntimeCall::Masternodes(pallet_masternodes::Call::register {
		peer_id: BoundedVec::truncate_from(vec![i; 38]),
		addresses: BoundedVec::truncate_from(vec![BoundedVec::truncate_from(address)]),
		region: Region(*region),
		capacity: 1 << 40,
		bond,
	})
}

/// A manifest of three segments of `n` shards of 64 KiB (the hashes of real bytes).
fn manifest(k: u8, n: u8) -> Layout {
	let segments = (0..3u8)
		.map(|s| SegmentManifest {
			// Three segments whose shards are exactly 64 KiB for this `k`.
			plain_len: 65_536 * u32::from(k) - 16,
			duration: 0,
			shard_len: 65_536,
			shards: BoundedVec::truncate_from(
				(0..n).map(|i| shard_hash(&vec![s ^ (i << 4); 65_536])).collect(),
			),
		})
		.collect();
	Layout::build(
		LayoutParams {
			media_type: BoundedVec::truncate_from(b"video/mp4".to_vec()),
			metadata_hash: [42; 32],
			k,
			n,
			key_commitment: key_commitment(&[42; 32]),
			packaging: Packaging::Bytes,
		},
		segments,
	)
}

fn register_content(m: Layout) -> RuntimeCall {
	let page = m.page(0);
	RuntimeCall::Content(pallet_content::Call::register {
		manifest: m.manifest,
		page,
		pricing: Pricing::Free,
	})
}

type View = Option<ContentView<AccountId, BlockNumber>>;
type Error = pallet_content::Error<Runtime>;

#[test]
fn six_masternodes_hold_content_that_a_certificate_publishes() {
	let node = Node::start(NodeConfig::dev());
	node.wait_best(1, TIMEOUT);
	let ctx = pop_e2e::chain::context(&node);
	let start = node.finalized_number();

	// Six masternodes over four regions.
	let regions = [b"DE", b"DE", b"US", b"US", b"JP", b"BR"];
	let owners = [Alice, Bob, Charlie, Dave, Eve, Ferdie];
	for (i, (who, region)) in owners.iter().zip(regions).enumerate() {
		send(&node, &ctx, *who, register_masternode(i as u8, region, BOND));
	}
	// A poorer account: below the minimum bond, then more than it has.
	let poor = fresh_pair();
	let poor_id: AccountId = poor.public().into();
	send(&node, &ctx, AliceStash, transfer_call(&poor_id, 10_000 * POP));
	wait_for(TIMEOUT, "six masternodes", || {
		let all: Vec<(AccountId, MasternodeInfo<BlockNumber>)> =
			runtime_call(&node, "ContentApi_masternodes", &(), None);
		(all.len() == 6).then_some(())
	});
	submit(&node, &signed_by(&ctx, register_masternode(9, b"FR", BOND - POP), &poor, &poor, 0))
		.expect("the pool accepts it");
	wait_failure(
		&node,
		start,
		TIMEOUT,
		pallet_masternodes::Error::<Runtime>::BondTooLow.into(),
		"a bond below 50,000 POP to fail",
	);
	submit(&node, &signed_by(&ctx, register_masternode(9, b"FR", BOND), &poor, &poor, 1))
		.expect("the pool accepts it");
	wait_failure(
		&node,
		start,
		TIMEOUT,
		pallet_masternodes::Error::<Runtime>::InsufficientBalance.into(),
		"an unaffordable bond to fail",
	);
	let all: Vec<(AccountId, MasternodeInfo<BlockNumber>)> =
		runtime_call(&node, "ContentApi_masternodes", &(), None);
	assert_eq!(all.len(), 6, "no masternode for the poor account");

	// Bad manifests: k > n, and n above the six masternodes in service.
	let creator = BobStash;
	send(&node, &ctx, creator, register_content(manifest(5, 4)));
	wait_failure(
		&node,
		start,
		TIMEOUT,
		pallet_content::Error::<Runtime>::KGreaterThanN.into(),
		"k > n to fail",
	);
	send(&node, &ctx, creator, register_content(manifest(4, 7)));
	wait_failure(
		&node,
		start,
		TIMEOUT,
		pallet_content::Error::<Runtime>::NotEnoughMasternodes.into(),
		"n = 7 over six masternodes to fail",
	);

	// The real one: k = 4, n = 6.
	let m = manifest(4, 6);
	let id = m.content_id();
	send(&node, &ctx, creator, register_content(m.clone()));
	let (_, registered_at) = wait_event(&node, start, TIMEOUT, "the content registered", |e| {
		matches!(
			e,
			RuntimeEvent::Content(pallet_content::Event::ContentRegistered { content, .. })
				if *content == id
		)
		.then_some(())
	});
	let at = node.block_hash(registered_at).expect("the block");
	let pending: Vec<ContentId> = runtime_call(&node, "ContentApi_pending", &(), Some(&at));
	assert_eq!(pending, vec![id]);

	// The placement, from the runtime API: each segment on six different masternodes covering
	// all four regions, with the manifest's shard hashes; assignments agree.
	let view: View = runtime_call(&node, "ContentApi_content", &id, Some(&at));
	let view = view.expect("the content");
	assert_eq!(view.info.status, Status::Pending);
	assert_eq!((view.info.k, view.info.n, view.info.segments), (4, 6, 3));
	let region_of =
		|who: &AccountId| all.iter().find(|(a, _)| a == who).expect("a masternode").1.region;
	for (s, segment) in view.segments.iter().enumerate() {
		assert_eq!(segment.shards.to_vec(), m.segments[s].shards.to_vec());
		let mut holders = segment.holders.to_vec();
		holders.sort();
		holders.dedup();
		assert_eq!(holders.len(), 6, "segment {s}: every shard on a different masternode");
		let mut covered: Vec<Region> = segment.holders.iter().map(region_of).collect();
		covered.sort();
		covered.dedup();
		assert_eq!(covered.len(), 4, "segment {s}: all four regions");
	}
	let assigned: usize = owners
		.iter()
		.map(|o| {
			let a: Vec<pallet_content::Assignment> =
				runtime_call(&node, "ContentApi_assignments", &o.to_account_id(), Some(&at));
			assert!(a.iter().all(|a| a.content == id && a.shard_len == 65_536));
			a.len()
		})
		.sum();
	assert_eq!(assigned, 18);

	// The moderation set of the dev chain: Alice, Bob, Charlie and Dave, with their ed25519
	// keys; a certificate needs three of them.
	let (era, set): (u32, Vec<(AccountId, pallet_sdpos::SuperdelegateInfo)>) =
		runtime_call(&node, "ContentApi_superdelegates", &(), Some(&at));
	let keys: Vec<[u8; 32]> = set.iter().map(|(_, s)| s.moderation_key).collect();
	assert_eq!(keys, DEV_MODERATORS.map(|k| k.public().0).to_vec());
	let quorum = &DEV_MODERATORS[..3];
	let genesis = ctx.genesis_hash.0;

	// Certificates for a future era, signed over the wrong era, for another chain, or by a key
	// outside the set: all refused, and the content stays pending.
	let mut from = start;
	send(&node, &ctx, Ferdie, approval(genesis, id, era + 5, quorum, era + 5));
	from =
		wait_failure(&node, from, TIMEOUT, Error::WrongEra.into(), "a certificate of a future era");
	from = certify(
		&node,
		&ctx,
		from,
		|era| approval(genesis, id, era, quorum, era + 1),
		Some(Error::BadSignature),
	);
	// The set's real signatures, made on a test network: they do not count here.
	from = certify(
		&node,
		&ctx,
		from,
		|era| approval([0x7e; 32], id, era, quorum, era),
		Some(Error::BadSignature),
	);
	from = certify(
		&node,
		&ctx,
		from,
		|era| {
			approval(
				genesis,
				id,
				era,
				&[Ed25519Keyring::Alice, Ed25519Keyring::Bob, Ed25519Keyring::Eve],
				era,
			)
		},
		Some(Error::NotInModerationSet),
	);
	from = certify(
		&node,
		&ctx,
		from,
		|era| approval(genesis, id, era, &DEV_MODERATORS[..2], era),
		Some(Error::TooFewSigners),
	);
	let view: View = runtime_call(&node, "ContentApi_content", &id, None);
	assert_eq!(view.expect("the content").info.status, Status::Pending, "still pending");

	// The real certificate publishes it.
	let published_at =
		certify(&node, &ctx, from, |era| approval(genesis, id, era, quorum, era), None);
	let at = node.block_hash(published_at).expect("the block");
	let view: View = runtime_call(&node, "ContentApi_content", &id, Some(&at));
	let info = view.expect("the content").info;
	assert_eq!(info.status, Status::Approved);
	// Signed by the set of the era in which it was accepted.
	let (era_then, _): (u32, Vec<(AccountId, pallet_sdpos::SuperdelegateInfo)>) =
		runtime_call(&node, "ContentApi_superdelegates", &(), Some(&at));
	assert_eq!(
		info.decision.map(|d| (d.verdict, d.signers, d.era)),
		Some((Verdict::Approve, 3, era_then))
	);
	let pending: Vec<ContentId> = runtime_call(&node, "ContentApi_pending", &(), Some(&at));
	assert!(pending.is_empty());
}
