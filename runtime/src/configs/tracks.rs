//! The referendum tracks: which proposals go where, how long each phase lasts and how much
//! approval and support a proposal needs to pass.
//!
//! | Track | Origin | Max deciding | Decision deposit | Prepare | Decision | Confirm | Min enactment | Approval | Support |
//! |---|---|---|---|---|---|---|---|---|---|
//! | 0 `root` | Root: runtime upgrades, anything | 1 | 100,000 POP | 2 h / 2 blocks | 14 d / 40 blocks | 1 d / 5 blocks | 1 d / 5 blocks | 100 % → 50 % | 50 % → 1 % |
//! | 1 `parameters` | [`GovernanceOrigin::Parameters`]: the chain's tunables | 10 | 10,000 POP | 1 h / 2 blocks | 7 d / 20 blocks | 3 h / 3 blocks | 1 h / 2 blocks | 100 % → 50 % | 20 % → 1 % |
//! | 2 `emergency` | [`GovernanceOrigin::Emergency`]: halt content, punish nodes | 5 | 50,000 POP | 10 min / 1 block | 2 d / 15 blocks | 10 min / 2 blocks | 1 block / 1 block | 100 % → 67 % | 25 % → 5 % |
//! | 3 `moderation` | [`GovernanceOrigin::Moderation`]: appeals, content left for review | 50 | 1,000 POP | 1 h / 1 block | 3 d / 15 blocks | 1 h / 2 blocks | 1 block / 1 block | 100 % → 50 % | 5 % → 0.1 % |
//!
//! Periods read "standard / short": [`TrackTiming::Standard`] is for public chains,
//! [`TrackTiming::Short`] for development and local test chains (see `pallet-governance`).
//! Approval (aye votes with conviction over all votes with conviction) and support (aye votes
//! without conviction over the POP issued) fall linearly from the first figure to the second over
//! the decision period; a proposal passes once both stay above their curves for the whole confirm
//! period. The root track decides one proposal at a time and needs half of all POP behind it at
//! first; parameters need a fifth; an emergency needs a two-thirds majority however fast it goes.
//! Conviction locks last multiples of [`VoteLockingPeriod`] (7 days / 5 blocks); a referendum
//! that no one places a decision deposit for times out after [`UndecidingTimeout`].

use alloc::borrow::Cow;
use pallet_governance::{GovernanceOrigin, TrackTiming};
use pallet_referenda::{Curve, Track};
use pop_primitives::{
	currency::POP,
	time::{DAYS, HOURS, MINUTES},
	Balance, BlockNumber,
};
use sp_runtime::Perbill;

use super::super::{OriginCaller, Runtime};

/// The id of each track.
pub mod ids {
	pub const ROOT: u16 = 0;
	pub const PARAMETERS: u16 = 1;
	pub const EMERGENCY: u16 = 2;
	pub const MODERATION: u16 = 3;
}

/// How long each phase of a referendum on one track lasts.
struct Periods {
	prepare: BlockNumber,
	decision: BlockNumber,
	confirm: BlockNumber,
	min_enactment: BlockNumber,
}

/// One track, with its periods under both timings.
struct TrackSpec {
	id: u16,
	name: &'static str,
	max_deciding: u32,
	decision_deposit: Balance,
	standard: Periods,
	short: Periods,
	/// Approval falls linearly from 100 % to this over the decision period.
	approval_floor: Perbill,
	/// Support falls linearly from the first to the second over the decision period.
	support: (Perbill, Perbill),
}

const TRACKS: [TrackSpec; 4] = [
	TrackSpec {
		id: ids::ROOT,
		name: "root",
		max_deciding: 1,
		decision_deposit: 100_000 * POP,
		standard: Periods {
			prepare: 2 * HOURS,
			decision: 14 * DAYS,
			confirm: DAYS,
			min_enactment: DAYS,
		},
		short: Periods { prepare: 2, decision: 40, confirm: 5, min_enactment: 5 },
		approval_floor: Perbill::from_percent(50),
		support: (Perbill::from_percent(50), Perbill::from_percent(1)),
	},
	TrackSpec {
		id: ids::PARAMETERS,
		name: "parameters",
		max_deciding: 10,
		decision_deposit: 10_000 * POP,
		standard: Periods {
			prepare: HOURS,
			decision: 7 * DAYS,
			confirm: 3 * HOURS,
			min_enactment: HOURS,
		},
		short: Periods { prepare: 2, decision: 20, confirm: 3, min_enactment: 2 },
		approval_floor: Perbill::from_percent(50),
		support: (Perbill::from_percent(20), Perbill::from_percent(1)),
	},
	TrackSpec {
		id: ids::EMERGENCY,
		name: "emergency",
		max_deciding: 5,
		decision_deposit: 50_000 * POP,
		standard: Periods {
			prepare: 10 * MINUTES,
			decision: 2 * DAYS,
			confirm: 10 * MINUTES,
			min_enactment: 1,
		},
		short: Periods { prepare: 1, decision: 15, confirm: 2, min_enactment: 1 },
		approval_floor: Perbill::from_percent(67),
		support: (Perbill::from_percent(25), Perbill::from_percent(5)),
	},
	// Many small decisions, each about one creator's content: a low bar of support (a ruling
	// touches no one's funds but the appellant's deposit) and many at once.
	TrackSpec {
		id: ids::MODERATION,
		name: "moderation",
		max_deciding: 50,
		decision_deposit: 1_000 * POP,
		standard: Periods { prepare: HOURS, decision: 3 * DAYS, confirm: HOURS, min_enactment: 1 },
		short: Periods { prepare: 1, decision: 15, confirm: 2, min_enactment: 1 },
		approval_floor: Perbill::from_percent(50),
		support: (Perbill::from_percent(5), Perbill::from_perthousand(1)),
	},
];

