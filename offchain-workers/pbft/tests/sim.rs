//! Deterministic simulation of the moderation set: replicas exchange messages over an
//! in-process network with random delays (so reordering), drops and partitions, while up to
//! `f` members are byzantine (silent, voting wrongly, or equivocating in every message they
//! send) or crash and restart without their log. Checked on every seed: no two certificates
//! (and no two honest executions) for one content carry different verdicts, every verdict was
//! scored by some honest replica (or is needs review), and once the network heals every
//! honest replica holds a certificate for every content.

use pop_pbft::{
	message::Proposal, verdict::aggregate, Certificate, Config, ContentId, Event, Keys, Message,
	Millis, Outbound, Public, Replica, ReplicaIndex, Signature, Signed, Verdict, VerdictStatement,
	Verifier,
};
use rand::{seq::SliceRandom, Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::{
	cmp::Reverse,
	collections::{BTreeMap, BinaryHeap, HashMap},
	sync::Arc,
};

/// Keyed-hash "signatures": unforgeable inside the simulation (only the owner and the
/// verifier know the secret) and a hundred times cheaper than ed25519, so that 500 seeds run
/// in seconds. `real_ed25519` below runs the same simulation with the chain's scheme.
struct SimKeys {
	secret: [u8; 32],
}

impl Keys for SimKeys {
	fn public(&self) -> Public {
		*blake3::hash(&self.secret).as_bytes()
	}
	fn sign(&self, payload: &[u8]) -> Signature {
		let mac = blake3::keyed_hash(&self.secret, payload);
		let mut sig = [0u8; 64];
		sig[..32].copy_from_slice(mac.as_bytes());
		sig
	}
}

struct SimVerifier {
	secrets: HashMap<Public, [u8; 32]>,
}

impl Verifier for SimVerifier {
	fn verify(&self, public: &Public, payload: &[u8], signature: &Signature) -> bool {
		self.secrets.get(public).is_some_and(|s| SimKeys { secret: *s }.sign(payload) == *signature)
	}
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Fault {
	None,
	/// Sends nothing at all.
	Silent,
	/// Follows the protocol but votes the opposite of what it scored.
	WrongVotes,
	/// Sends each member its own, often contradictory, version of every message.
	Equivocates,
	/// As primary, proposes to everyone the verdict its votes do not justify.
	Lies,
	/// Honest, but down from `.0` to `.1` and back without its log.
	Crashes(Millis, Millis),
}

struct Member {
	fault: Fault,
	replica: Replica,
	up: bool,
	sent_view: Option<u64>,
}

struct Net {
	rng: ChaCha8Rng,
	queue: BinaryHeap<Reverse<(Millis, u64, ReplicaIndex)>>,
	in_flight: HashMap<u64, Signed>,
	counter: u64,
	heal_at: Millis,
	drop_rate: f64,
	/// Partition side of each member while turbulent; `None`: no partition now.
	sides: Option<Vec<bool>>,
}

impl Net {
	fn send(&mut self, now: Millis, from: ReplicaIndex, to: ReplicaIndex, msg: Signed) {
		let turbulent = now < self.heal_at;
		if turbulent {
			if self.rng.gen_bool(self.drop_rate) {
				return;
			}
			if let Some(sides) = &self.sides {
				if sides[from as usize] != sides[to as usize] {
					return;
				}
			}
		}
		let delay = if turbulent { self.rng.gen_range(1..300) } else { self.rng.gen_range(1..30) };
		self.counter += 1;
		self.queue.push(Reverse((now + delay, self.counter, to)));
		self.in_flight.insert(self.counter, msg);
	}
}

/// The genesis hash of the chain the simulated set moderates for.
const GENESIS: [u8; 32] = [0x60; 32];
const CONTENTS: usize = 8;
/// The last contents are scored only after the network heals: deciding them needs ordering to
/// work again, not just certificates passed around.
const LATE: usize = 2;

fn content_id(i: usize) -> ContentId {
	*blake3::hash(&(i as u64).to_le_bytes()).as_bytes()
}

fn flip(v: Verdict) -> Verdict {
	match v {
		Verdict::Approve => Verdict::Reject,
		_ => Verdict::Approve,
	}
}

fn check_certificate(cert: &Certificate, cfg: &Config, verifier: &dyn Verifier) {
	let statement = VerdictStatement {
		content: cert.content,
		verdict: cert.verdict,
		model_hash: cert.model_hash,
		era: cert.era,
		scores: cert.scores.clone(),
	};
	for s in &cert.scores {
		assert!(cfg.members.contains(&s.member), "a score of a stranger");
	}
	let mut keys: Vec<Public> = cert.signatures.iter().map(|(k, _)| *k).collect();
	keys.sort();
	keys.dedup();
	assert_eq!(keys.len(), cert.signatures.len(), "duplicate signer");
	assert!(keys.len() >= cfg.quorum(), "certificate without a quorum");
	for (k, s) in &cert.signatures {
		assert!(cfg.members.contains(k));
		assert!(
			verifier.verify(k, &statement.signing_payload(&GENESIS), s),
			"bad certificate signature"
		);
	}
}

/// What a byzantine member does to one message for one recipient.
fn corrupt(rng: &mut ChaCha8Rng, keys: &dyn Keys, era: u32, msg: &Signed) -> Option<Signed> {
	let message = match msg.message.clone() {
		Message::Vote { content, verdict, model_hash, score } => Message::Vote {
			content,
			verdict: flip(verdict),
			model_hash,
			score: score.map(|s| s ^ 1),
		},
		Message::PrePrepare { view, seq, proposal } => {
			if rng.gen_bool(0.5) {
				Message::PrePrepare {
					view,
					seq,
					proposal: Proposal { verdict: flip(proposal.verdict), ..proposal },
				}
			} else {
				Message::PrePrepare { view, seq: seq + 1, proposal }
			}
		}
		Message::Prepare { view, seq, .. } => Message::Prepare { view, seq, digest: rng.gen() },
		Message::Commit { view, seq, .. } => Message::Commit { view, seq, digest: rng.gen() },
		Message::Checkpoint { seq, .. } => Message::Checkpoint { seq, state: rng.gen() },
		Message::Share { content, verdict, scores, .. } => {
			let verdict = flip(verdict);
			let statement = VerdictStatement {
				content,
				verdict,
				model_hash: [7; 32],
				era,
				scores: scores.clone(),
			};
			Message::Share {
				content,
				verdict,
				scores,
				signature: keys.sign(&statement.signing_payload(&GENESIS)),
			}
		}
		Message::ViewChange(mut vc) => {
			vc.prepared.clear();
			Message::ViewChange(vc)
		}
		Message::NewView { .. } => return None,
		other => other,
	};
	let signature =
		keys.sign(&pop_pbft::message::signing_payload(&GENESIS, era, msg.from, &message));
	Some(Signed { from: msg.from, message, signature })
}

struct Outcome {
	view_changes: u64,
	decided_at: Millis,
	/// Honest replicas that jumped over history they never executed (bounded state replies).
	jumps: u64,
}

/// Makes member `i`'s signing keys.
type KeyMaker = Box<dyn Fn(usize) -> Box<dyn Keys>>;

fn simulate(seed: u64, n: usize, verifier_kind: VerifierKind) -> Outcome {
	let mut rng = ChaCha8Rng::seed_from_u64(seed);
	let era = 3;
	let model_hash = [7u8; 32];
	let secrets: Vec<[u8; 32]> = (0..n).map(|_| rng.gen()).collect();
	let (members, verifier, make_keys): (Vec<Public>, Arc<dyn Verifier>, KeyMaker) =
		match verifier_kind {
			VerifierKind::Sim => {
				let members = secrets.iter().map(|s| SimKeys { secret: *s }.public()).collect();
				let table = secrets.iter().map(|s| (SimKeys { secret: *s }.public(), *s)).collect();
				let s2 = secrets.clone();
				(
					members,
					Arc::new(SimVerifier { secrets: table }),
					Box::new(move |i| Box::new(SimKeys { secret: s2[i] }) as Box<dyn Keys>),
				)
			}
			VerifierKind::Ed25519 => {
				let pairs: Vec<sp_core::ed25519::Pair> = secrets
					.iter()
					.map(<sp_core::ed25519::Pair as sp_core::Pair>::from_seed)
					.collect();
				let members = pairs.iter().map(Keys::public).collect();
				(
					members,
					Arc::new(pop_pbft::Ed25519),
					Box::new(move |i| Box::new(pairs[i]) as Box<dyn Keys>),
				)
			}
		};
	let mut cfg = Config::new(GENESIS, era, members, model_hash);
	cfg.checkpoint_interval = 4;
	cfg.window = 8;
	// A replica that crashed catches up from one-entry replies, so it jumps whenever it is
	// further behind than that.
	cfg.state_window = 1;
	cfg.view_timeout = 1_500;
	cfg.retransmit = 400;
	let f = cfg.f();
	// Some seeds cut one member off alone for a long time (it asks for view after view while
	// the others go on), the rest redraw random partitions every second.
	let isolated = rng.gen_bool(0.25).then(|| rng.gen_range(0..n));
	let heal_at: Millis = if isolated.is_some() {
		rng.gen_range(20_000..40_000)
	} else {
		rng.gen_range(2_000..12_000)
	};

	// Up to f faulty members, of any kind.
	let mut faults = vec![Fault::None; n];
	let faulty = rng.gen_range(0..=f);
	let mut order: Vec<usize> = (0..n).collect();
	order.shuffle(&mut rng);
	for &i in order.iter().take(faulty) {
		faults[i] = match rng.gen_range(0..5) {
			0 => Fault::Silent,
			1 => Fault::WrongVotes,
			2 => Fault::Equivocates,
			3 => Fault::Lies,
			_ => {
				let down = rng.gen_range(0..heal_at.max(1));
				Fault::Crashes(down, down + rng.gen_range(500..6_000))
			}
		};
	}

	// What each honest member scores: most content unanimously, some split between two
	// verdicts (scores near a threshold's band).
	let mut scores = vec![vec![Verdict::Approve; CONTENTS]; n];
	for c in 0..CONTENTS {
		let all = [Verdict::Approve, Verdict::Reject, Verdict::NeedsReview];
		let main = *all.choose(&mut rng).unwrap();
		let split = rng.gen_bool(0.25);
		let other = *all.choose(&mut rng).unwrap();
		for r in scores.iter_mut() {
			r[c] = if split && rng.gen_bool(0.5) { other } else { main };
		}
	}
	let score_at: Vec<Vec<Millis>> = (0..n)
		.map(|_| {
			(0..CONTENTS)
				.map(|c| {
					if c < CONTENTS - LATE {
						rng.gen_range(0..3_000)
					} else {
						heal_at + rng.gen_range(0..2_000)
					}
				})
				.collect()
		})
		.collect();

	let mut members: Vec<Member> = (0..n)
		.map(|i| {
			let mut replica =
				Replica::new(cfg.clone(), i as ReplicaIndex, make_keys(i), verifier.clone(), 0);
			for c in 0..CONTENTS {
				replica.watch(content_id(c));
			}
			Member { fault: faults[i], replica, up: true, sent_view: None }
		})
		.collect();
	let byz_keys: Vec<Box<dyn Keys>> = (0..n).map(&make_keys).collect();

	let mut net = Net {
		rng: ChaCha8Rng::seed_from_u64(seed ^ 0x5eed),
		queue: BinaryHeap::new(),
		in_flight: HashMap::new(),
		counter: 0,
		heal_at,
		drop_rate: rng.gen_range(0.0..0.3),
		sides: None,
	};

	let honest = |f: Fault| matches!(f, Fault::None | Fault::Crashes(..));
	let mut certified: BTreeMap<ContentId, Verdict> = BTreeMap::new();
	let mut executed: BTreeMap<ContentId, Verdict> = BTreeMap::new();
	let mut view_changes = 0u64;
	let mut jumps = 0u64;
	let step = 10;
	let limit = heal_at + 180_000;
	let mut now: Millis = 0;
	let mut scored = vec![vec![false; CONTENTS]; n];
	loop {
		// Partitions come and go while turbulent.
		if now < heal_at && now.is_multiple_of(1_000) {
			net.sides = match isolated {
				Some(alone) => Some((0..n).map(|i| i == alone).collect()),
				None => rng.gen_bool(0.4).then(|| (0..n).map(|_| rng.gen_bool(0.5)).collect()),
			};
		}
		if now >= heal_at {
			net.sides = None;
		}
		// Crashes and restarts.
		for (i, m) in members.iter_mut().enumerate() {
			if let Fault::Crashes(down, up) = m.fault {
				if m.up && now >= down && now < up {
					m.up = false;
				} else if !m.up && now >= up {
					m.up = true;
					m.replica = Replica::recover(
						cfg.clone(),
						i as ReplicaIndex,
						make_keys(i),
						verifier.clone(),
						now,
						m.sent_view,
					);
					for c in 0..CONTENTS {
						m.replica.watch(content_id(c));
					}
					scored[i] = vec![false; CONTENTS];
				}
			}
		}
		// Scoring.
		for i in 0..n {
			if !members[i].up || members[i].fault == Fault::Silent {
				continue;
			}
			for c in 0..CONTENTS {
				if !scored[i][c] && now >= score_at[i][c] {
					scored[i][c] = true;
					let mut v = scores[i][c];
					if members[i].fault == Fault::WrongVotes {
						v = flip(v);
					}
					members[i].replica.score(now, content_id(c), v, Some(1_000 * i as u32));
				}
			}
		}
		// Delivery.
		while net.queue.peek().is_some_and(|Reverse((t, ..))| *t <= now) {
			let Reverse((_, id, to)) = net.queue.pop().unwrap();
			let msg = net.in_flight.remove(&id).unwrap();
			let m = &mut members[to as usize];
			if m.up && m.fault != Fault::Silent {
				let _ = m.replica.handle(now, msg);
			}
		}
		for m in members.iter_mut() {
			if m.up && m.fault != Fault::Silent {
				m.replica.tick(now);
			}
		}
		// Outputs.
		for i in 0..n {
			let (out, events) = members[i].replica.drain();
			let fault = members[i].fault;
			if !members[i].up || fault == Fault::Silent {
				continue;
			}
			for e in events {
				match e {
					Event::SendingInView(v) => members[i].sent_view = Some(v),
					Event::ViewChangeStarted(_) if honest(fault) => view_changes += 1,
					Event::Skipped { .. } if honest(fault) => jumps += 1,
					Event::Certified(cert) if honest(fault) => {
						check_certificate(&cert, &cfg, &*verifier);
						let prior = *certified.entry(cert.content).or_insert(cert.verdict);
						assert_eq!(prior, cert.verdict, "seed {seed}: two certified verdicts");
					}
					Event::Executed { content, verdict, .. } if honest(fault) => {
						let prior = *executed.entry(content).or_insert(verdict);
						assert_eq!(prior, verdict, "seed {seed}: two executed verdicts");
					}
					_ => {}
				}
			}
			for o in out {
				let o = match o {
					Outbound::Broadcast(m) if fault == Fault::Lies => {
						let m = match m.message.clone() {
							Message::PrePrepare { view, seq, proposal } => {
								let message = Message::PrePrepare {
									view,
									seq,
									proposal: Proposal {
										verdict: flip(proposal.verdict),
										..proposal
									},
								};
								let payload = pop_pbft::message::signing_payload(
									&GENESIS, era, m.from, &message,
								);
								Signed {
									from: m.from,
									message,
									signature: byz_keys[i].sign(&payload),
								}
							}
							_ => m,
						};
						Outbound::Broadcast(m)
					}
					o => o,
				};
				let (targets, msg): (Vec<ReplicaIndex>, Signed) = match o {
					Outbound::Broadcast(m) => {
						((0..n as ReplicaIndex).filter(|t| *t as usize != i).collect(), m)
					}
					Outbound::Send(t, m) => (vec![t], m),
				};
				for t in targets {
					let msg = if fault == Fault::Equivocates && net.rng.gen_bool(0.5) {
						match corrupt(&mut net.rng, &*byz_keys[i], era, &msg) {
							Some(m) => m,
							None => continue,
						}
					} else {
						msg.clone()
					};
					net.send(now, i as ReplicaIndex, t, msg);
				}
			}
		}
		// Done when every always-honest member holds a certificate for every content.
		let done = members
			.iter()
			.filter(|m| m.fault == Fault::None)
			.all(|m| (0..CONTENTS).all(|c| m.replica.certificate(&content_id(c)).is_some()));
		if done && now >= heal_at {
			break;
		}
		now += step;
		if now >= limit {
			for m in &members {
				eprintln!("{:?} {}", m.fault, m.replica.summary());
			}
		}
		assert!(
			now < limit,
			"seed {seed}: not decided {} s after the network healed (n {n}, faults {faults:?}, \
			 certified {}/{CONTENTS}, views {:?}, statuses {:?})",
			(limit - heal_at) / 1000,
			certified.len(),
			members.iter().map(|m| m.replica.view()).collect::<Vec<_>>(),
			members.iter().map(|m| m.replica.status()).collect::<Vec<_>>(),
		);
	}

	// Validity: every certified verdict is one some honest member scored, or needs review;
	// when the honest members agree, it is theirs.
	for c in 0..CONTENTS {
		let verdict = certified[&content_id(c)];
		let honest_scores: Vec<Verdict> =
			(0..n).filter(|i| honest(faults[*i])).map(|i| scores[i][c]).collect();
		let unanimous = honest_scores.iter().all(|v| *v == honest_scores[0]);
		if unanimous {
			assert_eq!(
				verdict, honest_scores[0],
				"seed {seed}: honest members agreed on another verdict"
			);
		} else {
			assert!(
				verdict == Verdict::NeedsReview || honest_scores.contains(&verdict),
				"seed {seed}: {verdict:?} scored by no honest member"
			);
		}
		// Every always-honest member executed the same verdict or learned the certificate.
		for m in members.iter().filter(|m| m.fault == Fault::None) {
			if let Some(v) = m.replica.decided(&content_id(c)) {
				assert_eq!(
					v, verdict,
					"seed {seed}: an honest execution differs from the certificate"
				);
			}
			assert!(m.replica.log_len() as u64 <= cfg.window + cfg.checkpoint_interval);
		}
	}
	Outcome { view_changes, decided_at: now - heal_at.min(now), jumps }
}

#[derive(Clone, Copy)]
enum VerifierKind {
	Sim,
	Ed25519,
}

fn run_seeds(range: std::ops::Range<u64>, n: usize) {
	let (mut vcs, mut worst, mut jumps) = (0, 0, 0);
	for seed in range.clone() {
		let o = simulate(seed, n, VerifierKind::Sim);
		vcs += o.view_changes;
		jumps += o.jumps;
		worst = worst.max(o.decided_at);
	}
	println!(
		"n = {n}, seeds {range:?}: all safe and decided; {vcs} view changes started by honest \
		 members; {jumps} jumps over missed history; slowest decision {worst} ms after healing"
	);
	assert!(jumps > 0, "no seed exercised a bounded state reply");
}

#[test]
fn four_replicas_250_seeds() {
	run_seeds(0..250, 4);
}

#[test]
fn seven_replicas_250_seeds() {
	run_seeds(1_000..1_250, 7);
}

#[test]
fn real_ed25519_signatures() {
	for seed in 5_000..5_010 {
		simulate(seed, 4, VerifierKind::Ed25519);
	}
}

/// Four members' secrets, public keys, and the verifier that knows them.
fn four_members() -> (Vec<[u8; 32]>, Vec<Public>, Arc<dyn Verifier>) {
	let secrets: Vec<[u8; 32]> = (0..4u8).map(|i| [i + 1; 32]).collect();
	let members: Vec<Public> = secrets.iter().map(|s| SimKeys { secret: *s }.public()).collect();
	let verifier: Arc<dyn Verifier> = Arc::new(SimVerifier {
		secrets: secrets.iter().map(|s| (SimKeys { secret: *s }.public(), *s)).collect(),
	});
	(secrets, members, verifier)
}

/// A primary that proposes a verdict its votes do not justify is refused by every backup.
#[test]
fn unjustified_proposal_is_refused() {
	let (secrets, members, verifier) = four_members();
	let cfg = Config::new(GENESIS, 1, members, [7; 32]);
	let content = content_id(0);
	let sign = |i: usize, message: Message| {
		let signature = SimKeys { secret: secrets[i] }
			.sign(&pop_pbft::message::signing_payload(&GENESIS, 1, i as u16, &message));
		Signed { from: i as u16, message, signature }
	};
	let vote = |i: usize, verdict| {
		sign(i, Message::Vote { content, verdict, model_hash: [7; 32], score: Some(10) })
	};
	let mut backup =
		Replica::new(cfg.clone(), 1, Box::new(SimKeys { secret: secrets[1] }), verifier, 0);
	backup.watch(content);
	// Three honest votes to approve, the byzantine primary proposes rejection.
	let votes =
		vec![vote(1, Verdict::Approve), vote(2, Verdict::Approve), vote(3, Verdict::Approve)];
	assert_eq!(aggregate(&[Verdict::Approve; 3], cfg.f()), Verdict::Approve);
	let forged =
		Proposal { content, verdict: Verdict::Reject, model_hash: [7; 32], votes: votes.clone() };
	let r = backup.handle(0, sign(0, Message::PrePrepare { view: 0, seq: 1, proposal: forged }));
	assert!(matches!(r, Err(pop_pbft::Refused::BadProposal(_))), "{r:?}");
	// Its own reject vote plus one approval is no quorum.
	let thin = Proposal {
		content,
		verdict: Verdict::NeedsReview,
		model_hash: [7; 32],
		votes: vec![vote(0, Verdict::Reject), votes[0].clone()],
	};
	let r = backup.handle(0, sign(0, Message::PrePrepare { view: 0, seq: 1, proposal: thin }));
	assert!(matches!(r, Err(pop_pbft::Refused::BadProposal(_))), "{r:?}");
	// A vote signed by someone else under member 2's index.
	let mut stolen = votes.clone();
	stolen[1].message =
		Message::Vote { content, verdict: Verdict::Reject, model_hash: [7; 32], score: Some(10) };
	let p = Proposal { content, verdict: Verdict::Approve, model_hash: [7; 32], votes: stolen };
	let r = backup.handle(0, sign(0, Message::PrePrepare { view: 0, seq: 1, proposal: p }));
	assert!(matches!(r, Err(pop_pbft::Refused::BadProposal(_))), "{r:?}");
	// The justified proposal, signed by the set's real keys for another chain (a test
	// network's instance replayed here): refused.
	let good = Proposal { content, verdict: Verdict::Approve, model_hash: [7; 32], votes };
	let message = Message::PrePrepare { view: 0, seq: 1, proposal: good.clone() };
	let signature = SimKeys { secret: secrets[0] }.sign(&pop_pbft::message::signing_payload(
		&[0x7e; 32],
		1,
		0,
		&message,
	));
	let r = backup.handle(0, Signed { from: 0, message, signature });
	assert!(matches!(r, Err(pop_pbft::Refused::BadSignature)), "{r:?}");
	// The justified proposal for this chain is prepared.
	backup.handle(0, sign(0, Message::PrePrepare { view: 0, seq: 1, proposal: good })).unwrap();
	let (out, _) = backup.drain();
	assert!(out.iter().any(
		|o| matches!(o, Outbound::Broadcast(s) if matches!(s.message, Message::Prepare { seq: 1, .. }))
	));
	// A second, different proposal for the same slot is equivocation.
	let other_content = content_id(1);
	let other_votes = (1..4)
		.map(|i| {
			sign(
				i,
				Message::Vote {
					content: other_content,
					verdict: Verdict::Reject,
					model_hash: [7; 32],
					score: None,
				},
			)
		})
		.collect();
	let other = Proposal {
		content: other_content,
		verdict: Verdict::Reject,
		model_hash: [7; 32],
		votes: other_votes,
	};
	let r = backup.handle(0, sign(0, Message::PrePrepare { view: 0, seq: 1, proposal: other }));
	assert_eq!(r, Err(pop_pbft::Refused::Equivocation));
}

/// One replica for each of `secrets`, all at time 0.
fn replicas(cfg: &Config, secrets: &[[u8; 32]], verifier: &Arc<dyn Verifier>) -> Vec<Replica> {
	(0..secrets.len())
		.map(|i| {
			let keys = Box::new(SimKeys { secret: secrets[i] });
			Replica::new(cfg.clone(), i as u16, keys, verifier.clone(), 0)
		})
		.collect()
}

/// A byzantine member floods state-transfer requests: the honest replica answers one per
/// retransmit interval and refuses the rest, so the flood costs it a signature check each, not
/// its history each.
#[test]
fn state_requests_are_answered_once_per_interval() {
	let (secrets, members, verifier) = four_members();
	let mut cfg = Config::new(GENESIS, 1, members, [7; 32]);
	cfg.checkpoint_interval = 2;
	let mut replicas = replicas(&cfg, &secrets, &verifier);
	// Four contents decided by all: two checkpoints become stable.
	for c in 0..4 {
		for r in replicas.iter_mut() {
			r.watch(content_id(c));
		}
		for r in replicas.iter_mut() {
			r.score(0, content_id(c), Verdict::Approve, None);
		}
	}
	let mut stable = 0;
	for round in 0..200u64 {
		let now = round * 10;
		let mut mail: Vec<(usize, Signed)> = Vec::new();
		for (i, r) in replicas.iter_mut().enumerate() {
			r.tick(now);
			let (out, events) = r.drain();
			if i == 0 {
				for e in events {
					if let Event::Stable(seq) = e {
						stable = stable.max(seq);
					}
				}
			}
			for o in out {
				match o {
					Outbound::Broadcast(s) => {
						mail.extend((0..4).filter(|j| *j != i).map(|j| (j, s.clone())))
					}
					Outbound::Send(to, s) => mail.push((to as usize, s)),
				}
			}
		}
		for (to, s) in mail {
			let _ = replicas[to].handle(now, s);
		}
		if stable >= 4 {
			break;
		}
	}
	assert!(stable >= 2, "a checkpoint became stable: {stable}");
	let now = 10_000;
	replicas[0].drain();
	let request = || {
		let message = Message::StateRequest { after: 0 };
		let signature = SimKeys { secret: secrets[3] }
			.sign(&pop_pbft::message::signing_payload(&GENESIS, 1, 3, &message));
		Signed { from: 3, message, signature }
	};
	let refused = (0..100)
		.filter(|_| {
			matches!(replicas[0].handle(now, request()), Err(pop_pbft::Refused::TooFrequent))
		})
		.count();
	let (out, _) = replicas[0].drain();
	let replies = out
		.iter()
		.filter(
			|o| matches!(o, Outbound::Send(3, s) if matches!(s.message, Message::StateReply { .. })),
		)
		.count();
	assert_eq!((replies, refused), (1, 99));
	// After the interval, one more.
	assert!(replicas[0].handle(now + cfg.retransmit, request()).is_ok());
}

/// Runs `replicas` for `rounds` rounds of 10 ms, delivering every message at once except those
/// `cut` says are lost; `seen` sees every message sent and every event, with its replica.
fn exchange(
	replicas: &mut [Replica],
	start: Millis,
	rounds: u64,
	cut: impl Fn(usize, usize) -> bool,
	mut seen: impl FnMut(usize, Option<&Signed>, Option<&Event>),
) {
	let n = replicas.len();
	for round in 0..rounds {
		let now = start + round * 10;
		let mut mail: Vec<(usize, usize, Signed)> = Vec::new();
		for (i, r) in replicas.iter_mut().enumerate() {
			r.tick(now);
			let (out, events) = r.drain();
			for e in &events {
				seen(i, None, Some(e));
			}
			for o in out {
				match o {
					Outbound::Broadcast(s) => {
						mail.extend((0..n).filter(|j| *j != i).map(|j| (i, j, s.clone())))
					}
					Outbound::Send(to, s) => mail.push((i, to as usize, s)),
				}
			}
		}
		for (from, to, s) in mail {
			seen(from, Some(&s), None);
			if !cut(from, to) {
				let _ = replicas[to].handle(now, s);
			}
		}
	}
}

/// A member that was cut off while the others decided 40 contents catches up from state
/// replies that never carry more than `state_window` entries, however long the history: it
/// jumps over what it missed and then decides new content with the others.
#[test]
fn state_replies_are_bounded_and_a_far_behind_member_still_catches_up() {
	let (secrets, members, verifier) = four_members();
	let mut cfg = Config::new(GENESIS, 1, members, [7; 32]);
	cfg.checkpoint_interval = 2;
	cfg.state_window = 4;
	let mut replicas: Vec<Replica> = (0..4)
		.map(|i| {
			let keys = Box::new(SimKeys { secret: secrets[i] });
			Replica::new(cfg.clone(), i as u16, keys, verifier.clone(), 0)
		})
		.collect();
	let behind = 3;
	let cut_off = |from: usize, to: usize| from == behind || to == behind;
	for c in 0..40 {
		for r in replicas.iter_mut().take(3) {
			r.watch(content_id(c));
			r.score(0, content_id(c), Verdict::Approve, None);
		}
	}
	exchange(&mut replicas, 0, 300, cut_off, |_, _, _| {});
	let done = replicas[0].executed();
	assert!(done >= 40 && replicas[0].stable_seq() >= 38, "the three decided: {done}");
	assert_eq!(replicas[behind].executed(), 0);

	// Reconnected: every state reply is at most 4 entries long, and the member skips ahead.
	let (mut longest, mut replies, mut skipped) = (0, 0, None);
	let (mut reply, mut checkpoints) = (None, Vec::new());
	exchange(
		&mut replicas,
		3_000,
		200,
		|_, _| false,
		|i, message, event| {
			if let Some(m @ Signed { message: Message::StateReply { entries, .. }, .. }) = message {
				longest = longest.max(entries.len());
				replies += 1;
				reply.get_or_insert_with(|| m.clone());
			}
			if let Some(m @ Signed { message: Message::Checkpoint { .. }, .. }) = message {
				checkpoints.push(m.clone());
			}
			if let (true, Some(Event::Skipped { from, to })) = (i == behind, event) {
				skipped = Some((*from, *to));
			}
		},
	);
	assert!(replies >= 1, "state was transferred");
	assert!(longest <= 4, "a state reply carried {longest} entries");
	let (from, to) = skipped.expect("the member jumped over what it missed");
	assert_eq!(from, 1);
	assert!(to + 4 >= replicas[0].stable_seq(), "jumped to the window below the checkpoint");
	assert_eq!(replicas[behind].stable_seq(), replicas[0].stable_seq());
	assert_eq!(replicas[behind].executed(), replicas[behind].stable_seq());

	// A faulty member cannot make a replica skip with a short reply: an empty "jump" to a
	// real checkpoint is refused, also once the replica is catching up; the real reply works.
	let reply = reply.expect("a state reply");
	let Message::StateReply { proof, .. } = reply.message.clone() else { unreachable!() };
	let forged = || {
		let message = Message::StateReply {
			after: proof.seq,
			base: proof.state,
			entries: vec![],
			proof: proof.clone(),
		};
		let signature = SimKeys { secret: secrets[reply.from as usize] }
			.sign(&pop_pbft::message::signing_payload(&GENESIS, 1, reply.from, &message));
		Signed { from: reply.from, message, signature }
	};
	let keys = Box::new(SimKeys { secret: secrets[behind] });
	let mut fresh = Replica::new(cfg.clone(), behind as u16, keys, verifier.clone(), 0);
	let skips =
		Err(pop_pbft::Refused::BadProof("state reply skips history without a whole window"));
	assert_eq!(fresh.handle(10, forged()), skips);
	let at_proof =
		|c: &&Signed| matches!(c.message, Message::Checkpoint { seq, .. } if seq == proof.seq);
	for c in checkpoints.iter().filter(at_proof) {
		let _ = fresh.handle(10, c.clone());
	}
	assert_eq!(fresh.handle(20, forged()), skips);
	assert_eq!(fresh.executed(), 0, "nothing skipped");
	assert_eq!(fresh.handle(30, reply.clone()), Ok(()));
	assert_eq!(fresh.executed(), proof.seq, "the real reply is used");

	// New content: the member that jumped votes, executes and signs like the others.
	for r in replicas.iter_mut() {
		r.watch(content_id(100));
		r.score(5_000, content_id(100), Verdict::Reject, Some(900_000));
	}
	let mut executed = false;
	exchange(
		&mut replicas,
		5_000,
		200,
		|_, _| false,
		|i, _, event| {
			if let (true, Some(Event::Executed { content, verdict, .. })) = (i == behind, event) {
				executed |= *content == content_id(100) && *verdict == Verdict::Reject;
			}
		},
	);
	assert!(executed, "the member that jumped executed the new content");
	assert!(replicas[behind].certificate(&content_id(100)).is_some());
}

/// A state reply longer than the state window is refused by name before anything in it is
/// checked or used.
#[test]
fn an_oversized_state_reply_is_refused_and_changes_nothing() {
	let (secrets, members, verifier) = four_members();
	let mut cfg = Config::new(GENESIS, 1, members, [7; 32]);
	cfg.state_window = 4;
	let keys = Box::new(SimKeys { secret: secrets[0] });
	let mut replica = Replica::new(cfg, 0, keys, verifier, 0);
	let entries = (0..5).map(|c| Some((content_id(c), Verdict::Approve, vec![]))).collect();
	let proof = pop_pbft::message::CheckpointProof { seq: 5, state: [9; 32], checkpoints: vec![] };
	let message = Message::StateReply { after: 0, base: [0; 32], entries, proof };
	let signature = SimKeys { secret: secrets[1] }
		.sign(&pop_pbft::message::signing_payload(&GENESIS, 1, 1, &message));
	let refused = replica.handle(10, Signed { from: 1, message, signature });
	assert_eq!(
		refused,
		Err(pop_pbft::Refused::BadProof("state reply longer than the state window"))
	);
	assert_eq!((replica.executed(), replica.stable_seq()), (0, 0));
	assert!(replica.drain().1.is_empty(), "no event");
}

/// Each member's score travels in its vote and the certificate carries the scores of the
/// decided proposal's votes, in the set's order, under the signatures; a vote with a score
/// above one million parts per million is refused, so it never reaches the chain (which would
/// refuse the certificate).
#[test]
fn the_certificate_carries_the_votes_scores() {
	let (secrets, members, verifier) = four_members();
	let cfg = Config::new(GENESIS, 1, members.clone(), [7; 32]);
	let mut replicas = replicas(&cfg, &secrets, &verifier);
	let c = content_id(3);
	for r in replicas.iter_mut() {
		r.watch(c);
	}
	for (i, r) in replicas.iter_mut().enumerate() {
		// Member 3 ran no classifier; the others scored 0.0100 + i %.
		let score = (i < 3).then_some(10_000 + 10_000 * i as u32);
		r.score(0, c, Verdict::Approve, score);
	}
	let mut certs = Vec::new();
	exchange(
		&mut replicas,
		0,
		100,
		|_, _| false,
		|_, _, e| {
			if let Some(Event::Certified(cert)) = e {
				certs.push(cert.clone());
			}
		},
	);
	assert!(!certs.is_empty(), "certified");
	for cert in &certs {
		check_certificate(cert, &cfg, &*verifier);
		assert!(cert.scores.len() >= cfg.quorum(), "a quorum of votes: {:?}", cert.scores);
		// In the set's order, each the member's own.
		let order: Vec<usize> = cert
			.scores
			.iter()
			.map(|s| members.iter().position(|m| *m == s.member).unwrap())
			.collect();
		assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
		for (i, s) in order.iter().zip(&cert.scores) {
			assert_eq!(s.score, (*i < 3).then_some(10_000 + 10_000 * *i as u32));
		}
	}
	// Every replica certified the same scores.
	assert!(certs.iter().all(|c| c.scores == certs[0].scores));

	// A vote claiming more than certainty is refused before it can go into a proposal.
	let other = content_id(4);
	replicas[0].watch(other);
	let vote = Message::Vote {
		content: other,
		verdict: Verdict::Reject,
		model_hash: [7; 32],
		score: Some(1_000_001),
	};
	let signature = SimKeys { secret: secrets[1] }
		.sign(&pop_pbft::message::signing_payload(&GENESIS, 1, 1, &vote));
	assert!(replicas[0].handle(2_000, Signed { from: 1, message: vote, signature }).is_err());
}
