//! LIT on a real development node: POP burned for LIT at the chain's rate, LIT transferred like
//! POP, and a mint whose guard fails burns nothing.

use pop_e2e::{
	chain::{free_balance, free_lit, signed_extrinsic, submit, wait_finalized_until, ChainContext},
	Node, NodeConfig,
};
use pop_primitives::currency::{LIT, POP};
use pop_runtime::RuntimeCall;
use sp_keyring::Sr25519Keyring::{Bob, Dave, Ferdie};
use std::time::Duration;

fn mint(pop_amount: u128, min_lit_out: u128) -> RuntimeCall {
	RuntimeCall::Lit(pallet_lit::Call::mint { pop_amount, min_lit_out })
}

#[test]
fn pop_is_burned_for_lit_and_lit_moves_like_pop() {
	let node = Node::start(NodeConfig::dev());
	node.wait_best(1, Duration::from_secs(90));
	let ctx = ChainContext::of(&node);
	let (bob, ferdie) = (Bob.to_account_id(), Ferdie.to_account_id());
	let pop_before = free_balance(&node, &bob, None);
	let lit_before = free_lit(&node, &bob, None);
	assert_eq!(lit_before, 10_000 * LIT, "dev accounts start with LIT");

	// The dev chain starts at one LIT per POP: 5 POP buy 5 LIT.
	submit(&node, &signed_extrinsic(&ctx, mint(5 * POP, 5 * LIT), Bob, Bob, 0)).expect("mint");
	let head = wait_finalized_until(&node, "the mint to be finalized", |at| {
		free_lit(&node, &bob, Some(at)) != lit_before
	});
	assert_eq!(free_lit(&node, &bob, Some(&head)), lit_before + 5 * LIT);
	let pop_after = free_balance(&node, &bob, Some(&head));
	let fee = pop_before - 5 * POP - pop_after;
	assert!(fee > 0 && fee < POP / 10, "5 POP burned plus a small fee, fee was {fee}");

	// A guard above what the rate gives: the mint fails on chain and burns nothing but the fee.
	submit(&node, &signed_extrinsic(&ctx, mint(POP, 2 * LIT), Bob, Bob, 1)).expect("in pool");
	// LIT moves with the LIT pallet's transfer, as POP does with POP's.
	let transfer = RuntimeCall::LitBalances(pallet_balances::Call::transfer_keep_alive {
		dest: ferdie.clone().into(),
		value: 1_234 * LIT + 7,
	});
	let ferdie_lit = free_lit(&node, &ferdie, None);
	submit(&node, &signed_extrinsic(&ctx, transfer, Bob, Bob, 2)).expect("LIT transfer");
	let head = wait_finalized_until(&node, "the LIT transfer to be finalized", |at| {
		free_lit(&node, &ferdie, Some(at)) != ferdie_lit
	});
	assert_eq!(free_lit(&node, &ferdie, Some(&head)), ferdie_lit + 1_234 * LIT + 7);
	assert_eq!(free_lit(&node, &bob, Some(&head)), lit_before + 5 * LIT - 1_234 * LIT - 7);
	let pop_end = free_balance(&node, &bob, Some(&head));
	assert!(pop_after - pop_end < POP / 10, "the failed mint burned no POP, only fees");
	// Dave, who did nothing, still holds exactly his genesis LIT.
	assert_eq!(free_lit(&node, &Dave.to_account_id(), Some(&head)), 10_000 * LIT);
}
