//! Bonds: holds for candidates and superdelegates, a freeze for voters, releases after the
//! unbonding period, and slashes.

use crate::{pallet::*, types::*};
use frame_support::{
	pallet_prelude::*,
	traits::{
		fungible::{Inspect, Mutate, MutateFreeze, MutateHold},
		tokens::{Fortitude, Precision, Preservation},
	},
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::traits::Saturating;

impl<T: Config> Pallet<T> {
	/// The POP `who` has bonded now, for the fee quota: its voter bond (as far as its free
	/// balance still covers it), its candidate self-bond and its superdelegate bond.
	pub fn bonded(who: &T::AccountId) -> Balance {
		let voter = Voters::<T>::get(who).map(|v| Self::voter_stake(who, v.active)).unwrap_or(0);
		let candidate = Candidates::<T>::get(who).map(|c| c.bond).unwrap_or(0);
		let superdelegate = SuperdelegateCandidates::<T>::get(who).map(|s| s.bond).unwrap_or(0);
		voter.saturating_add(candidate).saturating_add(superdelegate)
	}

	/// A voter's stake in an election: its bond, as far as its free balance still covers it (a
	/// freeze can overlap held POP, which must not count twice).
	pub(crate) fn voter_stake(who: &T::AccountId, active: Balance) -> Balance {
		active.min(T::Currency::balance(who))
	}

	/// Holds `amount` of `who`'s POP for `reason`, keeping its account alive.
	pub(crate) fn hold(who: &T::AccountId, reason: HoldReason, amount: Balance) -> DispatchResult {
		let spendable =
			T::Currency::reducible_balance(who, Preservation::Preserve, Fortitude::Polite);
		ensure!(amount <= spendable, Error::<T>::InsufficientBalance);
		T::Currency::hold(&reason.into(), who, amount)
	}

	/// Checks that `who` can have `frozen` POP frozen as a voter bond: no more than its free
	/// balance.
	pub(crate) fn ensure_can_freeze(who: &T::AccountId, frozen: Balance) -> DispatchResult {
		ensure!(frozen <= T::Currency::balance(who), Error::<T>::InsufficientBalance);
		Ok(())
	}

	/// POP of `kind` that `who` is unbonding.
	pub(crate) fn releasing(who: &T::AccountId, kind: BondKind) -> Balance {
		Releases::<T>::get(who)
			.iter()
			.filter(|r| r.kind == kind)
			.fold(0, |t, r| t.saturating_add(r.amount))
	}

	/// Starts the unbonding period for `amount` of `who`'s `kind` bond; returns when it ends.
	pub(crate) fn push_release(
		who: &T::AccountId,
		kind: BondKind,
		amount: Balance,
	) -> Result<BlockNumberFor<T>, DispatchError> {
		let unlock_at = frame_system::Pallet::<T>::block_number()
			.saturating_add(Params::<T>::get().unbonding_period);
		Releases::<T>::try_mutate(who, |rs| {
			rs.try_push(Release { kind, amount, unlock_at })
				.map_err(|_| Error::<T>::TooManyReleases)
		})?;
		Ok(unlock_at)
	}

	/// Frees every release of `who` that has unlocked; returns the POP freed.
	pub(crate) fn do_withdraw(who: &T::AccountId) -> Result<Balance, DispatchError> {
		let now = frame_system::Pallet::<T>::block_number();
		let (ready, pending): (alloc::vec::Vec<_>, alloc::vec::Vec<_>) =
			Releases::<T>::get(who).into_iter().partition(|r| r.unlock_at <= now);
		ensure!(!ready.is_empty(), Error::<T>::NothingToWithdraw);
		let pending: BoundedVec<_, T::MaxReleases> =
			pending.try_into().expect("a part of a bounded list fits the same bound");
		if pending.is_empty() {
			Releases::<T>::remove(who);
		} else {
			Releases::<T>::insert(who, pending);
		}
		let mut freed: Balance = 0;
		for r in ready {
			// A voter's bond is a freeze, lifted below; the others are holds. A slash may have
			// burned part of a hold, so the release takes what is left.
			let got = match r.kind {
				BondKind::Voter => r.amount,
				BondKind::Candidate => Self::release(who, HoldReason::CandidateBond, r.amount)?,
				BondKind::Superdelegate => {
					Self::release(who, HoldReason::SuperdelegateBond, r.amount)?
				}
			};
			freed = freed.saturating_add(got);
		}
		Self::refreeze(who)?;
		Ok(freed)
	}

	/// Releases up to `amount` held for `reason`; returns what was released.
	fn release(
		who: &T::AccountId,
		reason: HoldReason,
		amount: Balance,
	) -> Result<Balance, DispatchError> {
		T::Currency::release(&reason.into(), who, amount, Precision::BestEffort)
	}

	/// Sets `who`'s voter freeze to its active bond plus what it is still unbonding.
	pub(crate) fn refreeze(who: &T::AccountId) -> DispatchResult {
		let active = Voters::<T>::get(who).map(|v| v.active).unwrap_or(0);
		let frozen = active.saturating_add(Self::releasing(who, BondKind::Voter));
		if frozen == 0 {
			T::Currency::thaw(&FreezeReason::VoterBond.into(), who)
		} else {
			T::Currency::set_freeze(&FreezeReason::VoterBond.into(), who, frozen)
		}
	}

	/// POP of `kind` that `who` is unbonding and that has not unlocked yet: what a slash may
	/// still reach (once unlocked, the bond is the owner's, withdrawn or not).
	pub(crate) fn slashable_releasing(who: &T::AccountId, kind: BondKind) -> Balance {
		let now = frame_system::Pallet::<T>::block_number();
		Releases::<T>::get(who)
			.iter()
			.filter(|r| r.kind == kind && r.unlock_at > now)
			.fold(0, |t, r| t.saturating_add(r.amount))
	}

	/// Takes `amount` off `who`'s releases of `kind` that have not unlocked (the latest first,
	/// which a leaver made last); returns what it took.
	fn reduce_releases(who: &T::AccountId, kind: BondKind, amount: Balance) -> Balance {
		let now = frame_system::Pallet::<T>::block_number();
		let mut left = amount;
		Releases::<T>::mutate_exists(who, |rs| {
			let Some(list) = rs else { return };
			for r in list.iter_mut().rev().filter(|r| r.kind == kind && r.unlock_at > now) {
				let cut = left.min(r.amount);
				r.amount -= cut;
				left -= cut;
			}
			list.retain(|r| r.amount > 0);
			if list.is_empty() {
				*rs = None;
			}
		});
		amount - left
	}

	/// Burns up to `amount` of candidate `who`'s held self-bond — the bond in service first,
	/// then what it is unbonding after leaving, so that leaving does not escape a slash;
	/// returns what was burned.
	pub(crate) fn slash_candidate(who: &T::AccountId, amount: Balance) -> Balance {
		let amount = amount.min(
			Candidates::<T>::get(who)
				.map(|c| c.bond)
				.unwrap_or(0)
				.saturating_add(Self::slashable_releasing(who, BondKind::Candidate)),
		);
		let burned = T::Currency::burn_held(
			&HoldReason::CandidateBond.into(),
			who,
			amount,
			Precision::BestEffort,
			Fortitude::Force,
		)
		.unwrap_or(0);
		let mut left = burned;
		Candidates::<T>::mutate(who, |c| {
			if let Some(c) = c {
				let cut = left.min(c.bond);
				c.bond -= cut;
				left -= cut;
			}
		});
		Self::reduce_releases(who, BondKind::Candidate, left);
		burned
	}

	/// Burns up to `amount` of voter `who`'s bonded POP — the active bond first, then what it
	/// is unbonding, so that unbonding does not escape a slash; returns what was burned.
	pub(crate) fn slash_voter(who: &T::AccountId, amount: Balance) -> Balance {
		let voter = Voters::<T>::get(who);
		let active = voter.as_ref().map(|v| v.active).unwrap_or(0);
		let amount =
			amount.min(active.saturating_add(Self::slashable_releasing(who, BondKind::Voter)));
		if amount == 0 {
			return 0;
		}
		let burned = T::Currency::burn_from(
			who,
			amount,
			Preservation::Expendable,
			Precision::BestEffort,
			Fortitude::Force,
		)
		.unwrap_or(0);
		let from_active = burned.min(active);
		if let Some(mut voter) = voter {
			voter.active -= from_active;
			if voter.active == 0 {
				Voters::<T>::remove(who);
			} else {
				Voters::<T>::insert(who, voter);
			}
		}
		Self::reduce_releases(who, BondKind::Voter, burned - from_active);
		let _ = Self::refreeze(who);
		burned
	}
}
