//! The masternode daemon: registers on chain, stores the shards placed on it, serves them,
//! answers storage audits, and rebuilds shards the chain moves to it from `k` other holders.

use crate::metrics::MasternodeMetrics;
use crate::{
	directory::{self, Peer},
	limits::{ByteShare, NegativeCache, ReadBudget},
	network::{Inbound, NetConfig, NetHandle, Network},
	protocol::{short, Refusal, Request, Response},
	store::{ShardStore, StoreError},
};
use futures::{stream::FuturesUnordered, StreamExt};
use libp2p::{identity::Keypair, Multiaddr, PeerId};
use pop_chain_client::{
	calls::{self, Call},
	types::{Assignment, Status},
	Chain, ChainEvent, Content, Head,
};
use pop_primitives::{
	content::{chunk_data, chunk_proof, ContentId, ShardHash},
	AccountId, Balance,
};
use sp_core::{sr25519, Pair};
use std::{
	collections::{HashMap, HashSet},
	io,
	net::IpAddr,
	path::{Path, PathBuf},
	sync::{Arc, Mutex, RwLock},
	time::{Duration, Instant},
};

/// A boxed error with a message an operator can act on.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// How often the daemon asks whether the chain node is up, while starting.
const POLL: Duration = Duration::from_secs(1);
/// Every this many blocks the daemon reads everything it keeps anew, whatever the blocks'
/// events said (a safety net under the event-driven updates).
const FULL_REFRESH_BLOCKS: u32 = 30;
/// Bytes of stored shards re-hashed per block, looking for damage.
const SCRUB_PER_BLOCK: u64 = 256 * 1024 * 1024;
/// How long a content record read for serving stays fresh.
const CONTENT_TTL: Duration = Duration::from_secs(6);
/// How old a cached record may be when a refusal depends on it.
const FRESH_ENOUGH: Duration = Duration::from_secs(1);
/// How long content the chain did not know is answered as unknown without asking again (about
/// a block: a creator's upload that raced its own registration is retried after this).
const UNKNOWN_TTL: Duration = Duration::from_secs(2);
/// Requests from viewers and creators handled at once; more are refused as busy. Requests from
/// other masternodes and the moderation set (repairs, reviews) have their own workers, and the
/// chain watcher that answers audits never waits behind either.
const VIEWER_WORKERS: usize = 32;
/// Requests from other masternodes and the moderation set handled at once.
const PEER_WORKERS: usize = 16;
/// Chain reads a second, shared by all peers, made to answer their requests (bursts of twice
/// as many): content records are cached, so honest traffic needs few.
const READS_PER_SECOND: u32 = 50;
/// Shard bytes a second each viewer or creator may move through this node (bursts of twice as
/// many): several times what a 4K stream needs from one holder.
pub const PEER_SHARE: u64 = 32 << 20;

/// How to run a masternode.
pub struct Config {
	/// The chain node's HTTP JSON-RPC endpoint.
	pub chain_rpc: String,
	/// The masternode's account: it holds the bond and signs registration and audit answers.
	pub signer: sr25519::Pair,
	/// Where the identity key and the shards live.
	pub base_path: PathBuf,
	/// Where to listen.
	pub listen: Vec<Multiaddr>,
	/// The addresses to register on chain; the listening ones when empty.
	pub public: Vec<Multiaddr>,
	/// The region code to register (ISO 3166 alpha-2).
	pub region: [u8; 2],
	/// Bytes of storage offered.
	pub capacity: u64,
	/// The bond to hold when registering (base units).
	pub bond: Balance,
	/// How long an assigned shard may be missing before the daemon rebuilds it (the creator's
	/// upload normally brings it first).
	pub repair_delay: Duration,
	/// How long a stored shard no longer assigned to this node (its content removed, or the
	/// shard moved elsewhere) is kept before it is deleted and its space freed: long enough
	/// that a shard uploaded just before the chain's record of it is read is never lost.
	pub release_delay: Duration,
	/// Where to serve Prometheus metrics, if anywhere: the port, and whether on every interface.
	pub prometheus: Option<(u16, bool)>,
	/// The HTTP(S) endpoint for browsers, if any, and the address to register for it (derived
	/// from where it listens when `None`).
	pub http: Option<(crate::http::HttpConfig, Option<Multiaddr>)>,
	/// Changes what the daemon sends, for tests that need a lying masternode; `None` in the
	/// release binary.
	pub tamper: Option<Arc<dyn Tamper>>,
}

