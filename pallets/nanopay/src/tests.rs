//! Batched payouts and payment channels: the happy paths, and every way a voucher can be wrong.

use crate::{mock::*, Channels, Error, Event};
use frame_support::{
	assert_noop, assert_ok,
	traits::fungible::{Inspect, InspectHold},
	BoundedVec,
};
use pop_primitives::{
	voucher::{sign_voucher, ChannelId},
	AccountId, Hash, Signature,
};
use sp_core::sr25519;

fn genesis() -> Hash {
	let h = System::block_hash(0);
	Hash::from_slice(h.as_ref())
}

fn voucher(payer: &sr25519::Pair, id: ChannelId, cumulative: u128) -> Signature {
	sign_voucher(payer, &genesis(), id, cumulative)
}

fn lit(who: &AccountId) -> u128 {
	LitBalances::balance(who)
}

fn held(who: &AccountId) -> u128 {
	LitBalances::total_balance_on_hold(who)
}

fn open(payer: &AccountId, payee: &AccountId, deposit: u128, expires_at: u64) -> ChannelId {
	let id = crate::NextChannelId::<Test>::get();
	assert_ok!(Nanopay::open_channel(
		RuntimeOrigin::signed(payer.clone()),
		payee.clone(),
		deposit,
		expires_at
	));
	id
}

#[test]
fn pay_many_pays_everyone_or_no_one() {
	new_test_ext().execute_with(|| {
		let (_, viewer) = key(1);
		let payees: Vec<_> = (10..15).map(|s| (key(s).1, 1_000 + s as u128)).collect();
		let total: u128 = payees.iter().map(|p| p.1).sum();
		assert_ok!(Nanopay::pay_many(
			RuntimeOrigin::signed(viewer.clone()),
			BoundedVec::truncate_from(payees.clone())
		));
		for (who, amount) in &payees {
			assert_eq!(lit(who), *amount);
		}
		assert_eq!(lit(&viewer), 1_000 * LIT - total);
		System::assert_last_event(
			Event::BatchPaid { payer: viewer.clone(), payees: 5, total }.into(),
		);

		// One payment too many for the payer: nothing at all is paid.
		let before = lit(&viewer);
		let too_much = vec![(key(20).1, LIT), (key(21).1, 2_000 * LIT)];
		assert_noop!(
			Nanopay::pay_many(
				RuntimeOrigin::signed(viewer.clone()),
				BoundedVec::truncate_from(too_much)
			),
			Error::<Test>::InsufficientLit
		);
		assert_eq!(lit(&viewer), before);
		assert_noop!(
			Nanopay::pay_many(RuntimeOrigin::signed(viewer.clone()), BoundedVec::new()),
			Error::<Test>::NoPayees
		);
		assert_noop!(
			Nanopay::pay_many(
				RuntimeOrigin::signed(viewer),
				BoundedVec::truncate_from(vec![(key(22).1, 0)])
			),
			Error::<Test>::ZeroAmount
		);
	});
}

#[test]
fn a_channel_pays_the_latest_voucher_and_refunds_the_rest() {
	new_test_ext().execute_with(|| {
		let ((viewer_key, viewer), (_, creator)) = (key(1), key(2));
		let id = open(&viewer, &creator, 100 * LIT, 50);
		assert_eq!(held(&viewer), 100 * LIT);
		assert_eq!(lit(&viewer), 900 * LIT);

		// 10,000 micro-payments of 7 units each; only the last voucher is redeemed.
		let last =
			(1..=10_000u128).map(|i| (i * 7, voucher(&viewer_key, id, i * 7))).next_back().unwrap();
		assert_ok!(Nanopay::redeem(RuntimeOrigin::signed(creator.clone()), id, last.0, last.1));
		assert_eq!(lit(&creator), LIT + 70_000);
		assert_eq!(held(&viewer), 100 * LIT - 70_000);
		System::assert_last_event(
			Event::VoucherRedeemed { id, cumulative: 70_000, paid: 70_000 }.into(),
		);

		// A later voucher pays only the difference.
		let sig = voucher(&viewer_key, id, 100_000);
		assert_ok!(Nanopay::redeem(RuntimeOrigin::signed(creator.clone()), id, 100_000, sig));
		assert_eq!(lit(&creator), LIT + 100_000);

		// After the expiry the viewer takes back exactly the rest.
		System::set_block_number(50);
		assert_ok!(Nanopay::close_expired(RuntimeOrigin::signed(viewer.clone()), id));
		assert_eq!(held(&viewer), 0);
		assert_eq!(lit(&viewer), 1_000 * LIT - 100_000);
		assert!(Channels::<Test>::get(id).is_none());
		System::assert_last_event(
			Event::ChannelClosed { id, refunded: 100 * LIT - 100_000 }.into(),
		);
	});
}