/// A track's name as `pallet-referenda` stores it: UTF-8, zero-padded.
const fn track_name(name: &str) -> [u8; 25] {
	let bytes = name.as_bytes();
	let mut out = [0u8; 25];
	let mut i = 0;
	while i < bytes.len() {
		out[i] = bytes[i];
		i += 1;
	}
	out
}

impl TrackSpec {
	fn track(&self, timing: TrackTiming) -> Track<u16, Balance, BlockNumber> {
		let periods = match timing {
			TrackTiming::Standard => &self.standard,
			TrackTiming::Short => &self.short,
		};
		let linear = |ceil: Perbill, floor: Perbill| Curve::LinearDecreasing {
			length: Perbill::one(),
			floor,
			ceil,
		};
		Track {
			id: self.id,
			info: pallet_referenda::TrackInfo {
				name: track_name(self.name),
				max_deciding: self.max_deciding,
				decision_deposit: self.decision_deposit,
				prepare_period: periods.prepare,
				decision_period: periods.decision,
				confirm_period: periods.confirm,
				min_enactment_period: periods.min_enactment,
				min_approval: linear(Perbill::one(), self.approval_floor),
				min_support: linear(self.support.0, self.support.1),
			},
		}
	}
}

/// The tracks under the chain's current [`TrackTiming`].
pub struct TracksInfo;

impl pallet_referenda::TracksInfo<Balance, BlockNumber> for TracksInfo {
	type Id = u16;
	type RuntimeOrigin = OriginCaller;

	fn tracks() -> impl Iterator<Item = Cow<'static, Track<u16, Balance, BlockNumber>>> {
		let timing = pallet_governance::Timing::<Runtime>::get();
		TRACKS.iter().map(move |spec| Cow::Owned(spec.track(timing)))
	}

	fn track_for(origin: &OriginCaller) -> Result<u16, ()> {
		match origin {
			OriginCaller::system(frame_system::RawOrigin::Root) => Ok(ids::ROOT),
			OriginCaller::Governance(GovernanceOrigin::Parameters) => Ok(ids::PARAMETERS),
			OriginCaller::Governance(GovernanceOrigin::Emergency) => Ok(ids::EMERGENCY),
			OriginCaller::Governance(GovernanceOrigin::Moderation) => Ok(ids::MODERATION),
			// Signed and other origins have no track: a referendum cannot act as an account.
			_ => Err(()),
		}
	}
}

/// How long a conviction lock lasts per unit of conviction: 7 days, or 5 blocks on test chains.
pub struct VoteLockingPeriod;

impl frame_support::traits::Get<BlockNumber> for VoteLockingPeriod {
	fn get() -> BlockNumber {
		match pallet_governance::Timing::<Runtime>::get() {
			TrackTiming::Standard => 7 * DAYS,
			TrackTiming::Short => 5,
		}
	}
}

/// A referendum with no decision deposit is dropped after 14 days, or 50 blocks on test chains.
pub struct UndecidingTimeout;

impl frame_support::traits::Get<BlockNumber> for UndecidingTimeout {
	fn get() -> BlockNumber {
		match pallet_governance::Timing::<Runtime>::get() {
			TrackTiming::Standard => 14 * DAYS,
			TrackTiming::Short => 50,
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use pallet_referenda::TracksInfo as _;

	#[test]
	fn tracks_are_sorted_and_every_short_period_is_shorter() {
		sp_io::TestExternalities::default().execute_with(|| {
			TracksInfo::check_integrity().expect("tracks sorted by id");
			for spec in &TRACKS {
				let (s, f) = (&spec.standard, &spec.short);
				assert!(f.prepare <= s.prepare && f.decision < s.decision, "{}", spec.name);
				assert!(f.confirm <= s.confirm && f.min_enactment <= s.min_enactment);
				assert!(f.confirm < f.decision && s.confirm < s.decision, "{}", spec.name);
				assert!(f.min_enactment >= 1 && spec.support.0 >= spec.support.1);
			}
		});
	}

	#[test]
	fn origins_map_to_their_tracks_and_accounts_to_none() {
		let signed = OriginCaller::system(frame_system::RawOrigin::Signed([1u8; 32].into()));
		assert_eq!(TracksInfo::track_for(&signed), Err(()));
		let root = OriginCaller::system(frame_system::RawOrigin::Root);
		assert_eq!(TracksInfo::track_for(&root), Ok(ids::ROOT));
		let params = OriginCaller::Governance(GovernanceOrigin::Parameters);
		assert_eq!(TracksInfo::track_for(&params), Ok(ids::PARAMETERS));
		let moderation = OriginCaller::Governance(GovernanceOrigin::Moderation);
		assert_eq!(TracksInfo::track_for(&moderation), Ok(ids::MODERATION));
	}
}
