//! The shard protocol: one request, one response, on a libp2p request-response stream.
//!
//! Messages are SCALE-encoded behind a 4-byte little-endian length. A reader refuses a length
//! above the limit before reading (or allocating) anything, so an oversized or garbage request
//! costs the daemon one closed stream and nothing else. Shards travel here rather than over
//! gossip, whose messages are capped at 64 KiB.

use async_trait::async_trait;
use codec::{Decode, DecodeAll, Encode};
use futures::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use libp2p::StreamProtocol;
use pop_primitives::content::{ContentId, MAX_SHARD_LEN};
use std::{fmt, io, marker::PhantomData};

/// The protocol's name and version.
pub const PROTOCOL: StreamProtocol = StreamProtocol::new("/pop/shard/1");

/// The largest message either side reads: a whole shard plus its addressing.
pub const MAX_MESSAGE_LEN: usize = MAX_SHARD_LEN as usize + 1024;

/// What a peer asks a masternode.
#[derive(Clone, PartialEq, Eq, Encode, Decode)]
pub enum Request {
	/// Shard `shard` of segment `segment` of `content`.
	Get { content: ContentId, segment: u32, shard: u8 },
	/// Store shard `shard` of segment `segment` of `content`: the creator's upload, to the
	/// masternode the chain placed it on.
	Put { content: ContentId, segment: u32, shard: u8, data: Vec<u8> },
}

impl fmt::Debug for Request {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			Self::Get { content, segment, shard } => {
				write!(f, "get shard {shard} of segment {segment} of {}", short(content))
			}
			Self::Put { content, segment, shard, data } => write!(
				f,
				"put shard {shard} of segment {segment} of {} ({} bytes)",
				short(content),
				data.len()
			),
		}
	}
}

/// A masternode's answer.
#[derive(Clone, PartialEq, Eq, Encode, Decode)]
pub enum Response {
	/// The shard asked for.
	Shard(Vec<u8>),
	/// The shard is stored durably.
	Stored,
	/// The request was refused, for this reason.
	Refused(Refusal),
}

impl fmt::Debug for Response {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			Self::Shard(data) => write!(f, "shard of {} bytes", data.len()),
			Self::Stored => write!(f, "stored"),
			Self::Refused(r) => write!(f, "refused: {r}"),
		}
	}
}

/// Why a masternode refused a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub enum Refusal {
	/// The chain has no such content.
	UnknownContent,
	/// The content has no such segment or shard.
	NoSuchShard,
	/// The content is not published (pending moderation or rejected), and the peer is not a
	/// masternode.
	NotPublished,
	/// This masternode does not have the shard.
	NotHeld,
	/// The chain did not place this shard on this masternode.
	NotAssigned,
	/// The bytes are not the shard the manifest names (length or hash).
	ShardMismatch,
	/// The masternode's storage is full.
	Full,
	/// The masternode cannot reach its chain node right now; try another holder.
	ChainUnavailable,
	/// The peer does not serve shards (a client, not a masternode).
	NotServing,
	/// Too many requests waiting; try again.
	Busy,
	/// The masternode's storage failed (its log says how).
	StorageFailure,
	/// The peer has moved more shard bytes than its share lately; ask another holder, or again
	/// shortly.
	OverShare,
}

impl fmt::Display for Refusal {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		f.write_str(match self {
			Self::UnknownContent => "the chain has no such content",
			Self::NoSuchShard => "the content has no such segment or shard",
			Self::NotPublished => "the content is not published",
			Self::NotHeld => "this masternode does not hold the shard",
			Self::NotAssigned => "the chain did not place this shard on this masternode",
			Self::ShardMismatch => "the bytes do not match the shard's length and hash",
			Self::Full => "the masternode's storage is full",
			Self::ChainUnavailable => "the masternode cannot reach its chain node",
			Self::NotServing => "this peer does not serve shards",
			Self::Busy => "the masternode is busy",
			Self::StorageFailure => "the masternode's storage failed",
			Self::OverShare => {
				"over this peer's share of the masternode's bandwidth; try again shortly"
			}
		})
	}
}

/// A content id as logs show it: its first 8 bytes in hex.
pub fn short(id: &[u8; 32]) -> String {
	format!("0x{}…", hex::encode(&id[..8]))
}

/// Reads one length-prefixed SCALE message of at most `max` bytes.
pub async fn read_message<T: Decode, R: AsyncRead + Unpin + Send>(
	io: &mut R,
	max: usize,
) -> io::Result<T> {
	let mut len = [0u8; 4];
	io.read_exact(&mut len).await?;
	let len = u32::from_le_bytes(len) as usize;
	if len > max {
		return Err(io::Error::new(
			io::ErrorKind::InvalidData,
			format!("a message of {len} bytes is over the limit of {max}"),
		));
	}
	let mut buf = vec![0u8; len];
	io.read_exact(&mut buf).await?;
	T::decode_all(&mut &buf[..]).map_err(|e| {
		io::Error::new(io::ErrorKind::InvalidData, format!("undecodable message: {e}"))
	})
}

