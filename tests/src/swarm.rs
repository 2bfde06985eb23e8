//! Real `pop-masternode` daemons and the real `pop` CLI.

use crate::{
	node::{free_port, release_bin},
	Node,
};
use std::{
	fs::File,
	path::{Path, PathBuf},
	process::{Child, Command, Output, Stdio},
};

/// A running `pop-masternode`. Killed when dropped; its base path (identity and shards) lives
/// as long as this value, so a restart keeps both.
pub struct Masternode {
	child: Option<Child>,
	base: tempfile::TempDir,
	/// The account's secret URI.
	pub suri: String,
	chain_rpc: String,
	region: String,
	/// TCP, WebSocket and QUIC (UDP) ports.
	pub ports: [u16; 3],
}

impl Masternode {
	/// Starts a masternode for the account `suri` against `node`, in `region`.
	pub fn start(node: &Node, suri: &str, region: &str) -> Masternode {
		let base = tempfile::Builder::new().prefix("pop-masternode-").tempdir().expect("temp dir");
		let mut m = Masternode {
			child: None,
			base,
			suri: suri.into(),
			chain_rpc: node.rpc_url(),
			region: region.into(),
			ports: [free_port(), free_port(), free_udp_port()],
		};
		m.spawn();
		m
	}

	/// Its base path.
	pub fn base_path(&self) -> &Path {
		self.base.path()
	}

	/// The file its output goes to.
	pub fn log_path(&self) -> PathBuf {
		self.base.path().join("masternode.log")
	}

	/// Its log so far.
	pub fn log(&self) -> String {
		std::fs::read_to_string(self.log_path()).unwrap_or_default()
	}

	/// The addresses it listens on.
	pub fn addresses(&self) -> Vec<String> {
		let [tcp, ws, quic] = self.ports;
		vec![
			format!("/ip4/127.0.0.1/tcp/{tcp}"),
			format!("/ip4/127.0.0.1/tcp/{ws}/ws"),
			format!("/ip4/127.0.0.1/udp/{quic}/quic-v1"),
		]
	}

	fn spawn(&mut self) {
		assert!(self.child.is_none(), "masternode already running");
		let log = File::options().create(true).append(true).open(self.log_path()).expect("log");
		let mut cmd = Command::new(release_bin("pop-masternode"));
		cmd.arg("run")
			.args(["--chain-rpc", &self.chain_rpc, "--suri", &self.suri])
			.arg("--base-path")
			.arg(self.base.path().join("data"))
			.args(["--region", &self.region, "--capacity-gib", "1", "--repair-delay", "5"]);
		for a in self.addresses() {
			cmd.args(["--listen", &a]);
		}
		cmd.env("RUST_LOG", "info,masternode=debug");
		cmd.stdin(Stdio::null()).stdout(log.try_clone().expect("log handle")).stderr(log);
		self.child = Some(cmd.spawn().unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}")));
	}

	/// Whether the process is still running.
	pub fn is_running(&mut self) -> bool {
		self.child.as_mut().is_some_and(|c| c.try_wait().ok().flatten().is_none())
	}

	/// Kills it (SIGKILL: no clean shutdown).
	pub fn kill(&mut self) {
		if let Some(mut child) = self.child.take() {
			let _ = child.kill();
			let _ = child.wait();
		}
	}

	/// Starts it again with the same identity, shards and ports.
	pub fn restart(&mut self) {
		self.kill();
		self.spawn();
	}

	/// The shard files it stores.
	pub fn shard_files(&self) -> Vec<PathBuf> {
		let root = self.base.path().join("data/store/shards");
		let mut files = Vec::new();
		for dir in std::fs::read_dir(root).into_iter().flatten().flatten() {
			for f in std::fs::read_dir(dir.path()).into_iter().flatten().flatten() {
				files.push(f.path());
			}
		}
		files
	}
}

impl Drop for Masternode {
	fn drop(&mut self) {
		self.kill();
		if std::thread::panicking() {
			let log = self.log();
			let tail: Vec<&str> = log.lines().rev().take(40).collect();
			eprintln!(
				"--- last lines of masternode {} ---\n{}",
				self.suri,
				tail.into_iter().rev().collect::<Vec<_>>().join("\n")
			);
		}
	}
}

/// A UDP port on 127.0.0.1 that was free a moment ago.
pub fn free_udp_port() -> u16 {
	std::net::UdpSocket::bind("127.0.0.1:0").and_then(|s| s.local_addr()).expect("free port").port()
}

/// Runs the `pop` CLI against `node` with `args`; returns its output.
pub fn pop(node: &Node, args: &[&str]) -> Output {
	let mut cmd = Command::new(release_bin("pop"));
	cmd.args(["--chain-rpc", &node.rpc_url(), "--quiet"]).args(args);
	cmd.output().unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}
