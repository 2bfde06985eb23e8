//! Benchmarks of every call (benchmarking v2). Every call touches a fixed number of entries
//! (the registry's count is kept by `CountedStorageMap`), so none has a component.

use super::*;
use alloc::vec;
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{fungible::Mutate, Get},
	BoundedVec,
};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use pop_primitives::Balance;
use sp_runtime::traits::Saturating;

fn peer(i: u32) -> PeerId {
	let mut id = vec![0u8; 38];
	id[..4].copy_from_slice(&i.to_le_bytes());
	BoundedVec::truncate_from(id)
}

/// The longest addresses a node may declare.
fn addresses() -> Addresses {
	let one: BoundedVec<u8, MaxAddressLen> = BoundedVec::truncate_from(vec![b'/'; 128]);
	BoundedVec::truncate_from(vec![one; 8])
}

fn bond<T: Config>() -> Balance {
	T::MinBond::get().max(1)
}

/// Account `i` of `name`, funded well beyond the bond.
fn funded<T: Config>(name: &'static str, i: u32) -> T::AccountId {
	let who: T::AccountId = account(name, i, 0);
	T::Currency::set_balance(&who, bond::<T>().saturating_mul(10));
	who
}

/// A registered masternode `i`.
fn masternode<T: Config>(name: &'static str, i: u32) -> T::AccountId {
	let who = funded::<T>(name, i);
	Pallet::<T>::register(
		RawOrigin::Signed(who.clone()).into(),
		peer(i),
		addresses(),
		Region(*b"DE"),
		1 << 40,
		bond::<T>(),
	)
	.expect("registers");
	who
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register() {
		let who = funded::<T>("caller", 0);
		#[extrinsic_call]
		_(
			RawOrigin::Signed(who.clone()),
			peer(0),
			addresses(),
			Region(*b"DE"),
			1 << 40,
			bond::<T>(),
		);
		assert!(Masternodes::<T>::contains_key(&who));
	}

	#[benchmark]
	fn update() {
		let who = masternode::<T>("caller", 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), peer(u32::MAX), addresses(), Region(*b"US"), 1 << 41);
		assert_eq!(Masternodes::<T>::get(&who).expect("registered").region, Region(*b"US"));
	}

	#[benchmark]
	fn bond_extra() {
		let who = masternode::<T>("caller", 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), bond::<T>());
		assert_eq!(Pallet::<T>::bonded(&who), bond::<T>().saturating_mul(2));
	}

	#[benchmark]
	fn heartbeat() {
		let who = masternode::<T>("caller", 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(who));
	}

	#[benchmark]
	fn unregister() {
		let who = masternode::<T>("caller", 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));
		assert!(!Masternodes::<T>::get(&who).expect("registered").is_active());
	}

	#[benchmark]
	fn withdraw() {
		let who = masternode::<T>("caller", 0);
		Pallet::<T>::unregister(RawOrigin::Signed(who.clone()).into()).expect("unregisters");
		let unlock: BlockNumberFor<T> =
			frame_system::Pallet::<T>::block_number().saturating_add(T::UnbondingPeriod::get());
		frame_system::Pallet::<T>::set_block_number(unlock);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));
		assert!(!Masternodes::<T>::contains_key(&who));
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