/// A hook on what a masternode sends, so that the end-to-end tests can run a lying one with
/// the real daemon (`pop-masternode-lying`). Each method gets the honest bytes and returns what
/// is sent instead.
pub trait Tamper: Send + Sync {
	/// The shard sent to a peer that asked for it.
	fn served(&self, shard: Vec<u8>) -> Vec<u8>;
	/// The chunk an audit is answered with.
	fn audit_chunk(&self, chunk: Vec<u8>) -> Vec<u8>;
}

/// Loads the libp2p identity from `path`, creating it on first start.
pub fn identity(path: &Path) -> io::Result<Keypair> {
	match std::fs::read(path) {
		Ok(bytes) => Keypair::from_protobuf_encoding(&bytes).map_err(|e| {
			io::Error::new(io::ErrorKind::InvalidData, format!("{}: {e}", path.display()))
		}),
		Err(e) if e.kind() == io::ErrorKind::NotFound => {
			let keypair = Keypair::generate_ed25519();
			let bytes = keypair.to_protobuf_encoding().expect("ed25519 keys encode");
			let tmp = path.with_extension("tmp");
			std::fs::write(&tmp, bytes)?;
			#[cfg(unix)]
			{
				use std::os::unix::fs::PermissionsExt;
				std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o600))?;
			}
			std::fs::rename(&tmp, path)?;
			Ok(keypair)
		}
		Err(e) => Err(e),
	}
}

/// Who asks for a shard: a libp2p peer, or a browser at an IP address (the HTTP endpoint).
#[derive(Clone, Copy)]
enum Viewer {
	Peer(PeerId),
	Http(IpAddr),
}

struct State {
	chain: Chain,
	store: ShardStore,
	me: AccountId,
	signer: sr25519::Pair,
	net: NetHandle,
	directory: RwLock<HashMap<AccountId, Peer>>,
	/// Masternodes and the moderation set's sidecars: they may read content not yet public.
	trusted_peers: RwLock<HashSet<PeerId>>,
	contents: Mutex<HashMap<ContentId, (Instant, Content)>>,
	/// The content this node holds shards of: a request for anything else is answered without
	/// asking the chain.
	held: RwLock<HashSet<ContentId>>,
	/// Content the chain did not know, lately.
	unknown: Mutex<NegativeCache>,
	/// Each viewer's and creator's share of the bytes this node moves.
	share: Mutex<ByteShare>,
	/// The same, for viewers of the HTTP endpoint, by IP address.
	http_share: Mutex<ByteShare<IpAddr>>,
	/// Chain reads made for peers' requests.
	reads: Mutex<ReadBudget>,
	metrics: MasternodeMetrics,
	tamper: Option<Arc<dyn Tamper>>,
}

impl State {
	/// Whether `peer` is another masternode or a member of the moderation set.
	fn is_trusted(&self, peer: &PeerId) -> bool {
		self.trusted_peers.read().expect("not poisoned").contains(peer)
	}

	/// The content record, from the cache if read less than `max_age` ago, else from the chain
	/// — within the read budget unless `trusted`, and not again soon for content the chain did
	/// not know.
	fn content_within(
		&self,
		id: &ContentId,
		max_age: Duration,
		trusted: bool,
	) -> Result<Content, Refusal> {
		let cached = self.contents.lock().expect("not poisoned").get(id).cloned();
		if let Some((at, content)) = &cached {
			if at.elapsed() < max_age {
				return Ok(content.clone());
			}
		}
		let now = Instant::now();
		if self.unknown.lock().expect("not poisoned").contains(id, now) {
			return Err(Refusal::UnknownContent);
		}
		if !trusted && !self.reads.lock().expect("not poisoned").admit(now) {
			// Out of chain reads (a flood of made-up ids spends them): an older record of
			// content this node knows still serves; only the unknown waits.
			return cached.map(|(_, c)| c).ok_or(Refusal::Busy);
		}
		self.metrics.content_reads.inc();
		let content = self.chain.content(id).map_err(|e| {
			tracing::warn!(target: "masternode", "cannot read content from the chain: {e}");
			Refusal::ChainUnavailable
		})?;
		let Some(content) = content else {
			self.unknown.lock().expect("not poisoned").insert(*id, now);
			return Err(Refusal::UnknownContent);
		};
		self.unknown.lock().expect("not poisoned").remove(id);
		self.contents.lock().expect("not poisoned").insert(*id, (now, content.clone()));
		Ok(content)
	}

	/// Whether `who` may move `bytes` more now: other masternodes and the moderation set
	/// always may.
	fn within_share(&self, who: Viewer, trusted: bool, bytes: usize) -> Result<(), Refusal> {
		let now = Instant::now();
		let admitted = trusted
			|| match who {
				Viewer::Peer(peer) => {
					self.share.lock().expect("not poisoned").admit(peer, bytes, now)
				}
				Viewer::Http(ip) => {
					self.http_share.lock().expect("not poisoned").admit(ip, bytes, now)
				}
			};
		if admitted {
			Ok(())
		} else {
			Err(Refusal::OverShare)
		}
	}

