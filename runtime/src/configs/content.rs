//! Content: manifests, shard placement on masternodes, the moderation gate (certificates of the
//! SDPoS moderation set) and storage audits.

use alloc::vec::Vec;
use frame_support::{parameter_types, traits::ConstU32};
use pop_primitives::{
	currency::{MILLI_POP, POP},
	AccountId, Balance, BlockNumber,
};
use sp_runtime::Perbill;

use super::{
	super::{
		Balances, BlockRandomness, Masternodes, Runtime, RuntimeEvent, RuntimeHoldReason, Sdpos,
	},
	governance::{EmergencyOrigin, ModerationOrigin},
};

/// Reward points per certificate signed and per audit passed (SDPoS shares the era's
/// superdelegate and masternode rewards by points).
const VERDICT_POINTS: u32 = 10;
const AUDIT_POINTS: u32 = 1;

/// The SDPoS moderation set signs certificates with its members' registered ed25519 keys.
pub struct SdposModerators;
impl pallet_content::ModerationSet<AccountId> for SdposModerators {
	fn era() -> u32 {
		pallet_sdpos::CurrentEra::<Runtime>::get()
	}
	fn members() -> Vec<(AccountId, [u8; 32])> {
		Sdpos::moderation_set().into_iter().map(|(who, i)| (who, i.moderation_key)).collect()
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn set_members(members: Vec<(AccountId, [u8; 32])>) {
		let mut set = Vec::new();
		for (who, key) in members {
			pallet_sdpos::SuperdelegateCandidates::<Runtime>::insert(
				&who,
				pallet_sdpos::SuperdelegateInfo {
					bond: 0,
					moderation_key: key,
					peer_id: Default::default(),
					addresses: Default::default(),
				},
			);
			set.push(who);
		}
		pallet_sdpos::Superdelegates::<Runtime>::put(frame_support::BoundedVec::truncate_from(set));
	}
}

/// Points go to SDPoS, which pays them from the era's inflation.
pub struct SdposRewards;
impl pallet_content::Rewards<AccountId> for SdposRewards {
	fn moderated(who: &AccountId) {
		<Sdpos as pallet_sdpos::RewardPoints<AccountId>>::reward_superdelegate(who, VERDICT_POINTS)
	}
	fn audited(who: &AccountId) {
		<Sdpos as pallet_sdpos::RewardPoints<AccountId>>::reward_masternode(who, AUDIT_POINTS)
	}
}

parameter_types! {
	pub const InconsistencyReporterShare: Perbill = Perbill::from_percent(10);
	pub const ContentDepositBase: Balance = POP;
	/// About the storage a shard takes (hash, holder, index entry) at the preimage byte price.
	pub const ContentDepositPerShard: Balance = MILLI_POP;
	/// What masternodes store, by the byte: 10 milli-POP a MiB (about 10 POP a GiB, held
	/// until the content is removed).
	pub const ContentDepositPerMiB: Balance = 10 * MILLI_POP;
	/// Challenges every ten blocks (a minute), sixteen at a time.
	pub const AuditPeriod: BlockNumber = 10;
	/// Twenty blocks (two minutes) to answer.
	pub const AuditDeadline: BlockNumber = 20;
	/// A missed audit suspends a masternode from new placements for a grace window of an hour
	/// (twenty minutes on test chains' two-second slots); a second miss inside it retires the
	/// node and burns 5 % of its bond.
	pub const MissSlash: Perbill = Perbill::from_percent(5);
	pub const GraceWindow: BlockNumber = 600;
	/// Held behind a creator's appeal: returned if the moderation track publishes the content,
	/// burned if it rejects it.
	pub const AppealDeposit: Balance = 100 * POP;
}

impl pallet_content::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Masternodes = Masternodes;
	type MaxDeparting = <Runtime as pallet_masternodes::Config>::MaxMasternodes;
	type Moderators = SdposModerators;
	type Rewards = SdposRewards;
	// Audits are drawn from the block authors' VRF outputs, which no author can grind.
	type Randomness = BlockRandomness;
	// An emergency referendum halts new content.
	type HaltOrigin = EmergencyOrigin;
	// A moderation-track referendum rules on appeals and content left for review.
	type AppealOrigin = ModerationOrigin;
	type AppealDeposit = AppealDeposit;
	// A tenth of a forfeited deposit to whoever proves an upload inconsistent.
	type ReporterShare = InconsistencyReporterShare;
	type DepositBase = ContentDepositBase;
	type DepositPerShard = ContentDepositPerShard;
	type DepositPerMiB = ContentDepositPerMiB;
	type AuditPeriod = AuditPeriod;
	type AuditsPerPeriod = ConstU32<16>;
	type AuditDeadline = AuditDeadline;
	type MaxMisses = ConstU32<2>;
	type GraceWindow = GraceWindow;
	type MissSlash = MissSlash;
	type MaxReassignPerBlock = ConstU32<16>;
	type MaxPurging = ConstU32<64>;
	type MaxPurgePerBlock = ConstU32<256>;
	type WeightInfo = pallet_content::weights::SubstrateWeight<Runtime>;
}
