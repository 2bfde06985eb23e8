//! The libp2p side: transports (TCP and QUIC between nodes, WebSocket for browsers; noise and
//! yamux on the stream transports), identify, Kademlia, and the shard protocol. One task owns
//! the swarm; the rest of the program talks to it through a [`NetHandle`] and receives the
//! requests peers send as [`Inbound`].

use crate::protocol::{
	pbft_codec, shard_codec, PbftCodec, Refusal, Request, Response, ShardCodec, PBFT_PROTOCOL,
	PROTOCOL,
};
use futures::{future::Either, StreamExt};
use libp2p::{
	core::{muxing::StreamMuxerBox, transport::Boxed, upgrade::Version},
	identify,
	identity::Keypair,
	kad, noise,
	request_response::{self, OutboundRequestId, ProtocolSupport, ResponseChannel},
	swarm::{
		behaviour::toggle::Toggle, dial_opts::DialOpts, DialError, NetworkBehaviour, SwarmEvent,
	},
	tcp, websocket, yamux, Multiaddr, PeerId, StreamProtocol, Swarm, Transport,
};
use std::{
	collections::HashMap,
	fmt,
	time::{Duration, Instant},
};
use tokio::sync::{mpsc, oneshot};

/// The Kademlia protocol of POP Network's content swarm (its own DHT, apart from the chain's).
const KAD_PROTOCOL: StreamProtocol = StreamProtocol::new("/pop/kad/1");
/// How long a shard request may take, connection included.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a request may wait for its peer to connect. A dial normally ends in a connection or
/// an error well before this; one that reports neither must not hold its requests forever (a
/// viewer's fetch would hang instead of asking another holder).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);
/// Requests from peers waiting for an answer, at most.
const INBOUND_QUEUE: usize = 1024;
/// Requests one peer may have waiting for an answer; more are refused as busy at once, before
/// the daemon sees them, so one peer cannot fill the queue that every peer shares.
pub const INBOUND_PER_PEER: usize = 8;
/// Connections one peer may hold to this node (a second one lets a redial overlap the old).
pub const CONNECTIONS_PER_PEER: u32 = 2;
/// Connections other nodes opened to this one, at most; more are closed as they arrive.
pub const INCOMING_CONNECTIONS: usize = 512;
/// Shard streams one connection may have open at once.
const STREAMS_PER_CONNECTION: usize = 64;
/// pBFT messages from peers waiting to be handled, at most (more are dropped: the protocol
/// retransmits).
const PBFT_QUEUE: usize = 4096;

/// Why the network could not do something.
#[derive(Debug, Clone)]
pub enum NetError {
	/// Building the transport or listening failed.
	Setup(String),
	/// The request failed: the peer could not be reached, the stream broke, or it timed out.
	Request(String),
	/// The network task has stopped.
	Stopped,
}

impl fmt::Display for NetError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			Self::Setup(e) => write!(f, "network setup failed: {e}"),
			Self::Request(e) => write!(f, "{e}"),
			Self::Stopped => write!(f, "the network task has stopped"),
		}
	}
}

impl std::error::Error for NetError {}

#[derive(NetworkBehaviour)]
struct Behaviour {
	shards: request_response::Behaviour<ShardCodec>,
	pbft: Toggle<request_response::Behaviour<PbftCodec>>,
	identify: identify::Behaviour,
	kad: kad::Behaviour<kad::store::MemoryStore>,
}

/// A request a peer sent; answer it with [`NetHandle::respond`].
#[derive(Debug)]
pub struct Inbound {
	/// Pass back to [`NetHandle::respond`].
	pub id: u64,
	/// Who asked.
	pub peer: PeerId,
	/// What it asked.
	pub request: Request,
}

enum Command {
	Request {
		peer: PeerId,
		addresses: Vec<Multiaddr>,
		request: Request,
		reply: oneshot::Sender<Result<Response, NetError>>,
	},
	Respond {
		id: u64,
		response: Response,
	},
	AddPeer {
		peer: PeerId,
		addresses: Vec<Multiaddr>,
	},
	Pbft {
		peer: PeerId,
		addresses: Vec<Multiaddr>,
		message: Vec<u8>,
	},
	PbftMembers(std::collections::HashSet<PeerId>),
}

