//! Benchmarks of the governance pallet's calls (benchmarking v2).

use super::*;
use frame_benchmarking::v2::*;
use frame_system::RawOrigin;

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn set_timing() {
		Timing::<T>::put(TrackTiming::Standard);
		#[extrinsic_call]
		_(RawOrigin::Root, TrackTiming::Short);
		assert_eq!(Timing::<T>::get(), TrackTiming::Short);
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
