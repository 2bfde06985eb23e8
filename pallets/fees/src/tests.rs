//! The fee order (quota, then LIT, then POP, then rejection), refunds, regeneration and
//! existential deposits, exercised through the `OnChargeTransaction` that the standard
//! `ChargeTransactionPayment` extension calls.

use crate::{mock::*, Event, FeeAdapter, FeePayment, Pallet};
use frame_support::dispatch::{DispatchInfo, PostDispatchInfo};
use pallet_transaction_payment::OnChargeTransaction;
use sp_runtime::transaction_validity::{InvalidTransaction, TransactionValidityError};

type Adapter = FeeAdapter<Test>;

fn call() -> RuntimeCall {
	RuntimeCall::System(frame_system::Call::remark { remark: vec![] })
}

fn charge(who: u64, fee: u128, tip: u128) -> Result<FeePayment<Test>, TransactionValidityError> {
	let info = DispatchInfo::default();
	let can =
		<Adapter as OnChargeTransaction<Test>>::can_withdraw_fee(&who, &call(), &info, fee, tip);
	let paid = <Adapter as OnChargeTransaction<Test>>::withdraw_fee(&who, &call(), &info, fee, tip);
	assert_eq!(can.is_ok(), paid.is_ok(), "validation and charging agree");
	paid
}

fn settle(who: u64, corrected: u128, paid: FeePayment<Test>) {
	<Adapter as OnChargeTransaction<Test>>::correct_and_deposit_fee(
		&who,
		&DispatchInfo::default(),
		&PostDispatchInfo::default(),
		corrected,
		0,
		paid,
	)
	.unwrap();
}

fn source(p: &FeePayment<Test>) -> &'static str {
	match p {
		FeePayment::Nothing => "nothing",
		FeePayment::Quota { .. } => "quota",
		FeePayment::Lit(_) => "lit",
		FeePayment::Pop(_) => "pop",
	}
}

fn pop(who: u64) -> u128 {
	Balances::free_balance(who)
}

fn lit(who: u64) -> u128 {
	LitBalances::free_balance(who)
}

#[test]
fn the_quota_pays_first_and_nothing_is_withdrawn() {
	new_test_ext().execute_with(|| {
		assert_eq!(Pallet::<Test>::quota_of(&ALICE), 10 * POP);
		let paid = charge(ALICE, 3 * POP, 0).unwrap();
		assert_eq!(source(&paid), "quota");
		settle(ALICE, 3 * POP, paid);
		assert_eq!((pop(ALICE), lit(ALICE)), (100 * POP, 10 * LIT));
		assert_eq!(Pallet::<Test>::quota_left(&ALICE), 7 * POP);
		System::assert_last_event(Event::FeePaidFromQuota { who: ALICE, fee: 3 * POP }.into());
	});
}

#[test]
fn an_exhausted_quota_falls_to_lit_then_pop_then_rejection() {
	new_test_ext().execute_with(|| {
		// 4 POP fees: two from the quota (8 of 10), the third does not fit in the 2 left.
		for _ in 0..2 {
			let paid = charge(ALICE, 4 * POP, 0).unwrap();
			assert_eq!(source(&paid), "quota");
			settle(ALICE, 4 * POP, paid);
		}
		let lit_issuance = LitBalances::total_issuance();
		// 4 POP at 2 LIT per POP = 8 LIT, from Alice's 10 LIT.
		let paid = charge(ALICE, 4 * POP, 0).unwrap();
		assert_eq!(source(&paid), "lit");
		settle(ALICE, 4 * POP, paid);
		assert_eq!(lit(ALICE), 2 * LIT);
		assert_eq!(LitBalances::total_issuance(), lit_issuance - 8 * LIT, "LIT fees are burned");
		System::assert_has_event(
			Event::FeePaidInLit { who: ALICE, fee: 4 * POP, lit: 8 * LIT }.into(),
		);
		// 8 more LIT are not there: POP pays.
		let pop_issuance = Balances::total_issuance();
		let paid = charge(ALICE, 4 * POP, 0).unwrap();
		assert_eq!(source(&paid), "pop");
		settle(ALICE, 4 * POP, paid);
		assert_eq!(pop(ALICE), 96 * POP);
		assert_eq!(Balances::total_issuance(), pop_issuance - 4 * POP, "POP fees are burned");
		// The smaller quota that is left still covers a small fee.
		assert_eq!(source(&charge(ALICE, 2 * POP, 0).unwrap()), "quota");
		// Dave has nothing: rejected, and nothing changes.
		assert_eq!(charge(DAVE, 1, 0).err(), Some(InvalidTransaction::Payment.into()));
		assert!(!System::account_exists(&DAVE));
	});
}

