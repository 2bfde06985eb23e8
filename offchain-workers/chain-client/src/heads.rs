//! New best blocks as the node imports them (`chain_subscribeNewHeads` over WebSocket): what
//! the daemons wake up on instead of polling. Each head comes with its block's events, pushed by
//! the node through a subscription to `System::Events` (`state_subscribeStorage`), so an idle
//! chain costs a daemon no request at all. A lost node is logged and reconnected with back-off,
//! and the daemon is told that blocks may have passed unseen.

use crate::{
	events::{changes, events_key},
	rpc::{self, RpcError},
	submit::Ws,
	ChainEvent,
};
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
/// How long a new head waits for its events to be pushed; both come from the same block import,
/// but on two subscriptions, so either may arrive first.
const EVENTS_WAIT: Duration = Duration::from_millis(500);
/// Events pushed for blocks whose heads have not come yet (a fork's blocks, or early arrivals).
const EVENTS_KEPT: usize = 16;

/// A new best block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Head {
	/// Its number.
	pub number: BlockNumber,
	/// Its hash.
	pub hash: H256,
	/// The first head after (re)connecting: blocks before it may have passed unseen, so a
	/// daemon should read everything it keeps anew.
	pub resumed: bool,
	/// The changes among the block's events, when the node pushed them in time; `None` means
	/// they must be read ([`crate::Chain::events`]).
	pub events: Option<Vec<ChainEvent>>,
}

/// The stream of new best blocks of one node, across its restarts.
pub struct Heads {
	ws: Ws,
	sub: Option<Subscription<Value>>,
	events: Option<Subscription<Value>>,
	arrived: std::collections::VecDeque<(H256, Vec<ChainEvent>)>,
	backoff: Duration,
	/// Whether the node has been reached before (so that losing it is worth a warning).
	reached: bool,
}

impl Heads {
	pub(crate) fn new(ws: Ws) -> Self {
		Self {
			ws,
			sub: None,
			events: None,
			arrived: Default::default(),
			backoff: FIRST_BACKOFF,
			reached: false,
		}
	}

	async fn subscribe_events(&self) -> Result<Subscription<Value>, RpcError> {
		Ok(self
			.ws
			.client()
			.await?
			.subscribe(
				"state_subscribeStorage",
				rpc_params![vec![rpc::to_hex(&events_key())]],
				"state_unsubscribeStorage",
			)
			.await?)
	}

	/// The block and its changes in one storage notification (`{block, changes: [[key, value]]}`).
	fn notification(value: &Value) -> Option<(H256, Vec<ChainEvent>)> {
		let block: H256 = serde_json::from_value(value.get("block")?.clone()).ok()?;
		let key = rpc::to_hex(&events_key());
		let change = value.get("changes")?.as_array()?.iter().find(|c| c[0] == key.as_str())?;
		let raw = match change[1].as_str() {
			Some(hex) => rpc::parse_hex(hex).ok()?,
			None => Vec::new(),
		};
		Some((block, changes(&raw, block).ok()?))
	}

	/// The events of block `hash` if the node pushes them within [`EVENTS_WAIT`].
	async fn events_of(&mut self, hash: H256) -> Option<Vec<ChainEvent>> {
		if let Some(i) = self.arrived.iter().position(|(h, _)| *h == hash) {
			return self.arrived.remove(i).map(|(_, events)| events);
		}
		let sub = self.events.as_mut()?;
		let deadline = tokio::time::sleep(EVENTS_WAIT);
		tokio::pin!(deadline);
		loop {
			tokio::select! {
				_ = &mut deadline => return None,
				next = sub.next() => match next {
					Some(Ok(value)) => {
						let Some((block, events)) = Self::notification(&value) else { continue };
						if block == hash {
							return Some(events);
						}
						self.arrived.push_back((block, events));
						if self.arrived.len() > EVENTS_KEPT {
							self.arrived.pop_front();
						}
					}
					Some(Err(_)) => continue,
					None => {
						self.events = None;
						return None;
					}
				}
			}
		}
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
						self.arrived.clear();
						// Without it every block's events are read instead: slower, not wrong.
						self.events = match self.subscribe_events().await {
							Ok(events) => Some(events),
							Err(e) => {
								tracing::warn!(target: "chain", "no events subscription ({e}); reading each block's events");
								None
							}
						};
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
						let hash = header.hash();
						let events = self.events_of(hash).await;
						return Head { number: header.number, hash, resumed, events };
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
