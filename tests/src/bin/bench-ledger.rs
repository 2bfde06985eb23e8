//! Ledger benchmark on a real development node (`scripts/bench-ledger` runs it).
//!
//! 1. **LIT vs POP transfers.** A POP-only account sends POP transfers (fees in POP) and a
//!    LIT-only account sends LIT transfers (fees in LIT, through the fee adapter's conversion),
//!    in alternating rounds on the same node. For each round it reports how fast the pool
//!    accepted them (every submission runs the runtime's transaction validation, fee check
//!    included) and how fast blocks included them (by block timestamps). The ratio LIT / POP
//!    must stay at or above 0.9.
//! 2. **Vouchers vs transfers.** Signs 10,000 nanopayment vouchers and verifies them all off chain
//!    with the same function the pallet uses; reports vouchers verified per second against POP
//!    transfers included per second.
//!
//! `POP_BENCH_TXS` (default 3,000) sets the transfers per round, `POP_BENCH_ROUNDS` (default 3)
//! the rounds per token.

use pop_e2e::{
	chain::{
		account, free_balance, free_lit, fresh_pair, lit_transfer_call, read, signed_by,
		signed_extrinsic, submit, transfer_call, value_key, ChainContext,
	},
	wait_for, Node, NodeConfig,
};
use pop_primitives::{
	currency::{LIT, POP},
	voucher::{sign_voucher, verify_voucher},
	AccountId,
};
use sp_core::{sr25519, Pair};
use sp_keyring::Sr25519Keyring::Alice;
use std::time::{Duration, Instant};

#[derive(Clone, Copy, Debug, PartialEq)]
enum Token {
	Pop,
	Lit,
}

struct Round {
	accepted_per_s: f64,
	included_per_s: f64,
	blocks: u32,
}

fn env_or(name: &str, default: u32) -> u32 {
	std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn block_timestamp(node: &Node, number: u32) -> u64 {
	let hash = node.block_hash(number).expect("block exists");
	read::<u64>(node, &value_key("Timestamp", "Now"), Some(&hash)).expect("timestamp")
}

fn run_round(
	node: &Node,
	ctx: &ChainContext,
	token: Token,
	sender: &sr25519::Pair,
	nonce: &mut u32,
	n: u32,
) -> Round {
	let sender_id: AccountId = sender.public().into();
	let dest = AccountId::from([0x42; 32]);
	let signed: Vec<Vec<u8>> = (0..n)
		.map(|i| {
			let call = match token {
				Token::Pop => transfer_call(&dest, POP / 1_000),
				Token::Lit => lit_transfer_call(&dest, LIT / 1_000),
			};
			signed_by(ctx, call, sender, sender, *nonce + i)
		})
		.collect();
	let target_nonce = *nonce + n;
	*nonce = target_nonce;
	// Start right after a block, so that every round meets the block clock the same way.
	let before = node.best_number();
	let first_block = node.wait_best(before + 1, Duration::from_secs(30));
	let started = Instant::now();
	for tx in &signed {
		submit(node, tx).expect("transfer accepted by the pool");
	}
	let accepted_per_s = n as f64 / started.elapsed().as_secs_f64();
	let last_block = wait_for(Duration::from_secs(600), "every transfer included", || {
		(account(node, &sender_id, None).nonce >= target_nonce).then(|| node.best_number())
	});
	let ms = block_timestamp(node, last_block) - block_timestamp(node, first_block);
	let included_per_s = n as f64 / (ms as f64 / 1_000.0);
	Round { accepted_per_s, included_per_s, blocks: last_block - first_block }
}

fn median(mut v: Vec<f64>) -> f64 {
	v.sort_by(|a, b| a.partial_cmp(b).unwrap());
	v[v.len() / 2]
}

fn main() {
	let n = env_or("POP_BENCH_TXS", 3_000);
	let rounds = env_or("POP_BENCH_ROUNDS", 3).max(1);
	eprintln!("starting a development node …");
	let node = Node::start(NodeConfig::dev());
	node.wait_best(1, Duration::from_secs(120));
	let ctx = pop_e2e::chain::context(&node);

	// A POP-only sender and a LIT-only sender.
	let pop_sender = fresh_pair();
	let lit_sender = fresh_pair();
	let pop_id: AccountId = pop_sender.public().into();
	let lit_id: AccountId = lit_sender.public().into();
	submit(&node, &signed_extrinsic(&ctx, transfer_call(&pop_id, 10_000 * POP), Alice, 0)).unwrap();
	submit(&node, &signed_extrinsic(&ctx, lit_transfer_call(&lit_id, 5_000 * LIT), Alice, 1))
		.unwrap();
	wait_for(Duration::from_secs(120), "the senders funded", || {
		(free_balance(&node, &pop_id, None) > 0 && free_lit(&node, &lit_id, None) > 0).then_some(())
	});
	assert_eq!(free_balance(&node, &lit_id, None), 0, "the LIT sender holds no POP");

	let (mut pop_nonce, mut lit_nonce) = (0, 0);
	let mut results: Vec<(Token, Round)> = Vec::new();
	for round in 1..=rounds {
		for token in [Token::Pop, Token::Lit] {
			let r = match token {
				Token::Pop => run_round(&node, &ctx, token, &pop_sender, &mut pop_nonce, n),
				Token::Lit => run_round(&node, &ctx, token, &lit_sender, &mut lit_nonce, n),
			};
			println!(
				"round {round} {token:?}: {n} transfers, pool accepted {:.0}/s, included {:.0}/s over {} block(s)",
				r.accepted_per_s, r.included_per_s, r.blocks
			);
			results.push((token, r));
		}
	}
	let pick = |t: Token, f: fn(&Round) -> f64| {
		median(results.iter().filter(|(k, _)| *k == t).map(|(_, r)| f(r)).collect())
	};
	let pop_included = pick(Token::Pop, |r| r.included_per_s);
	let lit_included = pick(Token::Lit, |r| r.included_per_s);
	let pop_accepted = pick(Token::Pop, |r| r.accepted_per_s);
	let lit_accepted = pick(Token::Lit, |r| r.accepted_per_s);
	println!(
		"medians: included POP {pop_included:.0}/s, LIT {lit_included:.0}/s; accepted POP {pop_accepted:.0}/s, LIT {lit_accepted:.0}/s"
	);
	let included_ratio = lit_included / pop_included;
	let accepted_ratio = lit_accepted / pop_accepted;
	println!("RATIO lit/pop included: {included_ratio:.3} (must be >= 0.9)");
	println!("RATIO lit/pop accepted: {accepted_ratio:.3} (must be >= 0.9)");

	// Vouchers: signed and verified off chain with the pallet's own function.
	let payer = sr25519::Pair::from_seed(&[9; 32]);
	let payer_id: AccountId = payer.public().into();
	let genesis = ctx.genesis_hash;
	let vouchers: Vec<_> =
		(1..=10_000u128).map(|c| (c, sign_voucher(&payer, &genesis, 7, c * 1_000))).collect();
	let started = Instant::now();
	for (c, sig) in &vouchers {
		assert!(verify_voucher(&payer_id, &genesis, 7, c * 1_000, sig));
	}
	let verified_per_s = vouchers.len() as f64 / started.elapsed().as_secs_f64();
	println!("vouchers verified off chain: {verified_per_s:.0}/s (one core)");
	println!(
		"RATIO vouchers verified / POP transfers included: {:.1}",
		verified_per_s / pop_included
	);
	if included_ratio < 0.9 || accepted_ratio < 0.9 {
		eprintln!("LIT fell below 0.9 of POP");
		std::process::exit(1);
	}
}
