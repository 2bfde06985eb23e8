//! Extrinsics built and signed with the runtime's own types, so that off-chain code signs
//! exactly what a wallet signs.

use crate::rpc::{parse_hex, RpcClient, RpcError};
use codec::Encode;
use pop_primitives::{AccountId, BlockNumber, Nonce};
use pop_runtime::{RuntimeCall, SignedPayload, TxExtension, UncheckedExtrinsic};
use serde_json::json;
use sp_core::{sr25519, Pair, H256};
use sp_runtime::generic::Era;

/// How many blocks a transaction the daemons sign stays valid: long enough to be included
/// on a busy chain, short enough that a dropped one cannot come back later.
pub const MORTAL_PERIOD: u64 = 64;

/// What a signature commits to besides the call: the chain, the runtime version and, for a
/// mortal transaction, the block its lifetime starts at.
#[derive(Clone, Debug)]
pub struct ChainContext {
	pub genesis_hash: H256,
	pub spec_version: u32,
	pub transaction_version: u32,
	/// The block a mortal transaction's lifetime starts at; `None` signs immortal ones.
	pub checkpoint: Option<(BlockNumber, H256)>,
}

impl ChainContext {
	/// Reads the genesis hash and the runtime version from a node; signs immortal
	/// transactions (as the end-to-end tests do; the daemons sign mortal ones).
	pub fn fetch(rpc: &RpcClient) -> Result<Self, RpcError> {
		let genesis = rpc.call("chain_getBlockHash", json!([0]))?;
		let genesis = parse_hex(genesis.as_str().unwrap_or_default())?;
		if genesis.len() != 32 {
			return Err(RpcError::Transport(format!("bad genesis hash {}", hex::encode(genesis))));
		}
		let version = rpc.call("state_getRuntimeVersion", json!([]))?;
		let (spec_version, transaction_version) = versions(&version)?;
		Ok(Self {
			genesis_hash: H256::from_slice(&genesis),
			spec_version,
			transaction_version,
			checkpoint: None,
		})
	}

	fn era(&self) -> (Era, H256) {
		match self.checkpoint {
			Some((number, hash)) => (Era::mortal(MORTAL_PERIOD, number.into()), hash),
			None => (Era::Immortal, self.genesis_hash),
		}
	}
}

/// `specVersion` and `transactionVersion` of a `state_getRuntimeVersion` answer.
pub(crate) fn versions(version: &serde_json::Value) -> Result<(u32, u32), RpcError> {
	let field = |name: &str| {
		version[name]
			.as_u64()
			.map(|v| v as u32)
			.ok_or_else(|| RpcError::Transport(format!("no {name} in {version}")))
	};
	Ok((field("specVersion")?, field("transactionVersion")?))
}

/// The standard transaction extensions with `nonce`, `era` and no tip. The daemons and the CLI
/// sign with the runtime's own types, so they do not need a metadata hash: its mode is off.
fn extensions(nonce: Nonce, era: Era) -> TxExtension {
	(
		frame_system::CheckNonZeroSender::new(),
		frame_system::CheckSpecVersion::new(),
		frame_system::CheckTxVersion::new(),
		frame_system::CheckGenesis::new(),
		frame_system::CheckMortality::from(era),
		frame_system::CheckNonce::from(nonce),
		frame_system::CheckWeight::new(),
		pallet_transaction_payment::ChargeTransactionPayment::from(0),
		frame_metadata_hash_extension::CheckMetadataHash::new(false),
	)
}

/// Signs `call` for the account of `signer` with `nonce`; the signature is made by `sign_with`,
/// which is the signer itself except when a test forges one. Returns the encoded extrinsic.
pub fn signed_by(
	ctx: &ChainContext,
	call: RuntimeCall,
	signer: &sr25519::Pair,
	sign_with: &sr25519::Pair,
	nonce: Nonce,
) -> Vec<u8> {
	let (era, era_block) = ctx.era();
	let ext = extensions(nonce, era);
	let implicit = (
		(),
		ctx.spec_version,
		ctx.transaction_version,
		ctx.genesis_hash,
		era_block,
		(),
		(),
		(),
		None,
	);
	let payload = SignedPayload::from_raw(call.clone(), ext.clone(), implicit);
	let signature = payload.using_encoded(|bytes| sign_with.sign(bytes));
	let account: AccountId = signer.public().into();
	UncheckedExtrinsic::new_signed(call, account.into(), signature.into(), ext).encode()
}