/// What waits for a connection to a peer.
enum Queued {
	Shard(Request, oneshot::Sender<Result<Response, NetError>>),
	Pbft(Vec<u8>),
}

/// A cheap, cloneable handle to the network task.
#[derive(Clone)]
pub struct NetHandle {
	commands: mpsc::UnboundedSender<Command>,
	peer_id: PeerId,
}

impl NetHandle {
	/// This node's peer id.
	pub fn peer_id(&self) -> PeerId {
		self.peer_id
	}

	/// Sends `request` to `peer` (dialling one of `addresses` if not connected) and waits for
	/// the answer.
	pub async fn request(
		&self,
		peer: PeerId,
		addresses: Vec<Multiaddr>,
		request: Request,
	) -> Result<Response, NetError> {
		let (reply, answer) = oneshot::channel();
		self.commands
			.send(Command::Request { peer, addresses, request, reply })
			.map_err(|_| NetError::Stopped)?;
		answer.await.map_err(|_| NetError::Stopped)?
	}

	/// Answers the inbound request `id`.
	pub fn respond(&self, id: u64, response: Response) {
		let _ = self.commands.send(Command::Respond { id, response });
	}

	/// Sends one pBFT message to `peer` (dialling one of `addresses` if not connected), without
	/// waiting: a lost message is the protocol's to retransmit.
	pub fn send_pbft(&self, peer: PeerId, addresses: Vec<Multiaddr>, message: Vec<u8>) {
		let _ = self.commands.send(Command::Pbft { peer, addresses, message });
	}

	/// Only `members` may send pBFT messages from now on, each within its rate
	/// ([`crate::gate::PbftGate`]); messages from other peers are dropped before they are
	/// queued.
	pub fn set_pbft_members(&self, members: std::collections::HashSet<PeerId>) {
		let _ = self.commands.send(Command::PbftMembers(members));
	}

	/// Tells the routing table (Kademlia) where `peer` listens.
	pub fn add_peer(&self, peer: PeerId, addresses: Vec<Multiaddr>) {
		let _ = self.commands.send(Command::AddPeer { peer, addresses });
	}
}

/// A fresh ed25519 identity, for a client that need not be recognised again.
pub fn fresh_identity() -> Keypair {
	Keypair::generate_ed25519()
}

/// How to start the network.
pub struct NetConfig {
	/// The node's identity.
	pub keypair: Keypair,
	/// Where to listen (`/ip4/…/tcp/…`, `/ip4/…/tcp/…/ws`, `/ip4/…/udp/…/quic-v1`); empty for
	/// a client that only dials.
	pub listen: Vec<Multiaddr>,
	/// Whether to answer Kademlia queries (masternodes) or only ask (clients).
	pub server: bool,
	/// Whether to speak the moderation set's pBFT protocol (superdelegates).
	pub pbft: bool,
}

/// The started network: a handle, the requests peers send, and the addresses it listens on.
pub struct Network {
	pub handle: NetHandle,
	pub inbound: mpsc::Receiver<Inbound>,
	/// pBFT messages peers sent (only with [`NetConfig::pbft`]).
	pub pbft: mpsc::Receiver<(PeerId, Vec<u8>)>,
	pub listening: Vec<Multiaddr>,
}

fn transport(keypair: &Keypair, server: bool) -> Result<Boxed<(PeerId, StreamMuxerBox)>, NetError> {
	let noise = noise::Config::new(keypair).map_err(|e| NetError::Setup(e.to_string()))?;
	let tcp = || tcp::tokio::Transport::new(tcp::Config::default().nodelay(true));
	// WebSocket first: it claims `/tcp/…/ws` addresses, which plain TCP refuses.
	let streams = websocket::WsConfig::new(tcp())
		.or_transport(tcp())
		.upgrade(Version::V1Lazy)
		.authenticate(noise)
		.multiplex(yamux::Config::default())
		.map(|(peer, muxer), _| (peer, StreamMuxerBox::new(muxer)));
	// A dead peer answers no QUIC handshake (UDP has no "connection refused"): give up after
	// 3 s rather than the default 5, and a viewer's client (which hedges around silent holders
	// anyway) after 1 s, so that it learns sooner which holders are gone.
	let mut quic_config = libp2p_quic::Config::new(keypair);
	quic_config.handshake_timeout = Duration::from_secs(if server { 3 } else { 1 });
	let quic = libp2p_quic::tokio::Transport::new(quic_config)
		.map(|(peer, connection), _| (peer, StreamMuxerBox::new(connection)));
	Ok(quic
		.or_transport(streams)
		.map(|either, _| match either {
			Either::Left(out) | Either::Right(out) => out,
		})
		.boxed())
}

