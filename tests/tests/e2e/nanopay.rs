//! A payment channel on a real node: a viewer locks LIT for a creator, signs 10,000 vouchers off
//! chain (one per segment watched), and the creator redeems the last one in a single
//! transaction; balances come out exact to the last unit.

use pop_e2e::{
	chain::{
		free_balance, fresh_pair, lit_account, signed_by, signed_extrinsic, submit, transfer_call,
		wait_finalized_until,
	},
	Node, NodeConfig,
};
use pop_primitives::{
	currency::{LIT, POP},
	voucher::{sign_voucher, verify_voucher},
	AccountId,
};
use pop_runtime::RuntimeCall;
use sp_core::Pair;
use sp_keyring::Sr25519Keyring::{Bob, Dave};
use std::time::Duration;

#[test]
fn ten_thousand_vouchers_one_redemption_exact_balances() {
	let node = Node::start(NodeConfig::dev());
	node.wait_best(1, Duration::from_secs(90));
	let ctx = pop_e2e::chain::context(&node);
	let viewer = Dave;
	let viewer_id = viewer.to_account_id();

	// The creator holds POP only, so its fee is paid in POP and its LIT shows the payments alone.
	let creator = fresh_pair();
	let creator_id: AccountId = creator.public().into();
	submit(&node, &signed_extrinsic(&ctx, transfer_call(&creator_id, 10 * POP), Bob, 0))
		.expect("fund the creator");

	// The viewer locks 100 LIT for the creator; the channel is number 0 on a new chain.
	let open = RuntimeCall::Nanopay(pallet_nanopay::Call::open_channel {
		payee: creator_id.clone(),
		deposit: 100 * LIT,
		expires_at: 10_000,
	});
	submit(&node, &signed_extrinsic(&ctx, open, viewer, 0)).expect("open the channel");
	let head = wait_finalized_until(&node, "the channel and the creator's POP", |at| {
		lit_account(&node, &viewer_id, Some(at)).reserved == 100 * LIT
			&& free_balance(&node, &creator_id, Some(at)) == 10 * POP
	});
	let viewer_free = lit_account(&node, &viewer_id, Some(&head)).free;

	// 10,000 segments at 3,217 LIT units each, each with its own voucher, all off chain.
	let price = 3_217u128;
	let vouchers: Vec<_> = (1..=10_000u128)
		.map(|n| (n * price, sign_voucher(&viewer.pair(), &ctx.genesis_hash, 0, n * price)))
		.collect();
	let (cumulative, signature) = vouchers.last().cloned().unwrap();
	assert!(verify_voucher(&viewer_id, &ctx.genesis_hash, 0, cumulative, &signature));

	let redeem =
		RuntimeCall::Nanopay(pallet_nanopay::Call::redeem { id: 0, cumulative, signature });
	submit(&node, &signed_by(&ctx, redeem, &creator, &creator, 0)).expect("redeem");
	let head = wait_finalized_until(&node, "the redemption", |at| {
		lit_account(&node, &creator_id, Some(at)).free != 0
	});
	assert_eq!(lit_account(&node, &creator_id, Some(&head)).free, 10_000 * price);
	assert_eq!(lit_account(&node, &viewer_id, Some(&head)).reserved, 100 * LIT - 10_000 * price);
	assert_eq!(
		lit_account(&node, &viewer_id, Some(&head)).free,
		viewer_free,
		"viewer paid no more"
	);
	assert!(free_balance(&node, &creator_id, Some(&head)) < 10 * POP, "the creator's fee in POP");
}
