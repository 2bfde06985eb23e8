//! Checking a verdict certificate against the current moderation set.

use crate::{Config, Error, ModerationSet, Signatures};
use alloc::vec::Vec;
use frame_support::ensure;
use pop_primitives::content::{quorum, VerdictStatement};
use sp_core::ed25519;

/// The members who signed `statement`, if `signatures` is a valid certificate: the statement is
/// for the current era, every key belongs to the current set and signs once, every signature
/// verifies, and at least a quorum of the set signed.
pub(crate) fn check<T: Config>(
	statement: &VerdictStatement,
	signatures: &Signatures,
) -> Result<Vec<T::AccountId>, Error<T>> {
	ensure!(statement.era == T::Moderators::era(), Error::<T>::WrongEra);
	let set = T::Moderators::members();
	ensure!(!set.is_empty(), Error::<T>::NoModerationSet);
	let payload = statement.signing_payload();
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
	Ok(signers)
}
