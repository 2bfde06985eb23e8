//! pBFT among the moderation set over libp2p: who is who, what goes on the wire, and the task
//! that runs one replica.

use codec::{DecodeLimit, Encode};
use pop_pbft::{
	message::MAX_DEPTH, ContentId, Event, Outbound, Replica, ReplicaIndex, Signed, Verdict,
};
use pop_swarm::{network::NetHandle, Multiaddr, PeerId};
use std::{collections::HashMap, time::Instant};
use tokio::sync::mpsc;

/// A member of the set as the chain records it: its sidecar's peer id and addresses.
#[derive(Clone, Debug)]
pub struct Member {
	/// The sidecar's libp2p peer id.
	pub peer: PeerId,
	/// Where it listens.
	pub addresses: Vec<Multiaddr>,
}

/// The set's members in the chain's order, and this sidecar's place among them.
pub struct Mesh {
	net: NetHandle,
	members: Vec<Member>,
	me: ReplicaIndex,
	index: HashMap<PeerId, ReplicaIndex>,
}

/// Why a message from the network was dropped.
#[derive(Debug, PartialEq, Eq)]
pub enum Dropped {
	/// The sending peer is not a member of the set.
	NotAMember(PeerId),
	/// The bytes are not one whole message.
	Malformed(String),
	/// A member sent a message signed as another one.
	Impersonation { peer: PeerId, claims: ReplicaIndex },
}

impl Dropped {
	/// The kind of drop, for metrics.
	pub fn kind(&self) -> &'static str {
		match self {
			Dropped::NotAMember(_) => "NotAMember",
			Dropped::Malformed(_) => "Malformed",
			Dropped::Impersonation { .. } => "Impersonation",
		}
	}
}

impl Mesh {
	/// The mesh of `members`, this sidecar being `me`.
	pub fn new(net: NetHandle, members: Vec<Member>, me: ReplicaIndex) -> Self {
		let index = members.iter().enumerate().map(|(i, m)| (m.peer, i as ReplicaIndex)).collect();
		// The network lets in pBFT messages from these peers only, each within its rate.
		net.set_pbft_members(members.iter().map(|m| m.peer).collect());
		Mesh { net, members, me, index }
	}

	/// Sends what the replica wants sent.
	pub fn send(&self, out: Vec<Outbound>) {
		for o in out {
			match o {
				Outbound::Broadcast(signed) => {
					let bytes = signed.encode();
					for (i, m) in self.members.iter().enumerate() {
						if i != self.me as usize {
							self.net.send_pbft(m.peer, m.addresses.clone(), bytes.clone());
						}
					}
				}
				Outbound::Send(to, signed) => {
					if let Some(m) = self.members.get(to as usize) {
						self.net.send_pbft(m.peer, m.addresses.clone(), signed.encode());
					}
				}
			}
		}
	}

	/// The message `bytes` from `peer`, if a member sent it in its own name. (Its signature is
	/// the replica's to check.)
	pub fn accept(&self, peer: PeerId, bytes: &[u8]) -> Result<Signed, Dropped> {
		let index = *self.index.get(&peer).ok_or(Dropped::NotAMember(peer))?;
		let mut input = bytes;
		let signed = Signed::decode_with_depth_limit(MAX_DEPTH, &mut input)
			.map_err(|e| Dropped::Malformed(e.to_string()))?;
		if !input.is_empty() {
			return Err(Dropped::Malformed(format!("{} bytes after the message", input.len())));
		}
		if signed.from != index {
			return Err(Dropped::Impersonation { peer, claims: signed.from });
		}
		Ok(signed)
	}
}

/// What drives a replica: its own scores, messages from the network, and the clock.
pub struct Inputs {
	/// This sidecar's verdicts on content, with its scores (parts per million; `None` when no
	/// classifier ran).
	pub scores: mpsc::UnboundedReceiver<(ContentId, Verdict, Option<u32>)>,
	/// Messages from peers (`Network::pbft`).
	pub network: mpsc::Receiver<(PeerId, Vec<u8>)>,
}

/// Runs `replica` on `mesh` until its inputs close: every score and message goes in, the clock
/// ticks every 20 ms, what it sends goes out, and its events go to `events`. Returns the
/// replica.
pub async fn run(
	mut replica: Replica,
	mesh: Mesh,
	mut inputs: Inputs,
	events: mpsc::UnboundedSender<Event>,
) -> Replica {
	let start = Instant::now();
	let now = || start.elapsed().as_millis() as u64;
	let mut tick = tokio::time::interval(std::time::Duration::from_millis(20));
	loop {
		tokio::select! {
			score = inputs.scores.recv() => match score {
				Some((content, verdict, score)) => replica.score(now(), content, verdict, score),
				None => break,
			},
			message = inputs.network.recv() => match message {
				Some((peer, bytes)) => match mesh.accept(peer, &bytes) {
					Ok(signed) => {
						if let Err(why) = replica.handle(now(), signed) {
							tracing::trace!(target: "pbft", "a message from {peer} was refused: {why}");
						}
					},
					Err(why) => tracing::debug!(target: "pbft", "dropped a message: {why:?}"),
				},
				None => break,
			},
			_ = tick.tick() => replica.tick(now()),
		}
		let (out, happened) = replica.drain();
		for event in happened {
			let _ = events.send(event);
		}
		mesh.send(out);
	}
	replica
}
