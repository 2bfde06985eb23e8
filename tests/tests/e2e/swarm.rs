//! The content swarm end to end: a dev node, six real `pop-masternode` daemons on loopback
//! (k = 4, n = 6) and the real `pop` CLI. A 20 MB file uploaded comes back byte-identical; with
//! two masternodes killed it still does; masternodes restarted after a kill serve everything
//! they had; a shard damaged on disk is detected, moved aside and rebuilt; no masternode ever
//! holds `k` shards of one segment; after a masternode unregisters, the chain moves its shards
//! to a seventh, which rebuilds them from the others, and the file is still complete. Bad input
//! — unknown content, a wrong key, unpublished content, forged, truncated and misdirected shards, an
//! oversized request, garbage on the wire — gets a clear error and the daemons keep serving.
//! (`flood.rs` floods one masternode.)

use pop_chain_client::Chain;
use pop_e2e::{
	chain::wait_event,
	content::publish,
	swarm::{pop, upload, Masternode},
	wait_for, Node, NodeConfig,
};
use pop_primitives::AccountId;
use pop_runtime::RuntimeEvent;
use pop_swarm::{
	protocol::{Refusal, Request, Response},
	PeerId,
};
use sp_core::{sr25519, Pair};
use std::{collections::HashMap, io::Write, path::Path, process::Output, time::Duration};

const TIMEOUT: Duration = Duration::from_secs(180);
const SIZE: usize = 20_000_000;

/// Incompressible bytes, the same every run.
fn media(len: usize) -> Vec<u8> {
	let mut x = 0x9e37_79b9_7f4a_7c15u64;
	(0..len)
		.map(|_| {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			x as u8
		})
		.collect()
}

fn stderr(out: &Output) -> String {
	String::from_utf8_lossy(&out.stderr).into_owned()
}

fn account(suri: &str) -> AccountId {
	sr25519::Pair::from_string(suri, None).expect("a dev URI").public().into()
}

/// Fetches `content` into `dir/name` and returns the bytes; the CLI must succeed.
fn fetch(node: &Node, content: &str, key: &str, dir: &Path, name: &str) -> Vec<u8> {
	let path = dir.join(name);
	let out = pop(node, &["fetch", content, "--key", key, "-o", path.to_str().unwrap()]);
	assert!(out.status.success(), "pop fetch failed: {}", stderr(&out));
	eprintln!("{name}: {}", stderr(&out).trim());
	std::fs::read(path).expect("the fetched file")
}

fn wait_serving(m: &Masternode, times: usize) {
	wait_for(TIMEOUT, "the masternode serving", || {
		(m.log().matches("serving shards as").count() >= times).then_some(())
	});
}

/// Sends `request` to the masternode from a fresh client identity, over every transport it
/// listens on (whichever connects first).
fn ask(m: &Masternode, peer: PeerId, request: Request) -> Result<Response, String> {
	ask_at(m.addresses(), peer, request)
}

fn ask_at(addresses: Vec<String>, peer: PeerId, request: Request) -> Result<Response, String> {
	pop_e2e::swarm::ask(addresses, peer, request)
}

