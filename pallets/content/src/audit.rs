//! Storage audits: challenges drawn from the chain, answered with BLAKE3 chunk proofs.
//!
//! Each [`Config::AuditPeriod`] blocks, [`Config::AuditsPerPeriod`] challenges are drawn from
//! [`Config::Randomness`]: a published content, a segment, a shard (hence its holder) and a 1 KiB
//! chunk of it. The holder cannot know which chunk will be asked before the block before, so it
//! must keep the whole shard. The draws never come from a block hash: the author of that block
//! could try versions of it until one spared its own shards (hole 9); the runtime's randomness
//! is each author's VRF output, which it cannot choose. The proof is the chunk plus the chaining values of its siblings in
//! the shard's BLAKE3 tree ([`pop_primitives::content::verify_chunk`]): a few hundred bytes,
//! checked against the shard hash in the manifest. Answering needs the shard's bytes, which live
//! in the `pop-masternode` store and not in the chain node: the masternode daemon answers with a
//! signed extrinsic, and the chain only draws, checks and counts.

use crate::{
	Audit, Audits, AuditsDue, Config, Contents, Error, Event, MasternodeRegistry, MissWindow,
	Misses, Pallet, Published, PublishedCount, PublishedIndex, Rewards, Segments,
};
use codec::Encode;
use frame_support::{ensure, pallet_prelude::*, traits::Get};
use frame_system::pallet_prelude::BlockNumberFor;
use pop_primitives::content::{chunk_count, verify_chunk, ContentId};
use sp_runtime::traits::Saturating;

/// Adds `content` to the published content that audits are drawn from.
pub(crate) fn publish<T: Config>(content: ContentId) {
	if PublishedIndex::<T>::contains_key(content) {
		return;
	}
	let index = PublishedCount::<T>::get();
	Published::<T>::insert(index, content);
	PublishedIndex::<T>::insert(content, index);
	PublishedCount::<T>::put(index.saturating_add(1));
}

/// Removes `content` from the published content (the last one takes its index).
pub(crate) fn unpublish<T: Config>(content: ContentId) {
	let Some(index) = PublishedIndex::<T>::take(content) else { return };
	let last = PublishedCount::<T>::get().saturating_sub(1);
	if index != last {
		if let Some(moved) = Published::<T>::get(last) {
			Published::<T>::insert(index, moved);
			PublishedIndex::<T>::insert(moved, index);
		}
	}
	Published::<T>::remove(last);
	PublishedCount::<T>::put(last);
}

/// Checks `who`'s answer to `audit` and closes it.
pub(crate) fn prove<T: Config>(
	who: T::AccountId,
	id: u64,
	data: &[u8],
	proof: &[[u8; 32]],
) -> DispatchResult {
	let audit = Audits::<T>::get(id).ok_or(Error::<T>::UnknownAudit)?;
	ensure!(audit.node == who, Error::<T>::NotAuditee);
	let segment =
		Segments::<T>::get(audit.content, audit.segment).ok_or(Error::<T>::UnknownContent)?;
	let root = segment.shards.get(usize::from(audit.shard)).ok_or(Error::<T>::UnknownContent)?;
	ensure!(
		verify_chunk(root, segment.shard_len, audit.chunk, data, proof),
		Error::<T>::InvalidProof
	);
	Audits::<T>::remove(id);
	// A pass does not wipe the misses of an open grace window (a node could otherwise miss
	// every other audit for ever); a closed window is forgotten.
	let now = frame_system::Pallet::<T>::block_number();
	if MissWindow::<T>::contains_key(&who) && Pallet::<T>::suspended_until(&who, now).is_none() {
		MissWindow::<T>::remove(&who);
		Misses::<T>::remove(&who);
	}
	T::Rewards::audited(&who);
	Pallet::<T>::deposit_event(Event::AuditPassed { audit: id, node: who });
	Ok(())
}

