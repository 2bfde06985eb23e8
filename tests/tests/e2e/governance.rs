//! Governance by POP holders on a real four-validator local network, which has no sudo key:
//!
//! - a preimage is noted, a referendum on the parameters track passes with POP votes, and the LIT
//!   mint rate changes on chain;
//! - at the same time a referendum without enough support is rejected at the end of its decision
//!   period: the rate it proposed never comes, the decision deposit comes back, and the voter's
//!   conviction lock is released;
//! - a referendum whose preimage does not decode passes but enacts nothing: the scheduler
//!   reports the call unavailable;
//! - bad input: a vote with more POP than the voter has, and a proposal with no track (an
//!   account's origin), fail with clear errors and take nothing;
//! - a referendum on the root track enacts a runtime upgrade (the same code with a higher
//!   `spec_version`, from `scripts/build-test-runtimes`); every validator keeps producing and
//!   finalizing blocks across it, and transactions signed for the new version are included.

use codec::Encode;
use pallet_conviction_voting::Conviction;
use pallet_governance::GovernanceOrigin;
use pop_e2e::{
	chain::{
		blake2_map_key, free_balance, read, signed_extrinsic, submit, transfer_call, value_key,
		wait_event, ChainContext,
	},
	next_runtime_wasm,
	referenda::{decision_deposit, note_preimage, outcome, submit_referendum, vote},
	wait_for, Node, NodeConfig,
};
use pop_primitives::{currency::POP, AccountId, Balance};
use pop_runtime::{OriginCaller, Runtime, RuntimeCall, RuntimeEvent};
use serde_json::json;
use sp_keyring::Sr25519Keyring::{self, *};
use sp_runtime::{DispatchError, FixedU128};
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(240);
/// The well-known accounts hold 1,000,000 POP each; voters put this much behind a vote.
const VOTE: Balance = 950_000 * POP;

/// The next nonce of `who`, counting transactions in the pool.
fn nonce(node: &Node, who: Sr25519Keyring) -> u32 {
	node.call("system_accountNextIndex", json!([who.to_account_id().to_string()]))
		.as_u64()
		.expect("a nonce") as u32
}

/// Signs `call` as `who` with its next nonce and submits it; the pool must accept it.
fn send(node: &Node, ctx: &ChainContext, who: Sr25519Keyring, call: RuntimeCall) {
	let xt = signed_extrinsic(ctx, call, who, nonce(node, who));
	submit(node, &xt).unwrap_or_else(|e| panic!("the pool accepts {who:?}'s transaction: {e}"));
}

fn set_rate(rate: FixedU128) -> RuntimeCall {
	RuntimeCall::Lit(pallet_lit::Call::set_rate { lit_per_pop: rate })
}

fn lit_rate(node: &Node, at: Option<&str>) -> FixedU128 {
	// Until governance first sets it, the rate is the runtime's initial one (not stored).
	read(node, &value_key("Lit", "LitPerPop"), at).unwrap_or_else(
		<pop_runtime::configs::lit::InitialLitPerPop as frame_support::traits::Get<_>>::get,
	)
}

fn referendum(
	node: &Node,
	index: u32,
	at: Option<&str>,
) -> Option<pallet_referenda::ReferendumInfoOf<Runtime, ()>> {
	read(node, &blake2_map_key("Referenda", "ReferendumInfoFor", &index), at)
}

/// `who`'s POP balance locks (conviction voting's among them).
fn locks(node: &Node, who: &AccountId) -> Vec<pallet_balances::BalanceLock<Balance>> {
	read(node, &blake2_map_key("Balances", "Locks", who), None).unwrap_or_default()
}

/// Waits for a failed extrinsic whose error is `error`.
fn wait_failure(node: &Node, from: u32, error: DispatchError, what: &str) -> u32 {
	pop_e2e::chain::wait_failure(node, from, TIMEOUT, error, what)
}

