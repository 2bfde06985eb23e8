//! Weights of the SDPoS pallet's calls and era change.
//!
//! The benchmarks in `benchmarking.rs` measure them (`pop-node benchmark pallet` on a node built
//! with `runtime-benchmarks`); until a measured file replaces this one, each call is priced by
//! its storage accesses at the runtime's database weights plus a generous compute allowance.

#![allow(unused_parens, unused_imports)]

use core::marker::PhantomData;
use frame_support::{
	traits::Get,
	weights::{constants::RocksDbWeight, Weight},
};

/// The weight of each call.
pub trait WeightInfo {
	fn register_candidate() -> Weight;
	fn set_commission() -> Weight;
	fn chill() -> Weight;
	fn unchill() -> Weight;
	fn leave_candidates() -> Weight;
	fn bond() -> Weight;
	fn vote(votes: u32) -> Weight;
	fn unbond() -> Weight;
	fn withdraw_unbonded() -> Weight;
	fn register_superdelegate() -> Weight;
	fn update_superdelegate() -> Weight;
	fn leave_superdelegates() -> Weight;
	fn vote_superdelegates(votes: u32) -> Weight;
	fn set_params() -> Weight;
	fn elect(candidates: u32, voters: u32) -> Weight;
}

fn w<D: Get<frame_support::weights::RuntimeDbWeight>>(
	compute_us: u64,
	proof: u64,
	reads: u64,
	writes: u64,
) -> Weight {
	Weight::from_parts(compute_us * 1_000_000, proof)
		.saturating_add(D::get().reads_writes(reads, writes))
}

macro_rules! weights {
	($db:ty) => {
		fn register_candidate() -> Weight {
			w::<$db>(60, 4_000, 7, 4)
		}
		fn set_commission() -> Weight {
			w::<$db>(15, 2_000, 1, 1)
		}
		fn chill() -> Weight {
			w::<$db>(15, 2_000, 1, 1)
		}
		fn unchill() -> Weight {
			w::<$db>(20, 2_000, 2, 1)
		}
		fn leave_candidates() -> Weight {
			w::<$db>(30, 3_000, 3, 3)
		}
		fn bond() -> Weight {
			w::<$db>(60, 4_000, 6, 4)
		}
		fn vote(votes: u32) -> Weight {
			w::<$db>(20, 2_000, 1, 1)
				.saturating_add(w::<$db>(5, 600, 1, 0).saturating_mul(votes.into()))
		}
		fn unbond() -> Weight {
			w::<$db>(40, 4_000, 4, 3)
		}
		fn withdraw_unbonded() -> Weight {
			w::<$db>(70, 5_000, 6, 5)
		}
		fn register_superdelegate() -> Weight {
			w::<$db>(60, 4_000, 5, 4)
		}
		fn update_superdelegate() -> Weight {
			w::<$db>(20, 2_000, 1, 1)
		}
		fn leave_superdelegates() -> Weight {
			w::<$db>(30, 3_000, 3, 3)
		}
		fn vote_superdelegates(votes: u32) -> Weight {
			w::<$db>(20, 2_000, 2, 1)
				.saturating_add(w::<$db>(5, 600, 1, 0).saturating_mul(votes.into()))
		}
		fn set_params() -> Weight {
			w::<$db>(10, 0, 0, 1)
		}
		fn elect(candidates: u32, voters: u32) -> Weight {
			w::<$db>(1_000, 0, 2, 0)
				.saturating_add(w::<$db>(60, 600, 2, 0).saturating_mul(candidates.into()))
				.saturating_add(w::<$db>(250, 900, 2, 0).saturating_mul(voters.into()))
		}
	};
}

/// Weights priced with a runtime's own database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);

/// The runtime's database weights.
pub struct DbOf<T>(PhantomData<T>);
impl<T: frame_system::Config> Get<frame_support::weights::RuntimeDbWeight> for DbOf<T> {
	fn get() -> frame_support::weights::RuntimeDbWeight {
		T::DbWeight::get()
	}
}

impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	weights!(DbOf<T>);
}

/// The same estimates with RocksDB's reference costs, for tests.
impl WeightInfo for () {
	weights!(RocksDbWeight);
}
