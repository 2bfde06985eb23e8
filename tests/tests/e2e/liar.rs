//! A lying masternode end to end: a dev node, four honest `pop-masternode` daemons and
//! `pop-masternode-lying` (the real daemon, but every shard it serves and every audit answer it
//! sends has a byte flipped), and the real `pop` CLI. A viewer that asks the liar gets bytes that
//! do not match the manifest and is not fooled: `pop fetch` skips them and the file comes back
//! byte-identical. The chain's audits catch the liar: its first false answer is a miss that
//! suspends it, the second inside the grace window retires it with a slash; its shards move to
//! honest masternodes, which rebuild them from the others, and with the liar gone the file
//! still comes back whole.

use pop_chain_client::Chain;
use pop_e2e::{
	chain::wait_event,
	content::publish,
	swarm::{ask, pop, upload, Masternode},
	wait_for, Node, NodeConfig,
};
use pop_primitives::{content::shard_hash, AccountId};
use pop_runtime::RuntimeEvent;
use pop_swarm::{
	protocol::{Request, Response},
	PeerId,
};
use sp_core::{sr25519, Pair};
use std::{io::Write, path::Path, time::Duration};

const TIMEOUT: Duration = Duration::from_secs(240);

fn account(suri: &str) -> AccountId {
	sr25519::Pair::from_string(suri, None).expect("a dev URI").public().into()
}

/// Fetches `content` into `dir/name`; returns the bytes and what the CLI reported.
fn fetch(node: &Node, content: &str, key: &str, dir: &Path, name: &str) -> (Vec<u8>, String) {
	let path = dir.join(name);
	let out = pop(node, &["fetch", content, "--key", key, "-o", path.to_str().unwrap()]);
	let report = String::from_utf8_lossy(&out.stderr).trim().to_string();
	assert!(out.status.success(), "pop fetch failed: {report}");
	eprintln!("{name}: {report}");
	(std::fs::read(path).expect("the fetched file"), report)
}

#[test]
fn a_lying_masternode_is_caught_by_audits_slashed_and_its_shards_rebuilt() {
	let node = Node::start(NodeConfig::dev());
	node.wait_best(1, TIMEOUT);
	let chain = Chain::new(&node.rpc_url());
	let ctx = pop_e2e::chain::context(&node);
	let start = node.finalized_number();
	let work = tempfile::tempdir().unwrap();

	// Four honest masternodes and Eve, who lies.
	let mut nodes: Vec<Masternode> = [("//Alice", "DE"), ("//Bob", "US"), ("//Charlie", "JP")]
		.iter()
		.chain([("//Dave", "BR")].iter())
		.map(|(suri, region)| Masternode::start(&node, suri, region))
		.collect();
	nodes.push(Masternode::start_lying(&node, "//Eve", "FR"));
	wait_for(TIMEOUT, "five masternodes", || (chain.masternodes().ok()?.len() == 5).then_some(()));
	for m in &nodes {
		wait_for(TIMEOUT, "serving", || m.log().contains("serving shards as").then_some(()));
	}

	// 1 MB in 256 KiB segments, any 2 of 4 shards rebuild one: every segment on four of the
	// five masternodes, so Eve holds some and an honest node can take each of hers.
	let data: Vec<u8> =
		(0..1_000_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
	let file = work.path().join("clip.bin");
	std::fs::File::create(&file).unwrap().write_all(&data).unwrap();
	let args = ["--suri", "//Bob//stash", "--k", "2", "--n", "4", "--segment-size", "262144"];
	let up = upload(&node, &file, &args);
	publish(&node, &ctx, start, up.id);
	let eve = account("//Eve");
	let held = chain.assignments(&eve).unwrap();
	assert!(!held.is_empty(), "Eve holds shards");

	// A viewer asking Eve directly gets bytes that do not hash to the manifest's shard.
	let eve_peer = chain
		.masternodes()
		.unwrap()
		.into_iter()
		.find(|(who, _)| *who == eve)
		.map(|(_, m)| PeerId::from_bytes(&m.peer_id).expect("a peer id"))
		.unwrap();
	let a = &held[0];
	let get = Request::Get { content: a.content, segment: a.segment, shard: a.shard };
	match ask(nodes[4].addresses(), eve_peer, get) {
		Ok(Response::Shard(bytes)) => {
			assert_eq!(bytes.len(), a.shard_len as usize);
			assert_ne!(shard_hash(&bytes), a.shard_hash, "the liar's shard is not the real one");
		}
		other => panic!("Eve answered {other:?}"),
	}
	// `pop fetch` checks every shard against the manifest: the file is whole.
	let (fetched, _) = fetch(&node, &up.hex, &up.key, work.path(), "while-lying.bin");
	assert!(fetched == data, "byte-identical while Eve lies");

	// The audits catch her: a miss suspends her, a second within the grace window retires her
	// with a slash. Honest masternodes miss nothing.
	let is_eve = |who: &AccountId| *who == eve;
	wait_event(&node, start, TIMEOUT, "Eve suspended after a missed audit", |e| match e {
		RuntimeEvent::Content(pallet_content::Event::MasternodeSuspended { node, .. })
			if is_eve(node) =>
		{
			Some(())
		}
		_ => None,
	});
	let (slashed, _) =
		wait_event(&node, start, TIMEOUT, "Eve retired with a slash", |e| match e {
			RuntimeEvent::Masternodes(pallet_masternodes::Event::Retired {
				who, slashed, ..
			}) if is_eve(who) => Some(*slashed),
			_ => None,
		});
	assert!(slashed > 0, "Eve's bond was slashed");
	assert!(nodes[4].log().contains("answering an audit with a flipped chunk"));

	// Her shards move to honest masternodes, which rebuild them from the others.
	wait_for(TIMEOUT, "Eve's shards moved", || {
		chain.assignments(&eve).ok()?.is_empty().then_some(())
	});
	let honest = ["//Alice", "//Bob", "//Charlie", "//Dave"];
	wait_for(TIMEOUT, "every shard held by an honest masternode", || {
		honest
			.iter()
			.zip(&nodes)
			.all(|(suri, m)| {
				let stored: Vec<String> = m
					.shard_files()
					.iter()
					.filter_map(|f| f.file_name().map(|n| n.to_string_lossy().into_owned()))
					.collect();
				chain
					.assignments(&account(suri))
					.is_ok_and(|a| a.iter().all(|a| stored.contains(&hex::encode(a.shard_hash))))
			})
			.then_some(())
	});
	for (suri, m) in honest.iter().zip(&nodes) {
		let missed = m.log().matches("cannot answer audit").count();
		assert_eq!(missed, 0, "{suri} could answer every audit");
	}

	// With Eve gone, the file still comes back whole, and no shard was rejected.
	nodes[4].kill();
	let (fetched, report) = fetch(&node, &up.hex, &up.key, work.path(), "after.bin");
	assert!(fetched == data, "byte-identical after the repair");
	assert!(report.contains(" 0 rejected"), "{report}");
}
