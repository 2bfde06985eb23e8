//! Which asset will pay a fee, and how much of it: the same order the [`crate::FeeAdapter`]
//! charges in, so that a wallet or the `pop` CLI can show the fee a transaction will really
//! cost before it is signed ([`FeesApi::estimate_fee`]).

use crate::{Config, FeeAdapter, Pallet};
use codec::{Codec, Decode, Encode};
use frame_support::{
	traits::{fungible::Inspect, tokens::WithdrawConsequence, Get},
	weights::Weight,
};
use scale_info::TypeInfo;

/// The asset a fee is paid in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub enum FeeSource {
	/// No fee is due.
	Nothing,
	/// The account's free quota: nothing leaves its balances.
	Quota,
	/// LIT, converted from the POP fee at the mint rate.
	Lit,
	/// POP.
	Pop,
	/// Nothing the account holds covers it: the pool would refuse the transaction.
	CannotPay,
	/// The free quota covers it, but this block's share for quota-paid transactions is full
	/// and the account has no LIT or POP to pay: it waits in the pool for a later block.
	QuotaBlockFull,
}

/// A fee as it will be charged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct FeeEstimate {
	/// What pays it.
	pub source: FeeSource,
	/// The fee in POP units, as `pallet-transaction-payment` computes it.
	pub fee: u128,
	/// What leaves the account, in units of `source` (LIT units for LIT, POP units for POP and
	/// the quota).
	pub amount: u128,
	/// The quota the account has left in the current window, in POP units.
	pub quota_left: u128,
	/// What is left of this block's share for quota-paid transactions (computation time in
	/// picoseconds of weight), and the whole share.
	pub block_quota_left: u64,
	/// The whole share of a block that quota-paid transactions may take.
	pub block_quota: u64,
}

impl<T: Config> Pallet<T> {
	/// How a fee of `fee` POP units with no tip, for a transaction of `weight`, would be paid
	/// by `who` now.
	pub fn estimate(who: &T::AccountId, fee: u128, weight: Weight) -> FeeEstimate {
		let quota_left = Self::quota_left(who);
		let quota = FeeAdapter::<T>::quota_covers(who, fee, 0);
		let (source, amount) = if fee == 0 {
			(FeeSource::Nothing, 0)
		} else if quota && FeeAdapter::<T>::block_has_room(weight) {
			(FeeSource::Quota, fee)
		} else if let Some(lit) = FeeAdapter::<T>::lit_fee(fee)
			.filter(|lit| T::Lit::can_withdraw(who, *lit) == WithdrawConsequence::Success)
		{
			(FeeSource::Lit, lit)
		} else if T::Pop::can_withdraw(who, fee) == WithdrawConsequence::Success {
			(FeeSource::Pop, fee)
		} else if quota {
			(FeeSource::QuotaBlockFull, fee)
		} else {
			(FeeSource::CannotPay, fee)
		};
		FeeEstimate {
			source,
			fee,
			amount,
			quota_left,
			block_quota_left: Self::quota_weight_left().ref_time(),
			block_quota: T::MaxQuotaWeight::get().ref_time(),
		}
	}
}

sp_api::decl_runtime_apis! {
	/// Fees in the asset that will pay them.
	pub trait FeesApi<Extrinsic>
	where
		Extrinsic: Codec,
	{
		/// The fee the signer of `uxt` (`len` bytes encoded) would pay for it now, with its
		/// transaction extensions' weight, and what pays it; `None` for an unsigned extrinsic.
		fn estimate_fee(uxt: Extrinsic, len: u32) -> Option<FeeEstimate>;
	}
}
