use crate::{mock::*, pallet::*, types::*, Error, Event, RewardPoints};
use frame_support::{
	assert_noop, assert_ok,
	traits::fungible::{Inspect, InspectFreeze, InspectHold},
};
use sp_runtime::{DispatchError, Perbill};

fn held(who: u64, reason: HoldReason) -> u128 {
	Balances::balance_on_hold(&RuntimeHoldReason::Sdpos(reason), &who)
}

fn frozen(who: u64) -> u128 {
	Balances::balance_frozen(&RuntimeFreezeReason::Sdpos(FreezeReason::VoterBond), &who)
}

fn signed(who: u64) -> RuntimeOrigin {
	RuntimeOrigin::signed(who)
}

fn delegates() -> Vec<u64> {
	Delegates::<Test>::get().into_inner()
}

#[test]
fn genesis_sets_delegates_bonds_and_exposures() {
	new_test_ext().execute_with(|| {
		assert_eq!(delegates(), vec![1, 2]);
		assert_eq!(held(1, HoldReason::CandidateBond), 1_000);
		assert_eq!(Exposures::<Test>::get(1, 2).unwrap().total, 1_000);
		assert_eq!(Sdpos::bonded(&1), 1_000);
	});
}

#[test]
fn registering_a_candidate_holds_its_bond_and_bad_registrations_lose_nothing() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			Sdpos::register_candidate(signed(3), 99, Perbill::zero()),
			Error::<Test>::BondTooLow
		);
		assert_noop!(
			Sdpos::register_candidate(signed(3), 10_000, Perbill::zero()),
			Error::<Test>::InsufficientBalance
		);
		NoKeys::set(vec![3]);
		assert_noop!(
			Sdpos::register_candidate(signed(3), 500, Perbill::zero()),
			Error::<Test>::NoSessionKeys
		);
		NoKeys::set(vec![]);
		assert_ok!(Sdpos::register_candidate(signed(3), 500, Perbill::from_percent(5)));
		assert_eq!(held(3, HoldReason::CandidateBond), 500);
		assert_eq!(Balances::balance(&3), 9_500);
		assert_noop!(
			Sdpos::register_candidate(signed(3), 500, Perbill::zero()),
			Error::<Test>::AlreadyCandidate
		);
		assert_ok!(Sdpos::bond(signed(4), 50));
		assert_noop!(
			Sdpos::register_candidate(signed(4), 500, Perbill::zero()),
			Error::<Test>::IsVoter
		);
		assert_noop!(Sdpos::bond(signed(3), 50), Error::<Test>::IsCandidate);
		assert!(events().contains(&Event::CandidateRegistered {
			who: 3,
			bond: 500,
			commission: Perbill::from_percent(5)
		}));
	});
}

#[test]
fn the_candidate_list_is_bounded() {
	new_test_ext().execute_with(|| {
		// Two genesis delegates; the list holds twenty.
		for who in 3..=20 {
			assert_ok!(Sdpos::register_candidate(signed(who), 100, Perbill::zero()));
		}
		assert_noop!(
			Sdpos::register_candidate(signed(21), 100, Perbill::zero()),
			Error::<Test>::TooManyCandidates
		);
	});
}

