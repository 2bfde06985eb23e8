//! Transactions over the node's WebSocket JSON-RPC: signed mortal with the account's next nonce
//! (one submission per account at a time, so concurrent callers never reuse one), checked by
//! the runtime's own `validate_transaction` first, submitted with `author_submitAndWatchExtrinsic`
//! and watched until they are in a block (or finalized), and their outcome decoded from the
//! block's `System::Events` with the runtime's types. Only RPC methods a node offers with
//! `--rpc-methods safe` are used.

use crate::{
	error::{ChainError, DispatchFailure},
	extrinsic::{self, ChainContext},
	rpc::{parse_hex, to_hex, RpcError},
	Call,
};
use codec::{Decode, Encode};
use jsonrpsee::{
	core::client::{ClientT, Error as WsError, Subscription, SubscriptionClientT},
	rpc_params,
	ws_client::{WsClient, WsClientBuilder},
};
use pop_primitives::{AccountId, BlockNumber, Nonce};
use serde_json::Value;
use sp_core::{sr25519, Pair, H256};
use sp_runtime::transaction_validity::{
	TransactionSource, TransactionValidity, TransactionValidityError,
};
use std::{
	collections::HashMap,
	sync::{Arc, Mutex},
	time::Duration,
};

/// How long a WebSocket request may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The node's WebSocket endpoint, connected on first use and again after the node restarts.
#[derive(Clone)]
pub(crate) struct Ws {
	url: String,
	client: Arc<tokio::sync::Mutex<Option<Arc<WsClient>>>>,
	/// One submission at a time per account: the nonce is read and used under this lock.
	accounts: Arc<Mutex<HashMap<AccountId, Arc<tokio::sync::Mutex<()>>>>>,
}

impl From<WsError> for RpcError {
	fn from(e: WsError) -> Self {
		match e {
			WsError::Call(e) => RpcError::Rpc {
				code: e.code().into(),
				message: e.message().to_string(),
				data: e.data().and_then(|d| serde_json::from_str(d.get()).ok()),
			},
			e => RpcError::Transport(e.to_string()),
		}
	}
}

impl Ws {
	/// The WebSocket endpoint of the node whose HTTP endpoint is `http_url` (the node serves
	/// both on one port).
	pub(crate) fn new(http_url: &str) -> Self {
		let url = if let Some(rest) = http_url.strip_prefix("https://") {
			format!("wss://{rest}")
		} else if let Some(rest) = http_url.strip_prefix("http://") {
			format!("ws://{rest}")
		} else {
			http_url.to_string()
		};
		Self { url, client: Arc::default(), accounts: Arc::default() }
	}

	/// The endpoint's address.
	pub(crate) fn url(&self) -> &str {
		&self.url
	}

	/// The connected client, connecting if there is none or the last one lost its node.
	pub(crate) async fn client(&self) -> Result<Arc<WsClient>, RpcError> {
		let mut slot = self.client.lock().await;
		if let Some(c) = slot.as_ref().filter(|c| c.is_connected()) {
			return Ok(c.clone());
		}
		let c = Arc::new(
			WsClientBuilder::default()
				.request_timeout(REQUEST_TIMEOUT)
				.max_request_size(16 * 1024 * 1024)
				.max_response_size(64 * 1024 * 1024)
				.build(&self.url)
				.await
				.map_err(|e| RpcError::Transport(format!("{}: {e}", self.url)))?,
		);
		*slot = Some(c.clone());
		Ok(c)
	}

	/// Calls `method` with positional `params`.
	pub(crate) async fn request(
		&self,
		method: &str,
		params: jsonrpsee::core::params::ArrayParams,
	) -> Result<Value, RpcError> {
		Ok(self.client().await?.request(method, params).await?)
	}

