//! The `Config` of every pallet in the runtime, grouped by what they do.
//!
//! - this file: System and Timestamp, the frame every other pallet stands on;
//! - [`consensus`]: Session, Aura and GRANDPA: who authors and who finalizes;
//! - [`monetary`]: Balances (POP) and TransactionPayment;
//! - [`lit`]: LIT balances and the LIT burn-and-mint;
//! - [`governance`]: referenda, conviction voting, preimages, the scheduler, the governance
//!   origins, and Sudo for the development chain only; [`tracks`]: the referendum tracks;
//!   [`parameters`]: the dynamic parameters that governance tunes;
//! - [`sdpos`]: elections of delegates and superdelegates;
//! - [`masternodes`]: the masternode registry, and the bonded POP behind the fee quota.

pub mod consensus;
pub mod content;
pub mod governance;
pub mod lit;
pub mod masternodes;
pub mod monetary;
pub mod parameters;
pub mod sdpos;
pub mod tracks;

use frame_support::{
	derive_impl,
	dispatch::DispatchClass,
	parameter_types,
	traits::ConstU32,
	weights::{
		constants::{RocksDbWeight, WEIGHT_REF_TIME_PER_SECOND},
		Weight,
	},
};
use frame_system::limits::{BlockLength, BlockWeights};
use pop_primitives::SS58_PREFIX;
use sp_runtime::Perbill;

// `derive_impl` fills in the aggregated types (`RuntimeCall`, `RuntimeEvent`, …) by name.
use super::{
	AccountId, Aura, Block, Hash, Nonce, PalletInfo, Runtime, RuntimeCall, RuntimeEvent,
	RuntimeOrigin, RuntimeTask, VERSION,
};

/// Ordinary transactions may fill this share of a block; the rest is kept for operational ones
/// (such as a runtime upgrade or an emergency halt) so that they always fit.
const NORMAL_DISPATCH_RATIO: Perbill = Perbill::from_percent(75);

parameter_types! {
	pub const Version: sp_version::RuntimeVersion = VERSION;

	/// Two seconds of computation in a six-second block: the rest is for gossip and import.
	pub RuntimeBlockWeights: BlockWeights = BlockWeights::with_sensible_defaults(
		Weight::from_parts(2u64 * WEIGHT_REF_TIME_PER_SECOND, u64::MAX),
		NORMAL_DISPATCH_RATIO,
	);
	/// Blocks carry at most 5 MiB of extrinsics.
	pub RuntimeBlockLength: BlockLength = BlockLength::builder()
		.max_length(5 * 1024 * 1024)
		.modify_max_length_for_class(DispatchClass::Normal, |m| {
			*m = NORMAL_DISPATCH_RATIO * *m
		})
		.build();
	pub const SS58Prefix: u16 = SS58_PREFIX;
}

#[derive_impl(frame_system::config_preludes::SolochainDefaultConfig)]
impl frame_system::Config for Runtime {
	type Block = Block;
	type BlockWeights = RuntimeBlockWeights;
	type BlockLength = RuntimeBlockLength;
	type AccountId = AccountId;
	type Nonce = Nonce;
	type Hash = Hash;
	type BlockHashCount = ConstU32<2400>;
	// ParityDB's costs are of the same order; RocksDB's are the benchmarked reference.
	type DbWeight = RocksDbWeight;
	type Version = Version;
	type AccountData = pallet_balances::AccountData<pop_primitives::Balance>;
	type SystemWeightInfo = frame_system::weights::SubstrateWeight<Runtime>;
	type SS58Prefix = SS58Prefix;
	type MaxConsumers = ConstU32<16>;
}

impl pallet_timing::Config for Runtime {}

impl pallet_timestamp::Config for Runtime {
	type Moment = u64;
	type OnTimestampSet = Aura;
	// Half the slot the chain's genesis chose: timestamps of consecutive blocks must be at least
	// this far apart, and Aura's slot is twice it.
	type MinimumPeriod = pallet_timing::MinimumPeriod<Runtime>;
	type WeightInfo = pallet_timestamp::weights::SubstrateWeight<Runtime>;
}
