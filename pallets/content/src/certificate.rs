//! Checking a verdict certificate against the current moderation set.

use crate::{Config, Error, ModerationSet, Signatures};
use alloc::vec::Vec;
use frame_support::ensure;
use pop_primitives::content::{quorum, VerdictStatement, MAX_SCORE};
use sp_core::ed25519;
use sp_runtime::traits::Zero;

/// The chain's genesis hash, which verdict signatures cover (`frame_system` keeps block 0's
/// hash for good).
pub(crate) fn genesis_hash<T: Config>() -> [u8; 32] {
	frame_system::Pallet::<T>::block_hash(frame_system::pallet_prelude::BlockNumberFor::<T>::zero())
		.as_ref()
		.try_into()
		.unwrap_or_default()
}

/// The members who signed `statement`, if `signatures` is a valid certificate: the statement is
/// for the current era, every key belongs to the current set and signs once, every signature
/// verifies over the statement on this chain (its genesis hash; a certificate made for another
/// chain fails as [`Error::BadSignature`]), at least a quorum of the set signed, and every
/// score is a distinct member's and in range ([`Error::BadScores`]).
pub(crate) fn check<T: Config>(
	statement: &VerdictStatement,
	signatures: &Signatures,
) -> Result<Vec<T::AccountId>, Error<T>> {
	ensure!(statement.era == T::Moderators::era(), Error::<T>::WrongEra);
	let set = T::Moderators::members();
	ensure!(!set.is_empty(), Error::<T>::NoModerationSet);
	let payload = statement.signing_payload(&genesis_hash::<T>());
	let mut signers = Vec::with_capacity(signatures.len());
	let mut seen = Vec::with_capacity(signatures.len());
	for (key, signature) in signatures {
		ensure!(!seen.contains(key), Error::<T>::DuplicateSigner);
		seen.push(*key);
		let (who, _) = set.iter().find(|(_, k)| k == key).ok_or(Error::<T>::NotInModerationSet)?;
		ensure!(
			sp_io::crypto::ed25519_verify(
				&ed25519::Signature::from_raw(*signature),
				&payload,
				&ed25519::Public::from_raw(*key),
			),
			Error::<T>::BadSignature
		);
		signers.push(who.clone());
	}
	ensure!(signers.len() as u32 >= quorum(set.len() as u32), Error::<T>::TooFewSigners);
	// The scores are signed with the rest; still, each must be a member's, once, in range.
	let mut scored = Vec::with_capacity(statement.scores.len());
	for s in &statement.scores {
		ensure!(
			set.iter().any(|(_, k)| *k == s.member)
				&& !scored.contains(&s.member)
				&& s.score.is_none_or(|p| p <= MAX_SCORE),
			Error::<T>::BadScores
		);
		scored.push(s.member);
	}
	Ok(signers)
}
