//! The era cycle, driven by `pallet-session`: when an era ends it pays and penalises the era
//! that ended, elects the next moderation set, opens the next era, and elects the delegates of
//! the era after it.

use crate::{
	election::{self, Backing},
	pallet::*,
	types::*,
	HasSessionKeys, RewardPoints, LOG_TARGET,
};
use alloc::vec::Vec;
use frame_support::{
	pallet_prelude::*,
	traits::{
		fungible::{Inspect, Mutate},
		EstimateNextSessionRotation,
	},
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::{
	traits::{Saturating, UniqueSaturatedInto, Zero},
	Perbill, Permill,
};

impl<T: Config> Pallet<T> {
	/// Candidates that can be elected: not chilled, with session keys, bonded at least the
	/// minimum.
	pub fn eligible_candidates() -> Vec<(T::AccountId, Balance)> {
		let min = Params::<T>::get().min_candidate_bond;
		Candidates::<T>::iter()
			.filter(|(who, c)| !c.chilled && c.bond >= min && T::SessionKeys::has_keys(who))
			.map(|(who, c)| (who, c.bond))
			.collect()
	}

	/// Runs the delegate election over the current candidates and votes.
	pub fn run_election() -> Result<Vec<Backing<T::AccountId>>, election::ElectionError> {
		let candidates = Self::eligible_candidates();
		let voters = Voters::<T>::iter()
			.map(|(who, v)| {
				let stake = Self::voter_stake(&who, v.active);
				(who, stake, v.votes.into_inner())
			})
			.collect();
		election::elect_delegates(
			Params::<T>::get().num_delegates,
			candidates,
			voters,
			T::Currency::total_issuance(),
		)
	}

	/// Elects the delegates of era `era`; `None` keeps the set of the era before.
	pub(crate) fn plan_era(era: EraIndex) -> Option<Vec<T::AccountId>> {
		match Self::run_election() {
			Ok(winners) => {
				let mut elected = Vec::with_capacity(winners.len());
				for w in winners {
					let total = w.total();
					let mut others = w.others;
					others.truncate(T::MaxBackers::get() as usize);
					let others = BoundedVec::truncate_from(others);
					Exposures::<T>::insert(era, &w.who, Exposure { total, own: w.own, others });
					elected.push((w.who, total));
				}
				log::info!(
					target: LOG_TARGET,
					"era {era}: elected {} delegates: {:?}",
					elected.len(),
					elected.iter().map(|(w, _)| w).collect::<Vec<_>>()
				);
				let ids = elected.iter().map(|(w, _)| w.clone()).collect();
				Self::deposit_event(Event::DelegatesElected { era, delegates: elected });
				Some(ids)
			}
			Err(e) => {
				log::warn!(target: LOG_TARGET, "era {era}: no election ({e:?}); the set stays");
				let previous: Vec<_> = Exposures::<T>::iter_prefix(era.saturating_sub(1)).collect();
				for (who, exposure) in previous {
					Exposures::<T>::insert(era, who, exposure);
				}
				Self::deposit_event(Event::ElectionKeptSet { era });
				None
			}
		}
	}

	/// Opens era `era`: its delegates are those planned for it.
	pub(crate) fn open_era(era: EraIndex) {
		CurrentEra::<T>::put(era);
		EraStart::<T>::put(frame_system::Pallet::<T>::block_number());
		let mut delegates: Vec<T::AccountId> = Exposures::<T>::iter_key_prefix(era).collect();
		delegates.sort();
		if !delegates.is_empty() {
			Delegates::<T>::put(BoundedVec::truncate_from(delegates));
		}
		log::info!(target: LOG_TARGET, "era {era} started");
		Self::deposit_event(Event::EraStarted { era });
	}

	/// Closes era `era`: rewards, penalties, and the next moderation set.
	pub(crate) fn close_era(era: EraIndex) {
		let params = Params::<T>::get();
		let delegates = Delegates::<T>::get();
		let authored: Vec<(T::AccountId, u32)> = AuthoredBlocks::<T>::drain().collect();
		let total_blocks: u32 = authored.iter().map(|(_, n)| *n).sum();

		// What the era mints: the yearly inflation, pro rata over the blocks the era lasted.
		let now = frame_system::Pallet::<T>::block_number();
		let elapsed: u64 = now.saturating_sub(EraStart::<T>::get()).unique_saturated_into();
		let year: u64 = T::BlocksPerYear::get().unique_saturated_into();
		let yearly = params.inflation.mul_floor(T::Currency::total_issuance());
		let payout = Perbill::from_rational(elapsed.min(year), year.max(1)).mul_floor(yearly);
		let sd_pool = params.superdelegate_share.mul_floor(payout);
		let mn_pool = params.masternode_share.mul_floor(payout);
		let del_pool = payout.saturating_sub(sd_pool).saturating_sub(mn_pool);

		let mut paid_delegates: Balance = 0;
		if total_blocks > 0 {
			for (who, blocks) in authored.iter() {
				let Some(exposure) = Exposures::<T>::get(era, who) else { continue };
				let reward = Perbill::from_rational(*blocks, total_blocks).mul_floor(del_pool);
				paid_delegates.saturating_accrue(Self::pay_delegate(who, &exposure, reward));
			}
		}
		let paid_sd = Self::pay_points(SuperdelegatePoints::<T>::drain().collect(), sd_pool);
		let paid_mn = Self::pay_points(MasternodePoints::<T>::drain().collect(), mn_pool);
		Self::deposit_event(Event::EraPaid {
			era,
			delegates: paid_delegates,
			superdelegates: paid_sd,
			masternodes: paid_mn,
		});

		// A delegate that authored nothing while others did was offline.
		if total_blocks > 0 {
			for d in delegates.iter() {
				if authored.iter().any(|(a, n)| a == d && *n > 0) {
					continue;
				}
				Self::punish_offline(era, d, params.offline_slash);
			}
		}
		let _ = Exposures::<T>::clear_prefix(era, T::MaxDelegates::get(), None);

		Self::elect_moderation_set(era.saturating_add(1), &delegates);
	}

	/// Pays `reward` for a delegate's blocks: its commission, then its backers (itself
	/// included) by stake. Returns what was minted.
	fn pay_delegate(
		who: &T::AccountId,
		exposure: &Exposure<T::AccountId, T::MaxBackers>,
		reward: Balance,
	) -> Balance {
		if reward.is_zero() {
			return 0;
		}
		let commission = Candidates::<T>::get(who).map(|c| c.commission).unwrap_or_default();
		let commission = commission.mul_floor(reward);
		let to_share = reward.saturating_sub(commission);
		let counted =
			exposure.others.iter().fold(exposure.own, |t, (_, s)| t.saturating_add(*s)).max(1);
		let own = Perbill::from_rational(exposure.own, counted).mul_floor(to_share);
		let mut paid = Self::mint(who, commission.saturating_add(own));
		for (voter, stake) in exposure.others.iter() {
			let share = Perbill::from_rational(*stake, counted).mul_floor(to_share);
			paid.saturating_accrue(Self::mint(voter, share));
		}
		paid
	}

	/// Splits `pool` over `points`; returns what was minted.
	fn pay_points(points: Vec<(T::AccountId, u32)>, pool: Balance) -> Balance {
		let total: u64 = points.iter().map(|(_, p)| *p as u64).sum();
		if total == 0 {
			return 0;
		}
		points.iter().fold(0, |paid, (who, p)| {
			let share = Perbill::from_rational(*p as u64, total).mul_floor(pool);
			paid.saturating_add(Self::mint(who, share))
		})
	}

	/// Mints `amount` of new POP to `who`; an account that cannot receive it (it would stay
	/// below the existential deposit) gets nothing.
	fn mint(who: &T::AccountId, amount: Balance) -> Balance {
		if amount.is_zero() {
			return 0;
		}
		match T::Currency::mint_into(who, amount) {
			Ok(minted) => {
				Self::deposit_event(Event::Rewarded { who: who.clone(), amount: minted });
				minted
			}
			Err(e) => {
				log::debug!(target: LOG_TARGET, "reward of {amount} to {who:?} not paid: {e:?}");
				0
			}
		}
	}

	/// Chills delegate `who`, which authored nothing in `era`, and slashes `fraction` of its
	/// backing: its own bond and each voter's share.
	fn punish_offline(era: EraIndex, who: &T::AccountId, fraction: Perbill) {
		log::warn!(target: LOG_TARGET, "era {era}: delegate {who:?} authored no block; chilled");
		Self::deposit_event(Event::DelegateOffline { who: who.clone(), era });
		Self::chill_and_slash(era, who, fraction);
	}

	/// Chills candidate `who` and burns `fraction` of what backs it in `era`: its own bond and
	/// each voter's share when it is a delegate of `era`, else its own bond alone. Returns the
	/// number of voters slashed.
	pub(crate) fn chill_and_slash(era: EraIndex, who: &T::AccountId, fraction: Perbill) -> u32 {
		Candidates::<T>::mutate(who, |c| {
			if let Some(c) = c {
				c.chilled = true;
			}
		});
		let (own, others) = match Exposures::<T>::get(era, who) {
			Some(exposure) => (exposure.own, exposure.others.into_inner()),
			// Not a delegate this era: its own bond, what it is unbonding included.
			None => (
				Candidates::<T>::get(who)
					.map(|c| c.bond)
					.unwrap_or(0)
					.saturating_add(Self::slashable_releasing(who, crate::BondKind::Candidate)),
				Vec::new(),
			),
		};
		let burned = Self::slash_candidate(who, fraction.mul_floor(own));
		if burned > 0 {
			Self::deposit_event(Event::Slashed { who: who.clone(), amount: burned });
		}
		for (voter, stake) in others.iter() {
			let burned = Self::slash_voter(voter, fraction.mul_floor(*stake));
			if burned > 0 {
				Self::deposit_event(Event::Slashed { who: voter.clone(), amount: burned });
			}
		}
		others.len() as u32
	}

	/// Elects the moderation set of `era` from the ballots of `delegates`. When no delegate has
	/// voted, the set stays (minus superdelegates who left).
	fn elect_moderation_set(era: EraIndex, delegates: &[T::AccountId]) {
		Self::apply_pending_identities();
		// Ballots of accounts that are no longer delegates are dropped.
		let stale: Vec<_> =
			SuperdelegateVotes::<T>::iter_keys().filter(|k| !delegates.contains(k)).collect();
		for k in stale {
			SuperdelegateVotes::<T>::remove(k);
		}
		let ballots: Vec<Vec<T::AccountId>> =
			SuperdelegateVotes::<T>::iter_values().map(|b| b.into_inner()).collect();
		let set: Vec<T::AccountId> = if ballots.is_empty() {
			Superdelegates::<T>::get()
				.into_iter()
				.filter(|s| SuperdelegateCandidates::<T>::contains_key(s))
				.collect()
		} else {
			let registered =
				SuperdelegateCandidates::<T>::iter().map(|(who, s)| (who, s.bond)).collect();
			election::elect_superdelegates(
				Params::<T>::get().num_superdelegates,
				registered,
				ballots,
			)
		};
		Superdelegates::<T>::put(BoundedVec::truncate_from(set.clone()));
		Self::deposit_event(Event::SuperdelegatesElected { era, superdelegates: set });
	}

	/// The moderation set with each member's key: what verdict certificates are checked
	/// against.
	pub fn moderation_set() -> Vec<(T::AccountId, SuperdelegateInfo)> {
		Superdelegates::<T>::get()
			.into_iter()
			.filter_map(|s| SuperdelegateCandidates::<T>::get(&s).map(|i| (s, i)))
			.collect()
	}
}

impl<T: Config> pallet_session::SessionManager<T::AccountId> for Pallet<T> {
	fn new_session(new_index: u32) -> Option<Vec<T::AccountId>> {
		Self::plan_era(new_index)
	}
	fn new_session_genesis(_: u32) -> Option<Vec<T::AccountId>> {
		// The genesis set is the session's genesis keys, which the chain spec matches with
		// this pallet's genesis delegates.
		None
	}
	fn end_session(end_index: u32) {
		Self::close_era(end_index)
	}
	fn start_session(start_index: u32) {
		Self::open_era(start_index)
	}
}

impl<T: Config> pallet_session::ShouldEndSession<BlockNumberFor<T>> for Pallet<T> {
	fn should_end_session(now: BlockNumberFor<T>) -> bool {
		now >= EraStart::<T>::get().saturating_add(Params::<T>::get().era_length)
	}
}

impl<T: Config> EstimateNextSessionRotation<BlockNumberFor<T>> for Pallet<T> {
	fn average_session_length() -> BlockNumberFor<T> {
		Params::<T>::get().era_length
	}
	fn estimate_current_session_progress(now: BlockNumberFor<T>) -> (Option<Permill>, Weight) {
		let len = Params::<T>::get().era_length;
		let done = now.saturating_sub(EraStart::<T>::get());
		let progress = Permill::from_rational(done.min(len), len.max(1u32.into()));
		(Some(progress), T::DbWeight::get().reads(2))
	}
	fn estimate_next_session_rotation(_: BlockNumberFor<T>) -> (Option<BlockNumberFor<T>>, Weight) {
		let next = EraStart::<T>::get().saturating_add(Params::<T>::get().era_length);
		(Some(next), T::DbWeight::get().reads(2))
	}
}

impl<T: Config> pallet_authorship::EventHandler<T::AccountId, BlockNumberFor<T>> for Pallet<T> {
	fn note_author(author: T::AccountId) {
		AuthoredBlocks::<T>::mutate(author, |n| n.saturating_inc());
	}
}

impl<T: Config> RewardPoints<T::AccountId> for Pallet<T> {
	fn reward_superdelegate(who: &T::AccountId, points: u32) {
		SuperdelegatePoints::<T>::mutate(who, |p| p.saturating_accrue(points));
	}
	fn reward_masternode(who: &T::AccountId, points: u32) {
		MasternodePoints::<T>::mutate(who, |p| p.saturating_accrue(points));
	}
}
