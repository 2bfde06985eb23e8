//! `pop-try-runtime`: runs a runtime's upgrade checks against the state of a live chain, before
//! anyone proposes the upgrade.
//!
//! It downloads the whole state at one block (the finalized head unless `--at` names another)
//! through the safe RPC methods a public node serves (`state_getKeysPaged`,
//! `state_queryStorageAt`), puts the runtime under test in `:code`, and calls its
//! `TryRuntime_on_runtime_upgrade` in a wasm executor, as the chain would on the first block after
//! the upgrade: every pallet's migrations run with their pre- and post-upgrade checks, then every
//! pallet's `try_state` invariants. The runtime must be built with the `try-runtime` feature
//! (`scripts/build-test-runtimes` keeps one at `$CARGO_TARGET_DIR/try-runtime/pop_runtime.wasm`).
//!
//! It fails (exit 1) when a check fails, when the migrations weigh more than a block, when the
//! runtime is not a try-runtime build, or when it is not an upgrade of the chain's runtime (another
//! `spec_name`, or a lower `spec_version`).
//!
//! Why not `try-runtime-cli` with `frame-remote-externalities`: the CLI does not build from the
//! registries with this polkadot-sdk release, and the state download is two paged RPC calls that
//! the project's RPC client already makes; the executor and externalities are the SDK's own.
//!
//! ```text
//! pop-try-runtime --uri http://127.0.0.1:9944 --runtime try-runtime.wasm [--at 0x…] [--output json]
//! ```

use codec::{Decode, Encode};
use frame_support::weights::Weight;
use pop_chain_client::rpc::{parse_hex, RpcClient, RpcError};
use sc_executor::WasmExecutor;
use serde_json::{json, Value};
use sp_core::{
	storage::{well_known_keys, StateVersion, Storage},
	traits::{CallContext, CodeExecutor, RuntimeCode, WrappedRuntimeCode},
};
use std::collections::BTreeMap;

/// Keys asked for in one page.
const PAGE: usize = 1000;

/// `frame_try_runtime::UpgradeCheckSelect`, which the SDK defines only with the try-runtime
/// feature; turning that on here would turn it on for the node's runtime too (features unify
/// across the workspace). Same variants, same order, same encoding.
#[derive(Encode)]
#[allow(dead_code)]
enum UpgradeCheckSelect {
	None,
	All,
	PreAndPost,
	TryState,
}

struct Args {
	uri: String,
	runtime: String,
	at: Option<String>,
	json: bool,
}

fn usage() -> ! {
	eprintln!(
		"usage: pop-try-runtime --uri <http://host:port> --runtime <try-runtime wasm> \
		 [--at <block hash>] [--output text|json]"
	);
	std::process::exit(2)
}

fn parse_args() -> Args {
	let mut args = std::env::args().skip(1);
	let (mut uri, mut runtime, mut at, mut json) = (None, None, None, false);
	while let Some(arg) = args.next() {
		let mut value = || args.next().unwrap_or_else(|| usage());
		match arg.as_str() {
			"--uri" => uri = Some(value()),
			"--runtime" => runtime = Some(value()),
			"--at" => at = Some(value()),
			"--output" => match value().as_str() {
				"json" => json = true,
				"text" => json = false,
				other => {
					eprintln!("error: --output is text or json, not {other:?}");
					std::process::exit(2)
				}
			},
			"-h" | "--help" => usage(),
			other => {
				eprintln!("error: unknown argument {other:?}");
				usage()
			}
		}
	}
	match (uri, runtime) {
		(Some(uri), Some(runtime)) => Args { uri, runtime, at, json },
		_ => usage(),
	}
}

/// The whole top-level state at `at`, key by key.
fn download(rpc: &RpcClient, at: &str) -> Result<BTreeMap<Vec<u8>, Vec<u8>>, String> {
	let rpc_err = |e: RpcError| e.full_text();
	let mut keys: Vec<String> = Vec::new();
	loop {
		let start = keys.last().cloned();
		let page =
			rpc.call("state_getKeysPaged", json!(["0x", PAGE, start, at])).map_err(rpc_err)?;
		let page: Vec<String> = serde_json::from_value(page).map_err(|e| e.to_string())?;
		let done = page.len() < PAGE;
		keys.extend(page);
		if done {
			break;
		}
	}
	let mut state = BTreeMap::new();
	for chunk in keys.chunks(PAGE) {
		let sets = rpc.call("state_queryStorageAt", json!([chunk, at])).map_err(rpc_err)?;
		for set in sets.as_array().into_iter().flatten() {
			for change in set["changes"].as_array().into_iter().flatten() {
				let key = parse_hex(change[0].as_str().unwrap_or_default()).map_err(rpc_err)?;
				if let Some(value) = change[1].as_str() {
					state.insert(key, parse_hex(value).map_err(rpc_err)?);
				}
			}
		}
	}
	if state.len() != keys.len() {
		return Err(format!("asked for {} keys, got {} values", keys.len(), state.len()));
	}
	if let Some(child) =
		state.keys().find(|k| k.starts_with(well_known_keys::CHILD_STORAGE_KEY_PREFIX))
	{
		return Err(format!(
			"the state has a child trie ({}); this harness copies only the top trie",
			String::from_utf8_lossy(child)
		));
	}
	Ok(state)
}

