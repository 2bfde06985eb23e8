//! The runtime calls off-chain code makes, each built by one function with plain arguments, so
//! that no crate outside this one names a `RuntimeCall` or a pallet's `Call`.

use crate::error::ChainError;
use pop_primitives::{
	content::{ContentId, Manifest, ModelHash, Page, SealedKey, Verdict},
	network::{Addresses, PeerId},
	Balance,
};
use pop_runtime::RuntimeCall;
use sp_core::bounded::BoundedVec;

pub use pallet_content::Pricing;
pub use pallet_sdpos::IdentityProof;

/// What a superdelegate signs with its moderation key and its sidecar's libp2p key to prove it
/// holds them ([`IdentityProof`]): bound to the chain's genesis hash and to the account `who`.
pub fn identity_statement(genesis: &[u8; 32], who: &pop_primitives::AccountId) -> Vec<u8> {
	pallet_sdpos::identity::statement(genesis, who)
}

/// An ed25519 moderation key (a superdelegate's, which signs verdicts).
pub type ModerationKey = [u8; 32];

/// One call of the runtime, ready to be signed and submitted ([`crate::Chain::submit`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Call(pub(crate) RuntimeCall);

impl Call {
	/// Wraps a call the runtime's own types built: for the end-to-end tests, which try calls
	/// this module does not offer.
	pub fn from_runtime(call: RuntimeCall) -> Self {
		Self(call)
	}

	/// The pallet and call name, for logs (`Content::prove`).
	pub fn name(&self) -> String {
		use frame_support::traits::GetCallMetadata;
		let m = self.0.get_call_metadata();
		format!("{}::{}", m.pallet_name, m.function_name)
	}
}

/// `Masternodes::register`: a new masternode with its libp2p identity, where it listens, its
/// region (ISO 3166-1 alpha-2), the bytes it offers and its bond.
pub fn register_masternode(
	peer_id: PeerId,
	addresses: Addresses,
	region: [u8; 2],
	capacity: u64,
	bond: Balance,
) -> Call {
	Call(RuntimeCall::Masternodes(pallet_masternodes::Call::register {
		peer_id,
		addresses,
		region: pallet_masternodes::Region(region),
		capacity,
		bond,
	}))
}

/// `Masternodes::update`: a registered masternode's new identity, addresses, region or capacity.
pub fn update_masternode(
	peer_id: PeerId,
	addresses: Addresses,
	region: [u8; 2],
	capacity: u64,
) -> Call {
	Call(RuntimeCall::Masternodes(pallet_masternodes::Call::update {
		peer_id,
		addresses,
		region: pallet_masternodes::Region(region),
		capacity,
	}))
}

/// `Masternodes::unregister`: out of service now, the bond released after the unbonding period.
pub fn unregister_masternode() -> Call {
	Call(RuntimeCall::Masternodes(pallet_masternodes::Call::unregister {}))
}

/// `Content::prove`: the answer to audit `audit`, a chunk of a shard and its BLAKE3 proof.
pub fn prove(audit: u64, data: Vec<u8>, proof: Vec<[u8; 32]>) -> Result<Call, ChainError> {
	Ok(Call(RuntimeCall::Content(pallet_content::Call::prove {
		audit,
		data: BoundedVec::try_from(data).map_err(|_| ChainError::TooLarge("audit chunk"))?,
		proof: BoundedVec::try_from(proof).map_err(|_| ChainError::TooLarge("audit proof"))?,
	})))
}

/// `Content::report_inconsistent`: proof that the shards of `segment` of `content` are not one
/// codeword (chunk `chunk` of each shard, in shard order, with its BLAKE3 proof); `shards` is
/// the removal's weight witness (the first page's segments × `n`).
pub fn report_inconsistent(
	content: ContentId,
	segment: u32,
	chunk: u32,
	chunks: Vec<Vec<u8>>,
	proofs: Vec<Vec<[u8; 32]>>,
	shards: u32,
) -> Result<Call, ChainError> {
	let too_large = |what| ChainError::TooLarge(what);
	let chunks = chunks
		.into_iter()
		.map(|c| BoundedVec::try_from(c).map_err(|_| too_large("chunk")))
		.collect::<Result<Vec<_>, _>>()?;
	let proofs = proofs
		.into_iter()
		.map(|p| BoundedVec::try_from(p).map_err(|_| too_large("chunk proof")))
		.collect::<Result<Vec<_>, _>>()?;
	Ok(Call(RuntimeCall::Content(pallet_content::Call::report_inconsistent {
		content,
		segment,
		chunk,
		chunks: BoundedVec::try_from(chunks).map_err(|_| too_large("chunks"))?,
		proofs: BoundedVec::try_from(proofs).map_err(|_| too_large("proofs"))?,
		shards,
	})))
}

