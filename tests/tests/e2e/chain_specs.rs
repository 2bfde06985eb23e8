//! The committed chain specs in `chain-specs/` are what a validator launches from: they must
//! load, carry the wallet properties, and start a chain that authors blocks.

use pop_e2e::{node::workspace_root, Node, NodeConfig};
use serde_json::{json, Value};
use std::time::Duration;

fn spec(name: &str) -> (String, Value) {
	let path = workspace_root().join("chain-specs").join(name);
	let text = std::fs::read_to_string(&path)
		.unwrap_or_else(|e| panic!("{} is missing: {e}; run scripts/chain-specs", path.display()));
	(path.display().to_string(), serde_json::from_str(&text).expect("chain spec is JSON"))
}

#[test]
fn committed_specs_are_raw_with_wallet_properties() {
	for (name, id) in [("local.json", "pop_local"), ("testnet.json", "pop_testnet")] {
		let (_, v) = spec(name);
		assert_eq!(v["id"], id, "{name}");
		assert!(v["genesis"]["raw"]["top"].is_object(), "{name} is raw");
		assert_eq!(v["properties"]["tokenSymbol"], json!(["POP", "LIT"]), "{name}");
		assert_eq!(v["properties"]["tokenDecimals"], json!([12, 9]), "{name}");
	}
}

#[test]
fn a_validator_starts_from_the_committed_local_spec() {
	let (path, _) = spec("local.json");
	// Alice alone: one of four authors, so she authors in her own slots (no finality alone).
	// With no peers a validator authors only when forced to.
	let node = Node::start(NodeConfig {
		chain: path,
		extra_args: vec!["--force-authoring".into()],
		..NodeConfig::local("alice", vec![])
	});
	node.wait_best(1, Duration::from_secs(120));
	let chain = node.call("system_chain", json!([]));
	assert_eq!(chain, "POP Local Testnet");
}
