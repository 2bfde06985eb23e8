//! Time to first frame in Chromium (`scripts/bench-watch` runs it): the Watch page against the
//! same media served as one plain file.
//!
//! A development node, six real `pop-masternode` daemons serving shards over HTTP, the web
//! app's production build (`vite preview`) and the real `pop` CLI. A 20-second 720p H.264/AAC
//! clip (about 3 Mbit/s) is uploaded (packaged as CMAF), published, and fetched back with
//! `pop fetch`: the CMAF file viewers get. Then `web/tests/bench-ttff.mjs` opens, in Debian's
//! Chromium, in alternating rounds (`POP_BENCH_ROUNDS`, default 5) with nothing cached:
//! - the Watch page: chain reads over WebSocket, shards from the masternodes' HTTP ports,
//!   verified, rebuilt and decrypted in wasm, appended to Media Source Extensions;
//! - a plain `<video src>` of the CMAF file served over HTTP from this machine: the baseline.
//!
//! It prints the medians of the time from navigation start to the first frame presented, and
//! their ratio (goal ≤ 1.5).

use pop_e2e::{
	content::publish,
	swarm::{pop, Masternode},
	wait_for,
	web::{page_test, serve_web},
	Node, NodeConfig,
};
use std::{process::Command, time::Duration};

fn median(mut v: Vec<f64>) -> f64 {
	v.sort_by(|a, b| a.partial_cmp(b).unwrap());
	v[v.len() / 2]
}

fn main() {
	let rounds: usize =
		std::env::var("POP_BENCH_ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(5);
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
	let (_web, web_url) = serve_web();

	let work = tempfile::tempdir().unwrap();
	let clip = work.path().join("clip.mp4");
	let out = Command::new("ffmpeg")
		.args(["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=25"])
		.args(["-f", "lavfi", "-i", "sine=frequency=440", "-t", "20"])
		.args(["-c:v", "libx264", "-preset", "veryfast", "-b:v", "3M", "-pix_fmt", "yuv420p"])
		.args(["-g", "50", "-c:a", "aac"])
		.arg(&clip)
		.output()
		.expect("FFmpeg is installed (scripts/setup)");
	assert!(out.status.success(), "ffmpeg: {}", String::from_utf8_lossy(&out.stderr));
	let out = pop(
		&node,
		&["upload", clip.to_str().unwrap(), "--suri", "//Bob//stash", "--output", "json"],
	);
	assert!(out.status.success(), "upload: {}", String::from_utf8_lossy(&out.stderr));
	let up: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
	let (content, key) = (up["content"].as_str().unwrap(), up["key"].as_str().unwrap());
	let id: [u8; 32] = hex::decode(content.trim_start_matches("0x")).unwrap().try_into().unwrap();
	publish(&node, &ctx, start_block, id);
	let cmaf = work.path().join("clip.cmaf.mp4");
	let out = pop(&node, &["fetch", content, "--key", key, "-o", cmaf.to_str().unwrap()]);
	assert!(out.status.success(), "fetch: {}", String::from_utf8_lossy(&out.stderr));
	let size = std::fs::metadata(&cmaf).unwrap().len();
	println!(
		"clip: 20 s of 720p H.264/AAC, {size} bytes packaged in {} segments",
		up["packaging"]["segments"]
	);

	let page = format!("{web_url}/watch.html?id={content}&rpc=ws://127.0.0.1:{}", node.rpc_port);
	let report = page_test(
		"bench-ttff.mjs",
		"ttff",
		&[
			("POP_PAGE", page),
			("POP_KEY", key.trim_start_matches("0x").to_string()),
			("POP_FILE", cmaf.to_string_lossy().into_owned()),
			("POP_ROUNDS", rounds.to_string()),
		],
	);
	let times = |name: &str| -> Vec<f64> {
		report[name].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect()
	};
	let (watch, plain) = (times("watch"), times("plain"));
	for (i, (w, p)) in watch.iter().zip(&plain).enumerate() {
		println!("round {}: Watch page {w:.0} ms, plain <video> {p:.0} ms", i + 1);
	}
	let (w, p) = (median(watch), median(plain));
	println!(
		"time to first frame, median of {rounds}: Watch page {w:.0} ms, plain <video> {p:.0} ms"
	);
	println!("ratio Watch page / plain <video>: {:.2} (goal <= 1.5)", w / p);
}
