//! Who is who: masternodes' peer ids and addresses as the chain records them, and a content's
//! manifest rebuilt from its on-chain record.

use libp2p::{multiaddr::Protocol, Multiaddr, PeerId};
use pop_chain_client::{Content, Masternode};
use pop_primitives::{
	content::{ContentId, Layout, LayoutParams, ManifestV1, SegmentManifest},
	AccountId,
};
use sp_core::bounded::BoundedVec;
use std::{collections::HashMap, net::SocketAddr};

/// A masternode as the swarm dials it.
#[derive(Clone, Debug)]
pub struct Peer {
	/// Its libp2p identity.
	pub id: PeerId,
	/// Where it listens for libp2p.
	pub addresses: Vec<Multiaddr>,
	/// Where it serves shards over HTTP(S) to browsers, as a URL base (`http://host:port`).
	pub http: Option<String>,
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
			let (web, p2p): (Vec<Multiaddr>, Vec<Multiaddr>) =
				addresses(&info.addresses).into_iter().partition(|a| http_url(a).is_some());
			let http = web.first().and_then(http_url);
			Some((who.clone(), Peer { id, addresses: p2p, http }))
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

/// The URL base (`http://127.0.0.1:8080`, `https://mn.example.org`) of an HTTP endpoint's
/// multiaddr (`/ip4/127.0.0.1/tcp/8080/http`, `/dns4/mn.example.org/tcp/443/https`, or `/tls/http`
/// for `/https`); `None` for an address that is not one.
pub fn http_url(address: &Multiaddr) -> Option<String> {
	let mut parts = address.iter();
	let host = match parts.next()? {
		Protocol::Ip4(ip) => ip.to_string(),
		Protocol::Ip6(ip) => format!("[{ip}]"),
		Protocol::Dns(h) | Protocol::Dns4(h) | Protocol::Dns6(h) => h.to_string(),
		_ => return None,
	};
	let Protocol::Tcp(port) = parts.next()? else { return None };
	let scheme = match (parts.next()?, parts.next()) {
		(Protocol::Http, None) => "http",
		(Protocol::Https, None) | (Protocol::Tls, Some(Protocol::Http)) => "https",
		_ => return None,
	};
	if parts.next().is_some() {
		return None;
	}
	let default = if scheme == "http" { 80 } else { 443 };
	Some(if port == default {
		format!("{scheme}://{host}")
	} else {
		format!("{scheme}://{host}:{port}")
	})
}

/// The multiaddr to register for an HTTP endpoint listening on `local`: its own address, or, when
/// it listens on every interface, the first IP of `public` (the libp2p addresses registered)
/// that is not a loopback one, else the first; `None` when neither names a host.
pub fn http_multiaddr(local: SocketAddr, tls: bool, public: &[Multiaddr]) -> Option<Multiaddr> {
	let ip = if local.ip().is_unspecified() {
		let ips: Vec<std::net::IpAddr> = public
			.iter()
			.filter_map(|a| match a.iter().next()? {
				Protocol::Ip4(ip) => Some(ip.into()),
				Protocol::Ip6(ip) => Some(ip.into()),
				_ => None,
			})
			.filter(|ip: &std::net::IpAddr| !ip.is_unspecified())
			.collect();
		// Another machine's view of this one, if the list has it.
		*ips.iter().find(|ip| !ip.is_loopback()).or(ips.first())?
	} else {
		local.ip()
	};
	let mut address = Multiaddr::from(ip).with(Protocol::Tcp(local.port()));
	address.push(if tls { Protocol::Https } else { Protocol::Http });
	Some(address)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn http_endpoints_read_as_urls_and_libp2p_addresses_do_not() {
		let url = |a: &str| http_url(&a.parse().unwrap());
		assert_eq!(url("/ip4/127.0.0.1/tcp/8080/http").as_deref(), Some("http://127.0.0.1:8080"));
		assert_eq!(url("/ip6/::1/tcp/8443/https").as_deref(), Some("https://[::1]:8443"));
		assert_eq!(
			url("/dns4/mn.example.org/tcp/443/https").as_deref(),
			Some("https://mn.example.org")
		);
		assert_eq!(
			url("/dns/mn.example.org/tcp/443/tls/http").as_deref(),
			Some("https://mn.example.org")
		);
		for p2p in
			["/ip4/127.0.0.1/tcp/30333", "/ip4/127.0.0.1/tcp/1/ws", "/ip4/127.0.0.1/udp/1/quic-v1"]
		{
			assert_eq!(url(p2p), None, "{p2p}");
		}
	}

	#[test]
	fn the_registered_http_address_names_a_host() {
		let public: Vec<Multiaddr> = vec![
			"/ip4/127.0.0.1/tcp/30333".parse().unwrap(),
			"/ip4/10.1.2.3/tcp/30333".parse().unwrap(),
		];
		let any: SocketAddr = "0.0.0.0:8080".parse().unwrap();
		assert_eq!(
			http_multiaddr(any, false, &public).unwrap().to_string(),
			"/ip4/10.1.2.3/tcp/8080/http"
		);
		assert_eq!(
			http_multiaddr("127.0.0.1:9".parse().unwrap(), true, &[]).unwrap().to_string(),
			"/ip4/127.0.0.1/tcp/9/https"
		);
		assert_eq!(http_multiaddr(any, false, &[]), None);
	}
}
