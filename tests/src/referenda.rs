//! Referenda helpers: the calls a proposer and voters submit, and waiting for the outcome.

use crate::{chain::wait_event, Node};
use frame_support::traits::{schedule::DispatchTime, Bounded};
use pallet_conviction_voting::{AccountVote, Conviction, Vote};
use pop_primitives::Balance;
use pop_runtime::{OriginCaller, Runtime, RuntimeCall, RuntimeEvent};
use sp_runtime::traits::Hash as _;
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(240);

/// Notes `bytes` (an encoded call) as a preimage.
pub fn note_preimage(bytes: Vec<u8>) -> RuntimeCall {
	RuntimeCall::Preimage(pallet_preimage::Call::note_preimage { bytes })
}

/// A referendum on `origin`'s track for the preimage of `bytes`, enacted a block after it passes.
pub fn submit_referendum(origin: OriginCaller, bytes: &[u8]) -> RuntimeCall {
	let hash = <Runtime as frame_system::Config>::Hashing::hash(bytes);
	RuntimeCall::Referenda(pallet_referenda::Call::submit {
		proposal_origin: Box::new(origin),
		proposal: Bounded::Lookup { hash, len: bytes.len() as u32 },
		enactment_moment: DispatchTime::After(1),
	})
}

/// Places referendum `index`'s decision deposit.
pub fn decision_deposit(index: u32) -> RuntimeCall {
	RuntimeCall::Referenda(pallet_referenda::Call::place_decision_deposit { index })
}

/// A standard vote on referendum `index`.
pub fn vote(index: u32, aye: bool, balance: Balance, conviction: Conviction) -> RuntimeCall {
	RuntimeCall::ConvictionVoting(pallet_conviction_voting::Call::vote {
		poll_index: index,
		vote: AccountVote::Standard { vote: Vote { aye, conviction }, balance },
	})
}

/// Waits for the referendum submitted after block `from`; returns its index and block.
pub fn submitted(node: &Node, from: u32) -> (u32, u32) {
	wait_event(node, from, TIMEOUT, "a referendum submitted", |e| match e {
		RuntimeEvent::Referenda(pallet_referenda::Event::Submitted { index, .. }) => Some(*index),
		_ => None,
	})
}

/// Waits for referendum `index` to be confirmed (passed) or rejected; true if it passed.
pub fn outcome(node: &Node, from: u32, index: u32) -> (bool, u32) {
	wait_event(node, from, TIMEOUT, &format!("referendum {index} to end"), |e| match e {
		RuntimeEvent::Referenda(pallet_referenda::Event::Confirmed { index: i, .. })
			if *i == index =>
		{
			Some(true)
		}
		RuntimeEvent::Referenda(pallet_referenda::Event::Rejected { index: i, .. })
			if *i == index =>
		{
			Some(false)
		}
		_ => None,
	})
}
