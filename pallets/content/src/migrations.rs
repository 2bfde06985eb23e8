//! Storage migrations of `pallet-content`, one module per storage version.

/// Version 0 → 1: index the content awaiting a verdict in [`crate::Awaiting`], so that
/// `ContentApi::pending` no longer scans every content.
pub mod v1 {
	use crate::{types::Status, Awaiting, Config, Contents, Pallet};
	use frame_support::{
		migrations::VersionedMigration,
		traits::{Get, UncheckedOnRuntimeUpgrade},
		weights::Weight,
	};
	#[cfg(feature = "try-runtime")]
	use {alloc::vec::Vec, codec::Encode};

	/// Fills [`Awaiting`] from [`Contents`]; run only through [`MigrateToV1`], which checks
	/// and raises the storage version.
	pub struct IndexAwaiting<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for IndexAwaiting<T> {
		fn on_runtime_upgrade() -> Weight {
			let (mut read, mut indexed) = (0u64, 0u64);
			for (id, info) in Contents::<T>::iter() {
				read += 1;
				if matches!(info.status, Status::Pending | Status::NeedsReview) {
					Awaiting::<T>::insert(id, ());
					indexed += 1;
				}
			}
			log::info!(target: "pallet-content", "v1: {indexed} of {read} content await a verdict");
			// Each insert reads and writes the counter besides its entry.
			T::DbWeight::get().reads_writes(read + indexed, 2 * indexed)
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<Vec<u8>, sp_runtime::TryRuntimeError> {
			frame_support::ensure!(Awaiting::<T>::count() == 0, "Awaiting is not empty before v1");
			let awaiting = Contents::<T>::iter_values()
				.filter(|c| matches!(c.status, Status::Pending | Status::NeedsReview))
				.count() as u32;
			Ok(awaiting.encode())
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			let before: u32 = codec::Decode::decode(&mut &state[..])
				.map_err(|_| "pre_upgrade's state does not decode")?;
			frame_support::ensure!(
				Awaiting::<T>::count() == before,
				"v1 indexed another number of content than awaited"
			);
			Pallet::<T>::check_awaiting()
		}
	}

	/// [`IndexAwaiting`] when the chain records storage version 0; sets version 1.
	pub type MigrateToV1<T> = VersionedMigration<
		0,
		1,
		IndexAwaiting<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}

/// Version 1 → 2: count the bytes placed on each masternode in [`crate::StoredBytes`], so that
/// placement can leave out nodes without room.
pub mod v2 {
	use crate::{Config, Holdings, Pallet, Segments, StoredBytes};
	#[cfg(feature = "try-runtime")]
	use alloc::vec::Vec;
	use frame_support::{
		migrations::VersionedMigration,
		traits::{Get, UncheckedOnRuntimeUpgrade},
		weights::Weight,
	};

	/// Fills [`StoredBytes`] from [`Holdings`] and [`Segments`]; run only through
	/// [`MigrateToV2`]. One pass over the holdings (a young network's few thousand).
	pub struct CountStoredBytes<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for CountStoredBytes<T> {
		fn on_runtime_upgrade() -> Weight {
			let (mut read, mut nodes) = (0u64, 0u64);
			let mut totals: alloc::collections::BTreeMap<T::AccountId, u64> = Default::default();
			for (who, (content, segment), _) in Holdings::<T>::iter() {
				read += 2;
				let len = Segments::<T>::get(content, segment).map_or(0, |s| s.shard_len);
				*totals.entry(who).or_default() += u64::from(len);
			}
			for (who, bytes) in totals {
				StoredBytes::<T>::insert(who, bytes);
				nodes += 1;
			}
			log::info!(target: "pallet-content", "v2: bytes counted for {nodes} masternodes");
			T::DbWeight::get().reads_writes(read, nodes)
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<Vec<u8>, sp_runtime::TryRuntimeError> {
			frame_support::ensure!(
				StoredBytes::<T>::iter().next().is_none(),
				"StoredBytes is not empty before v2"
			);
			Ok(Vec::new())
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(_: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			Pallet::<T>::check_stored_bytes()
		}
	}

	/// [`CountStoredBytes`] when the chain records storage version 1; sets version 2.
	pub type MigrateToV2<T> = VersionedMigration<
		1,
		2,
		CountStoredBytes<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}
