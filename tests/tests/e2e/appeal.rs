//! An appeal decided by POP holders, end to end on a dev node with three real masternodes and
//! the real `pop` CLI: the moderation set leaves an upload for review (audio it cannot score,
//! say); its creator appeals with `pop appeal`; a referendum on the moderation track rules it
//! publishable; the content is published, the deposit comes back, `pop status` shows who decided
//! and why, and a viewer fetches it. Bad input — an appeal by someone else, with no reason, with
//! a reason too long, of content that needs no appeal, a second appeal — gets a clear error and
//! changes nothing.

use codec::Encode;
use pallet_conviction_voting::Conviction;
use pallet_governance::GovernanceOrigin;
use pop_chain_client::Chain;
use pop_e2e::{
	chain::{wait_event, wait_failure},
	content::{certify_verdict, send},
	referenda::{decision_deposit, note_preimage, outcome, submit_referendum, submitted, vote},
	swarm::{pop, upload, Masternode},
	wait_for, Node, NodeConfig,
};
use pop_primitives::{content::Verdict, currency::POP};
use pop_runtime::{OriginCaller, RuntimeCall, RuntimeEvent};
use sp_keyring::Sr25519Keyring;
use std::{io::Write, process::Output, time::Duration};

const TIMEOUT: Duration = Duration::from_secs(240);

