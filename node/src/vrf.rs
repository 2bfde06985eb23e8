//! The block author's VRF, added to each block it proposes as an inherent: the output of its
//! Aura key on the chain's randomness and the block's slot (see `pallet_randomness`, which
//! checks it and draws storage audits from it). The runtime builds the same input with
//! [`pallet_randomness::vrf::sign_data`], so node and chain cannot disagree.

use pallet_randomness::{vrf::VrfProof, RandomnessApi, INHERENT_IDENTIFIER};
use pop_runtime::opaque::Block;
use sp_api::ProvideRuntimeApi;
use sp_consensus_aura::{sr25519::AuthorityId as AuraId, AuraApi, Slot};
use sp_core::crypto::key_types::AURA;
use sp_inherents::{InherentData, InherentIdentifier};
use sp_keystore::KeystorePtr;

use crate::service::FullClient;

/// The VRF proof of this node's key for one slot, or nothing when the slot is another
/// authority's (the block will not be ours) or the keystore cannot sign.
pub struct VrfInherent(Option<VrfProof>);

impl VrfInherent {
	/// For a block in `slot` on top of `parent`.
	pub fn new(
		client: &FullClient,
		keystore: &KeystorePtr,
		parent: <Block as sp_runtime::traits::Block>::Hash,
		slot: Slot,
	) -> Self {
		let api = client.runtime_api();
		// The slot's author as Aura picks it: slot modulo the parent's authority set.
		let Ok(authorities) = AuraApi::<Block, AuraId>::authorities(&*api, parent) else {
			return VrfInherent(None);
		};
		let Some(author) = u64::from(slot)
			.checked_rem(authorities.len() as u64)
			.and_then(|i| authorities.get(i as usize))
		else {
			return VrfInherent(None);
		};
		let public = author.clone().into_inner();
		if !keystore.has_keys(&[(public.0.to_vec(), AURA)]) {
			return VrfInherent(None);
		}
		let randomness = match api.randomness(parent) {
			Ok(r) => r,
			Err(e) => {
				log::warn!(target: "pop-randomness", "cannot read the chain's randomness: {e}");
				return VrfInherent(None);
			}
		};
		let data = pallet_randomness::vrf::sign_data(&randomness, u64::from(slot));
		match keystore.sr25519_vrf_sign(AURA, &public, &data) {
			Ok(Some(signature)) => VrfInherent(Some(signature.into())),
			Ok(None) => VrfInherent(None),
			Err(e) => {
				log::warn!(target: "pop-randomness", "the keystore did not sign slot {slot}'s VRF: {e}");
				VrfInherent(None)
			}
		}
	}
}

#[async_trait::async_trait]
impl sp_inherents::InherentDataProvider for VrfInherent {
	async fn provide_inherent_data(
		&self,
		data: &mut InherentData,
	) -> Result<(), sp_inherents::Error> {
		match &self.0 {
			Some(proof) => data.put_data(INHERENT_IDENTIFIER, proof),
			None => Ok(()),
		}
	}

	async fn try_handle_error(
		&self,
		_: &InherentIdentifier,
		_: &[u8],
	) -> Option<Result<(), sp_inherents::Error>> {
		None
	}
}
