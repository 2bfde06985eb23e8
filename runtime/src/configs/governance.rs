//! Sudo: one key that may dispatch anything. Only the development preset sets the key; on
//! `local_testnet` and `testnet` it is empty, so no one can use it there.

use super::super::{Runtime, RuntimeCall, RuntimeEvent};

impl pallet_sudo::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type WeightInfo = pallet_sudo::weights::SubstrateWeight<Runtime>;
}
