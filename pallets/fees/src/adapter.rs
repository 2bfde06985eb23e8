//! The `OnChargeTransaction` that pays fees from the quota, then LIT, then POP.

use crate::{Config, Pallet};
use core::marker::PhantomData;
use frame_support::{
	dispatch::{DispatchInfo, PostDispatchInfo},
	traits::{
		fungible::{Balanced, Credit, Inspect},
		tokens::{Fortitude, Precision, Preservation, WithdrawConsequence},
		Imbalance,
	},
	unsigned::TransactionValidityError,
	weights::Weight,
};
use pallet_transaction_payment::{OnChargeTransaction, TxCreditHold};
use sp_runtime::{
	traits::{Convert, DispatchInfoOf, Dispatchable, PostDispatchInfoOf, Zero},
	transaction_validity::InvalidTransaction,
};

/// Charges fees in the order the pallet documents. Set it as `pallet-transaction-payment`'s
/// `OnChargeTransaction`.
pub struct FeeAdapter<T>(PhantomData<T>);

/// How a transaction's fee was paid, kept between dispatch and the refund.
#[derive(Default)]
pub enum FeePayment<T: Config> {
	/// No fee was due.
	#[default]
	Nothing,
	/// From the free quota: `fee` POP units and `weight` of the block's quota share were
	/// recorded as used.
	Quota { fee: u128, weight: Weight },
	/// In LIT: the withdrawn LIT, burned after the refund.
	Lit(Credit<T::AccountId, T::Lit>),
	/// In POP: the withdrawn POP, burned after the refund.
	Pop(Credit<T::AccountId, T::Pop>),
}

// The adapter keeps the withdrawn credit in its own `LiquidityInfo`; no other pallet draws on
// it during dispatch.
impl<T: Config> TxCreditHold<T> for FeeAdapter<T> {
	type Credit = ();
}

impl<T: Config> FeeAdapter<T> {
	/// The LIT that pays a fee of `fee` POP units, if the conversion works and is not zero.
	pub(crate) fn lit_fee(fee: u128) -> Option<u128> {
		T::PopToLit::convert(fee).filter(|lit| !lit.is_zero())
	}

	/// Whether the account's quota covers `fee`. Tips are paid in tokens, never from the quota.
	pub(crate) fn quota_covers(who: &T::AccountId, fee: u128, tip: u128) -> bool {
		tip.is_zero() && Pallet::<T>::quota_left(who) >= fee
	}

	/// Whether this block's share for quota-paid transactions has room for `weight`.
	pub(crate) fn block_has_room(weight: Weight) -> bool {
		weight.all_lte(Pallet::<T>::quota_weight_left())
	}

	/// Whether `who` can pay `fee` in LIT or POP.
	fn tokens_cover(who: &T::AccountId, fee: u128) -> bool {
		let lit_ok = Self::lit_fee(fee)
			.is_some_and(|lit| T::Lit::can_withdraw(who, lit) == WithdrawConsequence::Success);
		lit_ok || T::Pop::can_withdraw(who, fee) == WithdrawConsequence::Success
	}
}

