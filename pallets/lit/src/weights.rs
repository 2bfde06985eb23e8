//! Weights of the LIT pallet's calls.
//!
//! These values are estimates from comparable `pallet-balances` calls (a mint touches two
//! accounts and three storage values, as `transfer_allow_death` plus three small values), not yet
//! measured: `benchmarking.rs` holds the benchmarks, which `pop-node benchmark pallet` will turn
//! into generated weights once the node carries the benchmarking CLI.

#![allow(unused_parens, unused_imports)]

use core::marker::PhantomData;
use frame_support::{
	traits::Get,
	weights::{constants::RocksDbWeight, Weight},
};

/// The weight of each call.
pub trait WeightInfo {
	fn mint() -> Weight;
	fn set_rate() -> Weight;
}

/// Weights for a runtime, priced with its own database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Reads `LitPerPop`, the POP account, the LIT account, `TotalPopBurned`, `TotalLitMinted`;
	/// writes all but the rate, and both tokens' total issuance.
	fn mint() -> Weight {
		Weight::from_parts(60_000_000, 3_593)
			.saturating_add(T::DbWeight::get().reads(7))
			.saturating_add(T::DbWeight::get().writes(6))
	}
	/// Reads and writes `LitPerPop`.
	fn set_rate() -> Weight {
		Weight::from_parts(10_000_000, 1_489)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(1))
	}
}

/// The same estimates with RocksDB's reference costs, for tests.
impl WeightInfo for () {
	fn mint() -> Weight {
		Weight::from_parts(60_000_000, 3_593)
			.saturating_add(RocksDbWeight::get().reads(7))
			.saturating_add(RocksDbWeight::get().writes(6))
	}
	fn set_rate() -> Weight {
		Weight::from_parts(10_000_000, 1_489)
			.saturating_add(RocksDbWeight::get().reads(1))
			.saturating_add(RocksDbWeight::get().writes(1))
	}
}
