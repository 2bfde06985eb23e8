//! The one seam between POP Network's off-chain code and its chain.
//!
//! No crate outside this one, the runtime, the node and the end-to-end tests names a runtime or
//! pallet type: the daemons and the CLI build calls with [`calls`], read records typed in
//! [`types`], and match failures on [`ChainError`], whose dispatch errors name their pallet and
//! variant ([`DispatchFailure`]), decoded from the runtime's `DispatchError`.
//!
//! - [`rpc`]: blocking JSON-RPC over HTTP, for reads (runtime API calls, storage, heads);
//! - [`extrinsic`]: signing with the runtime's own types, so a daemon signs exactly what a
//!   wallet signs;
//! - [`Chain::submit`]: a mortal transaction with the account's next nonce (one submission per
//!   account at a time), checked by the runtime's `validate_transaction`, submitted over
//!   WebSocket and watched until it is in a block ([`Submitted::included`]) or finalized, its
//!   outcome read from the block's events. Every method used is one a node offers with
//!   `--rpc-methods safe`; a node whose runtime encodes transactions differently is refused
//!   ([`ChainError::VersionMismatch`]) rather than sent a mis-encoded call.

pub mod calls;
pub mod error;
pub mod events;
pub mod extrinsic;
mod heads;
pub mod rpc;
mod submit;
pub mod types;

pub use calls::Call;
pub use error::{ChainError, DispatchFailure};
pub use events::ChainEvent;
pub use extrinsic::ChainContext;
pub use heads::{Head, Heads};
pub use rpc::{RpcClient, RpcError};
pub use submit::{Included, Submitted};
pub use types::{Content, Masternode, Superdelegate};

use codec::{Decode, Encode};
use pop_primitives::{content::ContentId, AccountId, BlockNumber};
use serde_json::json;
use sp_core::sr25519;
use types::{Assignment, Audit, KeyRelease};

/// A client of one node: reads over HTTP, transactions over WebSocket on the same port.
#[derive(Clone)]
pub struct Chain {
	rpc: RpcClient,
	ws: submit::Ws,
	genesis: std::sync::Arc<std::sync::OnceLock<[u8; 32]>>,
}

impl Chain {
	/// A client of the node at `url` (`http://host:port`).
	pub fn new(url: &str) -> Self {
		Self { rpc: RpcClient::new(url), ws: submit::Ws::new(url), genesis: Default::default() }
	}

	/// The chain's genesis hash, read once: what seals, verdict statements and moderation
	/// messages bind to, so that none of them replays on another chain.
	pub fn genesis_hash(&self) -> Result<[u8; 32], RpcError> {
		if let Some(hash) = self.genesis.get() {
			return Ok(*hash);
		}
		let answer = self.rpc.call("chain_getBlockHash", json!([0]))?;
		let bytes = rpc::parse_hex(answer.as_str().unwrap_or_default())?;
		let hash: [u8; 32] = bytes.try_into().map_err(|_| {
			RpcError::Transport(format!("the genesis hash {answer} is not 32 bytes"))
		})?;
		Ok(*self.genesis.get_or_init(|| hash))
	}

	/// The JSON-RPC client underneath.
	pub fn rpc(&self) -> &RpcClient {
		&self.rpc
	}

	/// Calls the runtime API function `method` (`Api_function`) with SCALE-encoded `args` at
	/// the best block and decodes its answer.
	pub fn runtime_call<T: Decode>(&self, method: &str, args: &impl Encode) -> Result<T, RpcError> {
		let result =
			self.rpc.call("state_call", json!([method, rpc::to_hex(&args.encode()), null]))?;
		let bytes = rpc::parse_hex(result.as_str().unwrap_or_default())?;
		T::decode(&mut &bytes[..])
			.map_err(|e| RpcError::Transport(format!("{method} answered undecodable bytes: {e}")))
	}

	/// The best block's number.
	pub fn best_number(&self) -> Result<BlockNumber, RpcError> {
		let header = self.rpc.call("chain_getHeader", json!([]))?;
		let number = header["number"].as_str().unwrap_or_default();
		u32::from_str_radix(number.trim_start_matches("0x"), 16)
			.map_err(|_| RpcError::Transport(format!("bad block number in {header}")))
	}

	/// A content's record, if the chain has it.
	pub fn content(&self, id: &ContentId) -> Result<Option<Content>, RpcError> {
		self.runtime_call("ContentApi_content", id)
	}

	/// A content's open appeal and the moderation track's ruling, if any.
	pub fn review(&self, id: &ContentId) -> Result<types::Review, RpcError> {
		self.runtime_call("ContentApi_review", id)
	}

