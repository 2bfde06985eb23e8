//! A runtime of System and this pallet, whose slot author a test sets.

use crate as pallet_randomness;
use frame_support::{derive_impl, parameter_types};
use sp_core::sr25519::Public;
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Randomness: pallet_randomness,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

parameter_types! {
	/// The slot and author of the next block a test starts.
	pub static Author: Option<(u64, Public)> = None;
}

pub struct MockSlotAuthor;
impl crate::SlotAuthor for MockSlotAuthor {
	fn slot_author() -> Option<(u64, Public)> {
		Author::get()
	}
}

impl pallet_randomness::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type SlotAuthor = MockSlotAuthor;
	type WeightInfo = ();
}

pub fn new_test_ext() -> sp_io::TestExternalities {
	let storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}
