//! The masternode daemon: registers on chain, stores the shards placed on it, serves them,
//! answers storage audits, and rebuilds shards the chain moves to it from `k` other holders.

use crate::{
	directory::{self, Peer},
	network::{Inbound, NetConfig, NetHandle, Network},
	protocol::{short, Refusal, Request, Response},
	store::{ShardStore, StoreError},
};
use futures::{stream::FuturesUnordered, StreamExt};
use libp2p::{identity::Keypair, Multiaddr, PeerId};
use pallet_content::{Assignment, Status};
use pop_chain_client::{Chain, Content};
use pop_primitives::{
	content::{chunk_data, chunk_proof, ContentId, ShardHash},
	AccountId, Balance,
};
use pop_runtime::RuntimeCall;
use sp_core::{bounded::BoundedVec, sr25519, Pair};
use std::{
	collections::{HashMap, HashSet},
	io,
	path::{Path, PathBuf},
	sync::{Arc, Mutex, RwLock},
	time::{Duration, Instant},
};

/// A boxed error with a message an operator can act on.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// How often the daemon looks at the chain.
const POLL: Duration = Duration::from_secs(1);
/// Bytes of stored shards re-hashed per block, looking for damage.
const SCRUB_PER_BLOCK: u64 = 256 * 1024 * 1024;
/// How long a content record read for serving stays fresh.
const CONTENT_TTL: Duration = Duration::from_secs(6);
/// How old a cached record may be when a refusal depends on it.
const FRESH_ENOUGH: Duration = Duration::from_secs(1);

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
}

impl State {
	/// The content record, from the cache if fresh enough, else from the chain.
	fn content(&self, id: &ContentId, fresh: bool) -> Result<Option<Content>, Refusal> {
		self.content_within(id, if fresh { Duration::ZERO } else { CONTENT_TTL })
	}

	/// The content record, from the cache if read less than `max_age` ago, else from the chain.
	fn content_within(
		&self,
		id: &ContentId,
		max_age: Duration,
	) -> Result<Option<Content>, Refusal> {
		if let Some((at, content)) = self.contents.lock().expect("not poisoned").get(id) {
			if at.elapsed() < max_age {
				return Ok(Some(content.clone()));
			}
		}
		let content = self.chain.content(id).map_err(|e| {
			tracing::warn!(target: "masternode", "cannot read content from the chain: {e}");
			Refusal::ChainUnavailable
		})?;
		if let Some(c) = &content {
			self.contents.lock().expect("not poisoned").insert(*id, (Instant::now(), c.clone()));
		}
		Ok(content)
	}

	fn answer(&self, peer: PeerId, request: Request) -> Response {
		match request {
			Request::Get { content, segment, shard } => self.get(peer, content, segment, shard),
			Request::Put { content, segment, shard, data } => {
				self.put(content, segment, shard, &data)
			}
		}
		.unwrap_or_else(Response::Refused)
	}

	fn get(
		&self,
		peer: PeerId,
		id: ContentId,
		segment: u32,
		shard: u8,
	) -> Result<Response, Refusal> {
		let mut content = self.content(&id, false)?.ok_or(Refusal::UnknownContent)?;
		if content.info.status != Status::Approved
			&& !self.trusted_peers.read().expect("not poisoned").contains(&peer)
		{
			// The cached record may predate the approval: look again before refusing (at most
			// once a second per content, however many ask).
			content = self.content_within(&id, FRESH_ENOUGH)?.ok_or(Refusal::UnknownContent)?;
			if content.info.status != Status::Approved {
				return Err(Refusal::NotPublished);
			}
		}
		let hash = content
			.segments
			.get(segment as usize)
			.and_then(|s| s.shards.get(usize::from(shard)))
			.ok_or(Refusal::NoSuchShard)?;
		match self.store.get(hash) {
			Ok(data) => Ok(Response::Shard(data)),
			Err(StoreError::Missing | StoreError::Corrupt) => Err(Refusal::NotHeld),
			Err(e) => {
				tracing::error!(target: "masternode", "cannot read shard {}: {e}", hex::encode(hash));
				Err(Refusal::StorageFailure)
			}
		}
	}

