//! What the chain records about content, its shards and its audits.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{traits::ConstU32, BoundedVec};
use pop_primitives::{
	content::{
		ContentId, MaxMediaTypeLen, MaxPages, MaxShards, ModelHash, Packaging, SealedKey,
		ShardHash, Verdict,
	},
	Balance,
};
use scale_info::TypeInfo;

/// Most signatures a certificate carries (the moderation set has at most 31 members).
pub type MaxSignatures = ConstU32<64>;
/// Most sealed keys a release carries: one per member of the moderation set.
pub type MaxSealedKeys = ConstU32<64>;

/// A pending content's key, sealed to each member of the moderation set of `era`.
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct KeyRelease {
	/// The era the keys were sealed in (the seals are bound to it).
	pub era: u32,
	/// Whether the creator released them (else a member re-sealed them for a new set). A
	/// creator's key that does not open is the creator's fault and a reason to reject; a
	/// member's is that member's fault, and the set waits for a good one.
	pub by_creator: bool,
	/// One seal per member of that era's set.
	pub keys: BoundedVec<SealedKey, MaxSealedKeys>,
}

/// An ed25519 moderation key.
pub type ModerationKey = [u8; 32];
/// An ed25519 signature.
pub type Signature = [u8; 64];
/// The signatures of a verdict certificate: each member's key and its signature over the
/// [`pop_primitives::content::VerdictStatement`].
pub type Signatures = BoundedVec<(ModerationKey, Signature), MaxSignatures>;

/// The members' scores a certificate carries, at most one per member.
pub type Scores = BoundedVec<pop_primitives::content::MemberScore, MaxSignatures>;

/// How viewers pay for the content.
#[derive(
	Clone,
	Copy,
	Debug,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub enum Pricing {
	/// Free to watch.
	Free,
	/// This many LIT base units per segment, paid to the creator in nanopayments.
	PerSegment(Balance),
	/// The terms of a contract template instance (its id).
	Template(u32),
}

/// Where content stands.
#[derive(
	Clone,
	Copy,
	Debug,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub enum Status {
	/// Registered, waiting for the moderation set's verdict: not public.
	Pending,
	/// Approved by a certificate: published.
	Approved,
	/// Rejected by a certificate: never public.
	Rejected,
	/// The moderation set could not decide: people must look at it; a later certificate
	/// decides.
	NeedsReview,
	/// Registered, but not every page of its manifest is in yet: not reviewed, not public.
	Uploading,
}

/// The verdict a certificate recorded.
#[derive(
	Clone,
	Copy,
	Debug,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct Decision {
	/// The verdict.
	pub verdict: Verdict,
	/// The model (and preprocessing) it was reached with.
	pub model_hash: ModelHash,
	/// The era of the moderation set that signed it.
	pub era: u32,
	/// How many members signed.
	pub signers: u32,
}

/// A registered piece of content: its manifest without the page hashes (the segments are in
/// [`crate::Segments`]), and its state.
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct ContentInfo<AccountId, BlockNumber> {
	/// Who registered it.
	pub creator: AccountId,
	/// The manifest version it was registered with (1 before key commitments and pages).
	pub version: u8,
	/// Any `k` shards of a segment rebuild it.
	pub k: u8,
	/// Shards per segment.
	pub n: u8,
	/// Segments.
	pub segments: u32,
	/// Plaintext bytes in all.
	pub total_size: u64,
	/// Playing time in the packaging's timescale.
	pub duration: u64,
	/// How the plaintext is cut.
	pub packaging: Packaging,
	/// The commitment to the content key (none for version 1).
	pub key_commitment: Option<[u8; 32]>,
	/// The segment size a version-1 manifest declared (its id covers it); none after.
	pub v1_segment_size: Option<u32>,
	/// The media type.
	pub media_type: BoundedVec<u8, MaxMediaTypeLen>,
	/// The hash of the creator's metadata.
	pub metadata_hash: [u8; 32],
	/// How viewers pay.
	pub pricing: Pricing,
	/// Pending, approved, rejected or waiting for review.
	pub status: Status,
	/// The last certificate's verdict.
	pub decision: Option<Decision>,
	/// When it was registered.
	pub registered_at: BlockNumber,
	/// The POP held from the creator for the storage it takes.
	pub deposit: Balance,
}

