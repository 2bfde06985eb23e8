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
