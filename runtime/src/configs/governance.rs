//! Governance by POP holders: OpenGov's well-kept FRAME pallets.
//!
//! - `pallet-preimage` stores proposals (a runtime upgrade's code included) against a POP hold
//!   that is returned when the preimage is removed;
//! - `pallet-referenda` runs referenda on the [`tracks`](super::tracks) and, once one passes,
//!   hands its call to `pallet-scheduler`, which dispatches it after the track's enactment delay;
//! - `pallet-conviction-voting` counts POP votes: conviction multiplies a vote and locks its POP
//!   for longer. A conviction lock is a balance lock, which overlaps the SDPoS voter freeze and
//!   the candidate hold: POP staked for delegates votes in referenda too;
//! - `pallet-governance` gives the narrower tracks their origins ([`EnsureParameters`],
//!   [`EnsureEmergency`]) and stores the tracks' timing;
//! - Sudo: one key that may dispatch anything. Only the development preset sets the key; on
//!   `local_testnet` and `testnet` it is empty, so referenda are the only way to change them.
//!
//! Who may change what: [`ParametersOrigin`] (root or a parameters referendum) sets the LIT mint
//! rate, the SDPoS parameters and the dynamic parameters; [`EmergencyOrigin`] (root or an
//! emergency referendum) may cancel a referendum; only root (a root-track referendum) upgrades
//! the runtime, kills a referendum or changes the tracks' timing. A lost referendum's decision
//! deposit is returned; only a killed one's is slashed (burned).

use frame_support::{
	parameter_types,
	traits::{
		fungible::HoldConsideration, tokens::currency::ActiveIssuanceOf, AsEnsureOriginWithArg,
		ConstU32, EitherOf, EqualPrivilegeOnly, LinearStoragePrice,
	},
	weights::Weight,
};
use frame_system::{EnsureRoot, EnsureSigned};
use pallet_governance::{EnsureEmergency, EnsureModeration, EnsureParameters};
use pop_primitives::{
	currency::{MICRO_POP, POP},
	AccountId, Balance,
};
use sp_runtime::Perbill;

use super::{
	super::{
		Balances, OriginCaller, Preimage, Referenda, Runtime, RuntimeCall, RuntimeEvent,
		RuntimeHoldReason, RuntimeOrigin, Scheduler, System,
	},
	tracks, RuntimeBlockWeights,
};

/// Root, or a passed referendum on the parameters track.
pub type ParametersOrigin = EitherOf<EnsureRoot<AccountId>, EnsureParameters<RuntimeOrigin>>;
/// Root, or a passed referendum on the emergency track.
pub type EmergencyOrigin = EitherOf<EnsureRoot<AccountId>, EnsureEmergency<RuntimeOrigin>>;
/// Root, or a passed referendum on the moderation track.
pub type ModerationOrigin = EitherOf<EnsureRoot<AccountId>, EnsureModeration<RuntimeOrigin>>;

impl pallet_sudo::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type WeightInfo = pallet_sudo::weights::SubstrateWeight<Runtime>;
}

impl pallet_governance::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = pallet_governance::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	/// Noting a preimage holds 1 POP plus 10 µPOP a byte: a 1 MiB runtime costs about 11.5 POP,
	/// returned when the preimage is unnoted.
	pub const PreimageBaseDeposit: Balance = POP;
	pub const PreimageByteDeposit: Balance = 10 * MICRO_POP;
	pub const PreimageHoldReason: RuntimeHoldReason =
		RuntimeHoldReason::Preimage(pallet_preimage::HoldReason::Preimage);
}

impl pallet_preimage::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = pallet_preimage::weights::SubstrateWeight<Runtime>;
	type Currency = Balances;
	type ManagerOrigin = EnsureRoot<AccountId>;
	type Consideration = HoldConsideration<
		AccountId,
		Balances,
		PreimageHoldReason,
		LinearStoragePrice<PreimageBaseDeposit, PreimageByteDeposit, Balance>,
	>;
}

parameter_types! {
	/// Scheduled calls (enacted referenda) may use 80 % of a block.
	pub MaximumSchedulerWeight: Weight =
		Perbill::from_percent(80) * RuntimeBlockWeights::get().max_block;
}

impl pallet_scheduler::Config for Runtime {
	type RuntimeOrigin = RuntimeOrigin;
	type RuntimeEvent = RuntimeEvent;
	type PalletsOrigin = OriginCaller;
	type RuntimeCall = RuntimeCall;
	type MaximumWeight = MaximumSchedulerWeight;
	// Only referenda schedule: no account may schedule a call of its own.
	type ScheduleOrigin = EnsureRoot<AccountId>;
	type OriginPrivilegeCmp = EqualPrivilegeOnly;
	type MaxScheduledPerBlock = ConstU32<50>;
	type WeightInfo = pallet_scheduler::weights::SubstrateWeight<Runtime>;
	type Preimages = Preimage;
	type BlockNumberProvider = System;
}

impl pallet_conviction_voting::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = pallet_conviction_voting::weights::SubstrateWeight<Runtime>;
	type Currency = Balances;
	type Polls = Referenda;
	/// Support is measured against all POP in circulation.
	type MaxTurnout = ActiveIssuanceOf<Balances, AccountId>;
	type MaxVotes = ConstU32<512>;
	type VoteLockingPeriod = tracks::VoteLockingPeriod;
	type BlockNumberProvider = System;
	type VotingHooks = ();
}

parameter_types! {
	/// Submitting a referendum reserves 100 POP, returned once it is approved or cancelled.
	pub const SubmissionDeposit: Balance = 100 * POP;
}

impl pallet_referenda::Config for Runtime {
	type WeightInfo = pallet_referenda::weights::SubstrateWeight<Runtime>;
	type RuntimeCall = RuntimeCall;
	type RuntimeEvent = RuntimeEvent;
	type Scheduler = Scheduler;
	type Currency = Balances;
	// Any POP holder may propose; the track follows from the proposal's origin.
	type SubmitOrigin = AsEnsureOriginWithArg<EnsureSigned<AccountId>>;
	type CancelOrigin = EmergencyOrigin;
	type KillOrigin = EnsureRoot<AccountId>;
	// A killed referendum's deposits are burned.
	type Slash = ();
	type Votes = pallet_conviction_voting::VotesOf<Runtime>;
	type Tally = pallet_conviction_voting::TallyOf<Runtime>;
	type SubmissionDeposit = SubmissionDeposit;
	type MaxQueued = ConstU32<100>;
	type UndecidingTimeout = tracks::UndecidingTimeout;
	type AlarmInterval = ConstU32<1>;
	type Tracks = tracks::TracksInfo;
	type Preimages = Preimage;
	type BlockNumberProvider = System;
}
