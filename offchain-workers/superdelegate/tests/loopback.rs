//! Four replicas, each with its own libp2p node on loopback, certify content; with the primary
//! of view 0 gone, the other three change view and go on; a stranger and an impersonator are
//! turned away.

use codec::Encode;
use pop_pbft::{Config, Ed25519, Event, Keys, Message, Replica, Signed, Verdict, Verifier};
use pop_superdelegate::mesh::{run, Dropped, Inputs, Member, Mesh};
use pop_swarm::network::{fresh_identity, NetConfig, Network};
use std::{collections::BTreeMap, sync::Arc, time::Duration};
use tokio::sync::mpsc;

fn content(i: u64) -> [u8; 32] {
	*blake3::hash(&i.to_le_bytes()).as_bytes()
}

fn pair(i: usize) -> sp_core::ed25519::Pair {
	<sp_core::ed25519::Pair as sp_core::Pair>::from_seed(&[i as u8 + 1; 32])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_replicas_certify_over_libp2p_and_survive_the_primary() {
	let n = 4;
	let mut nets = Vec::new();
	for _ in 0..n {
		let net = Network::start(NetConfig {
			keypair: fresh_identity(),
			listen: vec!["/ip4/127.0.0.1/tcp/0".parse().unwrap()],
			server: false,
			pbft: true,
		})
		.await
		.unwrap();
		nets.push(net);
	}
	let members: Vec<Member> = nets
		.iter()
		.map(|n| Member { peer: n.handle.peer_id(), addresses: n.listening.clone() })
		.collect();
	let mut cfg =
		Config::new([0x60; 32], 1, (0..n).map(|i| Keys::public(&pair(i))).collect(), [4; 32]);
	cfg.view_timeout = 1_500;
	cfg.retransmit = 300;
	let verifier: Arc<dyn Verifier> = Arc::new(Ed25519);
	let (events_tx, mut events) = mpsc::unbounded_channel();
	let mut scorers = Vec::new();
	let mut tasks = Vec::new();
	let mut handles = Vec::new();
	for (i, net) in nets.into_iter().enumerate() {
		let mut replica =
			Replica::new(cfg.clone(), i as u16, Box::new(pair(i)), verifier.clone(), 0);
		for c in 0..20 {
			replica.watch(content(c));
		}
		handles.push(net.handle.clone());
		let mesh = Mesh::new(net.handle, members.clone(), i as u16);
		let (scores_tx, scores) = mpsc::unbounded_channel();
		scorers.push(scores_tx);
		let tx = events_tx.clone();
		let (forward_tx, mut forward) = mpsc::unbounded_channel();
		tasks.push(tokio::spawn(run(
			replica,
			mesh,
			Inputs { scores, network: net.pbft },
			forward_tx,
		)));
		tokio::spawn(async move {
			while let Some(e) = forward.recv().await {
				let _ = tx.send((i, e));
			}
		});
	}

	let mut certified: BTreeMap<(usize, [u8; 32]), Verdict> = BTreeMap::new();

	// Ten contents, every member scores them; half approved, half rejected.
	for c in 0..10 {
		let verdict = if c % 2 == 0 { Verdict::Approve } else { Verdict::Reject };
		for s in &scorers {
			s.send((content(c), verdict, Some(c as u32 * 100))).unwrap();
		}
	}
	let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
	loop {
		collect(&mut certified, &mut events);
		if all_certified(&certified, &[0, 1, 2, 3], 0..10) {
			break;
		}
		assert!(tokio::time::Instant::now() < deadline, "not certified in 30 s: {certified:?}");
		tokio::time::sleep(Duration::from_millis(20)).await;
	}
	for ((_, c), v) in &certified {
		let i = (0..10).find(|i| content(*i) == *c).unwrap();
		assert_eq!(*v, if i % 2 == 0 { Verdict::Approve } else { Verdict::Reject });
	}

	// A peer outside the set, and a member signing as another, are turned away.
	let mesh = Mesh::new(handles[1].clone(), members.clone(), 1);
	let vote = Message::Vote {
		content: content(0),
		verdict: Verdict::Reject,
		model_hash: [4; 32],
		score: Some(1),
	};
	let payload = pop_pbft::message::signing_payload(&[0x60; 32], 1, 2, &vote);
	let signed = Signed { from: 2, message: vote, signature: Keys::sign(&pair(2), &payload) };
	let stranger = fresh_identity().public().to_peer_id();
	assert_eq!(mesh.accept(stranger, &signed.encode()), Err(Dropped::NotAMember(stranger)));
	assert!(matches!(
		mesh.accept(members[3].peer, &signed.encode()),
		Err(Dropped::Impersonation { claims: 2, .. })
	));
	assert!(matches!(
		mesh.accept(members[2].peer, &signed.encode()[..40]),
		Err(Dropped::Malformed(_))
	));
	assert!(mesh.accept(members[2].peer, &signed.encode()).is_ok());

	// The primary of view 0 stops (its task and its libp2p node end); the others change view
	// and certify five more.
	drop(scorers.remove(0));
	tasks.remove(0).await.unwrap();
	drop(handles.remove(0));
	for c in 10..15 {
		for s in &scorers {
			s.send((content(c), Verdict::Approve, None)).unwrap();
		}
	}
	let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
	loop {
		collect(&mut certified, &mut events);
		if all_certified(&certified, &[1, 2, 3], 10..15) {
			break;
		}
		assert!(tokio::time::Instant::now() < deadline, "not certified after the primary left");
		tokio::time::sleep(Duration::from_millis(20)).await;
	}
	// The three that went on all hold certificates with a quorum of valid signatures.
	drop(scorers);
	for task in tasks {
		let replica = task.await.unwrap();
		assert!(replica.view() >= 1, "a view change happened");
		let cert = replica.certificate(&content(12)).expect("certificate");
		assert!(cert.signatures.len() >= 3);
		// The three members' votes, none of which ran a classifier.
		assert_eq!(cert.scores.len(), 3, "{:?}", cert.scores);
		assert!(cert.scores.iter().all(|s| s.score.is_none()));
		let statement = pop_pbft::VerdictStatement {
			content: content(12),
			verdict: Verdict::Approve,
			model_hash: [4; 32],
			era: 1,
			scores: cert.scores.clone(),
		};
		for (key, sig) in &cert.signatures {
			assert!(Ed25519.verify(key, &statement.signing_payload(&[0x60; 32]), sig));
		}
	}
}

type Certified = BTreeMap<(usize, [u8; 32]), Verdict>;

fn collect(certified: &mut Certified, events: &mut mpsc::UnboundedReceiver<(usize, Event)>) {
	while let Ok((r, e)) = events.try_recv() {
		if let Event::Certified(cert) = e {
			certified.insert((r, cert.content), cert.verdict);
		}
	}
}

fn all_certified(certified: &Certified, who: &[usize], contents: std::ops::Range<u64>) -> bool {
	who.iter().all(|r| contents.clone().all(|c| certified.contains_key(&(*r, content(c)))))
}