#[test]
fn voters_bond_by_freezing_and_vote_only_for_candidates() {
	new_test_ext().execute_with(|| {
		assert_noop!(Sdpos::vote(signed(5), vec![1]), Error::<Test>::NotVoter);
		assert_noop!(Sdpos::bond(signed(5), 9), Error::<Test>::BondTooLow);
		assert_noop!(Sdpos::bond(signed(5), 10_001), Error::<Test>::InsufficientBalance);
		assert_noop!(Sdpos::bond(signed(5), 0), Error::<Test>::ZeroAmount);
		assert_ok!(Sdpos::bond(signed(5), 4_000));
		assert_ok!(Sdpos::bond(signed(5), 1_000));
		assert_eq!(frozen(5), 5_000);
		// Frozen, not taken: the balance stays, and only the rest can be spent.
		assert_eq!(Balances::balance(&5), 10_000);
		assert_noop!(
			Balances::transfer_allow_death(signed(5), 6, 5_001),
			sp_runtime::TokenError::Frozen
		);
		assert_noop!(Sdpos::bond(signed(5), 5_001), Error::<Test>::InsufficientBalance);

		assert_noop!(Sdpos::vote(signed(5), vec![]), Error::<Test>::EmptyVotes);
		assert_noop!(Sdpos::vote(signed(5), vec![1, 7]), Error::<Test>::NotACandidate);
		assert_noop!(Sdpos::vote(signed(5), vec![1, 1]), Error::<Test>::DuplicateVote);
		assert_noop!(Sdpos::vote(signed(5), (1..=17).collect()), Error::<Test>::TooManyVotes);
		assert_ok!(Sdpos::vote(signed(5), vec![2, 1]));
		assert_eq!(Voters::<Test>::get(5).unwrap().votes.into_inner(), vec![2, 1]);
		assert_eq!(Sdpos::bonded(&5), 5_000);
	});
}

#[test]
fn unbonding_waits_for_the_unbonding_period() {
	new_test_ext().execute_with(|| {
		assert_ok!(Sdpos::bond(signed(5), 1_000));
		assert_noop!(Sdpos::unbond(signed(5), 1_001), Error::<Test>::UnbondTooMuch);
		assert_noop!(Sdpos::unbond(signed(5), 995), Error::<Test>::BondTooLow);
		assert_ok!(Sdpos::unbond(signed(5), 400));
		assert_eq!(Voters::<Test>::get(5).unwrap().active, 600);
		// Unbonding POP stays frozen and no longer counts.
		assert_eq!(frozen(5), 1_000);
		assert_eq!(Sdpos::bonded(&5), 600);
		assert_noop!(Sdpos::withdraw_unbonded(signed(5)), Error::<Test>::NothingToWithdraw);
		System::set_block_number(1 + 20);
		assert_ok!(Sdpos::withdraw_unbonded(signed(5)));
		assert_eq!(frozen(5), 600);
		assert!(events().contains(&Event::Withdrawn { who: 5, amount: 400 }));
		// Unbonding everything ends the voter; the releases are bounded.
		assert_ok!(Sdpos::unbond(signed(5), 600));
		assert!(Voters::<Test>::get(5).is_none());
		assert_ok!(Sdpos::bond(signed(5), 100));
		assert_ok!(Sdpos::unbond(signed(5), 50));
		assert_ok!(Sdpos::bond(signed(5), 100));
		assert_noop!(Sdpos::unbond(signed(5), 50), Error::<Test>::TooManyReleases);
		System::set_block_number(1 + 40);
		assert_ok!(Sdpos::withdraw_unbonded(signed(5)));
		assert_eq!(frozen(5), 150);
	});
}

#[test]
fn an_elected_candidate_takes_over_one_era_later_and_the_weakest_drops_out() {
	new_test_ext().execute_with(|| {
		assert_ok!(Sdpos::register_candidate(signed(3), 500, Perbill::zero()));
		assert_ok!(Sdpos::bond(signed(10), 2_000));
		assert_ok!(Sdpos::vote(signed(10), vec![3, 2]));
		// Era 0 ends: era 1 runs the genesis set, era 2's set is elected now.
		end_era(&[1, 2]);
		assert_eq!(CurrentEra::<Test>::get(), 1);
		assert_eq!(delegates(), vec![1, 2]);
		assert!(events().iter().any(|e| matches!(e,
			Event::DelegatesElected { era: 2, delegates } if delegates.iter().map(|d| d.0).collect::<Vec<_>>() == vec![2, 3])));
		end_era(&[1, 2]);
		assert_eq!(delegates(), vec![2, 3]);
		let exposure = Exposures::<Test>::get(2, 3).unwrap();
		assert_eq!(exposure.own, 500);
		// Voter 10's 2,000 is split between 3 and 2, all of it.
		let to_2 = Exposures::<Test>::get(2, 2).unwrap().others.iter().map(|o| o.1).sum::<u128>();
		let to_3 = exposure.others.iter().map(|o| o.1).sum::<u128>();
		assert!(2_000 - (to_2 + to_3) <= 2, "{to_2} + {to_3}");
	});
}

