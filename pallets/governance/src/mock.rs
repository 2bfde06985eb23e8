//! A test runtime with the governance pallet and its origin.

use crate as pallet_governance;
use frame_support::derive_impl;
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Governance: pallet_governance,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

impl pallet_governance::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = ();
}

/// A chain whose genesis chose the standard timing, at block 1 so that events are kept.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let storage = RuntimeGenesisConfig {
		governance: pallet_governance::GenesisConfig {
			timing: crate::TrackTiming::Standard,
			..Default::default()
		},
		..Default::default()
	}
	.build_storage()
	.expect("the genesis builds");
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}
