//! Extrinsics built and signed with the runtime's own types.

use crate::rpc::{parse_hex, RpcClient, RpcError};
use codec::Encode;
use pop_primitives::{AccountId, Nonce};
use pop_runtime::{RuntimeCall, SignedPayload, TxExtension, UncheckedExtrinsic};
use serde_json::json;
use sp_core::{sr25519, Pair};
use sp_runtime::generic::Era;

/// What a signature commits to besides the call: the chain and the runtime version.
#[derive(Clone, Debug)]
pub struct ChainContext {
	pub genesis_hash: sp_core::H256,
	pub spec_version: u32,
	pub transaction_version: u32,
}

impl ChainContext {
	/// Reads the genesis hash and the runtime version from a node.
	pub fn fetch(rpc: &RpcClient) -> Result<Self, RpcError> {
		let genesis = rpc.call("chain_getBlockHash", json!([0]))?;
		let genesis = parse_hex(genesis.as_str().unwrap_or_default())?;
		if genesis.len() != 32 {
			return Err(RpcError::Transport(format!("bad genesis hash {}", hex::encode(genesis))));
		}
		let version = rpc.call("state_getRuntimeVersion", json!([]))?;
		let field = |name: &str| {
			version[name]
				.as_u64()
				.map(|v| v as u32)
				.ok_or_else(|| RpcError::Transport(format!("no {name} in {version}")))
		};
		Ok(Self {
			genesis_hash: sp_core::H256::from_slice(&genesis),
			spec_version: field("specVersion")?,
			transaction_version: field("transactionVersion")?,
		})
	}
}

/// The standard transaction extensions with `nonce` and no tip, immortal.
fn extensions(nonce: Nonce) -> TxExtension {
	(
		frame_system::CheckNonZeroSender::new(),
		frame_system::CheckSpecVersion::new(),
		frame_system::CheckTxVersion::new(),
		frame_system::CheckGenesis::new(),
		frame_system::CheckMortality::from(Era::Immortal),
		frame_system::CheckNonce::from(nonce),
		frame_system::CheckWeight::new(),
		pallet_transaction_payment::ChargeTransactionPayment::from(0),
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
	let ext = extensions(nonce);
	let implicit = (
		(),
		ctx.spec_version,
		ctx.transaction_version,
		ctx.genesis_hash,
		ctx.genesis_hash,
		(),
		(),
		(),
	);
	let payload = SignedPayload::from_raw(call.clone(), ext.clone(), implicit);
	let signature = payload.using_encoded(|bytes| sign_with.sign(bytes));
	let account: AccountId = signer.public().into();
	UncheckedExtrinsic::new_signed(call, account.into(), signature.into(), ext).encode()
}
