//! The runtime's dynamic parameters: tunables that are not part of a pallet's own typed state,
//! kept by `pallet-parameters` and changed by root or a referendum on the parameters track.
//!
//! Here: the fee quota (share of bonded POP, window) and the masternode bond.
//!
//! Tunables that a pallet validates as a whole live in that pallet, behind the same origin:
//! the LIT mint rate (`Lit::set_rate`) and the SDPoS parameters — delegates and superdelegates,
//! bonds, era length, unbonding, inflation, reward shares, the offline slash
//! (`Sdpos::set_params`).

use frame_support::dynamic_params::{dynamic_pallet_params, dynamic_params};
use frame_support::traits::AsEnsureOriginWithArg;
use pop_primitives::params::FEE_QUOTA_WINDOW;
use sp_runtime::Perbill;

use super::{
	super::{Runtime, RuntimeEvent},
	governance::ParametersOrigin,
};

#[dynamic_params(RuntimeParameters, pallet_parameters::Parameters::<Runtime>)]
pub mod dynamic_params {
	use super::*;

	/// The fee quota of `pallet-fees`.
	#[dynamic_pallet_params]
	#[codec(index = 0)]
	pub mod fees {
		/// The share of its bonded POP that an account may spend on fees in each window: 0.1 %,
		/// so a masternode's 50,000 POP bond covers some sixty thousand transfers a day.
		#[codec(index = 0)]
		pub static QuotaPerBondedPop: Perbill = Perbill::from_parts(1_000_000);
		/// The quota's window in blocks: one day.
		#[codec(index = 1)]
		pub static QuotaWindow: pop_primitives::BlockNumber = FEE_QUOTA_WINDOW;
	}

	/// The masternode registry of `pallet-masternodes`.
	#[dynamic_pallet_params]
	#[codec(index = 1)]
	pub mod masternodes {
		/// The least bond a masternode registers with: 50,000 POP.
		#[codec(index = 0)]
		pub static Bond: pop_primitives::Balance = pop_primitives::currency::MASTERNODE_BOND;
	}
}

#[cfg(feature = "runtime-benchmarks")]
impl Default for RuntimeParameters {
	fn default() -> Self {
		RuntimeParameters::Fees(dynamic_params::fees::Parameters::QuotaPerBondedPop(
			dynamic_params::fees::QuotaPerBondedPop,
			Some(Perbill::from_parts(1_000_000)),
		))
	}
}

impl pallet_parameters::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeParameters = RuntimeParameters;
	type AdminOrigin = AsEnsureOriginWithArg<ParametersOrigin>;
	// The pallet publishes only its reference weights (`()`: measured by polkadot-sdk, priced
	// at RocksDB's costs, as our own `DbWeight` is).
	type WeightInfo = ();
}
