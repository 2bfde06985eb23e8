//! Forgetting removed content's segments, a bounded number per block.
//!
//! [`Pallet::remove`] forgets the content at once (no more fetches, audits or verdicts) and its
//! first [`PAGE_SEGMENTS`] segments in the same call; a longer content's other segments join
//! [`Purging`] and [`Pallet::purge_some`] forgets up to [`Config::MaxPurgePerBlock`] of them each
//! block, releasing each holder's bytes ([`crate::StoredBytes`]). [`Event::ContentPurged`] says
//! when the last one is gone, so masternodes delete the shards; the creator's deposit is held
//! until then, so that filling the queue locks the filler's POP.
//!
//! [`PAGE_SEGMENTS`]: pop_primitives::content::PAGE_SEGMENTS

use crate::{
	audit, types, Awaiting, Config, ContentInfoOf, Contents, Error, Event, HoldReason, Holdings,
	MemberScores, Pallet, Purging, SealedKeys, Segments, Uploads,
};
use frame_support::{
	ensure,
	pallet_prelude::DispatchError,
	traits::{fungible::MutateHold, tokens::Precision},
};
use pop_primitives::{
	content::{ContentId, MAX_PAGE_SHARDS, PAGE_SEGMENTS},
	Balance,
};

impl<T: Config> Pallet<T> {
	/// Checks a removal's weight witness `shards` against `info` (at least the first page's
	/// segments × `n`, at most a page of shards); returns the shards to charge for.
	pub(crate) fn check_witness(
		info: &ContentInfoOf<T>,
		shards: u32,
	) -> Result<u32, DispatchError> {
		let now = info.segments.min(PAGE_SEGMENTS);
		let actual = now * u32::from(info.n);
		ensure!(shards >= actual && shards <= MAX_PAGE_SHARDS, Error::<T>::BadWitness);
		Ok(now.saturating_mul(u32::from(info.n).max(8)).min(shards))
	}

	/// Takes `content` down: forgets it and its first page of segments now, queues the rest
	/// to be purged, and gives `deposit` of its creator's held deposit back when nothing is
	/// queued (at the end of the purge otherwise). Returns whether a purge was queued and what
	/// was released now.
	pub(crate) fn take_down(
		content: ContentId,
		info: &ContentInfoOf<T>,
		deposit: Balance,
	) -> Result<(bool, Balance), DispatchError> {
		let now = info.segments.min(PAGE_SEGMENTS);
		// Only what was placed: an upload stopped part-way placed its pages so far.
		let end = Uploads::<T>::get(content)
			.map_or(info.segments, |u| u.next.saturating_mul(PAGE_SEGMENTS))
			.min(info.segments);
		Self::forget_segments(content, 0, now.min(end));
		let queued = now < end;
		if queued {
			let purge =
				types::Purge { content, next: now, end, creator: info.creator.clone(), deposit };
			Purging::<T>::try_mutate(|q| q.try_push(purge))
				.map_err(|_| Error::<T>::PurgeQueueFull)?;
		}
		audit::unpublish::<T>(content);
		Contents::<T>::remove(content);
		Awaiting::<T>::remove(content);
		Uploads::<T>::remove(content);
		SealedKeys::<T>::remove(content);
		MemberScores::<T>::remove(content);
		// A ruling stays on record; an appeal still open is withdrawn and its deposit burned,
		// as a rejection would have.
		Self::withdraw_appeal(content);
		let released = if queued || deposit == 0 {
			0
		} else {
			T::Currency::release(
				&HoldReason::ContentDeposit.into(),
				&info.creator,
				deposit,
				Precision::BestEffort,
			)?
		};
		Ok((queued, released))
	}

	/// Forgets segments `from..to` of `content` and their holdings. Returns how many shards it
	/// forgot.
	pub(crate) fn forget_segments(content: ContentId, from: u32, to: u32) -> u32 {
		let mut shards = 0u32;
		for segment in from..to {
			if let Some(s) = Segments::<T>::take(content, segment) {
				shards = shards.saturating_add(s.holders.len() as u32);
				for holder in s.holders {
					if Holdings::<T>::take(&holder, (content, segment)).is_some() {
						Self::release_bytes(&holder, s.shard_len);
					}
				}
			}
		}
		shards
	}

	/// Forgets up to `budget` segments of removed content. Returns how many segments it
	/// visited and how many shards it forgot.
	pub(crate) fn purge_some(budget: u32) -> (u32, u32) {
		let mut queue = Purging::<T>::get();
		if queue.is_empty() {
			return (0, 0);
		}
		let (mut done, mut shards) = (0u32, 0u32);
		while done < budget {
			let Some(first) = queue.first().cloned() else { break };
			let to = first.end.min(first.next.saturating_add(budget - done));
			shards = shards.saturating_add(Self::forget_segments(first.content, first.next, to));
			done += to.saturating_sub(first.next).max(1);
			if to >= first.end {
				queue.remove(0);
				let deposit = T::Currency::release(
					&HoldReason::ContentDeposit.into(),
					&first.creator,
					first.deposit,
					Precision::BestEffort,
				)
				.unwrap_or_default();
				Self::deposit_event(Event::ContentPurged { content: first.content, deposit });
			} else if let Some(head) = queue.get_mut(0) {
				head.next = to;
			}
		}
		Purging::<T>::put(queue);
		(done, shards)
	}

	/// Whether `content`'s segments are still being forgotten.
	pub(crate) fn is_purging(content: &ContentId) -> bool {
		Purging::<T>::get().iter().any(|p| &p.content == content)
	}
}