#[test]
fn the_set_is_never_empty_and_never_includes_a_candidate_without_keys() {
	new_test_ext().execute_with(|| {
		assert_ok!(Sdpos::chill(signed(1)));
		assert_noop!(Sdpos::chill(signed(1)), Error::<Test>::AlreadyChilled);
		NoKeys::set(vec![2]);
		end_era(&[1, 2]);
		assert!(events().contains(&Event::ElectionKeptSet { era: 2 }));
		end_era(&[1, 2]);
		assert_eq!(delegates(), vec![1, 2]);
		// With keys again, 2 is elected alone; 1 stays chilled until it asks.
		NoKeys::set(vec![]);
		end_era(&[1, 2]);
		end_era(&[1, 2]);
		assert_eq!(delegates(), vec![2]);
		assert_ok!(Sdpos::unchill(signed(1)));
		assert_noop!(Sdpos::unchill(signed(1)), Error::<Test>::NotChilled);
	});
}

#[test]
fn rewards_follow_blocks_commission_and_stake() {
	new_test_ext().execute_with(|| {
		assert_ok!(Sdpos::set_commission(signed(1), Perbill::from_percent(10)));
		let issuance = Balances::total_issuance();
		let start = EraStart::<Test>::get();
		// 1 authors every block of the era, 2 authors none... but give 2 one block so that
		// nobody is offline: authors 1,1,1,2 in turn.
		end_era(&[1, 1, 1, 2]);
		let elapsed = System::block_number() - start;
		// 10 % a year of the issuance, over `elapsed` of 1,000 blocks a year.
		let payout = Perbill::from_rational(elapsed, 1_000).mul_floor(issuance / 10);
		let delegates_pool = payout - 2 * (payout / 10);
		let blocks_1 = (0..10).filter(|i| i % 4 != 3).count() as u64;
		let reward_1 = Perbill::from_rational(blocks_1, 10).mul_floor(delegates_pool);
		let reward_2 = Perbill::from_rational(10 - blocks_1, 10).mul_floor(delegates_pool);
		// Each delegate is backed by itself only: it gets all of its reward.
		assert_eq!(Balances::total_balance(&1), 10_000 + reward_1);
		assert_eq!(Balances::total_balance(&2), 10_000 + reward_2);
		// Points earned nothing: no superdelegates or masternodes were credited.
		assert!(events().contains(&Event::EraPaid {
			era: 0,
			delegates: reward_1 + reward_2,
			superdelegates: 0,
			masternodes: 0
		}));
	});
}

#[test]
fn voters_share_a_delegates_reward_after_commission() {
	new_test_ext().execute_with(|| {
		assert_ok!(Sdpos::register_candidate(signed(3), 1_000, Perbill::from_percent(20)));
		assert_ok!(Sdpos::bond(signed(10), 3_000));
		assert_ok!(Sdpos::vote(signed(10), vec![3]));
		end_era(&[1, 2]);
		end_era(&[1, 2]);
		assert_eq!(delegates(), vec![1, 3]);
		let before_3 = Balances::total_balance(&3);
		let before_10 = Balances::total_balance(&10);
		let issuance = Balances::total_issuance();
		let start = EraStart::<Test>::get();
		end_era(&[3]);
		let elapsed = System::block_number() - start;
		let payout = Perbill::from_rational(elapsed, 1_000).mul_floor(issuance / 10);
		let reward = payout - 2 * (payout / 10);
		let commission = reward / 5;
		let rest = reward - commission;
		// Stake 1,000 own and 3,000 from voter 10: a quarter and three quarters.
		let own = Perbill::from_rational(1_000u128, 4_000).mul_floor(rest);
		let voter = Perbill::from_rational(3_000u128, 4_000).mul_floor(rest);
		assert_eq!(Balances::total_balance(&3) - before_3, commission + own);
		assert_eq!(Balances::total_balance(&10) - before_10, voter);
	});
}

