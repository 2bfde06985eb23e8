//! A hook that sees, and may rewrite, everything this member sends to the set.
//!
//! The `pop-superdelegate` binary passes none. The end-to-end tests run a byzantine member
//! (`pop-e2e`'s `pop-superdelegate-byzantine`) that is this same sidecar — the same chain
//! watcher, reviews, replica and mesh — with a [`Tamper`] that lies, equivocates and floods,
//! so that the honest members are tested against the real process they would meet.

use pop_pbft::{
	message::signing_payload, Keys, Message, Outbound, ReplicaIndex, Signature, Signed,
};
use sp_core::ed25519;

/// Rewrites what this member sends.
pub trait Tamper: Send {
	/// What to send instead of `out` (called after every step of the sidecar, also when `out`
	/// is empty); `me` signs in this member's name.
	fn outbound(&mut self, out: Vec<Outbound>, me: &MemberSigner<'_>) -> Vec<Outbound>;
}

/// Signs as this member of the current era's set.
pub struct MemberSigner<'a> {
	/// The chain's genesis hash.
	pub genesis: [u8; 32],
	/// The era.
	pub era: u32,
	/// This member's index.
	pub me: ReplicaIndex,
	/// The set's size.
	pub n: usize,
	pub(crate) key: &'a ed25519::Pair,
}

impl MemberSigner<'_> {
	/// `message`, signed as this member.
	pub fn sign(&self, message: Message) -> Signed {
		let signature =
			self.sign_bytes(&signing_payload(&self.genesis, self.era, self.me, &message));
		Signed { from: self.me, message, signature }
	}

	/// A signature over `payload` with the moderation key (a verdict statement, say).
	pub fn sign_bytes(&self, payload: &[u8]) -> Signature {
		Keys::sign(self.key, payload)
	}
}
