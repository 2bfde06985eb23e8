//! A flooding peer against a real masternode: while clients with fresh identities keep a
//! thousand requests in flight at one `pop-masternode` — shards of content the chain never heard
//! of (each a chain read on a naive node), oversized uploads of unknown content, and the real
//! shards it holds — the chain keeps auditing it, and every audit it is given during the flood
//! is answered before its deadline: the flood cannot get an honest node slashed. The node
//! turns the flood away (busy, over its share) instead of queueing it, and a viewer still
//! fetches the content.

use pop_chain_client::Chain;
use pop_e2e::{
	chain::events,
	content::publish,
	swarm::{pop, upload, Masternode},
	wait_for, Node, NodeConfig,
};
use pop_primitives::{content::ContentId, AccountId};
use pop_runtime::RuntimeEvent;
use pop_swarm::{
	network::{NetConfig, Network},
	protocol::{Refusal, Request, Response},
	Multiaddr, PeerId,
};
use sp_core::{sr25519, Pair};
use std::{
	collections::{BTreeMap, HashSet},
	io::Write,
	sync::{
		atomic::{AtomicBool, Ordering},
		Arc, Mutex,
	},
	time::Duration,
};

const TIMEOUT: Duration = Duration::from_secs(240);
/// Flooding clients (each a fresh identity, its own connection).
const CLIENTS: usize = 4;
/// Requests each client keeps in flight.
const IN_FLIGHT: usize = 256;
/// Audits of the flooded node that must be answered while the flood runs.
const AUDITS: usize = 3;

fn account(suri: &str) -> AccountId {
	sr25519::Pair::from_string(suri, None).expect("a dev URI").public().into()
}

/// What the flooding clients got back, by outcome, and the shard bytes each client got.
type Tally = Arc<Mutex<(BTreeMap<String, u64>, [u64; CLIENTS])>>;

/// Floods `peer` at `addresses` from [`CLIENTS`] fresh identities until `stop` is set.
fn flood(
	addresses: Vec<String>,
	peer: PeerId,
	real: (ContentId, u8),
	stop: Arc<AtomicBool>,
	tally: Tally,
) -> std::thread::JoinHandle<()> {
	std::thread::spawn(move || {
		let rt = tokio::runtime::Builder::new_multi_thread()
			.worker_threads(2)
			.enable_all()
			.build()
			.unwrap();
		rt.block_on(async move {
			let addresses: Vec<Multiaddr> = addresses.iter().map(|a| a.parse().unwrap()).collect();
			let mut clients = Vec::new();
			for c in 0..CLIENTS {
				let net = Network::start(NetConfig {
					keypair: pop_swarm::network::fresh_identity(),
					listen: vec![],
					server: false,
					pbft: false,
				})
				.await
				.expect("a client network");
				let (addresses, stop, tally) = (addresses.clone(), stop.clone(), tally.clone());
				clients.push(tokio::spawn(async move {
					use futures::{stream::FuturesUnordered, StreamExt};
					let mut n = 0u64;
					let next = |n: &mut u64| {
						*n += 1;
						let unknown: ContentId = sp_io::hashing::blake2_256(
							&[c.to_le_bytes().as_slice(), n.to_le_bytes().as_slice()].concat(),
						);
						match *n % 3 {
							0 => Request::Get { content: unknown, segment: 0, shard: 0 },
							1 => Request::Put {
								content: unknown,
								segment: 0,
								shard: 0,
								data: vec![0x5a; 1 << 20],
							},
							_ => Request::Get { content: real.0, segment: 0, shard: real.1 },
						}
					};
					let mut flight = FuturesUnordered::new();
					while !stop.load(Ordering::Relaxed) {
						while flight.len() < IN_FLIGHT {
							let request = next(&mut n);
							let (net, addresses) = (net.handle.clone(), addresses.clone());
							flight.push(async move { net.request(peer, addresses, request).await });
						}
						let Some(answer) = flight.next().await else { break };
						let outcome = match answer {
							Ok(Response::Shard(data)) => {
								tally.lock().unwrap().1[c] += data.len() as u64;
								"shard".to_string()
							}
							Ok(Response::Refused(why)) => format!("{why:?}"),
							Ok(other) => format!("{other:?}"),
							Err(_) => "failed".to_string(),
						};
						*tally.lock().unwrap().0.entry(outcome).or_default() += 1;
					}
				}));
			}
			for c in clients {
				let _ = c.await;
			}
		});
	})
}

