//! `pop-masternode`: stores and serves shards of POP Network content.

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
	pop_swarm::cli::main(None).await
}