	async fn hash(
		&self,
		method: &str,
		params: jsonrpsee::core::params::ArrayParams,
	) -> Result<H256, RpcError> {
		let v = self.request(method, params).await?;
		let bytes = parse_hex(v.as_str().unwrap_or_default())?;
		(bytes.len() == 32)
			.then(|| H256::from_slice(&bytes))
			.ok_or_else(|| RpcError::Transport(format!("{method} answered {v}, not a hash")))
	}

	async fn header_number(&self, hash: H256) -> Result<BlockNumber, RpcError> {
		let header = self.request("chain_getHeader", rpc_params![hash]).await?;
		let n = header["number"].as_str().unwrap_or_default();
		u32::from_str_radix(n.trim_start_matches("0x"), 16)
			.map_err(|_| RpcError::Transport(format!("bad block number in {header}")))
	}

	/// What a transaction signed now commits to: the chain, its runtime, and the last finalized
	/// block as the start of a [`extrinsic::MORTAL_PERIOD`]-block lifetime. Refuses a node
	/// whose transactions this client would mis-encode.
	async fn context(&self) -> Result<ChainContext, ChainError> {
		let genesis = self.hash("chain_getBlockHash", rpc_params![0]).await?;
		let version = self.request("state_getRuntimeVersion", rpc_params![]).await?;
		let (spec_version, transaction_version) = extrinsic::versions(&version)?;
		let client = pop_runtime::VERSION.transaction_version;
		if transaction_version != client {
			return Err(ChainError::VersionMismatch { node: transaction_version, client });
		}
		let finalized = self.hash("chain_getFinalizedHead", rpc_params![]).await?;
		let number = self.header_number(finalized).await?;
		Ok(ChainContext {
			genesis_hash: genesis,
			spec_version,
			transaction_version,
			checkpoint: Some((number, finalized)),
		})
	}

	/// Asks the runtime at the best block whether it would take `xt` into its pool.
	async fn validate(&self, xt: &[u8]) -> Result<(), ChainError> {
		let best = self.hash("chain_getBlockHash", rpc_params![]).await?;
		let mut args = TransactionSource::External.encode();
		args.extend_from_slice(xt);
		best.encode_to(&mut args);
		let answer = self
			.request(
				"state_call",
				rpc_params!["TaggedTransactionQueue_validate_transaction", to_hex(&args), best],
			)
			.await?;
		let bytes = parse_hex(answer.as_str().unwrap_or_default())?;
		let validity = TransactionValidity::decode(&mut &bytes[..])
			.map_err(|e| ChainError::Decode(format!("validate_transaction: {e}")))?;
		use sp_runtime::transaction_validity::InvalidTransaction::{ExhaustsResources, Future};
		match validity {
			Ok(_) => Ok(()),
			// The best block is full, or the nonce counts transactions still in the pool: the
			// pool takes it anyway and includes it later.
			Err(TransactionValidityError::Invalid(ExhaustsResources | Future)) => Ok(()),
			Err(TransactionValidityError::Invalid(e)) => Err(ChainError::Invalid(e)),
			Err(TransactionValidityError::Unknown(e)) => Err(ChainError::Unknown(e)),
		}
	}

	fn account_lock(&self, who: &AccountId) -> Arc<tokio::sync::Mutex<()>> {
		self.accounts.lock().expect("not poisoned").entry(who.clone()).or_default().clone()
	}

	/// Signs `call` as `signer` with its next nonce, checks and submits it, and returns the
	/// watch on it.
	pub(crate) async fn submit(
		&self,
		call: Call,
		signer: &sr25519::Pair,
	) -> Result<Submitted, ChainError> {
		let who: AccountId = signer.public().into();
		let lock = self.account_lock(&who);
		let _one_at_a_time = lock.lock().await;
		let ctx = self.context().await?;
		let nonce = self.request("system_accountNextIndex", rpc_params![who.to_string()]).await?;
		let nonce = nonce
			.as_u64()
			.map(|n| n as Nonce)
			.ok_or_else(|| RpcError::Transport(format!("bad nonce {nonce}")))?;
		let xt = extrinsic::signed_by(&ctx, call.0, signer, signer, nonce);
		self.validate(&xt).await?;
		let sub = self
			.client()
			.await?
			.subscribe(
				"author_submitAndWatchExtrinsic",
				rpc_params![to_hex(&xt)],
				"author_unwatchExtrinsic",
			)
			.await
			.map_err(RpcError::from)?;
		Ok(Submitted {
			ws: self.clone(),
			hash: <sp_runtime::traits::BlakeTwo256 as sp_runtime::traits::Hash>::hash(&xt),
			xt,
			sub,
		})
	}
}