	fn put(
		&self,
		id: ContentId,
		segment: u32,
		shard: u8,
		data: &[u8],
	) -> Result<Response, Refusal> {
		let content = self.content(&id, true)?.ok_or(Refusal::UnknownContent)?;
		let seg = content.segments.get(segment as usize).ok_or(Refusal::NoSuchShard)?;
		let hash = seg.shards.get(usize::from(shard)).ok_or(Refusal::NoSuchShard)?;
		if seg.holders.get(usize::from(shard)) != Some(&self.me) {
			return Err(Refusal::NotAssigned);
		}
		if data.len() != seg.shard_len as usize {
			return Err(Refusal::ShardMismatch);
		}
		match self.store.put(hash, data) {
			Ok(()) => {
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

/// Registers (or updates) the masternode on chain so that its record names this daemon.
fn ensure_registered(
	chain: &Chain,
	signer: &sr25519::Pair,
	peer_id: &PeerId,
	addresses: &[Multiaddr],
	(region, capacity, bond): ([u8; 2], u64, Balance),
) -> Result<(), BoxError> {
	let me: AccountId = signer.public().into();
	let (peer_bytes, addrs) = directory::on_chain(peer_id, addresses)?;
	let region = pallet_masternodes::Region(region);
	let current = chain.masternodes()?.into_iter().find(|(who, _)| *who == me);
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
		Some(_) => RuntimeCall::Masternodes(pallet_masternodes::Call::update {
			peer_id: peer_bytes.clone(),
			addresses: addrs.clone(),
			region,
			capacity,
		}),
		None => RuntimeCall::Masternodes(pallet_masternodes::Call::register {
			peer_id: peer_bytes.clone(),
			addresses: addrs.clone(),
			region,
			capacity,
			bond,
		}),
	};
	chain.submit(call, signer)?;
	tracing::info!(target: "masternode", "registering {me} with peer id {peer_id} at {addresses:?}");
	let start = Instant::now();
	while start.elapsed() < Duration::from_secs(90) {
		std::thread::sleep(POLL);
		let now = chain.masternodes()?.into_iter().find(|(who, _)| *who == me);
		if now.is_some_and(|(_, info)| info.peer_id == peer_bytes && info.addresses == addrs) {
			tracing::info!(target: "masternode", "registered as {me}");
			return Ok(());
		}
	}
	Err("the registration was not included within 90 s; see the chain node's log".into())
}

/// What the chain watcher remembers between blocks.
#[derive(Default)]
struct Watch {
	best: u32,
	missing_since: HashMap<ShardHash, Instant>,
	answered: HashSet<u64>,
	scrub_cursor: Option<ShardHash>,
}

/// One look at the chain at a new best block: the directory, audits, and the assigned shards
/// missing long enough to rebuild.
fn watch_chain(
	state: &State,
	watch: &mut Watch,
	repair_delay: Duration,
) -> Result<Vec<Assignment>, BoxError> {
	let best = state.chain.best_number()?;
	if best == watch.best {
		return Ok(Vec::new());
	}
	watch.best = best;
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

	// Damage found here is moved aside; the shard then counts as missing and is rebuilt.
	let (damaged, next) = state.store.scrub(watch.scrub_cursor, SCRUB_PER_BLOCK)?;
	watch.scrub_cursor = next;
	for hash in damaged {
		tracing::warn!(target: "masternode", "scrub: shard {} was damaged on disk", hex::encode(hash));
	}

	let assignments = state.chain.assignments(&state.me)?;
	for (id, audit) in state.chain.audits(&state.me)? {
		if watch.answered.contains(&id) {
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
			watch.answered.insert(id);
			continue;
		};
		let call = RuntimeCall::Content(pallet_content::Call::prove {
			audit: id,
			data: BoundedVec::truncate_from(data.to_vec()),
			proof: BoundedVec::truncate_from(proof),
		});
		match state.chain.submit(call, &state.signer) {
			Ok(_) => {
				tracing::info!(
					target: "masternode",
					"answered audit {id}: chunk {} of shard {} of segment {} of {}",
					audit.chunk, audit.shard, audit.segment, short(&audit.content)
				);
				watch.answered.insert(id);
			}
			Err(e) => tracing::warn!(target: "masternode", "cannot answer audit {id}: {e}"),
		}
	}

	let now = Instant::now();
	let mut due = Vec::new();
	let mut still_missing = HashMap::new();
	for a in assignments {
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
	Ok(due)
}

/// Rebuilds an assigned shard from `k` other holders of its segment.
async fn repair(state: Arc<State>, a: Assignment) -> Result<(), BoxError> {
	let chain = state.chain.clone();
	let id = a.content;
	let content = tokio::task::spawn_blocking(move || chain.content(&id))
		.await??
		.ok_or("the content is gone")?;
	let manifest = directory::manifest(&content);
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
				if shards.len() == usize::from(manifest.k) {
					break;
				}
			}
		}
	}
	let from = shards.len();
	let refs: Vec<(u8, &[u8])> = shards.iter().map(|(i, d)| (*i, d.as_slice())).collect();
	let shard = pop_codec::rebuild_shard(&manifest, a.segment, a.shard, &refs)?;
	state.store.put(&a.shard_hash, &shard)?;
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
	wait_for_chain(&chain, &config.chain_rpc).await;
	{
		let (chain, signer) = (chain.clone(), config.signer.clone());
		let terms = (config.region, config.capacity, config.bond);
		tokio::task::spawn_blocking(move || {
			ensure_registered(&chain, &signer, &peer_id, &public, terms)
		})
		.await??;
	}
	let state = Arc::new(State {
		chain,
		store,
		me: config.signer.public().into(),
		signer: config.signer.clone(),
		net: net.clone(),
		directory: RwLock::new(HashMap::new()),
		trusted_peers: RwLock::new(HashSet::new()),
		contents: Mutex::new(HashMap::new()),
	});

	// The chain watcher.
	{
		let state = state.clone();
		let repair_delay = config.repair_delay;
		tokio::spawn(async move {
			let repairing = Arc::new(Mutex::new(HashSet::<ShardHash>::new()));
			let mut watch = Watch::default();
			let mut ticker = tokio::time::interval(POLL);
			loop {
				ticker.tick().await;
				let st = state.clone();
				let result = tokio::task::spawn_blocking(move || {
					let due = watch_chain(&st, &mut watch, repair_delay);
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
				let due = match due {
					Ok(due) => due,
					Err(e) => {
						tracing::warn!(target: "masternode", "cannot read the chain: {e}");
						continue;
					}
				};
				for a in due {
					if !repairing.lock().expect("not poisoned").insert(a.shard_hash) {
						continue;
					}
					let (state, repairing) = (state.clone(), repairing.clone());
					tokio::spawn(async move {
						let hash = a.shard_hash;
						let what = format!(
							"shard {} of segment {} of {}",
							a.shard,
							a.segment,
							short(&a.content)
						);
						if let Err(e) = repair(state, a).await {
							tracing::warn!(target: "masternode", "cannot rebuild {what} yet: {e}");
						}
						repairing.lock().expect("not poisoned").remove(&hash);
					});
				}
			}
		});
	}

	tracing::info!(target: "masternode", "serving shards as {peer_id}");
	loop {
		tokio::select! {
			request = inbound.recv() => {
				let Some(Inbound { id, peer, request }) = request else { break };
				let state = state.clone();
				tokio::spawn(async move {
					let what = format!("{request:?}");
					let st = state.clone();
					let response = tokio::task::spawn_blocking(move || st.answer(peer, request))
						.await
						.unwrap_or(Response::Refused(Refusal::Busy));
					if let Response::Refused(why) = &response {
						tracing::debug!(target: "masternode", "refused {what} from {peer}: {why}");
					}
					state.net.respond(id, response);
				});
			}
			_ = tokio::signal::ctrl_c() => {
				tracing::info!(target: "masternode", "stopping");
				break;
			}
		}
	}
	Ok(())
}
