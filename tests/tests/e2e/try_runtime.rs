//! Upgrade checks against a live chain's state: after some real activity on a dev node served
//! with safe RPC methods only (a transfer, LIT minted, a delegate vote), `pop-try-runtime`
//! downloads the whole state and runs the try-runtime build of the current runtime's
//! `TryRuntime_on_runtime_upgrade` with every check (migrations' pre/post hooks and every pallet's
//! `try_state`): they pass, and the migrations fit in a block. A runtime without the checks and a
//! file that is no runtime are refused with a reason.

use pop_e2e::{
	chain::{context, transfer_call},
	content::send,
	node::{next_runtime_wasm, try_runtime_wasm},
	Node, NodeConfig,
};
use pop_primitives::currency::POP;
use pop_runtime::RuntimeCall;
use sp_keyring::Sr25519Keyring;
use std::{process::Command, time::Duration};

fn harness(node: &Node, runtime: &std::path::Path) -> std::process::Output {
	Command::new(env!("CARGO_BIN_EXE_pop-try-runtime"))
		.args(["--uri", &node.rpc_url(), "--output", "json", "--runtime"])
		.arg(runtime)
		.output()
		.expect("run pop-try-runtime")
}

#[test]
fn the_upgrade_checks_pass_on_a_live_chains_state() {
	let node = Node::start(NodeConfig::dev().safe_rpc());
	node.wait_best(1, Duration::from_secs(90));
	let ctx = context(&node);
	let bob = Sr25519Keyring::Bob.to_account_id();
	send(&node, &ctx, Sr25519Keyring::Alice, transfer_call(&bob, 5 * POP));
	send(
		&node,
		&ctx,
		Sr25519Keyring::Bob,
		RuntimeCall::Lit(pallet_lit::Call::mint { pop_amount: 10 * POP, min_lit_out: 1 }),
	);
	// Finalized, so that the state the harness reads holds both.
	let at = node.best_number() + 2;
	node.wait_finalized(at, Duration::from_secs(90));

	let out = harness(&node, &try_runtime_wasm());
	let stdout = String::from_utf8_lossy(&out.stdout);
	let stderr = String::from_utf8_lossy(&out.stderr);
	assert!(out.status.success(), "the upgrade checks failed:\n{stdout}\n{stderr}");
	let report: serde_json::Value = serde_json::from_str(stdout.trim()).expect("one JSON object");
	assert_eq!(report["ok"], true);
	assert_eq!(report["from"]["specName"], "pop-network");
	assert_eq!(report["to"]["specVersion"], report["from"]["specVersion"], "the same runtime");
	assert!(report["keys"].as_u64() > Some(100), "the whole state was read: {report}");
	let weight = report["weight"]["refTime"].as_u64().unwrap();
	let limit = report["blockLimit"]["refTime"].as_u64().unwrap();
	assert!(weight > 0 && weight <= limit, "{report}");
	// The runtime's own checks ran, every pallet's try_state among them: FRAME logs each.
	for pallet in ["Balances", "Content", "Sdpos", "Referenda"] {
		assert!(stderr.contains(&format!("Running \"{pallet}\" try-state checks")), "{stderr}");
	}

	// Not a try-runtime build: refused by name, before any state is read.
	let out = harness(&node, &next_runtime_wasm());
	assert_eq!(out.status.code(), Some(1));
	let stderr = String::from_utf8_lossy(&out.stderr);
	assert!(stderr.contains("not built with the try-runtime feature"), "{stderr}");

	// Not a runtime at all.
	let dir = tempfile::tempdir().unwrap();
	let junk = dir.path().join("junk.wasm");
	std::fs::write(&junk, b"\0asm but not really").unwrap();
	let out = harness(&node, &junk);
	assert_eq!(out.status.code(), Some(1));
	let stderr = String::from_utf8_lossy(&out.stderr);
	assert!(stderr.contains("is not a runtime"), "{stderr}");
}
