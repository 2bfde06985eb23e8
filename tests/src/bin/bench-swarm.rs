//! Retrieval benchmark of the content swarm on loopback (`scripts/bench-swarm` runs it).
//!
//! A development node, six real `pop-masternode` daemons and the real `pop` CLI. The media
//! (`POP_BENCH_MB`, default 64 MB, k = 4, n = 6) is uploaded and published once; then, in
//! alternating rounds (`POP_BENCH_ROUNDS`, default 3), the same bytes are
//! - fetched with `pop fetch` from the six masternodes (rebuild, verify, decrypt, write), with
//!   `--window $POP_BENCH_WINDOW` segments ahead (default 4, as `pop fetch`);
//! - carried over one libp2p connection from one node (the same transports, encryption and
//!   shard protocol, one request at a time, nothing to rebuild or decrypt): the baseline;
//! - copied once over one plain TCP connection on loopback into a file, printed beside it.
//!
//! Then two of the six masternodes (n − k) are killed and the fetch is timed again, each round
//! a fresh `pop fetch` that knows nothing about the holders. It prints the throughputs, their
//! ratios (median rounds), and the time to the first segment with all holders up and with
//! n − k dead, and that ratio.

use pop_e2e::{
	content::publish,
	swarm::{pop, Masternode},
	wait_for, Node, NodeConfig,
};
use std::{
	io::{Read, Write},
	net::{TcpListener, TcpStream},
	time::{Duration, Instant},
};

