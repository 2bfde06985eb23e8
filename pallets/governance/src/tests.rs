//! The governance origins are accepted only where they belong, and only root sets the timing.

use crate::{mock::*, EnsureEmergency, EnsureParameters, Error, Event, Timing, TrackTiming};
use frame_support::{assert_noop, assert_ok, traits::EnsureOrigin};
use sp_runtime::DispatchError;

#[test]
fn genesis_sets_the_timing() {
	new_test_ext().execute_with(|| assert_eq!(Timing::<Test>::get(), TrackTiming::Standard));
}

#[test]
fn each_track_origin_passes_only_its_own_check() {
	let parameters = || RuntimeOrigin::from(crate::Origin::Parameters);
	let emergency = || RuntimeOrigin::from(crate::Origin::Emergency);
	assert!(EnsureParameters::<RuntimeOrigin>::try_origin(parameters()).is_ok());
	assert!(EnsureParameters::<RuntimeOrigin>::try_origin(emergency()).is_err());
	assert!(EnsureEmergency::<RuntimeOrigin>::try_origin(emergency()).is_ok());
	assert!(EnsureEmergency::<RuntimeOrigin>::try_origin(parameters()).is_err());
	// Neither root nor a signed account is a track origin.
	assert!(EnsureParameters::<RuntimeOrigin>::try_origin(RuntimeOrigin::root()).is_err());
	assert!(EnsureEmergency::<RuntimeOrigin>::try_origin(RuntimeOrigin::signed(1)).is_err());
}

#[test]
fn root_sets_the_timing_and_the_change_is_announced() {
	new_test_ext().execute_with(|| {
		assert_ok!(Governance::set_timing(RuntimeOrigin::root(), TrackTiming::Short));
		assert_eq!(Timing::<Test>::get(), TrackTiming::Short);
		System::assert_last_event(Event::TimingSet { timing: TrackTiming::Short }.into());
	});
}

#[test]
fn only_root_sets_the_timing_and_not_to_what_it_already_is() {
	new_test_ext().execute_with(|| {
		for origin in [
			RuntimeOrigin::signed(1),
			RuntimeOrigin::from(crate::Origin::Parameters),
			RuntimeOrigin::from(crate::Origin::Emergency),
		] {
			assert_noop!(
				Governance::set_timing(origin, TrackTiming::Short),
				DispatchError::BadOrigin
			);
		}
		assert_noop!(
			Governance::set_timing(RuntimeOrigin::root(), TrackTiming::Standard),
			Error::<Test>::TimingUnchanged
		);
		assert_eq!(Timing::<Test>::get(), TrackTiming::Standard);
	});
}
