//! Who authors and who finalizes: Session, Aura and GRANDPA.
//!
//! The authority set lives in `pallet-session`. At genesis it hands its validators' keys to Aura
//! and GRANDPA; at the end of every session (an SDPoS era) it asks its `SessionManager`, the
//! SDPoS pallet, for the next set, which the election chose.

use frame_support::{parameter_types, traits::ConstU32};
use pop_primitives::{currency::POP, AccountId, Balance};
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_runtime::traits::{ConvertInto, OpaqueKeys};

use super::super::{Balances, Runtime, RuntimeEvent, Sdpos, SessionKeys, System};

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

/// The slot of the block being built, from its Aura pre-runtime digest, and the Aura authority
/// that owns it, as the node that authored it and every node importing it chose: slot modulo
/// the size of the authority set of the parent block. Read as the block starts, before
/// `pallet-session` can change the set.
pub struct AuraSlotAuthor;

impl pallet_randomness::SlotAuthor for AuraSlotAuthor {
	fn slot_author() -> Option<(u64, sp_core::sr25519::Public)> {
		let slot: sp_consensus_aura::Slot = System::digest()
			.logs
			.iter()
			.find_map(|log| log.pre_runtime_try_to(&sp_consensus_aura::AURA_ENGINE_ID))?;
		let authorities = pallet_aura::Authorities::<Runtime>::get();
		let index = u64::from(slot).checked_rem(authorities.len() as u64)?;
		let author = authorities.get(index as usize)?;
		Some((u64::from(slot), author.clone().into_inner()))
	}
}

impl pallet_randomness::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type SlotAuthor = AuraSlotAuthor;
	type WeightInfo = pallet_randomness::weights::SubstrateWeight<Runtime>;
}
