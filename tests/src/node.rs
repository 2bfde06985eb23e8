//! A real `pop-node` process on loopback.

use crate::{
	rpc::{from_hex, RpcClient, RpcError},
	wait_for,
};
use serde_json::{json, Value};
use std::{
	fs::File,
	io::{BufRead, BufReader},
	net::TcpListener,
	path::{Path, PathBuf},
	process::{Child, Command, Stdio},
	time::Duration,
};

/// How long a node may take to open its RPC port.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(60);

/// The `pop-node` binary under test.
pub fn pop_node_bin() -> PathBuf {
	if let Some(p) = std::env::var_os("POP_NODE_BIN") {
		return PathBuf::from(p);
	}
	release_bin("pop-node")
}

/// The release binary `name` of the workspace, from the cargo target directory
/// (`CARGO_TARGET_DIR`, or `target/` in the workspace).
pub fn release_bin(name: &str) -> PathBuf {
	let target = std::env::var_os("CARGO_TARGET_DIR")
		.map(PathBuf::from)
		.unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"));
	let bin = target.join("release").join(name);
	assert!(
		bin.exists(),
		"{} does not exist: build it with `cargo build --release --workspace --bins`",
		bin.display()
	);
	bin
}

/// The runtime one `spec_version` later (`scripts/build-test-runtimes`), for the upgrade test:
/// `POP_NEXT_RUNTIME`, or `next-runtime/pop_runtime.wasm` in the cargo target directory.
pub fn next_runtime_wasm() -> PathBuf {
	test_runtime("POP_NEXT_RUNTIME", "next-runtime")
}

/// The runtime with its upgrade checks (`scripts/build-test-runtimes`), for the try-runtime
/// harness: `POP_TRY_RUNTIME`, or `try-runtime/pop_runtime.wasm` in the cargo target directory.
pub fn try_runtime_wasm() -> PathBuf {
	test_runtime("POP_TRY_RUNTIME", "try-runtime")
}

fn test_runtime(var: &str, folder: &str) -> PathBuf {
	if let Some(p) = std::env::var_os(var) {
		return PathBuf::from(p);
	}
	let bin = pop_node_bin();
	let target = bin.parent().and_then(Path::parent).expect("the node lies in <target>/release");
	let wasm = target.join(folder).join("pop_runtime.wasm");
	assert!(
		wasm.exists(),
		"{} does not exist: build it with `scripts/build-test-runtimes` or set {var}",
		wasm.display()
	);
	wasm
}

/// The workspace root, for files such as `chain-specs/`.
pub fn workspace_root() -> PathBuf {
	Path::new(env!("CARGO_MANIFEST_DIR")).join("..").canonicalize().expect("workspace root")
}

/// A TCP port on 127.0.0.1 that was free a moment ago.
pub fn free_port() -> u16 {
	unique_port(|| {
		TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("free port").port()
	})
}

/// A port from `pick` that this process has not handed out before. The scenarios run side by
/// side in one process and their daemons bind the ports they were given only later, so the
/// operating system may offer a port again before its first taker holds it.
pub fn unique_port(mut pick: impl FnMut() -> u16) -> u16 {
	static HANDED_OUT: std::sync::Mutex<Vec<u16>> = std::sync::Mutex::new(Vec::new());
	let mut handed_out = HANDED_OUT.lock().unwrap_or_else(|e| e.into_inner());
	loop {
		let port = pick();
		if !handed_out.contains(&port) {
			handed_out.push(port);
			return port;
		}
	}
}

/// How to start a node.
#[derive(Clone, Debug)]
pub struct NodeConfig {
	/// `--chain`: `dev`, `local`, `testnet` or a path.
	pub chain: String,
	/// A development identity (`alice`, `bob`, …): sets `--name` and `--<who>`, which makes the
	/// node a validator with that identity's keys. `None` runs a non-validating full node.
	pub who: Option<String>,
	/// `--bootnodes`.
	pub bootnodes: Vec<String>,
	/// Further arguments.
	pub extra_args: Vec<String>,
}

impl NodeConfig {
	/// A single-validator development node: Alice on the `dev` chain, authoring without peers.
	pub fn dev() -> Self {
		Self {
			chain: "dev".into(),
			who: Some("alice".into()),
			bootnodes: vec![],
			extra_args: vec!["--force-authoring".into()],
		}
	}

