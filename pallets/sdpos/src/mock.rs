//! A test runtime: POP as `pallet-balances` with holds and freezes, session keys as a list.

use crate::{self as pallet_sdpos, HasSessionKeys, SdposParams};
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU128, ConstU32, ConstU64, VariantCountOf},
};
use pallet_session::SessionManager;
use sp_runtime::{BuildStorage, Perbill};

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Sdpos: pallet_sdpos,
	}
);

pub const ED: u128 = 1;

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<u128>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = u128;
	type ExistentialDeposit = ConstU128<ED>;
	type AccountStore = System;
	type RuntimeHoldReason = RuntimeHoldReason;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type FreezeIdentifier = RuntimeFreezeReason;
	type MaxFreezes = VariantCountOf<RuntimeFreezeReason>;
}

parameter_types! {
	/// Accounts without session keys.
	pub static NoKeys: Vec<u64> = vec![];
	pub TestParams: SdposParams<u64> = SdposParams {
		num_delegates: 2,
		num_superdelegates: 2,
		min_candidate_bond: 100,
		min_superdelegate_bond: 100,
		min_voter_bond: 10,
		era_length: 10,
		unbonding_period: 20,
		inflation: Perbill::from_percent(10),
		superdelegate_share: Perbill::from_percent(10),
		masternode_share: Perbill::from_percent(10),
		offline_slash: Perbill::from_percent(10),
	};
}

pub struct Keys;
impl HasSessionKeys<u64> for Keys {
	fn has_keys(who: &u64) -> bool {
		!NoKeys::get().contains(who)
	}
}

impl pallet_sdpos::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type SessionKeys = Keys;
	type AdminOrigin = frame_system::EnsureRoot<u64>;
	type PunishOrigin = frame_system::EnsureRoot<u64>;
	type DefaultParams = TestParams;
	type BlocksPerYear = ConstU64<1_000>;
	type MaxCandidates = ConstU32<20>;
	type MaxVoters = ConstU32<8>;
	type MaxVotes = ConstU32<16>;
	type MaxDelegates = ConstU32<4>;
	type MaxSuperdelegateCandidates = ConstU32<20>;
	type MaxSuperdelegates = ConstU32<4>;
	type MaxBackers = ConstU32<4>;
	type MaxReleases = ConstU32<2>;
	type WeightInfo = ();
}

/// Every account 1..=30 holds 10,000 POP; 1 and 2 are the genesis delegates with 1,000 bonded.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut t = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: (1..=30).map(|a| (a, 10_000)).collect(),
		..Default::default()
	}
	.assimilate_storage(&mut t)
	.unwrap();
	pallet_sdpos::GenesisConfig::<Test> {
		params: None,
		delegates: vec![(1, 1_000), (2, 1_000)],
		voters: vec![],
		superdelegates: vec![],
	}
	.assimilate_storage(&mut t)
	.unwrap();
	NoKeys::set(vec![]);
	let mut ext = sp_io::TestExternalities::new(t);
	// The benchmarks make identities with the keystore's keys.
	ext.register_extension(sp_keystore::KeystoreExt::new(
		sp_keystore::testing::MemoryKeystore::new(),
	));
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Ends the current era as `pallet-session` does: after `era_length` blocks, each authored by
/// `authors` in turn (no authors: nobody authored).
pub fn end_era(authors: &[u64]) {
	let era = crate::CurrentEra::<Test>::get();
	let start = System::block_number();
	let len = crate::Params::<Test>::get().era_length;
	for i in 0..len {
		System::set_block_number(start + i + 1);
		if !authors.is_empty() {
			<Sdpos as pallet_authorship::EventHandler<u64, u64>>::note_author(
				authors[i as usize % authors.len()],
			);
		}
	}
	System::set_block_number(start + len);
	Sdpos::end_session(era);
	Sdpos::start_session(era + 1);
	Sdpos::new_session(era + 2);
}

/// The events of the SDPoS pallet so far.
pub fn events() -> Vec<crate::Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Sdpos(e) => Some(e),
			_ => None,
		})
		.collect()
}
