//! Where the shards of a segment go: deterministic, so anyone can recompute and check what the
//! chain decided, and spread, so that no masternode can rebuild any content.
//!
//! The nodes in service are ranked once per content by the BLAKE3 hash of (content id, node id)
//! — rendezvous hashing: the ranking is unpredictable before the manifest is fixed, and a creator
//! cannot pick its holders. Segment `s` walks that ranking from position `s·n` plus one per full
//! turn (so the load spreads over all nodes) and takes one node per region first, then the next nodes. Hence the
//! invariants the property tests check:
//!
//! 1. every shard of a segment is on a different node, so with `k ≥ 2` no node holds `k` or more
//!    shards of a segment;
//! 2. a segment's shards cover `min(n, regions)` regions;
//! 3. [`replacement`] keeps both when a holder leaves: it picks a node that holds nothing of the
//!    segment, from a region the segment lacks when there is one.
//!
//! Cost: one hash per node per content, then `O(nodes)` comparisons per segment at worst.

extern crate alloc;

use alloc::vec::Vec;
use codec::Encode;

use crate::content::ContentId;

fn score<Id: Encode>(content: &ContentId, salt: (u32, u32), id: &Id) -> [u8; 32] {
	*blake3::hash(&(b"pop-network/placement/v1", content, salt, id).encode()).as_bytes()
}

/// Nodes ranked for (content, salt), best first; ties (none in practice) by id.
fn ranked<'a, Id, R>(
	content: &ContentId,
	salt: (u32, u32),
	nodes: impl Iterator<Item = &'a (Id, R)>,
) -> Vec<&'a (Id, R)>
where
	Id: Encode + Ord + 'a,
	R: 'a,
{
	let mut scored: Vec<_> = nodes.map(|n| (score(content, salt, &n.0), n)).collect();
	scored.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1 .0.cmp(&b.1 .0)));
	scored.into_iter().map(|(_, n)| n).collect()
}

/// The holders of every shard of `segments` segments of `n` shards (segment order, then shard
/// order), from `nodes` (distinct ids, each with its region). `None` if there are fewer than `n`
/// nodes.
pub fn place<Id, R>(
	content: &ContentId,
	segments: u32,
	n: usize,
	nodes: &[(Id, R)],
) -> Option<Vec<Vec<Id>>>
where
	Id: Encode + Ord + Clone,
	R: PartialEq,
{
	place_range(content, 0, segments, n, nodes)
}

/// [`place`] for the `count` segments from segment `first` on: what registering one page of a
/// manifest places (the same holders as [`place`] over all segments, for the same nodes).
pub fn place_range<Id, R>(
	content: &ContentId,
	first: u32,
	count: u32,
	n: usize,
	nodes: &[(Id, R)],
) -> Option<Vec<Vec<Id>>>
where
	Id: Encode + Ord + Clone,
	R: PartialEq,
{
	if nodes.len() < n || n == 0 {
		return None;
	}
	let order = ranked(content, (0, 0), nodes.iter());
	let m = order.len();
	let placed = (first as usize..first.saturating_add(count) as usize)
		.map(|segment| {
			// Segment s starts s·n places further, plus one place per full turn of the
			// ranking, so that the starts visit every position even when n divides m.
			let step = segment.saturating_mul(n);
			let start = (step + step / m) % m;
			let walk = || order[start..].iter().chain(order[..start].iter());
			let mut picked: Vec<&(Id, R)> = Vec::with_capacity(n);
			// One node per region first …
			for node in walk() {
				if picked.len() == n {
					break;
				}
				if !picked.iter().any(|p| p.1 == node.1) {
					picked.push(node);
				}
			}
			// … then the next nodes.
			for node in walk() {
				if picked.len() == n {
					break;
				}
				if !picked.iter().any(|p| p.0 == node.0) {
					picked.push(node);
				}
			}
			picked.into_iter().map(|p| p.0.clone()).collect()
		})
		.collect();
	Some(placed)
}

/// A new holder for shard `shard` of `segment`, whose holders are `holders` (shard order; the
/// leaving one included), chosen from `nodes` (the candidates, with regions). It holds no
/// other shard of the segment and, when possible, is in a region the other holders do not
/// cover; a holder's region is looked up in `regions` (every node in service, candidates or
/// not: a suspended holder still covers its region). `None` if every candidate already holds
/// a shard of the segment.
pub fn replacement<Id, R>(
	content: &ContentId,
	segment: u32,
	shard: u32,
	holders: &[Id],
	regions: &[(Id, R)],
	nodes: &[(Id, R)],
) -> Option<Id>
where
	Id: Encode + Ord + Clone,
	R: PartialEq,
{
	let covered: Vec<&R> = holders
		.iter()
		.enumerate()
		.filter(|(i, _)| *i as u32 != shard)
		.filter_map(|(_, h)| regions.iter().find(|n| &n.0 == h).map(|n| &n.1))
		.collect();
	let free = nodes.iter().filter(|n| !holders.contains(&n.0));
	// Salted by segment and shard, so that the shards of one leaving node spread out.
	let order = ranked(content, (segment, shard.saturating_add(1)), free);
	order.iter().find(|n| !covered.contains(&&n.1)).or_else(|| order.first()).map(|n| n.0.clone())
}

