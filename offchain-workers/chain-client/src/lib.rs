//! A small blocking client of a POP Network node.
//!
//! [`rpc`] speaks JSON-RPC over HTTP; [`extrinsic`] signs calls with the runtime's own types, so
//! a sidecar signs exactly what a wallet signs; [`Chain`] puts both together for the sidecars
//! and the `pop` CLI: runtime API calls, storage reads, and transactions with the next nonce.

pub mod extrinsic;
pub mod rpc;

pub use extrinsic::ChainContext;
pub use rpc::{RpcClient, RpcError};

use codec::{Decode, Encode};
use pallet_content::{Assignment, Audit, ContentView, KeyRelease};
use pallet_masternodes::MasternodeInfo;
use pop_primitives::{content::ContentId, AccountId, BlockNumber, Nonce};
use pop_runtime::RuntimeCall;
use serde_json::json;
use sp_core::sr25519;
use sp_runtime::transaction_validity::{InvalidTransaction, TransactionValidityError};

/// A content's record with every shard's hash and holder, as the runtime API answers it.
pub type Content = ContentView<AccountId, BlockNumber>;
/// A masternode's record, as the runtime API answers it.
pub type Masternode = MasternodeInfo<BlockNumber>;
/// A superdelegate's record (moderation key, sidecar peer id and addresses).
pub type Superdelegate = pallet_sdpos::SuperdelegateInfo;

/// A dispatch error in words: the pallet error's name for the pallets the sidecars use.
pub fn describe(e: &sp_runtime::DispatchError) -> String {
	use frame_support::traits::PalletInfoAccess;
	use pop_runtime::Runtime;
	if let sp_runtime::DispatchError::Module(m) = e {
		let index = usize::from(m.index);
		let name = if index == pallet_content::Pallet::<Runtime>::index() {
			pallet_content::Error::<Runtime>::decode(&mut &m.error[..])
				.map(|e| format!("Content::{e:?}"))
		} else if index == pallet_masternodes::Pallet::<Runtime>::index() {
			pallet_masternodes::Error::<Runtime>::decode(&mut &m.error[..])
				.map(|e| format!("Masternodes::{e:?}"))
		} else if index == pallet_sdpos::Pallet::<Runtime>::index() {
			pallet_sdpos::Error::<Runtime>::decode(&mut &m.error[..])
				.map(|e| format!("Sdpos::{e:?}"))
		} else {
			Ok(format!("{e:?}"))
		};
		return name.unwrap_or_else(|_| format!("{e:?}"));
	}
	format!("{e:?}")
}

/// A node's RPC endpoint with the context transactions are signed for.
#[derive(Clone)]
pub struct Chain {
	rpc: RpcClient,
}

impl Chain {
	/// A client of the node at `url` (`http://host:port`).
	pub fn new(url: &str) -> Self {
		Self { rpc: RpcClient::new(url) }
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

	/// The shards `node` must hold.
	pub fn assignments(&self, node: &AccountId) -> Result<Vec<Assignment>, RpcError> {
		self.runtime_call("ContentApi_assignments", node)
	}

	/// The open audits of `node`.
	pub fn audits(
		&self,
		node: &AccountId,
	) -> Result<Vec<(u64, Audit<AccountId, BlockNumber>)>, RpcError> {
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

	/// The next nonce of `who`, counting its transactions in the pool.
	pub fn next_nonce(&self, who: &AccountId) -> Result<Nonce, RpcError> {
		let n = self.rpc.call("system_accountNextIndex", json!([who.to_string()]))?;
		n.as_u64().map(|n| n as Nonce).ok_or_else(|| RpcError::Transport(format!("bad nonce {n}")))
	}

	/// Signs `call` as `signer` with its next nonce and submits it; returns the extrinsic's
	/// hash. A dry run first turns what the runtime would refuse into
	/// [`RpcError::Refused`] with the pallet error's name (nodes that do not offer dry runs to
	/// this client skip it); the pool's refusal comes back as the node's error.
	pub fn submit(&self, call: RuntimeCall, signer: &sr25519::Pair) -> Result<String, RpcError> {
		use sp_core::Pair;
		let ctx = ChainContext::fetch(&self.rpc)?;
		let who: AccountId = signer.public().into();
		let nonce = self.next_nonce(&who)?;
		let xt = extrinsic::signed_by(&ctx, call, signer, signer, nonce);
		if let Ok(result) = self.rpc.call("system_dryRun", json!([rpc::to_hex(&xt)])) {
			let bytes = rpc::parse_hex(result.as_str().unwrap_or_default())?;
			match sp_runtime::ApplyExtrinsicResult::decode(&mut &bytes[..]) {
				Ok(Ok(Ok(()))) | Err(_) => {}
				Ok(Ok(Err(e))) => return Err(RpcError::Refused(describe(&e))),
				// The best block is full (the transaction may fit in the next one), or the
				// nonce counts transactions still in the pool: the dry run cannot tell.
				Ok(Err(TransactionValidityError::Invalid(
					InvalidTransaction::ExhaustsResources | InvalidTransaction::Future,
				))) => {}
				Ok(Err(e)) => return Err(RpcError::Refused(format!("invalid transaction: {e:?}"))),
			}
		}
		let hash = self.rpc.call("author_submitExtrinsic", json!([rpc::to_hex(&xt)]))?;
		Ok(hash.as_str().unwrap_or_default().to_string())
	}
}
