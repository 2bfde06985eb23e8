//! A byzantine member of the moderation set, end to end: a dev node, three masternodes, the
//! dev chain's four superdelegates, three of them honest `pop-superdelegate` sidecars and one
//! `pop-superdelegate-byzantine` — the same sidecar with a hook on what it sends — that votes
//! the opposite of its own score, tells each member a different story (votes, proposals,
//! prepares, commits), signs shares for the opposite verdict and floods every member with
//! state-transfer requests. The set still decides each content as the policy says, with the
//! honest quorum's signatures, and the honest members say what they refused.

use pallet_content::Status;
use pop_chain_client::{Chain, Content};
use pop_e2e::{
	node::workspace_root,
	superdelegate::Superdelegate,
	swarm::{upload, Masternode},
	wait_for, Node, NodeConfig,
};
use pop_primitives::content::{ContentId, Verdict};
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(240);
/// The moderation e2e's policy: the coffee cup (0.0116) approved, the astronaut (0.0230)
/// rejected.
const THRESHOLD: f32 = 0.017;
const BAND: f32 = 0.003;

fn decided(chain: &Chain, id: ContentId, what: &str) -> Content {
	wait_for(TIMEOUT, what, || {
		chain.content(&id).ok().flatten().filter(|c| c.info.status != Status::Pending)
	})
}

/// The numbers in the byzantine member's last report.
fn report(log: &str) -> Option<Vec<u64>> {
	let line = log.lines().rev().find(|l| l.contains("byzantine: "))?;
	let at = line.find("byzantine: ")? + "byzantine: ".len();
	Some(line[at..].split(|c: char| !c.is_ascii_digit()).filter_map(|w| w.parse().ok()).collect())
}

#[test]
fn a_byzantine_superdelegate_cannot_change_or_stall_a_verdict() {
	let node = Node::start(NodeConfig::dev().safe_rpc());
	node.wait_best(1, TIMEOUT);
	let chain = Chain::new(&node.rpc_url());
	let _masternodes: Vec<Masternode> = ["//Eve", "//Ferdie", "//Alice//stash"]
		.iter()
		.map(|o| Masternode::start(&node, o, "DE"))
		.collect();
	wait_for(TIMEOUT, "three masternodes on chain", || {
		(chain.masternodes().ok()?.len() == 3).then_some(())
	});

	// Alice is byzantine; Bob, Charlie and Dave are honest (n = 4, f = 1, quorum 3).
	let mut byzantine = Superdelegate::start_byzantine(&node, "Alice", THRESHOLD, BAND);
	let mut honest: Vec<Superdelegate> = ["Bob", "Charlie", "Dave"]
		.iter()
		.map(|n| Superdelegate::start(&node, n, THRESHOLD, BAND))
		.collect();
	wait_for(TIMEOUT, "four sidecars published on chain", || {
		let (_, set) = chain.superdelegates().ok()?;
		(set.len() == 4 && set.iter().all(|(_, s)| !s.peer_id.is_empty())).then_some(())
	});

	let samples = workspace_root().join("models/samples");
	let args = ["--suri", "//Eve//stash", "--media-type", "image/png", "--k", "2", "--n", "3"];
	let coffee = upload(&node, &samples.join("coffee.png"), &args);
	let astronaut = upload(&node, &samples.join("astronaut.png"), &args);
	for (up, status, verdict, what) in [
		(&coffee, Status::Approved, Verdict::Approve, "the coffee cup decided"),
		(&astronaut, Status::Rejected, Verdict::Reject, "the astronaut decided"),
	] {
		let c = decided(&chain, up.id, what);
		let decision = c.info.decision.expect("a decision");
		assert_eq!((c.info.status, decision.verdict), (status, verdict), "{what}");
		assert!(decision.signers >= 3, "a quorum signed: {}", decision.signers);
	}

	// The byzantine member did attack: it lied in votes to every member, and flooded.
	let counts = wait_for(TIMEOUT, "the byzantine member's report", || {
		report(&byzantine.log()).filter(|c| c.len() == 5 && c[0] >= 6 && c[4] >= 1_000)
	});
	println!(
		"byzantine member: {} lying votes, {} forged proposals, {} forged prepares and commits, \
		 {} opposite shares, {} state requests",
		counts[0], counts[1], counts[2], counts[3], counts[4]
	);
	// Every honest member kept running, and says what it did not use (the forged proposals
	// among them).
	let mut refused = 0.0;
	for s in &mut honest {
		assert!(s.is_running(), "{} keeps running", s.name);
		let n = s.metric("pop_superdelegate_pbft_refused_total").unwrap_or(0.0);
		println!("{}: {n} pBFT messages refused", s.name);
		refused += n;
	}
	assert!(counts[1] == 0 || refused >= 1.0, "forged proposals went unnoticed");
	assert!(byzantine.is_running());
}