	/// The members' scores behind `id`'s last certificate (`Content::MemberScores`), empty
	/// before one.
	pub fn scores(
		&self,
		id: &ContentId,
	) -> Result<Vec<pop_primitives::content::MemberScore>, RpcError> {
		use frame_support::{storage::storage_prefix, Blake2_128Concat, StorageHasher};
		let mut key = storage_prefix(b"Content", b"MemberScores").to_vec();
		key.extend(Blake2_128Concat::hash(id));
		let raw = self.rpc.call("state_getStorage", json!([rpc::to_hex(&key), null]))?;
		let Some(raw) = raw.as_str() else { return Ok(Vec::new()) };
		Vec::decode(&mut &rpc::parse_hex(raw)?[..])
			.map_err(|e| RpcError::Transport(format!("Content::MemberScores: {e}")))
	}

	/// The shards `node` must hold.
	pub fn assignments(&self, node: &AccountId) -> Result<Vec<Assignment>, RpcError> {
		self.runtime_call("ContentApi_assignments", node)
	}

	/// The open audits of `node`.
	pub fn audits(&self, node: &AccountId) -> Result<Vec<(u64, Audit)>, RpcError> {
		self.runtime_call("ContentApi_audits", node)
	}

	/// Every registered masternode, leaving ones included.
	pub fn masternodes(&self) -> Result<Vec<(AccountId, Masternode)>, RpcError> {
		self.runtime_call("ContentApi_masternodes", &())
	}

	/// The current era and its moderation set, in the set's order.
	pub fn superdelegates(&self) -> Result<(u32, Vec<(AccountId, Superdelegate)>), RpcError> {
		self.runtime_call("ContentApi_superdelegates", &())
	}

	/// Content waiting for the moderation set (pending or needing review).
	pub fn pending(&self) -> Result<Vec<ContentId>, RpcError> {
		self.runtime_call("ContentApi_pending", &())
	}

	/// The key of content `id` as released to the moderation set, if it was.
	pub fn sealed_keys(&self, id: &ContentId) -> Result<Option<KeyRelease>, RpcError> {
		self.runtime_call("ContentApi_sealed_keys", id)
	}

	/// What `call` would cost `signer` if submitted now, in the asset that would pay it (the
	/// free quota, LIT or POP): the runtime's `FeesApi` prices the very extrinsic `signer` would
	/// send, extensions and length included. Nothing is submitted.
	pub fn estimate_fee(
		&self,
		call: &Call,
		signer: &sr25519::Pair,
	) -> Result<types::FeeEstimate, RpcError> {
		use sp_core::Pair;
		let ctx = ChainContext::fetch(&self.rpc)?;
		let who: AccountId = signer.public().into();
		let nonce = self.rpc.call("system_accountNextIndex", json!([who.to_string()]))?;
		let nonce = nonce.as_u64().unwrap_or_default() as pop_primitives::Nonce;
		let xt = extrinsic::signed_by(&ctx, call.0.clone(), signer, signer, nonce);
		// The extrinsic goes as itself (its own length prefix), then its length.
		let mut args = xt.clone();
		(xt.len() as u32).encode_to(&mut args);
		let result = self
			.rpc
			.call("state_call", json!(["FeesApi_estimate_fee", rpc::to_hex(&args), null]))?;
		let bytes = rpc::parse_hex(result.as_str().unwrap_or_default())?;
		Option::<types::FeeEstimate>::decode(&mut &bytes[..])
			.map_err(|e| RpcError::Transport(format!("FeesApi_estimate_fee: {e}")))?
			.ok_or_else(|| RpcError::Transport("the runtime priced no fee for it".into()))
	}

	/// New best blocks as the node imports them, across node restarts: what the daemons wake up
	/// on instead of polling.
	pub fn heads(&self) -> Heads {
		Heads::new(self.ws.clone())
	}

	/// The changes the daemons react to among the events of block `at`.
	pub fn events(&self, at: sp_core::H256) -> Result<Vec<ChainEvent>, RpcError> {
		let key = events::events_key();
		let raw = self.rpc.call("state_getStorage", json!([rpc::to_hex(&key), at]))?;
		let Some(raw) = raw.as_str() else { return Ok(Vec::new()) };
		events::changes(&rpc::parse_hex(raw)?, at).map_err(RpcError::Transport)
	}

	/// Signs `call` as `signer` (mortal, with its next nonce), checks that the pool would take
	/// it, and submits it; the returned [`Submitted`] watches it into a block.
	pub async fn submit(
		&self,
		call: Call,
		signer: &sr25519::Pair,
	) -> Result<Submitted, ChainError> {
		self.ws.submit(call, signer).await
	}

	/// [`Chain::submit`], then waits until the transaction is in a block: `Ok` only if its call
	/// succeeded.
	pub async fn submit_included(
		&self,
		call: Call,
		signer: &sr25519::Pair,
	) -> Result<Included, ChainError> {
		self.submit(call, signer).await?.included().await
	}
}