	/// The same node serving only the RPC methods that are safe to expose to anyone
	/// (`--rpc-methods safe`): what the daemons and the CLI must make do with.
	pub fn safe_rpc(mut self) -> Self {
		self.extra_args.extend(["--rpc-methods".into(), "safe".into()]);
		self
	}

	/// A validator of the four-validator local network.
	pub fn local(who: &str, bootnodes: Vec<String>) -> Self {
		Self { chain: "local".into(), who: Some(who.into()), bootnodes, extra_args: vec![] }
	}
}

/// A running `pop-node`. Killed when dropped, and its base path removed with it.
pub struct Node {
	child: Option<Child>,
	config: NodeConfig,
	/// The temporary base path: database, keystore, network key and the log.
	base: tempfile::TempDir,
	/// The libp2p secret key: a restart keeps the same network identity.
	node_key: [u8; 32],
	pub rpc_port: u16,
	pub p2p_port: u16,
	rpc: RpcClient,
}

impl Node {
	/// Starts a node and waits for its RPC to answer.
	pub fn start(config: NodeConfig) -> Node {
		let base = tempfile::Builder::new().prefix("pop-node-").tempdir().expect("temp dir");
		// A fresh libp2p identity; validators need one before they start.
		let node_key = <sp_core::ed25519::Pair as sp_core::Pair>::generate().0.seed();
		Self::start_in(config, base, node_key)
	}

	fn start_in(config: NodeConfig, base: tempfile::TempDir, node_key: [u8; 32]) -> Node {
		let rpc_port = free_port();
		let p2p_port = free_port();
		let mut node = Node {
			child: None,
			config,
			base,
			node_key,
			rpc_port,
			p2p_port,
			rpc: RpcClient::local(rpc_port),
		};
		node.spawn();
		node
	}

	/// The file the node's output goes to.
	pub fn log_path(&self) -> PathBuf {
		self.base.path().join("node.log")
	}

	fn spawn(&mut self) {
		assert!(self.child.is_none(), "node already running");
		let log =
			File::options().create(true).append(true).open(self.log_path()).expect("open node log");
		let mut cmd = Command::new(pop_node_bin());
		cmd.arg("--chain")
			.arg(&self.config.chain)
			.arg("--base-path")
			.arg(self.base.path().join("data"))
			.arg("--rpc-port")
			.arg(self.rpc_port.to_string())
			.arg("--listen-addr")
			.arg(format!("/ip4/127.0.0.1/tcp/{}", self.p2p_port))
			.arg("--node-key")
			.arg(hex::encode(self.node_key))
			.args(["--no-telemetry", "--no-mdns", "--rpc-cors", "all"])
			.args(["--state-pruning", "archive"])
			.args(["--log", "info,runtime=debug"]);
		if let Some(who) = &self.config.who {
			cmd.arg(format!("--{who}"));
		}
		if !self.config.bootnodes.is_empty() {
			cmd.arg("--bootnodes").args(&self.config.bootnodes);
		}
		if !self.config.extra_args.iter().any(|a| a == "--prometheus-port") {
			cmd.arg("--no-prometheus");
		}
		cmd.args(&self.config.extra_args);
		cmd.stdin(Stdio::null()).stdout(log.try_clone().expect("log handle")).stderr(log);
		let child = cmd.spawn().unwrap_or_else(|e| panic!("cannot start {:?}: {e}", cmd));
		self.child = Some(child);
		self.wait_for_rpc();
	}

	fn wait_for_rpc(&mut self) {
		let start = std::time::Instant::now();
		loop {
			if let Some(status) = self.child.as_mut().and_then(|c| c.try_wait().ok().flatten()) {
				panic!("pop-node exited with {status} during start-up (its log follows)");
			}
			if self.rpc.call("system_health", json!([])).is_ok() {
				return;
			}
			if start.elapsed() > STARTUP_TIMEOUT {
				panic!(
					"pop-node RPC did not answer in {STARTUP_TIMEOUT:?}:\n{}",
					self.log_tail(60)
				);
			}
			std::thread::sleep(Duration::from_millis(200));
		}
	}

	/// Calls a JSON-RPC method of this node.
	pub fn rpc(&self, method: &str, params: Value) -> Result<Value, RpcError> {
		self.rpc.call(method, params)
	}

