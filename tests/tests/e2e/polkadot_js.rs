//! polkadot-js compatibility: `@polkadot/api` connects to a real node, decodes its metadata,
//! signs and submits a transfer and sees it finalized, then notes a preimage and submits a
//! referendum as the governance pages do, without a single warning.

use pop_e2e::{node::workspace_root, Node, NodeConfig};
use std::process::Command;

#[test]
fn polkadot_js_signs_a_transfer_without_warnings() {
	let js = workspace_root().join("tests/js");
	assert!(
		js.join("node_modules/@polkadot/api").exists(),
		"tests/js has no node_modules: run scripts/setup (it runs `npm ci` there)"
	);
	let node = Node::start(NodeConfig::dev());
	node.wait_best(1, std::time::Duration::from_secs(90));

	let out = Command::new("node")
		.current_dir(&js)
		.arg("transfer.mjs")
		.arg(format!("ws://127.0.0.1:{}", node.rpc_port))
		.output()
		.expect("run node (Node.js); scripts/setup installs it");
	let stdout = String::from_utf8_lossy(&out.stdout);
	let stderr = String::from_utf8_lossy(&out.stderr);
	println!("{stdout}\n{stderr}");
	assert!(out.status.success(), "polkadot-js check failed:\n{stdout}\n{stderr}");
	assert!(stdout.contains("OK"), "the script ran to its end");
	for text in [&stdout, &stderr] {
		assert!(!text.contains("WARN"), "polkadot-js printed a warning:\n{text}");
		assert!(!text.contains("Unknown"), "polkadot-js met something unknown:\n{text}");
	}
}

/// Wallet compatibility with offline signers: a stock JS client computes the RFC-0078 digest of
/// the node's own metadata (@polkadot-api/merkleize-metadata), signs a transfer with
/// `CheckMetadataHash` on (mode 1, that digest) and sees it included; the same transfer signed
/// with a digest one bit off is refused by the node. The digest the runtime checks was built
/// into its wasm (the `metadata-hash` feature), so inclusion proves the two agree.
#[test]
fn a_stock_js_client_signs_with_the_metadata_hash() {
	let js = workspace_root().join("tests/js");
	assert!(
		js.join("node_modules/@polkadot-api/merkleize-metadata").exists(),
		"tests/js has no node_modules: run scripts/setup (it runs `npm ci` there)"
	);
	let node = Node::start(NodeConfig::dev().safe_rpc());
	node.wait_best(1, std::time::Duration::from_secs(90));

	let out = Command::new("node")
		.current_dir(&js)
		.arg("metadata-hash.mjs")
		.arg(format!("ws://127.0.0.1:{}", node.rpc_port))
		.output()
		.expect("run node (Node.js); scripts/setup installs it");
	let stdout = String::from_utf8_lossy(&out.stdout);
	let stderr = String::from_utf8_lossy(&out.stderr);
	println!("{stdout}\n{stderr}");
	assert!(out.status.success(), "metadata-hash check failed:\n{stdout}\n{stderr}");
	let line = |key: &str| {
		stdout
			.lines()
			.filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
			.find(|v| v.get(key).is_some())
			.unwrap_or_else(|| panic!("no {key:?} line in:\n{stdout}"))
	};
	let included = line("included");
	let block = included["included"].as_str().expect("a block hash");
	assert!(node.rpc("chain_getHeader", serde_json::json!([block])).is_ok(), "{block} is a block");
	let rejected = line("rejected");
	assert!(rejected["rejected"].as_str().unwrap().contains("1010"), "{rejected}");
}