/// A transaction the pool took, watched until it is included.
pub struct Submitted {
	ws: Ws,
	hash: H256,
	xt: Vec<u8>,
	sub: Subscription<Value>,
}

/// Where a transaction was included, its call having succeeded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Included {
	/// The block that holds it.
	pub block: H256,
	/// Its position in the block.
	pub index: u32,
}

impl Submitted {
	/// The transaction's hash.
	pub fn hash(&self) -> H256 {
		self.hash
	}

	/// Waits until the transaction is in a block of the best chain and returns where, or why
	/// its call failed.
	pub async fn included(self) -> Result<Included, ChainError> {
		self.wait(false).await
	}

	/// Waits until the transaction is in a finalized block and returns where, or why its call
	/// failed.
	pub async fn finalized(self) -> Result<Included, ChainError> {
		self.wait(true).await
	}

	async fn wait(mut self, finalized: bool) -> Result<Included, ChainError> {
		while let Some(status) = self.sub.next().await {
			let status =
				status.map_err(|e| ChainError::Decode(format!("transaction status: {e}")))?;
			let block_of =
				|key: &str| status.get(key).and_then(Value::as_str).and_then(|h| parse_hex(h).ok());
			let in_block = if finalized { block_of("finalized") } else { block_of("inBlock") };
			if let Some(block) = in_block.filter(|b| b.len() == 32) {
				return self.outcome(H256::from_slice(&block)).await;
			}
			if let Some(why) = ["dropped", "invalid", "usurped", "finalityTimeout"]
				.into_iter()
				.find(|k| status.as_str() == Some(k) || status.get(k).is_some())
			{
				return Err(ChainError::NotIncluded(format!("the pool reported it {why}")));
			}
		}
		Err(ChainError::NotIncluded("the node closed the watch (it may have restarted)".into()))
	}

	/// The dispatch outcome of this transaction in `block`, from the block's events.
	async fn outcome(&self, block: H256) -> Result<Included, ChainError> {
		let body = self.ws.request("chain_getBlock", rpc_params![block]).await?;
		let ours = to_hex(&self.xt);
		let index = body["block"]["extrinsics"]
			.as_array()
			.and_then(|xts| xts.iter().position(|x| x.as_str() == Some(ours.as_str())))
			.ok_or_else(|| ChainError::Decode(format!("block {block:?} does not hold it")))?
			as u32;
		let key = crate::events::events_key();
		let events = self.ws.request("state_getStorage", rpc_params![to_hex(&key), block]).await?;
		let raw = parse_hex(events.as_str().unwrap_or_default())?;
		let events = crate::events::decode_records(&raw, block).map_err(ChainError::Decode)?;
		for record in events {
			if record.phase != frame_system::Phase::ApplyExtrinsic(index) {
				continue;
			}
			match record.event {
				pop_runtime::RuntimeEvent::System(frame_system::Event::ExtrinsicSuccess {
					..
				}) => return Ok(Included { block, index }),
				pop_runtime::RuntimeEvent::System(frame_system::Event::ExtrinsicFailed {
					dispatch_error,
					..
				}) => {
					return Err(ChainError::Dispatch {
						block,
						failure: DispatchFailure::from(dispatch_error),
					})
				}
				_ => {}
			}
		}
		Err(ChainError::Decode(format!("no outcome of extrinsic {index} in block {block:?}")))
	}
}
