//! POP balances and transaction fees: computed by `pallet-transaction-payment` in POP, paid by
//! `pallet-fees` from the free quota, then LIT, then POP (see that pallet), and burned.

use frame_support::{
	parameter_types,
	traits::VariantCountOf,
	weights::{ConstantMultiplier, IdentityFee},
};
use pallet_transaction_payment::{ConstFeeMultiplier, Multiplier};
use pop_primitives::{
	currency::{EXISTENTIAL_DEPOSIT, MICRO_POP},
	Balance,
};
use sp_runtime::traits::{Convert, One};

use super::super::{
	Balances, LitBalances, Runtime, RuntimeEvent, RuntimeFreezeReason, RuntimeHoldReason,
};

parameter_types! {
	pub const ExistentialDeposit: Balance = EXISTENTIAL_DEPOSIT;
}

impl pallet_balances::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeHoldReason = RuntimeHoldReason;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type WeightInfo = pallet_balances::weights::SubstrateWeight<Runtime>;
	type Balance = Balance;
	// Dust below the existential deposit is burned.
	type DustRemoval = ();
	type ExistentialDeposit = ExistentialDeposit;
	type AccountStore = frame_system::Pallet<Runtime>;
	type ReserveIdentifier = [u8; 8];
	type FreezeIdentifier = RuntimeFreezeReason;
	type MaxLocks = frame_support::traits::ConstU32<50>;
	type MaxReserves = frame_support::traits::ConstU32<50>;
	type MaxFreezes = VariantCountOf<RuntimeFreezeReason>;
	type DoneSlashHandler = ();
}

parameter_types! {
	pub FeeMultiplier: Multiplier = Multiplier::one();
	/// Operational transactions pay five times the fee for their priority.
	pub const OperationalFeeMultiplier: u8 = 5;
}

impl pallet_transaction_payment::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	// The free quota, then LIT, then POP; behind the standard `ChargeTransactionPayment`.
	type OnChargeTransaction = pallet_fees::FeeAdapter<Runtime>;
	/// One plank of POP per picosecond of weight: a transfer costs about 0.0002 POP.
	type WeightToFee = IdentityFee<Balance>;
	/// One micro-POP per byte.
	type LengthToFee = ConstantMultiplier<Balance, frame_support::traits::ConstU128<MICRO_POP>>;
	type FeeMultiplierUpdate = ConstFeeMultiplier<FeeMultiplier>;
	type OperationalFeeMultiplier = OperationalFeeMultiplier;
	type WeightInfo = pallet_transaction_payment::weights::SubstrateWeight<Runtime>;
}

/// Prices a fee (POP units) in LIT units at the burn-and-mint rate in force.
pub struct FeeInLit;
impl Convert<Balance, Option<Balance>> for FeeInLit {
	fn convert(fee: Balance) -> Option<Balance> {
		pallet_lit::Pallet::<Runtime>::lit_for(fee, pallet_lit::Pallet::<Runtime>::rate()).ok()
	}
}

parameter_types! {
	/// A quarter of each block for transactions paid from free quotas: bonded accounts can
	/// transact for free, never fill a block, and paying transactions always find room.
	pub MaxQuotaWeight: frame_support::weights::Weight =
		sp_runtime::Perbill::from_percent(25) * super::RuntimeBlockWeights::get().max_block;
}

impl pallet_fees::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type Pop = Balances;
	type Lit = LitBalances;
	type BondedPop = super::masternodes::BondedPop;
	// Dynamic parameters: governance tunes the quota (see `parameters.rs`).
	type QuotaPerBondedPop = super::parameters::dynamic_params::fees::QuotaPerBondedPop;
	type QuotaWindow = super::parameters::dynamic_params::fees::QuotaWindow;
	type PopToLit = FeeInLit;
	type MaxQuotaWeight = MaxQuotaWeight;
}
