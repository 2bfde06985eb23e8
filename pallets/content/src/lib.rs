//! # Content pallet: manifests, placement, the moderation gate and storage audits
//!
//! - [`Pallet::register`] and [`Pallet::add_page`] ([`register`]): a creator registers a
//!   [`Manifest`] (its BLAKE3 hash is the content id) and its pages of segments. The chain checks
//!   them, holds a deposit for the storage it takes and places every shard on a masternode in
//!   service ([`pop_primitives::placement`]): the shards of a segment on distinct masternodes,
//!   spread over regions, so no masternode holds `k` shards of any segment. Once every page is
//!   in, the content is [`Status::Pending`]: not public.
//! - [`Pallet::submit_verdict`]: anyone submits the moderation set's certificate — signatures of
//!   at least [`quorum`] distinct members of the current set over a [`VerdictStatement`] (content
//!   id, verdict, model hash, current era). Approve publishes; reject refuses for good; needs
//!   review waits for a later certificate. Signers earn reward points ([`Rewards`]).
//! - Audits ([`audit`]): every [`Config::AuditPeriod`] blocks the chain draws challenges from the
//!   parent block's hash — which masternode, which shard of published content, which 1 KiB
//!   chunk — and the masternode answers with [`Pallet::prove`]: the chunk and its BLAKE3 proof
//!   against the shard hash of the manifest, before the deadline. Passes earn points. Misses
//!   get grace: the first suspends the masternode from new placements for
//!   [`Config::GraceWindow`] blocks (it keeps serving and is still audited), and
//!   [`Config::MaxMisses`] inside that window retire it with a slash; a miss after the window
//!   starts a new one.
//! - Reassignment ([`reassign`]): a masternode that unregisters or is retired leaves service;
//!   its shards move, a bounded number per block, to nodes picked with the same rules
//!   ([`Event::ShardReassigned`] tells the new holder to rebuild the shard from `k` others).
//! - [`Pallet::release_keys`]: the creator hands the content key to the moderation set, sealed
//!   to each member's moderation key ([`KeyRelease`]; the chain holds ciphertext only); a member
//!   re-seals it for a new set if the content is still pending when the set changes.
//! - Appeals ([`appeal`]): content left for review, or rejected, goes to the moderation
//!   governance track: [`Pallet::appeal`] (the creator, with a reason and a deposit) and
//!   [`Pallet::rule`] (a passed referendum approves or rejects it, for good, saying why).
//! - [`Pallet::remove`]: the creator removes the content and gets the deposit back (long
//!   content's segments are forgotten over the next blocks, [`purge`]);
//!   [`Pallet::set_halted`]: an emergency referendum stops (or resumes) new registrations.
//!
//! The runtime API ([`api::ContentApi`]) gives the sidecars and UIs content, placement,
//! assignments, open audits, masternodes and the moderation set.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

pub mod api;
mod appeal;
pub mod audit;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod certificate;
pub mod fraud;
mod keys;
pub mod migrations;
#[cfg(test)]
mod mock;
pub mod purge;
pub mod reassign;
pub mod register;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

pub use pallet_masternodes::Region;
pub use pop_primitives::content::{
	quorum, ContentId, Manifest, ManifestError, ModelHash, Packaging, Page, SealedKey,
	SegmentManifest, ShardHash, Verdict, VerdictStatement,
};
pub use types::*;
pub use weights::WeightInfo;

/// Log target of this pallet.
pub const LOG_TARGET: &str = "runtime::content";

/// The moderation set: who may sign verdicts, with which ed25519 keys, in which era.
pub trait ModerationSet<AccountId> {
	/// The current era.
	fn era() -> u32;
	/// The current members and their moderation keys.
	fn members() -> alloc::vec::Vec<(AccountId, ModerationKey)>;
	/// Makes `members` the set (benchmarks only).
	#[cfg(feature = "runtime-benchmarks")]
	fn set_members(members: alloc::vec::Vec<(AccountId, ModerationKey)>);
}

/// The masternodes shards are placed on ([`pallet_masternodes`] in the runtime).
pub trait MasternodeRegistry<AccountId> {
	/// The masternodes in service, with their regions.
	fn active() -> alloc::vec::Vec<(AccountId, Region)>;
	/// Whether `who`'s masternode is in service.
	fn is_active(who: &AccountId) -> bool;
	/// The bytes `who`'s masternode offers (0 if it has none).
	fn capacity(who: &AccountId) -> u64;
	/// Whether `who`'s masternode still has its bond held (in service or leaving).
	fn is_bonded(who: &AccountId) -> bool;
	/// Takes `who`'s masternode out of service (if it still is), burning `fraction` of its
	/// bond, also when it is leaving; returns the POP burned.
	fn retire(who: &AccountId, fraction: sp_runtime::Perbill) -> pop_primitives::Balance;
	/// Registers a masternode for `who` in `region` (benchmarks only).
	#[cfg(feature = "runtime-benchmarks")]
	fn add(who: &AccountId, index: u32, region: Region);
}