/// Writes one length-prefixed SCALE message.
pub async fn write_message<W: AsyncWrite + Unpin + Send>(
	io: &mut W,
	message: &impl Encode,
) -> io::Result<()> {
	let bytes = message.encode();
	let len = u32::try_from(bytes.len())
		.map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "message over 4 GiB"))?;
	io.write_all(&len.to_le_bytes()).await?;
	io.write_all(&bytes).await?;
	io.close().await
}

/// A request-response codec: every message is [`write_message`]'s length and SCALE encoding,
/// refused by its length alone over the codec's limit.
pub struct ScaleCodec<Req, Resp> {
	max_request: usize,
	max_response: usize,
	_messages: PhantomData<fn() -> (Req, Resp)>,
}

impl<Req, Resp> ScaleCodec<Req, Resp> {
	/// A codec refusing requests over `max_request` bytes and responses over `max_response`.
	pub const fn new(max_request: usize, max_response: usize) -> Self {
		ScaleCodec { max_request, max_response, _messages: PhantomData }
	}
}

impl<Req, Resp> Clone for ScaleCodec<Req, Resp> {
	fn clone(&self) -> Self {
		Self::new(self.max_request, self.max_response)
	}
}

#[async_trait]
impl<Req, Resp> libp2p::request_response::Codec for ScaleCodec<Req, Resp>
where
	Req: Encode + Decode + Send + Sync + 'static,
	Resp: Encode + Decode + Send + Sync + 'static,
{
	type Protocol = StreamProtocol;
	type Request = Req;
	type Response = Resp;

	async fn read_request<T: AsyncRead + Unpin + Send>(
		&mut self,
		_: &StreamProtocol,
		io: &mut T,
	) -> io::Result<Req> {
		read_message(io, self.max_request).await
	}

	async fn read_response<T: AsyncRead + Unpin + Send>(
		&mut self,
		_: &StreamProtocol,
		io: &mut T,
	) -> io::Result<Resp> {
		read_message(io, self.max_response).await
	}

	async fn write_request<T: AsyncWrite + Unpin + Send>(
		&mut self,
		_: &StreamProtocol,
		io: &mut T,
		request: Req,
	) -> io::Result<()> {
		write_message(io, &request).await
	}

	async fn write_response<T: AsyncWrite + Unpin + Send>(
		&mut self,
		_: &StreamProtocol,
		io: &mut T,
		response: Resp,
	) -> io::Result<()> {
		write_message(io, &response).await
	}
}

/// The codec of [`PROTOCOL`].
pub type ShardCodec = ScaleCodec<Request, Response>;

/// [`PROTOCOL`]'s codec with its limit.
pub fn shard_codec() -> ShardCodec {
	ScaleCodec::new(MAX_MESSAGE_LEN, MAX_MESSAGE_LEN)
}

/// The moderation set's protocol: one pBFT message per request (a SCALE-encoded
/// `pop_pbft::Signed`, opaque here), answered with an empty acknowledgement. Messages are
/// fire-and-forget: the protocol retransmits what is lost.
pub const PBFT_PROTOCOL: StreamProtocol = StreamProtocol::new("/pop/pbft/1");

/// The longest pBFT message accepted (a new view carrying a quorum of view changes is the
/// largest).
pub const MAX_PBFT_MESSAGE_LEN: usize = 4 << 20;

/// The codec of [`PBFT_PROTOCOL`].
pub type PbftCodec = ScaleCodec<Vec<u8>, ()>;

/// [`PBFT_PROTOCOL`]'s codec with its limit.
pub fn pbft_codec() -> PbftCodec {
	ScaleCodec::new(MAX_PBFT_MESSAGE_LEN, 16)
}

#[cfg(test)]
mod tests {
	use super::*;
	use futures::executor::block_on;

	#[test]
	fn messages_round_trip_and_limits_hold() {
		let request = Request::Put { content: [3; 32], segment: 7, shard: 2, data: vec![9; 5000] };
		let mut wire = Vec::new();
		block_on(write_message(&mut futures::io::Cursor::new(&mut wire), &request)).unwrap();
		let back: Request = block_on(read_message(&mut &wire[..], MAX_MESSAGE_LEN)).unwrap();
		assert_eq!(back, request);
		// Over the limit: refused from the length alone.
		let err = block_on(read_message::<Request, _>(&mut &wire[..], 100)).unwrap_err();
		assert!(err.to_string().contains("over the limit"), "{err}");
		// A huge length with no body behind it allocates nothing and fails.
		let huge = u32::MAX.to_le_bytes();
		assert!(block_on(read_message::<Request, _>(&mut &huge[..], MAX_MESSAGE_LEN)).is_err());
		// Garbage of a valid length does not decode; trailing bytes are refused too.
		let mut garbage = 3u32.to_le_bytes().to_vec();
		garbage.extend([0xff, 0xff, 0xff]);
		let err = block_on(read_message::<Request, _>(&mut &garbage[..], 64)).unwrap_err();
		assert!(err.to_string().contains("undecodable"), "{err}");
		let mut trailing = wire.clone();
		let len = u32::from_le_bytes(trailing[..4].try_into().unwrap()) + 1;
		trailing[..4].copy_from_slice(&len.to_le_bytes());
		trailing.push(0);
		assert!(block_on(read_message::<Request, _>(&mut &trailing[..], MAX_MESSAGE_LEN)).is_err());
	}
}
