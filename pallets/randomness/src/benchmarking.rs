//! Benchmarks of the randomness pallet (benchmarking v2).

use super::*;
use frame_benchmarking::v2::*;
use frame_system::RawOrigin;

#[benchmarks]
mod benchmarks {
	use super::*;

	/// A valid proof: the check runs to its end and the randomness is written.
	#[benchmark]
	fn note_vrf() {
		Randomness::<T>::put(benchmark_fixture::RANDOMNESS);
		Expected::<T>::put((benchmark_fixture::SLOT, benchmark_fixture::author()));
		#[extrinsic_call]
		_(RawOrigin::None, benchmark_fixture::signature());
		assert_ne!(Randomness::<T>::get(), benchmark_fixture::RANDOMNESS);
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
