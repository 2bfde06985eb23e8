//! Registration with a bond, updates, heartbeats, unbonding and withdrawal; every refusal leaves
//! balances and the registry as they were.

use crate::{mock::*, Error, Event, HoldReason, PeerOwners, Region};
use frame_support::{
	assert_noop, assert_ok,
	traits::fungible::{Inspect, InspectHold},
	BoundedVec,
};

fn held(who: u64) -> u128 {
	Balances::balance_on_hold(&RuntimeHoldReason::Masternodes(HoldReason::MasternodeBond), &who)
}

fn signed(who: u64) -> RuntimeOrigin {
	RuntimeOrigin::signed(who)
}

fn register(who: u64, bond: u128) -> frame_support::dispatch::DispatchResult {
	Masternodes::register(signed(who), peer(who), addrs(), DE, 1 << 40, bond)
}

#[test]
fn registering_holds_the_bond_and_records_the_node() {
	new_test_ext().execute_with(|| {
		assert_ok!(register(1, 1_500));
		assert_eq!(held(1), 1_500);
		assert_eq!(Balances::balance(&1), 8_500);
		let node = crate::Masternodes::<Test>::get(1).unwrap();
		assert_eq!((node.peer_id, node.region, node.capacity), (peer(1), DE, 1 << 40));
		assert_eq!((node.registered_at, node.last_heartbeat, node.unlock_at), (1, 1, None));
		assert_eq!(PeerOwners::<Test>::get(peer(1)), Some(1));
		assert_eq!(Masternodes::bonded(&1), 1_500);
		assert_eq!(Masternodes::active().len(), 1);
		let registered = Event::Registered {
			who: 1,
			peer_id: peer(1),
			region: DE,
			capacity: 1 << 40,
			bond: 1_500,
		};
		assert_eq!(events(), vec![registered]);
	});
}

#[test]
fn bad_registrations_fail_with_clear_errors_and_take_nothing() {
	new_test_ext().execute_with(|| {
		let empty_peer = BoundedVec::new();
		let no_addrs = BoundedVec::new();
		let cap = 1 << 30;
		assert_noop!(register(1, 999), Error::<Test>::BondTooLow);
		assert_noop!(register(10, 1_000), Error::<Test>::InsufficientBalance);
		assert_noop!(
			Masternodes::register(signed(1), empty_peer, addrs(), DE, cap, 1_000),
			Error::<Test>::EmptyPeerId
		);
		assert_noop!(
			Masternodes::register(signed(1), peer(1), no_addrs, DE, cap, 1_000),
			Error::<Test>::NoAddresses
		);
		for region in [Region(*b"de"), Region(*b"D1"), Region([0, 0])] {
			assert_noop!(
				Masternodes::register(signed(1), peer(1), addrs(), region, cap, 1_000),
				Error::<Test>::InvalidRegion
			);
		}
		assert_noop!(
			Masternodes::register(signed(1), peer(1), addrs(), DE, 0, 1_000),
			Error::<Test>::ZeroCapacity
		);
		assert_ok!(register(1, 1_000));
		assert_noop!(register(1, 1_000), Error::<Test>::AlreadyRegistered);
		// Account 2 may not take account 1's peer id.
		assert_noop!(
			Masternodes::register(signed(2), peer(1), addrs(), US, cap, 1_000),
			Error::<Test>::PeerIdTaken
		);
		assert_eq!(held(2), 0);
		assert_eq!(Balances::balance(&10), 500);
	});
}

#[test]
fn the_registry_is_bounded() {
	new_test_ext().execute_with(|| {
		for who in 1..=4 {
			assert_ok!(register(who, 1_000));
		}
		assert_noop!(register(5, 1_000), Error::<Test>::TooManyMasternodes);
		assert_eq!(held(5), 0);
	});
}

#[test]
fn governance_raising_the_minimum_binds_new_nodes_and_old_ones_top_up() {
	new_test_ext().execute_with(|| {
		assert_ok!(register(1, 1_000));
		MinBond::set(2_000);
		assert_noop!(register(2, 1_500), Error::<Test>::BondTooLow);
		assert_ok!(Masternodes::bond_extra(signed(1), 1_000));
		assert_eq!((held(1), Masternodes::bonded(&1)), (2_000, 2_000));
		assert!(events().contains(&Event::Bonded { who: 1, amount: 1_000, bond: 2_000 }));
		assert_noop!(Masternodes::bond_extra(signed(1), 0), Error::<Test>::ZeroAmount);
		assert_noop!(Masternodes::bond_extra(signed(1), 9_000), Error::<Test>::InsufficientBalance);
		assert_noop!(Masternodes::bond_extra(signed(2), 10), Error::<Test>::NotRegistered);
	});
}

