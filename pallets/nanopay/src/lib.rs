//! # Nanopayments pallet
//!
//! Amounts far below a cent, in LIT, made practical two ways:
//!
//! - [`Pallet::pay_many`]: one extrinsic pays up to [`Config::MaxPayees`] payees; all or none.
//! - **Payment channels**: a payer locks LIT for one payee until an expiry block
//!   ([`Pallet::open_channel`]). Off chain it signs cumulative vouchers (channel, total paid so
//!   far) with `pop_primitives::voucher::sign_voucher`, one per piece of media served. The payee
//!   redeems the latest voucher ([`Pallet::redeem`]) and receives the difference from what it
//!   redeemed before; it may redeem again with a later voucher, up to the expiry. After the expiry
//!   the payer takes back the rest ([`Pallet::close_expired`]).
//!
//! The locked LIT is a hold on the payer's LIT ([`HoldReason::ChannelDeposit`]): it stays the
//! payer's until redeemed, and cannot be spent elsewhere meanwhile.

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
			fungible::{Mutate, MutateHold},
			tokens::{Fortitude, Precision, Preservation, Restriction},
		},
	};
	use frame_system::pallet_prelude::*;
	use pop_primitives::{
		voucher::{verify_voucher, ChannelId},
		AccountId, Balance, Signature,
	};
	use sp_runtime::traits::{Saturating, Zero};

	/// A payment channel.
	#[derive(
		Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen,
	)]
	pub struct Channel<BlockNumber> {
		/// Who locked the LIT and signs vouchers.
		pub payer: AccountId,
		/// Who redeems vouchers.
		pub payee: AccountId,
		/// LIT locked when the channel opened.
		pub deposit: Balance,
		/// LIT redeemed so far: the cumulative amount of the latest redeemed voucher.
		pub redeemed: Balance,
		/// The first block at which vouchers can no longer be redeemed and the payer may close.
		pub expires_at: BlockNumber,
	}

	/// The layout of this pallet's storage as first released; each migration raises it, and
	/// `try-runtime` checks the chain's recorded version against it.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Why this pallet holds LIT.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// LIT locked in a payment channel.
		ChannelDeposit,
	}

	#[pallet::config]
	pub trait Config: frame_system::Config<AccountId = AccountId> {
		/// The overarching event type.
		#[allow(deprecated)]
		type RuntimeEvent: From<Event<Self>> + IsType<<Self as frame_system::Config>::RuntimeEvent>;

		/// LIT, with holds.
		type Lit: Mutate<AccountId, Balance = Balance>
			+ MutateHold<AccountId, Reason = Self::RuntimeHoldReason>;

		/// The overarching hold reason.
		type RuntimeHoldReason: From<HoldReason>;

		/// The most payees one `pay_many` may pay.
		#[pallet::constant]
		type MaxPayees: Get<u32>;

		/// The longest a channel may stay open, in blocks.
		#[pallet::constant]
		type MaxChannelDuration: Get<BlockNumberFor<Self>>;

		/// Weights of the calls.
		type WeightInfo: WeightInfo;
	}

	/// Open channels by id.
	#[pallet::storage]
	pub type Channels<T: Config> =
		StorageMap<_, Blake2_128Concat, ChannelId, Channel<BlockNumberFor<T>>>;

	/// The id the next channel gets.
	#[pallet::storage]
	pub type NextChannelId<T: Config> = StorageValue<_, ChannelId, ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// `payer` paid `payees` accounts `total` LIT units in one batch.
		BatchPaid { payer: AccountId, payees: u32, total: Balance },
		/// A channel opened: `payer` locked `deposit` LIT for `payee` until `expires_at`.
		ChannelOpened {
			id: ChannelId,
			payer: AccountId,
			payee: AccountId,
			deposit: Balance,
			expires_at: BlockNumberFor<T>,
		},
		/// The payee redeemed a voucher for `cumulative` in all, receiving `paid` now.
		VoucherRedeemed { id: ChannelId, cumulative: Balance, paid: Balance },
		/// The payer closed an expired channel and got `refunded` LIT back.
		ChannelClosed { id: ChannelId, refunded: Balance },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// `pay_many` was given no payees.
		NoPayees,
		/// `pay_many` was given more payees than `MaxPayees`.
		TooManyPayees,
		/// An amount is zero.
		ZeroAmount,
		/// The payer's LIT does not cover the payments or the deposit (keeping its account alive).
		InsufficientLit,
		/// The expiry is not in the future, or further than `MaxChannelDuration`.
		BadExpiry,
		/// A channel cannot pay the payer itself.
		SelfChannel,
		/// No channel has this id (never opened, or already closed).
		UnknownChannel,
		/// Only the channel's payee may redeem its vouchers.
		NotPayee,
		/// Only the channel's payer may close it.
		NotPayer,
		/// The voucher's signature is not the payer's over this channel and amount.
		BadVoucherSignature,
		/// The voucher is not newer than the last redeemed one (a replay or a stale voucher).
		StaleVoucher,
		/// The voucher pays more than the channel's deposit.
		Overdraft,
		/// The channel has expired: vouchers can no longer be redeemed.
		ChannelExpired,
		/// The channel has not expired yet: the payer cannot close it.
		NotExpired,
		/// The channel counter overflowed.
		Overflow,
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Pay each `(payee, amount)` in LIT, all in one extrinsic. Either every payment is made
		/// or none. Emits [`Event::BatchPaid`].
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::pay_many(payees.len() as u32))]
		pub fn pay_many(
			origin: OriginFor<T>,
			payees: BoundedVec<(AccountId, Balance), T::MaxPayees>,
		) -> DispatchResult {
			let payer = ensure_signed(origin)?;
			ensure!(!payees.is_empty(), Error::<T>::NoPayees);
			let mut total: Balance = 0;
			for (payee, amount) in payees.iter() {
				ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
				T::Lit::transfer(&payer, payee, *amount, Preservation::Preserve)
					.map_err(|_| Error::<T>::InsufficientLit)?;
				total.saturating_accrue(*amount);
			}
			Self::deposit_event(Event::BatchPaid { payer, payees: payees.len() as u32, total });
			Ok(())
		}

		/// Lock `deposit` LIT of the caller for `payee` until block `expires_at`, opening a
		/// payment channel. Emits [`Event::ChannelOpened`] with the channel's id.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::open_channel())]
		pub fn open_channel(
			origin: OriginFor<T>,
			payee: AccountId,
			#[pallet::compact] deposit: Balance,
			expires_at: BlockNumberFor<T>,
		) -> DispatchResult {
			let payer = ensure_signed(origin)?;
			ensure!(payer != payee, Error::<T>::SelfChannel);
			ensure!(!deposit.is_zero(), Error::<T>::ZeroAmount);
			let now = frame_system::Pallet::<T>::block_number();
			ensure!(
				expires_at > now && expires_at <= now.saturating_add(T::MaxChannelDuration::get()),
				Error::<T>::BadExpiry
			);
			T::Lit::hold(&HoldReason::ChannelDeposit.into(), &payer, deposit)
				.map_err(|_| Error::<T>::InsufficientLit)?;
			let id = NextChannelId::<T>::get();
			NextChannelId::<T>::put(id.checked_add(1).ok_or(Error::<T>::Overflow)?);
			Channels::<T>::insert(
				id,
				Channel {
					payer: payer.clone(),
					payee: payee.clone(),
					deposit,
					redeemed: 0,
					expires_at,
				},
			);
			Self::deposit_event(Event::ChannelOpened { id, payer, payee, deposit, expires_at });
			Ok(())
		}

		/// As the payee of channel `id`, redeem the payer's voucher for `cumulative` LIT in all:
		/// receive `cumulative` minus what earlier vouchers paid. `signature` is the payer's over
		/// `pop_primitives::voucher::voucher_payload`. Emits [`Event::VoucherRedeemed`].
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::redeem())]
		pub fn redeem(
			origin: OriginFor<T>,
			id: ChannelId,
			#[pallet::compact] cumulative: Balance,
			signature: Signature,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut channel = Channels::<T>::get(id).ok_or(Error::<T>::UnknownChannel)?;
			ensure!(who == channel.payee, Error::<T>::NotPayee);
			ensure!(
				frame_system::Pallet::<T>::block_number() < channel.expires_at,
				Error::<T>::ChannelExpired
			);
			let genesis = frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero());
			let genesis = pop_primitives::Hash::from_slice(genesis.as_ref());
			ensure!(
				verify_voucher(&channel.payer, &genesis, id, cumulative, &signature),
				Error::<T>::BadVoucherSignature
			);
			ensure!(cumulative > channel.redeemed, Error::<T>::StaleVoucher);
			ensure!(cumulative <= channel.deposit, Error::<T>::Overdraft);
			let paid = cumulative - channel.redeemed;
			T::Lit::transfer_on_hold(
				&HoldReason::ChannelDeposit.into(),
				&channel.payer,
				&channel.payee,
				paid,
				Precision::Exact,
				Restriction::Free,
				Fortitude::Polite,
			)?;
			channel.redeemed = cumulative;
			Channels::<T>::insert(id, channel);
			Self::deposit_event(Event::VoucherRedeemed { id, cumulative, paid });
			Ok(())
		}

		/// As the payer of channel `id`, once it has expired, take back the LIT that vouchers did
		/// not redeem and remove the channel. Emits [`Event::ChannelClosed`].
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::close_expired())]
		pub fn close_expired(origin: OriginFor<T>, id: ChannelId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let channel = Channels::<T>::get(id).ok_or(Error::<T>::UnknownChannel)?;
			ensure!(who == channel.payer, Error::<T>::NotPayer);
			ensure!(
				frame_system::Pallet::<T>::block_number() >= channel.expires_at,
				Error::<T>::NotExpired
			);
			let rest = channel.deposit.saturating_sub(channel.redeemed);
			let refunded = T::Lit::release(
				&HoldReason::ChannelDeposit.into(),
				&channel.payer,
				rest,
				Precision::BestEffort,
			)?;
			Channels::<T>::remove(id);
			Self::deposit_event(Event::ChannelClosed { id, refunded });
			Ok(())
		}
	}
}
