//! One member's protocol state machine.

use crate::{
	message::{
		genesis_state, next_state, proposal_digest, proposal_scores, signing_payload,
		CheckpointProof, Entry, PreparedProof, Scores, ViewChange,
	},
	verdict::{aggregate, vote_verdicts},
	Certificate, Config, ContentId, Digest, Keys, Message, Millis, Proposal, ReplicaIndex, Seq,
	Signed, Verdict, VerdictStatement, Verifier, View,
};
use codec::Encode;
use pop_primitives::content::MAX_SCORE;
use std::{
	collections::{BTreeMap, BTreeSet, HashSet, VecDeque},
	fmt,
	sync::Arc,
};

/// Where a replica is in the protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
	/// Taking part in the current view.
	Normal,
	/// Asked for this view and waits for its primary's new-view message.
	ViewChange(View),
	/// Restarted without its log: it takes no part in ordering until a view it never sent in
	/// starts, but still votes, catches up by state transfer and collects certificates.
	Recovering,
}

/// A message to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outbound {
	/// To every other member.
	Broadcast(Signed),
	/// To one member.
	Send(ReplicaIndex, Signed),
}

/// What happened, for the sidecar to act on and log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
	/// `content` was decided at `seq` by this replica's execution.
	Executed { seq: Seq, content: ContentId, verdict: Verdict },
	/// A certificate is complete: submit it.
	Certified(Certificate),
	/// The replica entered `view` as a normal member.
	ViewEntered(View),
	/// The replica asked for a new view.
	ViewChangeStarted(View),
	/// The replica is about to send in `view` for the first time. A sidecar that keeps the
	/// value across restarts passes it to [`Replica::recover`].
	SendingInView(View),
	/// The checkpoint at `seq` became stable; the log below it is gone.
	Stable(Seq),
	/// The replica adopted history up to `seq` from another member's state.
	CaughtUp(Seq),
	/// The replica was so far behind that it adopted the history digest after `to` without
	/// executing `from ..= to` (those verdicts are the quorum's to certify).
	Skipped { from: Seq, to: Seq },
}

/// Why a message was not used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refused {
	/// The sender is not in the set.
	UnknownSender,
	/// The signature does not verify.
	BadSignature,
	/// Scored with another model.
	WrongModel,
	/// About content this replica was not told is pending.
	NotWatched,
	/// For another view than this replica's, or a stale one.
	WrongView,
	/// A pre-prepare or new view from a member that is not that view's primary.
	NotPrimary,
	/// A sequence number outside the watermarks.
	OutsideWindow,
	/// The primary assigned two proposals to one sequence number.
	Equivocation,
	/// A proposal whose votes do not justify its verdict.
	BadProposal(&'static str),
	/// A proof (prepared, checkpoint, view change, certificate, state) that does not hold.
	BadProof(&'static str),
	/// A state request sooner than one retransmit interval after the last one answered for
	/// this member: state replies are the only large messages, and a member that keeps asking
	/// must not make this replica send its history over and over.
	TooFrequent,
}

impl Refused {
	/// The kind of refusal, without its detail (a metric's label).
	pub fn kind(&self) -> &'static str {
		match self {
			Refused::UnknownSender => "UnknownSender",
			Refused::BadSignature => "BadSignature",
			Refused::WrongModel => "WrongModel",
			Refused::NotWatched => "NotWatched",
			Refused::WrongView => "WrongView",
			Refused::NotPrimary => "NotPrimary",
			Refused::OutsideWindow => "OutsideWindow",
			Refused::Equivocation => "Equivocation",
			Refused::BadProposal(_) => "BadProposal",
			Refused::BadProof(_) => "BadProof",
			Refused::TooFrequent => "TooFrequent",
		}
	}
}

impl fmt::Display for Refused {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			Refused::BadProposal(why) => write!(f, "bad proposal: {why}"),
			Refused::BadProof(why) => write!(f, "bad proof: {why}"),
			other => write!(f, "{other:?}"),
		}
	}
}

#[derive(Default)]
struct Slot {
	/// The proposal accepted for this sequence number, in the view it was accepted in.
	accepted: Option<(View, Option<Proposal>, Digest)>,
	prepares: BTreeMap<(View, Digest), BTreeMap<ReplicaIndex, Signed>>,
	commits: BTreeMap<(View, Digest), BTreeMap<ReplicaIndex, Signed>>,
	/// The highest-view prepared proof.
	prepared: Option<PreparedProof>,
	committed: Option<Option<Proposal>>,
	/// This replica's own messages for the slot, for retransmission.
	sent: Vec<Signed>,
}

/// One member of one era's moderation set.
pub struct Replica {
	cfg: Config,
	me: ReplicaIndex,
	keys: Box<dyn Keys>,
	verifier: Arc<dyn Verifier>,
	now: Millis,

	status: Status,
	view: View,
	/// The highest view this replica has sent ordering messages in.
	sent_view: Option<View>,

	watched: BTreeSet<ContentId>,
	my_votes: BTreeMap<ContentId, Signed>,
	votes: BTreeMap<ContentId, BTreeMap<ReplicaIndex, Signed>>,

	log: BTreeMap<Seq, Slot>,
	next_seq: Seq,

	executed: Seq,
	state: Digest,
	/// Executed entries `history_from + 1 ..= executed`, each with the history digest after
	/// it; trimmed to [`Config::state_window`] below the stable checkpoint.
	history: VecDeque<(Entry, Digest)>,
	history_from: Seq,
	/// The history digest after `history_from`.
	history_base: Digest,
	decided: BTreeMap<ContentId, Verdict>,

	my_checkpoints: BTreeMap<Seq, Signed>,
	checkpoints: BTreeMap<Seq, BTreeMap<ReplicaIndex, Signed>>,
	stable: CheckpointProof,
	catch_up: Option<CheckpointProof>,
	catch_up_tries: u64,
	/// When each member's last state request was answered.
	state_answered: BTreeMap<ReplicaIndex, Millis>,

	shares: BTreeMap<ContentId, BTreeMap<ReplicaIndex, (Verdict, Scores, crate::Signature)>>,
	my_shares: BTreeMap<ContentId, Signed>,
	certificates: BTreeMap<ContentId, Certificate>,

