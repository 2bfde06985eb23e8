//! pBFT decisions per second and commit latency with 4 and 7 replicas, with the chain's
//! ed25519 keys: over libp2p on loopback (one TCP + noise + yamux node per replica, as the
//! sidecars run), against the same replicas exchanging messages in process (the baseline: the
//! protocol and its signatures alone). Also the ed25519 work those messages need, alone.

use codec::Encode;
use pop_pbft::{Config, Ed25519, Event, Keys, Outbound, Replica, Verdict, Verifier};
use pop_superdelegate::mesh::{run, Inputs, Member, Mesh};
use pop_swarm::network::{fresh_identity, NetConfig, Network};
use std::{
	collections::{HashSet, VecDeque},
	sync::Arc,
	time::{Duration, Instant},
};
use tokio::sync::mpsc;

const BURST: u64 = 200;
const SEQUENTIAL: u64 = 30;

fn content(i: u64) -> [u8; 32] {
	*blake3::hash(&i.to_le_bytes()).as_bytes()
}

fn replicas(n: usize) -> Vec<Replica> {
	let pairs: Vec<sp_core::ed25519::Pair> = (0..n)
		.map(|i| <sp_core::ed25519::Pair as sp_core::Pair>::from_seed(&[i as u8 + 1; 32]))
		.collect();
	let cfg = Config::new([0x60; 32], 1, pairs.iter().map(Keys::public).collect(), [9; 32]);
	let verifier: Arc<dyn Verifier> = Arc::new(Ed25519);
	pairs
		.into_iter()
		.enumerate()
		.map(|(i, p)| {
			let mut r = Replica::new(cfg.clone(), i as u16, Box::new(p), verifier.clone(), 0);
			for c in 0..BURST + SEQUENTIAL {
				r.watch(content(c));
			}
			r
		})
		.collect()
}

/// In process: delivers everything until quiet. Returns (messages sent, delivered).
fn settle(replicas: &mut [Replica]) -> (u64, u64) {
	let n = replicas.len();
	let (mut sent, mut delivered) = (0, 0);
	let mut queue = VecDeque::new();
	loop {
		for (i, replica) in replicas.iter_mut().enumerate() {
			let (out, _) = replica.drain();
			for o in out {
				sent += 1;
				match o {
					Outbound::Broadcast(m) => {
						(0..n).filter(|t| *t != i).for_each(|t| queue.push_back((t, m.clone())))
					}
					Outbound::Send(t, m) => queue.push_back((t as usize, m)),
				}
			}
		}
		if queue.is_empty() {
			return (sent, delivered);
		}
		while let Some((to, m)) = queue.pop_front() {
			delivered += 1;
			let _ = replicas[to].handle(0, m);
		}
	}
}

struct Stats {
	per_second: f64,
	latency_ms: f64,
}

fn in_process(n: usize) -> (Stats, u64, u64) {
	let mut rs = replicas(n);
	let t = Instant::now();
	for c in 0..BURST {
		rs.iter_mut().for_each(|r| r.score(0, content(c), Verdict::Approve, Some(10_000)));
	}
	let (sent, delivered) = settle(&mut rs);
	let per_second = BURST as f64 / t.elapsed().as_secs_f64();
	assert!((0..BURST).all(|c| rs.iter().all(|r| r.certificate(&content(c)).is_some())));
	let mut lat = Vec::new();
	for c in BURST..BURST + SEQUENTIAL {
		let t = Instant::now();
		rs.iter_mut().for_each(|r| r.score(0, content(c), Verdict::Reject, Some(990_000)));
		settle(&mut rs);
		lat.push(t.elapsed().as_secs_f64());
	}
	lat.sort_by(|a, b| a.partial_cmp(b).unwrap());
	(Stats { per_second, latency_ms: lat[lat.len() / 2] * 1e3 }, sent, delivered)
}

