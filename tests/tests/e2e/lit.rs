//! LIT on a real development node: POP burned for LIT at the chain's rate, LIT transferred like
//! POP, fees paid in LIT, an account holding only LIT transacting, and an account holding
//! nothing turned away at the pool.

use pop_e2e::{
	chain::{
		free_balance, free_lit, fresh_pair, lit_transfer_call, signed_by, signed_extrinsic, submit,
		transfer_call, wait_finalized_until,
	},
	Node, NodeConfig,
};
use pop_primitives::{
	currency::{LIT, POP},
	AccountId,
};
use pop_runtime::RuntimeCall;
use sp_core::Pair;
use sp_keyring::Sr25519Keyring::{Bob, Dave, Eve, Ferdie};
use std::time::Duration;

fn mint(pop_amount: u128, min_lit_out: u128) -> RuntimeCall {
	RuntimeCall::Lit(pallet_lit::Call::mint { pop_amount, min_lit_out })
}

/// A fee in LIT: more than nothing, less than a tenth of a LIT.
fn assert_small_lit_fee(fee: u128) {
	assert!(fee > 0 && fee < LIT / 10, "a small fee in LIT, got {fee}");
}

#[test]
fn pop_is_burned_for_lit_and_lit_moves_like_pop() {
	let node = Node::start(NodeConfig::dev());
	node.wait_best(1, Duration::from_secs(90));
	let ctx = pop_e2e::chain::context(&node);
	let (eve, ferdie) = (Eve.to_account_id(), Ferdie.to_account_id());
	let pop_before = free_balance(&node, &eve, None);
	let lit_before = free_lit(&node, &eve, None);
	assert_eq!(lit_before, 10_000 * LIT, "dev accounts start with LIT");

	// The dev chain starts at one LIT per POP: 5 POP buy 5 LIT; Eve's fee is paid in LIT (she
	// has no stake; Alice … Dave are bonded superdelegates with a free quota).
	submit(&node, &signed_extrinsic(&ctx, mint(5 * POP, 5 * LIT), Eve, 0)).expect("mint");
	let head = wait_finalized_until(&node, "the mint to be finalized", |at| {
		free_balance(&node, &eve, Some(at)) != pop_before
	});
	assert_eq!(free_balance(&node, &eve, Some(&head)), pop_before - 5 * POP, "5 POP burned");
	let lit_after_mint = free_lit(&node, &eve, Some(&head));
	assert_small_lit_fee(lit_before + 5 * LIT - lit_after_mint);

	// A guard above what the rate gives: the mint fails on chain and burns no POP.
	submit(&node, &signed_extrinsic(&ctx, mint(POP, 2 * LIT), Eve, 1)).expect("in pool");
	// LIT moves with the LIT pallet's transfer, as POP does with POP's.
	let ferdie_lit = free_lit(&node, &ferdie, None);
	let transfer = lit_transfer_call(&ferdie, 1_234 * LIT + 7);
	submit(&node, &signed_extrinsic(&ctx, transfer, Eve, 2)).expect("LIT transfer");
	let head = wait_finalized_until(&node, "the LIT transfer to be finalized", |at| {
		free_lit(&node, &ferdie, Some(at)) != ferdie_lit
	});
	assert_eq!(free_lit(&node, &ferdie, Some(&head)), ferdie_lit + 1_234 * LIT + 7);
	assert_eq!(free_balance(&node, &eve, Some(&head)), pop_before - 5 * POP, "no more POP");
	let fees = lit_after_mint - 1_234 * LIT - 7 - free_lit(&node, &eve, Some(&head));
	assert!(fees > 0 && fees < LIT / 5, "two small fees in LIT, got {fees}");
	// Dave, who did nothing, still holds exactly his genesis LIT.
	assert_eq!(free_lit(&node, &Dave.to_account_id(), Some(&head)), 10_000 * LIT);
}

#[test]
fn an_account_holding_only_lit_transacts_and_an_empty_one_is_turned_away() {
	let node = Node::start(NodeConfig::dev());
	node.wait_best(1, Duration::from_secs(90));
	let ctx = pop_e2e::chain::context(&node);
	let ferdie = Ferdie.to_account_id();

	// Bob gives a new account 50 LIT and nothing else.
	let lit_only = fresh_pair();
	let lit_only_id: AccountId = lit_only.public().into();
	submit(&node, &signed_extrinsic(&ctx, lit_transfer_call(&lit_only_id, 50 * LIT), Bob, 0))
		.expect("funding");
	wait_finalized_until(&node, "the new account's LIT", |at| {
		free_lit(&node, &lit_only_id, Some(at)) == 50 * LIT
	});
	assert_eq!(free_balance(&node, &lit_only_id, None), 0, "no POP at all");

	// It sends 20 LIT on and pays its fee in LIT, as the runtime's estimate says beforehand.
	let chain = pop_chain_client::Chain::new(&node.rpc_url());
	let estimate_of = |call, who: &sp_core::sr25519::Pair| {
		chain.estimate_fee(&pop_chain_client::Call::from_runtime(call), who).expect("estimate")
	};
	let estimate = estimate_of(lit_transfer_call(&ferdie, 20 * LIT), &lit_only);
	assert_eq!(estimate.source, pop_chain_client::types::FeeSource::Lit, "{estimate:?}");
	let ferdie_lit = free_lit(&node, &ferdie, None);
	let xt = signed_by(&ctx, lit_transfer_call(&ferdie, 20 * LIT), &lit_only, &lit_only, 0);
	submit(&node, &xt).expect("a LIT-only account's transaction is accepted");
	let head = wait_finalized_until(&node, "the LIT-only account's transfer", |at| {
		free_lit(&node, &ferdie, Some(at)) == ferdie_lit + 20 * LIT
	});
	let paid = 30 * LIT - free_lit(&node, &lit_only_id, Some(&head));
	assert_small_lit_fee(paid);
	assert!(paid.abs_diff(estimate.amount) * 20 <= paid, "paid {paid}, estimated {estimate:?}");
	assert_eq!(free_balance(&node, &lit_only_id, Some(&head)), 0);

	// An account with nothing is turned away at the pool, as its estimate says, and the chain
	// goes on.
	let empty = fresh_pair();
	let empty_id: AccountId = empty.public().into();
	let estimate = estimate_of(transfer_call(&ferdie, 1), &empty);
	assert_eq!(estimate.source, pop_chain_client::types::FeeSource::CannotPay, "{estimate:?}");
	let err = submit(&node, &signed_by(&ctx, transfer_call(&ferdie, 1), &empty, &empty, 0))
		.expect_err("an account with nothing cannot pay");
	assert!(err.full_text().to_lowercase().contains("pay"), "the error names the fee: {err}");
	let best = node.best_number();
	node.wait_best(best + 2, Duration::from_secs(60));
	assert_eq!(free_balance(&node, &empty_id, None), 0);
	assert_eq!(node.call("system_accountNextIndex", serde_json::json!([empty_id.to_string()])), 0);
}