#[test]
fn points_share_the_superdelegate_and_masternode_pools() {
	new_test_ext().execute_with(|| {
		let issuance = Balances::total_issuance();
		let start = EraStart::<Test>::get();
		Sdpos::reward_superdelegate(&20, 3);
		Sdpos::reward_superdelegate(&21, 1);
		Sdpos::reward_masternode(&22, 7);
		end_era(&[1, 2]);
		let elapsed = System::block_number() - start;
		let payout = Perbill::from_rational(elapsed, 1_000).mul_floor(issuance / 10);
		let pool = payout / 10;
		assert_eq!(
			Balances::total_balance(&20),
			10_000 + Perbill::from_rational(3u64, 4).mul_floor(pool)
		);
		assert_eq!(
			Balances::total_balance(&21),
			10_000 + Perbill::from_rational(1u64, 4).mul_floor(pool)
		);
		assert_eq!(Balances::total_balance(&22), 10_000 + pool);
		assert_eq!(SuperdelegatePoints::<Test>::count(), 0);
	});
}

/// Candidate 3 (own bond 1,000), backed by voter 10 (3,000), is elected and authoring.
fn elect_3_backed_by_10() {
	assert_ok!(Sdpos::register_candidate(signed(3), 1_000, Perbill::zero()));
	assert_ok!(Sdpos::bond(signed(10), 3_000));
	assert_ok!(Sdpos::vote(signed(10), vec![3]));
	end_era(&[1, 2]);
	end_era(&[1, 2]);
	assert_eq!(delegates(), vec![1, 3]);
}

#[test]
fn an_offline_delegate_is_chilled_and_slashed_with_its_voters() {
	new_test_ext().execute_with(|| {
		elect_3_backed_by_10();
		let voter_before = Balances::total_balance(&10);
		// Delegate 3 authors nothing through era 2.
		end_era(&[1]);
		assert!(Candidates::<Test>::get(3).unwrap().chilled);
		assert!(events().contains(&Event::DelegateOffline { who: 3, era: 2 }));
		// 10 % of its own 1,000 and of voter 10's 3,000.
		assert_eq!(held(3, HoldReason::CandidateBond), 900);
		assert_eq!(Candidates::<Test>::get(3).unwrap().bond, 900);
		assert_eq!(Balances::total_balance(&10), voter_before - 300);
		assert_eq!(Voters::<Test>::get(10).unwrap().active, 2_700);
		assert_eq!(frozen(10), 2_700);
		assert!(events().contains(&Event::Slashed { who: 10, amount: 300 }));
		// The delegate that did author is untouched and still elected; 3 drops out.
		end_era(&[1]);
		assert_eq!(delegates(), vec![1, 2]);
	});
}

#[test]
fn governance_punishes_a_delegate_with_its_voters_and_a_candidate_alone() {
	new_test_ext().execute_with(|| {
		elect_3_backed_by_10();
		let era = CurrentEra::<Test>::get();
		let voter_before = Balances::total_balance(&10);
		// Only the punishing origin; only candidates; nothing changes on a refusal.
		assert_noop!(Sdpos::punish(signed(1), 3, Perbill::one()), DispatchError::BadOrigin);
		assert_noop!(
			Sdpos::punish(RuntimeOrigin::root(), 10, Perbill::one()),
			Error::<Test>::NotCandidate
		);
		// 20 % of delegate 3's own 1,000 and of voter 10's 3,000 in this era's exposure.
		assert_ok!(Sdpos::punish(RuntimeOrigin::root(), 3, Perbill::from_percent(20)));
		assert!(Candidates::<Test>::get(3).unwrap().chilled);
		assert_eq!(held(3, HoldReason::CandidateBond), 800);
		assert_eq!(Balances::total_balance(&10), voter_before - 600);
		assert_eq!(frozen(10), 2_400);
		let punished =
			Event::CandidatePunished { who: 3, era, fraction: Perbill::from_percent(20) };
		assert!(events().contains(&punished));
		assert!(events().contains(&Event::Slashed { who: 3, amount: 200 }));
		assert!(events().contains(&Event::Slashed { who: 10, amount: 600 }));
		// Chilled, it is not elected again.
		end_era(&[1, 3]);
		end_era(&[1, 3]);
		assert!(!delegates().contains(&3));
		// A candidate that is not a delegate loses a share of its own bond only.
		assert_ok!(Sdpos::register_candidate(signed(4), 2_000, Perbill::zero()));
		assert_ok!(Sdpos::punish(RuntimeOrigin::root(), 4, Perbill::from_percent(50)));
		assert_eq!(held(4, HoldReason::CandidateBond), 1_000);
		assert!(Candidates::<Test>::get(4).unwrap().chilled);
	});
}