#[test]
fn the_quota_regenerates_in_the_next_window() {
	new_test_ext().execute_with(|| {
		let paid = charge(ALICE, 10 * POP, 0).unwrap();
		settle(ALICE, 10 * POP, paid);
		assert_eq!(Pallet::<Test>::quota_left(&ALICE), 0);
		System::set_block_number(WINDOW as u64 - 1);
		assert_eq!(Pallet::<Test>::quota_left(&ALICE), 0, "same window");
		System::set_block_number(WINDOW as u64);
		assert_eq!(Pallet::<Test>::quota_left(&ALICE), 10 * POP, "new window");
		assert_eq!(source(&charge(ALICE, 10 * POP, 0).unwrap()), "quota");
		// The quota follows the bond: unbonding half halves it.
		bond(ALICE, 500 * POP);
		assert_eq!(Pallet::<Test>::quota_left(&ALICE), 0);
		System::set_block_number(2 * WINDOW as u64);
		assert_eq!(Pallet::<Test>::quota_left(&ALICE), 5 * POP);
	});
}

#[test]
fn unused_fees_go_back_where_they_came_from() {
	new_test_ext().execute_with(|| {
		// Quota: 6 charged, 2 used.
		let paid = charge(ALICE, 6 * POP, 0).unwrap();
		settle(ALICE, 2 * POP, paid);
		assert_eq!(Pallet::<Test>::quota_left(&ALICE), 8 * POP);

		// LIT: Carol has no POP and no quota. 1 POP of fee = 2 LIT charged, half used.
		let paid = charge(CAROL, POP, 0).unwrap();
		assert_eq!(source(&paid), "lit");
		assert_eq!(lit(CAROL), 8 * LIT);
		settle(CAROL, POP / 2, paid);
		assert_eq!(lit(CAROL), 9 * LIT, "1 LIT refunded, 1 LIT burned");
		assert_eq!(LitBalances::total_issuance(), 20 * LIT - LIT);

		// POP: Bob has only POP. 3 charged, 1 used.
		let paid = charge(BOB, 3 * POP, 0).unwrap();
		assert_eq!(source(&paid), "pop");
		settle(BOB, POP, paid);
		assert_eq!(pop(BOB), 99 * POP);
	});
}

#[test]
fn an_account_holding_only_lit_exists_and_pays_in_lit() {
	new_test_ext().execute_with(|| {
		assert!(System::account_exists(&CAROL));
		assert_eq!(pop(CAROL), 0);
		let paid = charge(CAROL, POP, 0).unwrap();
		assert_eq!(source(&paid), "lit");
		settle(CAROL, POP, paid);
		assert_eq!(lit(CAROL), 8 * LIT);
	});
}

#[test]
fn fees_never_take_an_account_below_its_existential_deposit() {
	new_test_ext().execute_with(|| {
		// Carol's 10 LIT pay a fee of 5 POP (10 LIT) only by reaping her: refused, nothing lost.
		assert_eq!(charge(CAROL, 5 * POP, 0).err(), Some(InvalidTransaction::Payment.into()));
		assert_eq!(lit(CAROL), 10 * LIT);
		// Leaving exactly the existential deposit is fine.
		let fee = (10 * LIT - LIT_ED) * 1_000 / 2;
		let paid = charge(CAROL, fee, 0).unwrap();
		settle(CAROL, fee, paid);
		assert_eq!(lit(CAROL), LIT_ED);
		assert!(System::account_exists(&CAROL));
		// POP alike: Bob may spend all but the existential deposit.
		assert_eq!(charge(BOB, 100 * POP, 0).err(), Some(InvalidTransaction::Payment.into()));
		let paid = charge(BOB, 100 * POP - POP_ED, 0).unwrap();
		settle(BOB, 100 * POP - POP_ED, paid);
		assert_eq!(pop(BOB), POP_ED);
	});
}

#[test]
fn a_tip_is_never_paid_from_the_quota() {
	new_test_ext().execute_with(|| {
		let paid = charge(ALICE, 2 * POP, POP).unwrap();
		assert_eq!(source(&paid), "lit", "a tipped transaction pays in tokens");
		assert_eq!(Pallet::<Test>::quota_left(&ALICE), 10 * POP);
	});
}

#[test]
fn a_fee_too_small_to_price_in_lit_is_paid_in_pop() {
	new_test_ext().execute_with(|| {
		// 400 POP units are 0.8 LIT units: LIT would pay nothing, so POP pays.
		bond(ALICE, 0);
		let paid = charge(ALICE, 400, 0).unwrap();
		assert_eq!(source(&paid), "pop");
		assert_eq!(source(&charge(ALICE, 0, 0).unwrap()), "nothing");
	});
}

