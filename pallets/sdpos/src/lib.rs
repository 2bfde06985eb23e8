//! # SDPoS pallet: superdelegated proof of stake
//!
//! POP holders choose who runs POP Network:
//!
//! - **Candidates** set session keys (`session.set_keys`), then [`Pallet::register_candidate`]
//!   with a self-bond (a hold) of at least `min_candidate_bond` and a commission. They can
//!   [`Pallet::set_commission`], [`Pallet::chill`] (stay registered, stop being elected),
//!   [`Pallet::unchill`], and [`Pallet::leave_candidates`].
//! - **Voters** [`Pallet::bond`] POP (a freeze, so the same POP can also vote in governance) and
//!   [`Pallet::vote`] for up to `MaxVotes` candidates; [`Pallet::unbond`] starts the unbonding
//!   period, after which [`Pallet::withdraw_unbonded`] frees the POP. An account is either a
//!   candidate or a voter, not both: a candidate's stake is its self-bond.
//! - **Elections**: an era is one session of `pallet-session`, `era_length` blocks long. At the
//!   end of each era sequential Phragmén elects `num_delegates` delegates among candidates that
//!   are not chilled and have session keys; they take over one era later as the Aura and GRANDPA
//!   authorities, because this pallet is the session's `SessionManager`. An election that finds
//!   no candidate keeps the current set: the set is never empty.
//! - **Superdelegates** run the moderation sidecar. They [`Pallet::register_superdelegate`] with
//!   a bond, an ed25519 moderation key, and their sidecar's libp2p peer id and addresses; active
//!   delegates [`Pallet::vote_superdelegates`]; at each era change the top
//!   `num_superdelegates` by approvals become the moderation set ([`Superdelegates`]).
//! - **Rewards**: each era mints `inflation` (a yearly share of the issuance) pro rata over the
//!   era. Superdelegates and masternodes get their shares by the points the content and
//!   masternode pallets give them through [`RewardPoints`]; delegates share the rest by blocks
//!   authored, keep their commission, and pay the remainder to their backers by stake.
//! - **Penalties**: a delegate that authors nothing through an era while the chain produced
//!   blocks loses its reward, is chilled, and `offline_slash` of its backing is slashed, its own
//!   bond and its voters' bonds in proportion. Governance's emergency track can do the same at
//!   once, with the fraction it chooses, to a candidate that misbehaves in ways the chain cannot
//!   see for itself ([`Pallet::punish`]).
//! - **Bonded POP** (candidate, voter and superdelegate bonds) is what the fee quota is based on:
//!   the pallet implements `pallet_fees::BondedPop` through [`Pallet::bonded`].
//!
//! Parameters live in [`Params`] and change only by [`Config::AdminOrigin`] (governance).

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

pub mod election;
mod era;
pub mod identity;
pub mod migrations;
mod stake;
pub mod types;
pub mod weights;
pub use types::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

const LOG_TARGET: &str = "runtime::sdpos";

/// Whether an account has session keys (the runtime asks `pallet-session`).
pub trait HasSessionKeys<AccountId> {
	/// `true` if `who` has registered session keys.
	fn has_keys(who: &AccountId) -> bool;

	/// Gives `who` session keys, for benchmarks.
	#[cfg(feature = "runtime-benchmarks")]
	fn set_keys_for_benchmarks(_who: &AccountId) {}
}

/// How other pallets earn their operators a share of the era's rewards: the content pallet
/// gives superdelegates points for certified verdicts, the masternode pallet gives masternodes
/// points for audits passed and bytes served.
pub trait RewardPoints<AccountId> {
	/// Credits `points` to superdelegate `who` in the current era.
	fn reward_superdelegate(who: &AccountId, points: u32);
	/// Credits `points` to masternode operator `who` in the current era.
	fn reward_masternode(who: &AccountId, points: u32);
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::vec::Vec;
	use frame_support::{
		pallet_prelude::*,
		traits::fungible::{Inspect, InspectFreeze, Mutate, MutateFreeze, MutateHold},
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::Perbill;

	/// Why POP is held.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A delegate candidate's self-bond.
		CandidateBond,
		/// A superdelegate's bond.
		SuperdelegateBond,
	}

	/// Why POP is frozen.
	#[pallet::composite_enum]
	pub enum FreezeReason {
		/// A voter's bond.
		VoterBond,
	}

