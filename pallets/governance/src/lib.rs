//! # Governance origins and track timing
//!
//! POP holders govern the chain through `pallet-referenda` and `pallet-conviction-voting`. Each
//! referendum runs on a track, and the track is chosen by the origin its proposal will be
//! dispatched with. Besides root (runtime upgrades and anything else), this pallet defines the
//! origins of the narrower tracks:
//!
//! - [`Origin::Parameters`]: changes the chain's tunables (the LIT mint rate, the SDPoS
//!   parameters, the fee quota, the masternode bond) and nothing else;
//! - [`Origin::Emergency`]: the fast track for halting new content or punishing a misbehaving
//!   node.
//! - [`Origin::Moderation`]: rules on content the moderation set left for review or rejected
//!   (creators' appeals and referrals), for good.
//!
//! Pallets accept these origins through [`EnsureParameters`], [`EnsureEmergency`] and
//! [`EnsureModeration`].
//!
//! It also stores the [`Timing`] of the tracks: [`TrackTiming::Standard`] (days and weeks, for
//! public chains) or [`TrackTiming::Short`] (a few blocks, for development and local test
//! chains). The genesis config chooses; afterwards only root can change it, so a referendum on
//! the parameters track can never shorten the periods that protect governance itself.

#![cfg_attr(not(feature = "std"), no_std)]

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
mod origins;
#[cfg(test)]
mod tests;
pub mod weights;

pub use origins::{EnsureEmergency, EnsureModeration, EnsureParameters, GovernanceOrigin};
pub use weights::WeightInfo;

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// How long the referendum tracks' periods are.
#[derive(
	Clone,
	Copy,
	Debug,
	Default,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	serde::Serialize,
	serde::Deserialize,
)]
pub enum TrackTiming {
	/// Periods measured in hours, days and weeks: for chains that hold real value.
	#[default]
	Standard,
	/// Periods of a few blocks: for development and local test chains, where a referendum
	/// should pass or fail within minutes.
	Short,
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;

	/// The layout of this pallet's storage as first released; each migration raises it, and
	/// `try-runtime` checks the chain's recorded version against it.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The overarching event type.
		#[allow(deprecated)]
		type RuntimeEvent: From<Event<Self>> + IsType<<Self as frame_system::Config>::RuntimeEvent>;
		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;
	}

	/// The origins that the governance tracks dispatch their proposals with.
	#[pallet::origin]
	pub type Origin = super::origins::GovernanceOrigin;

	/// How long the tracks' periods are.
	#[pallet::storage]
	pub type Timing<T> = StorageValue<_, TrackTiming, ValueQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// The timing of the tracks from the first block.
		pub timing: TrackTiming,
		#[serde(skip)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			Timing::<T>::put(self.timing);
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// The tracks' timing changed. Referenda in progress are measured against the new
		/// periods from the next time `pallet-referenda` services them.
		TimingSet { timing: TrackTiming },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The tracks already have this timing.
		TimingUnchanged,
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Set the timing of every referendum track. Root only: a track must not be able to
		/// shorten its own periods. Emits [`Event::TimingSet`].
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::set_timing())]
		pub fn set_timing(origin: OriginFor<T>, timing: TrackTiming) -> DispatchResult {
			ensure_root(origin)?;
			ensure!(Timing::<T>::get() != timing, Error::<T>::TimingUnchanged);
			Timing::<T>::put(timing);
			Self::deposit_event(Event::TimingSet { timing });
			Ok(())
		}
	}
}
