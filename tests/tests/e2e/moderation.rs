//! Moderation end to end: a dev node, six `pop-masternode` daemons, the four superdelegates of
//! the dev chain's moderation set running real `pop-superdelegate` sidecars (open_nsfw in
//! tract-onnx, pBFT over libp2p), and the real `pop` CLI.
//!
//! The sidecars run a policy under test whose threshold lies between the real scores of two
//! freely licensed scikit-image photos (no explicit material is needed): the coffee cup
//! (0.0116) is approved, the astronaut (0.0230) rejected. A truncated PNG is rejected as
//! malformed and every sidecar keeps running. A video clip is judged by its sampled frames, and
//! a song whose only picture is its cover is judged by that picture. With one sidecar killed, content is still decided
//! by the other three; restarted, that sidecar rejoins and the set decides again with it.
//! Content left pending (two members down) when the delegates elect a new set is re-sealed for
//! the new set by one of its old members, and the new set decides it.

use pallet_content::Status;
use pop_chain_client::{Chain, Content};
use pop_e2e::content::send;
use pop_e2e::{
	node::workspace_root,
	superdelegate::Superdelegate,
	swarm::{pop, Masternode},
	wait_for, Node, NodeConfig,
};
use pop_primitives::{
	content::{ContentId, Verdict},
	AccountId,
};
use pop_runtime::RuntimeCall;
use sp_keyring::Sr25519Keyring;
use std::{path::Path, process::Output, time::Duration};

const TIMEOUT: Duration = Duration::from_secs(180);
/// The policy under test: reject at 0.020 and above, approve at 0.014 and below.
const THRESHOLD: f32 = 0.017;
const BAND: f32 = 0.003;
const CREATOR: &str = "//Eve//stash";