impl Network {
	/// Builds the swarm, starts listening, waits (briefly) for the listeners to report their
	/// addresses, and spawns the task that drives it.
	pub async fn start(config: NetConfig) -> Result<Network, NetError> {
		let keypair = config.keypair;
		let peer_id = keypair.public().to_peer_id();
		let shards = request_response::Behaviour::with_codec(
			shard_codec(),
			[(PROTOCOL, ProtocolSupport::Full)],
			request_response::Config::default()
				.with_request_timeout(REQUEST_TIMEOUT)
				.with_max_concurrent_streams(STREAMS_PER_CONNECTION),
		);
		let pbft = config.pbft.then(|| {
			request_response::Behaviour::with_codec(
				pbft_codec(),
				[(PBFT_PROTOCOL, ProtocolSupport::Full)],
				request_response::Config::default()
					.with_request_timeout(Duration::from_secs(10))
					.with_max_concurrent_streams(1024),
			)
		});
		let identify = identify::Behaviour::new(
			identify::Config::new("/pop/1".into(), keypair.public())
				.with_agent_version(format!("pop-swarm/{}", env!("CARGO_PKG_VERSION"))),
		);
		let mut kad = kad::Behaviour::with_config(
			peer_id,
			kad::store::MemoryStore::new(peer_id),
			kad::Config::new(KAD_PROTOCOL),
		);
		kad.set_mode(Some(if config.server { kad::Mode::Server } else { kad::Mode::Client }));
		let mut swarm = Swarm::new(
			transport(&keypair, config.server)?,
			Behaviour { shards, pbft: pbft.into(), identify, kad },
			peer_id,
			libp2p::swarm::Config::with_tokio_executor()
				.with_idle_connection_timeout(Duration::from_secs(30)),
		);
		for address in &config.listen {
			swarm
				.listen_on(address.clone())
				.map_err(|e| NetError::Setup(format!("cannot listen on {address}: {e}")))?;
		}
		let mut listening = Vec::new();
		let deadline = tokio::time::sleep(Duration::from_secs(5));
		tokio::pin!(deadline);
		while listening.len() < config.listen.len() {
			tokio::select! {
				event = swarm.select_next_some() => match event {
					SwarmEvent::NewListenAddr { address, .. } => listening.push(address),
					SwarmEvent::ListenerError { error, .. } =>
						return Err(NetError::Setup(error.to_string())),
					SwarmEvent::ListenerClosed { addresses, reason: Err(e), .. } =>
						return Err(NetError::Setup(format!("listener on {addresses:?} closed: {e}"))),
					_ => {}
				},
				_ = &mut deadline => break,
			}
		}
		let (commands, rx) = mpsc::unbounded_channel();
		let (inbound_tx, inbound) = mpsc::channel(INBOUND_QUEUE);
		let (pbft_tx, pbft) = mpsc::channel(PBFT_QUEUE);
		tokio::spawn(drive(swarm, rx, inbound_tx, pbft_tx));
		Ok(Network { handle: NetHandle { commands, peer_id }, inbound, pbft, listening })
	}
}