	view_changes: BTreeMap<View, BTreeMap<ReplicaIndex, Signed>>,
	my_view_change: Option<Signed>,
	new_view: Option<Signed>,

	/// Content this replica voted on and holds no certificate for, with when its
	/// clock started in the current view. The view-change timer runs for the oldest: a primary
	/// that keeps ordering other content cannot starve one forever.
	waiting: BTreeMap<ContentId, Millis>,
	deadline: Option<Millis>,
	backoff: u32,
	next_retransmit: Millis,
	retransmits: u64,

	verified: HashSet<Digest>,
	out: Vec<Outbound>,
	events: Vec<Event>,
}

impl Replica {
	/// A member at the start of its era's instance.
	pub fn new(
		cfg: Config,
		me: ReplicaIndex,
		keys: Box<dyn Keys>,
		verifier: Arc<dyn Verifier>,
		now: Millis,
	) -> Self {
		let state = genesis_state(cfg.era);
		let next_retransmit = now + cfg.retransmit;
		Replica {
			stable: CheckpointProof { seq: 0, state, checkpoints: Vec::new() },
			cfg,
			me,
			keys,
			verifier,
			now,
			status: Status::Normal,
			view: 0,
			sent_view: None,
			watched: BTreeSet::new(),
			my_votes: BTreeMap::new(),
			votes: BTreeMap::new(),
			log: BTreeMap::new(),
			next_seq: 1,
			executed: 0,
			state,
			history: VecDeque::new(),
			history_from: 0,
			history_base: state,
			decided: BTreeMap::new(),
			my_checkpoints: BTreeMap::new(),
			checkpoints: BTreeMap::new(),
			catch_up: None,
			catch_up_tries: 0,
			state_answered: BTreeMap::new(),
			shares: BTreeMap::new(),
			my_shares: BTreeMap::new(),
			certificates: BTreeMap::new(),
			view_changes: BTreeMap::new(),
			my_view_change: None,
			new_view: None,
			waiting: BTreeMap::new(),
			deadline: None,
			backoff: 0,
			next_retransmit,
			retransmits: 0,
			verified: HashSet::new(),
			out: Vec::new(),
			events: Vec::new(),
		}
	}

	/// A member restarted without its log, that last sent ordering messages in `sent_view`
	/// (from [`Event::SendingInView`], which the sidecar must persist before it sends the
	/// messages drained with it; `None` if it never did). It stays passive in ordering until a
	/// view after that one starts, so it can never contradict what it sent before: until then it
	/// counts as one of the `f` faults the set tolerates (and more than `f` such restarts stall
	/// ordering until the era ends — persisting the whole log would remove that limit).
	pub fn recover(
		cfg: Config,
		me: ReplicaIndex,
		keys: Box<dyn Keys>,
		verifier: Arc<dyn Verifier>,
		now: Millis,
		sent_view: Option<View>,
	) -> Self {
		let mut replica = Replica::new(cfg, me, keys, verifier, now);
		if let Some(v) = sent_view {
			replica.status = Status::Recovering;
			replica.view = v;
			replica.sent_view = Some(v);
		}
		replica
	}

	/// This replica's index.
	pub fn index(&self) -> ReplicaIndex {
		self.me
	}

	/// Its status.
	pub fn status(&self) -> Status {
		self.status
	}

	/// Its current (or last normal) view.
	pub fn view(&self) -> View {
		self.view
	}

	/// The last executed sequence number.
	pub fn executed(&self) -> Seq {
		self.executed
	}

	/// The last stable checkpoint.
	pub fn stable_seq(&self) -> Seq {
		self.stable.seq
	}

	/// The verdict this replica executed for `content`.
	pub fn decided(&self, content: &ContentId) -> Option<Verdict> {
		self.decided.get(content).copied()
	}

	/// The certificate this replica holds for `content`.
	pub fn certificate(&self, content: &ContentId) -> Option<&Certificate> {
		self.certificates.get(content)
	}

	/// The configuration.
	pub fn config(&self) -> &Config {
		&self.cfg
	}

	/// How many sequence numbers the log holds (bounded by the window).
	pub fn log_len(&self) -> usize {
		self.log.len()
	}

	/// A one-line summary of the replica's state, for logs.
	pub fn summary(&self) -> String {
		let slots: Vec<String> = self
			.log
			.iter()
			.map(|(s, slot)| {
				let acc = slot.accepted.as_ref().map(|(v, p, _)| {
					format!(
						"v{v}:{}",
						p.as_ref().map(|p| hex4(&p.content)).unwrap_or("null".into())
					)
				});
				format!(
					"{s}[{}{}{}]",
					acc.unwrap_or("-".into()),
					if slot.prepared.is_some() { " P" } else { "" },
					if slot.committed.is_some() { " C" } else { "" }
				)
			})
			.collect();
		let votes: Vec<String> =
			self.votes.iter().map(|(c, v)| format!("{}:{}", hex4(c), v.len())).collect();
		format!(
			"#{} {:?} view {} executed {} stable {} next {} decided {} certs {} votes [{}] log [{}]",
			self.me,
			self.status,
			self.view,
			self.executed,
			self.stable.seq,
			self.next_seq,
			self.decided.len(),
			self.certificates.len(),
			votes.join(" "),
			slots.join(" ")
		)
	}

	/// Takes what the replica wants sent and what happened since the last call.
	pub fn drain(&mut self) -> (Vec<Outbound>, Vec<Event>) {
		(std::mem::take(&mut self.out), std::mem::take(&mut self.events))
	}

	/// `content` is pending on chain: messages about it are now welcome.
	pub fn watch(&mut self, content: ContentId) {
		self.watched.insert(content);
	}

	/// `content` is decided on chain: drop what is kept about it (its place in the executed
	/// history stays).
	pub fn forget(&mut self, content: &ContentId) {
		self.watched.remove(content);
		self.my_votes.remove(content);
		self.votes.remove(content);
		self.shares.remove(content);
		self.my_shares.remove(content);
		self.certificates.remove(content);
		self.waiting.remove(content);
		self.reset_timer();
	}