/// The upgrade checks' outcome.
struct Outcome {
	block: String,
	keys: usize,
	from: (String, u32),
	to: (String, u32),
	weight: Weight,
	limit: Weight,
}

fn run(args: &Args) -> Result<Outcome, String> {
	let rpc = RpcClient::new(&args.uri);
	let at = match &args.at {
		Some(at) => at.clone(),
		None => rpc
			.call("chain_getFinalizedHead", json!([]))
			.map_err(|e| e.full_text())?
			.as_str()
			.ok_or("no finalized head")?
			.to_string(),
	};
	let on_chain = rpc.call("state_getRuntimeVersion", json!([at])).map_err(|e| e.full_text())?;
	let field = |v: &Value, name: &str| v[name].clone();
	let from = (
		field(&on_chain, "specName").as_str().unwrap_or_default().to_string(),
		field(&on_chain, "specVersion").as_u64().unwrap_or_default() as u32,
	);
	let state_version = match field(&on_chain, "stateVersion").as_u64() {
		Some(0) => StateVersion::V0,
		_ => StateVersion::V1,
	};

	let executor = WasmExecutor::<sp_io::SubstrateHostFunctions>::builder()
		.with_max_runtime_instances(1)
		.with_offchain_heap_alloc_strategy(sc_executor::HeapAllocStrategy::Dynamic {
			maximum_pages: Some(8192),
		})
		.build();
	let code = std::fs::read(&args.runtime)
		.map_err(|e| format!("cannot read the runtime {}: {e}", args.runtime))?;
	let runtime_code = RuntimeCode {
		code_fetcher: &WrappedRuntimeCode(code.as_slice().into()),
		heap_pages: None,
		hash: sp_crypto_hashing::blake2_256(&code).to_vec(),
	};
	let call = |ext: &mut sp_io::TestExternalities, method: &str, data: &[u8]| {
		executor.call(&mut ext.ext(), &runtime_code, method, data, CallContext::Offchain).0
	};
	let version = call(&mut Default::default(), "Core_version", &[])
		.map_err(|e| format!("{} is not a runtime: {e}", args.runtime))?;
	let version = sc_executor::RuntimeVersion::decode(&mut &version[..])
		.map_err(|e| format!("{} answered a bad version: {e}", args.runtime))?;
	let to = (version.spec_name.to_string(), version.spec_version);
	if to.0 != from.0 {
		return Err(format!("the runtime is {:?}, the chain runs {:?}", to.0, from.0));
	}
	if to.1 < from.1 {
		return Err(format!(
			"spec_version {} is lower than the chain's {}: not an upgrade",
			to.1, from.1
		));
	}
	// `Core_version` lists the APIs; a runtime without the try-runtime feature has no
	// `TryRuntime` API and would fail with a less helpful message below.
	let try_runtime_api = sp_crypto_hashing::blake2_64(b"TryRuntime");
	if !version.apis.iter().any(|(id, _)| *id == try_runtime_api) {
		return Err(format!(
			"{} was not built with the try-runtime feature (it has no TryRuntime API); \
			 scripts/build-test-runtimes builds one",
			args.runtime
		));
	}

	let state = download(&rpc, &at)?;
	let keys = state.len();
	let mut ext = sp_io::TestExternalities::new_with_state_version(
		Storage { top: state, children_default: Default::default() },
		state_version,
	);
	ext.insert(well_known_keys::CODE.to_vec(), code.clone());
	let bytes = call(&mut ext, "TryRuntime_on_runtime_upgrade", &UpgradeCheckSelect::All.encode())
		.map_err(|e| format!("the upgrade checks failed: {e}"))?;
	let (weight, limit) = <(Weight, Weight)>::decode(&mut &bytes[..])
		.map_err(|e| format!("the runtime answered something else than two weights: {e}"))?;
	if weight.any_gt(limit) {
		return Err(format!("the migrations weigh {weight}, more than a block ({limit})"));
	}
	Ok(Outcome { block: at, keys, from, to, weight, limit })
}

fn main() {
	pop_swarm::init_logging();
	let args = parse_args();
	match run(&args) {
		Ok(o) if args.json => println!(
			"{}",
			json!({
				"ok": true,
				"block": o.block,
				"keys": o.keys,
				"from": { "specName": o.from.0, "specVersion": o.from.1 },
				"to": { "specName": o.to.0, "specVersion": o.to.1 },
				"weight": { "refTime": o.weight.ref_time(), "proofSize": o.weight.proof_size() },
				"blockLimit": { "refTime": o.limit.ref_time(), "proofSize": o.limit.proof_size() },
			})
		),
		Ok(o) => {
			println!(
				"upgrade checks passed: {} {} → {} on the state of block {} ({} keys)",
				o.from.0, o.from.1, o.to.1, o.block, o.keys
			);
			println!(
				"migrations weigh {} ref_time, {} proof bytes ({:.2}% of a block)",
				o.weight.ref_time(),
				o.weight.proof_size(),
				100.0 * o.weight.ref_time() as f64 / o.limit.ref_time().max(1) as f64
			);
		}
		Err(e) => {
			if args.json {
				println!("{}", json!({ "ok": false, "error": e }));
			}
			eprintln!("error: {e}");
			std::process::exit(1)
		}
	}
}