impl<T: Config> OnChargeTransaction<T> for FeeAdapter<T>
where
	T::RuntimeCall: Dispatchable<Info = DispatchInfo, PostInfo = PostDispatchInfo>,
{
	type Balance = u128;
	type LiquidityInfo = FeePayment<T>;

	fn withdraw_fee(
		who: &T::AccountId,
		_call: &T::RuntimeCall,
		dispatch_info: &DispatchInfoOf<T::RuntimeCall>,
		fee_with_tip: u128,
		tip: u128,
	) -> Result<Self::LiquidityInfo, TransactionValidityError> {
		if fee_with_tip.is_zero() {
			return Ok(FeePayment::Nothing);
		}
		if Self::quota_covers(who, fee_with_tip, tip) {
			let weight = dispatch_info.total_weight();
			if Self::block_has_room(weight) {
				Pallet::<T>::spend_quota(who, fee_with_tip);
				Pallet::<T>::spend_quota_weight(weight);
				Pallet::<T>::note_quota_fee(who, fee_with_tip);
				return Ok(FeePayment::Quota { fee: fee_with_tip, weight });
			}
			// The block's free share is full: pay in tokens, or wait for the next block.
			if !Self::tokens_cover(who, fee_with_tip) {
				return Err(InvalidTransaction::ExhaustsResources.into());
			}
		}
		if let Some(lit) = Self::lit_fee(fee_with_tip) {
			if let Ok(credit) = T::Lit::withdraw(
				who,
				lit,
				Precision::Exact,
				Preservation::Preserve,
				Fortitude::Polite,
			) {
				Pallet::<T>::note_lit_fee(who, fee_with_tip, lit);
				return Ok(FeePayment::Lit(credit));
			}
		}
		T::Pop::withdraw(
			who,
			fee_with_tip,
			Precision::Exact,
			Preservation::Preserve,
			Fortitude::Polite,
		)
		.map(FeePayment::Pop)
		.map_err(|_| InvalidTransaction::Payment.into())
	}

	fn can_withdraw_fee(
		who: &T::AccountId,
		_call: &T::RuntimeCall,
		dispatch_info: &DispatchInfoOf<T::RuntimeCall>,
		fee_with_tip: u128,
		tip: u128,
	) -> Result<(), TransactionValidityError> {
		if fee_with_tip.is_zero() {
			return Ok(());
		}
		let quota = Self::quota_covers(who, fee_with_tip, tip);
		if quota && Self::block_has_room(dispatch_info.total_weight()) {
			return Ok(());
		}
		if Self::tokens_cover(who, fee_with_tip) {
			Ok(())
		} else if quota {
			Err(InvalidTransaction::ExhaustsResources.into())
		} else {
			Err(InvalidTransaction::Payment.into())
		}
	}

	fn correct_and_deposit_fee(
		who: &T::AccountId,
		dispatch_info: &DispatchInfoOf<T::RuntimeCall>,
		post_info: &PostDispatchInfoOf<T::RuntimeCall>,
		corrected_fee_with_tip: u128,
		_tip: u128,
		paid: Self::LiquidityInfo,
	) -> Result<(), TransactionValidityError> {
		match paid {
			FeePayment::Nothing => {}
			FeePayment::Quota { fee, weight } => {
				Pallet::<T>::refund_quota(who, fee.saturating_sub(corrected_fee_with_tip));
				let used = post_info.calc_actual_weight(dispatch_info);
				Pallet::<T>::refund_quota_weight(weight.saturating_sub(used));
			}
			FeePayment::Lit(credit) => {
				// If the corrected fee cannot be priced, keep the whole fee rather than refund it.
				let due = T::PopToLit::convert(corrected_fee_with_tip)
					.unwrap_or(credit.peek())
					.min(credit.peek());
				let (burned, refund) = credit.split(due);
				refund_or_burn::<T, T::Lit>(who, refund);
				drop(burned);
			}
			FeePayment::Pop(credit) => {
				let (burned, refund) = credit.split(corrected_fee_with_tip);
				refund_or_burn::<T, T::Pop>(who, refund);
				drop(burned);
			}
		}
		Ok(())
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn endow_account(who: &T::AccountId, amount: u128) {
		let _ = T::Pop::deposit(who, amount, Precision::BestEffort);
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn minimum_balance() -> u128 {
		T::Pop::minimum_balance()
	}
}

/// Gives `refund` back to `who`; if it cannot (the account is gone, or the refund alone would be
/// below the existential deposit), it is burned with the fee.
fn refund_or_burn<T: Config, F: Balanced<T::AccountId> + Inspect<T::AccountId>>(
	who: &T::AccountId,
	refund: Credit<T::AccountId, F>,
) {
	if refund.peek().is_zero() || !frame_system::Pallet::<T>::account_exists(who) {
		return;
	}
	// A refused refund is dropped, which burns it.
	let _ = F::resolve(who, refund);
}
