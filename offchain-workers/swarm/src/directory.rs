//! Who is who: masternodes' peer ids and addresses as the chain records them, and a content's
//! manifest rebuilt from its on-chain record.

use libp2p::{Multiaddr, PeerId};
use pop_chain_client::{Content, Masternode};
use pop_primitives::{
	content::{Manifest, SegmentManifest, MANIFEST_VERSION},
	AccountId,
};
use sp_core::bounded::BoundedVec;
use std::collections::HashMap;

/// A masternode as the swarm dials it.
#[derive(Clone, Debug)]
pub struct Peer {
	/// Its libp2p identity.
	pub id: PeerId,
	/// Where it listens.
	pub addresses: Vec<Multiaddr>,
}

/// A peer id and addresses in the form the chain records them (masternodes and superdelegates
/// alike): bytes, and UTF-8 multiaddrs, at most 8.
pub fn on_chain(
	peer_id: &PeerId,
	addresses: &[Multiaddr],
) -> Result<(pop_primitives::network::PeerId, pop_primitives::network::Addresses), String> {
	let peer = BoundedVec::try_from(peer_id.to_bytes())
		.map_err(|_| "the peer id is too long for the chain".to_string())?;
	let encoded: Vec<_> = addresses
		.iter()
		.map(|a| BoundedVec::try_from(a.to_string().into_bytes()))
		.collect::<Result<_, _>>()
		.map_err(|_| "an address is too long for the chain".to_string())?;
	let addrs = BoundedVec::try_from(encoded)
		.map_err(|_| "too many addresses for the chain (8 at most)".to_string())?;
	Ok((peer, addrs))
}

/// Parses the addresses a chain record holds, leaving out unparsable ones.
pub fn addresses(
	recorded: &[BoundedVec<u8, pop_primitives::network::MaxAddressLen>],
) -> Vec<Multiaddr> {
	recorded.iter().filter_map(|a| std::str::from_utf8(a).ok()?.parse::<Multiaddr>().ok()).collect()
}

/// The masternodes by owner account, with unparsable records left out (and logged).
pub fn peers(masternodes: &[(AccountId, Masternode)]) -> HashMap<AccountId, Peer> {
	masternodes
		.iter()
		.filter_map(|(who, info)| {
			let Ok(id) = PeerId::from_bytes(&info.peer_id) else {
				tracing::debug!(target: "swarm", "masternode {who} has a malformed peer id");
				return None;
			};
			Some((who.clone(), Peer { id, addresses: addresses(&info.addresses) }))
		})
		.collect()
}

/// The manifest a content's on-chain record was registered with. Its hash is the content id,
/// which [`Content::id`] must equal: check with [`Manifest::content_id`].
pub fn manifest(content: &Content) -> Manifest {
	let info = &content.info;
	Manifest {
		version: MANIFEST_VERSION,
		media_type: BoundedVec::truncate_from(info.media_type.to_vec()),
		metadata_hash: info.metadata_hash,
		total_size: info.total_size,
		segment_size: info.segment_size,
		k: info.k,
		n: info.n,
		segments: BoundedVec::truncate_from(
			content
				.segments
				.iter()
				.map(|s| SegmentManifest {
					shard_len: s.shard_len,
					shards: BoundedVec::truncate_from(s.shards.to_vec()),
				})
				.collect(),
		),
	}
}
