//! `pop-node`: the POP Network chain node.

// The node returns the SDK's own error types (`sc_cli::Error`, `sc_service::Error`) through the
// SDK's traits and closures; boxing them would change nothing but the signatures.
#![allow(clippy::result_large_err)]

mod chain_spec;
mod cli;
mod command;
mod rpc;
mod service;
mod vrf;

fn main() -> sc_cli::Result<()> {
	command::run()
}
