//! Benchmarks of the LIT pallet's calls (benchmarking v2).

use super::*;
use frame_benchmarking::v2::*;
use frame_support::traits::{
	fungible::{Inspect, Mutate},
	EnsureOrigin, Get,
};
use frame_system::RawOrigin;
use sp_runtime::FixedU128;

#[benchmarks]
mod benchmarks {
	use super::*;

	/// The worst case: the caller has no LIT account yet, so minting creates one.
	#[benchmark]
	fn mint() {
		let who: T::AccountId = account("minter", 0, 0);
		let pop = 1_000u128 * 10u128.pow(T::PopDecimals::get() as u32);
		T::Pop::set_balance(&who, pop.saturating_mul(2));
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), pop, 0);
		assert!(T::Lit::balance(&who) > 0);
	}

	#[benchmark]
	fn set_rate() -> Result<(), BenchmarkError> {
		let origin =
			T::RateOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let rate = FixedU128::from_rational(3, 2);
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, rate);
		assert_eq!(LitPerPop::<T>::get(), rate);
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
