//! polkadot-js compatibility: `@polkadot/api` connects to a real node, decodes its metadata,
//! signs and submits a transfer and sees it finalized, then notes a preimage and submits a
//! referendum as the governance pages do, without a single warning; and a transfer signed with
//! `CheckMetadataHash` on, as offline signers sign, is included, while a wrong hash is refused.

use pop_e2e::{node::workspace_root, Node, NodeConfig};
use std::process::Command;

/// Starts a development node (`config`), runs `tests/js/<script>` against it with Node.js, and
/// returns the node and the script's stdout and stderr once it succeeded. `package` is an npm
/// package the script needs, to say what is missing when `npm ci` has not run.
fn run_js(script: &str, package: &str, config: NodeConfig) -> (Node, String, String) {
	let js = workspace_root().join("tests/js");
	assert!(
		js.join("node_modules").join(package).exists(),
		"tests/js has no node_modules: run scripts/setup (it runs `npm ci` there)"
	);
	let node = Node::start(config);
	node.wait_best(1, std::time::Duration::from_secs(90));
	let out = Command::new("node")
		.current_dir(&js)
		.arg(script)
		.arg(format!("ws://127.0.0.1:{}", node.rpc_port))
		.output()
		.expect("run node (Node.js); scripts/setup installs it");
	let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
	let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
	println!("{stdout}\n{stderr}");
	assert!(out.status.success(), "{script} failed:\n{stdout}\n{stderr}");
	(node, stdout, stderr)
}

#[test]
fn polkadot_js_signs_a_transfer_without_warnings() {
	let (_node, stdout, stderr) = run_js("transfer.mjs", "@polkadot/api", NodeConfig::dev());
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
	let (node, stdout, _) = run_js(
		"metadata-hash.mjs",
		"@polkadot-api/merkleize-metadata",
		NodeConfig::dev().safe_rpc(),
	);
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
