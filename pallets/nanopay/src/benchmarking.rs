//! Benchmarks of the nanopayments pallet's calls (benchmarking v2). Vouchers are signed with a
//! real sr25519 key from the benchmark keystore, so `redeem` pays for a real verification.

use super::*;
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{fungible::Mutate, Get},
	BoundedVec,
};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use pop_primitives::{voucher::voucher_payload, AccountId, Balance, Signature};
use sp_runtime::traits::Zero;

const LIT_UNIT: Balance = 1_000_000_000;

/// Channels in the benchmarks expire this many blocks after setup. The benchmark runner may move
/// the block number from zero to one between setup and the measured call, so not one block.
const CHANNEL_BLOCKS: u32 = 10;

fn expiry<T: Config>() -> BlockNumberFor<T> {
	frame_system::Pallet::<T>::block_number() + CHANNEL_BLOCKS.into()
}

fn funded<T: Config>(name: &'static str, i: u32) -> AccountId {
	let who: AccountId = account(name, i, 0);
	T::Lit::set_balance(&who, 1_000_000 * LIT_UNIT);
	who
}

/// A payer with a real sr25519 key, its channel to a payee, and the payee.
fn channel<T: Config>() -> (sp_core::sr25519::Public, AccountId, AccountId) {
	let public = sp_io::crypto::sr25519_generate(sp_core::crypto::key_types::DUMMY, None);
	let payer: AccountId = public.into();
	T::Lit::set_balance(&payer, 1_000_000 * LIT_UNIT);
	let payee = funded::<T>("payee", 0);
	Pallet::<T>::open_channel(
		RawOrigin::Signed(payer.clone()).into(),
		payee.clone(),
		1_000 * LIT_UNIT,
		expiry::<T>(),
	)
	.expect("channel opens");
	(public, payer, payee)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// `p` payees, none of whom has a LIT account yet.
	#[benchmark]
	fn pay_many(p: Linear<1, { T::MaxPayees::get() }>) {
		let payer = funded::<T>("payer", 0);
		let payees: BoundedVec<(AccountId, Balance), T::MaxPayees> = BoundedVec::truncate_from(
			(0..p).map(|i| (account::<AccountId>("payee", i, 1), LIT_UNIT)).collect(),
		);
		#[extrinsic_call]
		_(RawOrigin::Signed(payer), payees);
	}

	#[benchmark]
	fn open_channel() {
		let payer = funded::<T>("payer", 0);
		let payee = funded::<T>("payee", 0);
		let expires_at = expiry::<T>();
		#[extrinsic_call]
		_(RawOrigin::Signed(payer), payee, 1_000 * LIT_UNIT, expires_at);
		assert!(Channels::<T>::contains_key(0));
	}

	#[benchmark]
	fn redeem() {
		let (public, _payer, payee) = channel::<T>();
		let genesis = frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero());
		let genesis = pop_primitives::Hash::from_slice(genesis.as_ref());
		let cumulative = 10 * LIT_UNIT;
		let payload = voucher_payload(&genesis, 0, cumulative);
		let sig = sp_io::crypto::sr25519_sign(sp_core::crypto::key_types::DUMMY, &public, &payload)
			.expect("the benchmark keystore signs");
		#[extrinsic_call]
		_(RawOrigin::Signed(payee), 0, cumulative, Signature::from(sig));
		assert_eq!(Channels::<T>::get(0).unwrap().redeemed, cumulative);
	}

	#[benchmark]
	fn close_expired() {
		let (_public, payer, _payee) = channel::<T>();
		let expires_at = Channels::<T>::get(0).expect("the channel is open").expires_at;
		frame_system::Pallet::<T>::set_block_number(expires_at);
		#[extrinsic_call]
		_(RawOrigin::Signed(payer), 0);
		assert!(!Channels::<T>::contains_key(0));
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