async fn loopback(n: usize) -> Stats {
	let mut nets = Vec::new();
	for _ in 0..n {
		nets.push(
			Network::start(NetConfig {
				keypair: fresh_identity(),
				listen: vec!["/ip4/127.0.0.1/tcp/0".parse().unwrap()],
				server: false,
				pbft: true,
			})
			.await
			.unwrap(),
		);
	}
	let members: Vec<Member> = nets
		.iter()
		.map(|n| Member { peer: n.handle.peer_id(), addresses: n.listening.clone() })
		.collect();
	let (events_tx, mut events) = mpsc::unbounded_channel::<Event>();
	let mut scorers = Vec::new();
	for (i, (replica, net)) in replicas(n).into_iter().zip(nets).enumerate() {
		let (tx, scores) = mpsc::unbounded_channel();
		scorers.push(tx);
		let mesh = Mesh::new(net.handle, members.clone(), i as u16);
		// Only replica 0's certificates are counted: it is the first to hold each.
		let events = if i == 0 { events_tx.clone() } else { mpsc::unbounded_channel().0 };
		tokio::spawn(run(replica, mesh, Inputs { scores, network: net.pbft }, events));
	}
	// Warm the connections up: one content, decided before timing starts.
	let warm = BURST + SEQUENTIAL - 1;
	let mut certified = HashSet::new();
	for s in &scorers {
		s.send((content(warm), Verdict::Approve, Some(10_000))).unwrap();
	}
	until(&mut events, &mut certified, |c| c.contains(&content(warm))).await;

	let t = Instant::now();
	for c in 0..BURST {
		for s in &scorers {
			s.send((content(c), Verdict::Approve, Some(10_000))).unwrap();
		}
	}
	until(&mut events, &mut certified, |c| (0..BURST).all(|i| c.contains(&content(i)))).await;
	let per_second = BURST as f64 / t.elapsed().as_secs_f64();
	let mut lat = Vec::new();
	for c in BURST..warm {
		let t = Instant::now();
		for s in &scorers {
			s.send((content(c), Verdict::Reject, Some(990_000))).unwrap();
		}
		until(&mut events, &mut certified, |set| set.contains(&content(c))).await;
		lat.push(t.elapsed().as_secs_f64());
	}
	lat.sort_by(|a, b| a.partial_cmp(b).unwrap());
	Stats { per_second, latency_ms: lat[lat.len() / 2] * 1e3 }
}

async fn until(
	events: &mut mpsc::UnboundedReceiver<Event>,
	certified: &mut HashSet<[u8; 32]>,
	done: impl Fn(&HashSet<[u8; 32]>) -> bool,
) {
	let deadline = Instant::now() + Duration::from_secs(120);
	while !done(certified) {
		assert!(Instant::now() < deadline, "not decided in 120 s");
		match tokio::time::timeout(Duration::from_secs(1), events.recv()).await {
			Ok(Some(Event::Certified(cert))) => {
				certified.insert(cert.content);
			}
			Ok(Some(_)) | Err(_) => {}
			Ok(None) => panic!("replica stopped"),
		}
	}
}

fn main() {
	let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
	for n in [4usize, 7] {
		let (base, sent, delivered) = in_process(n);
		// The ed25519 floor: as many signatures and verifications as the burst needed.
		let pair = <sp_core::ed25519::Pair as sp_core::Pair>::from_seed(&[1; 32]);
		let payload = [5u8; 120].encode();
		let t = Instant::now();
		let mut sig = Keys::sign(&pair, &payload);
		for _ in 1..sent {
			sig = Keys::sign(&pair, &payload);
		}
		for _ in 0..delivered {
			assert!(Ed25519.verify(&Keys::public(&pair), &payload, &sig));
		}
		let floor = BURST as f64 / t.elapsed().as_secs_f64();
		let net = rt.block_on(loopback(n));
		println!(
			"n = {n}: loopback libp2p {:.0} decisions/s, commit latency median {:.1} ms | in process \
			 {:.0}/s, {:.1} ms | ratio loopback ÷ in process: throughput {:.2}, latency {:.2} | \
			 in process ÷ ed25519 alone ({:.0}/s): {:.2}",
			net.per_second,
			net.latency_ms,
			base.per_second,
			base.latency_ms,
			net.per_second / base.per_second,
			net.latency_ms / base.latency_ms,
			floor,
			base.per_second / floor,
		);
	}
}
