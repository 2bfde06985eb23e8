//! The `pop-masternode` command line, in the library so that a test binary can run the same
//! daemon with a [`Tamper`] (the release binary passes none).

use crate::masternode::{self, BoxError, Tamper};
use clap::{Parser, Subcommand};
use libp2p::Multiaddr;
use pop_chain_client::Chain;
use pop_primitives::currency::POP;
use sp_core::sr25519;
use std::{path::PathBuf, process::ExitCode, sync::Arc, time::Duration};

#[derive(Parser)]
#[command(
	name = "pop-masternode",
	version,
	about = "Stores and serves shards of POP Network content"
)]
struct Cli {
	#[command(subcommand)]
	command: Command,
}

#[derive(Subcommand)]
enum Command {
	/// Register on chain (if needed) and serve shards until stopped.
	#[command(args_override_self = true)]
	Run(Box<Run>),
	/// Unregister: the chain moves this masternode's shards to others and unbonds it.
	Unregister(Account),
	/// Print the libp2p peer id of the identity under a base path (creating it).
	PeerId {
		/// Where the identity key lives.
		#[arg(long)]
		base_path: PathBuf,
	},
}

#[derive(clap::Args)]
struct Account {
	/// The chain node's HTTP JSON-RPC endpoint.
	#[arg(long, default_value = "http://127.0.0.1:9944")]
	chain_rpc: String,
	/// The masternode account's secret URI (`//Alice` on a dev chain); or set POP_SURI.
	#[arg(long)]
	suri: Option<String>,
}

#[derive(clap::Args)]
struct Run {
	/// A TOML file of settings, each key a flag's long name (`region = "DE"`); an unknown key is
	/// refused. Every flag can also be set as `POP_` and its name in upper snake case
	/// (`POP_CHAIN_RPC`); the command line wins over the environment, which wins over the file.
	#[arg(long, value_name = "FILE")]
	config: Option<PathBuf>,
	#[command(flatten)]
	account: Account,
	/// Where the identity key and the shards live.
	#[arg(long)]
	base_path: PathBuf,
	/// A multiaddr to listen on (repeat for TCP, WebSocket and QUIC).
	#[arg(long = "listen", required = true)]
	listen: Vec<Multiaddr>,
	/// A multiaddr to register on chain instead of the listening ones (repeat).
	#[arg(long = "public-address")]
	public: Vec<Multiaddr>,
	/// The region, as an ISO 3166 alpha-2 code (`DE`, `US`, …).
	#[arg(long, default_value = "ZZ")]
	region: String,
	/// Storage offered for shards, in GiB.
	#[arg(long, default_value_t = 100)]
	capacity_gib: u64,
	/// The bond to hold when registering, in POP.
	#[arg(long, default_value_t = 50_000)]
	bond: u64,
	/// Seconds an assigned shard may be missing before it is rebuilt from other holders.
	#[arg(long, default_value_t = 30)]
	repair_delay: u64,
	/// Seconds a stored shard no longer assigned to this node (its content removed, or moved
	/// elsewhere) is kept before it is deleted and its space freed; it is deleted only if a
	/// fresh read of the chain still does not place it here.
	#[arg(long, default_value_t = 600)]
	release_delay: u64,
	/// Also serve shards to browsers over HTTP on this address (`0.0.0.0:8080`); HTTPS with
	/// `--tls-cert` and `--tls-key`. The endpoint is registered on chain with the libp2p ones.
	#[arg(long, value_name = "IP:PORT")]
	http_listen: Option<std::net::SocketAddr>,
	/// The address to register for the HTTP endpoint, as a multiaddr
	/// (`/dns4/mn.example.org/tcp/443/https`); derived from `--http-listen` when not given.
	#[arg(long, value_name = "MULTIADDR", requires = "http_listen")]
	http_public: Option<Multiaddr>,
	/// A PEM certificate chain for the HTTP endpoint: it then speaks HTTPS, which pages served
	/// over https need.
	#[arg(long, value_name = "FILE", requires_all = ["http_listen", "tls_key"])]
	tls_cert: Option<PathBuf>,
	/// The PEM private key of `--tls-cert`.
	#[arg(long, value_name = "FILE", requires = "tls_cert")]
	tls_key: Option<PathBuf>,
	#[command(flatten)]
	prometheus: crate::metrics::PrometheusArgs,
}

fn signer(suri: &Option<String>) -> Result<sr25519::Pair, BoxError> {
	Ok(crate::signer(suri.as_deref())?)
}

async fn main_inner(cli: Cli, tamper: Option<Arc<dyn Tamper>>) -> Result<(), BoxError> {
	match cli.command {
		Command::Run(run) => {
			let run = *run;
			let region: [u8; 2] = run
				.region
				.as_bytes()
				.try_into()
				.ok()
				.filter(|r: &[u8; 2]| r.iter().all(u8::is_ascii_uppercase))
				.ok_or("the region must be two capital letters (ISO 3166 alpha-2)")?;
			masternode::run(masternode::Config {
				chain_rpc: run.account.chain_rpc,
				signer: signer(&run.account.suri)?,
				base_path: run.base_path,
				listen: run.listen,
				public: run.public,
				region,
				capacity: run.capacity_gib.checked_mul(1 << 30).ok_or("capacity too large")?,
				bond: u128::from(run.bond) * POP,
				repair_delay: Duration::from_secs(run.repair_delay),
				release_delay: Duration::from_secs(run.release_delay),
				prometheus: run.prometheus.endpoint(),
				http: run.http_listen.map(|listen| {
					let tls = run.tls_cert.zip(run.tls_key);
					(crate::http::HttpConfig { listen, tls }, run.http_public)
				}),
				tamper,
			})
			.await
		}
		Command::Unregister(account) => {
			let pair = signer(&account.suri)?;
			let chain = Chain::new(&account.chain_rpc);
			let included = chain
				.submit_included(pop_chain_client::calls::unregister_masternode(), &pair)
				.await?;
			println!("unregistered in block {:?}", included.block);
			Ok(())
		}
		Command::PeerId { base_path } => {
			std::fs::create_dir_all(&base_path)?;
			println!(
				"{}",
				masternode::identity(&base_path.join("node-key"))?.public().to_peer_id()
			);
			Ok(())
		}
	}
}

/// Parses the command line (and `POP_*` settings) and runs the command; `tamper`, for tests
/// only, changes what the daemon sends.
pub async fn main(tamper: Option<Arc<dyn Tamper>>) -> ExitCode {
	crate::init_logging();
	match main_inner(crate::config::parse_args(Some("run")), tamper).await {
		Ok(()) => ExitCode::SUCCESS,
		Err(e) => {
			eprintln!("error: {e}");
			ExitCode::FAILURE
		}
	}
}
