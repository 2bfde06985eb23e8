//! Proofs that an upload is not one Reed-Solomon codeword (hole 1, the moderation bypass).
//!
//! A creator holds the content key and makes the shard hashes its manifest lists. It could make
//! the data shards decode to a harmless segment and sets with recovery shards decode to another
//! that also authenticates: reviewers would approve one thing and viewers see another, and
//! holders of shards that rebuild nothing would fail audits. Every decoder re-encodes and checks
//! all `n` hashes, so no one is served such bytes (`pop-codec`); this makes the creator pay for
//! trying. The proof is one chunk of every shard at one index, each checked against the
//! manifest's hash, whose first `k` encode to other recovery chunks than the rest
//! ([`pop_primitives::codeword`]): a few KiB, whoever finds it.

use crate::{Config, Contents, Error, Event, HoldReason, Pallet, ProvenInconsistent, Segments};
use alloc::vec::Vec;
use frame_support::{
	ensure,
	pallet_prelude::*,
	traits::{
		fungible::{InspectHold, MutateHold},
		tokens::{Fortitude, Precision, Restriction},
	},
};
use pop_primitives::{
	codeword::chunks_are_codeword,
	content::{chunk_count, verify_chunk, ContentId, MaxChunkLen, MaxProofLen},
};
use sp_runtime::traits::Zero;

/// Checks the proof and, when it holds, takes `content` down and forfeits its deposit.
/// Returns the shards charged for the take-down (the removal witness).
pub(crate) fn prove_inconsistent<T: Config>(
	reporter: T::AccountId,
	content: ContentId,
	segment: u32,
	chunk: u32,
	chunks: &[BoundedVec<u8, MaxChunkLen>],
	proofs: &[BoundedVec<[u8; 32], MaxProofLen>],
	shards: u32,
) -> Result<u32, DispatchError> {
	let info = Contents::<T>::get(content).ok_or(Error::<T>::UnknownContent)?;
	let charged = Pallet::<T>::check_witness(&info, shards)?;
	let seg = Segments::<T>::get(content, segment).ok_or(Error::<T>::UnknownChunk)?;
	ensure!(chunk < chunk_count(seg.shard_len), Error::<T>::UnknownChunk);
	let n = usize::from(info.n);
	ensure!(
		chunks.len() == n && proofs.len() == n && seg.shards.len() == n,
		Error::<T>::WrongChunkCount
	);
	for ((root, data), proof) in seg.shards.iter().zip(chunks).zip(proofs) {
		ensure!(verify_chunk(root, seg.shard_len, chunk, data, proof), Error::<T>::InvalidProof);
	}
	let refs: Vec<&[u8]> = chunks.iter().map(|c| c.as_slice()).collect();
	ensure!(
		chunks_are_codeword(usize::from(info.k), &refs) == Some(false),
		Error::<T>::CodewordHolds
	);

	// Forfeit the whole deposit (what is still held of it): the reporter's share, then the
	// rest burned, before the content is taken down with nothing left to give back.
	let reason = HoldReason::ContentDeposit.into();
	let held = T::Currency::balance_on_hold(&reason, &info.creator).min(info.deposit);
	let reward = T::ReporterShare::get() * held;
	let paid = if reward.is_zero() {
		Zero::zero()
	} else {
		T::Currency::transfer_on_hold(
			&reason,
			&info.creator,
			&reporter,
			reward,
			Precision::BestEffort,
			Restriction::Free,
			Fortitude::Force,
		)?
	};
	let burned = T::Currency::burn_held(
		&reason,
		&info.creator,
		held.saturating_sub(paid),
		Precision::BestEffort,
		Fortitude::Force,
	)?;
	Pallet::<T>::take_down(content, &info, Zero::zero())?;
	ProvenInconsistent::<T>::insert(content, frame_system::Pallet::<T>::block_number());
	Pallet::<T>::deposit_event(Event::InconsistentUploadProven {
		content,
		segment,
		chunk,
		creator: info.creator,
		reporter,
		forfeited: paid.saturating_add(burned),
		reward: paid,
	});
	Ok(charged)
}