#[test]
fn replays_stale_vouchers_wrong_signers_and_overdrafts_fail_clearly() {
	new_test_ext().execute_with(|| {
		let ((viewer_key, viewer), (creator_key, creator)) = (key(1), key(2));
		let id = open(&viewer, &creator, 10 * LIT, 50);
		let sig = voucher(&viewer_key, id, 5 * LIT);
		assert_ok!(Nanopay::redeem(
			RuntimeOrigin::signed(creator.clone()),
			id,
			5 * LIT,
			sig.clone()
		));
		let redeem =
			|amount, sig| Nanopay::redeem(RuntimeOrigin::signed(creator.clone()), id, amount, sig);

		assert_noop!(redeem(5 * LIT, sig), Error::<Test>::StaleVoucher);
		let older = voucher(&viewer_key, id, 4 * LIT);
		assert_noop!(redeem(4 * LIT, older), Error::<Test>::StaleVoucher);
		// Signed by the payee itself, or for another amount than claimed.
		let forged = voucher(&creator_key, id, 6 * LIT);
		assert_noop!(redeem(6 * LIT, forged), Error::<Test>::BadVoucherSignature);
		let for_six = voucher(&viewer_key, id, 6 * LIT);
		assert_noop!(redeem(7 * LIT, for_six), Error::<Test>::BadVoucherSignature);
		// For another channel.
		let other = open(&viewer, &creator, LIT, 50);
		let for_other = voucher(&viewer_key, other, 6 * LIT);
		assert_noop!(redeem(6 * LIT, for_other), Error::<Test>::BadVoucherSignature);
		// More than the deposit.
		let overdraft = voucher(&viewer_key, id, 11 * LIT);
		assert_noop!(redeem(11 * LIT, overdraft), Error::<Test>::Overdraft);
		// Only the payee redeems.
		let good = voucher(&viewer_key, id, 6 * LIT);
		assert_noop!(
			Nanopay::redeem(RuntimeOrigin::signed(key(9).1), id, 6 * LIT, good.clone()),
			Error::<Test>::NotPayee
		);
		assert_noop!(
			Nanopay::redeem(RuntimeOrigin::signed(creator.clone()), 99, 6 * LIT, good.clone()),
			Error::<Test>::UnknownChannel
		);
		// Expired: no more redemptions; only the payer closes, and not before the expiry.
		assert_noop!(
			Nanopay::close_expired(RuntimeOrigin::signed(viewer.clone()), id),
			Error::<Test>::NotExpired
		);
		System::set_block_number(50);
		assert_noop!(redeem(6 * LIT, good), Error::<Test>::ChannelExpired);
		assert_noop!(
			Nanopay::close_expired(RuntimeOrigin::signed(creator.clone()), id),
			Error::<Test>::NotPayer
		);
		assert_eq!(lit(&creator), LIT + 5 * LIT, "only the one good voucher paid");
	});
}

#[test]
fn opening_a_channel_checks_its_terms() {
	new_test_ext().execute_with(|| {
		let ((_, viewer), (_, creator)) = (key(1), key(2));
		let o = || RuntimeOrigin::signed(viewer.clone());
		assert_noop!(Nanopay::open_channel(o(), creator.clone(), 0, 10), Error::<Test>::ZeroAmount);
		assert_noop!(
			Nanopay::open_channel(o(), viewer.clone(), LIT, 10),
			Error::<Test>::SelfChannel
		);
		assert_noop!(Nanopay::open_channel(o(), creator.clone(), LIT, 1), Error::<Test>::BadExpiry);
		assert_noop!(
			Nanopay::open_channel(o(), creator.clone(), LIT, 1_002),
			Error::<Test>::BadExpiry
		);
		assert_noop!(
			Nanopay::open_channel(o(), creator.clone(), 2_000 * LIT, 10),
			Error::<Test>::InsufficientLit
		);
		assert_eq!((lit(&viewer), held(&viewer)), (1_000 * LIT, 0));
		let id = open(&viewer, &creator, LIT, 10);
		System::assert_last_event(
			Event::ChannelOpened {
				id,
				payer: viewer,
				payee: creator,
				deposit: LIT,
				expires_at: 10,
			}
			.into(),
		);
	});
}
