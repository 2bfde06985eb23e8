//! SDPoS on a real four-validator local network plus a fifth node: Eve's node generates session
//! keys, Eve registers them and becomes a candidate, Ferdie bonds POP and votes for her; after
//! the era change she authors blocks, one of the genesis delegates drops out, and GRANDPA keeps
//! finalizing through the change. Then a delegate goes offline: it is chilled at the end of the
//! era, and the chain keeps finalizing.

use codec::Decode;
use pop_e2e::{
	chain::{candidate, delegates, read, signed_extrinsic, submit, twox64_map_key, ChainContext},
	rpc::from_hex,
	wait_for, Node, NodeConfig,
};
use pop_primitives::{currency::POP, AccountId};
use pop_runtime::{RuntimeCall, SessionKeys};
use serde_json::json;
use sp_keyring::Sr25519Keyring::{self, Alice, Bob, Charlie, Dave, Eve, Ferdie};
use sp_runtime::Perbill;
use std::time::Duration;

/// Local eras are ten 6-second blocks; a candidate waits up to two eras, a change up to three.
const ERAS: Duration = Duration::from_secs(300);

fn call_ok(node: &Node, who: Sr25519Keyring, nonce: u32, call: RuntimeCall, ctx: &ChainContext) {
	submit(node, &signed_extrinsic(ctx, call, who, nonce))
		.unwrap_or_else(|e| panic!("{who:?}'s extrinsic refused: {e:?}"));
}

#[test]
fn voters_elect_a_new_delegate_and_an_offline_one_is_chilled() {
	let alice = Node::start(NodeConfig::local("alice", vec![]));
	let boot = vec![alice.multiaddr()];
	let mut others: Vec<Node> = ["bob", "charlie", "dave"]
		.into_iter()
		.map(|who| Node::start(NodeConfig::local(who, boot.clone())))
		.collect();
	let eve = Node::start(NodeConfig::local("eve", boot.clone()));
	alice.wait_finalized(1, ERAS);
	let ctx = pop_e2e::chain::context(&alice);
	let genesis_set: Vec<AccountId> =
		[Alice, Bob, Charlie, Dave].iter().map(|k| k.to_account_id()).collect();
	assert_eq!(sorted(delegates(&alice, None)), sorted(genesis_set.clone()));

	// Eve's node makes fresh session keys and proves them for Eve's account.
	let eve_id = Eve.to_account_id();
	let generated = eve.call(
		"author_rotateKeysWithOwner",
		json!([format!("0x{}", hex::encode(codec::Encode::encode(&eve_id)))]),
	);
	let keys = SessionKeys::decode(&mut &from_hex(generated["keys"].as_str().unwrap())[..])
		.expect("session keys decode");
	let proof = from_hex(generated["proof"].as_str().expect("a proof"));

	let register = RuntimeCall::Sdpos(pallet_sdpos::Call::register_candidate {
		bond: 10_000 * POP,
		commission: Perbill::from_percent(5),
	});
	let set_keys = RuntimeCall::Session(pallet_session::Call::set_keys { keys, proof });
	call_ok(&alice, Eve, 0, set_keys, &ctx);
	call_ok(&alice, Eve, 1, register, &ctx);
	wait_for(ERAS, "Eve to become a candidate", || candidate(&alice, &eve_id, None));
	// Ferdie backs her with 500,000 POP (a vote for a non-candidate would fail, so it waits).
	let bond = RuntimeCall::Sdpos(pallet_sdpos::Call::bond { amount: 500_000 * POP });
	let vote = RuntimeCall::Sdpos(pallet_sdpos::Call::vote { votes: vec![eve_id.clone()] });
	call_ok(&alice, Ferdie, 0, bond, &ctx);
	call_ok(&alice, Ferdie, 1, vote, &ctx);
	let ferdie_votes = twox64_map_key("Sdpos", "Voters", &Ferdie.to_account_id());
	wait_for(ERAS, "Ferdie's vote for Eve", || {
		read::<pallet_sdpos::VoterInfo<AccountId, sp_core::ConstU32<16>>>(
			&alice,
			&ferdie_votes,
			None,
		)
		.filter(|v| v.votes.contains(&eve_id))
	});

	// After the era change Eve is a delegate and one genesis delegate is out.
	let set = wait_for(ERAS, "Eve in the delegate set", || {
		let set = delegates(&alice, None);
		set.contains(&eve_id).then_some(set)
	});
	assert_eq!(set.len(), 4, "four delegates: {set:?}");
	let out: Vec<_> = genesis_set.iter().filter(|d| !set.contains(d)).cloned().collect();
	assert_eq!(out.len(), 1, "exactly one genesis delegate dropped out");
	let changed_at = alice.best_number();

	// Eve authors blocks (her node holds the keys), and finality goes on past the change.
	let authored = twox64_map_key("Sdpos", "AuthoredBlocks", &eve_id);
	wait_for(ERAS, "a block authored by Eve", || {
		read::<u32>(&alice, &authored, None).filter(|n| *n > 0)
	});
	let eve_authored_by = alice.best_number().max(changed_at + 3);
	alice.wait_finalized(eve_authored_by, ERAS);
	eve.wait_finalized(changed_at + 3, ERAS);
	// Eve's blocks among them: a new authority's VRF checks against its own key.
	every_author_proved_its_vrf(&alice, eve_authored_by);

	// A delegate goes offline: at the end of the era it is chilled; the chain keeps finalizing.
	let (victim_index, victim) = others
		.iter()
		.enumerate()
		.map(|(i, _)| (i, [Bob, Charlie, Dave][i].to_account_id()))
		.find(|(_, id)| set.contains(id))
		.expect("a genesis delegate other than Alice is still in the set");
	others[victim_index].kill();
	wait_for(ERAS, "the offline delegate to be chilled", || {
		candidate(&alice, &victim, None).filter(|c| c.chilled)
	});
	let chilled_at = alice.best_number();
	wait_for(ERAS, "the offline delegate out of the set", || {
		(!delegates(&alice, None).contains(&victim)).then_some(())
	});
	alice.wait_finalized(chilled_at + 3, ERAS);
	assert!(eve.finalized_number() >= chilled_at);
}

