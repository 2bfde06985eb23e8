use crate::{
	mock::*,
	vrf::{self, VrfProof},
	Error, Event, Expected, UpdatedAt, INHERENT_IDENTIFIER,
};
use frame_support::{
	assert_noop, assert_ok,
	inherent::ProvideInherent,
	traits::{Hooks, Randomness as _},
};
use sp_core::{
	crypto::{Pair as _, VrfSecret},
	sr25519::Pair,
};
use sp_runtime::DispatchError;

fn author() -> Pair {
	Pair::from_seed(&[7; 32])
}

/// Starts block `n` in `slot`, owned by `owner`.
fn start_block(n: u64, slot: u64, owner: &Pair) {
	Author::set(Some((slot, owner.public())));
	System::set_block_number(n);
	System::reset_events();
	Randomness::on_initialize(n);
}

fn sign(pair: &Pair, randomness: &[u8; 32], slot: u64) -> VrfProof {
	pair.vrf_sign(&vrf::sign_data(randomness, slot)).into()
}

fn note(signature: VrfProof) -> frame_support::dispatch::DispatchResult {
	Randomness::note_vrf(RuntimeOrigin::none(), signature)
}

#[test]
fn the_slot_authors_output_becomes_the_randomness() {
	new_test_ext().execute_with(|| {
		start_block(2, 100, &author());
		let signature = sign(&author(), &[0; 32], 100);
		let expected = vrf::output(&author().public(), &[0; 32], 100, &signature).unwrap();
		assert_ok!(note(signature));
		assert_eq!(crate::Randomness::<Test>::get(), expected);
		assert_ne!(expected, [0; 32]);
		assert_eq!(UpdatedAt::<Test>::get(), 2);
		System::assert_last_event(
			Event::RandomnessUpdated { slot: 100, randomness: expected }.into(),
		);
		// The next block's input is built on it.
		Randomness::on_finalize(2);
		start_block(3, 101, &author());
		assert_noop!(note(sign(&author(), &[0; 32], 101)), Error::<Test>::InvalidVrf);
		assert_ok!(note(sign(&author(), &expected, 101)));
		assert_ne!(crate::Randomness::<Test>::get(), expected);
	});
}

/// Grinding: signing again (VRF proofs are randomised) gives the author no other output, and an
/// output it made up does not check.
#[test]
fn the_author_has_one_output_and_cannot_choose_another() {
	new_test_ext().execute_with(|| {
		let outputs: Vec<[u8; 32]> = (0..8)
			.map(|_| {
				let s = sign(&author(), &[0; 32], 100);
				vrf::output(&author().public(), &[0; 32], 100, &s).unwrap()
			})
			.collect();
		assert!(outputs.iter().all(|o| *o == outputs[0]), "one output per key and input");
		// A pre-output of another input, with this input's proof, is refused.
		let mut forged = sign(&author(), &[0; 32], 100);
		forged.pre_output = sign(&author(), &[1; 32], 100).pre_output;
		start_block(2, 100, &author());
		assert_noop!(note(forged), Error::<Test>::InvalidVrf);
		assert_eq!(crate::Randomness::<Test>::get(), [0; 32]);
	});
}

#[test]
fn a_proof_of_another_key_or_slot_is_refused() {
	new_test_ext().execute_with(|| {
		start_block(2, 100, &author());
		let stranger = Pair::from_seed(&[8; 32]);
		assert_noop!(note(sign(&stranger, &[0; 32], 100)), Error::<Test>::InvalidVrf);
		assert_noop!(note(sign(&author(), &[0; 32], 99)), Error::<Test>::InvalidVrf);
		assert_noop!(note(sign(&author(), &[5; 32], 100)), Error::<Test>::InvalidVrf);
		assert_eq!(crate::Randomness::<Test>::get(), [0; 32]);
		assert_eq!(UpdatedAt::<Test>::get(), 0);
		// The rightful proof still goes in after refused ones.
		assert_ok!(note(sign(&author(), &[0; 32], 100)));
	});
}

#[test]
fn one_proof_a_block_and_none_without_a_slot() {
	new_test_ext().execute_with(|| {
		start_block(2, 100, &author());
		assert_ok!(note(sign(&author(), &[0; 32], 100)));
		let after = crate::Randomness::<Test>::get();
		assert_noop!(note(sign(&author(), &after, 100)), Error::<Test>::NoSlotAuthor);
		Randomness::on_finalize(2);
		assert!(Expected::<Test>::get().is_none());
		// A block without a slot author takes no proof.
		Author::set(None);
		System::set_block_number(3);
		Randomness::on_initialize(3);
		assert_noop!(note(sign(&author(), &after, 100)), Error::<Test>::NoSlotAuthor);
	});
}

#[test]
fn only_the_inherent_origin_may_note() {
	new_test_ext().execute_with(|| {
		start_block(2, 100, &author());
		let signature = sign(&author(), &[0; 32], 100);
		assert_noop!(
			Randomness::note_vrf(RuntimeOrigin::signed(1), signature.clone()),
			DispatchError::BadOrigin
		);
		assert_noop!(
			Randomness::note_vrf(RuntimeOrigin::root(), signature),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn the_inherent_is_built_from_the_nodes_data() {
	let signature = sign(&author(), &[0; 32], 100);
	let mut data = sp_inherents::InherentData::new();
	assert!(Randomness::create_inherent(&data).is_none(), "no data, no inherent");
	data.put_data(INHERENT_IDENTIFIER, &signature).unwrap();
	let call = Randomness::create_inherent(&data).expect("an inherent");
	assert!(Randomness::is_inherent(&call));
	assert_eq!(call, crate::Call::note_vrf { signature });
}

#[test]
fn randomness_differs_by_subject_and_follows_the_proofs() {
	new_test_ext().execute_with(|| {
		let (a, _) = Randomness::random(b"pop/audit");
		let (b, _) = Randomness::random(b"pop/other");
		assert_ne!(a, b);
		start_block(2, 100, &author());
		assert_ok!(note(sign(&author(), &[0; 32], 100)));
		let (c, at) = Randomness::random(b"pop/audit");
		assert_ne!(a, c);
		assert_eq!(at, 2);
	});
}

/// The benchmark's fixed proof (made by the key of seed `[7; 32]`) still checks.
#[test]
fn the_benchmark_fixture_checks() {
	let fixture = crate::benchmark_fixture::signature();
	assert_eq!(crate::benchmark_fixture::author(), author().public());
	assert!(vrf::output(
		&author().public(),
		&crate::benchmark_fixture::RANDOMNESS,
		crate::benchmark_fixture::SLOT,
		&fixture
	)
	.is_some());
}

/// Prints a fresh fixture for `benchmark_fixture` (run with `--ignored --nocapture`).
#[test]
#[ignore]
fn print_a_benchmark_fixture() {
	use codec::Encode;
	let s = sign(&author(), &crate::benchmark_fixture::RANDOMNESS, crate::benchmark_fixture::SLOT);
	println!("public {:?}", author().public().0);
	println!("signature {:?}", s.encode());
}