async fn drive(
	mut swarm: Swarm<Behaviour>,
	mut commands: mpsc::UnboundedReceiver<Command>,
	inbound: mpsc::Sender<Inbound>,
	pbft: mpsc::Sender<(PeerId, Vec<u8>)>,
) {
	let mut waiting: HashMap<OutboundRequestId, oneshot::Sender<Result<Response, NetError>>> =
		HashMap::new();
	let mut channels: HashMap<u64, (PeerId, ResponseChannel<Response>)> = HashMap::new();
	// Inbound requests waiting for the daemon's answer, per peer; connections peers opened.
	let mut inflight: HashMap<PeerId, usize> = HashMap::new();
	let mut incoming = 0usize;
	// Requests waiting for a connection. The request-response behaviour would dial once per
	// request, and a second dial to a peer being dialled fails every request queued for it;
	// so the swarm dials each peer once here and sends the requests when it connects.
	let mut connecting: HashMap<PeerId, (Instant, Vec<Queued>)> = HashMap::new();
	let mut next_id = 0u64;
	let mut gate = crate::gate::PbftGate::default();
	let mut sweep = tokio::time::interval(Duration::from_secs(1));
	loop {
		tokio::select! {
			_ = sweep.tick() => {
				let now = Instant::now();
				let stale: Vec<PeerId> = connecting
					.iter()
					.filter(|(_, (since, _))| now.duration_since(*since) > CONNECT_TIMEOUT)
					.map(|(peer, _)| *peer)
					.collect();
				for peer in stale {
					if let Some((_, queued)) = connecting.remove(&peer) {
						let why = format!("peer {peer}: no connection within {} s", CONNECT_TIMEOUT.as_secs());
						tracing::debug!(target: "net", "{why}");
						fail(queued, &why);
					}
				}
			}
			command = commands.recv() => match command {
				None => return,
				Some(Command::Request { peer, addresses, request, reply }) => {
					if swarm.is_connected(&peer) {
						let id = swarm.behaviour_mut().shards.send_request(&peer, request);
						waiting.insert(id, reply);
						continue;
					}
					enqueue(&mut swarm, &mut connecting, peer, addresses, Queued::Shard(request, reply));
				}
				Some(Command::Pbft { peer, addresses, message }) => {
					if !swarm.behaviour().pbft.is_enabled() {
						continue;
					}
					if swarm.is_connected(&peer) {
						if let Some(b) = swarm.behaviour_mut().pbft.as_mut() {
							b.send_request(&peer, message);
						}
					} else {
						enqueue(&mut swarm, &mut connecting, peer, addresses, Queued::Pbft(message));
					}
				}
				Some(Command::Respond { id, response }) => {
					if let Some((peer, channel)) = channels.remove(&id) {
						if let Some(n) = inflight.get_mut(&peer) {
							*n -= 1;
							if *n == 0 {
								inflight.remove(&peer);
							}
						}
						// The peer may have gone; nothing to do then.
						let _ = swarm.behaviour_mut().shards.send_response(channel, response);
					}
				}
				Some(Command::PbftMembers(members)) => gate.set_members(Some(members)),
				Some(Command::AddPeer { peer, addresses }) => {
					for address in addresses {
						swarm.behaviour_mut().kad.add_address(&peer, address);
					}
				}
			},
			event = swarm.select_next_some() => match event {
				SwarmEvent::Behaviour(BehaviourEvent::Shards(event)) => match event {
					request_response::Event::Message { peer, message } => match message {
						request_response::Message::Request { request, channel, .. } => {
							let waiting_for = inflight.get(&peer).copied().unwrap_or(0);
							if waiting_for >= INBOUND_PER_PEER {
								tracing::debug!(target: "net", "turned a request from {peer} away: {waiting_for} of its requests are waiting");
								let _ = swarm.behaviour_mut().shards
									.send_response(channel, Response::Refused(Refusal::Busy));
								continue;
							}
							next_id += 1;
							match inbound.try_send(Inbound { id: next_id, peer, request }) {
								Ok(()) => {
									channels.insert(next_id, (peer, channel));
									*inflight.entry(peer).or_default() += 1;
								}
								Err(mpsc::error::TrySendError::Full(_)) => {
									let _ = swarm.behaviour_mut().shards
										.send_response(channel, Response::Refused(Refusal::Busy));
								}
								Err(mpsc::error::TrySendError::Closed(_)) => {
									let _ = swarm.behaviour_mut().shards
										.send_response(channel, Response::Refused(Refusal::NotServing));
								}
							}
						}
						request_response::Message::Response { request_id, response } => {
							if let Some(reply) = waiting.remove(&request_id) {
								let _ = reply.send(Ok(response));
							}
						}
					},
					request_response::Event::OutboundFailure { peer, request_id, error } => {
						if let Some(reply) = waiting.remove(&request_id) {
							let _ = reply.send(Err(NetError::Request(format!("peer {peer}: {error}"))));
						}
					}
					request_response::Event::InboundFailure { peer, error, .. } => {
						tracing::debug!(target: "net", "a request from {peer} failed: {error}");
					}
					request_response::Event::ResponseSent { .. } => {}
				},
				SwarmEvent::Behaviour(BehaviourEvent::Pbft(event)) => match event {
					request_response::Event::Message {
						peer,
						message: request_response::Message::Request { request, channel, .. },
					} => {
						if let Some(b) = swarm.behaviour_mut().pbft.as_mut() {
							let _ = b.send_response(channel, ());
						}
						if let Err(why) = gate.admit(peer, Instant::now()) {
							tracing::debug!(target: "net", "a pBFT message from {peer} turned away: {why:?}");
						} else if pbft.try_send((peer, request)).is_err() {
							tracing::debug!(target: "net", "pBFT queue full: a message from {peer} dropped");
						}
					}
					request_response::Event::OutboundFailure { peer, error, .. } => {
						tracing::debug!(target: "net", "a pBFT message to {peer} was lost: {error}");
					}
					_ => {}
				},
				SwarmEvent::Behaviour(BehaviourEvent::Identify(identify::Event::Received {
					peer_id,
					info,
					..
				}))
					if info.protocols.contains(&PROTOCOL) => {
						for address in info.listen_addrs {
							swarm.behaviour_mut().kad.add_address(&peer_id, address);
						}
					}
				SwarmEvent::ConnectionClosed { endpoint, .. } if endpoint.is_listener() => {
					incoming = incoming.saturating_sub(1);
				}
				SwarmEvent::ConnectionEstablished {
					peer_id, connection_id, endpoint, num_established, ..
				} => {
					if endpoint.is_listener() {
						incoming += 1;
						if num_established.get() > CONNECTIONS_PER_PEER
							|| incoming > INCOMING_CONNECTIONS
						{
							tracing::debug!(target: "net", "closing a connection from {peer_id}: over the connection limits");
							swarm.close_connection(connection_id);
							continue;
						}
					}
					for queued in connecting.remove(&peer_id).map(|(_, q)| q).unwrap_or_default() {
						match queued {
							Queued::Shard(request, reply) => {
								let id = swarm.behaviour_mut().shards.send_request(&peer_id, request);
								waiting.insert(id, reply);
							}
							Queued::Pbft(message) => {
								if let Some(b) = swarm.behaviour_mut().pbft.as_mut() {
									b.send_request(&peer_id, message);
								}
							}
						}
					}
				}
				SwarmEvent::OutgoingConnectionError { peer_id: Some(peer), error, .. }
					if !swarm.is_connected(&peer) => {
						let queued = connecting.remove(&peer).map(|(_, q)| q).unwrap_or_default();
						fail(queued, &format!("peer {peer}: {error}"));
					}
				SwarmEvent::NewListenAddr { address, .. } => {
					tracing::info!(target: "net", "listening on {address}/p2p/{}", swarm.local_peer_id());
				}
				SwarmEvent::IncomingConnectionError { send_back_addr, error, .. } => {
					tracing::debug!(target: "net", "incoming connection from {send_back_addr} failed: {error}");
				}
				_ => {}
			},
		}
	}
}

/// Queues `item` until `peer` connects, dialling it if this is the first item waiting.
fn enqueue(
	swarm: &mut Swarm<Behaviour>,
	connecting: &mut HashMap<PeerId, (Instant, Vec<Queued>)>,
	peer: PeerId,
	addresses: Vec<Multiaddr>,
	item: Queued,
) {
	let (_, queue) = connecting.entry(peer).or_insert_with(|| (Instant::now(), Vec::new()));
	queue.push(item);
	if queue.len() == 1 {
		match swarm.dial(DialOpts::peer_id(peer).addresses(addresses).build()) {
			Ok(()) | Err(DialError::DialPeerConditionFalse(_)) => {}
			Err(e) => {
				let queued = connecting.remove(&peer).map(|(_, q)| q).unwrap_or_default();
				fail(queued, &format!("peer {peer}: {e}"))
			}
		}
	}
}

/// Fails every shard request in `queued` with `why`; pBFT messages are simply lost.
fn fail(queued: Vec<Queued>, why: &str) {
	for item in queued {
		if let Queued::Shard(_, reply) = item {
			let _ = reply.send(Err(NetError::Request(why.to_string())));
		}
	}
}
