//! What a fetching client knows about the masternodes holding a content's shards, shared by
//! every segment in flight: who answered and how fast, who is being asked and has not answered,
//! who failed. It ranks holders for each segment and sets the delay after which a segment asks
//! more holders than it needs (the hedge).
//!
//! Learnt once, used everywhere: a holder that does not answer one segment's request within the
//! hedge delay is asked last by every other segment from then on, and a holder whose dial failed
//! is logged once, not once per segment.

use libp2p::PeerId;
use std::{
	collections::{HashMap, HashSet},
	sync::{Arc, Mutex},
	time::{Duration, Instant},
};
use tokio::sync::Semaphore;

/// The hedge delay before any request has been answered: short, because a dead holder
/// otherwise stalls the first segment for a whole dial timeout.
pub const FIRST_HEDGE: Duration = Duration::from_millis(40);
/// Bounds of the adaptive hedge delay.
const MIN_HEDGE: Duration = Duration::from_millis(15);
const MAX_HEDGE: Duration = Duration::from_secs(2);

#[derive(Clone, Copy, Default)]
struct Holder {
	/// Seconds per MiB, smoothed; 0 until measured.
	secs_per_mib: f64,
	/// Failures in a row.
	failures: u32,
	/// Whether it has ever answered a request.
	proven: bool,
	/// Requests sent to it and not answered yet.
	waiting: u32,
	/// When the oldest of those was sent.
	waiting_since: Option<Instant>,
	/// When it last answered.
	last_answer: Option<Instant>,
}

impl Holder {
	/// How long it has kept a request waiting without answering anything: since its oldest
	/// request out, or since its last answer when that came later (a busy holder that keeps
	/// answering is never silent, though it always has a request out).
	fn silent_for(&self, now: Instant) -> Option<Duration> {
		let since = match (self.waiting_since?, self.last_answer) {
			(oldest, Some(answer)) if answer > oldest => answer,
			(oldest, _) => oldest,
		};
		Some(now.duration_since(since))
	}
}

#[derive(Default)]
struct State {
	holders: HashMap<PeerId, Holder>,
	/// Request latency in seconds, smoothed, and its mean deviation (as TCP estimates a
	/// round trip); `None` until one request has been answered.
	latency: Option<(f64, f64)>,
	/// Holders already reported as unreachable or silent.
	reported: HashSet<PeerId>,
	/// Per holder, the requests this client may still send it now.
	slots: HashMap<PeerId, Arc<Semaphore>>,
}

/// The shared table. Cheap to lock: every operation is a map lookup.
#[derive(Default)]
pub struct Holders(Mutex<State>);