	/// This replica's own verdict on `content`, from its own `score` (P(explicit) in parts per
	/// million, `None` when no classifier ran; clamped to one million): signed and sent to
	/// every member as its vote. Only the first verdict per content counts.
	pub fn score(&mut self, now: Millis, content: ContentId, verdict: Verdict, score: Option<u32>) {
		self.now = now;
		self.watch(content);
		if self.my_votes.contains_key(&content) {
			return;
		}
		let score = score.map(|s| s.min(MAX_SCORE));
		let vote = self.broadcast(Message::Vote {
			content,
			verdict,
			model_hash: self.cfg.model_hash,
			score,
		});
		self.my_votes.insert(content, vote.clone());
		self.votes.entry(content).or_default().insert(self.me, vote);
		if !self.certificates.contains_key(&content) {
			self.waiting.insert(content, now);
			self.reset_timer();
		}
		self.try_propose();
	}

	/// Advances the clock: view-change timers and retransmission.
	pub fn tick(&mut self, now: Millis) {
		self.now = now;
		if self.deadline.is_some_and(|d| now >= d) {
			match self.status {
				Status::Normal => self.start_view_change(self.view + 1),
				// Only a view change that a quorum joined and whose primary then failed moves on
				// to the next view; alone (cut off, say), a replica keeps asking for the same
				// one, so it does not run ahead of the others and can rejoin them.
				Status::ViewChange(target) => {
					// Members asking for this view or a later one (one kept per member).
					let joined: usize =
						self.view_changes.range(target..).map(|(_, m)| m.len()).sum();
					if joined >= self.cfg.quorum() {
						self.start_view_change(target + 1);
					} else {
						self.out
							.extend(self.my_view_change.iter().cloned().map(Outbound::Broadcast));
						self.deadline = Some(now + self.timeout());
					}
				}
				Status::Recovering => self.deadline = None,
			}
		}
		if now >= self.next_retransmit {
			self.next_retransmit = now + self.cfg.retransmit;
			self.retransmit();
		}
	}

	/// Takes one message from another member.
	pub fn handle(&mut self, now: Millis, signed: Signed) -> Result<(), Refused> {
		self.now = now;
		let from = signed.from;
		if from as usize >= self.cfg.n() || from == self.me {
			return Err(Refused::UnknownSender);
		}
		if !self.verify(&signed) {
			return Err(Refused::BadSignature);
		}
		match signed.message.clone() {
			Message::Vote { score: Some(score), .. } if score > MAX_SCORE => {
				// The chain refuses it in a certificate: never let it into a proposal.
				Err(Refused::BadProposal("a score above one million parts per million"))
			}
			Message::Vote { content, verdict: _, model_hash, score: _ } => {
				self.on_vote(from, content, model_hash, signed)
			}
			Message::PrePrepare { view, seq, proposal } => {
				self.on_pre_prepare(from, view, seq, proposal)
			}
			Message::Prepare { view, seq, digest } => {
				self.on_phase(from, view, seq, digest, signed, false)
			}
			Message::Commit { view, seq, digest } => {
				self.on_phase(from, view, seq, digest, signed, true)
			}
			Message::Checkpoint { seq, state: _ } => self.on_checkpoint(from, seq, signed),
			Message::ViewChange(vc) => self.on_view_change(from, vc, signed),
			Message::NewView { view, view_changes } => {
				self.on_new_view(from, view, view_changes, signed)
			}
			Message::Share { content, verdict, scores, signature } => {
				self.on_share(from, content, verdict, scores, signature)
			}
			Message::Certified(cert) => self.on_certified(cert),
			Message::StateRequest { after } => self.on_state_request(from, after),
			Message::StateReply { after, base, entries, proof } => {
				self.on_state_reply(after, base, entries, proof)
			}
		}
	}

	// ---- sending ----

	fn sign(&self, message: Message) -> Signed {
		let signature =
			self.keys.sign(&signing_payload(&self.cfg.genesis, self.cfg.era, self.me, &message));
		Signed { from: self.me, message, signature }
	}

	fn broadcast(&mut self, message: Message) -> Signed {
		let signed = self.sign(message);
		self.out.push(Outbound::Broadcast(signed.clone()));
		signed
	}

	fn send(&mut self, to: ReplicaIndex, message: Message) {
		let signed = self.sign(message);
		self.out.push(Outbound::Send(to, signed));
	}

	/// Notes that an ordering message of `view` is about to go out.
	fn sending_in(&mut self, view: View) {
		if self.sent_view.is_none_or(|v| v < view) {
			self.sent_view = Some(view);
			self.events.push(Event::SendingInView(view));
		}
	}

	// ---- checking ----

	fn verify(&mut self, signed: &Signed) -> bool {
		let Some(public) = self.cfg.members.get(signed.from as usize) else { return false };
		let key = *blake3::hash(&signed.encode()).as_bytes();
		if self.verified.contains(&key) {
			return true;
		}
		let payload =
			signing_payload(&self.cfg.genesis, self.cfg.era, signed.from, &signed.message);
		if !self.verifier.verify(public, &payload, &signed.signature) {
			return false;
		}
		if self.verified.len() > 100_000 {
			self.verified.clear();
		}
		self.verified.insert(key);
		true
	}

	/// A quorum of distinct members' valid signatures on messages that `expect` accepts.
	fn check_quorum(
		&mut self,
		msgs: &[Signed],
		expect: impl Fn(&Message) -> bool,
		why: &'static str,
	) -> Result<(), Refused> {
		let mut seen = BTreeSet::new();
		for m in msgs {
			if !seen.insert(m.from) || !expect(&m.message) || !self.verify(m) {
				return Err(Refused::BadProof(why));
			}
		}
		if seen.len() < self.cfg.quorum() {
			return Err(Refused::BadProof(why));
		}
		Ok(())
	}

