//! Weights of `pallet_content`. Replaced by `scripts/bench-weights content`.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use core::marker::PhantomData;
use frame_support::{
	traits::Get,
	weights::{constants::RocksDbWeight, Weight},
};

/// The weight of each call and hook.
pub trait WeightInfo {
	fn register(s: u32, m: u32, ) -> Weight;
	fn submit_verdict(m: u32, ) -> Weight;
	fn remove(s: u32, ) -> Weight;
	fn prove() -> Weight;
	fn set_halted() -> Weight;
	fn expire_audits(a: u32, ) -> Weight;
	fn issue_audits(a: u32, ) -> Weight;
	fn reassign(r: u32, m: u32, ) -> Weight;
}

impl WeightInfo for () {
	fn register(s: u32, m: u32, ) -> Weight {
		Weight::from_parts(100_000_000, 10_000)
			.saturating_add(Weight::from_parts(2_000_000, 0).saturating_mul(m.into()))
			.saturating_add(Weight::from_parts(1_000_000, 0).saturating_mul(s.into()))
			.saturating_add(RocksDbWeight::get().writes((2_u64).saturating_add(s.into())))
	}
	fn submit_verdict(m: u32, ) -> Weight {
		Weight::from_parts(50_000_000, 5_000)
			.saturating_add(Weight::from_parts(60_000_000, 0).saturating_mul(m.into()))
	}
	fn remove(s: u32, ) -> Weight {
		Weight::from_parts(50_000_000, 5_000)
			.saturating_add(RocksDbWeight::get().writes((2_u64).saturating_add(s.into())))
	}
	fn prove() -> Weight {
		Weight::from_parts(100_000_000, 5_000)
	}
	fn set_halted() -> Weight {
		Weight::from_parts(10_000_000, 0)
	}
	fn expire_audits(a: u32, ) -> Weight {
		Weight::from_parts(5_000_000, 0)
			.saturating_add(Weight::from_parts(50_000_000, 5_000).saturating_mul(a.into()))
	}
	fn issue_audits(a: u32, ) -> Weight {
		Weight::from_parts(5_000_000, 0)
			.saturating_add(Weight::from_parts(50_000_000, 5_000).saturating_mul(a.into()))
	}
	fn reassign(r: u32, m: u32, ) -> Weight {
		Weight::from_parts(5_000_000, 0)
			.saturating_add(Weight::from_parts(2_000_000, 0).saturating_mul(m.into()))
			.saturating_add(Weight::from_parts(50_000_000, 5_000).saturating_mul(r.into()))
	}
}

/// Until `scripts/bench-weights content` measures them: the estimates above.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn register(s: u32, m: u32, ) -> Weight { <() as WeightInfo>::register(s, m) }
	fn submit_verdict(m: u32, ) -> Weight { <() as WeightInfo>::submit_verdict(m) }
	fn remove(s: u32, ) -> Weight { <() as WeightInfo>::remove(s) }
	fn prove() -> Weight { <() as WeightInfo>::prove() }
	fn set_halted() -> Weight { <() as WeightInfo>::set_halted() }
	fn expire_audits(a: u32, ) -> Weight { <() as WeightInfo>::expire_audits(a) }
	fn issue_audits(a: u32, ) -> Weight { <() as WeightInfo>::issue_audits(a) }
	fn reassign(r: u32, m: u32, ) -> Weight { <() as WeightInfo>::reassign(r, m) }
}