/// One segment: its size and duration, and the hash and the holder of each shard.
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct SegmentInfo<AccountId> {
	/// Its plaintext bytes.
	pub plain_len: u32,
	/// Its playing time in the packaging's timescale.
	pub duration: u32,
	/// The length of every shard.
	pub shard_len: u32,
	/// The BLAKE3 hash of each shard, in shard order.
	pub shards: BoundedVec<ShardHash, MaxShards>,
	/// The masternode (owner account) holding each shard, in shard order.
	pub holders: BoundedVec<AccountId, MaxShards>,
}

/// A storage challenge: `node` must prove it holds chunk `chunk` of shard `shard` of segment
/// `segment` of `content` before `deadline`.
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct Audit<AccountId, BlockNumber> {
	/// The masternode challenged.
	pub node: AccountId,
	/// The content.
	pub content: ContentId,
	/// The segment.
	pub segment: u32,
	/// The shard.
	pub shard: u8,
	/// The 1 KiB chunk of the shard asked for.
	pub chunk: u32,
	/// The last block at which the answer counts.
	pub deadline: BlockNumber,
}

/// A shard a masternode must hold: what the runtime API tells `pop-masternode`.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct Assignment {
	/// The content.
	pub content: ContentId,
	/// The segment.
	pub segment: u32,
	/// The shard.
	pub shard: u8,
	/// Its hash.
	pub shard_hash: ShardHash,
	/// Its length.
	pub shard_len: u32,
}

/// A piece of content with its shards and their holders: what the runtime API returns.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct ContentView<AccountId, BlockNumber> {
	/// The content id.
	pub id: ContentId,
	/// What the chain records about it.
	pub info: ContentInfo<AccountId, BlockNumber>,
	/// Its segments, in order.
	pub segments: alloc::vec::Vec<SegmentInfo<AccountId>>,
}

/// Most bytes of an appeal's or a ruling's reason.
pub const MAX_REASON_LEN: u32 = 512;
/// Why someone appealed or decided: UTF-8 text (a link to the full argument fits).
pub type Reason = BoundedVec<u8, ConstU32<MAX_REASON_LEN>>;

/// A creator's appeal of content the moderation set left for review or rejected, waiting for
/// the moderation track.
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct Appeal<AccountId, BlockNumber> {
	/// The creator who appealed.
	pub appellant: AccountId,
	/// The POP held until the moderation track decides: returned if it publishes the content,
	/// burned if it rejects it.
	pub deposit: Balance,
	/// Why the creator appeals.
	pub reason: Reason,
	/// When.
	pub filed: BlockNumber,
}

/// Who decided content, when the moderation set's certificate was not the last word.
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub enum Ruler {
	/// A referendum on the moderation track (or root).
	Governance,
}

/// The final decision on content that needed review or was appealed.
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct Ruling<AccountId, BlockNumber> {
	/// Approve or reject.
	pub verdict: Verdict,
	/// Who decided.
	pub by: Ruler,
	/// Why.
	pub reason: Reason,
	/// When.
	pub at: BlockNumber,
	/// The creator whose appeal it answered, if any.
	pub appellant: Option<AccountId>,
}

/// What the chain records about content's review beyond the certificate: the open appeal and
/// the final ruling.
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct Review<AccountId, BlockNumber> {
	/// The appeal waiting for the moderation track.
	pub appeal: Option<Appeal<AccountId, BlockNumber>>,
	/// The moderation track's ruling.
	pub ruling: Option<Ruling<AccountId, BlockNumber>>,
}

/// Content whose manifest pages are still arriving.
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct Upload {
	/// The manifest's hash of each page.
	pub pages: BoundedVec<[u8; 32], MaxPages>,
	/// The next page expected (pages come in order).
	pub next: u32,
	/// Plaintext bytes of the pages in so far.
	pub plain: u64,
	/// Playing time of the pages in so far.
	pub duration: u64,
}

/// Removed content whose segments are still being forgotten, with the deposit held until they
/// are: the creator's POP stays locked while the content still takes room in the queue.
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct Purge<AccountId> {
	/// The content.
	pub content: ContentId,
	/// The next segment to forget.
	pub next: u32,
	/// One past the last segment placed.
	pub end: u32,
	/// The creator, whose deposit is released once every segment is forgotten.
	pub creator: AccountId,
	/// That deposit.
	pub deposit: Balance,
}
