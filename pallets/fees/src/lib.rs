//! # Fees pallet: the no-fee experience
//!
//! Fees are computed as usual by `pallet-transaction-payment` (weight + length, in POP) and the
//! standard `ChargeTransactionPayment` extension stays on the wire, so every wallet signs our
//! transactions unchanged. What changes is who pays, in this order:
//!
//! 1. **the free quota**: each [`Config::QuotaWindow`] blocks an account may spend, in fees,
//!    [`Config::QuotaPerBondedPop`] of the POP it has bonded (staked, voting or as a masternode
//!    bond, as [`BondedPop`] reports). Nothing is withdrawn; the quota used is recorded in
//!    [`QuotaUsed`] and starts afresh with the next window;
//! 2. **LIT**, converted from the POP fee at the rate of [`Config::PopToLit`];
//! 3. **POP**.
//!
//! Transactions paid from quotas share [`Config::MaxQuotaWeight`] of each block: past it, a
//! transaction whose account holds LIT or POP pays in them, and one that only has its quota
//! waits for a later block (`ExhaustsResources`: the pool keeps it). So bonded accounts cannot
//! fill blocks for free; what is left of the block's share is in every fee estimate.
//!
//! When none covers the whole fee the transaction is invalid (`Payment`) and the pool rejects
//! it, so spam always costs someone something. A fee is taken from one source only; a tip is
//! never paid from the quota. After dispatch, the unused part of the fee goes back where it came
//! from: quota to the quota, LIT to LIT, POP to POP.
//!
//! **Where fees go**: LIT and POP fees are burned. Burning keeps LIT's supply tied to the POP
//! burned for it, and pays every POP holder instead of the block author; delegates are paid by
//! the era rewards of the SDPoS pallet.

#![cfg_attr(not(feature = "std"), no_std)]

pub use pallet::*;

mod adapter;
pub mod estimate;
pub use adapter::{FeeAdapter, FeePayment};
pub use estimate::{FeeEstimate, FeeSource};

#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

/// The POP an account has bonded: staked as a candidate or voter, or bonded by a masternode.
/// The SDPoS and masternode pallets implement it; the runtime sums them.
pub trait BondedPop<AccountId> {
	/// The POP (smallest units) `who` has bonded now.
	fn bonded_pop(who: &AccountId) -> u128;
}

/// No bonding: nobody has a quota.
impl<AccountId> BondedPop<AccountId> for () {
	fn bonded_pop(_: &AccountId) -> u128 {
		0
	}
}