impl<T: Config> Pallet<T> {
	/// Draws `draws` challenges. Returns how many were issued (a draw that lands on a shard of
	/// a node out of service issues none).
	pub(crate) fn issue_audits(now: BlockNumberFor<T>, draws: u32) -> u32 {
		let published = PublishedCount::<T>::get();
		if published == 0 {
			return 0;
		}
		let deadline = now.saturating_add(T::AuditDeadline::get());
		use frame_support::traits::Randomness;
		let (seed, _) = T::Randomness::random(b"pop/audit");
		let mut issued = 0;
		for draw in 0..draws {
			let random = sp_io::hashing::blake2_256(&(b"pop/audit", seed, now, draw).encode());
			let word = |i: usize| u32::from_le_bytes(random[i * 4..i * 4 + 4].try_into().unwrap());
			let Some(content) = Published::<T>::get(word(0) % published) else { continue };
			let Some(info) = Contents::<T>::get(content) else { continue };
			let segment = word(1) % info.segments.max(1);
			let Some(seg) = Segments::<T>::get(content, segment) else { continue };
			let shard = (word(2) % u32::from(info.n).max(1)) as u8;
			let Some(node) = seg.holders.get(usize::from(shard)).cloned() else { continue };
			// A masternode that left service is not audited; its shards are moving.
			if !T::Masternodes::is_active(&node) {
				continue;
			}
			let chunk = word(3) % chunk_count(seg.shard_len);
			let id = crate::NextAudit::<T>::mutate(|n| {
				let id = *n;
				*n = n.saturating_add(1);
				id
			});
			if AuditsDue::<T>::try_append(deadline, id).is_err() {
				break;
			}
			Audits::<T>::insert(
				id,
				Audit { node: node.clone(), content, segment, shard, chunk, deadline },
			);
			issued += 1;
			Self::deposit_event(Event::AuditIssued {
				audit: id,
				node,
				content,
				segment,
				shard,
				chunk,
				deadline,
			});
		}
		issued
	}

	/// Counts the audits due before `now` that were not answered. A node's first miss opens a
	/// grace window ([`Config::GraceWindow`]) in which it gets no new placements;
	/// [`Config::MaxMisses`] inside the window retire it with a slash. A node that unregistered
	/// after it was audited still answers for it: its bond is held until it withdraws, after
	/// every audit it was given has expired. Returns how many audits were due.
	pub(crate) fn expire_audits(now: BlockNumberFor<T>) -> u32 {
		// An audit is due at its deadline block: answers in that block still count.
		let due = AuditsDue::<T>::take(now.saturating_sub(1u32.into()));
		let count = due.len() as u32;
		// One miss per node per block: several audits of one node falling due together (draws
		// of one period) are one lapse, not many, so grace holds and a node is slashed once.
		let mut counted: alloc::vec::Vec<T::AccountId> = alloc::vec::Vec::new();
		for id in due {
			let Some(audit) = Audits::<T>::take(id) else { continue };
			if !T::Masternodes::is_bonded(&audit.node) || counted.contains(&audit.node) {
				continue;
			}
			// The creator removed the content: no answer was owed, so no miss (otherwise a
			// creator could get holders slashed by removing content under audit). A shard
			// moved off a node because it left still counts: leaving does not escape audits.
			if !Contents::<T>::contains_key(audit.content)
				|| !Segments::<T>::contains_key(audit.content, audit.segment)
			{
				continue;
			}
			counted.push(audit.node.clone());
			if Self::suspended_until(&audit.node, now).is_none() {
				// No window open: this miss opens one.
				MissWindow::<T>::insert(&audit.node, now);
				Misses::<T>::remove(&audit.node);
			}
			let misses = Misses::<T>::mutate(&audit.node, |m| {
				m.saturating_inc();
				*m
			});
			Self::deposit_event(Event::AuditMissed { audit: id, node: audit.node.clone(), misses });
			if misses < T::MaxMisses::get() {
				if misses == 1 {
					let until = now.saturating_add(T::GraceWindow::get());
					Self::deposit_event(Event::MasternodeSuspended {
						node: audit.node.clone(),
						until,
					});
				}
			} else {
				Misses::<T>::remove(&audit.node);
				MissWindow::<T>::remove(&audit.node);
				let slashed = T::Masternodes::retire(&audit.node, T::MissSlash::get());
				log::info!(
					target: crate::LOG_TARGET,
					"masternode {:?} retired after {misses} missed audits; {slashed} slashed",
					audit.node,
				);
			}
		}
		count
	}
}