#[test]
fn a_flooding_peer_cannot_get_an_honest_masternode_slashed() {
	let node = Node::start(NodeConfig::dev().safe_rpc());
	node.wait_best(1, TIMEOUT);
	let chain = Chain::new(&node.rpc_url());
	let ctx = pop_e2e::chain::context(&node);
	let start = node.finalized_number();
	let work = tempfile::tempdir().unwrap();

	let owners = ["//Alice", "//Bob", "//Charlie"];
	let nodes: Vec<Masternode> = owners.iter().map(|o| Masternode::start(&node, o, "DE")).collect();
	let peers: BTreeMap<AccountId, PeerId> = wait_for(TIMEOUT, "three masternodes", || {
		let list = chain.masternodes().ok()?;
		(list.len() == 3).then(|| {
			list.iter()
				.map(|(who, info)| (who.clone(), PeerId::from_bytes(&info.peer_id).unwrap()))
				.collect()
		})
	});
	for m in &nodes {
		wait_for(TIMEOUT, "serving", || m.log().contains("serving shards as").then_some(()));
	}

	// Three segments of three shards (k = 2), one shard of each on every node; published, so
	// that the chain audits it.
	let data: Vec<u8> =
		(0..2_500_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
	let file = work.path().join("clip.bin");
	std::fs::File::create(&file).unwrap().write_all(&data).unwrap();
	let up = upload(&node, &file, &["--suri", "//Bob//stash", "--k", "2", "--n", "3"]);
	let (content, key, id) = (up.hex, up.key, up.id);
	publish(&node, &ctx, start, id);

	// The flood, against Alice's node.
	let victim = account("//Alice");
	let view = chain.content(&id).unwrap().expect("the content");
	let held = view.segments[0].holders.iter().position(|h| *h == victim).expect("a shard") as u8;
	let stop = Arc::new(AtomicBool::new(false));
	let tally: Tally = Arc::default();
	let reads_before = nodes[0].metric("pop_masternode_content_reads_total").unwrap_or(0.0);
	let flood_start = std::time::Instant::now();
	let flooding =
		flood(nodes[0].addresses(), peers[&victim], (id, held), stop.clone(), tally.clone());
	let flood_from = node.finalized_number();

	// Every audit of the victim issued during the flood is answered in time.
	let mut issued = HashSet::new();
	let mut passed = HashSet::new();
	let mut next = flood_from + 1;
	let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
		wait_for(TIMEOUT, "audits of the flooded node answered", || {
			while next <= node.finalized_number() {
				let hash = node.block_hash(next).expect("a finalized block");
				next += 1;
				for record in events(&node, &hash) {
					match record.event {
						RuntimeEvent::Content(pallet_content::Event::AuditIssued {
							audit,
							node: who,
							..
						}) if who == victim => {
							issued.insert(audit);
						}
						RuntimeEvent::Content(pallet_content::Event::AuditPassed {
							audit,
							node: who,
						}) if who == victim => {
							passed.insert(audit);
						}
						RuntimeEvent::Content(pallet_content::Event::AuditMissed {
							audit,
							node: who,
							misses,
						}) if who == victim => {
							panic!("audit {audit} of the flooded node missed ({misses} misses)")
						}
						_ => {}
					}
				}
			}
			(passed.intersection(&issued).count() >= AUDITS).then_some(())
		})
	}));
	let (during, bytes) = tally.lock().unwrap().clone();
	let flood_secs = flood_start.elapsed().as_secs_f64();
	let reads = nodes[0].metric("pop_masternode_content_reads_total").unwrap_or(f64::MAX);
	eprintln!(
		"{flood_secs:.0} s of flood while audited: {during:?}; shard bytes per client \
		 {bytes:?}; {} content reads",
		reads - reads_before
	);

	// A viewer still gets the content while the flood goes on.
	let fetched = work.path().join("fetched.bin");
	let out = pop(&node, &["fetch", &content, "--key", &key, "-o", fetched.to_str().unwrap()]);
	stop.store(true, Ordering::Relaxed);
	flooding.join().unwrap();
	if let Err(panic) = outcome {
		std::panic::resume_unwind(panic);
	}
	assert!(out.status.success(), "pop fetch: {}", String::from_utf8_lossy(&out.stderr));
	assert!(std::fs::read(&fetched).unwrap() == data, "byte-identical under the flood");
	let total: u64 = during.values().sum();
	assert!(total > 1_000, "the flood ran: {during:?}");
	let count = |r: Refusal| during.get(&format!("{r:?}")).copied().unwrap_or(0);
	assert!(count(Refusal::Busy) > 0, "the node turned requests over the limits away: {during:?}");
	assert!(count(Refusal::NotHeld) > 0, "made-up content answered without the chain");
	// Each client got at most its share of the node's bandwidth (bursts of two seconds' worth,
	// plus one shard in flight), and the made-up content cost the chain node at most the read
	// budget (50 a second, bursts of 100), not a read per request.
	let share = pop_swarm::masternode::PEER_SHARE as f64;
	for (c, got) in bytes.iter().enumerate() {
		assert!(
			(*got as f64) <= share * (2.0 + flood_secs) + 1e6,
			"client {c} got {got} bytes in {flood_secs:.0} s"
		);
	}
	assert!(
		reads - reads_before <= 120.0 + 50.0 * flood_secs,
		"{} content reads in {flood_secs:.0} s",
		reads - reads_before
	);
	assert!(nodes.iter().all(|m| m.log().matches("answered audit").count() > 0));
}