	fn check_proposal(&mut self, p: &Proposal) -> Result<(), Refused> {
		if p.model_hash != self.cfg.model_hash {
			return Err(Refused::WrongModel);
		}
		if p.votes.len() > self.cfg.n() {
			return Err(Refused::BadProposal("more votes than members"));
		}
		let (content, model_hash) = (p.content, p.model_hash);
		self.check_quorum(
			&p.votes,
			|m| matches!(m, Message::Vote { content: c, model_hash: h, .. } if *c == content && *h == model_hash),
			"votes",
		)
		.map_err(|_| Refused::BadProposal("votes are not a quorum of valid votes for it"))?;
		let in_range = |v: &Signed| !matches!(v.message, Message::Vote { score: Some(score), .. } if score > MAX_SCORE);
		if !p.votes.iter().all(in_range) {
			return Err(Refused::BadProposal("a vote's score is above one million"));
		}
		if aggregate(&vote_verdicts(&p.votes), self.cfg.f()) != p.verdict {
			return Err(Refused::BadProposal("verdict is not what its votes justify"));
		}
		Ok(())
	}

	fn check_checkpoint_proof(&mut self, proof: &CheckpointProof) -> Result<(), Refused> {
		if proof.seq == 0 {
			return if proof.state == genesis_state(self.cfg.era) && proof.checkpoints.is_empty() {
				Ok(())
			} else {
				Err(Refused::BadProof("genesis checkpoint"))
			};
		}
		let (seq, state) = (proof.seq, proof.state);
		self.check_quorum(
			&proof.checkpoints,
			|m| matches!(m, Message::Checkpoint { seq: s, state: d } if *s == seq && *d == state),
			"checkpoint",
		)
	}

	fn check_prepared(&mut self, p: &PreparedProof, below: View) -> Result<(), Refused> {
		if p.view >= below {
			return Err(Refused::BadProof("prepared in a view not before the new one"));
		}
		let digest = proposal_digest(p.proposal.as_ref());
		let (view, seq) = (p.view, p.seq);
		self.check_quorum(
			&p.prepares,
			|m| matches!(m, Message::Prepare { view: v, seq: s, digest: d } if *v == view && *s == seq && *d == digest),
			"prepared",
		)?;
		if let Some(proposal) = &p.proposal {
			self.check_proposal(proposal)?;
		}
		Ok(())
	}

	fn check_view_change(&mut self, vc: &ViewChange) -> Result<(), Refused> {
		self.check_checkpoint_proof(&vc.stable)?;
		let mut seqs = BTreeSet::new();
		for p in &vc.prepared {
			if p.seq <= vc.stable.seq
				|| p.seq > vc.stable.seq + self.cfg.window
				|| !seqs.insert(p.seq)
			{
				return Err(Refused::BadProof("prepared sequence number out of range"));
			}
			self.check_prepared(p, vc.view)?;
		}
		Ok(())
	}

	fn in_window(&self, seq: Seq) -> bool {
		seq > self.stable.seq && seq <= self.stable.seq + self.cfg.window
	}

	fn is_primary(&self) -> bool {
		self.cfg.primary(self.view) == self.me
	}

	fn timeout(&self) -> Millis {
		self.cfg.view_timeout << self.backoff.min(6)
	}

	/// In a normal view, the deadline is the oldest waiting content's start plus the timeout.
	fn reset_timer(&mut self) {
		if self.status == Status::Normal {
			self.deadline = self.waiting.values().min().map(|t| t + self.timeout());
		}
	}

	/// `content` is settled here: its clock stops.
	fn settled(&mut self, content: &ContentId) {
		if self.waiting.remove(content).is_some() {
			self.backoff = 0;
			self.reset_timer();
		}
	}

	// ---- votes and proposals ----

	fn on_vote(
		&mut self,
		from: ReplicaIndex,
		content: ContentId,
		model_hash: crate::ModelHash,
		signed: Signed,
	) -> Result<(), Refused> {
		if model_hash != self.cfg.model_hash {
			return Err(Refused::WrongModel);
		}
		if !self.watched.contains(&content) {
			return Err(Refused::NotWatched);
		}
		if let Some(cert) = self.certificates.get(&content).cloned() {
			// The sender still votes, so it still waits: give it the certificate.
			self.send(from, Message::Certified(cert));
			return Ok(());
		}
		self.votes.entry(content).or_default().entry(from).or_insert(signed);
		self.try_propose();
		Ok(())
	}

	/// The primary assigns sequence numbers to content with a quorum of votes.
	fn try_propose(&mut self) {
		if self.status != Status::Normal || !self.is_primary() {
			return;
		}
		let q = self.cfg.quorum();
		let in_flight: BTreeSet<ContentId> = self
			.log
			.iter()
			.filter(|(s, _)| **s > self.executed)
			.filter_map(|(_, slot)| match &slot.accepted {
				Some((v, Some(p), _)) if *v == self.view => Some(p.content),
				_ => None,
			})
			.collect();
		let ready: Vec<ContentId> = self
			.votes
			.iter()
			.filter(|(c, votes)| {
				votes.len() >= q
					&& !self.decided.contains_key(*c)
					&& !self.certificates.contains_key(*c)
					&& !in_flight.contains(*c)
			})
			.map(|(c, _)| *c)
			.collect();
		for content in ready {
			let seq = self.next_seq.max(self.executed + 1);
			if !self.in_window(seq) {
				return;
			}
			let votes = &self.votes[&content];
			// Our own vote first, then the others in index order.
			let mut chosen: Vec<Signed> = votes.get(&self.me).cloned().into_iter().collect();
			chosen.extend(
				votes.values().filter(|v| v.from != self.me).take(q - chosen.len()).cloned(),
			);
			let proposal = Proposal {
				content,
				verdict: aggregate(&vote_verdicts(&chosen), self.cfg.f()),
				model_hash: self.cfg.model_hash,
				votes: chosen,
			};
			self.next_seq = seq + 1;
			self.sending_in(self.view);
			let pre_prepare = self.broadcast(Message::PrePrepare {
				view: self.view,
				seq,
				proposal: proposal.clone(),
			});
			let slot = self.log.entry(seq).or_default();
			slot.sent.retain(|m| !matches!(m.message, Message::PrePrepare { .. }));
			slot.sent.push(pre_prepare);
			self.accept(seq, Some(proposal));
		}
	}