#[test]
fn leaving_and_unbonding_do_not_escape_a_punishment() {
	new_test_ext().execute_with(|| {
		elect_3_backed_by_10();
		// Unbonding outlasts the eras below.
		Params::<Test>::mutate(|p| p.unbonding_period = 100);
		let voter_before = Balances::total_balance(&10);
		// The attack: once its misbehaviour is known, delegate 3 leaves and its voter 10
		// unbonds everything, before the emergency referendum passes.
		assert_ok!(Sdpos::leave_candidates(signed(3)));
		assert_ok!(Sdpos::unbond(signed(10), 3_000));
		assert!(Candidates::<Test>::get(3).is_none());
		assert!(Voters::<Test>::get(10).is_none());
		// Still punishable while the bonds unbond: 20 % of 1,000 and of 3,000.
		assert_ok!(Sdpos::punish(RuntimeOrigin::root(), 3, Perbill::from_percent(20)));
		assert_eq!(held(3, HoldReason::CandidateBond), 800);
		assert_eq!(Balances::total_balance(&10), voter_before - 600);
		assert_eq!(frozen(10), 2_400);
		assert!(events().contains(&Event::Slashed { who: 3, amount: 200 }));
		assert!(events().contains(&Event::Slashed { who: 10, amount: 600 }));
		// An era later it is no delegate, and what it still unbonds is punishable.
		end_era(&[1, 3]);
		end_era(&[1, 3]);
		assert!(!delegates().contains(&3));
		let before = Balances::total_balance(&3);
		assert_ok!(Sdpos::punish(RuntimeOrigin::root(), 3, Perbill::from_percent(50)));
		assert_eq!(held(3, HoldReason::CandidateBond), 400);
		assert_eq!(Balances::total_balance(&3), before - 400);
		// What is left unlocks as usual; once unlocked it is the owner's, withdrawn or not.
		System::set_block_number(System::block_number() + 200);
		assert_noop!(
			Sdpos::punish(RuntimeOrigin::root(), 3, Perbill::from_percent(20)),
			Error::<Test>::NotCandidate
		);
		assert_ok!(Sdpos::withdraw_unbonded(signed(3)));
		assert_ok!(Sdpos::withdraw_unbonded(signed(10)));
		assert_eq!(held(3, HoldReason::CandidateBond), 0);
		assert_eq!(frozen(10), 0);
		// Once unlocked and withdrawn, there is nothing left to punish.
		assert_noop!(
			Sdpos::punish(RuntimeOrigin::root(), 3, Perbill::from_percent(20)),
			Error::<Test>::NotCandidate
		);
	});
}

#[test]
fn nobody_is_slashed_when_the_whole_chain_stalled() {
	new_test_ext().execute_with(|| {
		end_era(&[]);
		assert!(!Candidates::<Test>::get(1).unwrap().chilled);
		assert_eq!(held(1, HoldReason::CandidateBond), 1_000);
	});
}

#[test]
fn leaving_candidates_releases_the_bond_after_the_unbonding_period() {
	new_test_ext().execute_with(|| {
		assert_ok!(Sdpos::register_candidate(signed(3), 500, Perbill::zero()));
		assert_ok!(Sdpos::leave_candidates(signed(3)));
		assert_noop!(Sdpos::leave_candidates(signed(3)), Error::<Test>::NotCandidate);
		assert_eq!(held(3, HoldReason::CandidateBond), 500);
		assert_eq!(Sdpos::bonded(&3), 0);
		assert_noop!(Sdpos::withdraw_unbonded(signed(3)), Error::<Test>::NothingToWithdraw);
		System::set_block_number(21);
		assert_ok!(Sdpos::withdraw_unbonded(signed(3)));
		assert_eq!(held(3, HoldReason::CandidateBond), 0);
		assert_eq!(Balances::balance(&3), 10_000);
	});
}

