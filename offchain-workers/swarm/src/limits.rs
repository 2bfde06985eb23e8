//! What a masternode lets each peer cost it, so that a flooding peer cannot crowd out viewers
//! or delay the audit answers that keep the node's bond.
//!
//! The network task already bounds connections and requests in flight per peer
//! ([`crate::network`]). Here, in the daemon:
//! - [`ByteShare`]: each peer's shard bytes (served and received) go through its own token
//!   bucket; past it, the peer is told it is over its share and may ask another holder.
//! - [`ReadBudget`]: chain reads made to answer peers (content records not yet cached) share
//!   one budget a second, so a peer asking for made-up content cannot turn the masternode into
//!   a load generator against its own chain node, which the audit answers need.
//! - [`NegativeCache`]: content the chain did not know is remembered for a while, so asking
//!   for it again costs nothing.
//!
//! Buckets refill with time; the maps are bounded (the oldest entries go first), so remembering
//! peers costs no more than a few hundred kilobytes however many identities a flood uses.

use libp2p::PeerId;
use pop_primitives::content::ContentId;
use std::{
	collections::HashMap,
	hash::Hash,
	time::{Duration, Instant},
};

/// A token bucket: `rate` tokens a second, at most `burst` saved up.
#[derive(Clone, Copy, Debug)]
pub struct Bucket {
	tokens: f64,
	at: Instant,
}

impl Bucket {
	fn full(burst: f64, now: Instant) -> Self {
		Self { tokens: burst, at: now }
	}

	/// Takes `cost` tokens if the bucket has them (after refilling up to `now`).
	fn take(&mut self, cost: f64, rate: f64, burst: f64, now: Instant) -> bool {
		let refill = now.saturating_duration_since(self.at).as_secs_f64() * rate;
		self.tokens = (self.tokens + refill).min(burst);
		self.at = now;
		if self.tokens < cost {
			return false;
		}
		self.tokens -= cost;
		true
	}
}

/// Keeps at most `cap` entries of `map`: when full, drops the half least recently touched.
fn bound<K: Hash + Eq + Copy, V>(
	map: &mut HashMap<K, V>,
	cap: usize,
	touched: impl Fn(&V) -> Instant,
) {
	if map.len() < cap {
		return;
	}
	let mut ages: Vec<(Instant, K)> = map.iter().map(|(k, v)| (touched(v), *k)).collect();
	ages.sort_unstable_by_key(|(at, _)| *at);
	for (_, k) in ages.into_iter().take(cap / 2) {
		map.remove(&k);
	}
}

/// Peers remembered at once by [`ByteShare`].
const PEERS: usize = 4096;

/// Each peer's share of the shard bytes a masternode moves; a peer is a libp2p identity, or
/// an IP address for the HTTP endpoint.
pub struct ByteShare<K = PeerId> {
	rate: f64,
	burst: f64,
	peers: HashMap<K, Bucket>,
}

impl<K: Hash + Eq + Copy> ByteShare<K> {
	/// `rate` bytes a second per peer, with bursts of up to `burst` bytes.
	pub fn new(rate: u64, burst: u64) -> Self {
		Self { rate: rate as f64, burst: burst.max(1) as f64, peers: HashMap::new() }
	}

	/// Whether `peer` may move `bytes` more at `now` (and counts them if so). A request larger
	/// than the whole burst is let through when the bucket is full, so no shard is out of
	/// reach.
	pub fn admit(&mut self, peer: K, bytes: usize, now: Instant) -> bool {
		if !self.peers.contains_key(&peer) {
			bound(&mut self.peers, PEERS, |b| b.at);
		}
		let (rate, burst) = (self.rate, self.burst);
		let bucket = self.peers.entry(peer).or_insert_with(|| Bucket::full(burst, now));
		let cost = (bytes as f64).min(burst);
		bucket.take(cost, rate, burst, now)
	}
}

/// A budget shared by all peers: `rate` chain reads a second, bursts of `burst`.
pub struct ReadBudget {
	rate: f64,
	burst: f64,
	bucket: Bucket,
}

impl ReadBudget {
	/// A full budget.
	pub fn new(rate: u32, burst: u32) -> Self {
		let burst = f64::from(burst.max(1));
		Self { rate: f64::from(rate), burst, bucket: Bucket::full(burst, Instant::now()) }
	}

