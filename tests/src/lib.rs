//! A harness for end-to-end tests on real POP Network processes.
//!
//! [`Node`] starts a real `pop-node` on loopback with free ports and its own base path, waits
//! until its JSON-RPC answers, and kills it when dropped (printing the end of its log if the test
//! is failing). [`swarm::Masternode`] and [`superdelegate::Superdelegate`] do the same for the
//! `pop-masternode` and `pop-superdelegate` daemons ([`daemon`]), and [`swarm::pop`] runs the
//! `pop` CLI. [`rpc`] speaks JSON-RPC over HTTP; [`chain`] builds and signs extrinsics with the
//! runtime's own types and reads balances from storage.
//!
//! The binary comes from `POP_NODE_BIN`, or else from the cargo target directory
//! (`CARGO_TARGET_DIR`, or `target/` in the workspace) under `release/`. `scripts/test` builds it
//! first.

pub mod chain;
pub mod content;
pub mod daemon;
pub mod node;
pub mod referenda;
pub mod rpc;
pub mod superdelegate;
pub mod swarm;
pub mod web;

pub use node::{next_runtime_wasm, Node, NodeConfig};
pub use rpc::RpcError;

use std::time::{Duration, Instant};

/// Polls `check` every 250 ms until it returns `Some`, or panics after `timeout` with `what`.
pub fn wait_for<T>(timeout: Duration, what: &str, mut check: impl FnMut() -> Option<T>) -> T {
	let start = Instant::now();
	loop {
		if let Some(v) = check() {
			return v;
		}
		if start.elapsed() > timeout {
			panic!("timed out after {timeout:?} waiting for {what}");
		}
		std::thread::sleep(Duration::from_millis(250));
	}
}