#[test]
fn pop_holders_change_a_parameter_and_upgrade_the_runtime() {
	let wasm = std::fs::read(next_runtime_wasm()).expect("the next runtime's wasm");
	let alice = Node::start(NodeConfig::local("alice", vec![]));
	let boot = vec![alice.multiaddr()];
	let bob = Node::start(NodeConfig::local("bob", boot.clone()));
	let charlie = Node::start(NodeConfig::local("charlie", boot.clone()));
	let dave = Node::start(NodeConfig::local("dave", boot));
	let nodes = [&alice, &bob, &charlie, &dave];
	for node in nodes {
		wait_for(TIMEOUT, "three peers", || (node.peers() >= 3).then_some(()));
	}
	alice.wait_finalized(1, TIMEOUT);
	let ctx = pop_e2e::chain::context(&alice);
	let start = alice.finalized_number();
	let rate_before = lit_rate(&alice, None);
	let params = OriginCaller::Governance(GovernanceOrigin::Parameters);

	// Referendum 0 (parameters): 3 LIT per POP. Alice notes the preimage, submits, places the
	// decision deposit and votes. Referendum 1 (parameters), Bob's: 7 LIT per POP, which only
	// Eve supports, with a little POP and a conviction lock. Referendum 2 (parameters), Dave's:
	// a preimage that does not decode.
	let passing = set_rate(FixedU128::from_u32(3)).encode();
	let failing = set_rate(FixedU128::from_u32(7)).encode();
	let garbage = vec![0xff; 48];
	send(&alice, &ctx, Alice, note_preimage(passing.clone()));
	send(&alice, &ctx, Alice, submit_referendum(params.clone(), &passing));
	send(&alice, &ctx, Alice, decision_deposit(0));
	wait_for(TIMEOUT, "referendum 0", || referendum(&alice, 0, None));
	send(&alice, &ctx, Bob, note_preimage(failing.clone()));
	send(&alice, &ctx, Bob, submit_referendum(params.clone(), &failing));
	send(&alice, &ctx, Bob, decision_deposit(1));
	wait_for(TIMEOUT, "referendum 1", || referendum(&alice, 1, None));
	send(&alice, &ctx, Dave, note_preimage(garbage.clone()));
	send(&alice, &ctx, Dave, submit_referendum(params.clone(), &garbage));
	send(&alice, &ctx, Dave, decision_deposit(2));
	wait_for(TIMEOUT, "referendum 2", || referendum(&alice, 2, None));
	let bob_reserved = reserved(&alice, &Bob.to_account_id());

	// Four holders back referenda 0 and 2 with most of their POP (about 27 % of all POP, above
	// the track's 20 % support); Eve backs referendum 1 with 1,000 POP locked for one period.
	for who in [Alice, Bob, Charlie, Dave] {
		send(&alice, &ctx, who, vote(0, true, VOTE, Conviction::None));
		send(&alice, &ctx, who, vote(2, true, VOTE, Conviction::None));
	}
	send(&alice, &ctx, Eve, vote(1, true, 1_000 * POP, Conviction::Locked1x));

	// Bad input: Ferdie votes with twice what he has; Ferdie proposes with his own origin.
	send(&alice, &ctx, Ferdie, vote(0, true, 2_000_000 * POP, Conviction::None));
	wait_failure(
		&alice,
		start,
		pallet_conviction_voting::Error::<Runtime, ()>::InsufficientFunds.into(),
		"the over-balance vote to fail",
	);
	let ferdie = Ferdie.to_account_id();
	let ferdie_reserved = reserved(&alice, &ferdie);
	let signed = OriginCaller::system(frame_system::RawOrigin::Signed(ferdie.clone()));
	send(&alice, &ctx, Ferdie, submit_referendum(signed, &passing));
	wait_failure(
		&alice,
		start,
		pallet_referenda::Error::<Runtime, ()>::NoTrack.into(),
		"the trackless proposal to fail",
	);
	assert_eq!(reserved(&alice, &ferdie), ferdie_reserved, "no deposit taken");
	assert!(locks(&alice, &ferdie).is_empty(), "the failed vote locked nothing");

	// Referendum 0 passes and the rate changes; referendum 2 passes but has nothing to enact.
	let (passed, _) = outcome(&alice, start, 0);
	assert!(passed, "referendum 0 passes");
	wait_for(TIMEOUT, "the new LIT rate", || {
		(lit_rate(&alice, None) == FixedU128::from_u32(3)).then_some(())
	});
	assert_ne!(rate_before, FixedU128::from_u32(3));
	let (passed, _) = outcome(&alice, start, 2);
	assert!(passed, "referendum 2 passes");
	wait_event(&alice, start, TIMEOUT, "the undecodable call reported", |e| {
		matches!(e, RuntimeEvent::Scheduler(pallet_scheduler::Event::CallUnavailable { .. }))
			.then_some(())
	});

	// Referendum 1 runs out its decision period and is rejected: no rate change.
	assert!(locks(&alice, &Eve.to_account_id()).iter().any(|l| l.amount == 1_000 * POP));
	let (passed, _) = outcome(&alice, start, 1);
	assert!(!passed, "referendum 1 is rejected");
	assert_eq!(lit_rate(&alice, None), FixedU128::from_u32(3), "the rejected rate never comes");
	// Bob takes back his decision deposit; Eve's losing vote leaves her no lock.
	send(
		&alice,
		&ctx,
		Bob,
		RuntimeCall::Referenda(pallet_referenda::Call::refund_decision_deposit { index: 1 }),
	);
	send(
		&alice,
		&ctx,
		Eve,
		RuntimeCall::ConvictionVoting(pallet_conviction_voting::Call::remove_vote {
			class: Some(1),
			index: 1,
		}),
	);
	send(
		&alice,
		&ctx,
		Eve,
		RuntimeCall::ConvictionVoting(pallet_conviction_voting::Call::unlock {
			class: 1,
			target: Eve.to_account_id().into(),
		}),
	);
	wait_for(TIMEOUT, "Eve's lock released and Bob's deposit back", || {
		let deposit_back = reserved(&alice, &Bob.to_account_id()) + 10_000 * POP == bob_reserved;
		(locks(&alice, &Eve.to_account_id()).is_empty() && deposit_back).then_some(())
	});

	// The runtime upgrade: Alice's stash account notes the code and submits it on the root track;
	// most POP holders vote for it (the root track starts at 50 % support).
	let old_version = ctx.spec_version;
	let set_code = RuntimeCall::System(frame_system::Call::set_code { code: wasm }).encode();
	let before_upgrade = alice.finalized_number();
	let root = OriginCaller::system(frame_system::RawOrigin::Root);
	send(&alice, &ctx, AliceStash, note_preimage(set_code.clone()));
	send(&alice, &ctx, AliceStash, submit_referendum(root, &set_code));
	send(&alice, &ctx, AliceStash, decision_deposit(3));
	wait_for(TIMEOUT, "referendum 3", || referendum(&alice, 3, None));
	for who in Sr25519Keyring::well_known().filter(|k| *k != Ferdie) {
		send(&alice, &ctx, who, vote(3, true, VOTE, Conviction::None));
	}
	let (passed, _) = outcome(&alice, before_upgrade, 3);
	assert!(passed, "the upgrade referendum passes");
	let (_, upgraded_at) =
		wait_event(&alice, before_upgrade, TIMEOUT, "the code to be updated", |e| {
			matches!(e, RuntimeEvent::System(frame_system::Event::CodeUpdated { .. })).then_some(())
		});
	for node in nodes {
		wait_for(TIMEOUT, "the new runtime version", || {
			let v = node.call("state_getRuntimeVersion", json!([]));
			(v["specVersion"].as_u64() == Some(old_version as u64 + 1)).then_some(())
		});
		// Every validator keeps producing and finalizing past the upgrade.
		node.wait_finalized(upgraded_at + 5, TIMEOUT);
	}
	// A transaction signed for the new version is included.
	let ctx = pop_e2e::chain::context(&alice);
	assert_eq!(ctx.spec_version, old_version + 1);
	let ferdie_before = free_balance(&alice, &ferdie, None);
	send(&alice, &ctx, Ferdie, transfer_call(&Alice.to_account_id(), POP));
	wait_for(TIMEOUT, "a transfer after the upgrade", || {
		(free_balance(&alice, &ferdie, None) < ferdie_before).then_some(())
	});
}

/// `who`'s reserved POP (deposits and holds) at the best block.
fn reserved(node: &Node, who: &AccountId) -> Balance {
	pop_e2e::chain::account(node, who, None).data.reserved
}
