//! The web app's Watch page in a real headless Chromium (Debian's package, driven by
//! playwright-core), against a real node and six real `pop-masternode` daemons: a clip uploaded
//! with the real `pop` CLI and published plays in the page from the masternodes' HTTP ports,
//! decoded in the page (`pop-codec` in wasm); with two of six holders killed before playback and
//! the buffer capped below the clip's length it plays to the end, reporting each dead holder
//! once; a wrong key and an unknown id get a clear message. The Account page, as a development
//! account, mints LIT from POP with the fee shown in the token that pays it, and the balance
//! changes on chain. The Governance page votes on a referendum with conviction, and the tally
//! changes on chain. The Moderation page files a creator's appeal of a rejection. The pages are
//! the production build (`web/dist`, built by `scripts/build-web`), served by `vite preview`.

use codec::Encode;
use pallet_governance::GovernanceOrigin;
use pop_e2e::{
	chain::{blake2_map_key, context, free_lit, read},
	content::{certify_verdict, publish, send},
	referenda::{decision_deposit, note_preimage, submit_referendum},
	swarm::{pop, Masternode},
	wait_for,
	web::{page_test, serve_web},
	Node, NodeConfig,
};
use pop_primitives::{content::Verdict, currency::POP};
use pop_runtime::{OriginCaller, Runtime, RuntimeCall};
use sp_core::{sr25519, Pair};
use sp_keyring::Sr25519Keyring::*;
use sp_runtime::FixedU128;
use std::{
	path::Path,
	process::{Command, Output},
	time::Duration,
};

const TIMEOUT: Duration = Duration::from_secs(180);

