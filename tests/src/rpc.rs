//! JSON-RPC over HTTP: the client the sidecars use, and hex helpers that panic on what a test
//! never expects.

pub use pop_chain_client::rpc::{to_hex, RpcClient, RpcError};

/// Parses a hex string as the node writes them (`0x…`).
pub fn from_hex(s: &str) -> Vec<u8> {
	pop_chain_client::rpc::parse_hex(s).unwrap_or_else(|e| panic!("{e}"))
}
