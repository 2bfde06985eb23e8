//! # LIT pallet: burn POP, mint LIT
//!
//! LIT is POP Network's operational unit for payments and nanopayments. It keeps a stable value
//! because it is created in one way only: by burning POP at the rate [`LitPerPop`], which only
//! [`Config::RateOrigin`] (governance) may change. LIT cannot be turned back into POP.
//!
//! The two tokens are two `fungible` implementations given to this pallet: POP is the native
//! `pallet-balances`, LIT a second instance of it. The runtime explains that choice.
//!
//! ## Calls
//! - [`Pallet::mint`]: burn `pop_amount` POP from the caller and mint LIT to the caller, failing if
//!   the LIT that would come out is below `min_lit_out` (the rate may change between signing and
//!   inclusion).
//! - [`Pallet::set_rate`]: set the rate (governance).
//!
//! ## Units
//! The rate is whole LIT per whole POP. POP has [`Config::PopDecimals`] decimal places and LIT
//! [`Config::LitDecimals`]; the pallet converts between the smallest units and rounds down, so a
//! mint never creates more than the rate allows.

#![cfg_attr(not(feature = "std"), no_std)]

pub use pallet::*;
pub mod weights;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;

#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

#[frame_support::pallet]
pub mod pallet {
	use super::WeightInfo;
	use frame_support::{
		pallet_prelude::*,
		traits::{
			fungible::{Inspect, Mutate},
			tokens::{Fortitude, Precision, Preservation},
		},
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::{traits::Zero, FixedPointNumber, FixedU128};

	/// A balance of either token (both share one balance type).
	pub type BalanceOf<T> =
		<<T as Config>::Pop as Inspect<<T as frame_system::Config>::AccountId>>::Balance;

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

		/// POP, the token that is burned.
		type Pop: Mutate<Self::AccountId, Balance = u128>;

		/// LIT, the token that is minted.
		type Lit: Mutate<Self::AccountId, Balance = u128>;

		/// Who may change the rate: governance.
		type RateOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Decimal places of POP.
		#[pallet::constant]
		type PopDecimals: Get<u8>;

		/// Decimal places of LIT.
		#[pallet::constant]
		type LitDecimals: Get<u8>;

		/// The rate a new chain starts with, in whole LIT per whole POP.
		#[pallet::constant]
		type InitialRate: Get<FixedU128>;

		/// Weights of the calls.
		type WeightInfo: WeightInfo;
	}

	/// Whole LIT minted for each whole POP burned.
	#[pallet::storage]
	pub type LitPerPop<T: Config> = StorageValue<_, FixedU128, ValueQuery, T::InitialRate>;

	/// POP burned through this pallet since genesis, in POP's smallest unit.
	#[pallet::storage]
	pub type TotalPopBurned<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

