//! # pBFT agreement on moderation verdicts
//!
//! The era's superdelegates (the moderation set on chain, `N = 3f + 1` members, any `q = N - f`
//! of them a quorum) each score a pending content with the same model and agree, with
//! Practical Byzantine Fault Tolerance (Castro and Liskov), on one discrete [`Verdict`] for it.
//! The result is a certificate: `q` ed25519 signatures of the moderation keys over the
//! [`VerdictStatement`], which `pallet-content` checks before anything is published.
//!
//! This crate is the protocol only: a deterministic state machine ([`Replica`]) that takes
//! signed messages, the replica's own scores and the time, and returns messages to send and
//! [`Event`]s. The `pop-superdelegate` sidecar carries the messages over libp2p; the simulation
//! in `tests/sim.rs` carries them over a lossy, reordering, partitioned in-process network.
//!
//! ## How a replica's own score enters the vote
//!
//! Scores are floats that differ in the last bits between machines, so replicas never vote on
//! them: each replica turns its score into a discrete verdict through the policy (approve below
//! the threshold's band, reject above it, needs review inside it) and signs a [`Message::Vote`]
//! bound to the content, the model hash (which also names the preprocessing) and the era. The
//! primary may only propose a verdict together with a *justification*: at least `q` signed
//! votes from distinct members, all for this content and this model. The proposed verdict must
//! be [`verdict::aggregate`] of those votes: the verdict that at least `f + 1` of them (and more
//! than any other) chose, or needs review when none did. Every backup re-checks the signatures
//! and recomputes the aggregate before it prepares.
//!
//! ## Why a byzantine primary cannot force a verdict
//!
//! At most `f` replicas are faulty, so any `f + 1` votes include one honest replica's. A
//! proposal's verdict therefore always has at least one honest replica that scored it that way
//! (or is needs review, which publishes nothing and asks people to look). A primary can pick
//! which `q` votes to include, so when honest replicas genuinely disagree it can choose between
//! their verdicts, but it cannot invent one: forged votes fail their signatures, and a verdict
//! that is not the aggregate of the included votes is refused by every honest backup. When all
//! honest replicas agree, any `q` votes hold at least `f + 1` honest ones, so the aggregate is
//! their verdict. A primary that proposes nothing, or proposes garbage, is replaced by a view
//! change when the backups' timers run out.
//!
//! ## Ordering, execution and the certificate
//!
//! Proposals are ordered by sequence numbers with the usual three phases (pre-prepare, prepare,
//! commit). Replicas execute committed sequence numbers in order; the first executed proposal
//! for a content decides it, later ones for the same content are no-ops. Only on execution does
//! a replica sign the [`VerdictStatement`] (a [`Message::Share`]); since all honest replicas
//! execute the same sequence, no honest replica ever signs two verdicts for one content, and a
//! certificate needs `q > 2f` signatures, so two certificates with different verdicts would
//! need an honest replica to sign both.
//!
//! Checkpoints every [`Config::checkpoint_interval`] executions carry a digest of the executed
//! history; `q` matching ones make it stable, which garbage-collects the log below it and lets a
//! replica that was down catch up by state transfer ([`Message::StateRequest`]) instead of
//! replaying messages nobody keeps. A state reply carries at most [`Config::state_window`]
//! entries ending at the stable checkpoint, with the history digest just before them; a replica
//! further behind jumps over the entries it never sees (see [`Message::StateReply`] for why
//! that is safe).

pub mod message;
mod replica;
pub mod verdict;

pub use message::{Certificate, Message, Proposal, Scores, Signed};
pub use pop_primitives::content::{ContentId, MemberScore, ModelHash, Verdict, VerdictStatement};
pub use replica::{Event, Outbound, Refused, Replica, Status};

/// A member's position in the moderation set, as read from chain.
pub type ReplicaIndex = u16;
/// A view: who is primary (`view mod N`).
pub type View = u64;
/// A sequence number in the agreed order.
pub type Seq = u64;
/// A BLAKE3 digest.
pub type Digest = [u8; 32];
/// An ed25519 public key (the moderation key registered on chain).
pub type Public = [u8; 32];
/// An ed25519 signature.
pub type Signature = [u8; 64];
/// Milliseconds, from any fixed origin.
pub type Millis = u64;

/// Signs with this replica's moderation key.
pub trait Keys: Send {
	/// The public key, as registered on chain.
	fn public(&self) -> Public;
	/// Signs `payload`.
	fn sign(&self, payload: &[u8]) -> Signature;
}

/// Checks signatures.
pub trait Verifier: Send + Sync {
	/// Whether `signature` is `public`'s over `payload`.
	fn verify(&self, public: &Public, payload: &[u8], signature: &Signature) -> bool;
}

/// The ed25519 scheme of the chain's moderation keys.
pub struct Ed25519;

impl Keys for sp_core::ed25519::Pair {
	fn public(&self) -> Public {
		sp_core::Pair::public(self).0
	}
	fn sign(&self, payload: &[u8]) -> Signature {
		sp_core::Pair::sign(self, payload).0
	}
}

impl Verifier for Ed25519 {
	fn verify(&self, public: &Public, payload: &[u8], signature: &Signature) -> bool {
		<sp_core::ed25519::Pair as sp_core::Pair>::verify(
			&sp_core::ed25519::Signature::from_raw(*signature),
			payload,
			&sp_core::ed25519::Public::from_raw(*public),
		)
	}
}

/// What every member of one era's instance must agree on.
#[derive(Clone, Debug)]
pub struct Config {
	/// The chain's genesis hash: every signature (messages and verdict statements) covers it,
	/// so none counts on another chain.
	pub genesis: [u8; 32],
	/// The era whose moderation set this is.
	pub era: u32,
	/// The moderation keys of the set, in the chain's order.
	pub members: Vec<Public>,
	/// Hash of the model and preprocessing every score comes from.
	pub model_hash: ModelHash,
	/// A checkpoint every this many executed sequence numbers.
	pub checkpoint_interval: Seq,
	/// How far past the stable checkpoint a sequence number may run (the high water mark).
	pub window: Seq,
	/// How many executed entries below the stable checkpoint a replica keeps to answer state
	/// requests: a state reply carries at most this many, so its size is bounded however long
	/// the era runs.
	pub state_window: Seq,
	/// How long a backup waits for a voted content to be decided before it asks for a new
	/// primary; doubled for each view change in a row that does not help.
	pub view_timeout: Millis,
	/// How often a replica resends what others may have lost.
	pub retransmit: Millis,
}

impl Config {
	/// A configuration with the defaults the sidecar uses.
	pub fn new(genesis: [u8; 32], era: u32, members: Vec<Public>, model_hash: ModelHash) -> Self {
		Config {
			genesis,
			era,
			members,
			model_hash,
			checkpoint_interval: 16,
			window: 64,
			state_window: 256,
			view_timeout: 8_000,
			retransmit: 1_000,
		}
	}

	/// `N`, the set's size.
	pub fn n(&self) -> usize {
		self.members.len()
	}

	/// `f`, the faulty members tolerated.
	pub fn f(&self) -> usize {
		self.n().saturating_sub(1) / 3
	}

	/// `q`, the signatures a quorum and a certificate need (the chain's
	/// [`pop_primitives::content::quorum`]).
	pub fn quorum(&self) -> usize {
		pop_primitives::content::quorum(self.n() as u32) as usize
	}

	/// The primary of `view`.
	pub fn primary(&self, view: View) -> ReplicaIndex {
		(view % self.n() as u64) as ReplicaIndex
	}
}