	/// The layout of this pallet's storage as first released; each migration raises it, and
	/// `try-runtime` checks the chain's recorded version against it.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The overarching event type.
		#[allow(deprecated)]
		type RuntimeEvent: From<Event<Self>> + IsType<<Self as frame_system::Config>::RuntimeEvent>;

		/// POP.
		type Currency: Inspect<Self::AccountId, Balance = Balance>
			+ Mutate<Self::AccountId>
			+ MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ MutateFreeze<Self::AccountId, Id = Self::RuntimeFreezeReason>
			+ InspectFreeze<Self::AccountId>;

		/// The runtime's hold reasons.
		type RuntimeHoldReason: From<HoldReason>;

		/// The runtime's freeze reasons.
		type RuntimeFreezeReason: From<FreezeReason>;

		/// Who has session keys.
		type SessionKeys: HasSessionKeys<Self::AccountId>;

		/// Who may change [`Params`]: governance.
		type AdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Who may punish a misbehaving candidate at once ([`Pallet::punish`]): governance's
		/// emergency track.
		type PunishOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The parameters of a new chain, unless its genesis sets others.
		type DefaultParams: Get<SdposParams<BlockNumberFor<Self>>>;

		/// Blocks in a year, to spread the yearly inflation over eras.
		#[pallet::constant]
		type BlocksPerYear: Get<BlockNumberFor<Self>>;

		/// Most registered delegate candidates.
		#[pallet::constant]
		type MaxCandidates: Get<u32>;

		/// Most voters.
		#[pallet::constant]
		type MaxVoters: Get<u32>;

		/// Most candidates one voter approves (16).
		#[pallet::constant]
		type MaxVotes: Get<u32>;

		/// Most delegates in a set; `num_delegates` cannot exceed it.
		#[pallet::constant]
		type MaxDelegates: Get<u32>;

		/// Most registered superdelegates.
		#[pallet::constant]
		type MaxSuperdelegateCandidates: Get<u32>;

		/// Most superdelegates in the moderation set; `num_superdelegates` cannot exceed it.
		#[pallet::constant]
		type MaxSuperdelegates: Get<u32>;

		/// Most voters recorded (and paid) per delegate per era; the largest are kept.
		#[pallet::constant]
		type MaxBackers: Get<u32>;

		/// Most pending releases per account.
		#[pallet::constant]
		type MaxReleases: Get<u32>;

