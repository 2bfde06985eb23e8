//! The POP Network runtime.
//!
//! Pallets in this build: System, Timestamp, Aura, GRANDPA, Balances (POP), Session (which hands
//! the Aura and GRANDPA authority sets over at each session, so that the SDPoS election can take
//! them over), TransactionPayment, Sudo (the development chain only: the other presets leave
//! its key empty, so it can do nothing there), LitBalances (LIT), Lit (POP → LIT), Fees
//! (fees from the free quota, then LIT, then POP) and Nanopay (batched payouts, payment channels).
//!
//! Layout: [`configs`] holds one `Config` impl per pallet, [`apis`] the runtime APIs the node
//! and wallets call, [`genesis_config_presets`] the named genesis states.

#![cfg_attr(not(feature = "std"), no_std)]
// `construct_runtime`'s expansion is large.
#![recursion_limit = "256"]

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

extern crate alloc;

// Declared before `apis`, whose benchmark API uses the macros it defines.
#[cfg(feature = "runtime-benchmarks")]
#[macro_use]
mod benches;
pub mod apis;
pub mod configs;
#[cfg(test)]
mod tests;
pub use configs::parameters::{dynamic_params, RuntimeParameters};
pub mod genesis_config_presets;

use alloc::{borrow::Cow, vec::Vec};
use sp_runtime::{generic, impl_opaque_keys};
use sp_version::RuntimeVersion;

pub use pop_primitives::{
	currency, time, AccountId, Address, Balance, BlockNumber, Hash, Header, Nonce, Signature,
};

/// Types the node needs without knowing the runtime's calls: blocks with opaque extrinsics and
/// the session keys.
pub mod opaque {
	use super::*;
	pub use pop_primitives::OpaqueBlock as Block;
	pub use sp_runtime::OpaqueExtrinsic as UncheckedExtrinsic;

	impl_opaque_keys! {
		/// The keys a validator registers for a session: Aura to author, GRANDPA to finalize.
		pub struct SessionKeys {
			pub aura: Aura,
			pub grandpa: Grandpa,
		}
	}
}
pub use opaque::SessionKeys;

/// Declares [`VERSION`] with the given `spec_version` (a literal, as `runtime_version` requires).
macro_rules! runtime_version {
	($spec_version:tt) => {
		/// The version of this runtime. `spec_version` must go up with every change of logic, or
		/// nodes running the new code would disagree with those running the old.
		#[sp_version::runtime_version]
		pub const VERSION: RuntimeVersion = RuntimeVersion {
			spec_name: Cow::Borrowed("pop-network"),
			impl_name: Cow::Borrowed("pop-network"),
			authoring_version: 1,
			spec_version: $spec_version,
			impl_version: 1,
			apis: apis::RUNTIME_API_VERSIONS,
			transaction_version: 1,
			system_version: 1,
		};
	};
}

#[cfg(not(feature = "next-spec-version"))]
runtime_version!(100);
// The same code one version later: the upgrade the end-to-end tests enact by referendum.
#[cfg(feature = "next-spec-version")]
runtime_version!(101);

/// The transaction extensions, in the order a wallet signs them. They are the standard set that
/// polkadot-js and every other Substrate wallet know, so that no wallet meets an unknown one.
/// The last, `CheckMetadataHash`, lets a signer commit to the RFC-0078 hash of the metadata it
/// decoded the call with (Ledger's generic app and other offline signers); a wallet that does not
/// know it signs with the mode off. The hash is built into the wasm by the `metadata-hash` feature.
pub type TxExtension = (
	frame_system::CheckNonZeroSender<Runtime>,
	frame_system::CheckSpecVersion<Runtime>,
	frame_system::CheckTxVersion<Runtime>,
	frame_system::CheckGenesis<Runtime>,
	frame_system::CheckMortality<Runtime>,
	frame_system::CheckNonce<Runtime>,
	frame_system::CheckWeight<Runtime>,
	pallet_transaction_payment::ChargeTransactionPayment<Runtime>,
	frame_metadata_hash_extension::CheckMetadataHash<Runtime>,
);

