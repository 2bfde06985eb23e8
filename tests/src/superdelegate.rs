//! Real `pop-superdelegate` sidecars.

use crate::{
	daemon::Daemon,
	node::{free_port, workspace_root},
	Node,
};

/// A running `pop-superdelegate` of a dev name (account and moderation key `//Name`), listening
/// on one loopback TCP port. Killed when dropped; a restart keeps its identity and records.
pub struct Superdelegate {
	daemon: Daemon,
	/// The dev name (`Alice`).
	pub name: String,
}

impl Superdelegate {
	/// Starts the sidecar of `name` against `node`, with the explicit-content `threshold` and
	/// `band` of its policy.
	pub fn start(node: &Node, name: &str, threshold: f32, band: f32) -> Superdelegate {
		let (rpc, port) = (node.rpc_url(), free_port());
		let suri = format!("//{name}");
		let models = workspace_root().join("models");
		let daemon = Daemon::start("pop-superdelegate", &format!("superdelegate {name}"), |base| {
			[
				"--chain-rpc",
				&rpc,
				"--suri",
				&suri,
				"--moderation-suri",
				&suri,
				"--base-path",
				&base.join("data").to_string_lossy(),
				"--listen",
				&format!("/ip4/127.0.0.1/tcp/{port}"),
				"--models",
				&models.to_string_lossy(),
				"--nsfw-threshold",
				&threshold.to_string(),
				"--band",
				&band.to_string(),
			]
			.map(String::from)
			.into()
		});
		Superdelegate { daemon, name: name.into() }
	}
}

/// Its log, liveness, kill and restart are the daemon's.
impl std::ops::Deref for Superdelegate {
	type Target = Daemon;
	fn deref(&self) -> &Daemon {
		&self.daemon
	}
}

impl std::ops::DerefMut for Superdelegate {
	fn deref_mut(&mut self) -> &mut Daemon {
		&mut self.daemon
	}
}