/// Superdelegate `who`'s identity made from `seed`: its moderation key, the peer id of its
/// sidecar's libp2p key, and its proof of both on the mock chain.
fn identity(who: u64, seed: u8) -> (ModerationKey, PeerId, IdentityProof) {
	identity_on(&crate::identity::genesis_hash::<Test>(), who, seed)
}

fn identity_on(genesis: &[u8; 32], who: u64, seed: u8) -> (ModerationKey, PeerId, IdentityProof) {
	use sp_core::Pair;
	let moderation = sp_core::ed25519::Pair::from_seed(&[seed; 32]);
	let peer = sp_core::ed25519::Pair::from_seed(&[seed.wrapping_add(100); 32]);
	let message = crate::identity::statement(genesis, &who);
	let mut peer_id = vec![0x00, 0x24, 0x08, 0x01, 0x12, 0x20];
	peer_id.extend_from_slice(&peer.public().0);
	let proof = IdentityProof {
		moderation: moderation.sign(&message).0,
		peer: Some(peer.sign(&message).0),
	};
	(moderation.public().0, peer_id.try_into().unwrap(), proof)
}

fn register(who: u64, bond: u128, seed: u8) -> frame_support::dispatch::DispatchResult {
	let (key, peer, proof) = identity(who, seed);
	Sdpos::register_superdelegate(signed(who), bond, key, peer, addrs(), proof)
}

fn addrs() -> Addresses {
	vec![b"/ip4/127.0.0.1/tcp/30555".to_vec().try_into().unwrap()].try_into().unwrap()
}

#[test]
fn delegates_elect_the_moderation_set() {
	new_test_ext().execute_with(|| {
		for (who, bond) in [(20, 100), (21, 300), (22, 200)] {
			assert_ok!(register(who, bond, who as u8));
		}
		assert_noop!(register(20, 100, 40), Error::<Test>::AlreadySuperdelegate);
		assert_noop!(register(23, 99, 23), Error::<Test>::BondTooLow);
		assert_noop!(Sdpos::vote_superdelegates(signed(5), vec![20]), Error::<Test>::NotDelegate);
		assert_noop!(Sdpos::vote_superdelegates(signed(1), vec![5]), Error::<Test>::NotACandidate);
		assert_ok!(Sdpos::vote_superdelegates(signed(1), vec![20, 22]));
		assert_ok!(Sdpos::vote_superdelegates(signed(2), vec![20, 21]));
		end_era(&[1, 2]);
		// 20 has two approvals; 21 and 22 one each, 21 with the larger bond; two seats.
		assert_eq!(Superdelegates::<Test>::get().into_inner(), vec![20, 21]);
		let set = Sdpos::moderation_set();
		assert_eq!(set[1].1.moderation_key, identity(21, 21).0);
		assert_ok!(Sdpos::leave_superdelegates(signed(20)));
		assert_eq!(held(20, HoldReason::SuperdelegateBond), 100);
		end_era(&[1, 2]);
		assert_eq!(Superdelegates::<Test>::get().into_inner(), vec![21, 22]);
		assert_ok!(Sdpos::check_identities());
	});
}

