//! A four-validator local network (Alice, Bob, Charlie, Dave) on loopback: it finalizes; with one
//! validator killed the other three keep producing and finalizing; the killed one, restarted on
//! its old base path, catches up and keeps every block it had.

use pop_e2e::{wait_for, Node, NodeConfig};
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(180);

#[test]
fn four_validators_finalize_and_survive_a_crash() {
	let alice = Node::start(NodeConfig::local("alice", vec![]));
	let boot = vec![alice.multiaddr()];
	let bob = Node::start(NodeConfig::local("bob", boot.clone()));
	let charlie = Node::start(NodeConfig::local("charlie", boot.clone()));
	let mut dave = Node::start(NodeConfig::local("dave", boot));

	for node in [&alice, &bob, &charlie, &dave] {
		wait_for(TIMEOUT, "three peers", || (node.peers() >= 3).then_some(()));
	}
	// GRANDPA needs three of the four votes: finality proves they all take part.
	let finalized = dave.wait_finalized(3, TIMEOUT);
	let dave_had = dave.block_hash(finalized).expect("Dave has its finalized block");

	dave.kill();
	let base = alice.finalized_number();
	let best = alice.best_number();
	// Blocks keep coming from the three that are left, and finality follows.
	bob.wait_best(best + 3, TIMEOUT);
	let after = charlie.wait_finalized(base + 3, TIMEOUT);
	assert!(after > finalized);

	dave.restart();
	let target = alice.finalized_number();
	dave.wait_finalized(target, TIMEOUT);
	// Dave kept what it had and agrees with the others about what came after.
	assert_eq!(dave.block_hash(finalized).as_deref(), Some(dave_had.as_str()));
	assert_eq!(dave.block_hash(target), alice.block_hash(target));
	// And the network, Dave included, keeps finalizing.
	let next = alice.finalized_number() + 2;
	dave.wait_finalized(next, TIMEOUT);
	assert!(dave.is_running());
}
