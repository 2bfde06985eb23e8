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
	/// Where it serves Prometheus metrics.
	pub metrics_port: u16,
}

impl Superdelegate {
	/// Starts the sidecar of `name` against `node`, with the explicit-content `threshold` and
	/// `band` of its policy.
	pub fn start(node: &Node, name: &str, threshold: f32, band: f32) -> Superdelegate {
		Self::start_with("pop-superdelegate", node, name, threshold, band, None)
	}

	/// As [`Superdelegate::start`], but the member is byzantine: `pop-superdelegate-byzantine`
	/// (this crate's binary) votes the opposite, equivocates and floods state requests.
	pub fn start_byzantine(node: &Node, name: &str, threshold: f32, band: f32) -> Superdelegate {
		Self::start_with("pop-superdelegate-byzantine", node, name, threshold, band, None)
	}

	/// As [`Superdelegate::start`], for an account that is not a superdelegate yet: the sidecar
	/// registers it with a bond of `bond` POP (`--register-bond`).
	pub fn start_registering(
		node: &Node,
		name: &str,
		threshold: f32,
		band: f32,
		bond: u64,
	) -> Superdelegate {
		Self::start_with("pop-superdelegate", node, name, threshold, band, Some(bond))
	}

	fn start_with(
		bin: &'static str,
		node: &Node,
		name: &str,
		threshold: f32,
		band: f32,
		register_bond: Option<u64>,
	) -> Superdelegate {
		let (rpc, port, metrics_port) = (node.rpc_url(), free_port(), free_port());
		let suri = format!("//{name}");
		let models = workspace_root().join("models");
		// The node and the listening address come from the environment, as a container's
		// settings would; the policy and the model folder from a config file, as an operator
		// keeps them; the rest from flags.
		let mut env = vec![
			("POP_CHAIN_RPC".to_string(), rpc),
			("POP_LISTEN".to_string(), format!("/ip4/127.0.0.1/tcp/{port}")),
		];
		if let Some(bond) = register_bond {
			env.push(("POP_REGISTER_BOND".to_string(), bond.to_string()));
		}
		let daemon = Daemon::start_with_env(bin, &format!("superdelegate {name}"), env, |base| {
			let config = base.join("superdelegate.toml");
			std::fs::write(
				&config,
				format!(
					"nsfw-threshold = {threshold}\nband = {band}\nmodels = {:?}\nprometheus-port = {metrics_port}\n",
					models.to_string_lossy()
				),
			)
			.expect("write the sidecar's config");
			[
				"--config",
				&config.to_string_lossy(),
				"--suri",
				&suri,
				"--moderation-suri",
				&suri,
				"--base-path",
				&base.join("data").to_string_lossy(),
			]
			.map(String::from)
			.into()
		});
		Superdelegate { daemon, name: name.into(), metrics_port }
	}

	/// The sum of the series of its Prometheus metric `name`, if it serves one.
	pub fn metric(&self, name: &str) -> Option<f64> {
		crate::daemon::metric(self.metrics_port, name)
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