#[test]
fn a_copied_moderation_key_or_peer_id_is_refused() {
	new_test_ext().execute_with(|| {
		assert_ok!(register(21, 100, 21));
		let (key, peer, proof) = identity(21, 21);
		// The attack: 23 registers 21's public key and peer id, to earn its reward points and
		// silence its sidecar. 23 has only what is public: 21's keys and 21's own proof.
		let copy = |peer: PeerId, proof: IdentityProof| {
			Sdpos::register_superdelegate(signed(23), 100, key, peer, addrs(), proof)
		};
		assert_noop!(copy(peer.clone(), proof.clone()), Error::<Test>::BadModerationKeyProof);
		// A key 23 really holds, with 21's peer id and 21's signature of it.
		let (own_key, _, own_proof) = identity(23, 23);
		assert_noop!(
			Sdpos::register_superdelegate(
				signed(23),
				100,
				own_key,
				peer.clone(),
				addrs(),
				IdentityProof { peer: proof.peer, ..own_proof.clone() }
			),
			Error::<Test>::BadPeerIdProof
		);
		// An operator that holds both keys (one machine, two accounts) still may not use them
		// twice: each belongs to one superdelegate.
		let (_, _, proof_by_23) = identity(23, 21);
		assert_noop!(copy(peer.clone(), proof_by_23.clone()), Error::<Test>::ModerationKeyInUse);
		let (own_key, own_peer, _) = identity(23, 23);
		let mut both = proof_by_23.clone();
		both.moderation = own_proof.moderation;
		assert_noop!(
			Sdpos::register_superdelegate(signed(23), 100, own_key, peer, addrs(), both),
			Error::<Test>::PeerIdInUse
		);
		// Its own identity registers.
		assert_ok!(Sdpos::register_superdelegate(
			signed(23),
			100,
			own_key,
			own_peer,
			addrs(),
			own_proof
		));
		assert_eq!(KeyOwner::<Test>::get(key), Some(21));
		assert_eq!(KeyOwner::<Test>::get(own_key), Some(23));
		assert_ok!(Sdpos::check_identities());
	});
}

#[test]
fn bad_identities_are_refused_with_a_reason_and_lose_nothing() {
	new_test_ext().execute_with(|| {
		let (key, peer, proof) = identity(20, 20);
		let try_register = |key, peer, proof| {
			Sdpos::register_superdelegate(signed(20), 100, key, peer, addrs(), proof)
		};
		// A low-order key: the identity point, whose "signatures" anyone makes.
		let mut identity_point = [0u8; 32];
		identity_point[0] = 1;
		assert_noop!(
			try_register(identity_point, peer.clone(), proof.clone()),
			Error::<Test>::LowOrderModerationKey
		);
		// A proof made for another chain.
		let (_, _, foreign) = identity_on(&[1; 32], 20, 20);
		assert_noop!(
			try_register(key, peer.clone(), foreign),
			Error::<Test>::BadModerationKeyProof
		);
		// A peer id that is not an ed25519 libp2p identity, and a missing peer signature.
		let sha_peer: PeerId = b"QmNotAnEd25519PeerId".to_vec().try_into().unwrap();
		assert_noop!(try_register(key, sha_peer, proof.clone()), Error::<Test>::UnsupportedPeerId);
		assert_noop!(
			try_register(key, peer.clone(), IdentityProof { peer: None, ..proof.clone() }),
			Error::<Test>::BadPeerIdProof
		);
		// No peer id yet (the sidecar has not started): the key's proof is enough.
		assert_ok!(try_register(key, PeerId::new(), IdentityProof { peer: None, ..proof }));
		assert_eq!(held(20, HoldReason::SuperdelegateBond), 100);
	});
}

#[test]
fn a_members_new_identity_waits_for_the_next_era_and_is_reserved_meanwhile() {
	new_test_ext().execute_with(|| {
		assert_ok!(register(21, 300, 21));
		assert_ok!(register(22, 200, 22));
		assert_ok!(Sdpos::vote_superdelegates(signed(1), vec![21]));
		end_era(&[1, 2]);
		assert_eq!(Superdelegates::<Test>::get().into_inner(), vec![21]);
		// 21, in the set, changes key and peer id mid-era: the set keeps the old ones.
		let (old_key, old_peer, _) = identity(21, 21);
		let (new_key, new_peer, proof) = identity(21, 51);
		assert_ok!(Sdpos::update_superdelegate(
			signed(21),
			new_key,
			new_peer.clone(),
			addrs(),
			proof
		));
		let era = CurrentEra::<Test>::get();
		System::assert_last_event(
			Event::SuperdelegateUpdateScheduled { who: 21, moderation_key: new_key, era: era + 1 }
				.into(),
		);
		assert_eq!(Sdpos::moderation_set()[0].1.moderation_key, old_key);
		assert_eq!(Sdpos::moderation_set()[0].1.peer_id, old_peer);
		// Reserved for 21 meanwhile.
		let (_, _, proof_22) = identity(22, 51);
		assert_noop!(
			Sdpos::update_superdelegate(signed(22), new_key, identity(22, 22).1, addrs(), proof_22),
			Error::<Test>::ModerationKeyInUse
		);
		end_era(&[1, 2]);
		let set = Sdpos::moderation_set();
		assert_eq!((set[0].1.moderation_key, set[0].1.peer_id.clone()), (new_key, new_peer));
		// The old key is free again; 22, outside the set, changes at once.
		assert_eq!(KeyOwner::<Test>::get(old_key), None);
		assert_eq!(PeerOwner::<Test>::get(&old_peer), None);
		let (_, peer_22, proof_22) = identity(22, 21);
		assert_eq!(peer_22, old_peer);
		assert_ok!(Sdpos::update_superdelegate(signed(22), old_key, peer_22, addrs(), proof_22));
		assert_eq!(SuperdelegateCandidates::<Test>::get(22).unwrap().moderation_key, old_key);
		// Leaving frees everything.
		assert_ok!(Sdpos::leave_superdelegates(signed(22)));
		assert_eq!(KeyOwner::<Test>::get(old_key), None);
		assert_ok!(Sdpos::check_identities());
	});
}