impl<T: pallet_masternodes::Config> MasternodeRegistry<T::AccountId>
	for pallet_masternodes::Pallet<T>
{
	fn active() -> alloc::vec::Vec<(T::AccountId, Region)> {
		pallet_masternodes::Pallet::<T>::active()
			.into_iter()
			.map(|(who, n)| (who, n.region))
			.collect()
	}
	fn is_active(who: &T::AccountId) -> bool {
		pallet_masternodes::Pallet::<T>::is_active(who)
	}
	fn capacity(who: &T::AccountId) -> u64 {
		pallet_masternodes::Masternodes::<T>::get(who).map_or(0, |m| m.capacity)
	}
	fn is_bonded(who: &T::AccountId) -> bool {
		pallet_masternodes::Pallet::<T>::is_bonded(who)
	}
	fn retire(who: &T::AccountId, fraction: sp_runtime::Perbill) -> pop_primitives::Balance {
		pallet_masternodes::Pallet::<T>::retire(who, fraction)
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn add(who: &T::AccountId, index: u32, region: Region) {
		use frame_support::traits::{fungible::Mutate, Get};
		let bond = T::MinBond::get().max(1);
		T::Currency::set_balance(who, bond.saturating_mul(10));
		let mut peer = alloc::vec![0u8; 38];
		peer[..4].copy_from_slice(&index.to_le_bytes());
		let address = frame_support::BoundedVec::truncate_from(b"/ip4/127.0.0.1/tcp/1".to_vec());
		pallet_masternodes::Pallet::<T>::register(
			frame_system::RawOrigin::Signed(who.clone()).into(),
			frame_support::BoundedVec::truncate_from(peer),
			frame_support::BoundedVec::truncate_from(alloc::vec![address]),
			region,
			1 << 40,
			bond,
		)
		.expect("a funded account registers");
	}
}

/// Reward points for the work this pallet sees done.
pub trait Rewards<AccountId> {
	/// `who` signed a verdict certificate that the chain accepted.
	fn moderated(who: &AccountId);
	/// `who`'s masternode passed an audit.
	fn audited(who: &AccountId);
}

impl<AccountId> Rewards<AccountId> for () {
	fn moderated(_: &AccountId) {}
	fn audited(_: &AccountId) {}
}

/// A content's record as this runtime stores it.
pub type ContentInfoOf<T> = types::ContentInfo<
	<T as frame_system::Config>::AccountId,
	frame_system::pallet_prelude::BlockNumberFor<T>,
>;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::vec::Vec;
	use frame_support::{
		pallet_prelude::*,
		traits::fungible::{Inspect, InspectHold, Mutate, MutateHold},
	};
	use frame_system::pallet_prelude::*;
	use pop_primitives::{
		content::{MaxChunkLen, MaxProofLen, MAX_SHARDS},
		Balance,
	};
	use sp_runtime::{
		traits::{Saturating, Zero},
		Perbill,
	};

	/// The layout of this pallet's storage; each migration raises it, and `try-runtime` checks
	/// the chain's recorded version against it. 1: [`Awaiting`] indexes content awaiting a
	/// verdict ([`migrations::v1`]). 2: [`StoredBytes`] ([`migrations::v2`]). 3: manifests in
	/// pages, with durations, packaging and key commitments ([`migrations::v3`]).
	pub const STORAGE_VERSION: StorageVersion = StorageVersion::new(3);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Why this pallet holds POP.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// The deposit for a registered content's storage.
		ContentDeposit,
		/// The deposit behind a creator's appeal, until the moderation track rules.
		AppealDeposit,
	}

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The overarching event type.
		#[allow(deprecated)]
		type RuntimeEvent: From<Event<Self>> + IsType<<Self as frame_system::Config>::RuntimeEvent>;

		/// POP, with holds for the deposits.
		type Currency: Inspect<Self::AccountId, Balance = Balance>
			+ Mutate<Self::AccountId>
			+ MutateHold<Self::AccountId, Reason = <Self as Config>::RuntimeHoldReason>
			+ InspectHold<Self::AccountId>;

		/// The runtime's hold reasons.
		type RuntimeHoldReason: From<HoldReason>;

		/// The masternodes shards are placed on.
		type Masternodes: MasternodeRegistry<Self::AccountId>;

		/// Most masternodes waiting for their shards to move (the most masternodes there are).
		#[pallet::constant]
		type MaxDeparting: Get<u32>;

		/// The moderation set whose certificates decide.
		type Moderators: ModerationSet<Self::AccountId>;

		/// Points for signers and audited masternodes.
		type Rewards: Rewards<Self::AccountId>;

		/// Where audit challenges are drawn from: randomness that no block author can choose
		/// (in the runtime, each author's VRF output, `pallet-randomness`), never a block hash.
		type Randomness: frame_support::traits::Randomness<Self::Hash, BlockNumberFor<Self>>;

		/// May halt and resume new registrations (an emergency referendum).
		type HaltOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Rules on content that needs review or was rejected (a moderation-track referendum).
		type AppealOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Held from a creator who appeals, until the ruling.
		#[pallet::constant]
		type AppealDeposit: Get<Balance>;

		/// The share of a forfeited deposit paid to whoever proves an upload inconsistent
		/// ([`Pallet::report_inconsistent`]); the rest is burned.
		#[pallet::constant]
		type ReporterShare: Get<Perbill>;

		/// Deposit for a registration.
		#[pallet::constant]
		type DepositBase: Get<Balance>;

		/// Deposit per shard registered (the chain state it takes).
		#[pallet::constant]
		type DepositPerShard: Get<Balance>;

		/// Deposit per MiB that masternodes store for the content (every shard's bytes), so
		/// that storage is paid by the byte.
		#[pallet::constant]
		type DepositPerMiB: Get<Balance>;

		/// Challenges are drawn every this many blocks.
		#[pallet::constant]
		type AuditPeriod: Get<BlockNumberFor<Self>>;

		/// Challenges drawn each time.
		#[pallet::constant]
		type AuditsPerPeriod: Get<u32>;

		/// Blocks a masternode has to answer a challenge.
		#[pallet::constant]
		type AuditDeadline: Get<BlockNumberFor<Self>>;

		/// Misses inside one grace window that retire a masternode.
		#[pallet::constant]
		type MaxMisses: Get<u32>;

		/// Blocks from a masternode's first miss during which its misses count together and it
		/// gets no new placements.
		#[pallet::constant]
		type GraceWindow: Get<BlockNumberFor<Self>>;

		/// The share of its bond a retired masternode loses.
		#[pallet::constant]
		type MissSlash: Get<Perbill>;

		/// Shards moved off leaving masternodes per block, at most.
		#[pallet::constant]
		type MaxReassignPerBlock: Get<u32>;

		/// Most removed contents whose segments wait to be forgotten.
		#[pallet::constant]
		type MaxPurging: Get<u32>;

		/// Segments of removed content forgotten per block, at most.
		#[pallet::constant]
		type MaxPurgePerBlock: Get<u32>;

		/// Weights of this pallet's calls and hooks.
		type WeightInfo: WeightInfo;
	}

	/// Every registered content, by id.
	#[pallet::storage]
	pub type Contents<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		ContentId,
		ContentInfo<T::AccountId, BlockNumberFor<T>>,
		OptionQuery,
	>;

	/// Content awaiting a verdict (pending or needing review), so that the moderation set finds
	/// it (`ContentApi::pending`) without a scan of all content. Kept with [`Contents`]: an entry
	/// exactly while the content's status is `Pending` or `NeedsReview`.
	#[pallet::storage]
	pub type Awaiting<T: Config> =
		CountedStorageMap<_, Blake2_128Concat, ContentId, (), OptionQuery>;

	/// Open appeals, by content.
	#[pallet::storage]
	pub type Appeals<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		ContentId,
		types::Appeal<T::AccountId, BlockNumberFor<T>>,
		OptionQuery,
	>;

	/// The moderation track's final rulings, by content.
	#[pallet::storage]
	pub type Rulings<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		ContentId,
		types::Ruling<T::AccountId, BlockNumberFor<T>>,
		OptionQuery,
	>;

	/// Content whose manifest pages are still arriving.
	#[pallet::storage]
	pub type Uploads<T: Config> = StorageMap<_, Blake2_128Concat, ContentId, Upload, OptionQuery>;

	/// Removed content whose segments are still to be forgotten, oldest first.
	#[pallet::storage]
	pub type Purging<T: Config> =
		StorageValue<_, BoundedVec<types::Purge<T::AccountId>, T::MaxPurging>, ValueQuery>;

	/// The shards of each segment: sizes, hashes and holders.
	#[pallet::storage]
	pub type Segments<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		ContentId,
		Twox64Concat,
		u32,
		SegmentInfo<T::AccountId>,
		OptionQuery,
	>;

	/// What each masternode holds: (content, segment) → shard. At most one shard of a segment
	/// per masternode.
	#[pallet::storage]
	pub type Holdings<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		T::AccountId,
		Blake2_128Concat,
		(ContentId, u32),
		u8,
		OptionQuery,
	>;

	/// The bytes of shards placed on each masternode: the sum of the shard lengths of its
	/// [`Holdings`]. Placement leaves out nodes this would take past their capacity.
	#[pallet::storage]
	pub type StoredBytes<T: Config> = StorageMap<_, Twox64Concat, T::AccountId, u64, ValueQuery>;

	/// Published content, densely indexed, for drawing audits.
	#[pallet::storage]
	pub type Published<T: Config> = StorageMap<_, Twox64Concat, u32, ContentId, OptionQuery>;

	/// The index of each published content in [`Published`].
	#[pallet::storage]
	pub type PublishedIndex<T: Config> =
		StorageMap<_, Blake2_128Concat, ContentId, u32, OptionQuery>;

	/// How many contents are published.
	#[pallet::storage]
	pub type PublishedCount<T: Config> = StorageValue<_, u32, ValueQuery>;

	/// Open audits, by id.
	#[pallet::storage]
	pub type Audits<T: Config> =
		StorageMap<_, Twox64Concat, u64, Audit<T::AccountId, BlockNumberFor<T>>, OptionQuery>;

	/// The id of the next audit.
	#[pallet::storage]
	pub type NextAudit<T: Config> = StorageValue<_, u64, ValueQuery>;

	/// The audits whose deadline is each block.
	#[pallet::storage]
	pub type AuditsDue<T: Config> = StorageMap<
		_,
		Twox64Concat,
		BlockNumberFor<T>,
		BoundedVec<u64, T::AuditsPerPeriod>,
		ValueQuery,
	>;

	/// Audits each masternode missed in a row.
	#[pallet::storage]
	pub type Misses<T: Config> = StorageMap<_, Twox64Concat, T::AccountId, u32, ValueQuery>;

	/// The block each masternode's current grace window opened (its first miss in it). While
	/// the window is open the node gets no new placements; after it, the next miss opens a new
	/// one.
	#[pallet::storage]
	pub type MissWindow<T: Config> =
		StorageMap<_, Twox64Concat, T::AccountId, BlockNumberFor<T>, OptionQuery>;

	/// Masternodes that left service whose shards are still to move, oldest first.
	#[pallet::storage]
	pub type Departing<T: Config> =
		StorageValue<_, BoundedVec<T::AccountId, T::MaxDeparting>, ValueQuery>;

	/// The key of each content waiting for a verdict, sealed to the moderation set; dropped once
	/// the content is approved, rejected or removed.
	#[pallet::storage]
	pub type SealedKeys<T: Config> =
		StorageMap<_, Blake2_128Concat, ContentId, KeyRelease, OptionQuery>;

	/// The members' scores behind each content's last certificate (see
	/// [`Pallet::submit_verdict`]); forgotten with the content.
	#[pallet::storage]
	pub type MemberScores<T: Config> =
		StorageMap<_, Blake2_128Concat, ContentId, Scores, OptionQuery>;

	/// Whether new registrations are halted.
	#[pallet::storage]
	pub type Halted<T: Config> = StorageValue<_, bool, ValueQuery>;

	/// Content proven not to be one codeword ([`Pallet::report_inconsistent`]), and the block
	/// of the proof: it was taken down and may never be registered again. One entry costs its
	/// creator the whole deposit.
	#[pallet::storage]
	pub type ProvenInconsistent<T: Config> =
		StorageMap<_, Blake2_128Concat, ContentId, BlockNumberFor<T>, OptionQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// `reporter` proved that `content`'s shards are not one codeword (chunk `chunk` of
		/// segment `segment`): it was taken down for good, and its creator's deposit forfeit,
		/// `reward` of it paid to the reporter and the rest burned.
		InconsistentUploadProven {
			content: ContentId,
			segment: u32,
			chunk: u32,
			creator: T::AccountId,
			reporter: T::AccountId,
			forfeited: Balance,
			reward: Balance,
		},
		/// `creator` registered `content` (`segments` segments of `n` shards, any `k` rebuild
		/// one), holding `deposit`; it is pending moderation.
		ContentRegistered {
			content: ContentId,
			creator: T::AccountId,
			segments: u32,
			k: u8,
			n: u8,
			deposit: Balance,
		},
		/// A certificate of `signers` members of the era's moderation set recorded `verdict` on
		/// `content`, reached with `model_hash`.
		VerdictRecorded {
			content: ContentId,
			verdict: Verdict,
			model_hash: ModelHash,
			era: u32,
			signers: u32,
		},
		/// `content` is approved and public.
		ContentPublished { content: ContentId },
		/// The creator removed `content`; `deposit` is released (zero when the content is longer
		/// than a page: then when it is purged).
		ContentRemoved { content: ContentId, deposit: Balance },
		/// `node` must prove it holds chunk `chunk` of shard `shard` of segment `segment` of
		/// `content` by block `deadline`.
		AuditIssued {
			audit: u64,
			node: T::AccountId,
			content: ContentId,
			segment: u32,
			shard: u8,
			chunk: u32,
			deadline: BlockNumberFor<T>,
		},
		/// `node` answered audit `audit` with a valid proof.
		AuditPassed { audit: u64, node: T::AccountId },
		/// `node` missed audit `audit`: `misses` in its current grace window.
		AuditMissed { audit: u64, node: T::AccountId, misses: u32 },
		/// The creator `appellant` appealed the moderation of `content` to the moderation track,
		/// holding `deposit`.
		Appealed { content: ContentId, appellant: T::AccountId, deposit: Balance },
		/// The moderation track ruled `verdict` on `content`, for good; the appeal deposit of
		/// `appellant` (if it appealed) was returned or burned.
		Ruled {
			content: ContentId,
			verdict: Verdict,
			appellant: Option<T::AccountId>,
			deposit_returned: bool,
		},
		/// `appellant`'s appeal of `content` closed without a ruling because a certificate
		/// decided it; the deposit was returned.
		AppealClosed { content: ContentId, appellant: T::AccountId },
		/// `node` missed an audit and gets no new placements until block `until`; another miss
		/// before then retires it with a slash.
		MasternodeSuspended { node: T::AccountId, until: BlockNumberFor<T> },
		/// Shard `shard` of segment `segment` of `content` moved from `from`, which left
		/// service, to `to`, which must rebuild it from `k` other holders.
		ShardReassigned {
			content: ContentId,
			segment: u32,
			shard: u8,
			from: T::AccountId,
			to: T::AccountId,
		},
		/// No masternode in service could take the shard: every one already holds a shard of
		/// the segment. It stays listed with `from` until the creator re-registers.
		ShardUnplaced { content: ContentId, segment: u32, shard: u8, from: T::AccountId },
		/// New registrations are halted (`true`) or resumed (`false`).
		HaltSet { halted: bool },
		/// The key of `content` was released to the `members` members of the moderation set of
		/// `era`, sealed to each one's moderation key.
		KeysReleased { content: ContentId, era: u32, members: u32 },
		/// `appellant` removed `content` while its appeal was open: the appeal is withdrawn and
		/// its deposit (`burned`) burned.
		AppealWithdrawn { content: ContentId, appellant: T::AccountId, burned: Balance },
		/// Page `page` of `content` (`segments` segments) is in and placed.
		PageAdded { content: ContentId, page: u32, segments: u32 },
		/// Every page of `content` is in: it is pending moderation.
		ContentUploaded { content: ContentId },
		/// The last segments of removed `content` are forgotten; `deposit` (held until then for
		/// content longer than a page) is released.
		ContentPurged { content: ContentId, deposit: Balance },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// New registrations are halted by an emergency referendum.
		Halted,
		/// The manifest's version is not the one this chain accepts.
		UnknownManifestVersion,
		/// The media type is empty or not printable ASCII.
		BadMediaType,
		/// `k` must be at least 2.
		KTooSmall,
		/// `k` is larger than `n`.
		KGreaterThanN,
		/// `n` is above the most shards per segment.
		TooManyShards,
		/// More segments than a manifest may list.
		TooManySegments,
		/// The content or one of its segments is empty.
		EmptyContent,
		/// The manifest's page hashes are not as many as its segments need.
		PageCountMismatch,
		/// A segment does not list exactly `n` shards.
		ShardCountMismatch,
		/// A shard length is zero or too large.
		BadShardLength,
		/// Fewer masternodes are in service than `n`: the shards of a segment cannot all go to
		/// different nodes.
		NotEnoughMasternodes,
		/// This manifest is registered already.
		AlreadyRegistered,
		/// This content was proven not to be one codeword and may not be registered again.
		ProvenInconsistent,
		/// The chunks given are a codeword: nothing is proven (or they cannot be checked: a
		/// chunk or proof for every one of the segment's `n` shards is needed).
		CodewordHolds,
		/// Not one chunk and one proof for each of the segment's `n` shards.
		WrongChunkCount,
		/// The content has no such segment, or its shards no such chunk.
		UnknownChunk,
		/// The creator cannot hold the deposit.
		InsufficientDeposit,
		/// Only content that needs review or was rejected can be appealed or ruled on.
		NotAppealable,
		/// The content has an open appeal already.
		AlreadyAppealed,
		/// The moderation track has ruled on this content; its ruling is final.
		AlreadyRuled,
		/// A ruling approves or rejects; "needs review" is no ruling.
		NotAFinalVerdict,
		/// An appeal or ruling must say why.
		EmptyReason,
		/// The reason is longer than 512 bytes.
		ReasonTooLong,
		/// No content has this id.
		UnknownContent,
		/// The content was approved or rejected already.
		AlreadyDecided,
		/// The certificate is for another era than the current one.
		WrongEra,
		/// There is no moderation set.
		NoModerationSet,
		/// A key signed twice.
		DuplicateSigner,
		/// A key is not a member of the current moderation set.
		NotInModerationSet,
		/// A signature does not verify over the statement (wrong content, verdict, model or
		/// era, or a forged signature).
		BadSignature,
		/// Fewer members signed than the quorum.
		TooFewSigners,
		/// Only the creator may do this.
		NotCreator,
		/// A score is of a key outside the moderation set, of one member twice, or above one
		/// million parts per million.
		BadScores,
		/// The witness is below the content's segments × `n`.
		BadWitness,
		/// No open audit has this id (answered, expired or never issued).
		UnknownAudit,
		/// The audit is for another masternode.
		NotAuditee,
		/// The chunk or its proof does not match the shard hash.
		InvalidProof,
		/// Only the creator or a member of the current moderation set may release the key.
		NotCreatorOrModerator,
		/// The key is released to the current set already: only the creator may replace it.
		AlreadyReleased,
		/// A member's key is sealed twice.
		DuplicateSealedKey,
		/// The sealed keys leave out a member of the current moderation set.
		MissingSealedKey,
		/// A segment's shard length is not what its plaintext size encodes to.
		ShardLengthMismatch,
		/// Too few masternodes in service have room left for a shard of every segment.
		NotEnoughCapacity,
		/// A page does not hold the segments its index calls for.
		PageLengthMismatch,
		/// A page does not hash to the manifest's hash for it.
		PageHashMismatch,
		/// A duration does not fit the packaging (bytes have none, a CMAF init segment none,
		/// every CMAF fragment one).
		BadDuration,
		/// The segments' sizes or durations do not add up to the manifest's totals.
		TotalsMismatch,
		/// The content has every page already.
		NotUploading,
		/// Pages come in order: this is not the next one.
		WrongPage,
		/// The content was removed and its segments are still being forgotten.
		StillPurging,
		/// Too many removed contents are waiting to be forgotten; try again in a few blocks.
		PurgeQueueFull,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			let expired = Self::expire_audits(now);
			let mut weight = T::WeightInfo::expire_audits(expired);
			if Self::is_audit_block(now) {
				let drawn = Self::issue_audits(now, T::AuditsPerPeriod::get());
				weight.saturating_accrue(T::WeightInfo::issue_audits(drawn));
			}
			let (moved, nodes) = Self::reassign_some(T::MaxReassignPerBlock::get());
			weight.saturating_accrue(T::WeightInfo::reassign(moved, nodes));
			let (visited, purged) = Self::purge_some(T::MaxPurgePerBlock::get());
			weight.saturating_accrue(T::DbWeight::get().reads(1));
			if visited > 0 {
				// Each segment visited is at least a read and a write, as a shard is.
				weight.saturating_accrue(T::WeightInfo::remove(purged.max(visited)));
				weight.saturating_accrue(T::DbWeight::get().reads_writes(2, 3));
			}
			weight
		}

		fn integrity_test() {
			assert!(T::AuditsPerPeriod::get() > 0, "audits must be drawn");
			assert!(T::MaxReassignPerBlock::get() > 0, "departures must be handled");
			assert!(T::MaxPurgePerBlock::get() > 0, "removed content must be forgotten");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_now: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::check_awaiting()?;
			Self::check_stored_bytes()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Register content by its `manifest` and the manifest's first `page` of segments,
		/// priced by `pricing`: hold the deposit for all of it, place the page's shards on
		/// masternodes in service. Content of one page is pending moderation at once; longer
		/// content is uploading until [`Pallet::add_page`] brings the other pages. Emits
		/// [`Event::ContentRegistered`] and [`Event::PageAdded`] (and
		/// [`Event::ContentUploaded`] when it is complete).
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register(
			Pallet::<T>::charged_shards(page.len() as u32, manifest.n),
			T::MaxDeparting::get(),
		).saturating_add(Pallet::<T>::awaiting_index_weight())
			.saturating_add(T::DbWeight::get().reads_writes(2, 1)))]
		pub fn register(
			origin: OriginFor<T>,
			manifest: Manifest,
			page: Page,
			pricing: Pricing,
		) -> DispatchResultWithPostInfo {
			let creator = ensure_signed(origin)?;
			ensure!(!Halted::<T>::get(), Error::<T>::Halted);
			manifest.check().map_err(Error::<T>::from)?;
			let charged = Self::charged_shards(page.len() as u32, manifest.n);
			let id = manifest.content_id();
			ensure!(!Contents::<T>::contains_key(id), Error::<T>::AlreadyRegistered);
			ensure!(!ProvenInconsistent::<T>::contains_key(id), Error::<T>::ProvenInconsistent);
			// Content removed after a ruling stays ruled: the same bytes under the same key
			// cannot come back as pending and wait for a decision that was made.
			ensure!(!Rulings::<T>::contains_key(id), Error::<T>::AlreadyRuled);
			ensure!(!Self::is_purging(&id), Error::<T>::StillPurging);
			let in_service = T::Masternodes::active().len();
			ensure!(in_service >= usize::from(manifest.n), Error::<T>::NotEnoughMasternodes);
			let deposit = Self::deposit_for(&manifest);
			T::Currency::hold(&HoldReason::ContentDeposit.into(), &creator, deposit)
				.map_err(|_| Error::<T>::InsufficientDeposit)?;
			let totals = Self::place_page(id, &manifest, 0, &page)?;
			Self::within_totals(&manifest, page.len() as u32, totals.plain, totals.duration)?;
			let mut info = ContentInfo {
				creator: creator.clone(),
				version: manifest.version,
				k: manifest.k,
				n: manifest.n,
				segments: manifest.segments,
				total_size: manifest.total_size,
				duration: manifest.duration,
				packaging: manifest.packaging,
				key_commitment: Some(manifest.key_commitment),
				v1_segment_size: None,
				media_type: manifest.media_type.clone(),
				metadata_hash: manifest.metadata_hash,
				pricing,
				status: Status::Uploading,
				decision: None,
				registered_at: frame_system::Pallet::<T>::block_number(),
				deposit,
			};
			Self::deposit_event(Event::ContentRegistered {
				content: id,
				creator,
				segments: manifest.segments,
				k: manifest.k,
				n: manifest.n,
				deposit,
			});
			Self::deposit_event(Event::PageAdded {
				content: id,
				page: 0,
				segments: page.len() as u32,
			});
			if manifest.pages.len() == 1 {
				Self::complete(id, &mut info, totals.plain, totals.duration)?;
			} else {
				Uploads::<T>::insert(
					id,
					Upload {
						pages: manifest.pages,
						next: 1,
						plain: totals.plain,
						duration: totals.duration,
					},
				);
			}
			Contents::<T>::insert(id, info);
			Ok(Some(
				T::WeightInfo::register(charged, in_service as u32)
					.saturating_add(Self::awaiting_index_weight())
					.saturating_add(T::DbWeight::get().reads_writes(2, 1)),
			)
			.into())
		}

		/// Add page `index` of uploading `content` (creator only; pages come in order): check it
		/// against the manifest's hash for it and place its shards. After the last page the
		/// totals are checked and the content is pending moderation. Emits
		/// [`Event::PageAdded`] (and [`Event::ContentUploaded`]).
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::register(
			Pallet::<T>::charged_page_shards(page),
			T::MaxDeparting::get(),
		).saturating_add(Pallet::<T>::awaiting_index_weight()))]
		pub fn add_page(
			origin: OriginFor<T>,
			content: ContentId,
			index: u32,
			page: Page,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(!Halted::<T>::get(), Error::<T>::Halted);
			Self::do_add_page(who, content, index, &page)
		}

		/// Record the moderation set's `verdict` on `content`, reached with `model_hash` in
		/// `era` from the members' `scores` (each voting member's own, in the set's order),
		/// certified by `signatures` of at least a quorum of the current set's members over all
		/// of it. The scores are kept ([`MemberScores`]) so that anyone can check the verdict
		/// against the model.
		/// Anyone may submit it. Emits [`Event::VerdictRecorded`], and
		/// [`Event::ContentPublished`] on approval.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::submit_verdict(signatures.len() as u32)
			.saturating_add(Pallet::<T>::awaiting_index_weight())
			// The scores, kept with the decision.
			.saturating_add(T::DbWeight::get().writes(1)))]
		pub fn submit_verdict(
			origin: OriginFor<T>,
			content: ContentId,
			verdict: Verdict,
			model_hash: ModelHash,
			era: u32,
			scores: Scores,
			signatures: Signatures,
		) -> DispatchResult {
			ensure_signed(origin)?;
			let mut info = Contents::<T>::get(content).ok_or(Error::<T>::UnknownContent)?;
			ensure!(
				matches!(info.status, Status::Pending | Status::NeedsReview),
				Error::<T>::AlreadyDecided
			);
			let statement =
				VerdictStatement { content, verdict, model_hash, era, scores: scores.to_vec() };
			let signers = certificate::check::<T>(&statement, &signatures)?;
			MemberScores::<T>::insert(content, scores);
			let count = signers.len() as u32;
			info.status = match verdict {
				Verdict::Approve => Status::Approved,
				Verdict::Reject => Status::Rejected,
				Verdict::NeedsReview => Status::NeedsReview,
			};
			info.decision = Some(Decision { verdict, model_hash, era, signers: count });
			Contents::<T>::insert(content, info);
			if verdict != Verdict::NeedsReview {
				SealedKeys::<T>::remove(content);
				Awaiting::<T>::remove(content);
				Self::close_appeal(content);
			}
			for who in &signers {
				T::Rewards::moderated(who);
			}
			Self::deposit_event(Event::VerdictRecorded {
				content,
				verdict,
				model_hash,
				era,
				signers: count,
			});
			if verdict == Verdict::Approve {
				audit::publish::<T>(content);
				Self::deposit_event(Event::ContentPublished { content });
			}
			Ok(())
		}

		/// Remove `content` (creator only, in any state): forget it, its placement and its
		/// first [`PAGE_SEGMENTS`] segments, queue the rest of the segments placed to be
		/// forgotten over the next blocks ([`purge`]), and release the deposit — once every
		/// segment is forgotten, for content longer than a page. A ruling on it stays on record; an open appeal
		/// is withdrawn and its deposit burned ([`Event::AppealWithdrawn`]). `shards` is a
		/// witness: at least the shards of those first segments (segments × `n`, at most
		/// 8,192). Emits [`Event::ContentRemoved`] (and [`Event::ContentPurged`] once every
		/// segment is forgotten).
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::remove(*shards)
			.saturating_add(Pallet::<T>::awaiting_index_weight())
			.saturating_add(T::DbWeight::get().reads_writes(2, 2)))]
		pub fn remove(
			origin: OriginFor<T>,
			content: ContentId,
			shards: u32,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let info = Contents::<T>::get(content).ok_or(Error::<T>::UnknownContent)?;
			ensure!(info.creator == who, Error::<T>::NotCreator);
			let charged = Self::check_witness(&info, shards)?;
			let (queued, deposit) = Self::take_down(content, &info, info.deposit)?;
			Self::deposit_event(Event::ContentRemoved { content, deposit });
			if !queued {
				Self::deposit_event(Event::ContentPurged { content, deposit });
			}
			Ok(Some(T::WeightInfo::remove(charged)).into())
		}

		/// Answer audit `audit` with chunk `data` of the shard and its BLAKE3 `proof` (sibling
		/// chaining values, root first). Only the masternode audited, before the deadline.
		/// Emits [`Event::AuditPassed`]; a wrong proof fails and changes nothing.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::prove())]
		pub fn prove(
			origin: OriginFor<T>,
			audit: u64,
			data: BoundedVec<u8, MaxChunkLen>,
			proof: BoundedVec<[u8; 32], MaxProofLen>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			audit::prove::<T>(who, audit, &data, &proof)
		}

		/// Prove that the shards of `segment` of `content` are not one Reed-Solomon codeword:
		/// `chunks` holds chunk `chunk` of every one of the segment's `n` shards, in shard order,
		/// and `proofs` their BLAKE3 proofs against the manifest's shard hashes. Anyone may
		/// submit it (a reviewer or a repairing masternode that found the upload inconsistent).
		///
		/// The shard hashes are the creator's own, so such an upload is the creator's doing: it
		/// could show reviewers one thing and viewers another, and get honest holders failing
		/// audits. It is taken down as [`Pallet::remove`] would, its id may never be registered
		/// again, and the creator's deposit is forfeit: [`Config::ReporterShare`] to the caller,
		/// the rest burned. `shards` is the same weight witness as `remove`'s. Emits
		/// [`Event::InconsistentUploadProven`]. Chunks that are a codeword fail with
		/// [`Error::CodewordHolds`] and change nothing.
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::report_inconsistent(chunks.len() as u32)
			.saturating_add(T::WeightInfo::remove(*shards))
			.saturating_add(Pallet::<T>::awaiting_index_weight())
			.saturating_add(T::DbWeight::get().reads_writes(2, 3)))]
		pub fn report_inconsistent(
			origin: OriginFor<T>,
			content: ContentId,
			segment: u32,
			chunk: u32,
			chunks: BoundedVec<BoundedVec<u8, MaxChunkLen>, ConstU32<MAX_SHARDS>>,
			proofs: BoundedVec<BoundedVec<[u8; 32], MaxProofLen>, ConstU32<MAX_SHARDS>>,
			shards: u32,
		) -> DispatchResultWithPostInfo {
			let reporter = ensure_signed(origin)?;
			let n = chunks.len() as u32;
			let charged = fraud::prove_inconsistent::<T>(
				reporter, content, segment, chunk, &chunks, &proofs, shards,
			)?;
			Ok(Some(
				T::WeightInfo::report_inconsistent(n)
					.saturating_add(T::WeightInfo::remove(charged)),
			)
			.into())
		}

		/// Halt (`true`) or resume (`false`) new registrations. Emergency origin. Emits
		/// [`Event::HaltSet`].
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::set_halted())]
		pub fn set_halted(origin: OriginFor<T>, halted: bool) -> DispatchResult {
			T::HaltOrigin::ensure_origin(origin)?;
			Halted::<T>::put(halted);
			Self::deposit_event(Event::HaltSet { halted });
			Ok(())
		}

		/// Release the key of `content`, which waits for a verdict, to the moderation set of the
		/// current `era`: `keys` holds it sealed (`pop_codec::seal`, bound to the content and
		/// the era) to each member's moderation key, once each and to no one else. The creator
		/// calls it after [`Pallet::register`] (and may replace its release at any time); a
		/// member of the current set calls it to re-seal content still pending when the set
		/// changed, only while no release covers the current set. Charged for the largest set,
		/// refunded to the actual one. Emits [`Event::KeysReleased`].
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::release_keys(<MaxSealedKeys as Get<u32>>::get()))]
		pub fn release_keys(
			origin: OriginFor<T>,
			content: ContentId,
			era: u32,
			keys: BoundedVec<SealedKey, MaxSealedKeys>,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let members = keys::release::<T>(&who, content, era, keys)?;
			Self::deposit_event(Event::KeysReleased { content, era, members });
			Ok(Some(T::WeightInfo::release_keys(members)).into())
		}

		/// Appeal the moderation of `content` (its creator only) to the moderation governance
		/// track: content the moderation set left for review or rejected. `reason` (1 to 512
		/// bytes of UTF-8) says why; [`Config::AppealDeposit`] is held until the ruling, and
		/// returned if the track publishes the content. One open appeal per content; a ruling
		/// is final. Emits [`Event::Appealed`].
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::appeal())]
		pub fn appeal(origin: OriginFor<T>, content: ContentId, reason: Vec<u8>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_appeal(who, content, reason)
		}

		/// Rule `verdict` (approve or reject) on `content` that needs review or was rejected,
		/// appealed or not, saying why in `reason` (1 to 512 bytes). Only a passed referendum on
		/// the moderation track (or root). Final: approval publishes the content and returns
		/// the appeal deposit, rejection burns it. Emits [`Event::Ruled`], and
		/// [`Event::ContentPublished`] on approval.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::rule())]
		pub fn rule(
			origin: OriginFor<T>,
			content: ContentId,
			verdict: Verdict,
			reason: Vec<u8>,
		) -> DispatchResult {
			T::AppealOrigin::ensure_origin(origin)?;
			Self::do_rule(content, verdict, reason)
		}
	}

	impl<T: Config> From<ManifestError> for Error<T> {
		fn from(e: ManifestError) -> Self {
			match e {
				ManifestError::UnknownVersion => Error::UnknownManifestVersion,
				ManifestError::BadMediaType => Error::BadMediaType,
				ManifestError::KTooSmall => Error::KTooSmall,
				ManifestError::KGreaterThanN => Error::KGreaterThanN,
				ManifestError::TooManyShards => Error::TooManyShards,
				ManifestError::Empty => Error::EmptyContent,
				ManifestError::TooManySegments => Error::TooManySegments,
				ManifestError::PageCountMismatch => Error::PageCountMismatch,
				ManifestError::PageLengthMismatch => Error::PageLengthMismatch,
				ManifestError::PageHashMismatch => Error::PageHashMismatch,
				ManifestError::ShardCountMismatch => Error::ShardCountMismatch,
				ManifestError::BadShardLength => Error::BadShardLength,
				ManifestError::ShardLengthMismatch => Error::ShardLengthMismatch,
				ManifestError::BadDuration => Error::BadDuration,
				ManifestError::TotalsMismatch => Error::TotalsMismatch,
			}
		}
	}

	impl<T: Config> Pallet<T> {
		/// The masternodes shards may go to, with their regions: those in service and not
		/// suspended — unless fewer than `needed` are, when suspended ones are taken too (a
		/// small network would otherwise refuse every upload while one node is in its grace
		/// window, and a suspended node is still bonded and audited).
		pub fn placement_candidates(
			needed: usize,
			per_node: u64,
		) -> Vec<(T::AccountId, pallet_masternodes::Region)> {
			let now = frame_system::Pallet::<T>::block_number();
			let active: Vec<_> = T::Masternodes::active()
				.into_iter()
				.filter(|(who, _)| {
					StoredBytes::<T>::get(who).saturating_add(per_node)
						<= T::Masternodes::capacity(who)
				})
				.collect();
			let good: Vec<_> = active
				.iter()
				.filter(|(who, _)| Self::suspended_until(who, now).is_none())
				.cloned()
				.collect();
			if good.len() >= needed {
				good
			} else {
				active
			}
		}

		/// The block until which `who` gets no new placements, if its grace window is open at
		/// `now`.
		pub fn suspended_until(
			who: &T::AccountId,
			now: BlockNumberFor<T>,
		) -> Option<BlockNumberFor<T>> {
			let until = MissWindow::<T>::get(who)?.saturating_add(T::GraceWindow::get());
			(now < until).then_some(until)
		}

		/// The deposit for registering `manifest`: a base, the chain state its shards take, and
		/// the bytes masternodes store for it (the most its totals allow, within two bytes a
		/// shard of the exact figure, rounded up to a whole MiB).
		pub fn deposit_for(manifest: &Manifest) -> Balance {
			let shards = u128::from(manifest.segments) * u128::from(manifest.n);
			let mib = u128::from(manifest.stored_bytes_bound()).div_ceil(1 << 20);
			T::DepositBase::get()
				.saturating_add(T::DepositPerShard::get().saturating_mul(shards))
				.saturating_add(T::DepositPerMiB::get().saturating_mul(mib))
		}

		/// `bytes` of `who`'s placements are gone.
		pub(crate) fn release_bytes(who: &T::AccountId, bytes: u32) {
			StoredBytes::<T>::mutate_exists(who, |b| {
				let left = b.unwrap_or(0).saturating_sub(u64::from(bytes));
				*b = (left > 0).then_some(left);
			});
		}

		/// The shards a page of `segments` segments of `n` shards is charged for, counting `n`
		/// as at least 8 (the benchmark's `n`), so that segments with few shards are not
		/// undercharged.
		pub(crate) fn charged_shards(segments: u32, n: u8) -> u32 {
			segments.saturating_mul(u32::from(n).max(8))
		}

		/// The shards a page's registration is charged for, from the page itself: each
		/// segment's shards as it lists them, at least 8. A page is checked to list the
		/// manifest's `n` for every segment before anything is written, so a valid page pays
		/// for what it places, and an invalid one for no more than it claimed. (Charging every
		/// segment for [`pop_primitives::content::MAX_SHARDS`] priced a full page of a 6-shard
		/// content above what a block holds, and long media could not be registered.)
		pub fn charged_page_shards(page: &[SegmentManifest]) -> u32 {
			page.iter().map(|s| (s.shards.len() as u32).max(8)).sum()
		}

		/// Whether challenges are drawn at `now`.
		pub(crate) fn is_audit_block(now: BlockNumberFor<T>) -> bool {
			let period = T::AuditPeriod::get();
			!period.is_zero() && (now % period).is_zero()
		}
	}
}