	fn answer(&self, peer: PeerId, request: Request) -> Response {
		let trusted = self.is_trusted(&peer);
		match request {
			Request::Get { content, segment, shard } => {
				self.get(Viewer::Peer(peer), trusted, content, segment, shard)
			}
			Request::Put { content, segment, shard, data } => {
				self.put(peer, trusted, content, segment, shard, &data)
			}
		}
		.unwrap_or_else(Response::Refused)
	}

	fn get(
		&self,
		who: Viewer,
		trusted: bool,
		id: ContentId,
		segment: u32,
		shard: u8,
	) -> Result<Response, Refusal> {
		// Only content this node holds shards of is worth a look at the chain.
		if !self.held.read().expect("not poisoned").contains(&id) {
			return Err(Refusal::NotHeld);
		}
		let mut content = self.content_within(&id, CONTENT_TTL, trusted)?;
		if content.info.status != Status::Approved && !trusted {
			// The cached record may predate the approval: look again before refusing (at most
			// once a second per content, however many ask).
			content = self.content_within(&id, FRESH_ENOUGH, trusted)?;
			if content.info.status != Status::Approved {
				return Err(Refusal::NotPublished);
			}
		}
		let seg = content.segments.get(segment as usize).ok_or(Refusal::NoSuchShard)?;
		let hash = seg.shards.get(usize::from(shard)).ok_or(Refusal::NoSuchShard)?;
		self.within_share(who, trusted, seg.shard_len as usize)?;
		match self.store.get(hash) {
			Ok(data) => Ok(Response::Shard(match &self.tamper {
				Some(t) => t.served(data),
				None => data,
			})),
			Err(StoreError::Missing | StoreError::Corrupt) => Err(Refusal::NotHeld),
			Err(e) => {
				tracing::error!(target: "masternode", "cannot read shard {}: {e}", hex::encode(hash));
				Err(Refusal::StorageFailure)
			}
		}
	}

	fn put(
		&self,
		peer: PeerId,
		trusted: bool,
		id: ContentId,
		segment: u32,
		shard: u8,
		data: &[u8],
	) -> Result<Response, Refusal> {
		// A placement is at most a second old here: the chain may have moved the shard.
		let content = self.content_within(&id, FRESH_ENOUGH, trusted)?;
		let seg = content.segments.get(segment as usize).ok_or(Refusal::NoSuchShard)?;
		let hash = seg.shards.get(usize::from(shard)).ok_or(Refusal::NoSuchShard)?;
		if seg.holders.get(usize::from(shard)) != Some(&self.me) {
			return Err(Refusal::NotAssigned);
		}
		if data.len() != seg.shard_len as usize {
			return Err(Refusal::ShardMismatch);
		}
		// Counted once the shard is one this node must take.
		self.within_share(Viewer::Peer(peer), trusted, data.len())?;
		match self.store.put(hash, data) {
			Ok(()) => {
				self.held.write().expect("not poisoned").insert(id);
				tracing::debug!(
					target: "masternode",
					"stored shard {shard} of segment {segment} of {}",
					short(&id)
				);
				Ok(Response::Stored)
			}
			Err(StoreError::Mismatch) => Err(Refusal::ShardMismatch),
			Err(StoreError::Full { .. }) => Err(Refusal::Full),
			Err(e) => {
				tracing::error!(target: "masternode", "cannot store a shard: {e}");
				Err(Refusal::StorageFailure)
			}
		}
	}
}

impl crate::http::ShardSource for State {
	fn shard(
		&self,
		client: IpAddr,
		content: ContentId,
		segment: u32,
		shard: u8,
	) -> Result<Vec<u8>, Refusal> {
		// Browsers are viewers: never trusted, whatever their address; an IPv6 /64 is one.
		let who = Viewer::Http(crate::http::viewer_key(client));
		match self.get(who, false, content, segment, shard)? {
			Response::Shard(data) => Ok(data),
			_ => Err(Refusal::StorageFailure),
		}
	}

	fn observe(&self, outcome: &str, took: Duration, bytes: usize) {
		self.metrics.request("http-get", outcome, took, bytes);
	}
}