fn stderr(out: &Output) -> String {
	String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Runs `web/tests/watch.mjs` in `mode`; returns its JSON report, asserting it passed.
fn watch(mode: &str, envs: &[(&str, String)]) -> serde_json::Value {
	page_test("watch.mjs", mode, envs)
}

fn clip(dir: &Path) -> std::path::PathBuf {
	let path = dir.join("clip.mp4");
	let out = Command::new("ffmpeg")
		.args(["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25"])
		.args(["-f", "lavfi", "-i", "sine=frequency=440", "-t", "20"])
		.args(["-c:v", "libx264", "-pix_fmt", "yuv420p", "-g", "25", "-c:a", "aac"])
		.arg(&path)
		.output()
		.expect("FFmpeg is installed (scripts/setup)");
	assert!(out.status.success(), "ffmpeg: {}", stderr(&out));
	path
}

#[test]
fn the_watch_page_plays_from_the_masternodes_in_chromium() {
	let node = Node::start(NodeConfig::dev());
	node.wait_best(1, TIMEOUT);
	let chain = pop_chain_client::Chain::new(&node.rpc_url());
	let ctx = context(&node);
	let from = node.finalized_number();
	let work = tempfile::tempdir().unwrap();
	let owners = ["//Alice", "//Bob", "//Charlie", "//Dave", "//Eve", "//Ferdie"];
	let regions = ["DE", "DE", "US", "US", "JP", "BR"];
	let mut masternodes: Vec<Masternode> =
		owners.iter().zip(regions).map(|(o, r)| Masternode::start(&node, o, r)).collect();
	wait_for(TIMEOUT, "six masternodes on chain", || {
		(chain.masternodes().ok()?.len() == 6).then_some(())
	});
	for m in &masternodes {
		wait_for(TIMEOUT, "the masternode serving", || {
			m.log().contains("serving shards as").then_some(())
		});
	}
	let (_web, web_url) = serve_web();

	let file = clip(work.path());
	let out = pop(
		&node,
		&["upload", file.to_str().unwrap(), "--suri", "//Eve//stash", "--output", "json"],
	);
	assert!(out.status.success(), "pop upload: {}", stderr(&out));
	let up: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
	let (content, key) = (up["content"].as_str().unwrap(), up["key"].as_str().unwrap());
	let id: [u8; 32] = hex::decode(content.trim_start_matches("0x")).unwrap().try_into().unwrap();
	publish(&node, &ctx, from, id);

	let page = format!("{web_url}/watch.html?id={content}&rpc=ws://127.0.0.1:{}", node.rpc_port);
	let urls = |ms: &[Masternode]| ms.iter().map(|m| m.http_url()).collect::<Vec<_>>().join(",");
	let all = urls(&masternodes);
	let key = key.trim_start_matches("0x").to_string();
	let shot = work.path().join("frame.png");
	let env = |extra: &[(&'static str, String)]| -> Vec<(&'static str, String)> {
		let mut e = vec![
			("POP_PAGE", page.clone()),
			("POP_KEY", key.clone()),
			("POP_MASTERNODES", all.clone()),
			("POP_SCREENSHOT", shot.to_string_lossy().into_owned()),
		];
		e.extend(extra.iter().cloned());
		e
	};

	let played = watch("play", &env(&[]));
	assert!(played["video"]["currentTime"].as_f64().unwrap() > 9.0);
	assert!(std::fs::metadata(&shot).unwrap().len() > 1000, "a screenshot of the frame");

	// A wrong key, and an id the chain does not know: a message, never a frozen player.
	watch("wrongkey", &env(&[("POP_KEY", "11".repeat(32))]));
	let unknown = format!(
		"{web_url}/watch.html?id=0x{}&rpc=ws://127.0.0.1:{}",
		"ab".repeat(32),
		node.rpc_port
	);
	watch("unknown", &env(&[("POP_PAGE", unknown)]));

	// The Account page mints LIT from POP as Bob; the chain agrees.
	let bob: pop_primitives::AccountId =
		sr25519::Pair::from_string("//Bob", None).unwrap().public().into();
	let lit_before = free_lit(&node, &bob, None);
	let account_page = format!("{web_url}/account.html?rpc=ws://127.0.0.1:{}", node.rpc_port);
	let report = page_test(
		"account.mjs",
		"mint",
		&[("POP_PAGE", account_page), ("POP_AS", "Bob".to_string())],
	);
	let lit_after = free_lit(&node, &bob, None);
	assert!(lit_after > lit_before, "LIT minted on chain: {lit_before} → {lit_after}");
	assert_eq!(
		report["after"]["lit"].as_str().unwrap(),
		lit_after.to_string(),
		"the page shows it"
	);

	// The Governance page: Alice proposes a parameter change; Charlie votes aye in the page
	// with 1,000 POP at 1× conviction; the tally on chain counts it.
	let proposal =
		RuntimeCall::Lit(pallet_lit::Call::set_rate { lit_per_pop: FixedU128::from_u32(3) })
			.encode();
	let params = OriginCaller::Governance(GovernanceOrigin::Parameters);
	send(&node, &ctx, Alice, note_preimage(proposal.clone()));
	send(&node, &ctx, Alice, submit_referendum(params, &proposal));
	send(&node, &ctx, Alice, decision_deposit(0));
	let ayes = || match read::<pallet_referenda::ReferendumInfoOf<Runtime, ()>>(
		&node,
		&blake2_map_key("Referenda", "ReferendumInfoFor", &0u32),
		None,
	) {
		Some(pallet_referenda::ReferendumInfo::Ongoing(r)) => Some(r.tally.ayes),
		_ => None,
	};
	let before = wait_for(TIMEOUT, "referendum 0 open", ayes);
	let governance_page = format!("{web_url}/governance.html?rpc=ws://127.0.0.1:{}", node.rpc_port);
	page_test(
		"governance.mjs",
		"vote",
		&[
			("POP_PAGE", governance_page),
			("POP_AS", "Charlie".into()),
			("POP_REFERENDUM", "0".into()),
			("POP_AMOUNT", "1000".into()),
		],
	);
	let after = ayes().expect("still open");
	assert_eq!(after - before, 1_000 * POP, "Charlie's 1,000 POP at 1× on chain");

	// The Moderation page: Eve's stash uploads a file the moderation set rejects; she appeals
	// in the page, with a reason, and the chain records the appeal.
	let rejected = work.path().join("notes.bin");
	std::fs::write(&rejected, vec![3u8; 200_000]).unwrap();
	let out = pop(
		&node,
		&["upload", rejected.to_str().unwrap(), "--suri", "//Eve//stash", "--output", "json"],
	);
	assert!(out.status.success(), "pop upload: {}", stderr(&out));
	let up: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
	let hex_id = up["content"].as_str().unwrap().to_string();
	let id: [u8; 32] = hex::decode(hex_id.trim_start_matches("0x")).unwrap().try_into().unwrap();
	certify_verdict(&node, &ctx, node.finalized_number(), id, Verdict::Reject);
	let moderation_page = format!("{web_url}/moderation.html?rpc=ws://127.0.0.1:{}", node.rpc_port);
	let reason = "a lecture recording, not what the classifier thinks";
	page_test(
		"moderation.mjs",
		"appeal",
		&[
			("POP_PAGE", moderation_page),
			("POP_AS", "Eve stash".into()),
			("POP_CONTENT", hex_id),
			("POP_REASON", reason.into()),
		],
	);
	let appeal = chain.review(&id).unwrap().appeal.expect("the appeal on chain");
	assert_eq!(appeal.reason.to_vec(), reason.as_bytes());

	// Two of six holders (n − k) dead before playback starts, the buffer capped at 6 s of a
	// 20 s clip: it plays to the end from the other four.
	masternodes[1].kill();
	masternodes[4].kill();
	let dead = [&masternodes[1], &masternodes[4]].map(|m| m.http_url()).join(",");
	let report = watch("dead", &env(&[("POP_DEAD", dead)]));
	assert_eq!(report["state"]["phase"], "ended");
}
