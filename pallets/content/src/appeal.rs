//! Appeals and rulings: the way out of `NeedsReview`, and a second look at a rejection.
//!
//! The moderation set's certificate decides most content. Content it leaves for review (the
//! band between approve and reject: audio it cannot score, large images, videos near the
//! line) and content it rejects can go to a governance track, "moderation", where POP holders
//! decide by referendum:
//! - [`Pallet::appeal`]: the creator appeals, with a reason and a deposit
//!   ([`Config::AppealDeposit`]) held until the ruling; one open appeal per content.
//! - [`Pallet::rule`]: a passed referendum on the moderation track (or root) approves or
//!   rejects content that needs review or was rejected, appealed or not (content left for
//!   review with no appeal is referred by anyone who proposes the referendum). The ruling
//!   records who decided, why and when, and is final: no certificate or appeal changes it.
//!   Approval publishes the content like an approving certificate and returns the appeal
//!   deposit; rejection burns it.

use crate::{
	types::{Appeal, Reason, Ruler, Ruling, Status},
	Appeals, Awaiting, Config, Contents, Error, Event, HoldReason, Pallet, Rulings, SealedKeys,
};
use alloc::vec::Vec;
use frame_support::{
	ensure,
	pallet_prelude::*,
	traits::{
		fungible::MutateHold,
		tokens::{Fortitude, Precision},
	},
};
use pop_primitives::content::{ContentId, Verdict};

/// `reason` as stored: not empty, at most [`crate::types::MAX_REASON_LEN`] bytes.
fn reason<T: Config>(bytes: Vec<u8>) -> Result<Reason, Error<T>> {
	ensure!(!bytes.is_empty(), Error::<T>::EmptyReason);
	Reason::try_from(bytes).map_err(|_| Error::<T>::ReasonTooLong)
}

impl<T: Config> Pallet<T> {
	/// See [`Pallet::appeal`].
	pub(crate) fn do_appeal(who: T::AccountId, content: ContentId, why: Vec<u8>) -> DispatchResult {
		let info = Contents::<T>::get(content).ok_or(Error::<T>::UnknownContent)?;
		ensure!(info.creator == who, Error::<T>::NotCreator);
		ensure!(!Rulings::<T>::contains_key(content), Error::<T>::AlreadyRuled);
		ensure!(
			matches!(info.status, Status::NeedsReview | Status::Rejected),
			Error::<T>::NotAppealable
		);
		ensure!(!Appeals::<T>::contains_key(content), Error::<T>::AlreadyAppealed);
		let reason = reason::<T>(why)?;
		let deposit = T::AppealDeposit::get();
		T::Currency::hold(&HoldReason::AppealDeposit.into(), &who, deposit)
			.map_err(|_| Error::<T>::InsufficientDeposit)?;
		let filed = frame_system::Pallet::<T>::block_number();
		Appeals::<T>::insert(content, Appeal { appellant: who.clone(), deposit, reason, filed });
		Self::deposit_event(Event::Appealed { content, appellant: who, deposit });
		Ok(())
	}

	/// See [`Pallet::rule`].
	pub(crate) fn do_rule(content: ContentId, verdict: Verdict, why: Vec<u8>) -> DispatchResult {
		let mut info = Contents::<T>::get(content).ok_or(Error::<T>::UnknownContent)?;
		ensure!(!Rulings::<T>::contains_key(content), Error::<T>::AlreadyRuled);
		ensure!(
			matches!(info.status, Status::NeedsReview | Status::Rejected),
			Error::<T>::NotAppealable
		);
		ensure!(verdict != Verdict::NeedsReview, Error::<T>::NotAFinalVerdict);
		let reason = reason::<T>(why)?;
		let appeal = Appeals::<T>::take(content);
		// The appeal deposit: back to the creator if the appeal is upheld, burned if not.
		let mut returned = false;
		if let Some(a) = &appeal {
			let hold = HoldReason::AppealDeposit.into();
			if verdict == Verdict::Approve {
				T::Currency::release(&hold, &a.appellant, a.deposit, Precision::BestEffort)?;
				returned = true;
			} else {
				T::Currency::burn_held(
					&hold,
					&a.appellant,
					a.deposit,
					Precision::BestEffort,
					Fortitude::Force,
				)?;
			}
		}
		info.status = if verdict == Verdict::Approve { Status::Approved } else { Status::Rejected };
		Contents::<T>::insert(content, info);
		Awaiting::<T>::remove(content);
		SealedKeys::<T>::remove(content);
		let appellant = appeal.map(|a| a.appellant);
		Rulings::<T>::insert(
			content,
			Ruling {
				verdict,
				by: Ruler::Governance,
				reason,
				at: frame_system::Pallet::<T>::block_number(),
				appellant: appellant.clone(),
			},
		);
		Self::deposit_event(Event::Ruled {
			content,
			verdict,
			appellant,
			deposit_returned: returned,
		});
		if verdict == Verdict::Approve {
			crate::audit::publish::<T>(content);
			Self::deposit_event(Event::ContentPublished { content });
		}
		Ok(())
	}
}

impl<T: Config> Pallet<T> {
	/// Withdraws `content`'s open appeal, if any, because its creator removed the content:
	/// the deposit is burned, so that removing cannot dodge a ruling about to go against it.
	pub(crate) fn withdraw_appeal(content: ContentId) {
		let Some(a) = Appeals::<T>::take(content) else { return };
		let hold = HoldReason::AppealDeposit.into();
		let burned = T::Currency::burn_held(
			&hold,
			&a.appellant,
			a.deposit,
			Precision::BestEffort,
			Fortitude::Force,
		)
		.unwrap_or_default();
		Self::deposit_event(Event::AppealWithdrawn { content, appellant: a.appellant, burned });
	}

	/// Closes `content`'s open appeal, if any, returning the deposit: a certificate decided the
	/// content first.
	pub(crate) fn close_appeal(content: ContentId) {
		let Some(a) = Appeals::<T>::take(content) else { return };
		let hold = HoldReason::AppealDeposit.into();
		let _ = T::Currency::release(&hold, &a.appellant, a.deposit, Precision::BestEffort);
		Self::deposit_event(Event::AppealClosed { content, appellant: a.appellant });
	}
}
