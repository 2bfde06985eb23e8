//! A test runtime: POP is `Balances`, LIT a second `pallet-balances` instance, as in the real
//! runtime, with POP's 12 and LIT's 9 decimals.

use crate as pallet_lit;
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU128, StorageMapShim},
};
use frame_system::EnsureRoot;
use sp_runtime::{BuildStorage, FixedU128};

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		LitBalances: pallet_balances::<Instance1>,
		Lit: pallet_lit,
	}
);

pub const POP: u128 = 1_000_000_000_000;
pub const LIT: u128 = 1_000_000_000;
pub const POP_ED: u128 = POP / 1_000;
pub const LIT_ED: u128 = LIT / 1_000_000;

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
	// LIT balances live in the instance's own map; holding LIT still keeps an account alive.
	type AccountStore = StorageMapShim<
		pallet_balances::Account<Test, pallet_balances::Instance1>,
		u64,
		pallet_balances::AccountData<u128>,
	>;
}

parameter_types! {
	pub const PopDecimals: u8 = 12;
	pub const LitDecimals: u8 = 9;
	/// 2.5 LIT per POP.
	pub InitialRate: FixedU128 = FixedU128::from_rational(5, 2);
}

impl pallet_lit::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type Pop = Balances;
	type Lit = LitBalances;
	type RateOrigin = EnsureRoot<u64>;
	type PopDecimals = PopDecimals;
	type LitDecimals = LitDecimals;
	type InitialRate = InitialRate;
	type WeightInfo = ();
}

pub const ALICE: u64 = 1;
pub const BOB: u64 = 2;

/// Alice holds 100 POP, Bob 1 POP; nobody holds LIT.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut t = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: vec![(ALICE, 100 * POP), (BOB, POP)],
		..Default::default()
	}
	.assimilate_storage(&mut t)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(t);
	ext.execute_with(|| System::set_block_number(1));
	ext
}
