//! Real `pop-masternode` daemons and the real `pop` CLI.

use crate::{
	daemon::Daemon,
	node::{free_port, release_bin},
	Node,
};
use pop_primitives::content::ContentId;
use std::{
	path::{Path, PathBuf},
	process::{Command, Output},
};

/// A running `pop-masternode`. Killed when dropped; its base path (identity and shards) lives
/// as long as this value, so a restart keeps both.
pub struct Masternode {
	daemon: Daemon,
	/// The account's secret URI.
	pub suri: String,
	/// TCP, WebSocket and QUIC (UDP) ports.
	pub ports: [u16; 3],
	/// Where it serves Prometheus metrics.
	pub metrics_port: u16,
	/// Where it serves shards to browsers over HTTP (on 127.0.0.1).
	pub http_port: u16,
}

/// Loopback addresses on TCP, WebSocket and QUIC for `ports`.
pub fn loopback_addresses([tcp, ws, quic]: [u16; 3]) -> Vec<String> {
	vec![
		format!("/ip4/127.0.0.1/tcp/{tcp}"),
		format!("/ip4/127.0.0.1/tcp/{ws}/ws"),
		format!("/ip4/127.0.0.1/udp/{quic}/quic-v1"),
	]
}

impl Masternode {
	/// Starts a masternode for the account `suri` against `node`, in `region`.
	pub fn start(node: &Node, suri: &str, region: &str) -> Masternode {
		Self::start_bin("pop-masternode", node, suri, region)
	}

	/// As [`Masternode::start`], but the masternode lies: `pop-masternode-lying` serves flipped
	/// shards and answers audits with flipped chunks.
	pub fn start_lying(node: &Node, suri: &str, region: &str) -> Masternode {
		Self::start_bin("pop-masternode-lying", node, suri, region)
	}

	fn start_bin(bin: &'static str, node: &Node, suri: &str, region: &str) -> Masternode {
		let ports = [free_port(), free_port(), free_udp_port()];
		let metrics_port = free_port();
		let http_port = free_port();
		let rpc = node.rpc_url();
		let daemon = Daemon::start(bin, &format!("masternode {suri}"), |base| {
			let mut args: Vec<String> = ["run", "--chain-rpc", &rpc, "--suri", suri, "--base-path"]
				.map(String::from)
				.into();
			args.push(base.join("data").to_string_lossy().into_owned());
			args.extend(
				[
					"--region",
					region,
					"--capacity-gib",
					"1",
					"--repair-delay",
					"5",
					"--release-delay",
					"10",
				]
				.map(String::from),
			);
			args.extend(["--prometheus-port".into(), metrics_port.to_string()]);
			args.extend(["--http-listen".into(), format!("127.0.0.1:{http_port}")]);
			for a in loopback_addresses(ports) {
				args.extend(["--listen".to_string(), a]);
			}
			args
		});
		Masternode { daemon, suri: suri.into(), ports, metrics_port, http_port }
	}

	/// The sum of the series of its Prometheus metric `name`, if it serves one.
	pub fn metric(&self, name: &str) -> Option<f64> {
		crate::daemon::metric(self.metrics_port, name)
	}

	/// The base URL of its HTTP shard endpoint.
	pub fn http_url(&self) -> String {
		format!("http://127.0.0.1:{}", self.http_port)
	}

	/// The addresses it listens on.
	pub fn addresses(&self) -> Vec<String> {
		loopback_addresses(self.ports)
	}

	/// The shard files it stores.
	pub fn shard_files(&self) -> Vec<PathBuf> {
		let root = self.base_path().join("data/store/shards");
		let mut files = Vec::new();
		for dir in std::fs::read_dir(root).into_iter().flatten().flatten() {
			for f in std::fs::read_dir(dir.path()).into_iter().flatten().flatten() {
				files.push(f.path());
			}
		}
		files
	}
}

/// Its base path, log, liveness, kill and restart (same identity, shards and ports) are the
/// daemon's.
impl std::ops::Deref for Masternode {
	type Target = Daemon;
	fn deref(&self) -> &Daemon {
		&self.daemon
	}
}

impl std::ops::DerefMut for Masternode {
	fn deref_mut(&mut self) -> &mut Daemon {
		&mut self.daemon
	}
}

/// A UDP port on 127.0.0.1 that was free a moment ago.
pub fn free_udp_port() -> u16 {
	crate::node::unique_port(|| {
		std::net::UdpSocket::bind("127.0.0.1:0")
			.and_then(|s| s.local_addr())
			.expect("free port")
			.port()
	})
}

/// Runs the `pop` CLI against `node` with `args`; returns its output.
pub fn pop(node: &Node, args: &[&str]) -> Output {
	let mut cmd = Command::new(release_bin("pop"));
	cmd.args(["--chain-rpc", &node.rpc_url(), "--quiet"]).args(args);
	cmd.output().unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

/// What `pop upload` printed.
pub struct Uploaded {
	/// The content id.
	pub id: ContentId,
	/// The id as the CLI takes it (`0x…`).
	pub hex: String,
	/// The content key (hex), for `pop fetch --key`.
	pub key: String,
}

/// Uploads `file` with `pop upload FILE ARGS…` (`--suri`, `--k`, …), asserting that it
/// succeeded, and returns what it printed.
pub fn upload(node: &Node, file: &Path, args: &[&str]) -> Uploaded {
	let mut all = vec!["upload", file.to_str().expect("a UTF-8 path")];
	all.extend_from_slice(args);
	let out = pop(node, &all);
	let text = String::from_utf8_lossy(&out.stdout).into_owned();
	assert!(
		out.status.success(),
		"pop upload {} failed: {}",
		file.display(),
		String::from_utf8_lossy(&out.stderr)
	);
	let field = |name: &str| {
		text.lines()
			.find_map(|l| l.strip_prefix(name))
			.unwrap_or_else(|| panic!("no {name:?} in {text:?}"))
			.trim()
			.to_string()
	};
	let hex = field("content ");
	let id = hex::decode(hex.trim_start_matches("0x")).expect("a hex id");
	Uploaded { id: id.try_into().expect("32 bytes"), hex, key: field("key ") }
}

/// Sends `request` to the masternode `peer` at `addresses` from a fresh client identity, over
/// whichever transport connects first.
pub fn ask(
	addresses: Vec<String>,
	peer: pop_swarm::PeerId,
	request: pop_swarm::protocol::Request,
) -> Result<pop_swarm::protocol::Response, String> {
	use pop_swarm::network::{NetConfig, Network};
	let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
	rt.block_on(async {
		let net = Network::start(NetConfig {
			keypair: pop_swarm::network::fresh_identity(),
			listen: vec![],
			server: false,
			pbft: false,
		})
		.await
		.map_err(|e| e.to_string())?;
		let addresses: Vec<pop_swarm::Multiaddr> =
			addresses.iter().map(|a| a.parse().unwrap()).collect();
		net.handle.request(peer, addresses, request).await.map_err(|e| e.to_string())
	})
}
