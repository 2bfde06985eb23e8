//! Media packaged at upload, end to end: a dev node, six real `pop-masternode` daemons and the
//! real `pop` CLI with FFmpeg. A phone-style MP4 (its index at the end), a WebM and an MP3 are
//! uploaded; each becomes CMAF (an init segment and fragments with their durations in the
//! manifest, the codecs in the media type), and the init segment plus the first fragment that
//! `pop play` writes decode on their own, before the rest has arrived. `pop play --from` starts
//! at the segment playing at that time and asks for nothing before it. Corrupt and truncated
//! media get a clear error and nothing is signed or registered.

use pop_e2e::{
	chain::context,
	content::{nonce, publish},
	swarm::{pop, Masternode},
	wait_for, Node, NodeConfig,
};
use pop_primitives::AccountId;
use sp_core::{sr25519, Pair};
use std::{
	io::Read,
	path::{Path, PathBuf},
	process::{Command, Output, Stdio},
	time::Duration,
};

const TIMEOUT: Duration = Duration::from_secs(180);
const CREATOR: &str = "//Eve//stash";

fn stderr(out: &Output) -> String {
	String::from_utf8_lossy(&out.stderr).into_owned()
}

fn ffmpeg(args: &[&str]) {
	let out = Command::new("ffmpeg")
		.args(["-v", "error", "-y"])
		.args(args)
		.output()
		.expect("FFmpeg is installed (scripts/setup)");
	assert!(out.status.success(), "ffmpeg {args:?}: {}", stderr(&out));
}

/// Frames of the first stream decoded from `bytes` alone, and where they start (seconds).
fn decode(bytes: &[u8], dir: &Path, name: &str) -> (u64, f64) {
	let path = dir.join(name);
	std::fs::write(&path, bytes).unwrap();
	let out = Command::new("ffprobe")
		.args(["-v", "error", "-count_frames", "-select_streams", "0"])
		.args(["-show_entries", "stream=nb_read_frames,start_time", "-of", "json"])
		.arg(&path)
		.output()
		.unwrap();
	assert!(out.status.success(), "{name} does not decode: {}", stderr(&out));
	let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
	let stream = &json["streams"][0];
	let number = |k: &str| stream[k].as_str().and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
	(number("nb_read_frames") as u64, number("start_time"))
}

/// The first `len` bytes `pop play ARGS` writes, read while it is still running (what a player
/// reading the pipe has).
fn first_bytes(node: &Node, args: &[&str], len: usize) -> Vec<u8> {
	let mut child = Command::new(pop_e2e::node::release_bin("pop"))
		.args(["--chain-rpc", &node.rpc_url(), "--quiet", "play"])
		.args(args)
		.stdout(Stdio::piped())
		.stderr(Stdio::piped())
		.spawn()
		.expect("pop runs");
	let mut out = vec![0; len];
	child.stdout.as_mut().unwrap().read_exact(&mut out).expect("pop play writes the segments");
	let _ = child.kill();
	let _ = child.wait();
	out
}

struct Uploaded {
	content: String,
	key: String,
	json: serde_json::Value,
}

fn upload(node: &Node, file: &Path) -> Uploaded {
	let out = pop(node, &["upload", file.to_str().unwrap(), "--suri", CREATOR, "--output", "json"]);
	assert!(out.status.success(), "pop upload {} failed: {}", file.display(), stderr(&out));
	let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
	Uploaded {
		content: json["content"].as_str().unwrap().to_string(),
		key: json["key"].as_str().unwrap().to_string(),
		json,
	}
}

fn status(node: &Node, content: &str) -> serde_json::Value {
	let out = pop(node, &["status", content, "--output", "json"]);
	assert!(out.status.success(), "pop status failed: {}", stderr(&out));
	serde_json::from_slice(&out.stdout).expect("one JSON object")
}

fn numbers(v: &serde_json::Value) -> Vec<u64> {
	v.as_array().expect("an array").iter().map(|n| n.as_u64().unwrap()).collect()
}

/// Sources as creators have them.
fn sources(dir: &Path) -> Vec<(PathBuf, &'static str)> {
	let phone = dir.join("phone.mp4");
	ffmpeg(&[
		"-f",
		"lavfi",
		"-i",
		"testsrc=size=320x240:rate=25",
		"-f",
		"lavfi",
		"-i",
		"sine=frequency=440",
		"-t",
		"10",
		"-c:v",
		"libx264",
		"-pix_fmt",
		"yuv420p",
		"-g",
		"25",
		"-c:a",
		"aac",
		phone.to_str().unwrap(),
	]);
	let webm = dir.join("clip.webm");
	ffmpeg(&[
		"-f",
		"lavfi",
		"-i",
		"testsrc=size=320x240:rate=25",
		"-f",
		"lavfi",
		"-i",
		"sine=frequency=330",
		"-t",
		"9",
		"-c:v",
		"libvpx",
		"-b:v",
		"300k",
		"-c:a",
		"libopus",
		webm.to_str().unwrap(),
	]);
	let mp3 = dir.join("song.mp3");
	ffmpeg(&["-f", "lavfi", "-i", "sine=frequency=220", "-t", "9", mp3.to_str().unwrap()]);
	vec![
		(phone, "video/mp4; codecs=\"avc1."),
		(webm, "video/mp4; codecs=\"avc1."),
		(mp3, "audio/mp4"),
	]
}

