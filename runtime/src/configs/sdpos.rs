//! SDPoS: POP holders elect the delegates (the Aura and GRANDPA authorities, through
//! `pallet-session`), delegates elect the superdelegates. `pallet-authorship` counts the blocks
//! each delegate authors, which its era reward follows.

use frame_support::{parameter_types, traits::ConstU32};
use pop_primitives::{
	currency::POP,
	params::{NUM_DELEGATES, NUM_SUPERDELEGATES, UNBONDING_PERIOD},
	time::{DAYS, HOURS},
	AccountId, Balance, BlockNumber,
};
use sp_runtime::Perbill;

use super::super::{
	Aura, Balances, Runtime, RuntimeEvent, RuntimeFreezeReason, RuntimeHoldReason, Sdpos,
};

/// The smallest self-bond of a delegate candidate on a public network.
pub const MIN_CANDIDATE_BOND: Balance = 10_000 * POP;
/// The smallest bond of a superdelegate on a public network.
pub const MIN_SUPERDELEGATE_BOND: Balance = 10_000 * POP;
/// The smallest voter bond.
pub const MIN_VOTER_BOND: Balance = POP;

/// The parameters of a public network (the design's starting table; governance tunes them).
pub fn public_params() -> pallet_sdpos::SdposParams<BlockNumber> {
	pallet_sdpos::SdposParams {
		num_delegates: NUM_DELEGATES,
		num_superdelegates: NUM_SUPERDELEGATES,
		min_candidate_bond: MIN_CANDIDATE_BOND,
		min_superdelegate_bond: MIN_SUPERDELEGATE_BOND,
		min_voter_bond: MIN_VOTER_BOND,
		era_length: HOURS,
		unbonding_period: UNBONDING_PERIOD,
		inflation: Perbill::from_percent(5),
		superdelegate_share: Perbill::from_percent(10),
		masternode_share: Perbill::from_percent(25),
		offline_slash: Perbill::from_percent(1),
	}
}

parameter_types! {
	pub DefaultParams: pallet_sdpos::SdposParams<BlockNumber> = public_params();
	pub const BlocksPerYear: BlockNumber = 365 * DAYS;
}

/// Session keys are registered in `pallet-session`.
pub struct SessionKeysOf;
impl pallet_sdpos::HasSessionKeys<AccountId> for SessionKeysOf {
	fn has_keys(who: &AccountId) -> bool {
		pallet_session::NextKeys::<Runtime>::contains_key(who)
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn set_keys_for_benchmarks(who: &AccountId) {
		let raw: [u8; 32] = *who.as_ref();
		let keys = super::super::SessionKeys {
			aura: sp_core::sr25519::Public::from_raw(raw).into(),
			grandpa: sp_core::ed25519::Public::from_raw(raw).into(),
		};
		pallet_session::NextKeys::<Runtime>::insert(who, keys);
	}
}

impl pallet_sdpos::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type SessionKeys = SessionKeysOf;
	// Root or a referendum on the parameters track.
	type AdminOrigin = super::governance::ParametersOrigin;
	// Root or a referendum on the emergency track.
	type PunishOrigin = super::governance::EmergencyOrigin;
	type DefaultParams = DefaultParams;
	type BlocksPerYear = BlocksPerYear;
	type MaxCandidates = ConstU32<200>;
	type MaxVoters = ConstU32<2_000>;
	type MaxVotes = ConstU32<16>;
	type MaxDelegates = super::consensus::MaxAuthorities;
	type MaxSuperdelegateCandidates = ConstU32<100>;
	type MaxSuperdelegates = ConstU32<31>;
	type MaxBackers = ConstU32<256>;
	type MaxReleases = ConstU32<16>;
	type WeightInfo = pallet_sdpos::weights::SubstrateWeight<Runtime>;
}

impl pallet_authorship::Config for Runtime {
	type FindAuthor = pallet_session::FindAccountFromAuthorIndex<Self, Aura>;
	type EventHandler = Sdpos;
}
