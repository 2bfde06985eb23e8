//! Masternodes: the registry of the nodes that store media shards, and the POP behind the fee
//! quota (SDPoS bonds and masternode bonds together).

use frame_support::traits::ConstU32;
use pop_primitives::{AccountId, Balance, BlockNumber};

use super::{
	super::{Masternodes, Runtime, RuntimeEvent, RuntimeHoldReason, Sdpos},
	parameters::dynamic_params,
};

/// A masternode's bond is held for the chain's one unbonding period (the SDPoS parameter:
/// seven days on public chains, twenty blocks on test chains) after it unregisters.
pub struct MasternodeUnbonding;
impl frame_support::traits::Get<BlockNumber> for MasternodeUnbonding {
	fn get() -> BlockNumber {
		pallet_sdpos::Params::<Runtime>::get().unbonding_period
	}
}

impl pallet_masternodes::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type Currency = super::super::Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	// 50,000 POP unless a parameters referendum changes it.
	type MinBond = dynamic_params::masternodes::Bond;
	type UnbondingPeriod = MasternodeUnbonding;
	type MaxMasternodes = ConstU32<1_000>;
	// Their shards move to other masternodes.
	type OnLeave = super::super::Content;
	type WeightInfo = pallet_masternodes::weights::SubstrateWeight<Runtime>;
}

/// The POP behind the fee quota: what an account has bonded in SDPoS (as a candidate, voter or
/// superdelegate) and as a masternode.
pub struct BondedPop;
impl pallet_fees::BondedPop<AccountId> for BondedPop {
	fn bonded_pop(who: &AccountId) -> Balance {
		Sdpos::bonded(who).saturating_add(Masternodes::bonded(who))
	}
}