fn stderr(out: &Output) -> String {
	String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
	String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn an_appeal_decided_by_the_moderation_track_publishes_content_left_for_review() {
	let node = Node::start(NodeConfig::dev());
	node.wait_best(1, TIMEOUT);
	let chain = Chain::new(&node.rpc_url());
	let ctx = pop_e2e::chain::context(&node);
	let start = node.finalized_number();
	let work = tempfile::tempdir().unwrap();

	let nodes: Vec<Masternode> = ["//Alice", "//Bob", "//Charlie"]
		.iter()
		.map(|o| Masternode::start(&node, o, "DE"))
		.collect();
	wait_for(TIMEOUT, "three masternodes", || (chain.masternodes().ok()?.len() == 3).then_some(()));
	for m in &nodes {
		wait_for(TIMEOUT, "serving", || m.log().contains("serving shards as").then_some(()));
	}

	// Bob's stash uploads a recording the moderation set leaves for review. In 4 KiB
	// segments it is 367 of them: its manifest has two pages, registered one after the other,
	// and it is reviewed only once both are in.
	let data: Vec<u8> =
		(0..1_500_000u32).map(|i| (i.wrapping_mul(2_246_822_519) >> 11) as u8).collect();
	let file = work.path().join("cello.flac");
	std::fs::File::create(&file).unwrap().write_all(&data).unwrap();
	// Byte segments (the file's bytes stand in for a recording, which packaging would refuse).
	let args = [
		"--suri",
		"//Bob//stash",
		"--k",
		"2",
		"--n",
		"3",
		"--segment-size",
		"4096",
		"--packaging",
		"bytes",
	];
	let up = upload(&node, &file, &args);
	let (content, key, id) = (up.hex, up.key, up.id);
	let record = chain.content(&id).unwrap().expect("registered");
	assert_eq!((record.info.segments, record.segments.len()), (367, 367));
	wait_event(&node, start, TIMEOUT, "the second page", |e| {
		matches!(e, RuntimeEvent::Content(pallet_content::Event::PageAdded { content, page: 1, segments: 111 }) if *content == id)
			.then_some(())
	});
	let reviewed = certify_verdict(&node, &ctx, start, id, Verdict::NeedsReview);
	let status = pop(&node, &["status", &content]);
	assert!(stdout(&status).contains("NeedsReview"), "{}", stdout(&status));

	// Bad input, caught by the CLI before any fee: not the creator, no reason, too long a
	// reason.
	let appeal = |suri: &str, reason: &str| {
		pop(&node, &["appeal", &content, "--reason", reason, "--suri", suri])
	};
	let out = appeal("//Alice", "mine");
	assert!(!out.status.success());
	assert!(stderr(&out).contains("only its creator"), "{}", stderr(&out));
	let out = appeal("//Bob//stash", "  ");
	assert!(stderr(&out).contains("say why in --reason"), "{}", stderr(&out));
	let out = appeal("//Bob//stash", &"x".repeat(600));
	assert!(stderr(&out).contains("at most 512"), "{}", stderr(&out));
	// The chain checks on its own: an appeal by someone else, sent without the CLI, fails on
	// chain.
	send(
		&node,
		&ctx,
		Sr25519Keyring::Bob,
		RuntimeCall::Content(pallet_content::Call::appeal { content: id, reason: vec![b'x'; 513] }),
	);
	wait_failure(
		&node,
		reviewed,
		TIMEOUT,
		pallet_content::Error::<pop_runtime::Runtime>::NotCreator.into(),
		"an appeal by someone else refused on chain",
	);
	assert!(chain.review(&id).unwrap().appeal.is_none(), "nothing changed");

	// The creator appeals.
	let out = appeal("//Bob//stash", "a cello recording: nothing for the model to score");
	assert!(out.status.success(), "pop appeal: {}", stderr(&out));
	assert!(stdout(&out).contains("appealed"), "{}", stdout(&out));
	let open = chain.review(&id).unwrap().appeal.expect("the appeal on chain");
	assert_eq!(open.deposit, 100 * POP);
	let status = stdout(&pop(&node, &["status", &content]));
	assert!(status.contains("waiting for the moderation track"), "{status}");
	let out = appeal("//Bob//stash", "again");
	assert!(stderr(&out).contains("open appeal already"), "{}", stderr(&out));

	// A referendum on the moderation track rules it publishable.
	let from = node.finalized_number();
	let ruling = RuntimeCall::Content(pallet_content::Call::rule {
		content: id,
		verdict: Verdict::Approve,
		reason: b"listened: a cello, nothing to hide".to_vec(),
	})
	.encode();
	send(&node, &ctx, Sr25519Keyring::Alice, note_preimage(ruling.clone()));
	send(
		&node,
		&ctx,
		Sr25519Keyring::Alice,
		submit_referendum(OriginCaller::Governance(GovernanceOrigin::Moderation), &ruling),
	);
	let (index, _) = submitted(&node, from);
	send(&node, &ctx, Sr25519Keyring::Alice, decision_deposit(index));
	for voter in
		[Sr25519Keyring::Alice, Sr25519Keyring::Charlie, Sr25519Keyring::Dave, Sr25519Keyring::Eve]
	{
		send(&node, &ctx, voter, vote(index, true, 900_000 * POP, Conviction::Locked1x));
	}
	let (passed, at) = outcome(&node, from, index);
	assert!(passed, "the moderation track passed the ruling");
	wait_event(&node, at, TIMEOUT, "the content published by the ruling", |e| match e {
		RuntimeEvent::Content(pallet_content::Event::Ruled {
			content,
			verdict: Verdict::Approve,
			deposit_returned: true,
			..
		}) if *content == id => Some(()),
		_ => None,
	});
	let record = chain.content(&id).unwrap().unwrap();
	assert_eq!(record.info.status, pop_chain_client::types::Status::Approved);
	let review = chain.review(&id).unwrap();
	assert!(review.appeal.is_none());
	let ruled = review.ruling.expect("the ruling on chain");
	assert_eq!(ruled.appellant.map(|a| a.to_string()), Some(open.appellant.to_string()));
	let status = stdout(&pop(&node, &["status", &content]));
	assert!(status.contains("Approved by the moderation track"), "{status}");
	assert!(status.contains("listened: a cello"), "{status}");
	let json = stdout(&pop(&node, &["--output", "json", "status", &content]));
	let json: serde_json::Value = serde_json::from_str(json.trim()).unwrap();
	assert_eq!(json["ruling"]["verdict"], "Approve");
	assert_eq!(json["ruling"]["by"], "Governance");

	// Final: no appeal after the ruling; and a viewer gets the content.
	let out = appeal("//Bob//stash", "more");
	assert!(stderr(&out).contains("ruled on this content already"), "{}", stderr(&out));
	let fetched = work.path().join("fetched.flac");
	let out = pop(&node, &["fetch", &content, "--key", &key, "-o", fetched.to_str().unwrap()]);
	assert!(out.status.success(), "pop fetch: {}", stderr(&out));
	assert!(std::fs::read(&fetched).unwrap() == data);

	// The creator removes it: only the creator may; the chain forgets it, the ruling stays on
	// record, and every masternode deletes its shards and frees the space.
	let stored: usize = nodes.iter().map(|m| m.shard_files().len()).sum();
	assert!(stored >= 3, "{stored} shards stored");
	let out = pop(&node, &["remove", &content, "--suri", "//Alice"]);
	assert!(!out.status.success());
	assert!(stderr(&out).contains("only its creator"), "{}", stderr(&out));
	let out = pop(&node, &["remove", &format!("0x{}", "ab".repeat(32)), "--suri", "//Bob//stash"]);
	assert!(stderr(&out).contains("the chain has no content"), "{}", stderr(&out));
	let out = pop(&node, &["remove", &content, "--suri", "//Bob//stash"]);
	assert!(out.status.success(), "pop remove: {}", stderr(&out));
	assert!(stdout(&out).contains("deposit of"), "{}", stdout(&out));
	assert!(chain.content(&id).unwrap().is_none(), "the chain forgot it");
	// The second page's segments are forgotten in a later block.
	wait_event(&node, start, TIMEOUT, "the last segments forgotten", |e| {
		matches!(e, RuntimeEvent::Content(pallet_content::Event::ContentPurged { content, .. }) if *content == id)
			.then_some(())
	});
	assert!(chain.review(&id).unwrap().ruling.is_some(), "the ruling stays on record");
	wait_for(TIMEOUT, "every masternode deleted the removed content's shards", || {
		(nodes.iter().map(|m| m.shard_files().len()).sum::<usize>() == 0).then_some(())
	});
	for m in &nodes {
		let released = m.metric("pop_masternode_shards_released_total").unwrap_or(0.0);
		assert!(released >= 1.0, "{}: {released} shards released", m.suri);
		assert_eq!(m.metric("pop_masternode_bytes_stored"), Some(0.0), "{}: space freed", m.suri);
	}
}