	/// The JSON-RPC client of this node.
	pub fn rpc_client(&self) -> &RpcClient {
		&self.rpc
	}

	/// Its HTTP JSON-RPC endpoint, for the sidecars and the CLI.
	pub fn rpc_url(&self) -> String {
		self.rpc.url().to_string()
	}

	/// Calls a JSON-RPC method that must succeed.
	pub fn call(&self, method: &str, params: Value) -> Value {
		self.rpc(method, params).unwrap_or_else(|e| panic!("{method} failed: {e}"))
	}

	/// The multiaddress other nodes use to reach this one.
	pub fn multiaddr(&self) -> String {
		let peer_id = self.call("system_localPeerId", json!([]));
		format!("/ip4/127.0.0.1/tcp/{}/p2p/{}", self.p2p_port, peer_id.as_str().expect("peer id"))
	}

	/// The number of the best block.
	pub fn best_number(&self) -> u32 {
		header_number(&self.call("chain_getHeader", json!([])))
	}

	/// The hash of the last finalized block.
	pub fn finalized_hash(&self) -> String {
		self.call("chain_getFinalizedHead", json!([])).as_str().expect("hash").to_string()
	}

	/// The number of the last finalized block.
	pub fn finalized_number(&self) -> u32 {
		let hash = self.finalized_hash();
		header_number(&self.call("chain_getHeader", json!([hash])))
	}

	/// The hash of block `number` on this node's best chain, if it has it.
	pub fn block_hash(&self, number: u32) -> Option<String> {
		self.call("chain_getBlockHash", json!([number])).as_str().map(str::to_string)
	}

	/// The number of connected peers.
	pub fn peers(&self) -> u64 {
		self.call("system_health", json!([]))["peers"].as_u64().expect("peers")
	}

	/// Waits until the best block is at least `n`.
	pub fn wait_best(&self, n: u32, timeout: Duration) -> u32 {
		wait_for(timeout, &format!("best block #{n}"), || {
			let b = self.best_number();
			(b >= n).then_some(b)
		})
	}

	/// Waits until the finalized block is at least `n`.
	pub fn wait_finalized(&self, n: u32, timeout: Duration) -> u32 {
		wait_for(timeout, &format!("finalized block #{n}"), || {
			let f = self.finalized_number();
			(f >= n).then_some(f)
		})
	}

	/// Reads raw storage at `key`, at block `at` (the best block if `None`).
	pub fn storage(&self, key: &[u8], at: Option<&str>) -> Option<Vec<u8>> {
		let key = crate::rpc::to_hex(key);
		let v = match at {
			Some(at) => self.call("state_getStorage", json!([key, at])),
			None => self.call("state_getStorage", json!([key])),
		};
		v.as_str().map(from_hex)
	}

	/// Whether the process is still running.
	pub fn is_running(&mut self) -> bool {
		self.child.as_mut().is_some_and(|c| c.try_wait().ok().flatten().is_none())
	}

	/// Kills the process (SIGKILL, as a crash would) and keeps its base path.
	pub fn kill(&mut self) {
		if let Some(mut child) = self.child.take() {
			let _ = child.kill();
			let _ = child.wait();
		}
	}

	/// Starts the process again on the same base path, network key and ports.
	pub fn restart(&mut self) {
		self.kill();
		self.spawn();
	}

	/// The last `lines` lines of the node's log.
	pub fn log_tail(&self, lines: usize) -> String {
		let Ok(f) = File::open(self.log_path()) else { return String::from("(no log)") };
		let all: Vec<String> = BufReader::new(f).lines().map_while(Result::ok).collect();
		all[all.len().saturating_sub(lines)..].join("\n")
	}
}

impl Drop for Node {
	fn drop(&mut self) {
		self.kill();
		if std::thread::panicking() {
			eprintln!(
				"---- last lines of pop-node ({}, chain {}) ----\n{}",
				self.config.who.as_deref().unwrap_or("full node"),
				self.config.chain,
				self.log_tail(40)
			);
		}
	}
}

fn header_number(header: &Value) -> u32 {
	let n = header["number"].as_str().expect("header number");
	u32::from_str_radix(n.trim_start_matches("0x"), 16).expect("hex block number")
}
