//! `pop-superdelegate`'s command line: its flags, config file and environment, and the run
//! they start.

use crate::{
	sidecar::{self, BoxError},
	tamper::Tamper,
};
use clap::Parser;
use pop_moderation::{model::OPEN_NSFW_FILE, models_dir, HashBank, Moderator, NsfwModel, Policy};
use pop_swarm::Multiaddr;
use sp_core::{ed25519, Pair};
use std::{path::PathBuf, process::ExitCode};

/// The sidecar's settings.
#[derive(Parser)]
#[command(
	name = "pop-superdelegate",
	version,
	args_override_self = true,
	about = "Moderates pending POP Network content with the era's moderation set: scores it with \
	         the model, agrees on verdicts over pBFT, and submits certificates"
)]
pub struct Cli {
	/// A TOML file of settings, each key a flag's long name (`nsfw-threshold = 0.2`); an unknown key is
	/// refused. Every flag can also be set as `POP_` and its name in upper snake case
	/// (`POP_CHAIN_RPC`); the command line wins over the environment, which wins over the file.
	#[arg(long, value_name = "FILE")]
	config: Option<PathBuf>,
	/// The chain node's HTTP JSON-RPC endpoint.
	#[arg(long, default_value = "http://127.0.0.1:9944")]
	chain_rpc: String,
	/// The superdelegate account's secret URI (`//Alice` on a dev chain); or set POP_SURI.
	#[arg(long)]
	suri: Option<String>,
	/// The ed25519 moderation key's secret URI, as registered on chain; or set
	/// POP_MODERATION_SURI.
	#[arg(long)]
	moderation_suri: Option<String>,
	/// Where the libp2p identity and the sending record live.
	#[arg(long)]
	base_path: PathBuf,
	/// A multiaddr to listen on (repeat).
	#[arg(long = "listen", required = true)]
	listen: Vec<Multiaddr>,
	/// A multiaddr to publish on chain instead of the listening ones (repeat).
	#[arg(long = "public-address")]
	public: Vec<Multiaddr>,
	/// The folder holding open-nsfw.onnx (default: $POP_MODELS, else the repository's models/).
	#[arg(long)]
	models: Option<PathBuf>,
	/// Threads for the model.
	#[arg(long, default_value_t = 1)]
	threads: usize,
	/// The explicit-content threshold: scores at least `threshold + band` are rejected, at
	/// most `threshold - band` approved, and those between need people to look.
	#[arg(long, default_value_t = Policy::default().nsfw_threshold)]
	nsfw_threshold: f32,
	/// The needs-review band around the threshold.
	#[arg(long, default_value_t = Policy::default().band)]
	band: f32,
	/// A hash bank of known-bad images (one `hex-blockhash label` per line).
	#[arg(long)]
	hash_bank: Option<PathBuf>,
	/// Bits a blockhash may differ by and still match the bank.
	#[arg(long, default_value_t = 24)]
	hash_distance: u32,
	/// If the account is not a registered superdelegate, register it with a bond of this many
	/// POP (its moderation key, the sidecar's peer id and addresses, with the proof that it
	/// holds both keys, which a wallet cannot make); without it the sidecar refuses to start
	/// for an unregistered account.
	#[arg(long, value_name = "POP")]
	register_bond: Option<u64>,
	#[command(flatten)]
	prometheus: pop_swarm::metrics::PrometheusArgs,
}

fn moderation_key(suri: Option<String>) -> Result<ed25519::Pair, String> {
	let suri = match suri {
		Some(s) => s,
		None => std::env::var("POP_MODERATION_SURI").map_err(|_| {
			"no moderation key: pass --moderation-suri or set POP_MODERATION_SURI".to_string()
		})?,
	};
	ed25519::Pair::from_string(&suri, None).map_err(|e| format!("bad moderation secret URI: {e:?}"))
}

/// Runs the sidecar as `cli` says, with `tamper` on what it sends (`None` but in the
/// end-to-end tests' byzantine member).
pub async fn run(cli: Cli, tamper: Option<Box<dyn Tamper>>) -> Result<(), BoxError> {
	let signer = pop_swarm::signer(cli.suri.as_deref())?;
	let moderation = moderation_key(cli.moderation_suri)?;
	let model_path = cli.models.unwrap_or_else(models_dir).join(OPEN_NSFW_FILE);
	let model = NsfwModel::load(&model_path, 1, cli.threads.max(1)).map_err(|e| {
		format!("{e} (scripts/fetch-models downloads the model into the models folder)")
	})?;
	let bank = match &cli.hash_bank {
		Some(path) => HashBank::parse(
			&std::fs::read_to_string(path)
				.map_err(|e| format!("hash bank {}: {e}", path.display()))?,
			cli.hash_distance,
		)
		.map_err(|e| format!("hash bank {}: {e}", path.display()))?,
		None => HashBank::new(cli.hash_distance),
	};
	let policy = Policy { nsfw_threshold: cli.nsfw_threshold, band: cli.band };
	let moderator = Moderator::new(model, bank, policy)?;
	sidecar::run(sidecar::Config {
		chain_rpc: cli.chain_rpc,
		signer,
		moderation,
		base_path: cli.base_path,
		listen: cli.listen,
		public: cli.public,
		moderator,
		prometheus: cli.prometheus.endpoint(),
		register_bond: cli
			.register_bond
			.map(|pop| u128::from(pop).saturating_mul(pop_primitives::currency::POP)),
		tamper,
	})
	.await
}

/// The binary's `main`: logging, the settings from the command line, the environment and the
/// config file, then [`run`] until the process is stopped.
pub async fn main(tamper: Option<Box<dyn Tamper>>) -> ExitCode {
	pop_swarm::init_logging();
	match run(pop_swarm::config::parse_args(None), tamper).await {
		Ok(()) => ExitCode::SUCCESS,
		Err(e) => {
			eprintln!("error: {e}");
			ExitCode::FAILURE
		}
	}
}
