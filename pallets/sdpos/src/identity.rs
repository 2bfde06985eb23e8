//! Superdelegate identities: a moderation key and a libp2p peer id per superdelegate, each
//! proven (the registrant signs with both keys), each owned by one account at a time, and
//! changed only at an era boundary for members of the moderation set.
//!
//! The statement signed is `SCALE(IDENTITY_CONTEXT, genesis hash, account)`: bound to the chain
//! (a proof for a test network does not register on the main chain) and to the account (a proof
//! copied from another registration does not verify for the copier). A libp2p peer id of an
//! ed25519 key is the identity multihash of the key's protobuf encoding, so the pallet reads the
//! key out of the peer id itself; peer ids of other key types are refused.
//!
//! Low-order ed25519 points are refused as moderation keys: anything sealed to one opens with a
//! secret everyone knows, and a signature "by" one proves nothing.

use crate::{
	Config, Error, Event, IdentityProof, KeyOwner, ModerationKey, Pallet, PeerId, PeerOwner,
	PendingIdentities, PendingIdentity, SuperdelegateCandidates, Superdelegates,
};
use codec::Encode;
use frame_support::ensure;
use sp_runtime::traits::Zero;

/// The domain of the identity statement.
pub const IDENTITY_CONTEXT: &[u8] = b"pop-network/superdelegate-identity/v1";

/// What a registrant signs with its moderation key and its peer key.
pub fn statement(genesis: &[u8; 32], who: &impl Encode) -> alloc::vec::Vec<u8> {
	(IDENTITY_CONTEXT, genesis, who).encode()
}

/// The chain's genesis hash (`frame_system` keeps block 0's hash for good).
pub fn genesis_hash<T: Config>() -> [u8; 32] {
	frame_system::Pallet::<T>::block_hash(frame_system::pallet_prelude::BlockNumberFor::<T>::zero())
		.as_ref()
		.try_into()
		.unwrap_or_default()
}

/// The ed25519 key inside a libp2p peer id: `0x00 0x24` (identity multihash of 36 bytes), then
/// the protobuf `PublicKey { Type = Ed25519 (1), Data = 32 bytes }`: `0x08 0x01 0x12 0x20`.
pub fn peer_key(peer_id: &[u8]) -> Option<[u8; 32]> {
	let rest = peer_id.strip_prefix(&[0x00, 0x24, 0x08, 0x01, 0x12, 0x20])?;
	rest.try_into().ok()
}

/// Whether `key` encodes a point of the small subgroup of edwards25519 (any of its encodings,
/// the sign bit ignored, non-canonical ones included), as libsodium's `has_small_order` checks.
pub fn is_low_order(key: &[u8; 32]) -> bool {
	const BLOCKED: [[u8; 32]; 7] = [
		// 0 (order 4)
		[0; 32],
		// 1 (order 1)
		[
			0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
			0, 0, 0, 0,
		],
		// Order 8.
		[
			0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef,
			0x98, 0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88,
			0x6d, 0x53, 0xfc, 0x05,
		],
		// Order 8.
		[
			0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10,
			0x67, 0x0f, 0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77,
			0x92, 0xac, 0x03, 0x7a,
		],
		// p − 1 (order 2)
		[
			0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			0xff, 0xff, 0xff, 0x7f,
		],
		// p (= 0, non-canonical)
		[
			0xed, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			0xff, 0xff, 0xff, 0x7f,
		],
		// p + 1 (= 1, non-canonical)
		[
			0xee, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			0xff, 0xff, 0xff, 0x7f,
		],
	];
	BLOCKED.iter().any(|b| b[..31] == key[..31] && (b[31] & 0x7f) == (key[31] & 0x7f))
}

fn verify(signature: &[u8; 64], message: &[u8], key: &[u8; 32]) -> bool {
	sp_io::crypto::ed25519_verify(
		&sp_core::ed25519::Signature::from_raw(*signature),
		message,
		&sp_core::ed25519::Public::from_raw(*key),
	)
}

impl<T: Config> Pallet<T> {
	/// What proving and indexing an identity adds to `register_superdelegate` and
	/// `update_superdelegate` beyond their benchmarked weights until `scripts/bench-weights
	/// sdpos` is rerun with the benchmarks that now include it: two ed25519 verifications (the
	/// host function takes about 50 µs each on reference hardware) and the genesis hash, both
	/// owner indexes and the pending change read (4) and written (5, with releases).
	pub fn identity_weight() -> frame_support::weights::Weight {
		use frame_support::traits::Get;
		frame_support::weights::Weight::from_parts(2 * 50_000_000, 2 * 3_700)
			.saturating_add(T::DbWeight::get().reads_writes(4, 5))
	}

