//! Releasing a pending content's key to the moderation set: the key sealed to every member's
//! moderation key (`pop_codec::seal`), checked to cover the current set exactly.

use crate::{Config, Contents, Error, KeyRelease, ModerationSet, SealedKeys, Status};
use alloc::vec::Vec;
use frame_support::ensure;
use pop_primitives::content::{ContentId, SealedKey};

/// Records `keys` as `content`'s key release for `era`, if `who` may release it (its creator, or
/// a member of the current set while no release covers that set), the content waits for a
/// verdict, `era` is the current one and
/// `keys` holds one seal for each member of the current set and nothing else. Returns how many
/// members the key was released to.
pub(crate) fn release<T: Config>(
	who: &T::AccountId,
	content: ContentId,
	era: u32,
	keys: frame_support::BoundedVec<SealedKey, crate::MaxSealedKeys>,
) -> Result<u32, Error<T>> {
	let info = Contents::<T>::get(content).ok_or(Error::<T>::UnknownContent)?;
	ensure!(
		matches!(info.status, Status::Pending | Status::NeedsReview),
		Error::<T>::AlreadyDecided
	);
	ensure!(era == T::Moderators::era(), Error::<T>::WrongEra);
	let set = T::Moderators::members();
	ensure!(!set.is_empty(), Error::<T>::NoModerationSet);
	let by_creator = &info.creator == who;
	ensure!(
		by_creator || set.iter().any(|(member, _)| member == who),
		Error::<T>::NotCreatorOrModerator
	);
	if !by_creator {
		// A member only fills a gap: it cannot replace a release that serves the current set.
		let covers = SealedKeys::<T>::get(content).is_some_and(|r| {
			set.iter().all(|(_, key)| r.keys.iter().any(|sealed| sealed.member == *key))
		});
		ensure!(!covers, Error::<T>::AlreadyReleased);
	}
	let mut unsealed: Vec<&[u8; 32]> = set.iter().map(|(_, key)| key).collect();
	for sealed in &keys {
		match unsealed.iter().position(|key| **key == sealed.member) {
			Some(i) => {
				unsealed.swap_remove(i);
			}
			None if set.iter().any(|(_, key)| *key == sealed.member) => {
				return Err(Error::<T>::DuplicateSealedKey)
			}
			None => return Err(Error::<T>::NotInModerationSet),
		}
	}
	ensure!(unsealed.is_empty(), Error::<T>::MissingSealedKey);
	let members = keys.len() as u32;
	SealedKeys::<T>::insert(content, KeyRelease { era, by_creator, keys });
	Ok(members)
}
