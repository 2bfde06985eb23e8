//! # Block time
//!
//! The Aura slot duration of a chain, chosen in its genesis and fixed for the chain's life: a
//! slot duration that changed after the first block would stop block production, so this pallet
//! has no call that sets it.
//!
//! Public chains keep the six-second slot of `pop_primitives::time::SLOT_DURATION` (the
//! default); development and local test chains choose two seconds in their genesis, so
//! that eras, referenda and audits, which are counted in blocks, pass three times as fast with
//! the same runtime code. The runtime hands [`MinimumPeriod`] to `pallet-timestamp`, and Aura
//! derives its slot from it (`pallet_aura::MinimumPeriodTimesTwo`), so the node reads the slot
//! from the chain's state through the `AuraApi` like any other runtime value.

#![cfg_attr(not(feature = "std"), no_std)]

pub use pallet::*;

#[cfg(test)]
mod tests;

/// The slot of a chain whose genesis says nothing: six seconds.
pub const DEFAULT_SLOT_DURATION: u64 = pop_primitives::time::SLOT_DURATION;

/// The shortest slot a genesis may choose, in milliseconds.
pub const MIN_SLOT_DURATION: u64 = 1_000;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::BlockNumberFor;

	/// The layout of this pallet's storage as first released; each migration raises it, and
	/// `try-runtime` checks the chain's recorded version against it.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {}

	#[pallet::type_value]
	pub fn DefaultSlotDuration() -> u64 {
		DEFAULT_SLOT_DURATION
	}

	/// Milliseconds between blocks: one Aura slot. Written once, in genesis.
	#[pallet::storage]
	pub type SlotDuration<T> = StorageValue<_, u64, ValueQuery, DefaultSlotDuration>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// The slot in milliseconds; 0 keeps [`DEFAULT_SLOT_DURATION`]. It must be even and at
		/// least [`MIN_SLOT_DURATION`].
		pub slot_duration: u64,
		#[serde(skip)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			if self.slot_duration == 0 {
				return;
			}
			assert!(
				self.slot_duration >= MIN_SLOT_DURATION && self.slot_duration.is_multiple_of(2),
				"timing.slotDuration must be an even number of milliseconds, at least {MIN_SLOT_DURATION}; it is {}",
				self.slot_duration
			);
			SlotDuration::<T>::put(self.slot_duration);
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		#[cfg(feature = "try-runtime")]
		fn try_state(
			_n: BlockNumberFor<T>,
		) -> Result<(), frame_support::sp_runtime::TryRuntimeError> {
			let slot = SlotDuration::<T>::get();
			ensure!(slot >= MIN_SLOT_DURATION && slot % 2 == 0, "slot duration out of range");
			Ok(())
		}
	}
}

/// Half the chain's slot: `pallet-timestamp`'s `MinimumPeriod`, from which Aura's slot
/// duration is derived.
pub struct MinimumPeriod<T>(core::marker::PhantomData<T>);

impl<T: Config> frame_support::traits::Get<u64> for MinimumPeriod<T> {
	fn get() -> u64 {
		SlotDuration::<T>::get() / 2
	}
}
