//! Who is who: masternodes' peer ids and addresses as the chain records them, and a content's
//! manifest rebuilt from its on-chain record.

use libp2p::{Multiaddr, PeerId};
use pop_chain_client::{Content, Masternode};
use pop_primitives::{
	content::{ContentId, Layout, LayoutParams, ManifestV1, SegmentManifest},
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

/// The layout a content's on-chain record was registered with: what every decoder checks
/// shards against. Its id must equal [`Content::id`]: check with [`registered_id`].
pub fn manifest(content: &Content) -> Layout {
	let info = &content.info;
	let segments = content
		.segments
		.iter()
		.map(|s| SegmentManifest {
			plain_len: s.plain_len,
			duration: s.duration,
			shard_len: s.shard_len,
			shards: BoundedVec::truncate_from(s.shards.to_vec()),
		})
		.collect();
	let mut layout = Layout::build(
		LayoutParams {
			media_type: BoundedVec::truncate_from(info.media_type.to_vec()),
			metadata_hash: info.metadata_hash,
			k: info.k,
			n: info.n,
			key_commitment: info.key_commitment.unwrap_or_default(),
			packaging: info.packaging,
		},
		segments,
	);
	layout.manifest.version = info.version;
	layout
}

/// The id the chain's record of `content` hashes to, in the manifest version it was registered
/// with: equal to [`Content::id`] unless the record was tampered with (or is still uploading).
/// `layout` is [`manifest`] of the same record, built once by the caller.
pub fn registered_id(content: &Content, layout: &Layout) -> ContentId {
	let info = &content.info;
	match info.version {
		1 => ManifestV1 {
			version: 1,
			media_type: BoundedVec::truncate_from(info.media_type.to_vec()),
			metadata_hash: info.metadata_hash,
			total_size: info.total_size,
			segment_size: info.v1_segment_size.unwrap_or_default(),
			k: info.k,
			n: info.n,
			segments: content
				.segments
				.iter()
				.map(|s| (s.shard_len, BoundedVec::truncate_from(s.shards.to_vec())))
				.collect(),
		}
		.content_id(),
		_ => layout.content_id(),
	}
}