	fn on_pre_prepare(
		&mut self,
		from: ReplicaIndex,
		view: View,
		seq: Seq,
		proposal: Proposal,
	) -> Result<(), Refused> {
		if self.status != Status::Normal || view != self.view {
			return Err(Refused::WrongView);
		}
		if from != self.cfg.primary(view) {
			return Err(Refused::NotPrimary);
		}
		// A sequence number this replica already executed is still prepared and committed
		// again in a new view: members that lag need a quorum for it too.
		if !self.in_window(seq) {
			return Err(Refused::OutsideWindow);
		}
		self.check_proposal(&proposal)?;
		if self.decided.contains_key(&proposal.content) {
			return Err(Refused::BadProposal("content already decided"));
		}
		let digest = proposal_digest(Some(&proposal));
		if let Some((v, _, d)) = &self.log.get(&seq).and_then(|s| s.accepted.as_ref()) {
			if *v == view {
				return if *d == digest { Ok(()) } else { Err(Refused::Equivocation) };
			}
		}
		self.accept(seq, Some(proposal));
		Ok(())
	}

	/// Accepts `proposal` at `seq` in the current view and prepares it.
	fn accept(&mut self, seq: Seq, proposal: Option<Proposal>) {
		let view = self.view;
		let digest = proposal_digest(proposal.as_ref());
		self.sending_in(view);
		let prepare = self.broadcast(Message::Prepare { view, seq, digest });
		let me = self.me;
		let slot = self.log.entry(seq).or_default();
		slot.accepted = Some((view, proposal, digest));
		slot.sent
			.retain(|m| !matches!(m.message, Message::Prepare { .. } | Message::Commit { .. }));
		slot.sent.push(prepare.clone());
		slot.prepares.entry((view, digest)).or_default().insert(me, prepare);
		self.advance(seq);
	}

	fn on_phase(
		&mut self,
		from: ReplicaIndex,
		view: View,
		seq: Seq,
		digest: Digest,
		signed: Signed,
		commit: bool,
	) -> Result<(), Refused> {
		if self.status != Status::Normal || view != self.view {
			return Err(Refused::WrongView);
		}
		if !self.in_window(seq) {
			return Err(Refused::OutsideWindow);
		}
		let slot = self.log.entry(seq).or_default();
		let votes = if commit { &mut slot.commits } else { &mut slot.prepares };
		// One prepare and one commit per member, view and slot: a second with another digest
		// is equivocation, and is not kept.
		if votes.iter().any(|((v, d), m)| *v == view && *d != digest && m.contains_key(&from)) {
			return Err(Refused::Equivocation);
		}
		votes.entry((view, digest)).or_default().entry(from).or_insert(signed);
		self.advance(seq);
		Ok(())
	}

	/// Moves `seq` through prepared and committed as far as its messages allow.
	fn advance(&mut self, seq: Seq) {
		let q = self.cfg.quorum();
		let view = self.view;
		let Some(slot) = self.log.get_mut(&seq) else { return };
		let Some((v, proposal, digest)) = slot.accepted.clone() else { return };
		if v != view {
			return;
		}
		let prepares = slot.prepares.get(&(view, digest)).map(|m| m.len()).unwrap_or(0);
		let prepared_now = slot.prepared.as_ref().is_some_and(|p| p.view == view);
		if !prepared_now && prepares >= q {
			slot.prepared = Some(PreparedProof {
				view,
				seq,
				proposal: proposal.clone(),
				prepares: slot.prepares[&(view, digest)].values().take(q).cloned().collect(),
			});
			let commit = self.sign(Message::Commit { view, seq, digest });
			self.out.push(Outbound::Broadcast(commit.clone()));
			let me = self.me;
			let slot = self.log.get_mut(&seq).expect("slot exists");
			slot.sent.push(commit.clone());
			slot.commits.entry((view, digest)).or_default().insert(me, commit);
		}
		let slot = self.log.get_mut(&seq).expect("slot exists");
		let prepared_now = slot.prepared.as_ref().is_some_and(|p| p.view == view);
		let commits = slot.commits.get(&(view, digest)).map(|m| m.len()).unwrap_or(0);
		if prepared_now && commits >= q && slot.committed.is_none() {
			slot.committed = Some(proposal);
			self.execute_ready();
		}
	}

	// ---- execution, shares and certificates ----

	fn execute_ready(&mut self) {
		while let Some(entry) =
			self.log.get(&(self.executed + 1)).and_then(|s| s.committed.as_ref()).map(|p| {
				p.as_ref().map(|p| (p.content, p.verdict, proposal_scores(p, &self.cfg.members)))
			}) {
			self.execute(entry, true);
		}
	}

	fn execute(&mut self, entry: Entry, checkpoint: bool) {
		let seq = self.executed + 1;
		self.executed = seq;
		self.state = next_state(&self.state, seq, &entry);
		self.history.push_back((entry.clone(), self.state));
		if let Some((content, verdict, scores)) = entry {
			if let std::collections::btree_map::Entry::Vacant(e) = self.decided.entry(content) {
				e.insert(verdict);
				self.votes.remove(&content);
				self.events.push(Event::Executed { seq, content, verdict });
				let statement = VerdictStatement {
					content,
					verdict,
					model_hash: self.cfg.model_hash,
					era: self.cfg.era,
					scores: scores.clone(),
				};
				let signature = self.keys.sign(&statement.signing_payload(&self.cfg.genesis));
				let share = self.broadcast(Message::Share {
					content,
					verdict,
					scores: scores.clone(),
					signature,
				});
				self.my_shares.insert(content, share);
				self.shares
					.entry(content)
					.or_default()
					.insert(self.me, (verdict, scores, signature));
				self.try_certify(content);
			}
		}
		if seq.is_multiple_of(self.cfg.checkpoint_interval) {
			let message = Message::Checkpoint { seq, state: self.state };
			let signed = if checkpoint { self.broadcast(message) } else { self.sign(message) };
			self.my_checkpoints.insert(seq, signed.clone());
			self.checkpoints.entry(seq).or_default().insert(self.me, signed);
			self.check_stable(seq);
		}
		self.try_propose();
	}

