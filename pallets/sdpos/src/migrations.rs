//! Storage migrations of `pallet-sdpos`, one module per storage version.

/// Version 0 → 1: index who owns each moderation key and peer id ([`crate::KeyOwner`],
/// [`crate::PeerOwner`]), so that no two superdelegates share one. Where a chain already has
/// two records with one key or peer id (possible before version 1), the first in storage order
/// keeps it and the migration logs the others; their next update must choose their own.
pub mod v1 {
	use crate::{Config, KeyOwner, Pallet, PeerOwner, SuperdelegateCandidates};
	use frame_support::{
		migrations::VersionedMigration,
		traits::{Get, UncheckedOnRuntimeUpgrade},
		weights::Weight,
	};
	#[cfg(feature = "try-runtime")]
	use {alloc::vec::Vec, codec::Encode};

	/// Fills the owner indexes from [`SuperdelegateCandidates`]; run only through
	/// [`MigrateToV1`], which checks and raises the storage version.
	pub struct IndexIdentities<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for IndexIdentities<T> {
		fn on_runtime_upgrade() -> Weight {
			let (mut read, mut written, mut shared) = (0u64, 0u64, 0u64);
			for (who, info) in SuperdelegateCandidates::<T>::iter() {
				read += 2;
				if KeyOwner::<T>::contains_key(info.moderation_key) {
					shared += 1;
				} else {
					KeyOwner::<T>::insert(info.moderation_key, &who);
					written += 1;
				}
				if !info.peer_id.is_empty() {
					read += 1;
					if PeerOwner::<T>::contains_key(&info.peer_id) {
						shared += 1;
					} else {
						PeerOwner::<T>::insert(&info.peer_id, &who);
						written += 1;
					}
				}
			}
			log::info!(
				target: "runtime::sdpos",
				"v1: indexed {written} keys and peer ids of {} superdelegates; {shared} shared ones left to their first owner",
				read / 2
			);
			T::DbWeight::get().reads_writes(read, written)
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<Vec<u8>, sp_runtime::TryRuntimeError> {
			frame_support::ensure!(
				KeyOwner::<T>::iter().next().is_none(),
				"KeyOwner is not empty before v1"
			);
			Ok((SuperdelegateCandidates::<T>::count()).encode())
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			let before: u32 = codec::Decode::decode(&mut &state[..])
				.map_err(|_| "pre_upgrade's state does not decode")?;
			frame_support::ensure!(
				SuperdelegateCandidates::<T>::count() == before,
				"v1 changed the superdelegates"
			);
			for (_, info) in SuperdelegateCandidates::<T>::iter() {
				frame_support::ensure!(
					KeyOwner::<T>::contains_key(info.moderation_key),
					"a superdelegate's key has no owner after v1"
				);
			}
			Pallet::<T>::check_identities()
		}
	}

	/// [`IndexIdentities`] when the chain records storage version 0; sets version 1.
	pub type MigrateToV1<T> = VersionedMigration<
		0,
		1,
		IndexIdentities<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}