#[test]
fn updates_and_heartbeats_change_only_what_they_say() {
	new_test_ext().execute_with(|| {
		assert_ok!(register(1, 1_000));
		assert_ok!(register(2, 1_000));
		// A new peer id frees the old one; another node's peer id is refused.
		assert_ok!(Masternodes::update(signed(1), peer(7), addrs(), US, 5));
		assert_eq!(PeerOwners::<Test>::get(peer(1)), None);
		assert_eq!(PeerOwners::<Test>::get(peer(7)), Some(1));
		let node = crate::Masternodes::<Test>::get(1).unwrap();
		assert_eq!((node.region, node.capacity, node.bond), (US, 5, 1_000));
		assert_noop!(
			Masternodes::update(signed(1), peer(2), addrs(), US, 5),
			Error::<Test>::PeerIdTaken
		);
		assert_noop!(
			Masternodes::update(signed(1), peer(7), addrs(), Region(*b"x?"), 5),
			Error::<Test>::InvalidRegion
		);
		System::set_block_number(9);
		assert_ok!(Masternodes::heartbeat(signed(2)));
		assert_eq!(crate::Masternodes::<Test>::get(2).unwrap().last_heartbeat, 9);
		assert!(events().contains(&Event::Heartbeat { who: 2, at: 9 }));
		assert_noop!(Masternodes::heartbeat(signed(3)), Error::<Test>::NotRegistered);
	});
}

#[test]
fn unregistering_leaves_service_at_once_and_the_bond_after_the_unbonding_period() {
	new_test_ext().execute_with(|| {
		assert_ok!(register(1, 1_200));
		assert_noop!(Masternodes::withdraw(signed(1)), Error::<Test>::NotLeaving);
		assert_ok!(Masternodes::unregister(signed(1)));
		assert!(events().contains(&Event::Unregistered { who: 1, unlock_at: 11 }));
		assert_eq!(Left::get(), vec![1]);
		// Out of service: no new shards, nothing but withdrawing.
		assert!(Masternodes::active().is_empty());
		assert_noop!(Masternodes::heartbeat(signed(1)), Error::<Test>::Leaving);
		assert_noop!(Masternodes::unregister(signed(1)), Error::<Test>::Leaving);
		assert_noop!(Masternodes::bond_extra(signed(1), 10), Error::<Test>::Leaving);
		assert_noop!(
			Masternodes::update(signed(1), peer(1), addrs(), DE, 1),
			Error::<Test>::Leaving
		);
		// Still bonded, and still counted for the fee quota, until block 11.
		assert_eq!(Masternodes::bonded(&1), 1_200);
		System::set_block_number(10);
		assert_noop!(Masternodes::withdraw(signed(1)), Error::<Test>::StillBonded);
		System::set_block_number(11);
		assert_ok!(Masternodes::withdraw(signed(1)));
		assert_eq!((held(1), Balances::balance(&1)), (0, 10_000));
		assert_eq!(crate::Masternodes::<Test>::get(1), None);
		assert_eq!(PeerOwners::<Test>::get(peer(1)), None);
		assert_eq!(Masternodes::bonded(&1), 0);
		assert!(events().contains(&Event::Withdrawn { who: 1, amount: 1_200 }));
		// The peer id and the account are free to register again.
		assert_ok!(register(1, 1_000));
	});
}

#[test]
fn a_retired_node_loses_its_slash_leaves_service_and_withdraws_the_rest() {
	new_test_ext().execute_with(|| {
		assert_ok!(register(1, 2_000));
		let issuance = Balances::total_issuance();
		assert_eq!(Masternodes::retire(&1, sp_runtime::Perbill::from_percent(10)), 200);
		assert_eq!(Balances::total_issuance(), issuance - 200);
		assert!(events().contains(&Event::Retired { who: 1, slashed: 200, unlock_at: 11 }));
		assert_eq!(Left::get(), vec![1]);
		assert!(!Masternodes::is_active(&1));
		assert_eq!(Masternodes::bonded(&1), 1_800);
		// A leaving node is slashed again for a new penalty (its bond is still held), without
		// leaving twice or moving its unlock block; an account with no masternode loses nothing.
		assert_eq!(Masternodes::retire(&1, sp_runtime::Perbill::from_percent(10)), 180);
		assert!(events().contains(&Event::Retired { who: 1, slashed: 180, unlock_at: 11 }));
		assert_eq!(Masternodes::retire(&2, sp_runtime::Perbill::from_percent(10)), 0);
		assert_eq!(Left::get(), vec![1]);
		System::set_block_number(11);
		assert_ok!(Masternodes::withdraw(signed(1)));
		assert_eq!((held(1), Balances::balance(&1)), (0, 9_620));
		// Once withdrawn, nothing is left to slash.
		assert_eq!(Masternodes::retire(&1, sp_runtime::Perbill::from_percent(10)), 0);
	});
}