#[test]
fn six_masternodes_keep_content_through_kills_damage_and_departure() {
	// The daemons and the CLI must make do with the methods a public node serves.
	let mut node = Node::start(NodeConfig::dev().safe_rpc());
	node.wait_best(1, TIMEOUT);
	let chain = Chain::new(&node.rpc_url());
	let ctx = pop_e2e::chain::context(&node);
	let start = node.finalized_number();
	let work = tempfile::tempdir().unwrap();

	// Six daemons register themselves: their peer ids and addresses land on chain.
	let owners = ["//Alice", "//Bob", "//Charlie", "//Dave", "//Eve", "//Ferdie"];
	let regions = ["DE", "DE", "US", "US", "JP", "BR"];
	let mut nodes: Vec<Masternode> =
		owners.iter().zip(regions).map(|(o, r)| Masternode::start(&node, o, r)).collect();
	let peers: HashMap<AccountId, PeerId> = wait_for(TIMEOUT, "six masternodes on chain", || {
		let list = chain.masternodes().ok()?;
		(list.len() == 6).then(|| {
			list.iter()
				.map(|(who, info)| (who.clone(), PeerId::from_bytes(&info.peer_id).unwrap()))
				.collect()
		})
	});
	for m in &nodes {
		wait_serving(m, 1);
	}
	let registered = chain.masternodes().unwrap();
	for m in &nodes {
		let (_, info) = registered.iter().find(|(who, _)| *who == account(&m.suri)).unwrap();
		let mut addresses: Vec<String> =
			info.addresses.iter().map(|a| String::from_utf8(a.to_vec()).unwrap()).collect();
		let mut listening = m.addresses();
		listening.push(format!("/ip4/127.0.0.1/tcp/{}/http", m.http_port));
		addresses.sort();
		listening.sort();
		assert_eq!(addresses, listening, "{} registered where it listens", m.suri);
	}

	// Unknown content: a clear error, no file.
	let missing = work.path().join("missing.bin");
	let out = pop(
		&node,
		&[
			"fetch",
			&format!("0x{}", "ab".repeat(32)),
			"--key",
			&"00".repeat(32),
			"-o",
			missing.to_str().unwrap(),
		],
	);
	assert!(!out.status.success());
	assert!(stderr(&out).contains("unknown content 0xabab"), "{}", stderr(&out));
	assert!(!missing.exists());

	// Upload 20 MB as Bob's stash: 20 segments of 6 shards.
	let data = media(SIZE);
	let clip = work.path().join("clip.bin");
	std::fs::File::create(&clip).unwrap().write_all(&data).unwrap();
	let up = upload(&node, &clip, &["--suri", "//Bob//stash", "--k", "4", "--n", "6"]);
	let (content, key, id) = (up.hex, up.key, up.id);
	let view = chain.content(&id).unwrap().expect("the content on chain");
	assert_eq!((view.info.segments, view.info.k, view.info.n), (20, 4, 6));
	assert_eq!(nodes.iter().map(|m| m.shard_files().len()).sum::<usize>(), 120);

	// No masternode holds k shards of one segment.
	for owner in owners {
		let mut per_segment: HashMap<u32, usize> = HashMap::new();
		for a in chain.assignments(&account(owner)).unwrap() {
			*per_segment.entry(a.segment).or_default() += 1;
		}
		assert!(per_segment.values().all(|&c| c < 4), "{owner} holds {per_segment:?}");
	}

	// Not published yet: viewers are told so, and masternodes do not serve it to them.
	let out = pop(&node, &["fetch", &content, "--key", &key, "-o", missing.to_str().unwrap()]);
	assert!(stderr(&out).contains("is not published (Pending)"), "{}", stderr(&out));
	let holder0 = &view.segments[0].holders;
	let first = nodes.iter().position(|m| account(&m.suri) == holder0[0]).unwrap();
	let first_peer = peers[&holder0[0]];
	let get = Request::Get { content: id, segment: 0, shard: 0 };
	assert_eq!(
		ask(&nodes[first], first_peer, get.clone()),
		Ok(Response::Refused(Refusal::NotPublished))
	);

	// Forged, truncated, misdirected and oversized shards, unknown content, garbage on the wire.
	let len = view.segments[0].shard_len as usize;
	let forged = Request::Put { content: id, segment: 0, shard: 0, data: vec![7; len] };
	assert_eq!(
		ask(&nodes[first], first_peer, forged),
		Ok(Response::Refused(Refusal::ShardMismatch))
	);
	let truncated = Request::Put { content: id, segment: 0, shard: 0, data: vec![7; len - 2] };
	assert_eq!(
		ask(&nodes[first], first_peer, truncated),
		Ok(Response::Refused(Refusal::ShardMismatch))
	);
	let misdirected = Request::Put { content: id, segment: 0, shard: 1, data: vec![7; len] };
	assert_eq!(
		ask(&nodes[first], first_peer, misdirected),
		Ok(Response::Refused(Refusal::NotAssigned))
	);
	// Content it holds nothing of (answered without asking the chain), asked over TCP,
	// WebSocket (what browsers use) and QUIC in turn; a shard of unknown content.
	for address in nodes[first].addresses() {
		let unknown = Request::Get { content: [9; 32], segment: 0, shard: 0 };
		assert_eq!(
			ask_at(vec![address.clone()], first_peer, unknown),
			Ok(Response::Refused(Refusal::NotHeld)),
			"over {address}"
		);
	}
	let unknown = Request::Put { content: [9; 32], segment: 0, shard: 0, data: vec![1; 64] };
	assert_eq!(
		ask(&nodes[first], first_peer, unknown),
		Ok(Response::Refused(Refusal::UnknownContent))
	);
	let oversized = Request::Put { content: id, segment: 0, shard: 0, data: vec![0; 17 << 20] };
	assert!(ask(&nodes[first], first_peer, oversized).is_err(), "an oversized request fails");
	for port in &nodes[first].ports[..2] {
		let mut raw = std::net::TcpStream::connect(("127.0.0.1", *port)).unwrap();
		let _ = raw.write_all(&media(70_000));
	}

	// Published: it comes back byte-identical (the daemon that got the garbage still serves).
	publish(&node, &ctx, start, id);
	assert!(fetch(&node, &content, &key, work.path(), "whole.bin") == data, "byte-identical");
	assert!(nodes[first].is_running());

	// A wrong key: a clear error, and nothing written.
	let out = pop(
		&node,
		&["fetch", &content, "--key", &"11".repeat(32), "-o", missing.to_str().unwrap()],
	);
	assert!(stderr(&out).contains("not the content's key"), "{}", stderr(&out));
	assert!(!missing.exists());
	assert!(std::fs::read_dir(work.path()).unwrap().all(|e| !e
		.unwrap()
		.file_name()
		.to_string_lossy()
		.contains(".part")));

	// Two masternodes killed (n − k): every segment still arrives, and the client reports each
	// dead holder once, not once per segment; the live ones never. The victims hold shards of
	// the first segment that a client knowing nothing asks first (in shard order), so both are
	// asked.
	let index_of = |who: &AccountId| nodes.iter().position(|m| account(&m.suri) == *who).unwrap();
	let first_asked: Vec<usize> = holder0.iter().take(4).map(index_of).collect();
	let mut victims: Vec<usize> = Vec::new();
	for i in first_asked {
		if !victims.contains(&i) && victims.len() < 2 {
			victims.push(i);
		}
	}
	assert_eq!(victims.len(), 2, "the first four shards of a segment are on at least two nodes");
	let others: Vec<usize> = (0..6).filter(|i| !victims.contains(i)).take(2).collect();
	for &v in &victims {
		nodes[v].kill();
	}
	let target = work.path().join("two-down.bin");
	let out = pop(&node, &["fetch", &content, "--key", &key, "-o", target.to_str().unwrap()]);
	let log = stderr(&out);
	assert!(out.status.success(), "pop fetch with two down failed: {log}");
	assert!(std::fs::read(&target).unwrap() == data, "with two down");
	for (i, m) in nodes.iter().enumerate() {
		let peer = peers[&account(&m.suri)].to_string();
		let reports = log
			.lines()
			.filter(|l| l.contains(&peer))
			.filter(|l| l.contains("is unreachable") || l.contains("has not answered"))
			.count();
		assert_eq!(reports, usize::from(victims.contains(&i)), "{}: {log}", m.suri);
	}

	// Restarted, they serve everything they had: with two others down, every segment needs them.
	for &v in &victims {
		nodes[v].restart();
		wait_serving(&nodes[v], 2);
	}
	for &o in &others {
		nodes[o].kill();
	}
	assert!(fetch(&node, &content, &key, work.path(), "restarted.bin") == data, "after restarts");
	for &o in &others {
		nodes[o].restart();
		wait_serving(&nodes[o], 2);
	}

	// A shard damaged on disk: found by the daemon's scrub, moved aside, rebuilt from others.
	let victim = &nodes[2];
	// A full-length shard (the last segment's shards are shorter).
	let file = victim
		.shard_files()
		.into_iter()
		.find(|f| std::fs::metadata(f).is_ok_and(|m| m.len() as usize == len))
		.expect("a full-length shard on the victim");
	let original = std::fs::read(&file).unwrap();
	let mut damaged = original.clone();
	damaged[len / 2] ^= 0x55;
	// Earlier phases rebuilt shards too: wait for one more rebuild and for the file itself.
	let rebuilt_before = victim.log().matches("rebuilt shard").count();
	std::fs::write(&file, &damaged).unwrap();
	wait_for(TIMEOUT, "the damaged shard rebuilt", || {
		let log = victim.log();
		(log.contains("damaged on disk")
			&& log.matches("rebuilt shard").count() > rebuilt_before
			&& std::fs::read(&file).is_ok_and(|now| now == original))
		.then_some(())
	});
	assert_eq!(std::fs::read(&file).unwrap(), original, "the rebuilt shard is the original");
	assert!(fetch(&node, &content, &key, work.path(), "repaired.bin") == data, "after the repair");

	// A seventh masternode joins; Dave unregisters: the chain moves his shards to it, it rebuilds
	// them from k others, and with Eve and Ferdie down the file still comes back.
	nodes.push(Masternode::start(&node, "//Alice//stash", "BR"));
	wait_serving(&nodes[6], 1);
	let out = std::process::Command::new(pop_e2e::node::release_bin("pop-masternode"))
		.args(["unregister", "--chain-rpc", &node.rpc_url(), "--suri", "//Dave"])
		.output()
		.unwrap();
	assert!(out.status.success(), "unregister: {}", stderr(&out));
	wait_for(TIMEOUT, "Dave's shards moved", || {
		chain.assignments(&account("//Dave")).ok()?.is_empty().then_some(())
	});
	let newcomer = account("//Alice//stash");
	assert_eq!(chain.assignments(&newcomer).unwrap().len(), 20);
	wait_for(TIMEOUT, "the newcomer rebuilding 20 shards", || {
		(nodes[6].shard_files().len() == 20).then_some(())
	});
	for owner in owners.iter().chain(["//Alice//stash"].iter()) {
		let mut per_segment: HashMap<u32, usize> = HashMap::new();
		for a in chain.assignments(&account(owner)).unwrap() {
			*per_segment.entry(a.segment).or_default() += 1;
		}
		assert!(per_segment.values().all(|&c| c < 4), "{owner} holds {per_segment:?}");
	}
	nodes[3].kill();
	nodes[4].kill();
	nodes[5].kill();
	assert!(fetch(&node, &content, &key, work.path(), "moved.bin") == data, "after the move");

	// The daemons answered the chain's storage audits.
	wait_event(&node, start, TIMEOUT, "a masternode passing an audit", |e| match e {
		RuntimeEvent::Content(pallet_content::Event::AuditPassed { .. }) => Some(()),
		_ => None,
	});

	// The chain node restarts under the daemons: they reconnect and go on answering audits.
	let answered = |nodes: &[Masternode]| {
		nodes.iter().map(|m| m.log().matches("answered audit").count()).sum::<usize>()
	};
	let before = answered(&nodes);
	node.restart();
	wait_for(TIMEOUT, "an audit answered after the node restarted", || {
		(answered(&nodes) > before).then_some(())
	});

	// The live daemons' metrics count what they did: requests, bytes served, audits, the chain.
	let live = [&nodes[0], &nodes[1], &nodes[2], &nodes[6]];
	let total = |name: &str| live.iter().filter_map(|m| m.metric(name)).sum::<f64>();
	assert!(total("pop_masternode_requests_total") > 0.0, "requests counted");
	assert!(total("pop_masternode_bytes_served_total") > 0.0, "bytes served counted");
	assert!(total("pop_masternode_audits_answered_total") >= 1.0, "audits counted");
	assert!(nodes[6].metric("pop_masternode_shards_rebuilt_total") >= Some(20.0), "rebuilds");
	for m in live {
		assert_eq!(m.metric("pop_masternode_chain_connected"), Some(1.0), "{}", m.suri);
	}

	// SIGTERM (systemd, docker stop): the daemon stops taking requests and exits cleanly.
	let status = nodes[0].terminate(Duration::from_secs(30));
	assert!(status.is_some_and(|s| s.success()), "exit after SIGTERM: {status:?}");
	assert!(nodes[0].log().contains("SIGTERM: stopping"), "it says why it stops");
}
