//! pBFT decisions per second and commit latency with 4 and 7 replicas, with the chain's
//! ed25519 keys, replicas exchanging messages in process (no sockets: this measures the
//! protocol and its signatures, not a transport). The baseline is the same machine signing and
//! verifying as many messages as the run exchanged, with nothing else: the ratio says how much
//! of the time is protocol bookkeeping beyond the cryptography it cannot avoid.

use pop_pbft::{Config, Ed25519, Keys, Outbound, Replica, Verdict, Verifier};
use std::{collections::VecDeque, sync::Arc, time::Instant};

struct Run {
	replicas: Vec<Replica>,
	sent: u64,
	delivered: u64,
}

fn setup(n: usize) -> Run {
	let pairs: Vec<sp_core::ed25519::Pair> = (0..n)
		.map(|i| <sp_core::ed25519::Pair as sp_core::Pair>::from_seed(&[i as u8 + 1; 32]))
		.collect();
	let members = pairs.iter().map(|p| Keys::public(p)).collect();
	let mut cfg = Config::new(1, members, [9; 32]);
	cfg.window = 1_024;
	cfg.checkpoint_interval = 128;
	let verifier: Arc<dyn Verifier> = Arc::new(Ed25519);
	let replicas = pairs
		.into_iter()
		.enumerate()
		.map(|(i, p)| Replica::new(cfg.clone(), i as u16, Box::new(p), verifier.clone(), 0))
		.collect();
	Run { replicas, sent: 0, delivered: 0 }
}

/// Delivers everything until quiet.
fn settle(run: &mut Run) {
	let n = run.replicas.len();
	let mut queue = VecDeque::new();
	loop {
		for i in 0..n {
			let (out, _) = run.replicas[i].drain();
			for o in out {
				run.sent += 1;
				match o {
					Outbound::Broadcast(m) => {
						(0..n).filter(|t| *t != i).for_each(|t| queue.push_back((t, m.clone())))
					}
					Outbound::Send(t, m) => queue.push_back((t as usize, m)),
				}
			}
		}
		let Some((to, m)) = queue.pop_front() else { break };
		run.delivered += 1;
		let _ = run.replicas[to].handle(0, m);
		while let Some((to, m)) = queue.pop_front() {
			run.delivered += 1;
			let _ = run.replicas[to].handle(0, m);
		}
	}
}

fn content(i: u64) -> [u8; 32] {
	*blake3::hash(&i.to_le_bytes()).as_bytes()
}

fn main() {
	for n in [4usize, 7] {
		// Throughput: a burst of contents, all scored at once.
		let burst = 300u64;
		let mut run = setup(n);
		let t = Instant::now();
		for c in 0..burst {
			for r in run.replicas.iter_mut() {
				r.score(0, content(c), Verdict::Approve);
			}
		}
		settle(&mut run);
		let elapsed = t.elapsed().as_secs_f64();
		assert!(
			(0..burst).all(|c| run.replicas.iter().all(|r| r.certificate(&content(c)).is_some())),
			"every content certified"
		);
		let (sent, delivered) = (run.sent, run.delivered);

		// Baseline: the same number of signatures and verifications, alone.
		let pair = <sp_core::ed25519::Pair as sp_core::Pair>::from_seed(&[1; 32]);
		let public = Keys::public(&pair);
		let payload = [5u8; 120];
		let t = Instant::now();
		let mut sig = Keys::sign(&pair, &payload);
		for _ in 1..sent {
			sig = Keys::sign(&pair, &payload);
		}
		for _ in 0..delivered {
			assert!(Ed25519.verify(&public, &payload, &sig));
		}
		let floor = t.elapsed().as_secs_f64();

		// Latency: one content at a time, from the scores to the first certificate.
		let mut run = setup(n);
		let mut latencies = Vec::new();
		for c in burst..burst + 50 {
			let t = Instant::now();
			for r in run.replicas.iter_mut() {
				r.score(0, content(c), Verdict::Reject);
			}
			settle(&mut run);
			latencies.push(t.elapsed().as_secs_f64());
			assert!(run.replicas[0].certificate(&content(c)).is_some());
		}
		latencies.sort_by(|a, b| a.partial_cmp(b).unwrap());
		println!(
			"n = {n}: {:.0} decisions/s ({burst} in {:.2} s, {sent} messages sent, {delivered} \
			 delivered); commit latency median {:.2} ms; ed25519 floor for those messages {:.2} s: \
			 ratio {:.2}",
			burst as f64 / elapsed,
			elapsed,
			latencies[latencies.len() / 2] * 1e3,
			floor,
			elapsed / floor
		);
	}
}