/// `Content::register`: a manifest, its first page of segments and its pricing; the chain
/// places the page's shards.
pub fn register_content(manifest: Manifest, page: Page, pricing: Pricing) -> Call {
	Call(RuntimeCall::Content(pallet_content::Call::register { manifest, page, pricing }))
}

/// `Content::add_page`: page `index` of uploading `content`; the chain places its shards.
pub fn add_page(content: ContentId, index: u32, page: Page) -> Call {
	Call(RuntimeCall::Content(pallet_content::Call::add_page { content, index, page }))
}

/// `Content::release_keys`: pending content's key sealed to each member of era `era`'s
/// moderation set.
pub fn release_keys(
	content: ContentId,
	era: u32,
	keys: Vec<SealedKey>,
) -> Result<Call, ChainError> {
	Ok(Call(RuntimeCall::Content(pallet_content::Call::release_keys {
		content,
		era,
		keys: BoundedVec::try_from(keys).map_err(|_| ChainError::TooLarge("sealed keys"))?,
	})))
}

/// `Content::appeal`: the creator appeals the moderation of `content` to the moderation track.
pub fn appeal(content: ContentId, reason: Vec<u8>) -> Call {
	Call(RuntimeCall::Content(pallet_content::Call::appeal { content, reason }))
}

/// `Content::remove`: the creator removes `content` (`shards`: its segments × `n`, the
/// weight witness) and gets its storage deposit back.
pub fn remove(content: ContentId, shards: u32) -> Call {
	Call(RuntimeCall::Content(pallet_content::Call::remove { content, shards }))
}

/// `Content::submit_verdict`: the moderation set's certificate, a quorum of members' signatures
/// over (content, verdict, model hash, era, the voting members' scores).
pub fn submit_verdict(
	content: ContentId,
	verdict: Verdict,
	model_hash: ModelHash,
	era: u32,
	scores: Vec<pop_primitives::content::MemberScore>,
	signatures: Vec<(ModerationKey, [u8; 64])>,
) -> Result<Call, ChainError> {
	Ok(Call(RuntimeCall::Content(pallet_content::Call::submit_verdict {
		content,
		verdict,
		model_hash,
		era,
		scores: BoundedVec::try_from(scores)
			.map_err(|_| ChainError::TooLarge("certificate scores"))?,
		signatures: BoundedVec::try_from(signatures)
			.map_err(|_| ChainError::TooLarge("certificate signatures"))?,
	})))
}

/// `Sdpos::register_superdelegate`: hold `bond` and register the moderation key, the sidecar's
/// peer id and addresses, with the proof that the caller holds both keys.
pub fn register_superdelegate(
	bond: Balance,
	moderation_key: ModerationKey,
	peer_id: PeerId,
	addresses: Addresses,
	proof: IdentityProof,
) -> Call {
	Call(RuntimeCall::Sdpos(pallet_sdpos::Call::register_superdelegate {
		bond,
		moderation_key,
		peer_id,
		addresses,
		proof,
	}))
}

/// `Sdpos::update_superdelegate`: a superdelegate's moderation key and its sidecar's libp2p
/// identity and addresses, with the proof that it holds both keys. A member of the moderation
/// set gets a new key or peer id at the next era; addresses change at once.
pub fn update_superdelegate(
	moderation_key: ModerationKey,
	peer_id: PeerId,
	addresses: Addresses,
	proof: IdentityProof,
) -> Call {
	Call(RuntimeCall::Sdpos(pallet_sdpos::Call::update_superdelegate {
		moderation_key,
		peer_id,
		addresses,
		proof,
	}))
}
