//! The command line of `pop-node`.

use sc_cli::RunCmd;

/// The POP Network node. With no subcommand it runs the node.
#[derive(Debug, clap::Parser)]
pub struct Cli {
	#[command(subcommand)]
	pub subcommand: Option<Subcommand>,

	#[clap(flatten)]
	pub run: RunCmd,
}

/// What `pop-node` can do besides running.
#[derive(Debug, clap::Subcommand)]
#[allow(clippy::large_enum_variant)]
pub enum Subcommand {
	/// Key management: generate, inspect and insert keys, generate a node key.
	#[command(subcommand)]
	Key(sc_cli::KeySubcommand),

	/// Export a chain spec (`--chain dev|local|testnet|<file>`) as JSON, plain or `--raw`.
	ExportChainSpec(sc_cli::ExportChainSpecCmd),

	/// Build a chain spec (legacy; prefer `export-chain-spec`).
	BuildSpec(sc_cli::BuildSpecCmd),

	/// Validate blocks.
	CheckBlock(sc_cli::CheckBlockCmd),

	/// Export blocks.
	ExportBlocks(sc_cli::ExportBlocksCmd),

	/// Export the state of a given block into a chain spec.
	ExportState(sc_cli::ExportStateCmd),

	/// Import blocks.
	ImportBlocks(sc_cli::ImportBlocksCmd),

	/// Remove the whole chain.
	PurgeChain(sc_cli::PurgeChainCmd),

	/// Revert the chain to a previous state.
	Revert(sc_cli::RevertCmd),

	/// Database metadata.
	ChainInfo(sc_cli::ChainInfoCmd),

	/// Benchmark the runtime's pallets (`benchmark pallet --runtime <wasm>`); for
	/// `scripts/bench-weights`. Built with the `benchmark-cli` feature only.
	#[cfg(feature = "benchmark-cli")]
	#[command(subcommand)]
	Benchmark(frame_benchmarking_cli::BenchmarkCmd),
}