impl Holders {
	fn state(&self) -> std::sync::MutexGuard<'_, State> {
		self.0.lock().expect("not poisoned")
	}

	/// How long a segment waits for its requests before asking more holders: the smoothed
	/// latency plus four deviations, within [15 ms, 2 s]; [`FIRST_HEDGE`] before anything is
	/// measured.
	pub fn hedge_delay(&self) -> Duration {
		match self.state().latency {
			None => FIRST_HEDGE,
			Some((mean, dev)) => {
				Duration::from_secs_f64(mean + 4.0 * dev).clamp(MIN_HEDGE, MAX_HEDGE)
			}
		}
	}

	/// `holders` best first: holders that answered, fastest first; then holders never asked;
	/// then holders that have kept a request waiting, answering nothing, for longer than the
	/// hedge delay (those that answered before first); then holders that failed.
	pub fn rank<T>(&self, mut holders: Vec<(T, PeerId)>) -> Vec<(T, PeerId)> {
		let delay = self.hedge_delay();
		let now = Instant::now();
		let state = self.state();
		let key = |peer: &PeerId| {
			let h = state.holders.get(peer).copied().unwrap_or_default();
			let tier = if h.failures > 0 {
				3
			} else if h.silent_for(now).is_some_and(|t| t > delay) {
				2
			} else if h.proven {
				0
			} else {
				1
			};
			// Within a tier, a holder that has answered before one that never has.
			(tier, !h.proven, h.secs_per_mib)
		};
		holders.sort_by(|(_, a), (_, b)| {
			key(a).partial_cmp(&key(b)).unwrap_or(std::cmp::Ordering::Equal)
		});
		holders
	}

	/// The requests this client may keep out to `peer`: as many as a masternode lets one peer
	/// keep waiting ([`crate::network::INBOUND_PER_PEER`]); more would be refused as busy, and a
	/// wide fetch window would fail on them.
	pub fn slot(&self, peer: PeerId) -> Arc<Semaphore> {
		self.state()
			.slots
			.entry(peer)
			.or_insert_with(|| Arc::new(Semaphore::new(crate::network::INBOUND_PER_PEER)))
			.clone()
	}

	/// A request to `peer` is sent.
	pub fn asked(&self, peer: PeerId) {
		let mut state = self.state();
		let h = state.holders.entry(peer).or_default();
		if h.waiting == 0 {
			h.waiting_since = Some(Instant::now());
		}
		h.waiting += 1;
	}

	fn settled(h: &mut Holder) {
		h.waiting = h.waiting.saturating_sub(1);
		if h.waiting == 0 {
			h.waiting_since = None;
		}
	}

	/// `peer` answered a request with `bytes` of shard in `took`.
	pub fn answered(&self, peer: PeerId, bytes: usize, took: Duration) {
		let mut state = self.state();
		let t = took.as_secs_f64();
		state.latency = Some(match state.latency {
			None => (t, t / 2.0),
			Some((mean, dev)) => (0.875 * mean + 0.125 * t, 0.75 * dev + 0.25 * (t - mean).abs()),
		});
		let h = state.holders.entry(peer).or_default();
		Self::settled(h);
		let sample = t / (bytes.max(1) as f64 / 1_048_576.0);
		h.secs_per_mib =
			if h.secs_per_mib == 0.0 { sample } else { 0.7 * h.secs_per_mib + 0.3 * sample };
		h.failures = 0;
		h.proven = true;
		h.last_answer = Some(Instant::now());
	}

	/// A request to `peer` failed, or its answer was useless. With `unreachable` (the request
	/// never reached it), returns true the first time: the caller reports the holder then, once.
	pub fn failed(&self, peer: PeerId, unreachable: bool) -> bool {
		let mut state = self.state();
		let h = state.holders.entry(peer).or_default();
		Self::settled(h);
		h.failures += 1;
		unreachable && state.reported.insert(peer)
	}

	/// Holders that have never answered and were waited on for longer than the hedge delay, not
	/// reported yet, with how long the oldest request has waited; they are marked reported.
	/// (A dial to a dead holder may outlast a short fetch that hedged around it.)
	pub fn silent(&self) -> Vec<(PeerId, Duration)> {
		let delay = self.hedge_delay();
		let now = Instant::now();
		let mut state = self.state();
		let silent: Vec<(PeerId, Duration)> = state
			.holders
			.iter()
			.filter(|(_, h)| !h.proven)
			.filter_map(|(p, h)| Some((*p, h.silent_for(now)?)))
			.filter(|(_, waited)| *waited > delay)
			.collect();
		silent.into_iter().filter(|(p, _)| state.reported.insert(*p)).collect()
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn peers(n: usize) -> Vec<PeerId> {
		(0..n).map(|_| PeerId::random()).collect()
	}

	#[test]
	fn a_holder_that_failed_goes_last_and_is_reported_once() {
		let book = Holders::default();
		let p = peers(3);
		book.asked(p[0]);
		assert!(book.failed(p[0], true), "the first time a holder is unreachable it is reported");
		book.asked(p[0]);
		assert!(!book.failed(p[0], true), "and only once");
		let ranked = book.rank(p.iter().map(|p| ((), *p)).collect());
		assert_eq!(ranked.last().unwrap().1, p[0]);
		assert!(!book.failed(p[1], false), "a refusal is not reported");
	}

	#[test]
	fn answered_holders_come_first_fastest_first_and_silent_ones_after_the_unknown() {
		let book = Holders::default();
		let p = peers(4);
		book.answered(p[2], 1 << 20, Duration::from_millis(20));
		book.answered(p[3], 1 << 20, Duration::from_millis(5));
		book.asked(p[0]);
		std::thread::sleep(book.hedge_delay() + Duration::from_millis(5));
		let ranked: Vec<PeerId> =
			book.rank(p.iter().map(|p| ((), *p)).collect()).into_iter().map(|(_, p)| p).collect();
		assert_eq!(ranked, vec![p[3], p[2], p[1], p[0]]);
		assert_eq!(book.silent().into_iter().map(|(p, _)| p).collect::<Vec<_>>(), vec![p[0]]);
		assert!(book.silent().is_empty(), "reported once");
	}

	#[test]
	fn a_busy_holder_that_keeps_answering_is_not_taken_for_a_silent_one() {
		let book = Holders::default();
		let p = peers(2);
		// Requests pipelined to p[0]: one is always out, and it answers them one by one.
		book.asked(p[0]);
		book.asked(p[0]);
		std::thread::sleep(Duration::from_millis(60));
		book.answered(p[0], 1 << 20, Duration::from_millis(10));
		assert!(book.hedge_delay() < Duration::from_millis(60));
		let ranked: Vec<PeerId> =
			book.rank(p.iter().map(|p| ((), *p)).collect()).into_iter().map(|(_, p)| p).collect();
		assert_eq!(
			ranked,
			vec![p[0], p[1]],
			"it just answered: asked first, not after the unknown"
		);
		assert!(book.silent().is_empty());
	}

	#[test]
	fn the_hedge_delay_follows_the_measured_latency() {
		let book = Holders::default();
		assert_eq!(book.hedge_delay(), FIRST_HEDGE);
		let p = PeerId::random();
		for _ in 0..50 {
			book.answered(p, 1000, Duration::from_millis(100));
		}
		let d = book.hedge_delay();
		assert!(d >= Duration::from_millis(100) && d < Duration::from_millis(130), "{d:?}");
		for _ in 0..50 {
			book.answered(p, 1000, Duration::from_millis(1));
		}
		assert_eq!(book.hedge_delay(), MIN_HEDGE);
	}
}
