//! Where the shards of a segment go: deterministic, so anyone can recompute and check what the
//! chain decided, and spread, so that no masternode can rebuild any content.
//!
//! Each candidate node gets a score per segment: the BLAKE3 hash of (content id, segment, shard
//! slot salt, node id) — rendezvous hashing, so a node joining or leaving moves only the shards
//! it takes or held. The `n` shards of a segment go to the best-scored nodes, first one per
//! region, then the best of the rest. Hence the invariants the property tests check:
//!
//! 1. every shard of a segment is on a different node, so with `k ≥ 2` no node holds `k` or more
//!    shards of a segment;
//! 2. a segment's shards cover `min(n, regions)` regions;
//! 3. [`replacement`] keeps both when a holder leaves: it picks a node that holds nothing of the
//!    segment, from a region the segment lacks when there is one.

extern crate alloc;

use alloc::vec::Vec;
use codec::Encode;

use crate::content::ContentId;

fn score<Id: Encode>(content: &ContentId, segment: u32, salt: u32, id: &Id) -> [u8; 32] {
	*blake3::hash(&(b"pop-network/placement/v1", content, segment, salt, id).encode()).as_bytes()
}

/// Candidates ranked for (content, segment, salt), best first; ties (none in practice) by id.
fn ranked<'a, Id: Encode + Ord, R>(
	content: &ContentId,
	segment: u32,
	salt: u32,
	nodes: impl Iterator<Item = &'a (Id, R)>,
) -> Vec<&'a (Id, R)>
where
	Id: 'a,
	R: 'a,
{
	let mut scored: Vec<_> = nodes.map(|n| (score(content, segment, salt, &n.0), n)).collect();
	scored.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1 .0.cmp(&b.1 .0)));
	scored.into_iter().map(|(_, n)| n).collect()
}

/// The holders of the `n` shards of `segment`, shard order, from `nodes` (distinct ids, each with
/// its region). `None` if there are fewer than `n` nodes.
pub fn place_segment<Id, R>(
	content: &ContentId,
	segment: u32,
	n: usize,
	nodes: &[(Id, R)],
) -> Option<Vec<Id>>
where
	Id: Encode + Ord + Clone,
	R: PartialEq,
{
	if nodes.len() < n {
		return None;
	}
	let order = ranked(content, segment, 0, nodes.iter());
	let mut picked: Vec<&(Id, R)> = Vec::with_capacity(n);
	// One node per region first, best-scored first …
	for node in &order {
		if picked.len() == n {
			break;
		}
		if !picked.iter().any(|p| p.1 == node.1) {
			picked.push(node);
		}
	}
	// … then the best of the others.
	for node in &order {
		if picked.len() == n {
			break;
		}
		if !picked.iter().any(|p| p.0 == node.0) {
			picked.push(node);
		}
	}
	Some(picked.into_iter().map(|p| p.0.clone()).collect())
}

/// A new holder for shard `shard` of `segment`, whose holders are `holders` (shard order; the
/// leaving one included), chosen from `nodes` (the nodes in service, with regions). It holds no
/// other shard of the segment and, when possible, is in a region the other holders do not
/// cover. `None` if every node in service already holds a shard of the segment.
pub fn replacement<Id, R>(
	content: &ContentId,
	segment: u32,
	shard: u32,
	holders: &[Id],
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
		.filter_map(|(_, h)| nodes.iter().find(|n| &n.0 == h).map(|n| &n.1))
		.collect();
	let free = nodes.iter().filter(|n| !holders.contains(&n.0));
	// Salted by the shard, so that two shards of one leaving node spread out.
	let order = ranked(content, segment, shard.saturating_add(1), free);
	order
		.iter()
		.find(|n| !covered.contains(&&n.1))
		.or_else(|| order.first())
		.map(|n| n.0.clone())
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
			segments in 1u32..6,
			n in 2usize..16,
			k_seed in any::<u8>(),
			leave_seed in any::<u64>(),
			leaves in 1usize..6,
		) {
			let k = 2 + (k_seed as usize) % (n - 1); // 2 ≤ k ≤ n
			for segment in 0..segments {
				let placed = place_segment(&content, segment, n, &nodes);
				if nodes.len() < n {
					prop_assert!(placed.is_none());
					continue;
				}
				let mut holders = placed.unwrap();
				prop_assert_eq!(holders.len(), n);
				// Deterministic.
				prop_assert_eq!(Some(holders.clone()), place_segment(&content, segment, n, &nodes));
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
					match replacement(&content, segment, shard as u32, &holders, &live) {
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

	#[test]
	fn too_few_nodes_is_refused() {
		let nodes: Vec<Node> = (0..5).map(|i| (i, 0)).collect();
		assert!(place_segment(&[0; 32], 0, 6, &nodes).is_none());
		assert_eq!(place_segment(&[0; 32], 0, 5, &nodes).unwrap().len(), 5);
	}
}