#[test]
fn media_is_packaged_at_upload_and_plays_from_its_first_segment() {
	let node = Node::start(NodeConfig::dev().safe_rpc());
	node.wait_best(1, TIMEOUT);
	let chain = pop_chain_client::Chain::new(&node.rpc_url());
	let ctx = context(&node);
	let mut from = node.finalized_number();
	let work = tempfile::tempdir().unwrap();
	let owners = ["//Alice", "//Bob", "//Charlie", "//Dave", "//Eve", "//Ferdie"];
	let regions = ["DE", "DE", "US", "US", "JP", "BR"];
	let masternodes: Vec<Masternode> =
		owners.iter().zip(regions).map(|(o, r)| Masternode::start(&node, o, r)).collect();
	wait_for(TIMEOUT, "six masternodes on chain", || {
		(chain.masternodes().ok()?.len() == 6).then_some(())
	});
	for m in &masternodes {
		wait_for(TIMEOUT, "the masternode serving", || {
			m.log().contains("serving shards as").then_some(())
		});
	}
	let sources = sources(work.path());
	// The phone's file keeps its index (`moov`) after the media: its first bytes alone play
	// nothing, which is why it is packaged.
	let phone = std::fs::read(&sources[0].0).unwrap();
	let at = |name: &[u8]| phone.windows(4).position(|w| w == name).unwrap();
	assert!(at(b"moov") > at(b"mdat"), "the phone-style source has its index at the end");

	for (file, media_type) in &sources {
		let name = file.file_name().unwrap().to_str().unwrap();
		let up = upload(&node, file);
		assert_eq!(up.json["packaging"]["kind"], "cmaf", "{name}: {}", up.json);
		let id: [u8; 32] =
			hex::decode(up.content.trim_start_matches("0x")).unwrap().try_into().unwrap();
		// The next certificate's outcome is looked for after this one's block.
		from = publish(&node, &ctx, from, id) + 1;

		// The manifest: an init segment without duration, then timed fragments; the codecs in
		// the media type.
		let s = status(&node, &up.content);
		assert!(s["mediaType"].as_str().unwrap().starts_with(media_type), "{name}: {s}");
		assert!(s["mediaType"].as_str().unwrap().contains("mp4a.40.2"), "{name}: {s}");
		assert_eq!(s["packaging"]["kind"], "cmaf");
		assert_eq!(s["packaging"]["timescale"], 1000);
		let bytes = numbers(&s["segmentBytes"]);
		let durations = numbers(&s["segmentDurations"]);
		assert!(bytes.len() >= 3, "{name}: an init segment and fragments: {s}");
		assert_eq!(durations[0], 0, "{name}: the init segment plays no time");
		assert!(durations[1..].iter().all(|d| (1..=4_200).contains(d)), "{name}: {durations:?}");
		let total: u64 = durations.iter().sum();
		assert!((8_800..=10_200).contains(&total), "{name}: {total} ms");

		// A player's view: the init segment and the first fragment, read from `pop play` while
		// it runs, decode on their own.
		let first = (bytes[0] + bytes[1]) as usize;
		let head = first_bytes(&node, &[&up.content, "--key", &up.key], first);
		let (frames, start) = decode(&head, work.path(), &format!("{name}.head.mp4"));
		assert!(frames > 0, "{name}: the first segment decodes on its own");
		assert!(start < 0.1, "{name}: it starts at the beginning ({start} s)");

		// Seeking to 5 s writes the init segment, then the fragments from the one playing at
		// 5 s; the ones before it are never fetched.
		let mut end = 0;
		let seek = (1..durations.len())
			.find(|i| {
				end += durations[*i];
				end > 5_000
			})
			.unwrap();
		let out = pop(&node, &["play", &up.content, "--key", &up.key, "--from", "5"]);
		assert!(out.status.success(), "{name}: pop play --from failed: {}", stderr(&out));
		let expected: u64 = bytes[0] + bytes[seek..].iter().sum::<u64>();
		assert_eq!(out.stdout.len() as u64, expected, "{name}: init + segments {seek}..");
		let (frames, start) = decode(&out.stdout, work.path(), &format!("{name}.seek.mp4"));
		let skipped: u64 = durations[..seek].iter().sum();
		assert!(frames > 0, "{name}: the seek decodes");
		assert!(
			(start - skipped as f64 / 1000.0).abs() < 0.2,
			"{name}: it starts where segment {seek} does ({start} s, {skipped} ms)"
		);
		let out = pop(&node, &["play", &up.content, "--key", &up.key, "--from", "60"]);
		assert!(!out.status.success());
		assert!(stderr(&out).contains("past the end"), "{name}: {}", stderr(&out));
	}

	// Bad input: a truncated phone video, and noise named as a WebM. A clear error, and the
	// creator signed nothing.
	let creator: AccountId = sr25519::Pair::from_string(CREATOR, None).unwrap().public().into();
	let before = nonce(&node, &creator);
	let truncated = work.path().join("truncated.mp4");
	std::fs::write(&truncated, &phone[..phone.len() / 2]).unwrap();
	let noise = work.path().join("noise.webm");
	std::fs::write(&noise, (0..50_000u32).map(|i| (i * 7919 % 251) as u8).collect::<Vec<_>>())
		.unwrap();
	for (file, why) in [(&truncated, "moov atom not found"), (&noise, "FFmpeg can read")] {
		let out = pop(&node, &["upload", file.to_str().unwrap(), "--suri", CREATOR]);
		assert!(!out.status.success(), "{} is refused", file.display());
		let err = stderr(&out);
		assert!(err.contains("is not audio or video FFmpeg can read"), "{err}");
		assert!(err.contains(why), "{err}");
	}
	assert_eq!(nonce(&node, &creator), before, "nothing was signed");
}
