//! Benchmarks of every call and of the delegate election (benchmarking v2).

use super::*;
use crate::Pallet as Sdpos;
use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{fungible::Mutate, Get},
	BoundedVec,
};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use sp_runtime::{traits::Saturating, Perbill};

const SEED: u32 = 0;

/// An account with plenty of POP and session keys.
fn funded<T: Config>(name: &'static str, i: u32) -> T::AccountId {
	let who: T::AccountId = account(name, i, SEED);
	let p = Params::<T>::get();
	let plenty = p
		.min_candidate_bond
		.max(p.min_superdelegate_bond)
		.max(p.min_voter_bond)
		.saturating_mul(1_000)
		.max(1_000_000_000_000_000);
	T::Currency::set_balance(&who, plenty);
	T::SessionKeys::set_keys_for_benchmarks(&who);
	who
}

fn candidate<T: Config>(i: u32) -> T::AccountId {
	let who = funded::<T>("candidate", i);
	let bond = Params::<T>::get().min_candidate_bond;
	Sdpos::<T>::register_candidate(RawOrigin::Signed(who.clone()).into(), bond, Perbill::zero())
		.expect("candidate registers");
	who
}

fn voter<T: Config>(i: u32, votes: Vec<T::AccountId>) -> T::AccountId {
	let who = funded::<T>("voter", i);
	let bond = Params::<T>::get().min_voter_bond.saturating_mul(10);
	Sdpos::<T>::bond(RawOrigin::Signed(who.clone()).into(), bond).expect("voter bonds");
	if !votes.is_empty() {
		Sdpos::<T>::vote(RawOrigin::Signed(who.clone()).into(), votes).expect("voter votes");
	}
	who
}

fn superdelegate<T: Config>(i: u32) -> T::AccountId {
	let who = funded::<T>("superdelegate", i);
	let bond = Params::<T>::get().min_superdelegate_bond;
	let (key, peer, proof) = identity_of::<T>(&who);
	Sdpos::<T>::register_superdelegate(
		RawOrigin::Signed(who.clone()).into(),
		bond,
		key,
		peer,
		addresses(),
		proof,
	)
	.expect("superdelegate registers");
	who
}

/// A fresh moderation key and libp2p peer id from the keystore, with `who`'s proof of both.
fn identity_of<T: Config>(who: &T::AccountId) -> (ModerationKey, PeerId, IdentityProof) {
	const KEYS: sp_core::crypto::KeyTypeId = sp_core::crypto::KeyTypeId(*b"bsdp");
	let message = identity::statement(&identity::genesis_hash::<T>(), who);
	let moderation = sp_io::crypto::ed25519_generate(KEYS, None);
	let peer = sp_io::crypto::ed25519_generate(KEYS, None);
	let sign = |key: &sp_core::ed25519::Public| -> [u8; 64] {
		let signature =
			sp_io::crypto::ed25519_sign(KEYS, key, &message).expect("the keystore signs");
		let bytes: &[u8] = signature.as_ref();
		bytes.try_into().expect("64 bytes")
	};
	let mut peer_id: Vec<u8> = alloc::vec![0x00, 0x24, 0x08, 0x01, 0x12, 0x20];
	let peer_bytes: &[u8] = peer.as_ref();
	peer_id.extend_from_slice(peer_bytes);
	let proof = IdentityProof { moderation: sign(&moderation), peer: Some(sign(&peer)) };
	let key_bytes: &[u8] = moderation.as_ref();
	let key: [u8; 32] = key_bytes.try_into().expect("32 bytes");
	(key, BoundedVec::truncate_from(peer_id), proof)
}

