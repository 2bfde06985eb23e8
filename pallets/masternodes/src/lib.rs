//! # Masternodes pallet: the nodes that store media shards
//!
//! A masternode runs `pop-masternode`, which stores encrypted, erasure-coded shards of media and
//! serves them to viewers. To be trusted with shards it bonds POP:
//!
//! - [`Pallet::register`]: any account holding at least [`Config::MinBond`] (50,000 POP unless
//!   governance changes it) puts that much or more on hold and registers its daemon's libp2p peer
//!   id (unique), its multiaddrs, its region (ISO 3166-1 alpha-2) and the capacity it offers;
//! - [`Pallet::update`] changes those; [`Pallet::bond_extra`] adds to the bond (for instance
//!   when governance raises the minimum); [`Pallet::heartbeat`] says the node is alive;
//! - [`Pallet::unregister`] takes the node out of service at once — it gets no new shards — and
//!   starts [`Config::UnbondingPeriod`]; [`Pallet::withdraw`] then releases the bond and forgets
//!   the node.
//!
//! The bond counts towards its owner's fee quota ([`Pallet::bonded`]). Placement of shards,
//! audits and the penalties that go with them build on the registry kept here
//! ([`Pallet::active`]).

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

pub use types::*;
pub use weights::WeightInfo;

/// What must happen when a masternode leaves service: the content pallet moves its shards.
pub trait OnMasternodeLeave<AccountId> {
	/// `who` left service (unregistered or retired).
	fn on_leave(who: &AccountId);
}

impl<AccountId> OnMasternodeLeave<AccountId> for () {
	fn on_leave(_: &AccountId) {}
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::vec::Vec;
	use frame_support::{
		pallet_prelude::*,
		traits::{
			fungible::{Inspect, InspectHold, Mutate, MutateHold},
			tokens::Precision,
		},
	};
	use frame_system::pallet_prelude::*;
	use pop_primitives::Balance;
	use sp_runtime::traits::Saturating;

