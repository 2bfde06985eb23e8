//! Moving the shards of masternodes that left service.
//!
//! [`pallet_masternodes`] tells this pallet when a node leaves ([`OnMasternodeLeave`]); the node
//! joins [`Departing`]. Each block moves up to [`Config::MaxReassignPerBlock`] of its shards,
//! each to the node [`pop_primitives::placement::replacement`] picks: one that holds nothing of
//! the segment, from a region the segment lacks when there is one. The new holder learns it from
//! [`Event::ShardReassigned`] (and the runtime API's assignments) and rebuilds the shard from
//! `k` other holders.

use crate::{
	Config, Contents, Departing, Event, Holdings, MasternodeRegistry, Pallet, Segments, StoredBytes,
};
use alloc::vec::Vec;
use pallet_masternodes::OnMasternodeLeave;

impl<T: Config> OnMasternodeLeave<T::AccountId> for Pallet<T> {
	fn on_leave(who: &T::AccountId) {
		Departing::<T>::mutate(|d| {
			if !d.contains(who) && d.try_push(who.clone()).is_err() {
				log::error!(target: crate::LOG_TARGET, "departure queue full; {who:?} not queued");
			}
		});
	}
}

impl<T: Config> Pallet<T> {
	/// Moves up to `budget` shards off departing masternodes. Returns how many it handled and
	/// among how many nodes in service.
	pub(crate) fn reassign_some(budget: u32) -> (u32, u32) {
		let mut departing = Departing::<T>::get();
		if departing.is_empty() {
			return (0, 0);
		}
		// Nodes not suspended first; suspended ones only where no other can take a shard.
		// Either way only nodes with room for the shard: the room left on each is read once.
		let nodes = Self::placement_candidates(0, 0);
		let all = Self::placement_candidates(usize::MAX, 0);
		let mut room: alloc::collections::BTreeMap<T::AccountId, u64> = all
			.iter()
			.map(|(who, _)| {
				let free = T::Masternodes::capacity(who).saturating_sub(StoredBytes::<T>::get(who));
				(who.clone(), free)
			})
			.collect();
		let mut done = 0;
		while done < budget {
			let Some(from) = departing.first().cloned() else { break };
			let batch: Vec<_> =
				Holdings::<T>::iter_prefix(&from).take((budget - done) as usize).collect();
			if batch.is_empty() {
				departing.remove(0);
				continue;
			}
			for ((content, segment), shard) in batch {
				Holdings::<T>::remove(&from, (content, segment));
				done += 1;
				let Some(mut seg) = Segments::<T>::get(content, segment) else { continue };
				Self::release_bytes(&from, seg.shard_len);
				// Removed content waiting to be purged: nothing to move.
				if !Contents::<T>::contains_key(content) {
					continue;
				}
				let len = u64::from(seg.shard_len);
				let replace = |nodes: &[(T::AccountId, pallet_masternodes::Region)]| {
					let fits: Vec<_> = nodes
						.iter()
						.filter(|(who, _)| room.get(who).is_some_and(|free| *free >= len))
						.cloned()
						.collect();
					pop_primitives::placement::replacement(
						&content,
						segment,
						u32::from(shard),
						&seg.holders,
						&all,
						&fits,
					)
				};
				let replacement = replace(&nodes).or_else(|| replace(&all));
				match replacement {
					Some(to) => {
						if let Some(slot) = seg.holders.get_mut(usize::from(shard)) {
							*slot = to.clone();
						}
						Holdings::<T>::insert(&to, (content, segment), shard);
						StoredBytes::<T>::mutate(&to, |b| *b = b.saturating_add(len));
						if let Some(free) = room.get_mut(&to) {
							*free = free.saturating_sub(len);
						}
						Segments::<T>::insert(content, segment, seg);
						Self::deposit_event(Event::ShardReassigned {
							content,
							segment,
							shard,
							from: from.clone(),
							to,
						});
					}
					None => Self::deposit_event(Event::ShardUnplaced {
						content,
						segment,
						shard,
						from: from.clone(),
					}),
				}
			}
		}
		Departing::<T>::put(departing);
		(done, all.len() as u32)
	}
}