/// Registers (or updates) the masternode on chain so that its record names this daemon.
async fn ensure_registered(
	chain: &Chain,
	signer: &sr25519::Pair,
	peer_id: &PeerId,
	addresses: &[Multiaddr],
	(region, capacity, bond): ([u8; 2], u64, Balance),
) -> Result<(), BoxError> {
	let me: AccountId = signer.public().into();
	let (peer_bytes, addrs) = directory::on_chain(peer_id, addresses)?;
	let c = chain.clone();
	let nodes = tokio::task::spawn_blocking(move || c.masternodes()).await??;
	let current = nodes.into_iter().find(|(who, _)| *who == me);
	let call = match current {
		Some((_, info)) if info.unlock_at.is_some() => {
			tracing::warn!(
				target: "masternode",
				"{me} has unregistered: serving its shards until the chain has moved them"
			);
			return Ok(());
		}
		Some((_, info)) if info.peer_id == peer_bytes && info.addresses == addrs => {
			tracing::info!(target: "masternode", "registered as {me}, bond {} POP", info.bond / pop_primitives::currency::POP);
			return Ok(());
		}
		Some(_) => calls::update_masternode(peer_bytes, addrs, region, capacity),
		None => calls::register_masternode(peer_bytes, addrs, region, capacity, bond),
	};
	tracing::info!(target: "masternode", "registering {me} with peer id {peer_id} at {addresses:?}");
	let included = chain.submit_included(call, signer).await?;
	tracing::info!(target: "masternode", "registered as {me} in block {:?}", included.block);
	Ok(())
}

/// What the chain watcher remembers between blocks.
#[derive(Default)]
struct Watch {
	/// The block everything was last read at; `None` until the first read (or after a failure).
	full_at: Option<u32>,
	/// The shards this node must hold, as last read.
	assignments: Vec<Assignment>,
	/// Whether an audit of this node was open at the last read.
	audits_open: bool,
	missing_since: HashMap<ShardHash, Instant>,
	/// Stored shards not assigned to this node, since when.
	unassigned_since: HashMap<ShardHash, Instant>,
	/// Audits answered, or whose answer is being submitted.
	answered: Arc<Mutex<HashSet<u64>>>,
	scrub_cursor: Option<ShardHash>,
}

/// What a look at the chain found to do.
#[derive(Default)]
struct Work {
	/// Assigned shards missing long enough to rebuild.
	repairs: Vec<Assignment>,
	/// Audit answers to submit: the audit and the `prove` call.
	proofs: Vec<(u64, Call)>,
}

