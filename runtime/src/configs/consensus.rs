//! Who authors and who finalizes: Session, Aura and GRANDPA.
//!
//! The authority set lives in `pallet-session`. At genesis it hands its validators' keys to Aura
//! and GRANDPA; at the end of every session (an SDPoS era) it asks its `SessionManager`, the
//! SDPoS pallet, for the next set, which the election chose.

use frame_support::{parameter_types, traits::ConstU32};
use pop_primitives::{currency::POP, AccountId, Balance};
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_runtime::traits::{ConvertInto, OpaqueKeys};

use super::super::{Balances, Runtime, RuntimeEvent, Sdpos, SessionKeys};

/// The most authorities a set may hold; the public network elects 21 delegates.
pub type MaxAuthorities = ConstU32<100>;

parameter_types! {
	/// Held from an account that sets session keys, so that key registrations cost something.
	pub const SessionKeyDeposit: Balance = POP;
}

impl pallet_session::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type ValidatorId = AccountId;
	type ValidatorIdOf = ConvertInto;
	// A session is an SDPoS era: SDPoS ends it after `era_length` blocks and elects the next set.
	type ShouldEndSession = Sdpos;
	type NextSessionRotation = Sdpos;
	type SessionManager = Sdpos;
	type SessionHandler = <SessionKeys as OpaqueKeys>::KeyTypeIdProviders;
	type Keys = SessionKeys;
	type DisablingStrategy = ();
	type WeightInfo = pallet_session::weights::SubstrateWeight<Runtime>;
	type Currency = Balances;
	type KeyDeposit = SessionKeyDeposit;
}

impl pallet_aura::Config for Runtime {
	type AuthorityId = AuraId;
	type DisabledValidators = ();
	type MaxAuthorities = MaxAuthorities;
	type AllowMultipleBlocksPerSlot = frame_support::traits::ConstBool<false>;
	type SlotDuration = pallet_aura::MinimumPeriodTimesTwo<Runtime>;
}

impl pallet_grandpa::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = ();
	type MaxAuthorities = MaxAuthorities;
	type MaxNominators = ConstU32<0>;
	type MaxSetIdSessionEntries = frame_support::traits::ConstU64<0>;
	// Equivocation reports need a key-ownership proof from `pallet-session::historical`; the
	// SDPoS work wires slashing in. Until then GRANDPA equivocations are not reported on chain.
	type KeyOwnerProof = sp_core::Void;
	type EquivocationReportSystem = ();
}