fn addresses() -> Addresses {
	let one: BoundedVec<u8, MaxAddressLen> = BoundedVec::truncate_from([1u8; 128].to_vec());
	BoundedVec::truncate_from(alloc::vec![one; 8])
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register_candidate() {
		let who = funded::<T>("caller", 0);
		let amount = Params::<T>::get().min_candidate_bond;
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), amount, Perbill::from_percent(5));
		assert!(Candidates::<T>::contains_key(&who));
	}

	#[benchmark]
	fn set_commission() {
		let who = candidate::<T>(0);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), Perbill::from_percent(7));
		assert_eq!(Candidates::<T>::get(&who).unwrap().commission, Perbill::from_percent(7));
	}

	#[benchmark]
	fn chill() {
		let who = candidate::<T>(0);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));
		assert!(Candidates::<T>::get(&who).unwrap().chilled);
	}

	#[benchmark]
	fn unchill() {
		let who = candidate::<T>(0);
		Sdpos::<T>::chill(RawOrigin::Signed(who.clone()).into()).unwrap();
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));
		assert!(!Candidates::<T>::get(&who).unwrap().chilled);
	}

	#[benchmark]
	fn leave_candidates() {
		let who = candidate::<T>(0);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));
		assert!(!Candidates::<T>::contains_key(&who));
	}

	#[benchmark]
	fn bond() {
		let who = voter::<T>(0, Vec::new());
		let more = Params::<T>::get().min_voter_bond;
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), more);
		assert_eq!(Voters::<T>::get(&who).unwrap().active, more.saturating_mul(11));
	}

	#[benchmark]
	fn vote(v: Linear<1, { T::MaxVotes::get() }>) {
		let targets: Vec<_> = (0..v).map(candidate::<T>).collect();
		let who = voter::<T>(0, Vec::new());
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), targets);
		assert_eq!(Voters::<T>::get(&who).unwrap().votes.len() as u32, v);
	}

	#[benchmark]
	fn unbond() {
		let who = voter::<T>(0, alloc::vec![candidate::<T>(0)]);
		let amount = Params::<T>::get().min_voter_bond;
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), amount);
		assert_eq!(Releases::<T>::get(&who).len(), 1);
	}

	#[benchmark]
	fn withdraw_unbonded() {
		let who = voter::<T>(0, Vec::new());
		let amount = Params::<T>::get().min_voter_bond;
		// The most releases an account may have, all unlocked.
		for _ in 0..T::MaxReleases::get() {
			Sdpos::<T>::unbond(RawOrigin::Signed(who.clone()).into(), amount).unwrap();
			Sdpos::<T>::bond(RawOrigin::Signed(who.clone()).into(), amount).unwrap();
		}
		let later: BlockNumberFor<T> = frame_system::Pallet::<T>::block_number()
			.saturating_add(Params::<T>::get().unbonding_period);
		frame_system::Pallet::<T>::set_block_number(later);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));
		assert!(Releases::<T>::get(&who).is_empty());
	}

	#[benchmark]
	fn register_superdelegate() {
		let who = funded::<T>("caller", 0);
		let amount = Params::<T>::get().min_superdelegate_bond;
		let (key, peer, proof) = identity_of::<T>(&who);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), amount, key, peer, addresses(), proof);
		assert!(SuperdelegateCandidates::<T>::contains_key(&who));
	}

	#[benchmark]
	fn update_superdelegate() {
		// A member of the moderation set: its new key and peer id are reserved and scheduled.
		let who = superdelegate::<T>(0);
		Superdelegates::<T>::put(BoundedVec::truncate_from(alloc::vec![who.clone()]));
		let (key, peer, proof) = identity_of::<T>(&who);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), key, peer, addresses(), proof);
		assert_eq!(PendingIdentities::<T>::get(&who).unwrap().moderation_key, key);
	}

	#[benchmark]
	fn leave_superdelegates() {
		let who = superdelegate::<T>(0);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));
		assert!(!SuperdelegateCandidates::<T>::contains_key(&who));
	}

	#[benchmark]
	fn vote_superdelegates(v: Linear<1, { T::MaxVotes::get() }>) {
		let targets: Vec<_> = (0..v).map(superdelegate::<T>).collect();
		let who = funded::<T>("delegate", 0);
		Delegates::<T>::put(BoundedVec::truncate_from(alloc::vec![who.clone()]));
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), targets);
		assert_eq!(SuperdelegateVotes::<T>::get(&who).unwrap().len() as u32, v);
	}

	#[benchmark]
	fn set_params() {
		let mut params = Params::<T>::get();
		params.offline_slash = Perbill::from_percent(2);
		#[extrinsic_call]
		_(RawOrigin::Root, params.clone());
		assert_eq!(Params::<T>::get(), params);
	}

	/// A delegate backed by `b` voters is punished: all of them are slashed.
	#[benchmark]
	fn punish(b: Linear<0, { T::MaxBackers::get() }>) {
		let who = candidate::<T>(0);
		let era = CurrentEra::<T>::get();
		let stake = Params::<T>::get().min_voter_bond.saturating_mul(10);
		let others: Vec<_> =
			(0..b).map(|i| (voter::<T>(i, alloc::vec![who.clone()]), stake)).collect();
		let own = Candidates::<T>::get(&who).expect("registered").bond;
		let total = own.saturating_add(stake.saturating_mul(b.into()));
		let exposure = Exposure { total, own, others: BoundedVec::truncate_from(others) };
		Exposures::<T>::insert(era, &who, exposure);
		#[extrinsic_call]
		_(RawOrigin::Root, who.clone(), Perbill::from_percent(10));
		assert!(Candidates::<T>::get(&who).expect("still a candidate").chilled);
	}

	/// The election over `c` candidates and `v` voters who each approve `MaxVotes` of them:
	/// what an era change costs, and so how many candidates and voters fit in a block.
	#[benchmark]
	fn elect(c: Linear<4, { T::MaxCandidates::get() }>, v: Linear<0, { T::MaxVoters::get() }>) {
		// Genesis candidates count towards `c` and the bound.
		let room = T::MaxCandidates::get().saturating_sub(Candidates::<T>::count());
		let candidates: Vec<_> = (0..c.min(room)).map(candidate::<T>).collect();
		let per_voter = (T::MaxVotes::get() as usize).min(candidates.len());
		for i in 0..v {
			let start = (i as usize * 7) % candidates.len();
			let votes = (0..per_voter)
				.map(|k| candidates[(start + k) % candidates.len()].clone())
				.collect();
			voter::<T>(i, votes);
		}
		let winners;
		#[block]
		{
			winners = Sdpos::<T>::run_election();
		}
		let expected = Params::<T>::get().num_delegates.min(Candidates::<T>::count()) as usize;
		assert_eq!(winners.expect("an election result").len(), expected);
	}

	impl_benchmark_test_suite!(Sdpos, crate::mock::new_test_ext(), crate::mock::Test);
}
