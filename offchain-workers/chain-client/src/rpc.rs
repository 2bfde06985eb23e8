//! A small blocking JSON-RPC client over HTTP.

use serde_json::{json, Value};
use std::{fmt, time::Duration};

/// An error answered by the node, or a failure to reach it.
#[derive(Debug, Clone)]
pub enum RpcError {
	/// The node answered with a JSON-RPC error.
	Rpc { code: i64, message: String, data: Option<Value> },
	/// The node could not be reached or answered something that is not JSON-RPC.
	Transport(String),
}

impl std::error::Error for RpcError {}

impl RpcError {
	/// The error's text with its data, for matching in assertions.
	pub fn full_text(&self) -> String {
		match self {
			RpcError::Rpc { message, data, .. } => {
				format!("{message} {}", data.as_ref().map(|d| d.to_string()).unwrap_or_default())
			}
			RpcError::Transport(e) => e.clone(),
		}
	}
}

impl fmt::Display for RpcError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			RpcError::Rpc { code, .. } => write!(f, "RPC error {code}: {}", self.full_text()),
			RpcError::Transport(e) => write!(f, "transport error: {e}"),
		}
	}
}

/// A client of one node's HTTP JSON-RPC endpoint.
#[derive(Clone)]
pub struct RpcClient {
	url: String,
	agent: ureq::Agent,
}

impl RpcClient {
	/// A client of the endpoint at `url` (`http://host:port`).
	pub fn new(url: &str) -> Self {
		let agent = ureq::AgentBuilder::new().timeout(Duration::from_secs(30)).build();
		Self { url: url.trim_end_matches('/').to_string(), agent }
	}

	/// A client of `http://127.0.0.1:<port>`.
	pub fn local(port: u16) -> Self {
		Self::new(&format!("http://127.0.0.1:{port}"))
	}

	/// The endpoint's address.
	pub fn url(&self) -> &str {
		&self.url
	}

	/// Calls `method` with `params` and returns its result.
	pub fn call(&self, method: &str, params: Value) -> Result<Value, RpcError> {
		let body = json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params });
		let response = match self.agent.post(&self.url).send_json(body) {
			Ok(r) => r,
			// The server answers JSON-RPC errors with HTTP 200; other statuses carry a body too.
			Err(ureq::Error::Status(_, r)) => r,
			Err(e) => {
				let e = e.to_string();
				// ureq names the URL in most errors, not in a malformed URL's.
				let e =
					if e.contains(self.url.as_str()) { e } else { format!("{}: {e}", self.url) };
				return Err(RpcError::Transport(e));
			}
		};
		let value: Value =
			response.into_json().map_err(|e| RpcError::Transport(format!("bad JSON: {e}")))?;
		if let Some(err) = value.get("error") {
			return Err(RpcError::Rpc {
				code: err.get("code").and_then(Value::as_i64).unwrap_or_default(),
				message: err.get("message").and_then(Value::as_str).unwrap_or_default().into(),
				data: err.get("data").cloned(),
			});
		}
		value
			.get("result")
			.cloned()
			.ok_or_else(|| RpcError::Transport(format!("no result in {value}")))
	}
}

/// Parses a hex string as the node writes them (`0x…`).
pub fn parse_hex(s: &str) -> Result<Vec<u8>, RpcError> {
	hex::decode(s.trim_start_matches("0x"))
		.map_err(|e| RpcError::Transport(format!("bad hex {s:?}: {e}")))
}

/// Writes bytes as the node reads them (`0x…`).
pub fn to_hex(bytes: &[u8]) -> String {
	format!("0x{}", hex::encode(bytes))
}