#[test]
fn the_estimate_names_the_asset_and_amount_the_charge_takes() {
	use crate::FeeSource;
	new_test_ext().execute_with(|| {
		// Each estimate, then the real charge of the same fee: Alice's quota runs out, then
		// her LIT, then she pays in POP; Bob holds only POP, Carol only LIT, Dave nothing.
		let cases = [
			(ALICE, 3 * POP, FeeSource::Quota),
			(ALICE, 4 * POP, FeeSource::Quota),
			(ALICE, 4 * POP, FeeSource::Lit),
			(ALICE, 4 * POP, FeeSource::Pop),
			(BOB, 2 * POP, FeeSource::Pop),
			(CAROL, POP, FeeSource::Lit),
			(DAVE, POP, FeeSource::CannotPay),
			(DAVE, 0, FeeSource::Nothing),
		];
		for (who, fee, expected) in cases {
			let quota_before = Pallet::<Test>::quota_left(&who);
			let e = Pallet::<Test>::estimate(&who, fee, Default::default());
			assert_eq!(
				(e.source, e.fee, e.quota_left),
				(expected, fee, quota_before),
				"{who} {fee}"
			);
			let (pop_before, lit_before) = (pop(who), lit(who));
			let Ok(paid) = charge(who, fee, 0) else {
				assert_eq!(e.source, FeeSource::CannotPay, "{who} {fee}: refused as estimated");
				continue;
			};
			let (charged_from, charged) = match source(&paid) {
				"quota" => (FeeSource::Quota, quota_before - Pallet::<Test>::quota_left(&who)),
				"lit" => (FeeSource::Lit, lit_before - lit(who)),
				"pop" => (FeeSource::Pop, pop_before - pop(who)),
				_ => (FeeSource::Nothing, 0),
			};
			assert_eq!((charged_from, charged), (e.source, e.amount), "{who} {fee}: as estimated");
			settle(who, fee, paid);
		}
	});
}

/// The attack: a bonded account fills blocks with transactions its free quota pays. Quota-paid
/// transactions share `MaxQuotaWeight` of each block; past it an account that holds tokens pays
/// in them, and one that has only its quota waits for the next block (the pool keeps it).
#[test]
fn bonded_accounts_cannot_fill_a_block_for_free() {
	use crate::FeeSource;
	use frame_support::weights::Weight;
	new_test_ext().execute_with(|| {
		MaxQuotaWeight::set(Weight::from_parts(1_000, 1_000));
		// Dave has no tokens at all, only a bond.
		bond(DAVE, 10_000 * POP);
		let heavy = DispatchInfo { call_weight: Weight::from_parts(400, 0), ..Default::default() };
		let charge_heavy = |who: u64| {
			let can = <Adapter as OnChargeTransaction<Test>>::can_withdraw_fee(
				&who,
				&call(),
				&heavy,
				POP,
				0,
			);
			let paid =
				<Adapter as OnChargeTransaction<Test>>::withdraw_fee(&who, &call(), &heavy, POP, 0);
			assert_eq!(can.is_ok(), paid.is_ok(), "validation and charging agree");
			paid
		};
		// Two fit in the block's share of 1,000.
		assert_eq!(source(&charge_heavy(DAVE).unwrap()), "quota");
		assert_eq!(source(&charge_heavy(ALICE).unwrap()), "quota");
		assert_eq!(Pallet::<Test>::quota_weight_left(), Weight::from_parts(200, 1_000));
		// The estimate says so before anyone signs.
		let e = Pallet::<Test>::estimate(&DAVE, POP, heavy.total_weight());
		assert_eq!(
			(e.source, e.block_quota_left, e.block_quota),
			(FeeSource::QuotaBlockFull, 200, 1_000)
		);
		// A third: Dave's waits for a later block, Alice pays in LIT.
		assert_eq!(
			charge_heavy(DAVE).err(),
			Some(TransactionValidityError::Invalid(InvalidTransaction::ExhaustsResources))
		);
		assert_eq!(source(&charge_heavy(ALICE).unwrap()), "lit");
		// A light one still fits.
		assert_eq!(source(&charge(DAVE, POP, 0).unwrap()), "quota");
		// The next block has its share again.
		System::set_block_number(System::block_number() + 1);
		assert_eq!(source(&charge_heavy(DAVE).unwrap()), "quota");
	});
}

#[test]
fn unused_weight_goes_back_to_the_blocks_share() {
	use frame_support::weights::Weight;
	new_test_ext().execute_with(|| {
		MaxQuotaWeight::set(Weight::from_parts(1_000, 1_000));
		let info = DispatchInfo { call_weight: Weight::from_parts(600, 0), ..Default::default() };
		let paid =
			<Adapter as OnChargeTransaction<Test>>::withdraw_fee(&ALICE, &call(), &info, POP, 0)
				.unwrap();
		assert_eq!(Pallet::<Test>::quota_weight_left().ref_time(), 400);
		// It used only 100 of its 600.
		let post = PostDispatchInfo {
			actual_weight: Some(Weight::from_parts(100, 0)),
			..Default::default()
		};
		<Adapter as OnChargeTransaction<Test>>::correct_and_deposit_fee(
			&ALICE, &info, &post, POP, 0, paid,
		)
		.unwrap();
		assert_eq!(Pallet::<Test>::quota_weight_left().ref_time(), 900);
	});
}