/// One look at the chain at a new best block: what its events say changed (the directory, this
/// node's assignments, audits of it) is read again, everything every [`FULL_REFRESH_BLOCKS`]
/// blocks or after the node was away; then the store is scrubbed, audits answered, and the
/// assigned shards missing long enough are handed out to rebuild.
fn watch_chain(
	state: &State,
	watch: &mut Watch,
	head: Head,
	(repair_delay, release_delay): (Duration, Duration),
) -> Result<Work, BoxError> {
	let full =
		head.resumed || watch.full_at.is_none_or(|at| head.number >= at + FULL_REFRESH_BLOCKS);
	let events = match head.events {
		_ if full => Vec::new(),
		Some(events) => events,
		None => state.chain.events(head.hash)?,
	};
	let me = &state.me;
	let directory_changed = full
		|| events.iter().any(|e| matches!(e, ChainEvent::Masternodes | ChainEvent::ModerationSet));
	let placement_changed = full
		|| events
			.iter()
			.any(|e| matches!(e, ChainEvent::Content(_) | ChainEvent::Placement { .. }));
	let audited = full
		|| watch.audits_open
		|| events.iter().any(|e| matches!(e, ChainEvent::Audit { node, .. } if node == me));
	if full {
		// Read anew below; a failure on the way leaves `full_at` empty, so the next block
		// reads everything again.
		watch.full_at = None;
	}

	if directory_changed {
		let peers = directory::peers(&state.chain.masternodes()?);
		for peer in peers.values() {
			state.net.add_peer(peer.id, peer.addresses.clone());
		}
		let (_, moderators) = state.chain.superdelegates()?;
		*state.trusted_peers.write().expect("not poisoned") = peers
			.values()
			.map(|p| p.id)
			.chain(moderators.iter().filter_map(|(_, s)| PeerId::from_bytes(&s.peer_id).ok()))
			.collect();
		*state.directory.write().expect("not poisoned") = peers;
	}
	if placement_changed {
		watch.assignments = state.chain.assignments(me)?;
		*state.held.write().expect("not poisoned") =
			watch.assignments.iter().map(|a| a.content).collect();
		let assigned: HashSet<ShardHash> = watch.assignments.iter().map(|a| a.shard_hash).collect();
		let now = Instant::now();
		let stored = state.store.list()?;
		watch.unassigned_since = stored
			.into_iter()
			.filter(|h| !assigned.contains(h))
			.map(|h| (h, watch.unassigned_since.get(&h).copied().unwrap_or(now)))
			.collect();
	}

	// Damage found here is moved aside; the shard then counts as missing and is rebuilt.
	let (damaged, next) = state.store.scrub(watch.scrub_cursor, SCRUB_PER_BLOCK)?;
	watch.scrub_cursor = next;
	for hash in damaged {
		tracing::warn!(target: "masternode", "scrub: shard {} was damaged on disk", hex::encode(hash));
	}

	let assignments = &watch.assignments;
	let mut proofs = Vec::new();
	let audits = if audited { state.chain.audits(me)? } else { Vec::new() };
	watch.audits_open = !audits.is_empty();
	for (id, audit) in audits {
		if watch.answered.lock().expect("not poisoned").contains(&id) {
			continue;
		}
		let Some(a) = assignments.iter().find(|a| {
			(a.content, a.segment, a.shard) == (audit.content, audit.segment, audit.shard)
		}) else {
			continue;
		};
		let shard = match state.store.get(&a.shard_hash) {
			Ok(shard) => shard,
			Err(e) => {
				tracing::warn!(target: "masternode", "cannot answer audit {id}: {e}");
				continue;
			}
		};
		let (Some(data), Some(proof)) =
			(chunk_data(&shard, audit.chunk), chunk_proof(&shard, audit.chunk))
		else {
			tracing::warn!(target: "masternode", "audit {id} asks for chunk {} beyond the shard", audit.chunk);
			watch.answered.lock().expect("not poisoned").insert(id);
			continue;
		};
		let data = match &state.tamper {
			Some(t) => t.audit_chunk(data.to_vec()),
			None => data.to_vec(),
		};
		match calls::prove(id, data, proof) {
			Ok(call) => {
				tracing::info!(
					target: "masternode",
					"answering audit {id}: chunk {} of shard {} of segment {} of {}",
					audit.chunk, audit.shard, audit.segment, short(&audit.content)
				);
				watch.answered.lock().expect("not poisoned").insert(id);
				proofs.push((id, call));
			}
			Err(e) => tracing::warn!(target: "masternode", "cannot answer audit {id}: {e}"),
		}
	}

	if full {
		watch.full_at = Some(head.number);
	}
	// After the audit answers are on their way: deleting costs an fsync a shard.
	release_unassigned(state, watch, release_delay)?;
	let assignments = &watch.assignments;
	let held = assignments.iter().filter(|a| state.store.contains(&a.shard_hash)).count();
	state.metrics.shards_stored.set(held as u64);
	state.metrics.bytes_stored.set(state.store.used());

	let now = Instant::now();
	let mut due = Vec::new();
	let mut still_missing = HashMap::new();
	for a in assignments.iter().cloned() {
		if state.store.contains(&a.shard_hash) {
			continue;
		}
		let since = *watch.missing_since.get(&a.shard_hash).unwrap_or(&now);
		still_missing.insert(a.shard_hash, since);
		if now.duration_since(since) >= repair_delay {
			due.push(a);
		}
	}
	watch.missing_since = still_missing;
	Ok(Work { repairs: due, proofs })
}

/// Missing shards handed out to rebuild at most per look at the chain: a long upload whose
/// pushes are late, or a departed node's many shards, never start thousands of rebuilds (and
/// chain reads) at once.
const REPAIRS_PER_ROUND: usize = 64;
/// Shards of one content rebuilt at once.
const REPAIRS_AT_ONCE: usize = 4;

/// Shards deleted at most per block, so that a large release never holds up the watcher.
const RELEASE_PER_BLOCK: usize = 64;

/// Deletes the stored shards that have not been assigned to this node for `delay`, nor stored
/// again since: the content was removed, or the chain moved the shard to another node. The
/// assignments are read afresh first, so a stale read never deletes a shard still placed here.
fn release_unassigned(state: &State, watch: &mut Watch, delay: Duration) -> Result<(), BoxError> {
	let now = Instant::now();
	let due: Vec<ShardHash> = watch
		.unassigned_since
		.iter()
		.filter(|(hash, since)| {
			now.duration_since(**since) >= delay && state.store.age(hash).is_none_or(|a| a >= delay)
		})
		.map(|(hash, _)| *hash)
		.take(RELEASE_PER_BLOCK)
		.collect();
	if due.is_empty() {
		return Ok(());
	}
	watch.assignments = state.chain.assignments(&state.me)?;
	let assigned: HashSet<ShardHash> = watch.assignments.iter().map(|a| a.shard_hash).collect();
	for hash in due {
		if assigned.contains(&hash) {
			watch.unassigned_since.remove(&hash);
			continue;
		}
		match state.store.delete(&hash) {
			Ok(freed) => {
				state.metrics.shards_released.inc();
				tracing::info!(
					target: "masternode",
					"released shard {} ({freed} bytes): no longer assigned to this node",
					hex::encode(hash)
				);
				watch.unassigned_since.remove(&hash);
			}
			Err(e) => {
				tracing::warn!(target: "masternode", "cannot delete shard {}: {e}", hex::encode(hash))
			}
		}
	}
	Ok(())
}

