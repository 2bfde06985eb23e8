//! Moving the shards of masternodes that left service.
//!
//! [`pallet_masternodes`] tells this pallet when a node leaves ([`OnMasternodeLeave`]); the node
//! joins [`Departing`]. Each block moves up to [`Config::MaxReassignPerBlock`] of its shards,
//! each to the node [`pop_primitives::placement::replacement`] picks: one that holds nothing of
//! the segment, from a region the segment lacks when there is one. The new holder learns it from
//! [`Event::ShardReassigned`] (and the runtime API's assignments) and rebuilds the shard from
//! `k` other holders.

use crate::{Config, Departing, Event, Holdings, MasternodeRegistry, Pallet, Segments};
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
		let nodes = Self::placement_candidates(0);
		let all = T::Masternodes::active();
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
				let replace = |nodes: &[(T::AccountId, pallet_masternodes::Region)]| {
					pop_primitives::placement::replacement(
						&content,
						segment,
						u32::from(shard),
						&seg.holders,
						nodes,
					)
				};
				let replacement = replace(&nodes).or_else(|| replace(&all));
				match replacement {
					Some(to) => {
						if let Some(slot) = seg.holders.get_mut(usize::from(shard)) {
							*slot = to.clone();
						}
						Holdings::<T>::insert(&to, (content, segment), shard);
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
		(done, nodes.len() as u32)
	}
}