	/// Whether one more chain read fits at `now` (and counts it if so).
	pub fn admit(&mut self, now: Instant) -> bool {
		self.bucket.take(1.0, self.rate, self.burst, now)
	}
}

/// Content ids remembered at once by [`NegativeCache`].
const UNKNOWN: usize = 8192;

/// Content ids the chain did not know, each remembered for a while.
pub struct NegativeCache {
	ttl: Duration,
	ids: HashMap<ContentId, Instant>,
}

impl NegativeCache {
	/// Remembers each unknown id for `ttl`.
	pub fn new(ttl: Duration) -> Self {
		Self { ttl, ids: HashMap::new() }
	}

	/// Notes that the chain did not know `id` at `now`.
	pub fn insert(&mut self, id: ContentId, now: Instant) {
		if !self.ids.contains_key(&id) {
			bound(&mut self.ids, UNKNOWN, |at| *at);
		}
		self.ids.insert(id, now);
	}

	/// Whether `id` was unknown less than the ttl before `now`.
	pub fn contains(&self, id: &ContentId, now: Instant) -> bool {
		self.ids.get(id).is_some_and(|at| now.saturating_duration_since(*at) < self.ttl)
	}

	/// Forgets `id` (the chain knows it now).
	pub fn remove(&mut self, id: &ContentId) {
		self.ids.remove(id);
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	const MIB: u64 = 1 << 20;

	#[test]
	fn a_peer_gets_its_burst_then_its_rate() {
		let mut share = ByteShare::new(10 * MIB, 20 * MIB);
		let (flooder, viewer) = (PeerId::random(), PeerId::random());
		let t0 = Instant::now();
		let shard = MIB as usize;
		let mut served = 0;
		while share.admit(flooder, shard, t0) {
			served += 1;
		}
		assert_eq!(served, 20, "the burst, no more");
		// Another peer is not affected by the flooder's use.
		assert!(share.admit(viewer, shard, t0));
		// Half a second later: five more shards' worth.
		let t1 = t0 + Duration::from_millis(500);
		let mut more = 0;
		while share.admit(flooder, shard, t1) {
			more += 1;
		}
		assert_eq!(more, 5);
		// A request bigger than the burst still passes on a full bucket.
		let mut small = ByteShare::new(MIB, MIB);
		assert!(small.admit(flooder, 16 * MIB as usize, t0));
		assert!(!small.admit(flooder, 1, t0));
	}

	#[test]
	fn peers_are_forgotten_oldest_first_and_the_map_stays_bounded() {
		let mut share = ByteShare::new(MIB, MIB);
		let t0 = Instant::now();
		let first = PeerId::random();
		assert!(share.admit(first, MIB as usize, t0));
		assert!(!share.admit(first, 1, t0));
		for i in 0..PEERS * 3 {
			share.admit(PeerId::random(), 1, t0 + Duration::from_micros(i as u64 + 1));
		}
		assert!(share.peers.len() <= PEERS);
		// The first peer was forgotten: a fresh bucket (its debt went with it, which a flood of
		// identities could get anyway).
		assert!(!share.peers.contains_key(&first));
	}

	#[test]
	fn the_read_budget_is_shared() {
		let mut budget = ReadBudget::new(50, 100);
		let t0 = Instant::now();
		assert_eq!((0..1000).filter(|_| budget.admit(t0)).count(), 100);
		let t1 = t0 + Duration::from_secs(1);
		assert_eq!((0..1000).filter(|_| budget.admit(t1)).count(), 50);
	}

	#[test]
	fn unknown_ids_are_remembered_for_the_ttl_and_bounded() {
		let mut cache = NegativeCache::new(Duration::from_secs(6));
		let t0 = Instant::now();
		cache.insert([1; 32], t0);
		assert!(cache.contains(&[1; 32], t0 + Duration::from_secs(5)));
		assert!(!cache.contains(&[1; 32], t0 + Duration::from_secs(6)));
		assert!(!cache.contains(&[2; 32], t0));
		cache.remove(&[1; 32]);
		assert!(!cache.contains(&[1; 32], t0));
		for i in 0..UNKNOWN as u32 * 3 {
			let mut id = [0u8; 32];
			id[..4].copy_from_slice(&i.to_le_bytes());
			cache.insert(id, t0 + Duration::from_micros(u64::from(i)));
		}
		assert!(cache.ids.len() <= UNKNOWN);
	}
}
