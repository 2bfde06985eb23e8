//! Unit tests of burn-and-mint and of the rate.

use crate::{mock::*, Error, Event, LitPerPop, TotalLitMinted, TotalPopBurned};
use frame_support::{assert_noop, assert_ok};
use sp_runtime::{DispatchError, FixedU128};

#[test]
fn mint_burns_pop_and_mints_lit_at_the_rate() {
	new_test_ext().execute_with(|| {
		let pop_issuance = Balances::total_issuance();
		// 4 POP at 2.5 LIT per POP = 10 LIT.
		assert_ok!(Lit::mint(RuntimeOrigin::signed(ALICE), 4 * POP, 10 * LIT));
		assert_eq!(Balances::free_balance(ALICE), 96 * POP);
		assert_eq!(LitBalances::free_balance(ALICE), 10 * LIT);
		assert_eq!(Balances::total_issuance(), pop_issuance - 4 * POP, "POP is burned");
		assert_eq!(LitBalances::total_issuance(), 10 * LIT, "LIT is minted");
		assert_eq!(TotalPopBurned::<Test>::get(), 4 * POP);
		assert_eq!(TotalLitMinted::<Test>::get(), 10 * LIT);
		System::assert_last_event(
			Event::LitMinted {
				who: ALICE,
				pop_burned: 4 * POP,
				lit_minted: 10 * LIT,
				rate: FixedU128::from_rational(5, 2),
			}
			.into(),
		);
	});
}

#[test]
fn conversion_rounds_down_to_lits_smallest_unit() {
	new_test_ext().execute_with(|| {
		// 1 POP unit = 10^-12 POP buys 2.5 × 10^-12 LIT: less than LIT's 10^-9 unit.
		assert_eq!(Lit::lit_for(1, Lit::rate()).unwrap(), 0);
		// 401 POP units → 1002.5 × 10^-12 LIT → 1 LIT unit (10^-9), rounded down.
		assert_eq!(Lit::lit_for(401, Lit::rate()).unwrap(), 1);
		assert_eq!(Lit::lit_for(POP, FixedU128::from_rational(1, 3)).unwrap(), 333_333_333);
		assert_noop!(Lit::mint(RuntimeOrigin::signed(ALICE), 399, 0), Error::<Test>::NothingToMint);
	});
}

#[test]
fn min_lit_out_guards_against_a_rate_change() {
	new_test_ext().execute_with(|| {
		// Alice signed expecting 2.5 LIT per POP; governance halved the rate first.
		assert_ok!(Lit::set_rate(RuntimeOrigin::root(), FixedU128::from_rational(5, 4)));
		assert_noop!(
			Lit::mint(RuntimeOrigin::signed(ALICE), 4 * POP, 10 * LIT),
			Error::<Test>::RateBelowMinimum
		);
		assert_eq!(Balances::free_balance(ALICE), 100 * POP, "nothing burned");
		assert_ok!(Lit::mint(RuntimeOrigin::signed(ALICE), 4 * POP, 5 * LIT));
		assert_eq!(LitBalances::free_balance(ALICE), 5 * LIT);
	});
}

#[test]
fn bad_amounts_fail_clearly_and_lose_nothing() {
	new_test_ext().execute_with(|| {
		assert_noop!(Lit::mint(RuntimeOrigin::signed(ALICE), 0, 0), Error::<Test>::ZeroAmount);
		// More than Alice has.
		assert_noop!(
			Lit::mint(RuntimeOrigin::signed(ALICE), 101 * POP, 0),
			Error::<Test>::InsufficientPop
		);
		// All of Bob's POP would kill his account: POP accounts are kept alive.
		assert_noop!(Lit::mint(RuntimeOrigin::signed(BOB), POP, 0), Error::<Test>::InsufficientPop);
		assert_ok!(Lit::mint(RuntimeOrigin::signed(BOB), POP - POP_ED, 0));
		assert_eq!(Balances::free_balance(BOB), POP_ED);
		// An account with no POP at all.
		assert_noop!(Lit::mint(RuntimeOrigin::signed(9), POP, 0), Error::<Test>::InsufficientPop);
	});
}

#[test]
fn a_mint_below_lits_existential_deposit_is_refused() {
	new_test_ext().execute_with(|| {
		// LIT's existential deposit is 1000 units; 1000 units of LIT cost 400_000 POP units.
		assert_noop!(
			Lit::mint(RuntimeOrigin::signed(ALICE), 399_600, 0),
			Error::<Test>::BelowLitMinimum
		);
		assert_ok!(Lit::mint(RuntimeOrigin::signed(ALICE), 400_000, 0));
		assert_eq!(LitBalances::free_balance(ALICE), LIT_ED);
		// Once the account holds LIT, smaller mints add to it.
		assert_ok!(Lit::mint(RuntimeOrigin::signed(ALICE), 400, 0));
		assert_eq!(LitBalances::free_balance(ALICE), LIT_ED + 1);
	});
}

#[test]
fn only_governance_sets_the_rate_and_never_to_zero() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			Lit::set_rate(RuntimeOrigin::signed(ALICE), FixedU128::from_u32(3)),
			DispatchError::BadOrigin
		);
		assert_noop!(
			Lit::set_rate(RuntimeOrigin::root(), FixedU128::from_u32(0)),
			Error::<Test>::ZeroRate
		);
		assert_ok!(Lit::set_rate(RuntimeOrigin::root(), FixedU128::from_u32(3)));
		assert_eq!(LitPerPop::<Test>::get(), FixedU128::from_u32(3));
		System::assert_last_event(
			Event::RateChanged { old: FixedU128::from_rational(5, 2), new: FixedU128::from_u32(3) }
				.into(),
		);
	});
}