/// Submits an audit answer and waits for its outcome; an answer that does not get in is
/// forgotten, so that the next look at the chain answers again while the audit is open.
async fn answer_audit(state: Arc<State>, answered: Arc<Mutex<HashSet<u64>>>, id: u64, call: Call) {
	match state.chain.submit_included(call, &state.signer).await {
		Ok(at) => {
			state.metrics.audits_answered.inc();
			tracing::info!(target: "masternode", "answered audit {id} in block {:?}", at.block)
		}
		Err(e) => {
			state.metrics.audits_failed.inc();
			tracing::warn!(target: "masternode", "cannot answer audit {id}: {e}");
			answered.lock().expect("not poisoned").remove(&id);
		}
	}
}

/// Rebuilds `batch`, assigned shards of content `id`, [`REPAIRS_AT_ONCE`] at a time, with the
/// content's record read once; none while the content is still being uploaded (its creator is
/// pushing the shards). Each is then no longer being repaired, rebuilt or not.
async fn repair_content(
	state: Arc<State>,
	repairing: Arc<Mutex<HashSet<ShardHash>>>,
	id: ContentId,
	batch: Vec<Assignment>,
) {
	let chain = state.chain.clone();
	let content = match tokio::task::spawn_blocking(move || chain.content(&id)).await {
		Ok(Ok(Some(content))) if content.info.status != Status::Uploading => Some(content),
		Ok(Ok(Some(_))) => {
			tracing::debug!(target: "masternode", "{} is still uploading: its creator pushes the shards", short(&id));
			None
		}
		Ok(Ok(None)) => None,
		Ok(Err(e)) => {
			tracing::warn!(target: "masternode", "cannot read {} to rebuild its shards: {e}", short(&id));
			None
		}
		Err(e) => {
			tracing::warn!(target: "masternode", "cannot read {} to rebuild its shards: {e}", short(&id));
			None
		}
	};
	if let Some(content) = content.map(Arc::new) {
		futures::stream::iter(batch.iter().cloned())
			.for_each_concurrent(REPAIRS_AT_ONCE, |a| {
				let (state, content) = (state.clone(), content.clone());
				async move {
					let what = format!(
						"shard {} of segment {} of {}",
						a.shard,
						a.segment,
						short(&a.content)
					);
					if let Err(e) = repair(state, a, &content).await {
						tracing::warn!(target: "masternode", "cannot rebuild {what} yet: {e}");
					}
				}
			})
			.await;
	}
	let mut repairing = repairing.lock().expect("not poisoned");
	for a in &batch {
		repairing.remove(&a.shard_hash);
	}
}

/// Rebuilds an assigned shard from `k` other holders of its segment.
async fn repair(state: Arc<State>, a: Assignment, content: &Content) -> Result<(), BoxError> {
	let manifest = directory::manifest(content);
	let seg = content.segments.get(a.segment as usize).ok_or("no such segment")?;
	if seg.holders.get(usize::from(a.shard)) != Some(&state.me) {
		return Ok(());
	}
	let directory = state.directory.read().expect("not poisoned").clone();
	let mut asks: FuturesUnordered<_> = seg
		.holders
		.iter()
		.enumerate()
		.filter(|(i, holder)| *i != usize::from(a.shard) && **holder != state.me)
		.filter_map(|(i, holder)| directory.get(holder).map(|p| (i as u8, p.clone())))
		.map(|(i, peer)| {
			let net = state.net.clone();
			let request = Request::Get { content: a.content, segment: a.segment, shard: i };
			async move { (i, net.request(peer.id, peer.addresses, request).await) }
		})
		.collect();
	let mut shards = Vec::new();
	while let Some((i, answer)) = asks.next().await {
		if let Ok(Response::Shard(data)) = answer {
			if pop_codec::verify_shard(&manifest, a.segment, i, &data) {
				shards.push((i, data));
				if shards.len() == usize::from(manifest.manifest.k) {
					break;
				}
			}
		}
	}
	let from = shards.len();
	let refs: Vec<(u8, &[u8])> = shards.iter().map(|(i, d)| (*i, d.as_slice())).collect();
	let shard = pop_codec::rebuild_shard(&manifest, a.segment, a.shard, &refs)?;
	state.store.put(&a.shard_hash, &shard)?;
	state.metrics.shards_rebuilt.inc();
	tracing::info!(
		target: "masternode",
		"rebuilt shard {} of segment {} of {} from {from} holders",
		a.shard, a.segment, short(&a.content)
	);
	Ok(())
}

