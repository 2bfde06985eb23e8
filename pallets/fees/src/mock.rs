//! A test runtime: POP (`Balances`), LIT (a second `pallet-balances` instance), transaction
//! payment with [`FeeAdapter`], and bonded POP that a test sets per account.

use crate::{self as pallet_fees, BondedPop, FeeAdapter};
use core::cell::RefCell;
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU128, ConstU64, StorageMapShim},
	weights::IdentityFee,
};
use sp_runtime::{traits::Convert, BuildStorage, Perbill};
use std::collections::BTreeMap;

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		LitBalances: pallet_balances::<Instance1>,
		TransactionPayment: pallet_transaction_payment,
		Fees: pallet_fees,
	}
);

pub const POP: u128 = 1_000_000_000_000;
pub const LIT: u128 = 1_000_000_000;
pub const POP_ED: u128 = POP / 1_000;
pub const LIT_ED: u128 = LIT / 1_000_000;
/// Blocks in a quota window.
pub const WINDOW: u32 = 100;

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<u128>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = u128;
	type ExistentialDeposit = ConstU128<POP_ED>;
	type AccountStore = System;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config<pallet_balances::Instance1> for Test {
	type Balance = u128;
	type ExistentialDeposit = ConstU128<LIT_ED>;
	type AccountStore = StorageMapShim<
		pallet_balances::Account<Test, pallet_balances::Instance1>,
		u64,
		pallet_balances::AccountData<u128>,
	>;
}

#[derive_impl(pallet_transaction_payment::config_preludes::TestDefaultConfig)]
impl pallet_transaction_payment::Config for Test {
	type OnChargeTransaction = FeeAdapter<Test>;
	type WeightToFee = IdentityFee<u128>;
	type LengthToFee = IdentityFee<u128>;
}

thread_local! {
	static BONDED: RefCell<BTreeMap<u64, u128>> = const { RefCell::new(BTreeMap::new()) };
}

/// Bonded POP as the tests set it.
pub struct TestBonded;
impl BondedPop<u64> for TestBonded {
	fn bonded_pop(who: &u64) -> u128 {
		BONDED.with(|b| b.borrow().get(who).copied().unwrap_or(0))
	}
}

/// Sets `who`'s bonded POP.
pub fn bond(who: u64, amount: u128) {
	BONDED.with(|b| b.borrow_mut().insert(who, amount));
}

/// Two LIT per POP, with POP's 12 and LIT's 9 decimals: LIT units = POP units × 2 / 1000.
pub struct TwoLitPerPop;
impl Convert<u128, Option<u128>> for TwoLitPerPop {
	fn convert(pop: u128) -> Option<u128> {
		pop.checked_mul(2).map(|x| x / 1_000)
	}
}

parameter_types! {
	/// Each window, 1% of bonded POP may be spent on fees.
	pub const QuotaShare: Perbill = Perbill::from_percent(1);
}

impl pallet_fees::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type Pop = Balances;
	type Lit = LitBalances;
	type BondedPop = TestBonded;
	type QuotaPerBondedPop = QuotaShare;
	type QuotaWindow = ConstU64<{ WINDOW as u64 }>;
	type PopToLit = TwoLitPerPop;
	type MaxQuotaWeight = MaxQuotaWeight;
}

frame_support::parameter_types! {
	/// The block's share for quota-paid transactions; tests lower it.
	pub static MaxQuotaWeight: frame_support::weights::Weight =
		frame_support::weights::Weight::from_parts(1_000_000, 1_000_000);
}

/// Bonded, LIT and POP: Alice all three, Bob only POP, Carol only LIT, Dave nothing.
pub const ALICE: u64 = 1;
pub const BOB: u64 = 2;
pub const CAROL: u64 = 3;
pub const DAVE: u64 = 4;

pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut t = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: vec![(ALICE, 100 * POP), (BOB, 100 * POP)],
		..Default::default()
	}
	.assimilate_storage(&mut t)
	.unwrap();
	pallet_balances::GenesisConfig::<Test, pallet_balances::Instance1> {
		balances: vec![(ALICE, 10 * LIT), (CAROL, 10 * LIT)],
		..Default::default()
	}
	.assimilate_storage(&mut t)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(t);
	ext.execute_with(|| {
		BONDED.with(|b| b.borrow_mut().clear());
		// Alice has bonded 1000 POP: a quota of 10 POP of fees per window.
		bond(ALICE, 1_000 * POP);
		System::set_block_number(1);
	});
	ext
}
