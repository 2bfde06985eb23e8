//! # Randomness no block author can grind
//!
//! Storage audits ([`pallet-content`]) must land where a masternode that dropped shards cannot
//! steer them. A seed taken from the parent block's hash is chosen by that block's author, who
//! can try as many versions of its block (other extrinsics, another order) as it has time for
//! and publish the one whose hash spares its own shards.
//!
//! Here each block's author adds, as an inherent, the output of its Aura key's VRF
//! ([`vrf::sign_data`]) on the chain's randomness so far and the block's slot. The chain checks
//! the proof against the key that owns the slot and keeps the output as its next randomness;
//! [`Pallet`] hands it out through [`frame_support::traits::Randomness`].
//!
//! ## Why this is enough
//! * A VRF has one output for one key and one input, and the input (the randomness before the
//!   block, and the slot) is fixed before the author builds its block: no extrinsic, order or
//!   timestamp changes it, so grinding yields nothing.
//! * What an author still chooses is whether to publish its output: leaving it out (or its whole
//!   block) keeps the randomness as it was. That is two outcomes per slot it owns, not many;
//!   against audits drawn from the randomness at the start of the next block, an author that
//!   owns one slot in `A` can skip at most the draws that follow its own blocks, and an empty
//!   slot also costs it the block's reward.
//! * The output is known only once the block is out; audits drawn from it fall due blocks
//!   later, and the chunk asked of a shard is unknown before, so a holder must keep every shard.
//!
//! A proof that does not check fails as an operational inherent with [`Error::InvalidVrf`]: the
//! block stays valid and the randomness stays as it was, which is no more than leaving it out.

#![cfg_attr(not(feature = "std"), no_std)]

pub use pallet::*;

pub mod vrf;
pub mod weights;
pub use weights::WeightInfo;

#[cfg(any(test, feature = "runtime-benchmarks"))]
mod benchmark_fixture;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

use sp_core::sr25519::Public;

/// The identifier of the author's VRF in a block's inherent data.
pub const INHERENT_IDENTIFIER: sp_inherents::InherentIdentifier = *b"popvrf01";

/// The slot of the block being built and the authority that owns it, as the block's consensus
/// engine chose it (from the authority set of the parent block, before any session change this
/// block makes).
pub trait SlotAuthor {
	/// `None` when the block carries no slot (genesis, tests without consensus).
	fn slot_author() -> Option<(u64, Public)>;
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use crate::vrf::VrfProof;
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;

	/// The layout of this pallet's storage as first released.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The overarching event type.
		#[allow(deprecated)]
		type RuntimeEvent: From<Event<Self>> + IsType<<Self as frame_system::Config>::RuntimeEvent>;

		/// Who owns the slot of the block being built.
		type SlotAuthor: SlotAuthor;

		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;
	}

	/// The chain's randomness: the last VRF output an author proved (zero before the first).
	#[pallet::storage]
	pub type Randomness<T: Config> = StorageValue<_, [u8; 32], ValueQuery>;

	/// The block whose author proved [`Randomness`].
	#[pallet::storage]
	pub type UpdatedAt<T: Config> = StorageValue<_, BlockNumberFor<T>, ValueQuery>;

	/// The slot of the block being built and its author's key, read as the block starts; taken
	/// by the first valid proof, gone when the block ends.
	#[pallet::storage]
	pub type Expected<T: Config> = StorageValue<_, (u64, Public), OptionQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// The author of the block in `slot` proved its VRF output, which is now the chain's
		/// randomness.
		RandomnessUpdated { slot: u64, randomness: [u8; 32] },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// This block has no slot author to check a proof against, or its author already
		/// proved its output.
		NoSlotAuthor,
		/// The VRF proof is not the slot author's on this block's input (another key, another
		/// slot, or randomness other than the chain's).
		InvalidVrf,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(_: BlockNumberFor<T>) -> Weight {
			match T::SlotAuthor::slot_author() {
				Some(expected) => Expected::<T>::put(expected),
				None => Expected::<T>::kill(),
			}
			// The slot author reads the digest and the authority set; then one write here,
			// and one removal as the block ends.
			T::DbWeight::get().reads_writes(2, 2)
		}

		fn on_finalize(_: BlockNumberFor<T>) {
			Expected::<T>::kill();
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Proves the block author's VRF output on the chain's randomness and the block's slot,
		/// and makes it the chain's randomness. An inherent: the author's node adds it; it is
		/// never signed and never paid for.
		///
		/// Fails with [`Error::InvalidVrf`] for a proof of another key, slot or input, and with
		/// [`Error::NoSlotAuthor`] a second time in one block.
		#[pallet::call_index(0)]
		#[pallet::weight((T::WeightInfo::note_vrf(), DispatchClass::Operational, Pays::No))]
		pub fn note_vrf(origin: OriginFor<T>, signature: VrfProof) -> DispatchResult {
			ensure_none(origin)?;
			let (slot, author) = Expected::<T>::take().ok_or(Error::<T>::NoSlotAuthor)?;
			let randomness = vrf::output(&author, &Randomness::<T>::get(), slot, &signature)
				.ok_or(Error::<T>::InvalidVrf)?;
			Randomness::<T>::put(randomness);
			UpdatedAt::<T>::put(frame_system::Pallet::<T>::block_number());
			Self::deposit_event(Event::RandomnessUpdated { slot, randomness });
			Ok(())
		}
	}

	#[pallet::inherent]
	impl<T: Config> ProvideInherent for Pallet<T> {
		type Call = Call<T>;
		type Error = sp_inherents::MakeFatalError<()>;
		const INHERENT_IDENTIFIER: sp_inherents::InherentIdentifier = INHERENT_IDENTIFIER;

		fn create_inherent(data: &InherentData) -> Option<Self::Call> {
			let signature: VrfProof = data.get_data(&INHERENT_IDENTIFIER).ok()??;
			Some(Call::note_vrf { signature })
		}

		fn is_inherent(call: &Self::Call) -> bool {
			matches!(call, Call::note_vrf { .. })
		}
	}
}

impl<T: Config>
	frame_support::traits::Randomness<T::Hash, frame_system::pallet_prelude::BlockNumberFor<T>>
	for Pallet<T>
{
	/// `subject` mixed with the last proved VRF output, and the block that proved it.
	fn random(subject: &[u8]) -> (T::Hash, frame_system::pallet_prelude::BlockNumberFor<T>) {
		use sp_runtime::traits::Hash;
		let seed = T::Hashing::hash_of(&(subject, Randomness::<T>::get()));
		(seed, UpdatedAt::<T>::get())
	}
}

sp_api::decl_runtime_apis! {
	/// What a block author's node needs to evaluate its VRF.
	pub trait RandomnessApi {
		/// The chain's randomness, which the next block's VRF input is built on.
		fn randomness() -> [u8; 32];
	}
}