/// Waits until the chain node at `url` answers and has built block 1: transactions are checked
/// against block 0's hash, which the runtime records only while building block 1.
pub async fn wait_for_chain(chain: &Chain, url: &str) {
	for attempt in 0u64.. {
		let c = chain.clone();
		match tokio::task::spawn_blocking(move || c.best_number()).await {
			Ok(Ok(best)) if best >= 1 => break,
			Ok(Ok(_)) if attempt % 10 == 0 => {
				tracing::info!(target: "swarm", "waiting for the chain's first block")
			}
			Ok(Err(e)) if attempt % 10 == 0 => {
				tracing::info!(target: "swarm", "waiting for the chain node at {url}: {e}")
			}
			_ => {}
		}
		tokio::time::sleep(POLL).await;
	}
}

/// Runs the daemon until the process is stopped.
pub async fn run(config: Config) -> Result<(), BoxError> {
	std::fs::create_dir_all(&config.base_path)?;
	let keypair = identity(&config.base_path.join("node-key"))?;
	let store = ShardStore::open(&config.base_path.join("store"), config.capacity)?;
	tracing::info!(
		target: "masternode",
		"shard store at {} ({} bytes used of {})",
		config.base_path.join("store").display(), store.used(), config.capacity
	);
	let network = Network::start(NetConfig {
		keypair,
		listen: config.listen.clone(),
		server: true,
		pbft: false,
	})
	.await?;
	let Network { handle: net, mut inbound, listening, .. } = network;
	let peer_id = net.peer_id();
	let public = if config.public.is_empty() { listening } else { config.public.clone() };
	let chain = Chain::new(&config.chain_rpc);
	// SIGTERM or Ctrl-C from here on stops the daemon cleanly, also while it waits for its node.
	let shutdown = crate::shutdown_signal();
	tokio::pin!(shutdown);
	tokio::select! {
		_ = wait_for_chain(&chain, &config.chain_rpc) => {}
		signal = &mut shutdown => {
			tracing::info!(target: "masternode", "{signal}: stopping before the chain node answered");
			return Ok(());
		}
	}
	let registry = crate::metrics::registry();
	let metrics = MasternodeMetrics::register(&registry)?;
	if let Some((port, external)) = config.prometheus {
		crate::metrics::serve(port, external, registry);
	}
	let http = match &config.http {
		Some((http, announce)) => {
			let server = crate::http::HttpServer::bind(http).await?;
			let announce = match announce {
				Some(a) if directory::http_url(a).is_none() => {
					return Err(format!("--http-public {a} is not an HTTP endpoint: end it with /http or /https (/dns4/mn.example.org/tcp/443/https)").into())
				}
				Some(a) => a.clone(),
				None => directory::http_multiaddr(server.local_addr, server.is_tls(), &public)
					.ok_or("the HTTP endpoint listens on every interface: give the address to register with --http-public")?,
			};
			tracing::info!(target: "masternode", "serving shards to browsers at {} (registered as {announce})", directory::http_url(&announce).unwrap_or_default());
			Some((server, announce))
		}
		None => None,
	};
	let mut public = public;
	public.extend(http.as_ref().map(|(_, a)| a.clone()));
	let terms = (config.region, config.capacity, config.bond);
	ensure_registered(&chain, &config.signer, &peer_id, &public, terms).await?;
	let state = Arc::new(State {
		chain,
		store,
		me: config.signer.public().into(),
		signer: config.signer.clone(),
		net: net.clone(),
		directory: RwLock::new(HashMap::new()),
		trusted_peers: RwLock::new(HashSet::new()),
		contents: Mutex::new(HashMap::new()),
		held: RwLock::new(HashSet::new()),
		unknown: Mutex::new(NegativeCache::new(UNKNOWN_TTL)),
		share: Mutex::new(ByteShare::new(PEER_SHARE, 2 * PEER_SHARE)),
		http_share: Mutex::new(ByteShare::new(PEER_SHARE, 2 * PEER_SHARE)),
		reads: Mutex::new(ReadBudget::new(READS_PER_SECOND, 2 * READS_PER_SECOND)),
		metrics,
		tamper: config.tamper.clone(),
	});

	// What this node holds, before the first request: a restarted node serves at once.
	{
		let st = state.clone();
		match tokio::task::spawn_blocking(move || st.chain.assignments(&st.me)).await? {
			Ok(assignments) => {
				*state.held.write().expect("not poisoned") =
					assignments.iter().map(|a| a.content).collect()
			}
			Err(e) => {
				tracing::warn!(target: "masternode", "cannot read this node's shards yet: {e}")
			}
		}
	}

	// The chain watcher.
	{
		let state = state.clone();
		let delays = (config.repair_delay, config.release_delay);
		tokio::spawn(async move {
			let repairing = Arc::new(Mutex::new(HashSet::<ShardHash>::new()));
			let mut watch = Watch::default();
			// Woken by each new best block, not by a clock: an idle chain costs one read of
			// the block's events.
			let mut heads = state.chain.heads();
			loop {
				let head = heads.next().await;
				let st = state.clone();
				let result = tokio::task::spawn_blocking(move || {
					let due = watch_chain(&st, &mut watch, head, delays);
					st.metrics.chain.observe(&due);
					(watch, due)
				})
				.await;
				let due = match result {
					Ok((w, due)) => {
						watch = w;
						due
					}
					Err(e) => {
						tracing::error!(target: "masternode", "the chain watcher failed: {e}");
						watch = Watch::default();
						continue;
					}
				};
				let Work { repairs, proofs } = match due {
					Ok(work) => work,
					Err(e) => {
						tracing::warn!(target: "masternode", "cannot read the chain: {e}");
						continue;
					}
				};
				for (id, call) in proofs {
					tokio::spawn(answer_audit(state.clone(), watch.answered.clone(), id, call));
				}
				// At most REPAIRS_PER_ROUND shards a look, grouped by content: each content's
				// record is read once for all of its shards (a long one is megabytes), and its
				// shards are rebuilt a few at a time.
				let mut batches: HashMap<ContentId, Vec<Assignment>> = HashMap::new();
				let mut handed = 0;
				for a in repairs {
					if handed == REPAIRS_PER_ROUND {
						break;
					}
					if !repairing.lock().expect("not poisoned").insert(a.shard_hash) {
						continue;
					}
					handed += 1;
					batches.entry(a.content).or_default().push(a);
				}
				for (id, batch) in batches {
					let (state, repairing) = (state.clone(), repairing.clone());
					tokio::spawn(repair_content(state, repairing, id, batch));
				}
			}
		});
	}

	tracing::info!(target: "masternode", "serving shards as {peer_id}");
	let viewers = Arc::new(tokio::sync::Semaphore::new(VIEWER_WORKERS));
	if let Some((server, _)) = http {
		tokio::spawn(server.serve(state.clone(), viewers.clone()));
	}
	let peers = Arc::new(tokio::sync::Semaphore::new(PEER_WORKERS));
	loop {
		tokio::select! {
			request = inbound.recv() => {
				let Some(Inbound { id, peer, request }) = request else { break };
				// Turned away at once when the workers for its kind of peer are all taken:
				// a queue would only make every request late.
				let pool = if state.is_trusted(&peer) { &peers } else { &viewers };
				let Ok(permit) = pool.clone().try_acquire_owned() else {
					let kind = if matches!(request, Request::Get { .. }) { "get" } else { "put" };
					state.metrics.request(kind, "Busy", Duration::ZERO, 0);
					tracing::debug!(target: "masternode", "turned a {kind} from {peer} away: every worker for its kind of peer is busy");
					state.net.respond(id, Response::Refused(Refusal::Busy));
					continue;
				};
				let state = state.clone();
				tokio::spawn(async move {
					let _permit = permit;
					let what = format!("{request:?}");
					let (kind, bytes_in) = match &request {
						Request::Get { .. } => ("get", 0),
						Request::Put { data, .. } => ("put", data.len()),
					};
					let st = state.clone();
					let started = Instant::now();
					let response = tokio::task::spawn_blocking(move || st.answer(peer, request))
						.await
						.unwrap_or(Response::Refused(Refusal::Busy));
					let (outcome, bytes_out) = match &response {
						Response::Shard(data) => ("ok".to_string(), data.len()),
						Response::Stored => {
							state.metrics.bytes_received.inc_by(bytes_in as u64);
							("ok".to_string(), 0)
						}
						Response::Refused(why) => (format!("{why:?}"), 0),
					};
					state.metrics.request(kind, &outcome, started.elapsed(), bytes_out);
					if let Response::Refused(why) = &response {
						tracing::debug!(target: "masternode", "refused {what} from {peer}: {why}");
					}
					state.net.respond(id, response);
				});
			}
			signal = &mut shutdown => {
				tracing::info!(target: "masternode", "{signal}: stopping");
				break;
			}
		}
	}
	Ok(())
}
