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

/// Version 2 → 3: manifests in pages (version 2). Each content record gains its manifest
/// version (1 for all content so far), its duration (zero), packaging (bytes) and key commitment
/// (none: version-1 manifests had none); each segment gains its plaintext length (from the old
/// record's segment size) and duration (zero).
pub mod v3 {
	use crate::{
		types::{ContentInfo, Decision, Pricing, SegmentInfo, Status},
		Config, Contents, Pallet, Segments,
	};
	#[cfg(feature = "try-runtime")]
	use alloc::vec::Vec;
	use codec::{Decode, Encode};
	use frame_support::{
		migrations::VersionedMigration,
		traits::{Get, UncheckedOnRuntimeUpgrade},
		weights::Weight,
		BoundedVec,
	};
	use frame_system::pallet_prelude::BlockNumberFor;
	use pop_primitives::{
		content::{MaxMediaTypeLen, MaxShards, Packaging, ShardHash},
		Balance,
	};

	/// A content record as version 2 stored it.
	#[derive(Decode, Encode)]
	pub struct OldContentInfo<AccountId, BlockNumber> {
		creator: AccountId,
		k: u8,
		n: u8,
		segments: u32,
		segment_size: u32,
		total_size: u64,
		media_type: BoundedVec<u8, MaxMediaTypeLen>,
		metadata_hash: [u8; 32],
		pricing: Pricing,
		status: Status,
		decision: Option<Decision>,
		registered_at: BlockNumber,
		deposit: Balance,
	}

	/// A segment as version 2 stored it.
	#[derive(Decode, Encode)]
	pub struct OldSegmentInfo<AccountId> {
		shard_len: u32,
		shards: BoundedVec<ShardHash, MaxShards>,
		holders: BoundedVec<AccountId, MaxShards>,
	}

	#[cfg(test)]
	impl<AccountId, BlockNumber: Default> OldContentInfo<AccountId, BlockNumber> {
		/// A version-2 record, for the migration test.
		#[allow(clippy::too_many_arguments)]
		pub fn new_for_test(
			creator: AccountId,
			k: u8,
			n: u8,
			segments: u32,
			segment_size: u32,
			total_size: u64,
			media_type: BoundedVec<u8, MaxMediaTypeLen>,
			metadata_hash: [u8; 32],
			status: Status,
			deposit: Balance,
		) -> Self {
			Self {
				creator,
				k,
				n,
				segments,
				segment_size,
				total_size,
				media_type,
				metadata_hash,
				pricing: Pricing::Free,
				status,
				decision: None,
				registered_at: Default::default(),
				deposit,
			}
		}
	}

	#[cfg(test)]
	impl<AccountId> OldSegmentInfo<AccountId> {
		/// A version-2 segment, for the migration test.
		pub fn new_for_test(
			shard_len: u32,
			shards: BoundedVec<ShardHash, MaxShards>,
			holders: BoundedVec<AccountId, MaxShards>,
		) -> Self {
			Self { shard_len, shards, holders }
		}
	}

	/// Rewrites every content record and segment; run only through [`MigrateToV3`]. One pass
	/// (a young network's few thousand segments).
	pub struct PagedManifests<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for PagedManifests<T> {
		fn on_runtime_upgrade() -> Weight {
			let mut sizes: alloc::collections::BTreeMap<[u8; 32], (u32, u32, u64)> =
				Default::default();
			let mut contents = 0u64;
			Contents::<T>::translate::<OldContentInfo<T::AccountId, BlockNumberFor<T>>, _>(
				|id, old| {
					contents += 1;
					sizes.insert(id, (old.segment_size, old.segments, old.total_size));
					Some(ContentInfo {
						creator: old.creator,
						version: 1,
						k: old.k,
						n: old.n,
						segments: old.segments,
						total_size: old.total_size,
						duration: 0,
						packaging: Packaging::Bytes,
						key_commitment: None,
						v1_segment_size: Some(old.segment_size),
						media_type: old.media_type,
						metadata_hash: old.metadata_hash,
						pricing: old.pricing,
						status: old.status,
						decision: old.decision,
						registered_at: old.registered_at,
						deposit: old.deposit,
					})
				},
			);
			let mut segments = 0u64;
			Segments::<T>::translate::<OldSegmentInfo<T::AccountId>, _>(|id, index, old| {
				segments += 1;
				// Every segment but the last held `segment_size` plaintext bytes.
				let (size, count, total) = sizes.get(&id).copied().unwrap_or_default();
				let plain_len = if index + 1 < count {
					size
				} else {
					total.saturating_sub(u64::from(size) * u64::from(index)) as u32
				};
				Some(SegmentInfo {
					plain_len,
					duration: 0,
					shard_len: old.shard_len,
					shards: old.shards,
					holders: old.holders,
				})
			});
			log::info!(
				target: "pallet-content",
				"v3: {contents} content records and {segments} segments rewritten"
			);
			T::DbWeight::get().reads_writes(contents + segments, contents + segments)
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<Vec<u8>, sp_runtime::TryRuntimeError> {
			let contents = Contents::<T>::iter_keys().count() as u64;
			let segments = Segments::<T>::iter_keys().count() as u64;
			Ok((contents, segments).encode())
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			let (contents, segments): (u64, u64) = Decode::decode(&mut &state[..])
				.map_err(|_| "pre_upgrade's state does not decode")?;
			frame_support::ensure!(
				Contents::<T>::iter_values().count() as u64 == contents,
				"a content record did not translate"
			);
			frame_support::ensure!(
				Segments::<T>::iter_values().count() as u64 == segments,
				"a segment did not translate"
			);
			for (id, info) in Contents::<T>::iter() {
				let sum: u64 = (0..info.segments)
					.filter_map(|s| Segments::<T>::get(id, s))
					.map(|s| u64::from(s.plain_len))
					.sum();
				frame_support::ensure!(sum == info.total_size, "segment sizes do not add up");
			}
			Pallet::<T>::check_stored_bytes()
		}
	}

	/// [`PagedManifests`] when the chain records storage version 2; sets version 3.
	pub type MigrateToV3<T> = VersionedMigration<
		2,
		3,
		PagedManifests<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}