		/// Weights of the calls and of the era change.
		type WeightInfo: WeightInfo;
	}

	/// The tunables.
	#[pallet::storage]
	pub type Params<T: Config> =
		StorageValue<_, SdposParams<BlockNumberFor<T>>, ValueQuery, T::DefaultParams>;

	/// Delegate candidates.
	#[pallet::storage]
	pub type Candidates<T: Config> =
		CountedStorageMap<_, Twox64Concat, T::AccountId, CandidateInfo>;

	/// Voters: bond and approvals.
	#[pallet::storage]
	pub type Voters<T: Config> =
		CountedStorageMap<_, Twox64Concat, T::AccountId, VoterInfo<T::AccountId, T::MaxVotes>>;

	/// POP unbonding, per account, until it can be withdrawn.
	#[pallet::storage]
	pub type Releases<T: Config> = StorageMap<
		_,
		Twox64Concat,
		T::AccountId,
		BoundedVec<Release<BlockNumberFor<T>>, T::MaxReleases>,
		ValueQuery,
	>;

	/// The era now running (the session index).
	#[pallet::storage]
	pub type CurrentEra<T: Config> = StorageValue<_, EraIndex, ValueQuery>;

	/// The block at which the current era started.
	#[pallet::storage]
	pub type EraStart<T: Config> = StorageValue<_, BlockNumberFor<T>, ValueQuery>;

	/// The delegates authoring in the current era.
	#[pallet::storage]
	pub type Delegates<T: Config> =
		StorageValue<_, BoundedVec<T::AccountId, T::MaxDelegates>, ValueQuery>;

	/// The stake behind each delegate of the current and the next era.
	#[pallet::storage]
	pub type Exposures<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		EraIndex,
		Twox64Concat,
		T::AccountId,
		Exposure<T::AccountId, T::MaxBackers>,
	>;

	/// Blocks each delegate authored in the current era.
	#[pallet::storage]
	pub type AuthoredBlocks<T: Config> = StorageMap<_, Twox64Concat, T::AccountId, u32, ValueQuery>;

	/// Superdelegate points earned in the current era.
	#[pallet::storage]
	pub type SuperdelegatePoints<T: Config> =
		CountedStorageMap<_, Twox64Concat, T::AccountId, u32, ValueQuery>;

	/// Masternode points earned in the current era.
	#[pallet::storage]
	pub type MasternodePoints<T: Config> =
		CountedStorageMap<_, Twox64Concat, T::AccountId, u32, ValueQuery>;

	/// Registered superdelegates.
	#[pallet::storage]
	pub type SuperdelegateCandidates<T: Config> =
		CountedStorageMap<_, Twox64Concat, T::AccountId, SuperdelegateInfo>;

	/// The account that owns each moderation key (registered, or reserved by a change waiting
	/// for the next era): a key belongs to one superdelegate only.
	#[pallet::storage]
	pub type KeyOwner<T: Config> = StorageMap<_, Blake2_128Concat, ModerationKey, T::AccountId>;

	/// The account that owns each sidecar peer id, as [`KeyOwner`] does for keys.
	#[pallet::storage]
	pub type PeerOwner<T: Config> = StorageMap<_, Blake2_128Concat, PeerId, T::AccountId>;

	/// Changes of moderation key and peer id by members of the moderation set, applied when
	/// the next era's set is chosen.
	#[pallet::storage]
	pub type PendingIdentities<T: Config> =
		StorageMap<_, Twox64Concat, T::AccountId, PendingIdentity>;

	/// Each active delegate's approvals of superdelegates.
	#[pallet::storage]
	pub type SuperdelegateVotes<T: Config> =
		StorageMap<_, Twox64Concat, T::AccountId, BoundedVec<T::AccountId, T::MaxVotes>>;

	/// The moderation set of the current era, best first.
	#[pallet::storage]
	pub type Superdelegates<T: Config> =
		StorageValue<_, BoundedVec<T::AccountId, T::MaxSuperdelegates>, ValueQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Parameters; `None` keeps [`Config::DefaultParams`].
		pub params: Option<SdposParams<BlockNumberFor<T>>>,
		/// The first delegates (they must also be the session's genesis validators): account,
		/// self-bond.
		pub delegates: Vec<(T::AccountId, Balance)>,
		/// Voters: account, bond, approvals.
		pub voters: Vec<(T::AccountId, Balance, Vec<T::AccountId>)>,
		/// Superdelegates, all in the first moderation set: account, bond, moderation key.
		pub superdelegates: Vec<(T::AccountId, Balance, ModerationKey)>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			if let Some(p) = &self.params {
				Pallet::<T>::check_params(p).expect("valid genesis SDPoS parameters");
				Params::<T>::put(p.clone());
			}
			let mut delegates = Vec::new();
			for (who, bond) in &self.delegates {
				T::Currency::hold(&HoldReason::CandidateBond.into(), who, *bond)
					.expect("genesis delegates can afford their bonds");
				Candidates::<T>::insert(
					who,
					CandidateInfo { bond: *bond, commission: Perbill::zero(), chilled: false },
				);
				delegates.push(who.clone());
				let exposure = Exposure { total: *bond, own: *bond, others: BoundedVec::new() };
				Exposures::<T>::insert(0, who, exposure.clone());
				Exposures::<T>::insert(1, who, exposure);
			}
			Delegates::<T>::put(
				BoundedVec::try_from(delegates)
					.expect("no more genesis delegates than MaxDelegates"),
			);
			for (who, bond, votes) in &self.voters {
				let votes =
					BoundedVec::try_from(votes.clone()).expect("at most MaxVotes approvals");
				T::Currency::set_freeze(&FreezeReason::VoterBond.into(), who, *bond)
					.expect("genesis voters can bond");
				Voters::<T>::insert(who, VoterInfo { active: *bond, votes });
			}
			let mut set = Vec::new();
			for (who, bond, key) in &self.superdelegates {
				T::Currency::hold(&HoldReason::SuperdelegateBond.into(), who, *bond)
					.expect("genesis superdelegates can afford their bonds");
				assert!(!identity::is_low_order(key), "a genesis moderation key of low order");
				assert!(!KeyOwner::<T>::contains_key(key), "a genesis moderation key used twice");
				KeyOwner::<T>::insert(key, who);
				SuperdelegateCandidates::<T>::insert(
					who,
					SuperdelegateInfo {
						bond: *bond,
						moderation_key: *key,
						peer_id: BoundedVec::new(),
						addresses: BoundedVec::new(),
					},
				);
				set.push(who.clone());
			}
			Superdelegates::<T>::put(
				BoundedVec::try_from(set).expect("no more genesis superdelegates than the maximum"),
			);
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// `who` became a delegate candidate with a self-bond of `bond`.
		CandidateRegistered { who: T::AccountId, bond: Balance, commission: Perbill },
		/// `who` changed its commission.
		CommissionSet { who: T::AccountId, commission: Perbill },
		/// `who` will not be elected until it unchills.
		Chilled { who: T::AccountId },
		/// `who` can be elected again.
		Unchilled { who: T::AccountId },
		/// `who` left the candidates; its bond unlocks at `unlock_at`.
		CandidateLeft { who: T::AccountId, unlock_at: BlockNumberFor<T> },
		/// `who` bonded `amount` more POP as a voter; it now has `active` bonded.
		Bonded { who: T::AccountId, amount: Balance, active: Balance },
		/// `who` approves `votes`.
		Voted { who: T::AccountId, votes: Vec<T::AccountId> },
		/// `who` unbonded `amount`; it unlocks at `unlock_at`.
		Unbonded { who: T::AccountId, amount: Balance, unlock_at: BlockNumberFor<T> },
		/// `who` withdrew `amount` of unbonded POP.
		Withdrawn { who: T::AccountId, amount: Balance },
		/// `who` registered as a superdelegate.
		SuperdelegateRegistered { who: T::AccountId, bond: Balance, moderation_key: ModerationKey },
		/// `who`'s moderation key and peer id are now those given (at once, or at the era
		/// boundary after [`Event::SuperdelegateUpdateScheduled`]).
		SuperdelegateUpdated { who: T::AccountId, moderation_key: ModerationKey },
		/// `who`, a member of the moderation set, changes its moderation key and peer id at the
		/// start of `era`; until then the set keeps the current ones.
		SuperdelegateUpdateScheduled {
			who: T::AccountId,
			moderation_key: ModerationKey,
			era: EraIndex,
		},
		/// `who`'s sidecar now listens at new addresses.
		SuperdelegateAddressesSet { who: T::AccountId },
		/// `who` left the superdelegates; its bond unlocks at `unlock_at`.
		SuperdelegateLeft { who: T::AccountId, unlock_at: BlockNumberFor<T> },
		/// Delegate `who` approves superdelegates `votes`.
		SuperdelegateVoted { who: T::AccountId, votes: Vec<T::AccountId> },
		/// The delegates who take over at the start of `era`, with their total backing.
		DelegatesElected { era: EraIndex, delegates: Vec<(T::AccountId, Balance)> },
		/// An election found nobody to elect: the set of `era` stays as it was.
		ElectionKeptSet { era: EraIndex },
		/// The moderation set of `era`.
		SuperdelegatesElected { era: EraIndex, superdelegates: Vec<T::AccountId> },
		/// Era `era` began.
		EraStarted { era: EraIndex },
		/// Rewards of `era`: to delegates and their voters, to superdelegates, to masternodes.
		EraPaid { era: EraIndex, delegates: Balance, superdelegates: Balance, masternodes: Balance },
		/// `who` was paid `amount` of new POP.
		Rewarded { who: T::AccountId, amount: Balance },
		/// Delegate `who` authored nothing through `era`: it is chilled and slashed.
		DelegateOffline { who: T::AccountId, era: EraIndex },
		/// Governance punished candidate `who` in `era`: chilled, and `fraction` of its backing
		/// slashed.
		CandidatePunished { who: T::AccountId, era: EraIndex, fraction: Perbill },
		/// `amount` of `who`'s bond was slashed.
		Slashed { who: T::AccountId, amount: Balance },
		/// Governance changed the parameters.
		ParamsSet { params: SdposParams<BlockNumberFor<T>> },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The account is already a delegate candidate.
		AlreadyCandidate,
		/// The account is not a delegate candidate.
		NotCandidate,
		/// The account is a voter; a candidate's stake is its self-bond. Unbond first.
		IsVoter,
		/// The account is a delegate candidate; it cannot also vote.
		IsCandidate,
		/// The bond is below the minimum the parameters require.
		BondTooLow,
		/// The account cannot afford that bond (the bond must leave the existential deposit and
		/// the POP already bonded).
		InsufficientBalance,
		/// Register session keys with `session.set_keys` before becoming a candidate.
		NoSessionKeys,
		/// The candidate list is full.
		TooManyCandidates,
		/// The voter list is full.
		TooManyVoters,
		/// The account has not bonded as a voter.
		NotVoter,
		/// No approvals given.
		EmptyVotes,
		/// More approvals than `MaxVotes`.
		TooManyVotes,
		/// An approval names an account that is not a candidate.
		NotACandidate,
		/// The same account appears twice among the approvals.
		DuplicateVote,
		/// Unbonding more than is bonded.
		UnbondTooMuch,
		/// Unbonding zero.
		ZeroAmount,
		/// Too many releases pending; withdraw the unlocked ones first.
		TooManyReleases,
		/// Nothing has finished unbonding yet.
		NothingToWithdraw,
		/// The account is already a superdelegate.
		AlreadySuperdelegate,
		/// The account is not a superdelegate.
		NotSuperdelegate,
		/// The superdelegate list is full.
		TooManySuperdelegates,
		/// Only an active delegate may vote for superdelegates.
		NotDelegate,
		/// The candidate is already chilled.
		AlreadyChilled,
		/// The candidate is not chilled.
		NotChilled,
		/// The parameters are inconsistent: a count is zero or above its maximum, the era is
		/// empty, or the reward shares add up to more than everything.
		InvalidParams,
		/// The moderation key is a low-order point: anything sealed to it opens for anyone.
		LowOrderModerationKey,
		/// The proof's moderation-key signature does not verify for this chain and account.
		BadModerationKeyProof,
		/// The peer id is not a libp2p ed25519 identity (the only kind the sidecars use).
		UnsupportedPeerId,
		/// The proof's peer-key signature is missing or does not verify for this chain and
		/// account.
		BadPeerIdProof,
		/// Another superdelegate registered (or is switching to) this moderation key.
		ModerationKeyInUse,
		/// Another superdelegate registered (or is switching to) this peer id.
		PeerIdInUse,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		#[cfg(feature = "try-runtime")]
		fn try_state(_: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::check_identities()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Become a delegate candidate: hold `bond` POP (at least `min_candidate_bond`) as
		/// self-bond and keep `commission` of the rewards. Session keys must be set first.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_candidate())]
		pub fn register_candidate(
			origin: OriginFor<T>,
			#[pallet::compact] bond: Balance,
			commission: Perbill,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(!Candidates::<T>::contains_key(&who), Error::<T>::AlreadyCandidate);
			ensure!(!Voters::<T>::contains_key(&who), Error::<T>::IsVoter);
			ensure!(bond >= Params::<T>::get().min_candidate_bond, Error::<T>::BondTooLow);
			ensure!(T::SessionKeys::has_keys(&who), Error::<T>::NoSessionKeys);
			ensure!(
				Candidates::<T>::count() < T::MaxCandidates::get(),
				Error::<T>::TooManyCandidates
			);
			Self::hold(&who, HoldReason::CandidateBond, bond)?;
			Candidates::<T>::insert(&who, CandidateInfo { bond, commission, chilled: false });
			Self::deposit_event(Event::CandidateRegistered { who, bond, commission });
			Ok(())
		}

		/// Change the caller's commission; it applies from the next era paid.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::set_commission())]
		pub fn set_commission(origin: OriginFor<T>, commission: Perbill) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Candidates::<T>::try_mutate(&who, |c| {
				let c = c.as_mut().ok_or(Error::<T>::NotCandidate)?;
				c.commission = commission;
				Ok::<_, DispatchError>(())
			})?;
			Self::deposit_event(Event::CommissionSet { who, commission });
			Ok(())
		}

		/// Stop being elected from the next election on; the bond stays.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::chill())]
		pub fn chill(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::set_chilled(&who, true)?;
			Self::deposit_event(Event::Chilled { who });
			Ok(())
		}

		/// Be electable again after [`Pallet::chill`] or an offline penalty.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::unchill())]
		pub fn unchill(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(T::SessionKeys::has_keys(&who), Error::<T>::NoSessionKeys);
			Self::set_chilled(&who, false)?;
			Self::deposit_event(Event::Unchilled { who });
			Ok(())
		}

		/// Leave the candidates. The self-bond stays held for the unbonding period (a delegate
		/// already elected serves out its era), then [`Pallet::withdraw_unbonded`] frees it.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::leave_candidates())]
		pub fn leave_candidates(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let info = Candidates::<T>::take(&who).ok_or(Error::<T>::NotCandidate)?;
			let unlock_at = Self::push_release(&who, BondKind::Candidate, info.bond)?;
			Self::deposit_event(Event::CandidateLeft { who, unlock_at });
			Ok(())
		}

		/// Bond `amount` more POP as a voter (a freeze). The first bond must reach
		/// `min_voter_bond`.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::bond())]
		pub fn bond(origin: OriginFor<T>, #[pallet::compact] amount: Balance) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
			ensure!(!Candidates::<T>::contains_key(&who), Error::<T>::IsCandidate);
			let mut voter = match Voters::<T>::get(&who) {
				Some(v) => v,
				None => {
					ensure!(Voters::<T>::count() < T::MaxVoters::get(), Error::<T>::TooManyVoters);
					VoterInfo { active: 0, votes: BoundedVec::new() }
				}
			};
			let active = voter.active.checked_add(amount).ok_or(Error::<T>::InsufficientBalance)?;
			ensure!(active >= Params::<T>::get().min_voter_bond, Error::<T>::BondTooLow);
			let frozen = active.saturating_add(Self::releasing(&who, BondKind::Voter));
			Self::ensure_can_freeze(&who, frozen)?;
			T::Currency::set_freeze(&FreezeReason::VoterBond.into(), &who, frozen)?;
			voter.active = active;
			Voters::<T>::insert(&who, voter);
			Self::deposit_event(Event::Bonded { who, amount, active });
			Ok(())
		}

		/// Approve `votes` (up to `MaxVotes` distinct candidates), replacing earlier approvals.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::vote(votes.len() as u32))]
		pub fn vote(origin: OriginFor<T>, votes: Vec<T::AccountId>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut voter = Voters::<T>::get(&who).ok_or(Error::<T>::NotVoter)?;
			let votes = Self::check_ballot(votes, |c| Candidates::<T>::contains_key(c))?;
			voter.votes = votes.clone();
			Voters::<T>::insert(&who, voter);
			Self::deposit_event(Event::Voted { who, votes: votes.into_inner() });
			Ok(())
		}

		/// Unbond `amount` of the caller's voter bond. It stops counting at once and unlocks
		/// after the unbonding period. Unbonding everything ends the caller's votes.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::unbond())]
		pub fn unbond(origin: OriginFor<T>, #[pallet::compact] amount: Balance) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
			let mut voter = Voters::<T>::get(&who).ok_or(Error::<T>::NotVoter)?;
			ensure!(amount <= voter.active, Error::<T>::UnbondTooMuch);
			let rest = voter.active - amount;
			// What stays bonded must stay above the minimum, or go entirely.
			ensure!(rest == 0 || rest >= Params::<T>::get().min_voter_bond, Error::<T>::BondTooLow);
			let unlock_at = Self::push_release(&who, BondKind::Voter, amount)?;
			voter.active = rest;
			if rest == 0 {
				Voters::<T>::remove(&who);
			} else {
				Voters::<T>::insert(&who, voter);
			}
			Self::deposit_event(Event::Unbonded { who, amount, unlock_at });
			Ok(())
		}

		/// Free every bond of the caller whose unbonding period has passed.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::withdraw_unbonded())]
		pub fn withdraw_unbonded(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let amount = Self::do_withdraw(&who)?;
			Self::deposit_event(Event::Withdrawn { who, amount });
			Ok(())
		}

		/// Register as a superdelegate: hold `bond` (at least `min_superdelegate_bond`), and
		/// publish the ed25519 key verdicts are signed with and the sidecar's libp2p peer id
		/// (may be empty until the sidecar first starts) and multiaddrs. `proof` signs
		/// [`identity::statement`] with the moderation key and the peer id's key; neither may
		/// belong to another superdelegate.
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::register_superdelegate()
			.saturating_add(Pallet::<T>::identity_weight()))]
		pub fn register_superdelegate(
			origin: OriginFor<T>,
			#[pallet::compact] bond: Balance,
			moderation_key: ModerationKey,
			peer_id: PeerId,
			addresses: Addresses,
			proof: IdentityProof,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(
				!SuperdelegateCandidates::<T>::contains_key(&who),
				Error::<T>::AlreadySuperdelegate
			);
			ensure!(bond >= Params::<T>::get().min_superdelegate_bond, Error::<T>::BondTooLow);
			ensure!(
				SuperdelegateCandidates::<T>::count() < T::MaxSuperdelegateCandidates::get(),
				Error::<T>::TooManySuperdelegates
			);
			Self::check_identity(&who, &moderation_key, &peer_id, &proof)?;
			Self::hold(&who, HoldReason::SuperdelegateBond, bond)?;
			Self::own_identity(&who, &moderation_key, &peer_id);
			SuperdelegateCandidates::<T>::insert(
				&who,
				SuperdelegateInfo { bond, moderation_key, peer_id, addresses },
			);
			Self::deposit_event(Event::SuperdelegateRegistered { who, bond, moderation_key });
			Ok(())
		}

		/// Change the caller's moderation key, peer id and addresses, proven as in
		/// [`Pallet::register_superdelegate`]. Addresses change at once. A new key or peer id
		/// changes at once for a superdelegate outside the moderation set (or one whose sidecar
		/// never published a peer id), and otherwise at the next era boundary, so that the set
		/// keeps the identities it started the era with; it is reserved for the caller meanwhile.
		#[pallet::call_index(10)]
		#[pallet::weight(T::WeightInfo::update_superdelegate()
			.saturating_add(Pallet::<T>::identity_weight()))]
		pub fn update_superdelegate(
			origin: OriginFor<T>,
			moderation_key: ModerationKey,
			peer_id: PeerId,
			addresses: Addresses,
			proof: IdentityProof,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut info =
				SuperdelegateCandidates::<T>::get(&who).ok_or(Error::<T>::NotSuperdelegate)?;
			Self::check_identity(&who, &moderation_key, &peer_id, &proof)?;
			if info.addresses != addresses {
				info.addresses = addresses;
				SuperdelegateCandidates::<T>::insert(&who, info.clone());
				Self::deposit_event(Event::SuperdelegateAddressesSet { who: who.clone() });
			}
			// A change scheduled earlier gives way to this one.
			if let Some(earlier) = PendingIdentities::<T>::take(&who) {
				if earlier.moderation_key != info.moderation_key {
					Self::release_key(&who, &earlier.moderation_key);
				}
				if earlier.peer_id != info.peer_id {
					Self::release_peer(&who, &earlier.peer_id);
				}
			}
			if info.moderation_key == moderation_key && info.peer_id == peer_id {
				return Ok(());
			}
			Self::own_identity(&who, &moderation_key, &peer_id);
			let new = PendingIdentity { moderation_key, peer_id };
			if Self::identity_in_use(&who, &info.peer_id) {
				PendingIdentities::<T>::insert(&who, new);
				let era = CurrentEra::<T>::get().saturating_add(1);
				Self::deposit_event(Event::SuperdelegateUpdateScheduled {
					who,
					moderation_key,
					era,
				});
			} else {
				Self::switch_identity(&who, new);
			}
			Ok(())
		}

		/// Leave the superdelegates. The caller stays in the current moderation set until the
		/// era ends; its bond unlocks after the unbonding period.
		#[pallet::call_index(11)]
		#[pallet::weight(T::WeightInfo::leave_superdelegates())]
		pub fn leave_superdelegates(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let info =
				SuperdelegateCandidates::<T>::take(&who).ok_or(Error::<T>::NotSuperdelegate)?;
			let unlock_at = Self::push_release(&who, BondKind::Superdelegate, info.bond)?;
			Self::release_identity(&who, (&info.moderation_key, &info.peer_id));
			Self::deposit_event(Event::SuperdelegateLeft { who, unlock_at });
			Ok(())
		}

		/// As an active delegate, approve `votes` (registered superdelegates), replacing earlier
		/// approvals. Counted at the next era change.
		#[pallet::call_index(12)]
		#[pallet::weight(T::WeightInfo::vote_superdelegates(votes.len() as u32))]
		pub fn vote_superdelegates(
			origin: OriginFor<T>,
			votes: Vec<T::AccountId>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(Delegates::<T>::get().contains(&who), Error::<T>::NotDelegate);
			let votes =
				Self::check_ballot(votes, |s| SuperdelegateCandidates::<T>::contains_key(s))?;
			SuperdelegateVotes::<T>::insert(&who, votes.clone());
			Self::deposit_event(Event::SuperdelegateVoted { who, votes: votes.into_inner() });
			Ok(())
		}

		/// Set the parameters (governance). Counts and the era length apply from the next
		/// election and era; bonds already made are not touched.
		#[pallet::call_index(13)]
		#[pallet::weight(T::WeightInfo::set_params())]
		pub fn set_params(
			origin: OriginFor<T>,
			params: SdposParams<BlockNumberFor<T>>,
		) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::check_params(&params)?;
			Params::<T>::put(params.clone());
			Self::deposit_event(Event::ParamsSet { params });
			Ok(())
		}

		/// Punish candidate `who` for misbehaviour the chain cannot see for itself (equivocation,
		/// censorship, a compromised node): it is chilled, so it is not elected again until it
		/// unchills, and `fraction` of its backing in the current era is burned — its own bond
		/// and, if it is a delegate, each backing voter's share, as the offline penalty does.
		/// Bonds being unbonded count: a candidate that left, or a voter that unbonded, is
		/// slashed until the unbonding period ends.
		/// Only [`Config::PunishOrigin`]. Emits [`Event::CandidatePunished`] and
		/// [`Event::Slashed`] for every account that lost POP.
		#[pallet::call_index(14)]
		#[pallet::weight(T::WeightInfo::punish(T::MaxBackers::get()))]
		pub fn punish(
			origin: OriginFor<T>,
			who: T::AccountId,
			fraction: Perbill,
		) -> DispatchResultWithPostInfo {
			T::PunishOrigin::ensure_origin(origin)?;
			// A candidate that left is punishable until its bond has unlocked.
			ensure!(
				Candidates::<T>::contains_key(&who)
					|| Self::slashable_releasing(&who, BondKind::Candidate) > 0,
				Error::<T>::NotCandidate
			);
			let era = CurrentEra::<T>::get();
			let slashed = Self::chill_and_slash(era, &who, fraction);
			Self::deposit_event(Event::CandidatePunished { who, era, fraction });
			Ok(Some(T::WeightInfo::punish(slashed)).into())
		}
	}

	impl<T: Config> Pallet<T> {
		/// Checks a parameter set.
		pub fn check_params(p: &SdposParams<BlockNumberFor<T>>) -> Result<(), Error<T>> {
			let ok = p.num_delegates >= 1
				&& p.num_delegates <= T::MaxDelegates::get()
				&& p.num_superdelegates >= 1
				&& p.num_superdelegates <= T::MaxSuperdelegates::get()
				&& !p.era_length.is_zero()
				&& p.superdelegate_share
					.deconstruct()
					.saturating_add(p.masternode_share.deconstruct())
					<= Perbill::one().deconstruct();
			ok.then_some(()).ok_or(Error::<T>::InvalidParams)
		}

		/// Checks approvals: non-empty, at most `MaxVotes`, no duplicates, all eligible.
		fn check_ballot(
			votes: Vec<T::AccountId>,
			eligible: impl Fn(&T::AccountId) -> bool,
		) -> Result<BoundedVec<T::AccountId, T::MaxVotes>, DispatchError> {
			ensure!(!votes.is_empty(), Error::<T>::EmptyVotes);
			let votes: BoundedVec<_, T::MaxVotes> =
				votes.try_into().map_err(|_| Error::<T>::TooManyVotes)?;
			for (i, v) in votes.iter().enumerate() {
				ensure!(!votes[..i].contains(v), Error::<T>::DuplicateVote);
				ensure!(eligible(v), Error::<T>::NotACandidate);
			}
			Ok(votes)
		}

		fn set_chilled(who: &T::AccountId, chilled: bool) -> DispatchResult {
			Candidates::<T>::try_mutate(who, |c| {
				let c = c.as_mut().ok_or(Error::<T>::NotCandidate)?;
				match (c.chilled, chilled) {
					(true, true) => Err(Error::<T>::AlreadyChilled.into()),
					(false, false) => Err(Error::<T>::NotChilled.into()),
					_ => {
						c.chilled = chilled;
						Ok(())
					}
				}
			})
		}
	}
}
