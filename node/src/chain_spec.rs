//! The chain specs built into `pop-node`, and the properties wallets read from them.
//!
//! `--chain dev` and `--chain local` start from the runtime's genesis presets; `--chain testnet`
//! is the template a public network fills in (see the README); any other value is a path to a
//! JSON chain spec, such as `chain-specs/local.json`.

use pop_primitives::{
	currency::{LIT_DECIMALS, LIT_SYMBOL, POP_DECIMALS, POP_SYMBOL},
	SS58_PREFIX,
};
use pop_runtime::{genesis_config_presets::TESTNET_RUNTIME_PRESET, WASM_BINARY};
use sc_service::{ChainType, Properties};
use sp_genesis_builder::{DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET};

/// A chain spec of POP Network.
pub type ChainSpec = sc_service::GenericChainSpec;

/// What wallets such as polkadot-js read to show balances: both tokens, POP first (the native
/// one), with their decimals, and the address format.
pub fn properties() -> Properties {
	let mut p = Properties::new();
	p.insert("tokenSymbol".into(), serde_json::json!([POP_SYMBOL, LIT_SYMBOL]));
	p.insert("tokenDecimals".into(), serde_json::json!([POP_DECIMALS, LIT_DECIMALS]));
	p.insert("ss58Format".into(), SS58_PREFIX.into());
	p
}

fn from_preset(
	name: &str,
	id: &str,
	chain_type: ChainType,
	preset: &str,
	protocol_id: &str,
) -> Result<ChainSpec, String> {
	let wasm = WASM_BINARY.ok_or_else(|| {
		"this pop-node was built without its wasm runtime (SKIP_WASM_BUILD was set); \
		 rebuild it without SKIP_WASM_BUILD to run a chain"
			.to_string()
	})?;
	Ok(ChainSpec::builder(wasm, None)
		.with_name(name)
		.with_id(id)
		.with_chain_type(chain_type)
		.with_protocol_id(protocol_id)
		.with_properties(properties())
		.with_genesis_config_preset_name(preset)
		.build())
}

/// A single-validator development chain (`--dev`).
pub fn development() -> Result<ChainSpec, String> {
	from_preset("POP Development", "pop_dev", ChainType::Development, DEV_RUNTIME_PRESET, "pop-dev")
}

/// A four-validator local network.
pub fn local() -> Result<ChainSpec, String> {
	from_preset(
		"POP Local Testnet",
		"pop_local",
		ChainType::Local,
		LOCAL_TESTNET_RUNTIME_PRESET,
		"pop-local",
	)
}

/// The public-testnet template.
pub fn testnet() -> Result<ChainSpec, String> {
	from_preset("POP Testnet", "pop_testnet", ChainType::Live, TESTNET_RUNTIME_PRESET, "pop-test")
}

/// Loads the chain spec that `--chain` names.
pub fn load(id: &str) -> Result<Box<dyn sc_service::ChainSpec>, String> {
	Ok(match id {
		"dev" => Box::new(development()?),
		"" | "local" => Box::new(local()?),
		"testnet" => Box::new(testnet()?),
		path => Box::new(
			ChainSpec::from_json_file(std::path::PathBuf::from(path))
				.map_err(|e| format!("cannot load chain spec {path}: {e}"))?,
		),
	})
}