fn env_or(name: &str, default: usize) -> usize {
	std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn median(mut v: Vec<f64>) -> f64 {
	v.sort_by(|a, b| a.partial_cmp(b).unwrap());
	v[v.len() / 2]
}

/// One copy of `data` over a fresh loopback TCP connection into `path`; returns the seconds.
fn tcp_copy(data: &[u8], path: &std::path::Path) -> f64 {
	let listener = TcpListener::bind("127.0.0.1:0").unwrap();
	let port = listener.local_addr().unwrap().port();
	let start = Instant::now();
	std::thread::scope(|s| {
		s.spawn(|| {
			let (mut conn, _) = listener.accept().unwrap();
			conn.write_all(data).unwrap();
		});
		let mut conn = TcpStream::connect(("127.0.0.1", port)).unwrap();
		let mut file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
		let mut buf = vec![0u8; 1 << 20];
		loop {
			let n = conn.read(&mut buf).unwrap();
			if n == 0 {
				break;
			}
			file.write_all(&buf[..n]).unwrap();
		}
		file.flush().unwrap();
		file.get_ref().sync_all().unwrap();
	});
	start.elapsed().as_secs_f64()
}

/// Seconds to carry `total` bytes from one libp2p node to another on loopback (TCP and QUIC
/// offered, whichever connects first, as `pop fetch` dials), in shard responses of `chunk`
/// bytes asked one after another.
fn libp2p_copy(total: usize, chunk: usize) -> f64 {
	use pop_swarm::{
		network::{fresh_identity, NetConfig, Network},
		protocol::{Request, Response},
	};
	let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
	rt.block_on(async {
		let server = Network::start(NetConfig {
			keypair: fresh_identity(),
			listen: vec![
				"/ip4/127.0.0.1/tcp/0".parse().unwrap(),
				"/ip4/127.0.0.1/udp/0/quic-v1".parse().unwrap(),
			],
			server: true,
			pbft: false,
		})
		.await
		.unwrap();
		let (handle, mut inbound) = (server.handle.clone(), server.inbound);
		let payload = vec![0x5au8; chunk];
		tokio::spawn(async move {
			while let Some(request) = inbound.recv().await {
				handle.respond(request.id, Response::Shard(payload.clone()));
			}
		});
		let client = Network::start(NetConfig {
			keypair: fresh_identity(),
			listen: vec![],
			server: false,
			pbft: false,
		})
		.await
		.unwrap();
		let (peer, addresses) = (server.handle.peer_id(), server.listening.clone());
		let get = |segment| Request::Get { content: [0; 32], segment, shard: 0 };
		// Connected before the clock starts, as the masternodes are by the second round.
		client.handle.request(peer, addresses.clone(), get(0)).await.unwrap();
		let start = Instant::now();
		let mut moved = 0;
		let mut segment = 1;
		while moved < total {
			match client.handle.request(peer, addresses.clone(), get(segment)).await.unwrap() {
				Response::Shard(data) => moved += data.len(),
				other => panic!("{other:?}"),
			}
			segment += 1;
		}
		start.elapsed().as_secs_f64()
	})
}

/// Runs `pop fetch` of `content` into `dir`; returns (MB/s of the whole process, ms to the
/// first segment, MB/s of the fetch as the process times it: from reading the chain's record
/// to the last byte written), after checking the bytes.
fn fetch(
	node: &Node,
	content: &str,
	key: &str,
	dir: &std::path::Path,
	data: &[u8],
) -> (f64, f64, f64) {
	let target = dir.join("fetched.bin");
	let t = Instant::now();
	let window = std::env::var("POP_BENCH_WINDOW").unwrap_or_else(|_| "4".into());
	let target_path = target.to_str().unwrap();
	let out = pop(
		node,
		&[
			"--output",
			"json",
			"fetch",
			content,
			"--key",
			key,
			"-o",
			target_path,
			"--window",
			&window,
		],
	);
	let secs = t.elapsed().as_secs_f64();
	let report = String::from_utf8_lossy(&out.stderr).into_owned();
	assert!(out.status.success(), "fetch: {report}");
	assert!(std::fs::read(&target).unwrap() == data, "the fetch is byte-identical");
	let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("fetch --output json");
	let ms = json["firstSegmentMs"].as_f64().unwrap_or(f64::NAN);
	let own = json["seconds"].as_f64().unwrap_or(f64::NAN);
	(data.len() as f64 / secs / 1e6, ms, data.len() as f64 / own / 1e6)
}

fn main() {
	let mb = env_or("POP_BENCH_MB", 64);
	let rounds = env_or("POP_BENCH_ROUNDS", 3).max(1);
	let node = Node::start(NodeConfig::dev());
	node.wait_best(1, Duration::from_secs(60));
	let ctx = pop_e2e::chain::context(&node);
	let start_block = node.finalized_number();
	let owners = ["//Alice", "//Bob", "//Charlie", "//Dave", "//Eve", "//Ferdie"];
	let regions = ["DE", "DE", "US", "US", "JP", "BR"];
	let nodes: Vec<Masternode> =
		owners.iter().zip(regions).map(|(o, r)| Masternode::start(&node, o, r)).collect();
	for m in &nodes {
		wait_for(Duration::from_secs(120), "masternodes serving", || {
			m.log().contains("serving shards as").then_some(())
		});
	}

	let work = tempfile::tempdir().unwrap();
	let mut x = 0x2545_f491_4f6c_dd1du64;
	let data: Vec<u8> = (0..mb * 1_000_000)
		.map(|_| {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			x as u8
		})
		.collect();
	let media = work.path().join("media.bin");
	std::fs::write(&media, &data).unwrap();
	let upload_start = Instant::now();
	let out = pop(&node, &["upload", media.to_str().unwrap(), "--suri", "//Bob//stash"]);
	assert!(out.status.success(), "upload: {}", String::from_utf8_lossy(&out.stderr));
	let upload = upload_start.elapsed().as_secs_f64();
	let stdout = String::from_utf8(out.stdout).unwrap();
	let line = |p: &str| stdout.lines().find_map(|l| l.strip_prefix(p)).unwrap().to_string();
	let (content, key) = (line("content "), line("key "));
	let id: [u8; 32] = hex::decode(content.trim_start_matches("0x")).unwrap().try_into().unwrap();
	publish(&node, &ctx, start_block, id);

	let (mut swarm, mut p2p, mut tcp, mut first) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
	let mut inner = Vec::new();
	for round in 0..rounds {
		let (mbs, ms, own) = fetch(&node, &content, &key, work.path(), &data);
		swarm.push(mbs);
		inner.push(own);
		first.push(ms);
		let secs_p2p = libp2p_copy(data.len(), 4 << 20);
		p2p.push(data.len() as f64 / secs_p2p / 1e6);
		let secs_tcp = tcp_copy(&data, &work.path().join("copied.bin"));
		tcp.push(data.len() as f64 / secs_tcp / 1e6);
		println!(
			"round {}: swarm {:.0} MB/s (whole `pop fetch` process; {own:.0} MB/s from the chain's record to the last byte), one libp2p connection {:.0} MB/s, plain TCP {:.0} MB/s, first segment {ms:.0} ms",
			round + 1,
			swarm[round],
			p2p[round],
			tcp[round]
		);
	}
	// n − k holders dead: the last two masternodes.
	let mut nodes = nodes;
	for m in nodes.iter_mut().skip(4) {
		m.kill();
	}
	let mut first_dead = Vec::new();
	for round in 0..rounds {
		let (mbs, ms, own) = fetch(&node, &content, &key, work.path(), &data);
		first_dead.push(ms);
		println!(
			"round {} with two of six dead: swarm {mbs:.0} MB/s ({own:.0} MB/s in the fetch), first segment {ms:.0} ms",
			round + 1
		);
	}
	let (s, p, t, i) = (median(swarm), median(p2p), median(tcp), median(inner));
	let (f, fd) = (median(first), median(first_dead));
	println!("upload of {mb} MB (encode, register, push 6 shards per segment): {upload:.2} s");
	println!(
		"retrieval, median of {rounds}: six masternodes {s:.0} MB/s, one libp2p connection {p:.0} MB/s, one plain TCP copy {t:.0} MB/s"
	);
	println!("ratio swarm / one libp2p connection: {:.2} (goal >= 0.8)", s / p);
	println!(
		"ratio swarm, the fetch alone ({i:.0} MB/s, without starting the process and connecting to the node) / one libp2p connection: {:.2}",
		i / p
	);
	println!("ratio swarm / plain TCP: {:.2}", s / t);
	println!("time to first segment, median: {f:.0} ms with all six up, {fd:.0} ms with two dead");
	println!("ratio first segment two dead / all up: {:.2} (goal <= 2)", fd / f);
}