/// An extrinsic as it travels on the wire.
pub type UncheckedExtrinsic =
	generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;

/// The payload a signer signs.
pub type SignedPayload = generic::SignedPayload<RuntimeCall, TxExtension>;

/// A block of this runtime.
pub type Block = generic::Block<Header, UncheckedExtrinsic>;

/// Storage migrations run on the next runtime upgrade; each runs only when the chain records
/// the storage version it starts from, so a chain already past it skips it.
type Migrations = (
	pallet_content::migrations::v1::MigrateToV1<Runtime>,
	pallet_content::migrations::v2::MigrateToV2<Runtime>,
	pallet_content::migrations::v3::MigrateToV3<Runtime>,
	pallet_sdpos::migrations::v1::MigrateToV1<Runtime>,
);

/// Dispatches extrinsics to the pallets.
pub type Executive = frame_executive::Executive<
	Runtime,
	Block,
	frame_system::ChainContext<Runtime>,
	Runtime,
	AllPalletsWithSystem,
	Migrations,
>;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Runtime;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;

	#[runtime::pallet_index(1)]
	pub type Timestamp = pallet_timestamp;

	#[runtime::pallet_index(2)]
	pub type Balances = pallet_balances;

	#[runtime::pallet_index(3)]
	pub type TransactionPayment = pallet_transaction_payment;

	// Before Session: as a block starts, it reads the slot's author from the authority set the
	// block was authored under, before a session change replaces it.
	#[runtime::pallet_index(23)]
	pub type BlockRandomness = pallet_randomness;

	// Session before Aura and GRANDPA: at genesis it hands them the first authority set.
	#[runtime::pallet_index(4)]
	pub type Session = pallet_session;

	#[runtime::pallet_index(5)]
	pub type Aura = pallet_aura;

	#[runtime::pallet_index(6)]
	pub type Grandpa = pallet_grandpa;

	#[runtime::pallet_index(7)]
	pub type Sudo = pallet_sudo;

	/// LIT balances: a second instance of `pallet-balances` (see `configs/lit.rs`).
	#[runtime::pallet_index(8)]
	pub type LitBalances = pallet_balances<Instance1>;

	/// Burn POP, mint LIT.
	#[runtime::pallet_index(9)]
	pub type Lit = pallet_lit;

	/// Who pays a transaction's fee: the free quota, then LIT, then POP.
	#[runtime::pallet_index(10)]
	pub type Fees = pallet_fees;

	/// Nanopayments in LIT: batched payouts and payment channels.
	#[runtime::pallet_index(11)]
	pub type Nanopay = pallet_nanopay;

	// Staking: who authors, who finalizes, who moderates.
	#[runtime::pallet_index(12)]
	pub type Authorship = pallet_authorship;

	#[runtime::pallet_index(13)]
	pub type Sdpos = pallet_sdpos;

	// Governance by POP holders.
	#[runtime::pallet_index(14)]
	pub type Preimage = pallet_preimage;

	#[runtime::pallet_index(15)]
	pub type Scheduler = pallet_scheduler;

	#[runtime::pallet_index(16)]
	pub type Referenda = pallet_referenda;

	#[runtime::pallet_index(17)]
	pub type ConvictionVoting = pallet_conviction_voting;

	#[runtime::pallet_index(18)]
	pub type Governance = pallet_governance;

	#[runtime::pallet_index(19)]
	pub type Parameters = pallet_parameters;

	// The content network.
	#[runtime::pallet_index(20)]
	pub type Masternodes = pallet_masternodes;

	#[runtime::pallet_index(21)]
	pub type Content = pallet_content;

	// The chain's block time, fixed in genesis.
	#[runtime::pallet_index(22)]
	pub type Timing = pallet_timing;
}