	/// Checks that `who` may take `moderation_key` and `peer_id`: a key of full order, a peer id
	/// of an ed25519 key (or none), both proven by `proof`, and neither owned by another
	/// account.
	pub(crate) fn check_identity(
		who: &T::AccountId,
		moderation_key: &ModerationKey,
		peer_id: &PeerId,
		proof: &IdentityProof,
	) -> Result<(), Error<T>> {
		ensure!(!is_low_order(moderation_key), Error::<T>::LowOrderModerationKey);
		let message = statement(&genesis_hash::<T>(), who);
		ensure!(
			verify(&proof.moderation, &message, moderation_key),
			Error::<T>::BadModerationKeyProof
		);
		ensure!(
			KeyOwner::<T>::get(moderation_key).is_none_or(|owner| owner == *who),
			Error::<T>::ModerationKeyInUse
		);
		if !peer_id.is_empty() {
			let key = peer_key(peer_id).ok_or(Error::<T>::UnsupportedPeerId)?;
			let signature = proof.peer.as_ref().ok_or(Error::<T>::BadPeerIdProof)?;
			ensure!(verify(signature, &message, &key), Error::<T>::BadPeerIdProof);
			ensure!(
				PeerOwner::<T>::get(peer_id).is_none_or(|owner| owner == *who),
				Error::<T>::PeerIdInUse
			);
		}
		Ok(())
	}

	/// Records `who` as the owner of `moderation_key` and `peer_id` (an empty one is owned by
	/// no one).
	pub(crate) fn own_identity(
		who: &T::AccountId,
		moderation_key: &ModerationKey,
		peer_id: &PeerId,
	) {
		KeyOwner::<T>::insert(moderation_key, who);
		if !peer_id.is_empty() {
			PeerOwner::<T>::insert(peer_id, who);
		}
	}

	/// Frees `moderation_key` if `who` owns it.
	pub(crate) fn release_key(who: &T::AccountId, moderation_key: &ModerationKey) {
		if KeyOwner::<T>::get(moderation_key).as_ref() == Some(who) {
			KeyOwner::<T>::remove(moderation_key);
		}
	}

	/// Frees `peer_id` if `who` owns it.
	pub(crate) fn release_peer(who: &T::AccountId, peer_id: &PeerId) {
		if !peer_id.is_empty() && PeerOwner::<T>::get(peer_id).as_ref() == Some(who) {
			PeerOwner::<T>::remove(peer_id);
		}
	}

	/// Frees what `who` holds or has reserved: its current identity `current` and any change it
	/// scheduled.
	pub(crate) fn release_identity(who: &T::AccountId, current: (&ModerationKey, &PeerId)) {
		Self::release_key(who, current.0);
		Self::release_peer(who, current.1);
		if let Some(pending) = PendingIdentities::<T>::take(who) {
			Self::release_key(who, &pending.moderation_key);
			Self::release_peer(who, &pending.peer_id);
		}
	}

	/// Whether a change of `who`'s identity must wait for the next era: it is a member of the
	/// current moderation set whose sidecar is known to the others (it has a peer id).
	pub(crate) fn identity_in_use(who: &T::AccountId, current_peer_id: &PeerId) -> bool {
		!current_peer_id.is_empty() && Superdelegates::<T>::get().contains(who)
	}

	/// Puts `who`'s new identity in place, frees the old one, and says so.
	pub(crate) fn switch_identity(who: &T::AccountId, new: PendingIdentity) {
		let Some(mut info) = SuperdelegateCandidates::<T>::get(who) else { return };
		if info.moderation_key != new.moderation_key {
			Self::release_key(who, &info.moderation_key);
		}
		if info.peer_id != new.peer_id {
			Self::release_peer(who, &info.peer_id);
		}
		info.moderation_key = new.moderation_key;
		info.peer_id = new.peer_id;
		SuperdelegateCandidates::<T>::insert(who, info);
		Self::deposit_event(Event::SuperdelegateUpdated {
			who: who.clone(),
			moderation_key: new.moderation_key,
		});
	}

	/// At an era boundary, before the next moderation set is chosen: every scheduled change of
	/// identity takes effect. Returns how many did.
	pub(crate) fn apply_pending_identities() -> u32 {
		let pending: alloc::vec::Vec<_> = PendingIdentities::<T>::drain().collect();
		let count = pending.len() as u32;
		for (who, new) in pending {
			Self::switch_identity(&who, new);
		}
		count
	}
}

#[cfg(any(feature = "try-runtime", test))]
impl<T: Config> Pallet<T> {
	/// Every owned key and peer id belongs to a superdelegate that uses it or switches to it.
	pub fn check_identities() -> Result<(), sp_runtime::TryRuntimeError> {
		let holds = |who: &T::AccountId, f: &dyn Fn(&PendingIdentity) -> bool| {
			let current = SuperdelegateCandidates::<T>::get(who)
				.map(|i| PendingIdentity { moderation_key: i.moderation_key, peer_id: i.peer_id });
			current.as_ref().is_some_and(f)
				|| PendingIdentities::<T>::get(who).as_ref().is_some_and(f)
		};
		for (key, who) in KeyOwner::<T>::iter() {
			ensure!(holds(&who, &|i| i.moderation_key == key), "a moderation key owned by no user");
		}
		for (peer, who) in PeerOwner::<T>::iter() {
			ensure!(holds(&who, &|i| i.peer_id == peer), "a peer id owned by no user");
		}
		Ok(())
	}
}