#[test]
fn the_v1_migration_indexes_the_owners_and_leaves_a_shared_key_to_the_first() {
	use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};
	new_test_ext().execute_with(|| {
		StorageVersion::new(0).put::<Pallet<Test>>();
		let (key, peer, _) = identity(20, 20);
		for who in [20u64, 21] {
			SuperdelegateCandidates::<Test>::insert(
				who,
				SuperdelegateInfo {
					bond: 100,
					moderation_key: key,
					peer_id: peer.clone(),
					addresses: addrs(),
				},
			);
		}
		crate::migrations::v1::MigrateToV1::<Test>::on_runtime_upgrade();
		assert_eq!(Pallet::<Test>::on_chain_storage_version(), 1);
		let owner = KeyOwner::<Test>::get(key).expect("an owner");
		assert!(owner == 20 || owner == 21);
		assert_eq!(PeerOwner::<Test>::get(&peer), Some(owner));
		assert_ok!(Sdpos::check_identities());
		// Run again, it does nothing.
		KeyOwner::<Test>::remove(key);
		crate::migrations::v1::MigrateToV1::<Test>::on_runtime_upgrade();
		assert_eq!(KeyOwner::<Test>::get(key), None);
	});
}

#[test]
fn only_governance_sets_parameters_and_only_sound_ones() {
	new_test_ext().execute_with(|| {
		let mut p = Params::<Test>::get();
		p.num_delegates = 3;
		assert_noop!(Sdpos::set_params(signed(1), p.clone()), DispatchError::BadOrigin);
		assert_ok!(Sdpos::set_params(RuntimeOrigin::root(), p.clone()));
		assert_eq!(Params::<Test>::get().num_delegates, 3);
		for bad in [
			SdposParams { num_delegates: 0, ..p.clone() },
			SdposParams { num_delegates: 5, ..p.clone() },
			SdposParams { num_superdelegates: 5, ..p.clone() },
			SdposParams { era_length: 0, ..p.clone() },
			SdposParams {
				superdelegate_share: Perbill::from_percent(60),
				masternode_share: Perbill::from_percent(50),
				..p.clone()
			},
		] {
			assert_noop!(
				Sdpos::set_params(RuntimeOrigin::root(), bad),
				Error::<Test>::InvalidParams
			);
		}
	});
}

#[test]
fn eras_end_after_era_length_blocks() {
	use frame_support::traits::EstimateNextSessionRotation;
	use pallet_session::ShouldEndSession;
	new_test_ext().execute_with(|| {
		assert!(!Sdpos::should_end_session(9));
		assert!(Sdpos::should_end_session(10));
		assert_eq!(Sdpos::estimate_next_session_rotation(3).0, Some(10));
		end_era(&[1, 2]);
		assert_eq!(EraStart::<Test>::get(), 11);
		assert!(!Sdpos::should_end_session(20));
		assert!(Sdpos::should_end_session(21));
	});
}