	/// LIT minted through this pallet since genesis, in LIT's smallest unit.
	#[pallet::storage]
	pub type TotalLitMinted<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// The starting rate; `None` keeps [`Config::InitialRate`].
		pub lit_per_pop: Option<FixedU128>,
		#[serde(skip)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			if let Some(rate) = self.lit_per_pop {
				assert!(!rate.is_zero(), "the genesis LIT rate must not be zero");
				LitPerPop::<T>::put(rate);
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// `who` burned `pop_burned` POP and received `lit_minted` LIT at `rate`.
		LitMinted {
			who: T::AccountId,
			pop_burned: BalanceOf<T>,
			lit_minted: BalanceOf<T>,
			rate: FixedU128,
		},
		/// Governance changed the rate from `old` to `new` LIT per POP.
		RateChanged { old: FixedU128, new: FixedU128 },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The amount of POP to burn is zero.
		ZeroAmount,
		/// The rate would be zero: no POP could ever be turned into LIT.
		ZeroRate,
		/// So little POP that, at the current rate, it buys not one unit of LIT.
		NothingToMint,
		/// At the current rate the mint gives less LIT than `min_lit_out`: the rate changed
		/// since the transaction was signed. Nothing was burned.
		RateBelowMinimum,
		/// The caller cannot burn that much POP and keep its account alive.
		InsufficientPop,
		/// The LIT minted would be below LIT's existential deposit for an account that has none.
		BelowLitMinimum,
		/// The amounts overflow.
		Overflow,
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Burn `pop_amount` POP (smallest units) from the caller and mint LIT to the caller at
		/// the current [`LitPerPop`] rate. Fails, burning nothing, if that gives less than
		/// `min_lit_out` LIT (smallest units). The caller's POP account must stay alive.
		///
		/// Emits [`Event::LitMinted`].
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::mint())]
		pub fn mint(
			origin: OriginFor<T>,
			#[pallet::compact] pop_amount: BalanceOf<T>,
			#[pallet::compact] min_lit_out: BalanceOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(!pop_amount.is_zero(), Error::<T>::ZeroAmount);
			let rate = LitPerPop::<T>::get();
			let lit = Self::lit_for(pop_amount, rate)?;
			ensure!(!lit.is_zero(), Error::<T>::NothingToMint);
			ensure!(lit >= min_lit_out, Error::<T>::RateBelowMinimum);
			ensure!(
				T::Lit::balance(&who).saturating_add(lit) >= T::Lit::minimum_balance(),
				Error::<T>::BelowLitMinimum
			);
			ensure!(
				T::Pop::reducible_balance(&who, Preservation::Preserve, Fortitude::Polite)
					>= pop_amount,
				Error::<T>::InsufficientPop
			);

			T::Pop::burn_from(
				&who,
				pop_amount,
				Preservation::Preserve,
				Precision::Exact,
				Fortitude::Polite,
			)?;
			T::Lit::mint_into(&who, lit)?;
			TotalPopBurned::<T>::mutate(|t| *t = t.saturating_add(pop_amount));
			TotalLitMinted::<T>::mutate(|t| *t = t.saturating_add(lit));

			Self::deposit_event(Event::LitMinted {
				who,
				pop_burned: pop_amount,
				lit_minted: lit,
				rate,
			});
			Ok(())
		}

		/// Set the rate to `lit_per_pop` whole LIT per whole POP. Only [`Config::RateOrigin`].
		///
		/// Emits [`Event::RateChanged`].
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::set_rate())]
		pub fn set_rate(origin: OriginFor<T>, lit_per_pop: FixedU128) -> DispatchResult {
			T::RateOrigin::ensure_origin(origin)?;
			ensure!(!lit_per_pop.is_zero(), Error::<T>::ZeroRate);
			let old = LitPerPop::<T>::get();
			LitPerPop::<T>::put(lit_per_pop);
			Self::deposit_event(Event::RateChanged { old, new: lit_per_pop });
			Ok(())
		}
	}

	impl<T: Config> Pallet<T> {
		/// LIT (smallest units) that `pop` (smallest units) buys at `rate`, rounded down.
		pub fn lit_for(pop: BalanceOf<T>, rate: FixedU128) -> Result<BalanceOf<T>, DispatchError> {
			// lit = pop × rate × 10^lit_decimals / 10^pop_decimals, multiplying first so that no
			// precision is lost before the last division.
			let scaled = rate.checked_mul_int(pop).ok_or(Error::<T>::Overflow)?;
			let (pd, ld) = (T::PopDecimals::get() as u32, T::LitDecimals::get() as u32);
			let lit = if ld >= pd {
				scaled.checked_mul(10u128.pow(ld - pd)).ok_or(Error::<T>::Overflow)?
			} else {
				scaled.checked_div(10u128.pow(pd - ld)).ok_or(Error::<T>::Overflow)?
			};
			Ok(lit)
		}

		/// The current rate.
		pub fn rate() -> FixedU128 {
			LitPerPop::<T>::get()
		}
	}
}