fn stderr(out: &Output) -> String {
	String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Uploads `file` as `media_type` and returns the content id and key the CLI printed.
fn upload(node: &Node, file: &Path, media_type: &str) -> (ContentId, String) {
	let up = pop_e2e::swarm::upload(node, file, &["--suri", CREATOR, "--media-type", media_type]);
	(up.id, up.key)
}

/// Waits until the set decided `id`, and returns its record.
fn decided(chain: &Chain, id: ContentId, what: &str) -> Content {
	wait_for(TIMEOUT, what, || {
		chain.content(&id).ok().flatten().filter(|c| c.info.status != Status::Pending)
	})
}

/// Uploads, as the creator, a segment whose data shards are one picture's and whose recovery
/// shards are another's; waits for a sidecar's proof on chain and checks what it did.
fn two_faced_upload_is_proven_and_costs_the_deposit(
	node: &Node,
	chain: &Chain,
	sidecars: &[Superdelegate],
) {
	use pop_codec::{encode, ContentKey, Params};
	use pop_primitives::content::{shard_hash, Layout, LayoutParams};
	let from = node.finalized_number();
	let mut harmless = std::fs::read(sample("coffee.png")).unwrap();
	let mut other = std::fs::read(sample("astronaut.png")).unwrap();
	let len = harmless.len().min(other.len());
	harmless.truncate(len);
	other.truncate(len);
	let key = ContentKey([0x5a; 32]);
	let params = Params {
		segment_size: 1 << 20,
		k: 2,
		n: 4,
		media_type: "image/png".into(),
		metadata_hash: [0; 32],
	};
	let (layout, mut encoded) = encode(&key, &params, &harmless).unwrap();
	let (_, shown_to_viewers) = encode(&key, &params, &other).unwrap();
	let mut segments = layout.segments.clone();
	for (s, (mine, theirs)) in encoded.iter_mut().zip(&shown_to_viewers).enumerate() {
		mine.shards.truncate(2);
		mine.shards.extend_from_slice(&theirs.shards[2..]);
		segments[s].shards =
			mine.shards.iter().map(|x| shard_hash(x)).collect::<Vec<_>>().try_into().unwrap();
	}
	let m = &layout.manifest;
	let two_faced = Layout::build(
		LayoutParams {
			media_type: m.media_type.clone(),
			metadata_hash: m.metadata_hash,
			k: m.k,
			n: m.n,
			key_commitment: m.key_commitment,
			packaging: m.packaging,
		},
		segments,
	);
	let creator = <sp_core::sr25519::Pair as sp_core::Pair>::from_string(CREATOR, None).unwrap();
	let creator_id: AccountId = sp_core::Pair::public(&creator).into();
	let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
	let id = rt
		.block_on(async {
			let client = pop_swarm::client::Client::connect(&node.rpc_url()).await?;
			client
				.upload_encoded(
					&creator,
					two_faced,
					encoded,
					key.clone(),
					&pop_swarm::client::Silent,
				)
				.await
		})
		.expect("the two-faced upload goes through: nothing but a decoder can tell");
	let deposit = chain.content(&id).unwrap().expect("registered").info.deposit;
	let ((reporter, forfeited, reward), _) = pop_e2e::chain::wait_event(
		node,
		from,
		TIMEOUT,
		"a sidecar's proof that the upload is no codeword",
		|e| match e {
			pop_runtime::RuntimeEvent::Content(
				pallet_content::Event::InconsistentUploadProven {
					content,
					creator,
					reporter,
					forfeited,
					reward,
					..
				},
			) if *content == id && *creator == creator_id => Some((reporter.clone(), *forfeited, *reward)),
			_ => None,
		},
	);
	assert_eq!(forfeited, deposit, "the whole deposit is forfeit");
	assert!(reward > 0 && reward < deposit);
	use sp_keyring::Sr25519Keyring::{Alice, Bob, Charlie, Dave};
	let members: Vec<AccountId> =
		[Alice, Bob, Charlie, Dave].iter().map(|k| k.to_account_id()).collect();
	assert!(members.contains(&reporter), "a sidecar proved it: {reporter}");
	assert!(chain.content(&id).unwrap().is_none(), "taken down");
	wait_for(TIMEOUT, "the prover's log line", || {
		sidecars.iter().any(|s| s.log().contains("is not one codeword")).then_some(())
	});
	// No viewer gets bytes of it, and the same manifest cannot come back.
	let out = pop(
		node,
		&[
			"fetch",
			&format!("0x{}", hex::encode(id)),
			"--key",
			&hex::encode(key.0),
			"-o",
			std::env::temp_dir().join("two-faced.png").to_str().unwrap(),
		],
	);
	assert!(!out.status.success());
	assert!(stderr(&out).contains("unknown content"), "{}", stderr(&out));
}

fn sample(name: &str) -> std::path::PathBuf {
	workspace_root().join("models/samples").join(name)
}

#[test]
fn four_superdelegates_moderate_uploads_and_survive_a_kill() {
	// The sidecars must make do with the RPC methods a public node serves.
	let mut node = Node::start(NodeConfig::dev().safe_rpc());
	node.wait_best(1, TIMEOUT);
	let chain = Chain::new(&node.rpc_url());
	let work = tempfile::tempdir().unwrap();

	let owners = [
		"//Eve",
		"//Ferdie",
		"//Alice//stash",
		"//Bob//stash",
		"//Charlie//stash",
		"//Dave//stash",
	];
	let regions = ["DE", "DE", "US", "US", "JP", "BR"];
	let _masternodes: Vec<Masternode> =
		owners.iter().zip(regions).map(|(o, r)| Masternode::start(&node, o, r)).collect();
	wait_for(TIMEOUT, "six masternodes on chain", || {
		(chain.masternodes().ok()?.len() == 6).then_some(())
	});

	// The dev chain's moderation set: its sidecars publish their peer ids and addresses.
	let names = ["Alice", "Bob", "Charlie", "Dave"];
	let mut sidecars: Vec<Superdelegate> =
		names.iter().map(|n| Superdelegate::start(&node, n, THRESHOLD, BAND)).collect();
	wait_for(TIMEOUT, "four sidecars published on chain", || {
		let (_, set) = chain.superdelegates().ok()?;
		(set.len() == 4
			&& set.iter().all(|(_, s)| !s.peer_id.is_empty() && !s.addresses.is_empty()))
		.then_some(())
	});
	let model_hash = wait_for(TIMEOUT, "the sidecars' model", || {
		let log = sidecars[0].log();
		let at = log.find("moderating with model 0x")? + "moderating with model 0x".len();
		hex::decode(&log[at..at + 64]).ok()
	});

	// Approved: public, and it comes back byte-identical.
	let coffee = sample("coffee.png");
	let (id, key) = upload(&node, &coffee, "image/png");
	let c = decided(&chain, id, "the coffee cup decided");
	let decision = c.info.decision.expect("a decision");
	assert_eq!((c.info.status, decision.verdict), (Status::Approved, Verdict::Approve));
	assert!(decision.signers >= 3, "a quorum signed: {}", decision.signers);
	assert_eq!(decision.model_hash.to_vec(), model_hash, "bound to the sidecars' model");
	assert!(chain.sealed_keys(&id).unwrap().is_none(), "the released key is dropped once decided");
	let back = work.path().join("coffee.png");
	let out = pop(
		&node,
		&["fetch", &format!("0x{}", hex::encode(id)), "--key", &key, "-o", back.to_str().unwrap()],
	);
	assert!(out.status.success(), "pop fetch failed: {}", stderr(&out));
	assert_eq!(std::fs::read(&back).unwrap(), std::fs::read(&coffee).unwrap());
	// An honest upload cannot be proven inconsistent: `pop prove-inconsistent` fetches every
	// shard, finds one codeword, says so and submits nothing.
	let out = pop(
		&node,
		&["prove-inconsistent", &format!("0x{}", hex::encode(id)), "--suri", "//Ferdie"],
	);
	assert!(!out.status.success());
	assert!(stderr(&out).contains("its shards are one codeword"), "{}", stderr(&out));
	assert!(chain.content(&id).unwrap().is_some());

	// Each sidecar's metrics count its review and the set's decision; `pop status` shows who
	// decided what, for people and for scripts.
	wait_for(TIMEOUT, "the sidecars' metrics", || {
		sidecars
			.iter()
			.all(|s| {
				s.metric("pop_superdelegate_reviews_total") >= Some(1.0)
					&& s.metric("pop_superdelegate_decisions_total") >= Some(1.0)
					&& s.metric("pop_superdelegate_chain_connected") == Some(1.0)
			})
			.then_some(())
	});
	let out = pop(&node, &["status", &format!("0x{}", hex::encode(id)), "--output", "json"]);
	assert!(out.status.success(), "pop status failed: {}", stderr(&out));
	let status: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
	assert_eq!(status["status"], "Approved");
	assert_eq!(status["decision"]["verdict"], "Approve");
	assert!(status["decision"]["signers"].as_u64() >= Some(3), "{status}");
	assert_eq!(status["holders"].as_array().map(Vec::len), Some(6), "{status}");
	// Each voting member's own score is on chain with the certificate: the same model on the
	// same picture gives every member the coffee cup's 0.0116.
	let scores = status["decision"]["scores"].as_array().expect("scores on chain");
	assert!(scores.len() >= 3, "a quorum of votes: {status}");
	for s in scores {
		let p = s["score"].as_f64().expect("every member scored the picture");
		assert!((0.010..0.014).contains(&p), "{status}");
		assert_eq!(s["score"], scores[0]["score"], "one model, one picture, one score");
	}

	// The chain node restarts under the sidecars (a node upgrade, a crash): each says it lost the
	// node and came back, and the set goes on deciding.
	node.restart();
	wait_for(TIMEOUT, "every sidecar reconnected to the restarted node", || {
		sidecars.iter().all(|s| s.log().contains("reconnected to the chain node")).then_some(())
	});
	let (id, _) = upload(&node, &sample("clock.png"), "image/png");
	decided(&chain, id, "the clock decided after the node restart");

	// Rejected by the policy: never public.
	let (id, key) = upload(&node, &sample("astronaut.png"), "image/png");
	let c = decided(&chain, id, "the astronaut decided");
	assert_eq!(c.info.status, Status::Rejected);
	wait_for(TIMEOUT, "every sidecar's reason for the astronaut", || {
		sidecars.iter().all(|s| s.log().contains("explicit-content score 0.02")).then_some(())
	});
	let out = pop(
		&node,
		&[
			"fetch",
			&format!("0x{}", hex::encode(id)),
			"--key",
			&key,
			"-o",
			work.path().join("x").to_str().unwrap(),
		],
	);
	assert!(!out.status.success());
	assert!(stderr(&out).contains("not published (Rejected)"), "{}", stderr(&out));

	// Malformed: a PNG cut in half is rejected with the decoder's reason; nobody stops.
	let truncated = work.path().join("truncated.png");
	let bytes = std::fs::read(sample("rocket.png")).unwrap();
	std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
	let (id, _) = upload(&node, &truncated, "image/png");
	assert_eq!(decided(&chain, id, "the truncated PNG decided").info.status, Status::Rejected);
	wait_for(TIMEOUT, "every sidecar's reason for the truncated PNG", || {
		sidecars.iter().all(|s| s.log().contains("malformed media")).then_some(())
	});
	for s in &mut sidecars {
		assert!(s.is_running(), "{} keeps running", s.name);
	}

	// Two-faced (hole 1): the data shards of the coffee cup with the recovery shards of the
	// astronaut under one manifest. No decoder takes them (each re-encodes and checks every
	// hash); a sidecar proves it on chain, and the creator loses its deposit.
	two_faced_upload_is_proven_and_costs_the_deposit(&node, &chain, &sidecars);

	// Video: FFmpeg samples its frames and the worst one decides; four seconds of the coffee
	// cup are approved.
	let clip = work.path().join("coffee.mp4");
	let out = std::process::Command::new("ffmpeg")
		.args(["-v", "error", "-loop", "1", "-t", "4", "-i"])
		.arg(&coffee)
		.args([
			"-r",
			"5",
			"-vf",
			"scale=512:512",
			"-c:v",
			"libx264",
			"-qp",
			"0",
			"-pix_fmt",
			"yuv444p",
		])
		.arg(&clip)
		.output()
		.expect("ffmpeg is installed (scripts/setup)");
	assert!(out.status.success(), "ffmpeg: {}", stderr(&out));
	// Uploaded as it is (lossless frames: the score of a lossy copy may drift into the band).
	let up = pop_e2e::swarm::upload(
		&node,
		&clip,
		&["--suri", CREATOR, "--media-type", "video/mp4", "--packaging", "bytes"],
	);
	let id = up.id;
	assert_eq!(decided(&chain, id, "the coffee clip decided").info.status, Status::Approved);
	let short = format!("0x{}", hex::encode(&id[..6]));
	wait_for(TIMEOUT, "Bob's frame-by-frame review of the clip", || {
		sidecars[1]
			.log()
			.lines()
			.any(|l| l.contains(&short) && l.contains("worst of 4 frames"))
			.then_some(())
	});

	// A song as musicians publish it: one cover picture, then 20 s of audio. Packaged at upload,
	// the picture stays as a video track (a frame a second), and the set scores it.
	let song = work.path().join("song.mp4");
	let out = std::process::Command::new("ffmpeg")
		.args(["-v", "error", "-i"])
		.arg(sample("chelsea.png"))
		.args(["-f", "lavfi", "-i", "sine=frequency=440", "-t", "20", "-map", "0:v", "-map"])
		.args(["1:a", "-vf", "scale=450:300", "-c:v", "libx264", "-pix_fmt", "yuv420p"])
		.args(["-c:a", "aac"])
		.arg(&song)
		.output()
		.expect("ffmpeg is installed (scripts/setup)");
	assert!(out.status.success(), "ffmpeg: {}", stderr(&out));
	let (id, _) = upload(&node, &song, "video/mp4");
	let c = decided(&chain, id, "the song decided");
	assert_eq!(c.info.status, Status::Approved, "scored on its cover and approved");
	assert!(String::from_utf8_lossy(&c.info.media_type).starts_with("video/mp4; codecs=\"avc1."));
	let short = format!("0x{}", hex::encode(&id[..6]));
	wait_for(TIMEOUT, "Bob's review of the song's frames", || {
		sidecars[1]
			.log()
			.lines()
			.any(|l| l.contains(&short) && l.contains("worst of 16 frames"))
			.then_some(())
	});

	// One member down (f = 1): the other three still decide.
	sidecars[0].kill();
	let (id, _) = upload(&node, &sample("rocket.png"), "image/png");
	let c = decided(&chain, id, "the rocket decided with Alice down");
	assert_eq!(c.info.status, Status::Approved);
	assert_eq!(c.info.decision.expect("a decision").signers, 3);

	// Back up, Alice's sidecar rejoins: the next upload is decided with her part in it.
	sidecars[0].restart();
	wait_for(TIMEOUT, "Alice's sidecar back in the set", || {
		sidecars[0].log().contains("is in the moderation set at").then_some(())
	});
	let (id, _) = upload(&node, &sample("camera.png"), "image/png");
	let c = decided(&chain, id, "the camera decided after the restart");
	assert_eq!(c.info.status, Status::Approved);
	let short = format!("0x{}", hex::encode(&id[..6]));
	wait_for(TIMEOUT, "Alice's own review of the camera", || {
		sidecars[0].log().lines().any(|l| l.contains(&short) && l.contains("Approve")).then_some(())
	});
	for s in &mut sidecars {
		assert!(s.is_running(), "{} keeps running", s.name);
	}

	// A new set while content is pending. Ferdie's stash runs a sidecar that registers it as a
	// superdelegate (its moderation key and peer id, proven; `--register-bond`), idle: not in
	// the set. With Charlie and Dave down, an upload stays pending.
	let newcomer = Sr25519Keyring::FerdieStash;
	let mut newcomer_sidecar =
		Superdelegate::start_registering(&node, "Ferdie//stash", THRESHOLD, BAND, 10_000);
	wait_for(TIMEOUT, "the newcomer's sidecar idle outside the set", || {
		newcomer_sidecar.log().contains("is not in era").then_some(())
	});
	sidecars[2].kill();
	sidecars[3].kill();
	let (id, _) = upload(&node, &sample("chelsea.png"), "image/png");
	let first_release = chain.sealed_keys(&id).unwrap().expect("released");
	assert_eq!(first_release.keys.len(), 4);
	// Five blocks of several pBFT rounds each: two members down of four leave no quorum.
	let from = node.best_number();
	node.wait_best(from + 5, TIMEOUT);
	assert_eq!(
		chain.content(&id).unwrap().unwrap().info.status,
		Status::Pending,
		"two down of four: no quorum"
	);

	// Alice, the dev chain's delegate, elects Alice, Bob, Charlie and the newcomer: at the era's
	// end the set changes; an old member re-seals the key, and Alice, Bob and the newcomer
	// decide (Charlie is still down).
	assert!(newcomer_sidecar.log().contains("registering"), "the sidecar registered its account");
	let ctx = pop_e2e::chain::context(&node);
	let new_set = [Sr25519Keyring::Alice, Sr25519Keyring::Bob, Sr25519Keyring::Charlie, newcomer];
	send(
		&node,
		&ctx,
		Sr25519Keyring::Alice,
		RuntimeCall::Sdpos(pallet_sdpos::Call::vote_superdelegates {
			votes: new_set.iter().map(|k| k.to_account_id()).collect(),
		}),
	);
	let c = decided(&chain, id, "the cat decided by the new set");
	assert_eq!(c.info.status, Status::Approved);
	let (era, set) = chain.superdelegates().unwrap();
	let mut members: Vec<AccountId> = set.into_iter().map(|(who, _)| who).collect();
	let mut expected: Vec<AccountId> = new_set.iter().map(|k| k.to_account_id()).collect();
	members.sort();
	expected.sort();
	assert_eq!(members, expected, "the elected set in era {era}");
	assert!(c.info.decision.expect("a decision").era > first_release.era, "decided by a later era");
	let resealed = sidecars[..2].iter().any(|s| s.log().contains("re-sealed the key"));
	assert!(resealed, "an old member re-sealed the key for the new set");
	let short = format!("0x{}", hex::encode(&id[..6]));
	assert!(
		newcomer_sidecar.log().lines().any(|l| l.contains(&short) && l.contains("Approve")),
		"the newcomer reviewed it"
	);
	assert!(newcomer_sidecar.is_running());

	// Through kills, restarts of sidecars and of the node, and a change of set: every decided
	// content has exactly one certificate that took effect on chain, and no member submitted one
	// after the set had decided (that fails with `AlreadyDecided`). The only failure allowed is a
	// certificate that was sent in time but landed after the era turned (`WrongEra`): the new
	// set then decides again.
	let best = node.best_number();
	let mut certificates: std::collections::HashMap<ContentId, u32> = Default::default();
	let wrong_era: sp_runtime::DispatchError =
		pallet_content::Error::<pop_runtime::Runtime>::WrongEra.into();
	let mut late = 0;
	for included in pop_e2e::chain::extrinsics(&node, 1, best) {
		if let RuntimeCall::Content(pallet_content::Call::submit_verdict { content, .. }) =
			included.extrinsic.function
		{
			match included.outcome {
				Ok(()) => *certificates.entry(content).or_default() += 1,
				Err(e) if e == wrong_era => late += 1,
				Err(e) => panic!(
					"a certificate for {} failed in #{}: {e:?}",
					hex::encode(content),
					included.number
				),
			}
		}
	}
	eprintln!("{} certificates, {late} landed after their era", certificates.len());
	assert!(certificates.len() >= 8, "the certificates of every decided upload: {certificates:?}");
	assert!(certificates.values().all(|&n| n == 1), "a content decided twice: {certificates:?}");

	// SIGTERM (systemd, docker stop): the sidecar leaves cleanly and says why.
	let status = newcomer_sidecar.terminate(Duration::from_secs(30));
	assert!(status.is_some_and(|s| s.success()), "exit after SIGTERM: {status:?}");
	assert!(newcomer_sidecar.log().contains("SIGTERM"), "it says why it stops");
}