	fn on_share(
		&mut self,
		from: ReplicaIndex,
		content: ContentId,
		verdict: Verdict,
		scores: Scores,
		signature: crate::Signature,
	) -> Result<(), Refused> {
		if !self.watched.contains(&content) {
			return Err(Refused::NotWatched);
		}
		let share = (verdict, scores, signature);
		let repeated = self.shares.get(&content).and_then(|s| s.get(&from)) == Some(&share);
		let (verdict, scores, signature) = share;
		if !repeated {
			let statement = VerdictStatement {
				content,
				verdict,
				model_hash: self.cfg.model_hash,
				era: self.cfg.era,
				scores: scores.clone(),
			};
			let public = self.cfg.members[from as usize];
			if !self.verifier.verify(
				&public,
				&statement.signing_payload(&self.cfg.genesis),
				&signature,
			) {
				return Err(Refused::BadSignature);
			}
			self.shares
				.entry(content)
				.or_default()
				.entry(from)
				.or_insert((verdict, scores, signature));
		}
		if repeated {
			if let Some(cert) = self.certificates.get(&content).cloned() {
				// It resends its share, so it lacks the certificate.
				self.send(from, Message::Certified(cert));
			}
		}
		self.try_certify(content);
		Ok(())
	}

	fn try_certify(&mut self, content: ContentId) {
		if self.certificates.contains_key(&content) {
			return;
		}
		let Some(shares) = self.shares.get(&content) else { return };
		// Shares sign one statement when verdict and scores are the same (honest members
		// executed the same entry; a byzantine one's other scores only make its share count
		// for nothing).
		let mut statements: Vec<(Verdict, Scores)> = Vec::new();
		for (v, s, _) in shares.values() {
			if !statements.iter().any(|(sv, ss)| sv == v && ss == s) {
				statements.push((*v, s.clone()));
			}
		}
		for (verdict, scores) in statements {
			let signatures: Vec<_> = shares
				.iter()
				.filter(|(_, (v, s, _))| *v == verdict && *s == scores)
				.map(|(i, (_, _, sig))| (self.cfg.members[*i as usize], *sig))
				.collect();
			if signatures.len() >= self.cfg.quorum() {
				let cert = Certificate {
					content,
					verdict,
					model_hash: self.cfg.model_hash,
					era: self.cfg.era,
					scores,
					signatures,
				};
				self.certificates.insert(content, cert.clone());
				self.events.push(Event::Certified(cert));
				self.settled(&content);
				return;
			}
		}
	}

	fn on_certified(&mut self, cert: Certificate) -> Result<(), Refused> {
		if !self.watched.contains(&cert.content) {
			return Err(Refused::NotWatched);
		}
		if self.certificates.contains_key(&cert.content) {
			return Ok(());
		}
		if cert.era != self.cfg.era || cert.model_hash != self.cfg.model_hash {
			return Err(Refused::BadProof("certificate of another era or model"));
		}
		let statement = VerdictStatement {
			content: cert.content,
			verdict: cert.verdict,
			model_hash: cert.model_hash,
			era: cert.era,
			scores: cert.scores.clone(),
		};
		let payload = statement.signing_payload(&self.cfg.genesis);
		let mut seen = BTreeSet::new();
		for (public, signature) in &cert.signatures {
			if !self.cfg.members.contains(public)
				|| !seen.insert(*public)
				|| !self.verifier.verify(public, &payload, signature)
			{
				return Err(Refused::BadProof("certificate signature"));
			}
		}
		if seen.len() < self.cfg.quorum() {
			return Err(Refused::BadProof("certificate without a quorum"));
		}
		let content = cert.content;
		self.certificates.insert(content, cert.clone());
		self.events.push(Event::Certified(cert));
		self.settled(&content);
		Ok(())
	}

	// ---- checkpoints and state transfer ----

	fn on_checkpoint(
		&mut self,
		from: ReplicaIndex,
		seq: Seq,
		signed: Signed,
	) -> Result<(), Refused> {
		if seq <= self.stable.seq || !seq.is_multiple_of(self.cfg.checkpoint_interval) {
			return Ok(());
		}
		// Bound what a faulty member can make us keep: its latest checkpoint only.
		let held = self.checkpoints.iter().find(|(_, m)| m.contains_key(&from)).map(|(s, _)| *s);
		match held {
			Some(s) if s >= seq => return Ok(()),
			Some(s) => {
				let msgs = self.checkpoints.get_mut(&s).expect("found above");
				msgs.remove(&from);
				if msgs.is_empty() {
					self.checkpoints.remove(&s);
				}
			}
			None => {}
		}
		self.checkpoints.entry(seq).or_default().insert(from, signed);
		self.check_stable(seq);
		Ok(())
	}

	fn check_stable(&mut self, seq: Seq) {
		let Some(msgs) = self.checkpoints.get(&seq) else { return };
		let mut by_state: BTreeMap<Digest, Vec<Signed>> = BTreeMap::new();
		for m in msgs.values() {
			if let Message::Checkpoint { state, .. } = m.message {
				by_state.entry(state).or_default().push(m.clone());
			}
		}
		let q = self.cfg.quorum();
		let Some((state, checkpoints)) = by_state.into_iter().find(|(_, m)| m.len() >= q) else {
			return;
		};
		let proof =
			CheckpointProof { seq, state, checkpoints: checkpoints.into_iter().take(q).collect() };
		if self.executed >= seq {
			let mine = self.my_checkpoints.get(&seq).map(|m| m.message.clone());
			if mine == Some(Message::Checkpoint { seq, state }) {
				self.make_stable(proof);
			}
		} else {
			self.start_catch_up(proof);
		}
	}

	fn make_stable(&mut self, proof: CheckpointProof) {
		if proof.seq <= self.stable.seq {
			return;
		}
		let seq = proof.seq;
		self.stable = proof;
		self.log.retain(|s, _| *s > seq);
		self.checkpoints.retain(|s, _| *s > seq);
		self.my_checkpoints.retain(|s, _| *s >= seq);
		while self.history_from + self.cfg.state_window < seq {
			let Some((_, digest)) = self.history.pop_front() else { break };
			self.history_from += 1;
			self.history_base = digest;
		}
		if self.catch_up.as_ref().is_some_and(|c| c.seq <= seq) {
			self.catch_up = None;
		}
		self.events.push(Event::Stable(seq));
		self.try_propose();
	}

