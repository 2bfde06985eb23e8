//! A test runtime: POP as `pallet-balances` with holds; a 1,000-unit minimum bond; at most
//! four masternodes; ten blocks of unbonding.

use crate::{self as pallet_masternodes, Addresses, PeerId, Region};
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU128, ConstU32, ConstU64},
	BoundedVec,
};
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Masternodes: pallet_masternodes,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<u128>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = u128;
	type ExistentialDeposit = ConstU128<1>;
	type AccountStore = System;
	type RuntimeHoldReason = RuntimeHoldReason;
}

parameter_types! {
	/// Governance may change it: tests do, through this.
	pub static MinBond: u128 = 1_000;
	/// The masternodes that left service, in order.
	pub static Left: Vec<u64> = Vec::new();
}

/// Records departures in [`Left`].
pub struct RecordLeave;
impl crate::OnMasternodeLeave<u64> for RecordLeave {
	fn on_leave(who: &u64) {
		Left::mutate(|l| l.push(*who));
	}
}

impl pallet_masternodes::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type MinBond = MinBond;
	type UnbondingPeriod = ConstU64<10>;
	type MaxMasternodes = ConstU32<4>;
	type OnLeave = RecordLeave;
	type WeightInfo = ();
}

/// Accounts 1 to 9 hold 10,000 each; account 10 holds 500.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut balances: Vec<(u64, u128)> = (1..10).map(|who| (who, 10_000)).collect();
	balances.push((10, 500));
	let storage = RuntimeGenesisConfig {
		balances: pallet_balances::GenesisConfig { balances, ..Default::default() },
		..Default::default()
	}
	.build_storage()
	.expect("the genesis builds");
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// A distinct peer id for account `who`.
pub fn peer(who: u64) -> PeerId {
	BoundedVec::truncate_from(alloc::vec![who as u8; 38])
}

/// One TCP and one WebSocket address.
pub fn addrs() -> Addresses {
	let tcp = BoundedVec::truncate_from(b"/ip4/127.0.0.1/tcp/30400".to_vec());
	let ws = BoundedVec::truncate_from(b"/ip4/127.0.0.1/tcp/30401/ws".to_vec());
	BoundedVec::truncate_from(alloc::vec![tcp, ws])
}

pub const DE: Region = Region(*b"DE");
pub const US: Region = Region(*b"US");

/// The events this pallet deposited, oldest first.
pub fn events() -> Vec<pallet_masternodes::Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Masternodes(e) => Some(e),
			_ => None,
		})
		.collect()
}
