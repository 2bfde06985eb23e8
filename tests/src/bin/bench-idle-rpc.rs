//! What an idle chain costs its node: JSON-RPC calls per second that each daemon makes while
//! nothing happens, counted by the node itself (`substrate_rpc_calls_started` on its Prometheus
//! endpoint), not by the daemons (`scripts/bench-idle-rpc` runs it).
//!
//! On a development node with no content, for `POP_BENCH_SECONDS` (default 60) each:
//! - before: the chain reads the daemons made before they woke on heads, replayed by this
//!   benchmark through the same client (a masternode: the best block every second and, at
//!   each new block, the masternodes, the moderation set, its assignments and its audits; a
//!   sidecar: the moderation set and pending content every second);
//! - after: one real `pop-masternode`, then one real `pop-superdelegate`, alone.
//!
//! It prints the calls per second of each and the after ÷ before ratios (goal: near zero).

use pop_chain_client::Chain;
use pop_e2e::{
	node::free_port, superdelegate::Superdelegate, swarm::Masternode, wait_for, Node, NodeConfig,
};
use std::time::{Duration, Instant};

/// Every RPC call the node has started, over every method and transport.
fn calls(metrics_port: u16) -> f64 {
	let text = ureq::get(&format!("http://127.0.0.1:{metrics_port}/metrics"))
		.call()
		.expect("the node's metrics")
		.into_string()
		.unwrap();
	text.lines()
		.filter(|l| l.starts_with("substrate_rpc_calls_started"))
		.filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
		.sum()
}

/// Calls per second the node served while `during` ran for `window`.
fn rate(metrics_port: u16, window: Duration, during: impl FnOnce(Instant)) -> f64 {
	let before = calls(metrics_port);
	let start = Instant::now();
	during(start + window);
	let left = (start + window).saturating_duration_since(Instant::now());
	std::thread::sleep(left);
	(calls(metrics_port) - before) / start.elapsed().as_secs_f64()
}

fn main() {
	let seconds =
		std::env::var("POP_BENCH_SECONDS").ok().and_then(|v| v.parse().ok()).unwrap_or(60);
	let window = Duration::from_secs(seconds);
	let metrics_port = free_port();
	let node = Node::start(NodeConfig {
		extra_args: vec![
			"--force-authoring".into(),
			"--prometheus-port".into(),
			metrics_port.to_string(),
		],
		..NodeConfig::dev()
	});
	node.wait_best(2, Duration::from_secs(60));
	let chain = Chain::new(&node.rpc_url());
	let alice = sp_keyring::Sr25519Keyring::Alice.to_account_id();
	println!("idle RPC calls per second at the node, {seconds} s each (2 s blocks, no content)");

	let quiet = rate(metrics_port, window, |_| {});
	println!("  nothing running:              {quiet:6.2} calls/s");

	// The masternode's old loop: the best block every second; at a new one, four reads.
	let before_mn = rate(metrics_port, window, |until| {
		let mut best = 0;
		while Instant::now() < until {
			let now = chain.best_number().unwrap();
			if now != best {
				best = now;
				chain.masternodes().unwrap();
				chain.superdelegates().unwrap();
				chain.assignments(&alice).unwrap();
				chain.audits(&alice).unwrap();
			}
			std::thread::sleep(Duration::from_secs(1));
		}
	}) - quiet;
	let masternode = Masternode::start(&node, "//Alice", "DE");
	wait_for(Duration::from_secs(60), "the masternode serving", || {
		masternode.log().contains("serving shards as").then_some(())
	});
	let after_mn = rate(metrics_port, window, |_| {}) - quiet;
	drop(masternode);

	// The sidecar's old loop: the set and pending content every second.
	let before_sd = rate(metrics_port, window, |until| {
		while Instant::now() < until {
			chain.superdelegates().unwrap();
			chain.pending().unwrap();
			std::thread::sleep(Duration::from_secs(1));
		}
	}) - quiet;
	let sidecar = Superdelegate::start(&node, "Alice", 0.2, 0.05);
	wait_for(Duration::from_secs(60), "the sidecar moderating", || {
		sidecar.log().contains("moderating with model").then_some(())
	});
	let after_sd = rate(metrics_port, window, |_| {}) - quiet;
	drop(sidecar);

	println!("  masternode, polling (before): {before_mn:6.2} calls/s");
	println!("  masternode, on heads (after): {after_mn:6.2} calls/s");
	println!("  sidecar, polling (before):    {before_sd:6.2} calls/s");
	println!("  sidecar, on heads (after):    {after_sd:6.2} calls/s");
	println!(
		"ratio after ÷ before: masternode {:.3}, sidecar {:.3}",
		after_mn / before_mn,
		after_sd / before_sd
	);
}