	fn start_catch_up(&mut self, proof: CheckpointProof) {
		if self.catch_up.as_ref().is_some_and(|c| c.seq >= proof.seq) {
			return;
		}
		self.catch_up = Some(proof);
		self.request_state();
	}

	fn request_state(&mut self) {
		let Some(proof) = &self.catch_up else { return };
		let signers: Vec<ReplicaIndex> = proof.checkpoints.iter().map(|m| m.from).collect();
		if signers.is_empty() {
			return;
		}
		let to = signers[(self.catch_up_tries as usize) % signers.len()];
		self.catch_up_tries += 1;
		if to != self.me {
			self.send(to, Message::StateRequest { after: self.executed });
		}
	}

	fn on_state_request(&mut self, from: ReplicaIndex, after: Seq) -> Result<(), Refused> {
		if self.stable.seq <= after || self.stable.seq > self.executed {
			return Ok(());
		}
		if self.state_answered.get(&from).is_some_and(|t| self.now < t + self.cfg.retransmit) {
			return Err(Refused::TooFrequent);
		}
		self.state_answered.insert(from, self.now);
		// At most `state_window` entries, ending at the stable checkpoint.
		let start =
			after.max(self.history_from).max(self.stable.seq.saturating_sub(self.cfg.state_window));
		let base = match start - self.history_from {
			0 => self.history_base,
			i => self.history[i as usize - 1].1,
		};
		let entries = self
			.history
			.range(
				(start - self.history_from) as usize
					..(self.stable.seq - self.history_from) as usize,
			)
			.map(|(entry, _)| entry.clone())
			.collect();
		let proof = self.stable.clone();
		self.send(from, Message::StateReply { after: start, base, entries, proof });
		Ok(())
	}

	fn on_state_reply(
		&mut self,
		after: Seq,
		base: Digest,
		entries: Vec<Entry>,
		proof: CheckpointProof,
	) -> Result<(), Refused> {
		if proof.seq <= self.executed {
			return Ok(());
		}
		let len = entries.len() as Seq;
		if len > self.cfg.state_window {
			return Err(Refused::BadProof("state reply longer than the state window"));
		}
		if after.checked_add(len) != Some(proof.seq) {
			return Err(Refused::BadProof("state reply's entries do not end at its checkpoint"));
		}
		// A jump only when this replica asked, and over a whole window: an honest member that
		// holds the history always sends that much, and anything shorter would let a faulty
		// one make a replica skip entries it could still execute (and so never sign them).
		if after > self.executed && (self.catch_up.is_none() || len != self.cfg.state_window) {
			return Err(Refused::BadProof("state reply skips history without a whole window"));
		}
		self.check_checkpoint_proof(&proof)?;
		// Continue this replica's own history where the reply overlaps it, else jump to `base`.
		let (skip, mut state) = if after <= self.executed {
			((self.executed - after) as usize, self.state)
		} else {
			(0, base)
		};
		let start = state;
		for (i, entry) in entries.iter().enumerate().skip(skip) {
			state = next_state(&state, after + 1 + i as Seq, entry);
		}
		if state != proof.state {
			return Err(Refused::BadProof("state reply's entries do not hash to the checkpoint"));
		}
		if after > self.executed {
			// The entries between were executed by the quorum that signed the checkpoint; this
			// replica never executes them, so it signs nothing for them.
			self.events.push(Event::Skipped { from: self.executed + 1, to: after });
			self.executed = after;
			self.state = start;
			self.history.clear();
			self.history_from = after;
			self.history_base = start;
			self.log.retain(|s, _| *s > after);
		}
		for entry in entries.into_iter().skip(skip) {
			self.execute(entry, false);
		}
		self.events.push(Event::CaughtUp(proof.seq));
		self.make_stable(proof);
		self.execute_ready();
		Ok(())
	}

	// ---- view changes ----

	fn start_view_change(&mut self, view: View) {
		if matches!(self.status, Status::ViewChange(t) if t >= view) || view <= self.view {
			return;
		}
		self.status = Status::ViewChange(view);
		self.backoff += 1;
		self.deadline = Some(self.now + self.timeout());
		let stable = self.stable.clone();
		let prepared = self
			.log
			.iter()
			.filter(|(s, _)| **s > stable.seq)
			.filter_map(|(_, slot)| slot.prepared.clone())
			.collect();
		self.sending_in(view);
		let signed = self.broadcast(Message::ViewChange(ViewChange { view, stable, prepared }));
		self.my_view_change = Some(signed.clone());
		self.view_changes.entry(view).or_default().insert(self.me, signed);
		self.events.push(Event::ViewChangeStarted(view));
		self.try_new_view(view);
	}

	fn on_view_change(
		&mut self,
		from: ReplicaIndex,
		vc: ViewChange,
		signed: Signed,
	) -> Result<(), Refused> {
		if vc.view <= self.view {
			return Err(Refused::WrongView);
		}
		// Already holding this member's view change for this or a later view: nothing to check.
		if self.view_changes.range(vc.view..).any(|(_, m)| m.contains_key(&from)) {
			return Ok(());
		}
		self.check_view_change(&vc)?;
		// One view change per member is kept: its highest.
		for msgs in self.view_changes.values_mut() {
			if msgs
				.get(&from)
				.is_some_and(|m| matches!(&m.message, Message::ViewChange(o) if o.view < vc.view))
			{
				msgs.remove(&from);
			}
		}
		self.view_changes.retain(|_, m| !m.is_empty());
		if self.view_changes.values().any(|m| m.contains_key(&from)) {
			return Ok(());
		}
		self.view_changes.entry(vc.view).or_default().insert(from, signed);
		// f + 1 members want a later view: at least one honest member timed out, so join the
		// smallest such view rather than wait for our own timer.
		let target = match self.status {
			Status::Normal => Some(self.view),
			Status::ViewChange(t) => Some(t),
			Status::Recovering => None,
		};
		if let Some(target) = target {
			let later: Vec<View> = self
				.view_changes
				.range(target + 1..)
				.flat_map(|(v, m)| m.keys().filter(|i| **i != self.me).map(move |_| *v))
				.collect();
			if later.len() > self.cfg.f() {
				let smallest = *later.iter().min().expect("not empty");
				self.start_view_change(smallest);
			}
		}
		self.try_new_view(vc.view);
		Ok(())
	}

