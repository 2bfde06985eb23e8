//! A single development node: it authors and finalizes blocks, shows both tokens to wallets,
//! includes a signed POP transfer, and turns bad input away with clear errors.

use pop_e2e::{
	chain::{free_balance, free_lit, signed_by, signed_extrinsic, submit, transfer_call},
	wait_for, Node, NodeConfig,
};
use pop_primitives::currency::{LIT, POP};
use serde_json::json;
use sp_keyring::Sr25519Keyring::{Alice, Bob, Eve, Ferdie};
use std::time::Duration;

const BLOCKS: Duration = Duration::from_secs(90);

#[test]
fn dev_node_produces_and_finalizes_blocks() {
	let node = Node::start(NodeConfig::dev());
	node.wait_best(3, BLOCKS);
	let finalized = node.wait_finalized(2, BLOCKS);
	// A finalized block is on the best chain.
	let hash = node.finalized_hash();
	assert_eq!(node.block_hash(finalized).as_deref(), Some(hash.as_str()));
}

#[test]
fn wallets_see_pop_and_lit_with_their_decimals() {
	let node = Node::start(NodeConfig::dev());
	let props = node.call("system_properties", json!([]));
	assert_eq!(props["tokenSymbol"], json!(["POP", "LIT"]));
	assert_eq!(props["tokenDecimals"], json!([12, 9]));
	assert_eq!(props["ss58Format"], json!(42));
	let version = node.call("state_getRuntimeVersion", json!([]));
	assert_eq!(version["specName"], "pop-network");
}

#[test]
fn signed_pop_transfer_is_included_finalized_and_visible() {
	let node = Node::start(NodeConfig::dev());
	node.wait_best(1, BLOCKS);
	let ctx = pop_e2e::chain::context(&node);
	let (from, to) = (Eve.to_account_id(), Ferdie.to_account_id());
	let from_before = free_balance(&node, &from, None);
	let from_lit_before = free_lit(&node, &from, None);
	let to_before = free_balance(&node, &to, None);
	assert!(from_before > 10 * POP, "Eve is funded at genesis");

	let amount = 1_234 * POP + 5;
	let xt = signed_extrinsic(&ctx, transfer_call(&to, amount), Eve, 0);
	submit(&node, &xt).expect("transfer accepted by the pool");

	// Wait until the transfer is in a finalized block, then check both sides exactly.
	let finalized = wait_for(BLOCKS, "the transfer to be finalized", || {
		let head = node.finalized_hash();
		(free_balance(&node, &to, Some(&head)) != to_before).then_some(head)
	});
	assert_eq!(free_balance(&node, &to, Some(&finalized)), to_before + amount);
	// Eve holds LIT and no stake (Alice … Dave are bonded superdelegates on the dev chain, so
	// their fees come from the free quota), so the fee came from her LIT: her POP moved by
	// exactly the amount.
	assert_eq!(free_balance(&node, &from, Some(&finalized)), from_before - amount);
	let fee = from_lit_before - free_lit(&node, &from, Some(&finalized));
	assert!(fee > 0 && fee < LIT / 10, "a small fee in LIT, got {fee}");
	let nonce = node.call("system_accountNextIndex", json!([from.to_string()]));
	assert_eq!(nonce, json!(1));
}

#[test]
fn bad_extrinsics_get_clear_errors_and_the_chain_goes_on() {
	let node = Node::start(NodeConfig::dev());
	node.wait_best(1, BLOCKS);
	let ctx = pop_e2e::chain::context(&node);

	// Bytes that are no extrinsic at all.
	let err = submit(&node, &[0xde, 0xad, 0xbe, 0xef]).expect_err("garbage is refused");
	let text = err.full_text().to_lowercase();
	assert!(text.contains("decode"), "garbage error names decoding: {err}");

	// A transfer claimed by Eve but signed by Bob.
	let forged =
		signed_by(&ctx, transfer_call(&Alice.to_account_id(), POP), &Eve.pair(), &Bob.pair(), 0);
	let err = submit(&node, &forged).expect_err("a bad signature is refused");
	assert!(
		err.full_text().to_lowercase().contains("bad signature"),
		"bad-signature error says so: {err}"
	);

	// A transfer of more than the sender has: valid, but it fails on chain and moves nothing
	// but the fee (paid in LIT, which Eve holds).
	let eve_before = free_balance(&node, &Eve.to_account_id(), None);
	let eve_lit_before = free_lit(&node, &Eve.to_account_id(), None);
	let too_much =
		signed_extrinsic(&ctx, transfer_call(&Alice.to_account_id(), eve_before * 2), Eve, 0);
	submit(&node, &too_much).expect("a well-formed transfer enters the pool");

	// It is included (Eve's nonce moves on), nothing changes hands, and blocks keep coming.
	let eve = Eve.to_account_id().to_string();
	wait_for(BLOCKS, "Eve's transfer to be included", || {
		(node.call("system_accountNextIndex", json!([eve])) == json!(1)).then_some(())
	});
	let best = node.best_number();
	node.wait_best(best + 2, BLOCKS);
	assert_eq!(free_balance(&node, &Eve.to_account_id(), None), eve_before, "no POP moved");
	let fee = eve_lit_before - free_lit(&node, &Eve.to_account_id(), None);
	assert!(fee > 0 && fee < LIT / 10, "only a small fee was taken, got {fee}");
}
