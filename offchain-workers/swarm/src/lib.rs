//! POP Network's content swarm.
//!
//! Masternodes hold encrypted, erasure-coded shards of media; creators push them and viewers
//! stream them back over rust-libp2p. [`protocol`] is the shard protocol, [`network`] the libp2p
//! stack, [`store`] the masternode's crash-safe shard store, [`masternode`] the daemon
//! (`pop-masternode`) with what it lets each peer cost it in [`limits`], [`client`] the upload
//! and fetch logic of the `pop` CLI,
//! [`directory`] maps the chain's records to peers and manifests, and [`metrics`] serves the
//! daemons' Prometheus metrics.

pub mod cli;
pub mod client;
pub mod config;
pub mod directory;
pub mod gate;
pub mod holders;
pub mod http;
pub mod inconsistent;
pub mod limits;
pub mod masternode;
pub mod metrics;
pub mod network;
pub mod protocol;
pub mod store;

pub use libp2p::{identity::Keypair, Multiaddr, PeerId};

/// Logs to stderr, at `info` unless `RUST_LOG` says otherwise (libp2p's own chatter only from
/// `warn`, Kademlia's from `error`); colours only on a terminal.
pub fn init_logging() {
	use std::io::IsTerminal;
	let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
		tracing_subscriber::EnvFilter::new(
			"info,libp2p=warn,libp2p_kad=error,multistream_select=warn,yamux=warn",
		)
	});
	let _ = tracing_subscriber::fmt()
		.with_env_filter(filter)
		.with_ansi(std::io::stderr().is_terminal())
		.with_writer(std::io::stderr)
		.try_init();
}

/// The account key from `--suri`, or else from the `POP_SURI` environment variable (which keeps
/// the secret out of the process list).
pub fn signer(suri: Option<&str>) -> Result<sp_core::sr25519::Pair, String> {
	use sp_core::Pair;
	let suri = match suri {
		Some(s) => s.to_string(),
		None => std::env::var("POP_SURI")
			.map_err(|_| "no account: pass --suri or set POP_SURI".to_string())?,
	};
	sp_core::sr25519::Pair::from_string(&suri, None).map_err(|e| format!("bad secret URI: {e:?}"))
}

/// Resolves when the process is asked to stop: Ctrl-C (SIGINT) or SIGTERM (what systemd and
/// `docker stop` send). The daemons then finish what they were answering and exit with 0.
pub async fn shutdown_signal() -> &'static str {
	#[cfg(unix)]
	{
		use tokio::signal::unix::{signal, SignalKind};
		match signal(SignalKind::terminate()) {
			Ok(mut term) => tokio::select! {
				_ = tokio::signal::ctrl_c() => "SIGINT",
				_ = term.recv() => "SIGTERM",
			},
			Err(_) => {
				let _ = tokio::signal::ctrl_c().await;
				"SIGINT"
			}
		}
	}
	#[cfg(not(unix))]
	{
		let _ = tokio::signal::ctrl_c().await;
		"Ctrl-C"
	}
}
