//! New best blocks as the node imports them (`chain_subscribeNewHeads` over WebSocket): what
//! the daemons wake up on instead of polling. A lost node is logged and reconnected with
//! back-off, and the daemon is told that blocks may have passed unseen.

use crate::{rpc::RpcError, submit::Ws};
use jsonrpsee::{
	core::client::{Subscription, SubscriptionClientT},
	rpc_params,
};
use pop_primitives::{BlockNumber, Header};
use serde_json::Value;
use sp_core::H256;
use std::time::Duration;

/// The first wait before subscribing again; it doubles up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_secs(1);
/// The longest wait between attempts to reach the node.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// A new best block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Head {
	/// Its number.
	pub number: BlockNumber,
	/// Its hash.
	pub hash: H256,
	/// The first head after (re)connecting: blocks before it may have passed unseen, so a
	/// daemon should read everything it keeps anew.
	pub resumed: bool,
}

/// The stream of new best blocks of one node, across its restarts.
pub struct Heads {
	ws: Ws,
	sub: Option<Subscription<Value>>,
	backoff: Duration,
	/// Whether the node has been reached before (so that losing it is worth a warning).
	reached: bool,
}

impl Heads {
	pub(crate) fn new(ws: Ws) -> Self {
		Self { ws, sub: None, backoff: FIRST_BACKOFF, reached: false }
	}

	async fn subscribe(&self) -> Result<Subscription<Value>, RpcError> {
		Ok(self
			.ws
			.client()
			.await?
			.subscribe("chain_subscribeNewHeads", rpc_params![], "chain_unsubscribeNewHeads")
			.await?)
	}

	/// The next new best block; waits as long as the node is away.
	pub async fn next(&mut self) -> Head {
		loop {
			let resumed = self.sub.is_none();
			if resumed {
				match self.subscribe().await {
					Ok(sub) => {
						if self.reached {
							tracing::info!(target: "chain", "reconnected to the chain node at {}", self.ws.url());
						}
						self.reached = true;
						self.backoff = FIRST_BACKOFF;
						self.sub = Some(sub);
					}
					Err(e) => {
						tracing::warn!(
							target: "chain",
							"cannot reach the chain node at {}: {e}; trying again in {} s",
							self.ws.url(),
							self.backoff.as_secs()
						);
						tokio::time::sleep(self.backoff).await;
						self.backoff = (self.backoff * 2).min(MAX_BACKOFF);
						continue;
					}
				}
			}
			let sub = self.sub.as_mut().expect("subscribed above");
			match sub.next().await {
				Some(Ok(value)) => match serde_json::from_value::<Header>(value) {
					Ok(header) => {
						return Head { number: header.number, hash: header.hash(), resumed }
					}
					Err(e) => tracing::warn!(target: "chain", "an undecodable head: {e}"),
				},
				Some(Err(e)) => tracing::warn!(target: "chain", "an undecodable head: {e}"),
				None => {
					tracing::warn!(
						target: "chain",
						"lost the chain node at {} (it may be restarting); reconnecting",
						self.ws.url()
					);
					self.sub = None;
				}
			}
		}
	}
}