	fn try_new_view(&mut self, view: View) {
		if self.cfg.primary(view) != self.me || self.status != Status::ViewChange(view) {
			return;
		}
		let Some(msgs) = self.view_changes.get(&view) else { return };
		if msgs.len() < self.cfg.quorum() {
			return;
		}
		let view_changes: Vec<Signed> = msgs.values().take(self.cfg.quorum()).cloned().collect();
		let signed = self.broadcast(Message::NewView { view, view_changes: view_changes.clone() });
		self.enter_view(view, view_changes, signed);
	}

	fn on_new_view(
		&mut self,
		from: ReplicaIndex,
		view: View,
		view_changes: Vec<Signed>,
		signed: Signed,
	) -> Result<(), Refused> {
		let acceptable = match self.status {
			Status::Normal | Status::Recovering => view > self.view,
			Status::ViewChange(target) => view >= target,
		};
		if !acceptable {
			return Err(Refused::WrongView);
		}
		if from != self.cfg.primary(view) {
			return Err(Refused::NotPrimary);
		}
		let mut seen = BTreeSet::new();
		for m in &view_changes {
			let Message::ViewChange(vc) = &m.message else {
				return Err(Refused::BadProof("new view holds something else"));
			};
			if vc.view != view || !seen.insert(m.from) || !self.verify(m) {
				return Err(Refused::BadProof("new view's view changes"));
			}
			self.check_view_change(vc)?;
		}
		if seen.len() < self.cfg.quorum() {
			return Err(Refused::BadProof("new view without a quorum"));
		}
		self.enter_view(view, view_changes, signed);
		Ok(())
	}

	/// Starts `view` from a quorum of view changes. Every replica computes the same re-proposals
	/// from them: for each sequence number between the latest stable checkpoint and the highest
	/// prepared one, the proposal prepared in the highest view, or a null request. A proposal
	/// committed anywhere was prepared by `f + 1` honest members, one of whom is in any quorum,
	/// so it is carried over.
	fn enter_view(&mut self, view: View, view_changes: Vec<Signed>, signed: Signed) {
		let vcs: Vec<ViewChange> = view_changes
			.iter()
			.filter_map(|m| match &m.message {
				Message::ViewChange(vc) => Some(vc.clone()),
				_ => None,
			})
			.collect();
		let stable =
			vcs.iter().map(|vc| &vc.stable).max_by_key(|s| s.seq).cloned().expect("quorum");
		let min_s = stable.seq;
		let max_s = vcs
			.iter()
			.flat_map(|vc| vc.prepared.iter().map(|p| p.seq))
			.max()
			.unwrap_or(0)
			.max(min_s);
		let mut redo: BTreeMap<Seq, Option<Proposal>> = BTreeMap::new();
		for seq in min_s + 1..=max_s {
			let best = vcs
				.iter()
				.flat_map(|vc| vc.prepared.iter())
				.filter(|p| p.seq == seq)
				.max_by_key(|p| p.view)
				.and_then(|p| p.proposal.clone());
			redo.insert(seq, best);
		}

		self.view = view;
		self.status = Status::Normal;
		self.new_view = Some(signed);
		self.my_view_change = None;
		self.view_changes.retain(|v, _| *v > view);
		self.events.push(Event::ViewEntered(view));
		let now = self.now;
		self.waiting.values_mut().for_each(|t| *t = now);
		self.reset_timer();
		for slot in self.log.values_mut() {
			slot.prepares.retain(|(v, _), _| *v >= view);
			slot.commits.retain(|(v, _), _| *v >= view);
		}

		if min_s > self.stable.seq {
			if self.executed >= min_s {
				if self.my_checkpoints.get(&min_s).is_some_and(
					|m| matches!(m.message, Message::Checkpoint { state, .. } if state == stable.state),
				) {
					self.make_stable(stable);
				}
			} else {
				self.start_catch_up(stable);
			}
		}
		for (seq, proposal) in redo {
			if seq > self.stable.seq {
				self.accept(seq, proposal);
			}
		}
		self.next_seq = max_s.max(self.executed) + 1;
		self.try_propose();
	}

	// ---- retransmission ----

	/// Resends what others may have lost: votes and shares still waiting on a certificate, this
	/// view's ordering messages, checkpoints, a pending view change or new view, a state request.
	fn retransmit(&mut self) {
		let mut again: Vec<Signed> = Vec::new();
		for (content, vote) in &self.my_votes {
			if !self.certificates.contains_key(content) {
				again.push(vote.clone());
			}
		}
		for (content, share) in &self.my_shares {
			if !self.certificates.contains_key(content) {
				again.push(share.clone());
			}
		}
		match self.status {
			Status::Normal => {
				if self.is_primary() {
					again.extend(self.new_view.iter().cloned());
				}
				// Slots not executed here yet, every time; executed ones (which only a member that
				// lost messages still needs, until the next stable checkpoint) every fourth time.
				self.retransmits += 1;
				let all = self.retransmits.is_multiple_of(4);
				for (seq, slot) in &self.log {
					if all || *seq > self.executed {
						again.extend(
							slot.sent
								.iter()
								.filter(|m| message_view(m) == Some(self.view))
								.cloned(),
						);
					}
				}
			}
			Status::ViewChange(_) => again.extend(self.my_view_change.iter().cloned()),
			Status::Recovering => {}
		}
		again.extend(self.my_checkpoints.values().cloned());
		for m in again {
			self.out.push(Outbound::Broadcast(m));
		}
		if self.catch_up.as_ref().is_some_and(|c| c.seq > self.executed) {
			self.request_state();
		}
	}
}

fn message_view(m: &Signed) -> Option<View> {
	match m.message {
		Message::PrePrepare { view, .. }
		| Message::Prepare { view, .. }
		| Message::Commit { view, .. } => Some(view),
		_ => None,
	}
}

fn hex4(id: &[u8; 32]) -> String {
	id[..2].iter().map(|b| format!("{b:02x}")).collect()
}
