//! `pop-superdelegate`: the moderation sidecar of a POP Network superdelegate.

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
	pop_superdelegate::cli::main(None).await
}
