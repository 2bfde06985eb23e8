//! A test runtime with LIT as `pallet-balances` and real sr25519 accounts, so that vouchers
//! are signed and verified as on chain.

use crate as pallet_nanopay;
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU128, ConstU64},
};
use pop_primitives::AccountId;
use sp_core::{sr25519, Pair};
use sp_runtime::{traits::IdentityLookup, BuildStorage};

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		LitBalances: pallet_balances,
		Nanopay: pallet_nanopay,
	}
);

pub const LIT: u128 = 1_000_000_000;
pub const LIT_ED: u128 = LIT / 1_000_000;

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountId = AccountId;
	type Lookup = IdentityLookup<AccountId>;
	type AccountData = pallet_balances::AccountData<u128>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = u128;
	type ExistentialDeposit = ConstU128<LIT_ED>;
	type AccountStore = System;
	type RuntimeHoldReason = RuntimeHoldReason;
}

parameter_types! {
	pub const MaxPayees: u32 = 64;
}

impl pallet_nanopay::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type Lit = LitBalances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type MaxPayees = MaxPayees;
	type MaxChannelDuration = ConstU64<1_000>;
	type WeightInfo = ();
}

/// A test account: its key pair and id.
pub fn key(seed: u8) -> (sr25519::Pair, AccountId) {
	let pair = sr25519::Pair::from_seed(&[seed; 32]);
	let id = pair.public().into();
	(pair, id)
}

/// The viewer (payer) holds 1,000 LIT, the creator (payee) 1 LIT.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut t = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: vec![(key(1).1, 1_000 * LIT), (key(2).1, LIT)],
		..Default::default()
	}
	.assimilate_storage(&mut t)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(t);
	// Benchmarks sign vouchers with keys from a keystore.
	ext.register_extension(sp_keystore::KeystoreExt::new(
		sp_keystore::testing::MemoryKeystore::new(),
	));
	ext.execute_with(|| System::set_block_number(1));
	ext
}
