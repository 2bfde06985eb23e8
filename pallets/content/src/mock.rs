//! A test runtime: POP with holds, masternodes (minimum bond 1,000; ten blocks of unbonding),
//! and a moderation set of four ed25519 keys in era 3. Deposits: 10 + 1 per shard. Audits every
//! 5 blocks, one at a time, 3 blocks to answer, 2 misses retire with a 10 % slash; 4 shards
//! move per block.

use crate::{self as pallet_content, ModerationKey};
use codec::Encode;
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU128, ConstU32, ConstU64},
	BoundedVec,
};
use frame_system::EnsureRoot;
use pallet_masternodes::{Addresses, PeerId, Region};
use sp_core::{ed25519, Pair};
use sp_runtime::{BuildStorage, Perbill};

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Masternodes: pallet_masternodes,
		Content: pallet_content,
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

impl pallet_masternodes::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type MinBond = ConstU128<1_000>;
	type UnbondingPeriod = ConstU64<10>;
	type MaxMasternodes = ConstU32<1_000>;
	type OnLeave = Content;
	type WeightInfo = ();
}

parameter_types! {
	pub static Era: u32 = 3;
	/// Members 101..=104 with the keys of `moderator(0..4)`.
	pub static Members: Vec<(u64, ModerationKey)> =
		(0..4).map(|i| (101 + i as u64, moderator(i).public().0)).collect();
	/// Who earned points, in order: (account, for moderation?).
	pub static Points: Vec<(u64, bool)> = Vec::new();
}

/// The moderation key of member `i`.
pub fn moderator(i: u8) -> ed25519::Pair {
	ed25519::Pair::from_seed(&[i + 1; 32])
}

pub struct MockModerators;
impl crate::ModerationSet<u64> for MockModerators {
	fn era() -> u32 {
		Era::get()
	}
	fn members() -> Vec<(u64, ModerationKey)> {
		Members::get()
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn set_members(members: Vec<(u64, ModerationKey)>) {
		Members::set(members)
	}
}

pub struct MockRewards;
impl crate::Rewards<u64> for MockRewards {
	fn moderated(who: &u64) {
		Points::mutate(|p| p.push((*who, true)));
	}
	fn audited(who: &u64) {
		Points::mutate(|p| p.push((*who, false)));
	}
}

impl pallet_content::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Masternodes = Masternodes;
	type MaxDeparting = ConstU32<1_000>;
	type Moderators = MockModerators;
	type Rewards = MockRewards;
	type Randomness = MockRandomness;
	type HaltOrigin = EnsureRoot<u64>;
	type AppealOrigin = EnsureRoot<u64>;
	type AppealDeposit = ConstU128<100>;
	type ReporterShare = ReporterShare;
	type DepositBase = ConstU128<10>;
	type DepositPerShard = ConstU128<1>;
	type DepositPerMiB = ConstU128<2>;
	type AuditPeriod = ConstU64<5>;
	type AuditsPerPeriod = DrawsPerPeriod;
	type AuditDeadline = ConstU64<3>;
	type MaxMisses = ConstU32<2>;
	type GraceWindow = ConstU64<30>;
	type MissSlash = MissSlash;
	type MaxReassignPerBlock = ConstU32<4>;
	type MaxPurging = ConstU32<2>;
	type MaxPurgePerBlock = ConstU32<100>;
	type WeightInfo = ();
}

/// Randomness as a VRF chain gives it: a new value each block, that nothing in the block (its
/// parent hash included) changes.
pub struct MockRandomness;
impl frame_support::traits::Randomness<sp_core::H256, u64> for MockRandomness {
	fn random(subject: &[u8]) -> (sp_core::H256, u64) {
		let now = System::block_number();
		(sp_core::H256(sp_io::hashing::blake2_256(&(subject, now).encode())), now)
	}
}

parameter_types! {
	pub const MissSlash: Perbill = Perbill::from_percent(10);
	pub const ReporterShare: Perbill = Perbill::from_percent(10);
	/// One draw a period, unless a test says otherwise.
	pub static DrawsPerPeriod: u32 = 1;
}

/// Accounts 1 to 20 hold 10,000 each; account 50 (a creator) 100,000; account 60 holds 5.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut balances: Vec<(u64, u128)> = (1..=20).map(|who| (who, 10_000)).collect();
	balances.push((50, 100_000));
	balances.push((60, 5));
	let storage = RuntimeGenesisConfig {
		balances: pallet_balances::GenesisConfig { balances, ..Default::default() },
		..Default::default()
	}
	.build_storage()
	.expect("the genesis builds");
	let mut ext = sp_io::TestExternalities::new(storage);
	// Benchmarks sign certificates with keys from a keystore.
	ext.register_extension(sp_keystore::KeystoreExt::new(
		sp_keystore::testing::MemoryKeystore::new(),
	));
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// A distinct peer id for account `who`.
pub fn peer(who: u64) -> PeerId {
	BoundedVec::truncate_from(vec![who as u8; 38])
}

/// One TCP address.
pub fn addrs() -> Addresses {
	BoundedVec::truncate_from(vec![BoundedVec::truncate_from(b"/ip4/127.0.0.1/tcp/1".to_vec())])
}

/// Registers masternodes `who` in `region`.
pub fn masternode(who: u64, region: &[u8; 2]) {
	pallet_masternodes::Pallet::<Test>::register(
		RuntimeOrigin::signed(who),
		peer(who),
		addrs(),
		Region(*region),
		1 << 30,
		1_000,
	)
	.expect("registers");
}

/// The events this pallet deposited, oldest first.
pub fn events() -> Vec<pallet_content::Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Content(e) => Some(e),
			_ => None,
		})
		.collect()
}

/// Runs `on_initialize` for blocks up to `n`.
pub fn run_to(n: u64) {
	use frame_support::traits::Hooks;
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		System::set_parent_hash(sp_core::H256::repeat_byte(next as u8));
		Content::on_initialize(next);
	}
}