#[frame_support::pallet]
pub mod pallet {
	use super::BondedPop;
	use frame_support::{
		pallet_prelude::*,
		traits::fungible::{Balanced, Mutate},
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::{
		traits::{Convert, Saturating},
		Perbill,
	};

	/// What an account has used of its quota, and in which window.
	#[derive(
		Encode,
		Decode,
		DecodeWithMemTracking,
		Clone,
		Copy,
		PartialEq,
		Eq,
		Default,
		Debug,
		TypeInfo,
		MaxEncodedLen,
	)]
	pub struct QuotaUsage {
		/// The window the figure belongs to: block number ÷ window length.
		pub window: u32,
		/// POP (smallest units) of fees paid from the quota in that window.
		pub used: u128,
	}

	/// The layout of this pallet's storage as first released; each migration raises it, and
	/// `try-runtime` checks the chain's recorded version against it.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config + pallet_transaction_payment::Config {
		/// The overarching event type.
		#[allow(deprecated)]
		type RuntimeEvent: From<Event<Self>> + IsType<<Self as frame_system::Config>::RuntimeEvent>;

		/// POP, the native token.
		type Pop: Balanced<Self::AccountId, Balance = u128> + Mutate<Self::AccountId>;

		/// LIT, the operational token.
		type Lit: Balanced<Self::AccountId, Balance = u128> + Mutate<Self::AccountId>;

		/// Where the bonded POP behind the quota is read.
		type BondedPop: BondedPop<Self::AccountId>;

		/// The share of its bonded POP an account may spend on fees in each window.
		#[pallet::constant]
		type QuotaPerBondedPop: Get<Perbill>;

		/// The length of a quota window, in blocks.
		#[pallet::constant]
		type QuotaWindow: Get<BlockNumberFor<Self>>;

		/// Converts a fee in POP units to LIT units at the current burn-and-mint rate; `None`
		/// when it cannot (overflow), and then LIT is not offered.
		type PopToLit: Convert<u128, Option<u128>>;

		/// The most weight transactions paid from free quotas may take in one block (a share
		/// of the block, so that paying transactions always find room).
		#[pallet::constant]
		type MaxQuotaWeight: Get<Weight>;
	}

	/// The weight of the quota-paid transactions of a block, and which block: an entry of an
	/// earlier block counts as nothing used.
	#[pallet::storage]
	pub type QuotaBlockWeight<T: Config> =
		StorageValue<_, (BlockNumberFor<T>, Weight), OptionQuery>;

	/// The quota each account used in its latest window. An entry from an older window counts
	/// as nothing used.
	#[pallet::storage]
	pub type QuotaUsed<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, QuotaUsage>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// `who`'s fee of `fee` POP units was covered by its free quota.
		FeePaidFromQuota { who: T::AccountId, fee: u128 },
		/// `who` paid its fee of `fee` POP units with `lit` LIT units.
		FeePaidInLit { who: T::AccountId, fee: u128, lit: u128 },
	}

	impl<T: Config> Pallet<T> {
		/// The quota window that block `n` belongs to.
		pub fn window_of(n: BlockNumberFor<T>) -> u32 {
			let n: u32 = n.try_into().unwrap_or(u32::MAX);
			let len: u32 = T::QuotaWindow::get().try_into().unwrap_or(u32::MAX).max(1);
			n / len
		}

		/// The whole quota of `who` per window, in POP units.
		pub fn quota_of(who: &T::AccountId) -> u128 {
			T::QuotaPerBondedPop::get().mul_floor(T::BondedPop::bonded_pop(who))
		}

		/// The quota `who` may still spend in the current window, in POP units.
		pub fn quota_left(who: &T::AccountId) -> u128 {
			let window = Self::window_of(frame_system::Pallet::<T>::block_number());
			let used = QuotaUsed::<T>::get(who)
				.filter(|u| u.window == window)
				.map(|u| u.used)
				.unwrap_or(0);
			Self::quota_of(who).saturating_sub(used)
		}

		/// Records `fee` as spent from `who`'s quota in the current window.
		pub(crate) fn spend_quota(who: &T::AccountId, fee: u128) {
			let window = Self::window_of(frame_system::Pallet::<T>::block_number());
			QuotaUsed::<T>::mutate(who, |u| {
				let mut usage =
					u.filter(|u| u.window == window).unwrap_or(QuotaUsage { window, used: 0 });
				usage.used.saturating_accrue(fee);
				*u = Some(usage);
			});
		}

		/// Gives `amount` back to `who`'s quota, if the window has not moved on.
		pub(crate) fn refund_quota(who: &T::AccountId, amount: u128) {
			let window = Self::window_of(frame_system::Pallet::<T>::block_number());
			QuotaUsed::<T>::mutate_exists(who, |u| {
				if let Some(usage) = u.as_mut().filter(|u| u.window == window) {
					usage.used.saturating_reduce(amount);
					if usage.used == 0 {
						*u = None;
					}
				}
			});
		}

		/// What is left of this block's share for quota-paid transactions.
		pub fn quota_weight_left() -> Weight {
			let now = frame_system::Pallet::<T>::block_number();
			let used = QuotaBlockWeight::<T>::get()
				.filter(|(at, _)| *at == now)
				.map(|(_, w)| w)
				.unwrap_or_default();
			T::MaxQuotaWeight::get().saturating_sub(used)
		}

		/// Records `weight` as taken by a quota-paid transaction in this block.
		pub(crate) fn spend_quota_weight(weight: Weight) {
			let now = frame_system::Pallet::<T>::block_number();
			QuotaBlockWeight::<T>::mutate(|u| {
				let used = u.filter(|(at, _)| *at == now).map(|(_, w)| w).unwrap_or_default();
				*u = Some((now, used.saturating_add(weight)));
			});
		}

		/// Gives back `weight` a quota-paid transaction did not use.
		pub(crate) fn refund_quota_weight(weight: Weight) {
			let now = frame_system::Pallet::<T>::block_number();
			QuotaBlockWeight::<T>::mutate(|u| {
				if let Some((_, used)) = u.as_mut().filter(|(at, _)| *at == now) {
					*used = used.saturating_sub(weight);
				}
			});
		}

		pub(crate) fn note_quota_fee(who: &T::AccountId, fee: u128) {
			Self::deposit_event(Event::FeePaidFromQuota { who: who.clone(), fee });
		}

		pub(crate) fn note_lit_fee(who: &T::AccountId, fee: u128, lit: u128) {
			Self::deposit_event(Event::FeePaidInLit { who: who.clone(), fee, lit });
		}
	}
}