#[cfg(test)]
mod tests {
	use super::*;
	use proptest::prelude::*;

	type Node = (u32, u8);

	fn regions(holders: &[u32], nodes: &[Node]) -> usize {
		let mut r: Vec<u8> =
			holders.iter().map(|h| nodes.iter().find(|n| n.0 == *h).unwrap().1).collect();
		r.sort();
		r.dedup();
		r.len()
	}

	fn region_count(nodes: &[Node]) -> usize {
		let mut r: Vec<u8> = nodes.iter().map(|n| n.1).collect();
		r.sort();
		r.dedup();
		r.len()
	}

	fn distinct(holders: &[u32]) -> bool {
		let mut h = holders.to_vec();
		h.sort();
		h.dedup();
		h.len() == holders.len()
	}

	/// Node sets: up to 40 nodes with distinct ids over up to 8 regions.
	fn node_set() -> impl Strategy<Value = Vec<Node>> {
		prop::collection::btree_map(any::<u32>(), 0u8..8, 1..40)
			.prop_map(|m| m.into_iter().collect())
	}

	proptest! {
		#![proptest_config(ProptestConfig::with_cases(512))]

		#[test]
		fn placement_spreads_and_reassignment_keeps_it(
			nodes in node_set(),
			content in any::<[u8; 32]>(),
			segments in 1u32..8,
			n in 2usize..16,
			k_seed in any::<u8>(),
			leave_seed in any::<u64>(),
			leaves in 1usize..6,
		) {
			let k = 2 + (k_seed as usize) % (n - 1); // 2 ≤ k ≤ n
			let placed = place(&content, segments, n, &nodes);
			if nodes.len() < n {
				prop_assert!(placed.is_none());
				return Ok(());
			}
			let placed = placed.unwrap();
			prop_assert_eq!(placed.len(), segments as usize);
			// Deterministic.
			prop_assert_eq!(Some(placed.clone()), place(&content, segments, n, &nodes));
			for (segment, holders) in placed.into_iter().enumerate() {
				let segment = segment as u32;
				let mut holders = holders;
				prop_assert_eq!(holders.len(), n);
				prop_assert!(distinct(&holders));
				let most = holders.iter().map(|h| holders.iter().filter(|x| *x == h).count()).max();
				prop_assert!(most.unwrap() < k);
				prop_assert_eq!(regions(&holders, &nodes), n.min(region_count(&nodes)));

				// Holders leave one by one; each of their shards moves.
				let mut live = nodes.clone();
				for step in 0..leaves {
					let shard = ((leave_seed >> (step * 8)) as usize) % n;
					let gone = holders[shard];
					live.retain(|x| x.0 != gone);
					match replacement(&content, segment, shard as u32, &holders, &live, &live) {
						Some(new) => {
							prop_assert!(!holders.contains(&new));
							prop_assert!(live.iter().any(|x| x.0 == new));
							holders[shard] = new;
							prop_assert!(distinct(&holders));
							prop_assert_eq!(
								regions(&holders, &live),
								n.min(region_count(&live))
							);
						}
						None => {
							// Only when every node in service already holds a shard.
							prop_assert!(live.iter().all(|x| holders.contains(&x.0)));
							break;
						}
					}
				}
			}
		}
	}

	/// A holder that is not a candidate (suspended after a missed audit) still covers its
	/// region: the shard of a leaving US node goes to the other US node, not to a second node
	/// in the suspended holder's region.
	#[test]
	fn a_suspended_holder_still_covers_its_region() {
		let all: Vec<Node> = vec![(1, 0), (2, 0), (4, 1), (5, 2), (6, 2), (7, 3)];
		let candidates: Vec<Node> = all.iter().filter(|n| n.0 != 1).cloned().collect();
		for c in 0..32u8 {
			let to = replacement(&[c; 32], 3, 0, &[3, 5, 1, 7], &all, &candidates);
			assert_eq!(to, Some(4), "content {c}");
		}
	}

	#[test]
	fn too_few_nodes_is_refused() {
		let nodes: Vec<Node> = (0..5).map(|i| (i, 0)).collect();
		assert!(place(&[0; 32], 1, 6, &nodes).is_none());
		assert_eq!(place(&[0; 32], 1, 5, &nodes).unwrap()[0].len(), 5);
	}

	#[test]
	fn segments_spread_the_load_over_every_node() {
		let nodes: Vec<Node> = (0..12).map(|i| (i, (i % 3) as u8)).collect();
		let placed = place(&[3; 32], 12, 4, &nodes).unwrap();
		let mut load = [0usize; 12];
		for h in placed.iter().flatten() {
			load[*h as usize] += 1;
		}
		// 48 shards over 12 nodes: every node gets some, none more than twice its share.
		assert!(load.iter().all(|l| *l >= 1 && *l <= 8), "{load:?}");
	}
}
