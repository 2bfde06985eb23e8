//! The records the pallet keeps.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use core::fmt::Debug;
use frame_support::{BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound};
use scale_info::TypeInfo;
use sp_runtime::Perbill;

/// POP, in its smallest unit.
pub type Balance = u128;

/// An era: one session of `pallet-session`. Delegates are elected once per era.
pub type EraIndex = u32;

/// The ed25519 public key a superdelegate signs moderation verdicts with.
pub type ModerationKey = [u8; 32];

/// The tunables of SDPoS. Governance sets them with [`crate::Pallet::set_params`].
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	Clone,
	PartialEq,
	Eq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
	serde::Serialize,
	serde::Deserialize,
)]
#[serde(rename_all = "camelCase")]
pub struct SdposParams<BlockNumber> {
	/// How many delegates each election chooses (21 on a public network).
	pub num_delegates: u32,
	/// How many superdelegates form the moderation set (3f + 1).
	pub num_superdelegates: u32,
	/// The smallest self-bond of a delegate candidate.
	pub min_candidate_bond: Balance,
	/// The smallest bond of a superdelegate.
	pub min_superdelegate_bond: Balance,
	/// The smallest bond of a voter.
	pub min_voter_bond: Balance,
	/// Blocks per era; the delegates elected at the end of one era take over one era later.
	pub era_length: BlockNumber,
	/// Blocks that unbonded POP stays locked before it can be withdrawn.
	pub unbonding_period: BlockNumber,
	/// New POP minted per year for rewards, as a share of the total issuance.
	pub inflation: Perbill,
	/// The share of each era's rewards that goes to superdelegates, by verdicts certified.
	pub superdelegate_share: Perbill,
	/// The share of each era's rewards that goes to masternodes, by audits passed and bytes
	/// served.
	pub masternode_share: Perbill,
	/// The share of a delegate's backing slashed when it authors nothing through an era.
	pub offline_slash: Perbill,
}

/// A delegate candidate.
#[derive(
	Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen,
)]
pub struct CandidateInfo {
	/// The self-bond, held.
	pub bond: Balance,
	/// The share of the delegate's reward it keeps before its backers are paid.
	pub commission: Perbill,
	/// A chilled candidate stays registered but is not elected.
	pub chilled: bool,
}

/// A voter: POP bonded (frozen) and the candidates it approves.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
	TypeInfo,
	MaxEncodedLen,
)]
#[scale_info(skip_type_params(MaxVotes))]
pub struct VoterInfo<
	AccountId: Clone + PartialEq + Eq + Debug,
	MaxVotes: frame_support::traits::Get<u32>,
> {
	/// The bonded POP that counts in elections.
	pub active: Balance,
	/// The candidates it approves.
	pub votes: BoundedVec<AccountId, MaxVotes>,
}

/// What a bond that is being released was for.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum BondKind {
	/// A voter's bond (a freeze).
	Voter,
	/// A candidate's self-bond (a hold).
	Candidate,
	/// A superdelegate's bond (a hold).
	Superdelegate,
}

/// POP on its way out of a bond: locked until `unlock_at`.
#[derive(
	Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen,
)]
pub struct Release<BlockNumber> {
	/// The bond it comes from.
	pub kind: BondKind,
	/// How much.
	pub amount: Balance,
	/// The first block at which it can be withdrawn.
	pub unlock_at: BlockNumber,
}

/// Who backs an elected delegate in an era, and with how much.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
	TypeInfo,
	MaxEncodedLen,
)]
#[scale_info(skip_type_params(MaxBackers))]
pub struct Exposure<
	AccountId: Clone + PartialEq + Eq + Debug,
	MaxBackers: frame_support::traits::Get<u32>,
> {
	/// All the stake behind the delegate: its own bond and its voters' shares.
	pub total: Balance,
	/// The delegate's own bond.
	pub own: Balance,
	/// The largest voter shares (at most `MaxBackers`), largest first.
	pub others: BoundedVec<(AccountId, Balance), MaxBackers>,
}

pub use pop_primitives::network::{Addresses, MaxAddressLen, MaxAddresses, MaxPeerIdLen, PeerId};

/// A registered superdelegate: how the sidecars find it and check its signatures.
#[derive(
	Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen,
)]
pub struct SuperdelegateInfo {
	/// The bond, held.
	pub bond: Balance,
	/// The ed25519 key its moderation verdicts are signed with.
	pub moderation_key: ModerationKey,
	/// Its sidecar's libp2p peer id.
	pub peer_id: PeerId,
	/// Its sidecar's multiaddrs.
	pub addresses: Addresses,
}

/// A superdelegate's proof that it holds the keys it registers: ed25519 signatures over
/// [`crate::identity::statement`] (the chain's genesis hash and the registering account) by its
/// moderation key and, when it names a peer id, by the libp2p identity key that peer id is made
/// of. Without them an account could register another's key (and earn its reward points) or
/// another's peer id (and silence it).
#[derive(
	Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen,
)]
pub struct IdentityProof {
	/// The moderation key's signature.
	pub moderation: [u8; 64],
	/// The peer key's signature; `None` only when no peer id is registered.
	pub peer: Option<[u8; 64]>,
}

/// A change of moderation key and peer id waiting for the next era, so that the moderation set
/// keeps the identities it started the era with.
#[derive(
	Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen,
)]
pub struct PendingIdentity {
	/// The new moderation key.
	pub moderation_key: ModerationKey,
	/// The new peer id.
	pub peer_id: PeerId,
}
