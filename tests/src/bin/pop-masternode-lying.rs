//! `pop-masternode-lying`: a masternode that lies, for the end-to-end tests. It is the real
//! `pop-masternode` (same flags, store, chain watcher, limits and network) with a [`Tamper`] on
//! what it sends: every shard it serves has one byte flipped, and every audit answer carries a
//! flipped chunk. It keeps the true shards on disk, so its own scrub finds nothing to repair;
//! only what it says is false.

use pop_swarm::masternode::Tamper;
use std::{process::ExitCode, sync::Arc};

struct Liar;

fn flip(mut bytes: Vec<u8>) -> Vec<u8> {
	let middle = bytes.len() / 2;
	if let Some(b) = bytes.get_mut(middle) {
		*b ^= 0x5a;
	}
	bytes
}

impl Tamper for Liar {
	fn served(&self, shard: Vec<u8>) -> Vec<u8> {
		tracing::info!(target: "liar", "serving a flipped shard of {} bytes", shard.len());
		flip(shard)
	}

	fn audit_chunk(&self, chunk: Vec<u8>) -> Vec<u8> {
		tracing::info!(target: "liar", "answering an audit with a flipped chunk");
		flip(chunk)
	}
}

#[tokio::main]
async fn main() -> ExitCode {
	pop_swarm::cli::main(Some(Arc::new(Liar))).await
}
