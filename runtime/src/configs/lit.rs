//! LIT, the second token: its balances, its burn-and-mint from POP, and nanopayments in it.
//!
//! **Why a second `pallet-balances` instance.** LIT needs what POP has — transfers every wallet
//! knows, existential deposits, holds and freezes for payment channels, and an account that holds
//! only LIT must exist and be able to transact. A second instance gives all of that with the
//! same audited code, and LIT transfers cost exactly what POP transfers cost. The alternatives
//! were weighed: a sufficient `pallet-assets` asset adds an asset id to every call, asset
//! deposits and a second code path for every LIT operation, for nothing LIT needs; a pallet of
//! our own on the `fungible` traits would re-implement what `pallet-balances` already does well.
//!
//! LIT balances live in the instance's own `Account` map; when an account's LIT reaches the
//! existential deposit the instance gives it a provider reference, so LIT alone keeps it alive.

use frame_support::{
	parameter_types,
	traits::{StorageMapShim, VariantCountOf},
};
use pop_primitives::{
	currency::{LIT_DECIMALS, LIT_EXISTENTIAL_DEPOSIT, POP_DECIMALS},
	time::DAYS,
	AccountId, Balance, BlockNumber,
};
use sp_runtime::FixedU128;

use super::super::{
	Balances, LitBalances, Runtime, RuntimeEvent, RuntimeFreezeReason, RuntimeHoldReason,
};

/// The instance of `pallet-balances` that holds LIT.
pub type LitInstance = pallet_balances::Instance1;

parameter_types! {
	pub const LitExistentialDeposit: Balance = LIT_EXISTENTIAL_DEPOSIT;
	pub const PopDecimals: u8 = POP_DECIMALS;
	pub const LitDecimals: u8 = LIT_DECIMALS;
	/// A new chain starts at one LIT per POP; governance sets the rate from then on.
	pub InitialLitPerPop: FixedU128 = FixedU128::from_u32(1);
}

impl pallet_balances::Config<LitInstance> for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeHoldReason = RuntimeHoldReason;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type WeightInfo = pallet_balances::weights::SubstrateWeight<Runtime>;
	type Balance = Balance;
	// LIT dust below the existential deposit is burned.
	type DustRemoval = ();
	type ExistentialDeposit = LitExistentialDeposit;
	type AccountStore = StorageMapShim<
		pallet_balances::Account<Runtime, LitInstance>,
		AccountId,
		pallet_balances::AccountData<Balance>,
	>;
	type ReserveIdentifier = [u8; 8];
	type FreezeIdentifier = RuntimeFreezeReason;
	type MaxLocks = frame_support::traits::ConstU32<50>;
	type MaxReserves = frame_support::traits::ConstU32<50>;
	type MaxFreezes = VariantCountOf<RuntimeFreezeReason>;
	type DoneSlashHandler = ();
}

impl pallet_lit::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type Pop = Balances;
	type Lit = LitBalances;
	// Root or a referendum on the parameters track.
	type RateOrigin = super::governance::ParametersOrigin;
	type PopDecimals = PopDecimals;
	type LitDecimals = LitDecimals;
	type InitialRate = InitialLitPerPop;
	type WeightInfo = pallet_lit::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	/// One batched payout pays at most this many accounts.
	pub const MaxPayees: u32 = 256;
	/// A payment channel stays open at most a month.
	pub const MaxChannelDuration: BlockNumber = 30 * DAYS;
}

impl pallet_nanopay::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type Lit = LitBalances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type MaxPayees = MaxPayees;
	type MaxChannelDuration = MaxChannelDuration;
	type WeightInfo = pallet_nanopay::weights::SubstrateWeight<Runtime>;
}