	/// The layout of this pallet's storage as first released; each migration raises it, and
	/// `try-runtime` checks the chain's recorded version against it.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Why this pallet holds POP.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A masternode's bond.
		MasternodeBond,
	}

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The overarching event type.
		#[allow(deprecated)]
		type RuntimeEvent: From<Event<Self>> + IsType<<Self as frame_system::Config>::RuntimeEvent>;

		/// POP, with holds for the bonds.
		type Currency: Inspect<Self::AccountId, Balance = Balance>
			+ Mutate<Self::AccountId>
			+ MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ InspectHold<Self::AccountId>;

		/// The runtime's hold reasons.
		type RuntimeHoldReason: From<HoldReason>;

		/// The least bond a masternode registers with: a governance parameter.
		type MinBond: Get<Balance>;

		/// How long a bond stays held after its node unregisters, so that a node cannot dodge a
		/// penalty for what it did just before leaving.
		type UnbondingPeriod: Get<BlockNumberFor<Self>>;

		/// The most masternodes registered at once (leaving ones included).
		#[pallet::constant]
		type MaxMasternodes: Get<u32>;

		/// Told when a masternode leaves service (unregisters or is retired for a penalty), so
		/// that its shards move elsewhere.
		type OnLeave: OnMasternodeLeave<Self::AccountId>;

		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;
	}

	/// Every registered masternode, by owner.
	#[pallet::storage]
	pub type Masternodes<T: Config> = CountedStorageMap<
		_,
		Twox64Concat,
		T::AccountId,
		MasternodeInfo<BlockNumberFor<T>>,
		OptionQuery,
	>;

	/// The owner of each registered peer id: a daemon belongs to one masternode.
	#[pallet::storage]
	pub type PeerOwners<T: Config> =
		StorageMap<_, Blake2_128Concat, PeerId, T::AccountId, OptionQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// `who` registered a masternode with `bond` on hold.
		Registered {
			who: T::AccountId,
			peer_id: PeerId,
			region: Region,
			capacity: u64,
			bond: Balance,
		},
		/// `who` changed its masternode's peer id, addresses, region or capacity.
		Updated { who: T::AccountId, peer_id: PeerId, region: Region, capacity: u64 },
		/// `who` added `amount` to its bond, now `bond`.
		Bonded { who: T::AccountId, amount: Balance, bond: Balance },
		/// `who`'s masternode is alive at block `at`.
		Heartbeat { who: T::AccountId, at: BlockNumberFor<T> },
		/// `who`'s masternode left service; its bond can be withdrawn from `unlock_at`.
		Unregistered { who: T::AccountId, unlock_at: BlockNumberFor<T> },
		/// `who` withdrew its bond of `amount`; the masternode is forgotten.
		Withdrawn { who: T::AccountId, amount: Balance },
		/// `who`'s masternode was taken out of service for a penalty: `slashed` POP of its bond
		/// burned; the rest can be withdrawn from `unlock_at`.
		Retired { who: T::AccountId, slashed: Balance, unlock_at: BlockNumberFor<T> },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The account already has a masternode.
		AlreadyRegistered,
		/// The account has no masternode.
		NotRegistered,
		/// The bond is below the minimum (`MinBond`).
		BondTooLow,
		/// The account cannot hold that much POP.
		InsufficientBalance,
		/// Another masternode registered this peer id.
		PeerIdTaken,
		/// The peer id is empty.
		EmptyPeerId,
		/// A masternode must give at least one address.
		NoAddresses,
		/// The region is not two capital letters (ISO 3166-1 alpha-2).
		InvalidRegion,
		/// A masternode must offer some capacity.
		ZeroCapacity,
		/// The registry is full (`MaxMasternodes`).
		TooManyMasternodes,
		/// The masternode is leaving: it can only withdraw.
		Leaving,
		/// The masternode has not unregistered.
		NotLeaving,
		/// The unbonding period has not ended.
		StillBonded,
		/// Nothing to add.
		ZeroAmount,
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Register a masternode: hold `bond` (at least `MinBond`) and record the daemon's
		/// `peer_id`, `addresses`, `region` and `capacity` (bytes). Emits [`Event::Registered`].
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register())]
		pub fn register(
			origin: OriginFor<T>,
			peer_id: PeerId,
			addresses: Addresses,
			region: Region,
			capacity: u64,
			#[pallet::compact] bond: Balance,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(!Masternodes::<T>::contains_key(&who), Error::<T>::AlreadyRegistered);
			ensure!(bond >= T::MinBond::get(), Error::<T>::BondTooLow);
			ensure!(
				Masternodes::<T>::count() < T::MaxMasternodes::get(),
				Error::<T>::TooManyMasternodes
			);
			Self::check_details(&peer_id, &addresses, region, capacity)?;
			ensure!(!PeerOwners::<T>::contains_key(&peer_id), Error::<T>::PeerIdTaken);
			T::Currency::hold(&HoldReason::MasternodeBond.into(), &who, bond)
				.map_err(|_| Error::<T>::InsufficientBalance)?;
			let now = frame_system::Pallet::<T>::block_number();
			PeerOwners::<T>::insert(&peer_id, &who);
			Masternodes::<T>::insert(
				&who,
				MasternodeInfo {
					peer_id: peer_id.clone(),
					addresses,
					region,
					capacity,
					bond,
					registered_at: now,
					last_heartbeat: now,
					unlock_at: None,
				},
			);
			Self::deposit_event(Event::Registered { who, peer_id, region, capacity, bond });
			Ok(())
		}

		/// Change the masternode's `peer_id`, `addresses`, `region` and `capacity`. Not while
		/// leaving. Emits [`Event::Updated`].
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::update())]
		pub fn update(
			origin: OriginFor<T>,
			peer_id: PeerId,
			addresses: Addresses,
			region: Region,
			capacity: u64,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut node = Self::active_node(&who)?;
			Self::check_details(&peer_id, &addresses, region, capacity)?;
			if node.peer_id != peer_id {
				ensure!(!PeerOwners::<T>::contains_key(&peer_id), Error::<T>::PeerIdTaken);
				PeerOwners::<T>::remove(&node.peer_id);
				PeerOwners::<T>::insert(&peer_id, &who);
			}
			node.peer_id = peer_id.clone();
			node.addresses = addresses;
			node.region = region;
			node.capacity = capacity;
			Masternodes::<T>::insert(&who, node);
			Self::deposit_event(Event::Updated { who, peer_id, region, capacity });
			Ok(())
		}

		/// Add `amount` to the masternode's bond. Not while leaving. Emits [`Event::Bonded`].
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::bond_extra())]
		pub fn bond_extra(
			origin: OriginFor<T>,
			#[pallet::compact] amount: Balance,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(amount > 0, Error::<T>::ZeroAmount);
			let mut node = Self::active_node(&who)?;
			T::Currency::hold(&HoldReason::MasternodeBond.into(), &who, amount)
				.map_err(|_| Error::<T>::InsufficientBalance)?;
			node.bond.saturating_accrue(amount);
			let bond = node.bond;
			Masternodes::<T>::insert(&who, node);
			Self::deposit_event(Event::Bonded { who, amount, bond });
			Ok(())
		}

		/// Say the masternode is alive. Not while leaving. Emits [`Event::Heartbeat`].
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::heartbeat())]
		pub fn heartbeat(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut node = Self::active_node(&who)?;
			let now = frame_system::Pallet::<T>::block_number();
			node.last_heartbeat = now;
			Masternodes::<T>::insert(&who, node);
			Self::deposit_event(Event::Heartbeat { who, at: now });
			Ok(())
		}

		/// Take the masternode out of service now and start the unbonding period. Emits
		/// [`Event::Unregistered`].
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::unregister())]
		pub fn unregister(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut node = Self::active_node(&who)?;
			let unlock_at =
				frame_system::Pallet::<T>::block_number().saturating_add(T::UnbondingPeriod::get());
			node.unlock_at = Some(unlock_at);
			Masternodes::<T>::insert(&who, node);
			T::OnLeave::on_leave(&who);
			Self::deposit_event(Event::Unregistered { who, unlock_at });
			Ok(())
		}

		/// Once the unbonding period has ended, release the bond and forget the masternode.
		/// Emits [`Event::Withdrawn`].
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::withdraw())]
		pub fn withdraw(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let node = Masternodes::<T>::get(&who).ok_or(Error::<T>::NotRegistered)?;
			let unlock_at = node.unlock_at.ok_or(Error::<T>::NotLeaving)?;
			ensure!(
				frame_system::Pallet::<T>::block_number() >= unlock_at,
				Error::<T>::StillBonded
			);
			// Everything held for the bond is released, even if a penalty has cut it.
			let held = T::Currency::balance_on_hold(&HoldReason::MasternodeBond.into(), &who);
			let amount = T::Currency::release(
				&HoldReason::MasternodeBond.into(),
				&who,
				held,
				Precision::BestEffort,
			)?;
			PeerOwners::<T>::remove(&node.peer_id);
			Masternodes::<T>::remove(&who);
			Self::deposit_event(Event::Withdrawn { who, amount });
			Ok(())
		}
	}

	impl<T: Config> Pallet<T> {
		/// The POP `who` has bonded as a masternode, leaving or not: it counts for the fee quota
		/// while it is held.
		pub fn bonded(who: &T::AccountId) -> Balance {
			Masternodes::<T>::get(who).map(|n| n.bond).unwrap_or(0)
		}

		/// The masternodes in service, by owner: those that placement may give shards to.
		pub fn active() -> Vec<(T::AccountId, MasternodeInfo<BlockNumberFor<T>>)> {
			Masternodes::<T>::iter().filter(|(_, n)| n.is_active()).collect()
		}

		/// Penalises `who`'s masternode: burns `fraction` of its bond and takes it out of
		/// service, starting the unbonding period as if it had unregistered. A node that is
		/// already leaving is slashed all the same (its bond stays held until it withdraws, so
		/// unregistering does not escape the audits it already missed) and keeps its unlock
		/// block. Returns the POP burned; nothing happens to an account with no bond.
		pub fn retire(who: &T::AccountId, fraction: sp_runtime::Perbill) -> Balance {
			let Some(mut node) = Masternodes::<T>::get(who) else { return 0 };
			let slash = fraction * node.bond;
			let slashed = T::Currency::burn_held(
				&HoldReason::MasternodeBond.into(),
				who,
				slash,
				Precision::BestEffort,
				frame_support::traits::tokens::Fortitude::Force,
			)
			.unwrap_or(0);
			let was_active = node.is_active();
			let unlock_at = node.unlock_at.unwrap_or_else(|| {
				frame_system::Pallet::<T>::block_number().saturating_add(T::UnbondingPeriod::get())
			});
			node.bond.saturating_reduce(slashed);
			node.unlock_at = Some(unlock_at);
			Masternodes::<T>::insert(who, node);
			if was_active {
				T::OnLeave::on_leave(who);
			}
			Self::deposit_event(Event::Retired { who: who.clone(), slashed, unlock_at });
			slashed
		}

		/// Whether `who` has a masternode whose bond is still held (in service or leaving):
		/// one that a missed audit can still cost.
		pub fn is_bonded(who: &T::AccountId) -> bool {
			Masternodes::<T>::contains_key(who)
		}

		/// Whether `who` has a masternode in service.
		pub fn is_active(who: &T::AccountId) -> bool {
			Masternodes::<T>::get(who).is_some_and(|n| n.is_active())
		}

		/// `who`'s masternode, if it is registered and not leaving.
		fn active_node(who: &T::AccountId) -> Result<MasternodeInfo<BlockNumberFor<T>>, Error<T>> {
			let node = Masternodes::<T>::get(who).ok_or(Error::<T>::NotRegistered)?;
			ensure!(node.is_active(), Error::<T>::Leaving);
			Ok(node)
		}

		/// Checks what a masternode declares about itself.
		fn check_details(
			peer_id: &PeerId,
			addresses: &Addresses,
			region: Region,
			capacity: u64,
		) -> Result<(), Error<T>> {
			ensure!(!peer_id.is_empty(), Error::<T>::EmptyPeerId);
			ensure!(
				!addresses.is_empty() && addresses.iter().all(|a| !a.is_empty()),
				Error::<T>::NoAddresses
			);
			ensure!(region.is_valid(), Error::<T>::InvalidRegion);
			ensure!(capacity > 0, Error::<T>::ZeroCapacity);
			Ok(())
		}
	}
}
