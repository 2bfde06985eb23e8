//! `pop-superdelegate-byzantine`: a moderation-set member that attacks the others, for the
//! end-to-end tests. It is the real `pop-superdelegate` (same flags, chain watcher, reviews,
//! replica and mesh) with a [`Tamper`] on everything it sends:
//! - it votes the opposite of its own score, and tells each member a different story (the
//!   even-numbered members get the opposite verdict, the odd ones "needs review");
//! - as primary it proposes the opposite verdict to the odd-numbered members;
//! - its prepares and commits carry forged digests for the odd-numbered members;
//! - its verdict shares sign the opposite verdict;
//! - it floods every member with state-transfer requests (ten every 20 ms).

use pop_pbft::{Message, Outbound, Signed, Verdict, VerdictStatement};
use pop_superdelegate::tamper::{MemberSigner, Tamper};
use std::{
	collections::HashMap,
	process::ExitCode,
	time::{Duration, Instant},
};

/// State requests sent to each member every [`FLOOD_EVERY`].
const FLOOD: usize = 10;
const FLOOD_EVERY: Duration = Duration::from_millis(20);
const REPORT_EVERY: Duration = Duration::from_secs(2);

#[derive(Default)]
struct Counts {
	votes: u64,
	proposals: u64,
	phases: u64,
	shares: u64,
	state_requests: u64,
}

struct Byzantine {
	model_hashes: HashMap<[u8; 32], [u8; 32]>,
	counts: Counts,
	last_flood: Instant,
	last_report: Instant,
}

fn opposite(v: Verdict) -> Verdict {
	match v {
		Verdict::Approve => Verdict::Reject,
		Verdict::Reject | Verdict::NeedsReview => Verdict::Approve,
	}
}

impl Byzantine {
	/// The version of `signed` member `to` gets.
	fn version_for(&mut self, to: u16, signed: &Signed, me: &MemberSigner<'_>) -> Signed {
		let odd = to % 2 == 1;
		let message = match signed.message.clone() {
			Message::Vote { content, verdict, model_hash, score } => {
				self.model_hashes.insert(content, model_hash);
				self.counts.votes += 1;
				let verdict = if odd { Verdict::NeedsReview } else { opposite(verdict) };
				Message::Vote { content, verdict, model_hash, score }
			}
			Message::PrePrepare { view, seq, mut proposal } if odd => {
				self.counts.proposals += 1;
				proposal.verdict = opposite(proposal.verdict);
				Message::PrePrepare { view, seq, proposal }
			}
			Message::Prepare { view, seq, digest } if odd => {
				self.counts.phases += 1;
				Message::Prepare { view, seq, digest: forged(digest) }
			}
			Message::Commit { view, seq, digest } if odd => {
				self.counts.phases += 1;
				Message::Commit { view, seq, digest: forged(digest) }
			}
			Message::Share { content, verdict, scores, .. } => {
				let Some(model_hash) = self.model_hashes.get(&content).copied() else {
					return signed.clone();
				};
				self.counts.shares += 1;
				let verdict = opposite(verdict);
				let statement = VerdictStatement {
					content,
					verdict,
					model_hash,
					era: me.era,
					scores: scores.clone(),
				};
				let signature = me.sign_bytes(&statement.signing_payload(&me.genesis));
				Message::Share { content, verdict, scores, signature }
			}
			_ => return signed.clone(),
		};
		me.sign(message)
	}
}

fn forged(digest: [u8; 32]) -> [u8; 32] {
	let mut d = digest;
	d[0] ^= 0xff;
	d
}

impl Tamper for Byzantine {
	fn outbound(&mut self, out: Vec<Outbound>, me: &MemberSigner<'_>) -> Vec<Outbound> {
		let others: Vec<u16> = (0..me.n as u16).filter(|j| *j != me.me).collect();
		let mut sent = Vec::new();
		for o in out {
			let (to, signed) = match o {
				Outbound::Broadcast(s) => (others.clone(), s),
				Outbound::Send(to, s) => (vec![to], s),
			};
			for j in to {
				let version = self.version_for(j, &signed, me);
				sent.push(Outbound::Send(j, version));
			}
		}
		if self.last_flood.elapsed() >= FLOOD_EVERY {
			self.last_flood = Instant::now();
			for j in &others {
				for _ in 0..FLOOD {
					sent.push(Outbound::Send(*j, me.sign(Message::StateRequest { after: 0 })));
					self.counts.state_requests += 1;
				}
			}
		}
		if self.last_report.elapsed() >= REPORT_EVERY {
			self.last_report = Instant::now();
			let c = &self.counts;
			tracing::info!(
				target: "byzantine",
				"byzantine: {} lying votes, {} forged proposals, {} forged prepares and commits, {} \
				 opposite shares, {} state requests sent",
				c.votes, c.proposals, c.phases, c.shares, c.state_requests
			);
		}
		sent
	}
}

#[tokio::main]
async fn main() -> ExitCode {
	let byzantine = Byzantine {
		model_hashes: HashMap::new(),
		counts: Counts::default(),
		last_flood: Instant::now(),
		last_report: Instant::now(),
	};
	pop_superdelegate::cli::main(Some(Box::new(byzantine))).await
}