/// Every block up to `to` carries its author's VRF output (the randomness storage audits are
/// drawn from), each one new, across session changes and from a newly elected delegate, except
/// a block that changes the Aura authority set: the runtime checks the proof against the new
/// set there (the session rotates before the randomness pallet reads the set), so the author's
/// proof is refused (`InvalidVrf`, the block valid) unless the slot's owner is the same in both
/// sets, and the randomness keeps its value for that one block. This checks that only those
/// blocks go without.
fn every_author_proved_its_vrf(node: &Node, to: u32) {
	use pop_runtime::RuntimeEvent;
	let authorities = |hash: &str| -> Vec<[u8; 32]> {
		pop_e2e::chain::runtime_call(node, "AuraApi_authorities", &(), Some(hash))
	};
	let mut seen = std::collections::BTreeSet::new();
	let (mut session_changes, mut set_changes) = (0, 0);
	let mut parent = node.block_hash(0).expect("genesis");
	for number in 1..=to {
		let hash = node.block_hash(number).expect("a finalized block");
		let records = pop_e2e::chain::events(node, &hash);
		let proved: Vec<_> = records
			.iter()
			.filter_map(|r| match &r.event {
				RuntimeEvent::BlockRandomness(pallet_randomness::Event::RandomnessUpdated {
					randomness,
					..
				}) => Some(*randomness),
				_ => None,
			})
			.collect();
		if authorities(&parent) == authorities(&hash) {
			assert_eq!(proved.len(), 1, "block #{number} carries one VRF output: {records:?}");
			assert!(seen.insert(proved[0]), "block #{number} repeats an output");
		} else {
			// Refused unless the slot's owner happens to be the same in both sets.
			assert!(proved.len() <= 1, "block #{number} changed the set: {records:?}");
			assert!(proved.iter().all(|p| seen.insert(*p)), "block #{number} repeats an output");
			set_changes += 1;
		}
		session_changes += records
			.iter()
			.filter(|r| {
				matches!(r.event, RuntimeEvent::Session(pallet_session::Event::NewSession { .. }))
			})
			.count();
		parent = hash;
	}
	assert!(session_changes >= 2, "the blocks checked span session changes ({session_changes})");
	assert!(set_changes <= session_changes, "the set changes only with a session");
}

fn sorted(mut v: Vec<AccountId>) -> Vec<AccountId> {
	v.sort();
	v
}
