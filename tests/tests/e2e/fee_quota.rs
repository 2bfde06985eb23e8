//! The free fee quota on a real development node: an account that holds only POP bonds some
//! of it in SDPoS, then sends several transfers and pays no fee at all while its quota lasts;
//! the quota it used is on chain.

use pop_e2e::{
	chain::{
		blake2_map_key, free_balance, fresh_pair, read, signed_by, signed_extrinsic, submit,
		transfer_call, twox64_map_key, wait_finalized_until,
	},
	Node, NodeConfig,
};
use pop_primitives::{currency::POP, AccountId};
use pop_runtime::RuntimeCall;
use sp_core::Pair;
use sp_keyring::Sr25519Keyring::{Alice, Ferdie};
use std::time::Duration;

#[test]
fn a_bonded_account_transacts_for_free_while_its_quota_lasts() {
	let node = Node::start(NodeConfig::dev());
	node.wait_best(1, Duration::from_secs(90));
	let ctx = pop_e2e::chain::context(&node);
	let voter = fresh_pair();
	let id: AccountId = voter.public().into();
	let ferdie = Ferdie.to_account_id();

	// Only POP: no LIT to pay fees with.
	submit(&node, &signed_extrinsic(&ctx, transfer_call(&id, 1_000 * POP), Alice, 0)).unwrap();
	wait_finalized_until(&node, "the voter to be funded", |at| {
		free_balance(&node, &id, Some(at)) == 1_000 * POP
	});

	// Bond 500 POP. This fee is paid in POP: nothing was bonded when it was charged.
	let bond = RuntimeCall::Sdpos(pallet_sdpos::Call::bond { amount: 500 * POP });
	submit(&node, &signed_by(&ctx, bond, &voter, &voter, 0)).expect("bond accepted");
	let bonded_key = twox64_map_key("Sdpos", "Voters", &id);
	let head = wait_finalized_until(&node, "the bond", |at| {
		read::<pallet_sdpos::VoterInfo<AccountId, sp_core::ConstU32<16>>>(
			&node,
			&bonded_key,
			Some(at),
		)
		.is_some()
	});
	let after_bond = free_balance(&node, &id, Some(&head));
	let bond_fee = 1_000 * POP - after_bond;
	assert!(bond_fee > 0, "the bond itself was paid in POP");

	// The runtime says the quota will pay, before anything is signed.
	let chain = pop_chain_client::Chain::new(&node.rpc_url());
	let estimate = chain
		.estimate_fee(&pop_chain_client::Call::from_runtime(transfer_call(&ferdie, POP)), &voter)
		.expect("estimate");
	assert_eq!(estimate.source, pop_chain_client::types::FeeSource::Quota, "{estimate:?}");
	assert!(estimate.amount > 0 && estimate.amount <= estimate.quota_left, "{estimate:?}");

	// Five transfers: the quota (0.1 % of 500 POP a day) covers every fee.
	let ferdie_before = free_balance(&node, &ferdie, Some(&head));
	for nonce in 1..=5u32 {
		let call = transfer_call(&ferdie, POP);
		submit(&node, &signed_by(&ctx, call, &voter, &voter, nonce)).expect("transfer accepted");
	}
	let head = wait_finalized_until(&node, "five transfers", |at| {
		free_balance(&node, &ferdie, Some(at)) == ferdie_before + 5 * POP
	});
	assert_eq!(
		free_balance(&node, &id, Some(&head)),
		after_bond - 5 * POP,
		"five transfers cost exactly the POP sent: no fees"
	);
	let used: pallet_fees::QuotaUsage =
		read(&node, &blake2_map_key("Fees", "QuotaUsed", &id), Some(&head))
			.expect("quota used is recorded");
	assert!(used.used > 0 && used.used <= 500 * POP / 1_000, "used {} of the quota", used.used);
}
