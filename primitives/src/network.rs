//! How nodes of the content network are addressed on chain: libp2p peer ids and multiaddrs as
//! bounded bytes. Superdelegates and masternodes register them; sidecars and browsers dial them.

use sp_core::ConstU32;
use sp_runtime::BoundedVec;

/// Longest libp2p peer id, in bytes (an identity-hashed ed25519 key is 38).
pub type MaxPeerIdLen = ConstU32<64>;
/// Longest multiaddr, in bytes.
pub type MaxAddressLen = ConstU32<128>;
/// Most multiaddrs per node.
pub type MaxAddresses = ConstU32<8>;

/// A libp2p peer id, as bytes.
pub type PeerId = BoundedVec<u8, MaxPeerIdLen>;
/// Multiaddrs, as bytes.
pub type Addresses = BoundedVec<BoundedVec<u8, MaxAddressLen>, MaxAddresses>;
