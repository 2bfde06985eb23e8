//! What the chain records about a masternode.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
pub use pop_primitives::network::{Addresses, MaxAddressLen, MaxAddresses, MaxPeerIdLen, PeerId};
use pop_primitives::Balance;
use scale_info::TypeInfo;

/// Where a masternode runs: an ISO 3166-1 alpha-2 country code in upper case (`*b"DE"`).
/// Placement spreads the shards of a segment over regions.
#[derive(
	Clone,
	Copy,
	Debug,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct Region(pub [u8; 2]);

impl Region {
	/// Two ASCII capital letters.
	pub fn is_valid(&self) -> bool {
		self.0.iter().all(u8::is_ascii_uppercase)
	}
}

/// A registered masternode.
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct MasternodeInfo<BlockNumber> {
	/// The libp2p peer id of its `pop-masternode` daemon.
	pub peer_id: PeerId,
	/// The multiaddrs it listens on (TCP, QUIC, WebSocket for browsers).
	pub addresses: Addresses,
	/// Where it runs.
	pub region: Region,
	/// The storage it offers for shards, in bytes.
	pub capacity: u64,
	/// The POP it holds as its bond.
	pub bond: Balance,
	/// When it registered.
	pub registered_at: BlockNumber,
	/// Its last heartbeat (registration counts as one).
	pub last_heartbeat: BlockNumber,
	/// Set once it unregisters: the block from which its bond can be withdrawn. A leaving node
	/// gets no new shards.
	pub unlock_at: Option<BlockNumber>,
}

impl<BlockNumber> MasternodeInfo<BlockNumber> {
	/// Whether it is in service (registered and not leaving).
	pub fn is_active(&self) -> bool {
		self.unlock_at.is_none()
	}
}
