//! The VRF every block author evaluates: its input, and the output the chain keeps.
//!
//! The input is the chain's randomness before the block and the block's slot, both fixed before
//! the author builds anything; the author's key is fixed by the slot. A VRF has one output for a
//! key and an input, so the author has no output to choose: it can publish the one it has, or
//! publish nothing. Node (signing, with the keystore) and runtime (checking) build the input
//! here, so they cannot disagree.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_core::crypto::VrfPublic;
use sp_core::sr25519::{
	vrf::{VrfSignData, VrfSignature, VrfTranscript},
	Public,
};

/// A VRF output and its proof as a block carries them: the bytes of an sr25519
/// [`VrfSignature`], which may not be a valid one (a point that does not decode is refused when
/// checked, like any other bad proof).
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen,
)]
pub struct VrfProof {
	/// The VRF pre-output: the output before it is hashed into bytes.
	pub pre_output: [u8; 32],
	/// The proof that the pre-output is the key's on the input.
	pub proof: [u8; 64],
}

impl From<VrfSignature> for VrfProof {
	fn from(signature: VrfSignature) -> Self {
		let bytes = signature.encode();
		let mut pre_output = [0; 32];
		let mut proof = [0; 64];
		pre_output.copy_from_slice(&bytes[..32]);
		proof.copy_from_slice(&bytes[32..96]);
		VrfProof { pre_output, proof }
	}
}

impl VrfProof {
	/// The sr25519 VRF signature, if the bytes are one.
	pub fn signature(&self) -> Option<VrfSignature> {
		VrfSignature::decode(&mut &self.encode()[..]).ok()
	}
}

/// The transcript label of a block author's VRF.
pub const VRF_LABEL: &[u8] = b"pop/block-randomness";

/// The context the 32 output bytes are derived under.
pub const OUTPUT_CONTEXT: &[u8] = b"pop/block-randomness/output";

/// What the author of the block in `slot` signs, on top of the chain's `randomness`.
pub fn sign_data(randomness: &[u8; 32], slot: u64) -> VrfSignData {
	VrfTranscript::new(VRF_LABEL, &[(b"randomness", randomness), (b"slot", &slot.to_le_bytes())])
		.into_sign_data()
}

/// The output of `author`'s VRF for `slot` on `randomness`, if `signature` proves it; `None`
/// for a signature of another key, another slot or other randomness.
pub fn output(
	author: &Public,
	randomness: &[u8; 32],
	slot: u64,
	proof: &VrfProof,
) -> Option<[u8; 32]> {
	let signature = proof.signature()?;
	let data = sign_data(randomness, slot);
	if !author.vrf_verify(&data, &signature) {
		return None;
	}
	author.make_bytes(OUTPUT_CONTEXT, data.as_ref(), &signature.pre_output).ok()
}
