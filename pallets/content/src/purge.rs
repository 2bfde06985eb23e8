//! Forgetting removed content's segments, a bounded number per block.
//!
//! [`Pallet::remove`] forgets the content at once (no more fetches, audits or verdicts) and its
//! first [`PAGE_SEGMENTS`] segments in the same call; a longer content's other segments join
//! [`Purging`] and [`Pallet::purge_some`] forgets up to [`Config::MaxPurgePerBlock`] of them each
//! block, releasing each holder's bytes ([`StoredBytes`]). [`Event::ContentPurged`] says when
//! the last one is gone, so masternodes delete the shards.

use crate::{Config, Event, Holdings, Pallet, Purging, Segments};
use pop_primitives::content::ContentId;

impl<T: Config> Pallet<T> {
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

	/// Forgets up to `budget` segments of removed content. Returns how many shards it forgot.
	pub(crate) fn purge_some(budget: u32) -> u32 {
		let mut queue = Purging::<T>::get();
		if queue.is_empty() {
			return 0;
		}
		let (mut done, mut shards) = (0u32, 0u32);
		while done < budget {
			let Some((content, next, segments)) = queue.first().copied() else { break };
			let to = segments.min(next.saturating_add(budget - done));
			shards = shards.saturating_add(Self::forget_segments(content, next, to));
			done += to.saturating_sub(next);
			if to >= segments {
				queue.remove(0);
				Self::deposit_event(Event::ContentPurged { content });
			} else if let Some(first) = queue.get_mut(0) {
				first.1 = to;
			}
		}
		Purging::<T>::put(queue);
		shards
	}

	/// Whether `content`'s segments are still being forgotten.
	pub(crate) fn is_purging(content: &ContentId) -> bool {
		Purging::<T>::get().iter().any(|(c, _, _)| c == content)
	}
}
