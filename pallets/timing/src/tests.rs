//! The slot a genesis chooses, and what Aura and the timestamp see of it.

use crate::{self as pallet_timing, MinimumPeriod, SlotDuration, DEFAULT_SLOT_DURATION};
use frame_support::{derive_impl, traits::Get};
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Timing: pallet_timing,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

impl crate::Config for Test {}

fn with_genesis(slot_duration: u64) -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_timing::GenesisConfig::<Test> { slot_duration, _config: Default::default() }
		.assimilate_storage(&mut storage)
		.unwrap();
	storage.into()
}

#[test]
fn a_genesis_that_says_nothing_keeps_six_second_slots() {
	with_genesis(0).execute_with(|| {
		assert_eq!(SlotDuration::<Test>::get(), DEFAULT_SLOT_DURATION);
		assert_eq!(DEFAULT_SLOT_DURATION, 6_000);
		assert_eq!(MinimumPeriod::<Test>::get(), 3_000);
	});
}

#[test]
fn a_test_chain_chooses_two_second_slots() {
	with_genesis(2_000).execute_with(|| {
		assert_eq!(SlotDuration::<Test>::get(), 2_000);
		assert_eq!(MinimumPeriod::<Test>::get(), 1_000);
	});
}

#[test]
#[should_panic(expected = "timing.slotDuration must be an even number of milliseconds")]
fn a_slot_under_a_second_is_refused() {
	with_genesis(500);
}

#[test]
#[should_panic(expected = "timing.slotDuration must be an even number of milliseconds")]
fn an_odd_slot_is_refused() {
	with_genesis(2_001);
}
