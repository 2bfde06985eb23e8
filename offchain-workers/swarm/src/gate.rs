//! Which peers may send pBFT messages, and how fast: the network task's check before a message
//! is queued for the replica. Only the moderation set's members are let in (once the sidecar
//! has said who they are), each through its own token bucket, so that a flooding peer — a
//! stranger or a byzantine member — cannot fill the one queue that every member's messages
//! share.

use libp2p::PeerId;
use std::{
	collections::{HashMap, HashSet},
	time::Instant,
};

/// Messages a second a member may send on average: well above what honest pBFT sends at the
/// set's full throughput (about 10 messages per decision, retransmits included).
pub const PBFT_RATE: f64 = 1_000.0;
/// Messages a member may send in one burst.
pub const PBFT_BURST: f64 = 2_000.0;

/// Why a pBFT message was not let in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Turned {
	/// The sender is not a member of the moderation set.
	NotAMember,
	/// The sender has used up its share.
	OverRate,
}

/// The gate: the members, and each one's bucket.
#[derive(Default)]
pub struct PbftGate {
	members: Option<HashSet<PeerId>>,
	buckets: HashMap<PeerId, (f64, Instant)>,
}

impl PbftGate {
	/// From now on only `members` may send (`None`: anyone, before the set is known).
	pub fn set_members(&mut self, members: Option<HashSet<PeerId>>) {
		if let Some(m) = &members {
			self.buckets.retain(|peer, _| m.contains(peer));
		}
		self.members = members;
	}

	/// Whether a message from `peer` at `now` is let in.
	pub fn admit(&mut self, peer: PeerId, now: Instant) -> Result<(), Turned> {
		if self.members.as_ref().is_some_and(|m| !m.contains(&peer)) {
			return Err(Turned::NotAMember);
		}
		let (tokens, last) = self.buckets.entry(peer).or_insert((PBFT_BURST, now));
		let refill = now.saturating_duration_since(*last).as_secs_f64() * PBFT_RATE;
		*tokens = (*tokens + refill).min(PBFT_BURST);
		*last = now;
		if *tokens < 1.0 {
			return Err(Turned::OverRate);
		}
		*tokens -= 1.0;
		Ok(())
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use std::time::Duration;

	#[test]
	fn strangers_are_turned_away_and_members_are_rate_limited() {
		let (member, stranger) = (PeerId::random(), PeerId::random());
		let mut gate = PbftGate::default();
		let t0 = Instant::now();
		// Before the set is known, anyone (within the rate).
		assert_eq!(gate.admit(stranger, t0), Ok(()));
		gate.set_members(Some([member].into()));
		assert_eq!(gate.admit(stranger, t0), Err(Turned::NotAMember));
		// A member floods: the burst goes through, then one message per millisecond.
		let admitted = (0..10_000).filter(|_| gate.admit(member, t0).is_ok()).count();
		assert_eq!(admitted, PBFT_BURST as usize);
		assert_eq!(gate.admit(member, t0), Err(Turned::OverRate));
		let later = t0 + Duration::from_millis(10);
		let admitted = (0..100).filter(|_| gate.admit(member, later).is_ok()).count();
		assert_eq!(admitted, 10);
	}
}