impl<T: Config> Pallet<T> {
	/// What keeping [`Awaiting`] costs a call on top of its benchmarked weight: the entry and the
	/// map's counter (read and written). The weights in `weights.rs` were measured before the
	/// index existed; `scripts/bench-weights content` measures it with the rest.
	pub fn awaiting_index_weight() -> frame_support::weights::Weight {
		use frame_support::traits::Get;
		T::DbWeight::get().reads_writes(1, 2)
	}

	/// [`Awaiting`] holds exactly the content whose status awaits a verdict, and its counter
	/// matches: the invariant `try_state` checks and the v1 migration establishes.
	#[cfg(any(feature = "try-runtime", test))]
	pub fn check_awaiting() -> Result<(), sp_runtime::TryRuntimeError> {
		let mut awaiting = 0u32;
		for (id, info) in Contents::<T>::iter() {
			let waits = matches!(info.status, types::Status::Pending | types::Status::NeedsReview);
			frame_support::ensure!(
				waits == Awaiting::<T>::contains_key(id),
				"Awaiting disagrees with a content's status"
			);
			awaiting += u32::from(waits);
		}
		frame_support::ensure!(
			Awaiting::<T>::iter_keys().all(Contents::<T>::contains_key),
			"Awaiting lists content that does not exist"
		);
		frame_support::ensure!(Awaiting::<T>::count() == awaiting, "Awaiting's counter is off");
		Ok(())
	}

	/// [`StoredBytes`] of each masternode is the sum of the shard lengths of its
	/// [`Holdings`]: the invariant `try_state` checks and the v2 migration establishes.
	#[cfg(any(feature = "try-runtime", test))]
	pub fn check_stored_bytes() -> Result<(), sp_runtime::TryRuntimeError> {
		let mut totals: alloc::collections::BTreeMap<T::AccountId, u64> = Default::default();
		for (who, (content, segment), _) in Holdings::<T>::iter() {
			let len = Segments::<T>::get(content, segment).map_or(0, |s| s.shard_len);
			*totals.entry(who).or_default() += u64::from(len);
		}
		let stored: alloc::collections::BTreeMap<T::AccountId, u64> =
			StoredBytes::<T>::iter().collect();
		frame_support::ensure!(
			totals
				.into_iter()
				.filter(|(_, b)| *b > 0)
				.collect::<alloc::collections::BTreeMap<_, _>>()
				== stored,
			"StoredBytes disagrees with the holdings"
		);
		Ok(())
	}
}
