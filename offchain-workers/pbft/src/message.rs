//! The protocol's messages, how they are signed, and the proofs built from them.

use crate::{ContentId, Digest, ModelHash, Public, ReplicaIndex, Seq, Signature, Verdict, View};
use codec::{Decode, Encode};
use pop_primitives::content::MemberScore;

/// Domain tag of signed protocol messages (verdict statements have their own,
/// [`pop_primitives::content::VERDICT_CONTEXT`]).
pub const PBFT_CONTEXT: &[u8] = b"pop-network/pbft/v4";

/// How deep a decoded message may nest (a new view holds view changes, which hold prepared
/// proofs, which hold proposals, which hold votes).
pub const MAX_DEPTH: u32 = 16;

/// A protocol message.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub enum Message {
	/// The sender's own verdict on `content`, from its own `score` (P(explicit) in parts per
	/// million; `None` when no classifier ran), which goes on chain with the certificate.
	Vote { content: ContentId, verdict: Verdict, model_hash: ModelHash, score: Option<u32> },
	/// The primary of `view` assigns `proposal` to `seq`.
	PrePrepare { view: View, seq: Seq, proposal: Proposal },
	/// The sender accepted the proposal with `digest` at `seq` in `view`.
	Prepare { view: View, seq: Seq, digest: Digest },
	/// The sender saw a quorum prepare `digest` at `seq` in `view`.
	Commit { view: View, seq: Seq, digest: Digest },
	/// The sender's history digest after executing `seq`.
	Checkpoint { seq: Seq, state: Digest },
	/// The sender wants a new primary.
	ViewChange(ViewChange),
	/// The primary of `view` starts it, justified by a quorum of view changes to it.
	NewView { view: View, view_changes: Vec<Signed> },
	/// The sender executed `verdict` for `content`, reached from the votes whose `scores` the
	/// executed entry carries: its signature over the chain's [`crate::VerdictStatement`].
	Share { content: ContentId, verdict: Verdict, scores: Scores, signature: Signature },
	/// A finished certificate, for a replica that lacks it.
	Certified(Certificate),
	/// The sender has executed up to `after` and asks for the history since.
	StateRequest { after: Seq },
	/// History entries `after + 1 ..= proof.seq`, proven by a stable checkpoint: `base` is the
	/// history digest after `after`, and hashing `entries` onto it gives `proof.state`. At most
	/// [`crate::Config::state_window`] entries, so `after` may lie past what the requester
	/// asked for: it then adopts `base` and never executes the entries in between. That is
	/// safe: it signs no verdict for them, and it still signs at most one verdict per content
	/// (the first it executes), which is all that keeps two certificates from disagreeing.
	StateReply { after: Seq, base: Digest, entries: Vec<Entry>, proof: CheckpointProof },
}

/// One executed sequence number: a content's verdict with the scores of the votes behind it,
/// or nothing (a null request filling a gap after a view change).
pub type Entry = Option<(ContentId, Verdict, Scores)>;

/// The voting members' scores behind a verdict, in the set's order.
pub type Scores = Vec<MemberScore>;

/// The scores of `proposal`'s votes, in the set's order, each under its member's key.
pub fn proposal_scores(proposal: &Proposal, members: &[Public]) -> Scores {
	let mut votes: Vec<(ReplicaIndex, Option<u32>)> = proposal
		.votes
		.iter()
		.filter_map(|v| match v.message {
			Message::Vote { score, .. } => Some((v.from, score)),
			_ => None,
		})
		.collect();
	votes.sort_by_key(|(from, _)| *from);
	votes.dedup_by_key(|(from, _)| *from);
	votes
		.into_iter()
		.filter_map(|(from, score)| {
			members.get(usize::from(from)).map(|member| MemberScore { member: *member, score })
		})
		.collect()
}

/// A message with its sender's signature.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Signed {
	/// The sender's index in the moderation set.
	pub from: ReplicaIndex,
	/// The message.
	pub message: Message,
	/// The sender's moderation key's signature over [`signing_payload`].
	pub signature: Signature,
}

/// What a primary proposes: a verdict with the votes that justify it.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Proposal {
	/// The content.
	pub content: ContentId,
	/// The verdict: [`crate::verdict::aggregate`] of `votes`.
	pub verdict: Verdict,
	/// The model every vote was scored with.
	pub model_hash: ModelHash,
	/// At least a quorum of signed [`Message::Vote`]s from distinct members.
	pub votes: Vec<Signed>,
}

/// A request for a new primary.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct ViewChange {
	/// The view asked for.
	pub view: View,
	/// The sender's last stable checkpoint.
	pub stable: CheckpointProof,
	/// Every sequence number past it that the sender prepared, in the highest view it did.
	pub prepared: Vec<PreparedProof>,
}

/// Proof that a quorum prepared `proposal` at `seq` in `view` (`None`: a null request).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct PreparedProof {
	/// The view.
	pub view: View,
	/// The sequence number.
	pub seq: Seq,
	/// What was prepared.
	pub proposal: Option<Proposal>,
	/// A quorum of matching signed [`Message::Prepare`]s.
	pub prepares: Vec<Signed>,
}

/// Proof that a quorum reached history digest `state` after `seq` (`seq` 0: the empty history,
/// no signatures needed).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct CheckpointProof {
	/// The sequence number.
	pub seq: Seq,
	/// The history digest.
	pub state: Digest,
	/// A quorum of matching signed [`Message::Checkpoint`]s.
	pub checkpoints: Vec<Signed>,
}

/// The moderation set's decision on one content, as `pallet-content`'s `submit_verdict` takes
/// it.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Certificate {
	/// The content.
	pub content: ContentId,
	/// The verdict.
	pub verdict: Verdict,
	/// The model and preprocessing behind it.
	pub model_hash: ModelHash,
	/// The era of the set that signed.
	pub era: u32,
	/// The voting members' scores.
	pub scores: Scores,
	/// A quorum of moderation keys and their signatures over the statement.
	pub signatures: Vec<(Public, Signature)>,
}

/// The bytes `from` signs to send `message` in `era`'s instance on the chain whose genesis
/// hash is `genesis` (so that no message replays on another chain).
pub fn signing_payload(
	genesis: &[u8; 32],
	era: u32,
	from: ReplicaIndex,
	message: &Message,
) -> Vec<u8> {
	(PBFT_CONTEXT, genesis, era, from, message).encode()
}

/// The digest that prepares and commits name a proposal (or a null request) by.
pub fn proposal_digest(proposal: Option<&Proposal>) -> Digest {
	*blake3::hash(&(b"pop-pbft/proposal", proposal).encode()).as_bytes()
}

/// The history digest before anything is executed in `era`.
pub fn genesis_state(era: u32) -> Digest {
	*blake3::hash(&(b"pop-pbft/genesis", era).encode()).as_bytes()
}

/// The history digest after executing `entry` at `seq` on `state`.
pub fn next_state(state: &Digest, seq: Seq, entry: &Entry) -> Digest {
	*blake3::hash(&(state, seq, entry).encode()).as_bytes()
}
