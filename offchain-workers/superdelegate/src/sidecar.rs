//! The sidecar: the chain's era, moderation set and pending content in; each content's own
//! review to this member's replica; the set's pBFT over [`crate::mesh`]; certificates back to
//! the chain.
//!
//! One task owns the replica. A watcher reads the chain every second; reviews run as their own
//! tasks and report back; certificates are submitted by one member first and by the others,
//! one after another, only if the content is still pending some seconds later, so that the
//! set does not pay for the same certificate N times.

use crate::{
	mesh::{Member, Mesh},
	metrics::SidecarMetrics,
	persist::{SentView, SentViewFile},
	review::{review, MemberKey, Outcome},
	tamper::{MemberSigner, Tamper},
};
use pop_chain_client::{
	calls,
	error::{ContentError, SdposError},
	types::Status,
	Chain, ChainEvent, Content, RpcError, Superdelegate,
};
use pop_moderation::Moderator;
use pop_pbft::{
	Certificate, Config as PbftConfig, ContentId, Ed25519, Event, Replica, ReplicaIndex, Verdict,
};
use pop_primitives::{AccountId, Balance};
use pop_swarm::{
	client::Client,
	directory,
	network::{NetConfig, NetHandle, Network},
	Keypair, Multiaddr, PeerId,
};
use sp_core::{ed25519, sr25519, Pair};
use std::{
	collections::{HashMap, HashSet},
	path::PathBuf,
	sync::Arc,
	time::{Duration, Instant},
};
use tokio::sync::mpsc;

/// Any error, boxed, for `main`.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Every this many blocks the chain watcher reads the era, the set and pending content anew,
/// whatever the blocks' events said.
const FULL_REFRESH_BLOCKS: u32 = 30;
/// How long each member after the first waits before submitting a certificate itself.
const SUBMIT_STAGGER: Duration = Duration::from_secs(8);
/// How long a review that could not finish waits before it is tried again.
const REVIEW_RETRY: Duration = Duration::from_secs(3);
/// Reviews in flight at once (each holds its media and runs the model).
const MAX_REVIEWS: usize = 2;

/// How the sidecar is run.
pub struct Config {
	/// The chain node's HTTP JSON-RPC endpoint.
	pub chain_rpc: String,
	/// The superdelegate's account: it publishes the sidecar's peer id and addresses and pays
	/// (from its fee quota) for the certificates it submits.
	pub signer: sr25519::Pair,
	/// The moderation key registered on chain: signs votes, pBFT messages and verdicts, and
	/// opens the content keys creators release to the set.
	pub moderation: ed25519::Pair,
	/// Where the libp2p identity and the replica's sending record live.
	pub base_path: PathBuf,
	/// Multiaddrs to listen on.
	pub listen: Vec<Multiaddr>,
	/// Multiaddrs to publish on chain instead of the listening ones.
	pub public: Vec<Multiaddr>,
	/// The model, hash bank and policy.
	pub moderator: Moderator,
	/// Where to serve Prometheus metrics, if anywhere: the port, and whether on every interface.
	pub prometheus: Option<(u16, bool)>,
	/// When the account is not a registered superdelegate yet: register it with this bond
	/// (its moderation key, peer id and addresses, proven). `None`: refuse to start.
	pub register_bond: Option<Balance>,
	/// Rewrites what this member sends ([`crate::tamper`]); `None` in the binary.
	pub tamper: Option<Box<dyn Tamper>>,
}

/// The chain as one poll saw it.
struct ChainView {
	era: u32,
	set: Vec<(AccountId, Superdelegate)>,
	/// Content pending a first verdict (needs-review content waits for people, not for the
	/// set's model).
	pending: Vec<Content>,
}

fn read_chain(chain: &Chain) -> Result<ChainView, RpcError> {
	let (era, set) = chain.superdelegates()?;
	let mut pending = Vec::new();
	for id in chain.pending()? {
		if let Some(content) = chain.content(&id)? {
			if content.info.status == Status::Pending {
				pending.push(content);
			}
		}
	}
	Ok(ChainView { era, set, pending })
}

/// Publishes this sidecar's peer id and addresses (and the moderation key) in the
/// superdelegate's record, unless the current set already shows them.
async fn publish_identity(
	chain: &Chain,
	signer: &sr25519::Pair,
	moderation: &ed25519::Pair,
	peer_key: &Keypair,
	addresses: &[Multiaddr],
	register_bond: Option<Balance>,
) -> Result<(), BoxError> {
	let me: AccountId = signer.public().into();
	let moderation_key = moderation.public().0;
	let peer_id = peer_key.public().to_peer_id();
	let peer_id = &peer_id;
	let (peer, addrs) = directory::on_chain(peer_id, addresses)?;
	let shown = |set: &[(AccountId, Superdelegate)]| {
		set.iter().any(|(who, s)| {
			*who == me
				&& s.moderation_key == moderation_key
				&& s.peer_id == peer
				&& s.addresses == addrs
		})
	};
	let read = || {
		let c = chain.clone();
		async move {
			tokio::task::spawn_blocking(move || c.superdelegates())
				.await
				.map_err(|e| RpcError::Transport(e.to_string()))?
		}
	};
	if shown(&read().await?.1) {
		tracing::info!(target: "superdelegate", "{me} is in the moderation set at {addresses:?}");
		return Ok(());
	}
	// The proof that this account holds both keys, for this chain.
	let c = chain.clone();
	let genesis = tokio::task::spawn_blocking(move || c.genesis_hash())
		.await
		.map_err(|e| RpcError::Transport(e.to_string()))??;
	let statement = calls::identity_statement(&genesis, &me);
	let peer_signature: [u8; 64] = peer_key
		.sign(&statement)?
		.try_into()
		.map_err(|_| "the sidecar's libp2p key is not an ed25519 key")?;
	let proof = calls::IdentityProof {
		moderation: moderation.sign(&statement).0,
		peer: Some(peer_signature),
	};
	let call =
		calls::update_superdelegate(moderation_key, peer.clone(), addrs.clone(), proof.clone());
	tracing::info!(target: "superdelegate", "publishing peer id {peer_id} and {addresses:?} for {me}");
	match chain.submit_included(call, signer).await {
		Ok(_) => {}
		Err(e) if e.sdpos().is_some_and(|e| matches!(e, SdposError::NotSuperdelegate)) => {
			let Some(bond) = register_bond else {
				return Err(format!(
					"{me} is not a registered superdelegate: start the sidecar once with \
					 --register-bond POP to register it with this moderation key"
				)
				.into());
			};
			tracing::info!(
				target: "superdelegate",
				"registering {me} as a superdelegate with a bond of {} POP",
				bond / pop_primitives::currency::POP
			);
			let call = calls::register_superdelegate(
				bond,
				moderation_key,
				peer.clone(),
				addrs.clone(),
				proof,
			);
			chain.submit_included(call, signer).await?;
		}
		Err(e) => return Err(e.into()),
	}
	let start = Instant::now();
	while start.elapsed() < Duration::from_secs(60) {
		let (era, set) = read().await?;
		if shown(&set) {
			tracing::info!(target: "superdelegate", "{me} published; in the moderation set of era {era}");
			return Ok(());
		}
		if start.elapsed() > Duration::from_secs(15) {
			if !set.iter().any(|(who, _)| *who == me) {
				tracing::info!(
					target: "superdelegate",
					"{me} is not in era {era}'s moderation set: waiting to be elected"
				);
			} else {
				// A member's new key or peer id waits for the era boundary.
				tracing::info!(
					target: "superdelegate",
					"{me}'s new moderation key or peer id takes effect in era {}",
					era + 1
				);
			}
			return Ok(());
		}
		tokio::time::sleep(Duration::from_secs(1)).await;
	}
	Err("the superdelegate record was not updated within 60 s; see the chain node's log".into())
}

/// The replica of the era this member belongs to, with its mesh.
struct Seat {
	replica: Replica,
	mesh: Mesh,
	era: u32,
	keys: Vec<[u8; 32]>,
	peers: Vec<(Vec<u8>, Vec<Vec<u8>>)>,
}

struct Sidecar {
	/// The chain's genesis hash, which every pBFT message and verdict signature covers.
	genesis: [u8; 32],
	metrics: SidecarMetrics,
	start: Instant,
	net: NetHandle,
	chain: Chain,
	client: Arc<Client>,
	moderator: Arc<Moderator>,
	member: Arc<MemberKey>,
	moderation: ed25519::Pair,
	signer: sr25519::Pair,
	sent: SentViewFile,
	current: Option<Seat>,
	/// Pending content as last read.
	pending: HashMap<ContentId, Content>,
	/// This member's own verdicts.
	verdicts: HashMap<ContentId, (Verdict, Option<u32>)>,
	reviewing: HashSet<ContentId>,
	retry_at: HashMap<ContentId, Instant>,
	waiting_why: HashMap<ContentId, String>,
	submissions: Vec<(Instant, Certificate)>,
	reviews: mpsc::UnboundedSender<(u64, ContentId, Outcome)>,
	/// Counts the sets seen: a review started under an earlier set is not used.
	generation: u64,
	/// The era last reported as one this member is not in.
	idle_in: Option<u32>,
	tamper: Option<Box<dyn Tamper>>,
}

fn short(id: &ContentId) -> String {
	format!("0x{}…", hex::encode(&id[..6]))
}

impl Sidecar {
	fn now(&self) -> u64 {
		self.start.elapsed().as_millis() as u64
	}

	fn members(&self, set: &[(AccountId, Superdelegate)]) -> Vec<Member> {
		set.iter()
			.map(|(who, s)| match PeerId::from_bytes(&s.peer_id) {
				Ok(peer) => Member { peer, addresses: directory::addresses(&s.addresses) },
				Err(_) => {
					tracing::debug!(target: "superdelegate", "{who} has published no peer id yet");
					// Nobody answers to a random id: messages to it are lost, as to a member
					// that is down.
					Member { peer: PeerId::random(), addresses: Vec::new() }
				}
			})
			.collect()
	}

	/// Takes in one poll of the chain.
	fn on_chain(&mut self, view: ChainView) {
		let keys: Vec<[u8; 32]> = view.set.iter().map(|(_, s)| s.moderation_key).collect();
		let peers: Vec<(Vec<u8>, Vec<Vec<u8>>)> = view
			.set
			.iter()
			.map(|(_, s)| (s.peer_id.to_vec(), s.addresses.iter().map(|a| a.to_vec()).collect()))
			.collect();
		let same_era = self.current.as_ref().is_some_and(|c| c.era == view.era && c.keys == keys);
		if self.current.as_ref().is_none_or(|c| c.keys != keys) {
			// A new set: review again, so that keys released to the old set are re-sealed for
			// this one (see `review`); reviews under way for the old set no longer count.
			self.verdicts.clear();
			self.reviewing.clear();
			self.generation += 1;
		}
		if !same_era {
			self.start_era(view.era, keys, peers, &view.set);
		} else if self.current.as_ref().is_some_and(|c| c.peers != peers) {
			// A member published a new address: same replica, new routes.
			let members = self.members(&view.set);
			if let Some(c) = self.current.as_mut() {
				c.mesh = Mesh::new(self.net.clone(), members, c.replica.index());
				c.peers = peers;
			}
		}

		let now_pending: HashMap<ContentId, Content> =
			view.pending.into_iter().map(|c| (c.id, c)).collect();
		for id in self.pending.keys().filter(|id| !now_pending.contains_key(*id)) {
			if let Some(c) = self.current.as_mut() {
				c.replica.forget(id);
			}
			self.verdicts.remove(id);
			self.retry_at.remove(id);
			self.waiting_why.remove(id);
		}
		let now = self.now();
		for id in now_pending.keys().filter(|id| !self.pending.contains_key(*id)) {
			tracing::info!(target: "superdelegate", "content {} is pending moderation", short(id));
			if let Some(c) = self.current.as_mut() {
				c.replica.watch(*id);
				if let Some((v, score)) = self.verdicts.get(id) {
					c.replica.score(now, *id, *v, *score);
				}
			}
		}
		self.pending = now_pending;
		self.start_reviews();
	}

	fn start_era(
		&mut self,
		era: u32,
		keys: Vec<[u8; 32]>,
		peers: Vec<(Vec<u8>, Vec<Vec<u8>>)>,
		set: &[(AccountId, Superdelegate)],
	) {
		let Some(me) = keys.iter().position(|k| *k == self.member.public) else {
			self.current = None;
			if self.idle_in != Some(era) {
				self.idle_in = Some(era);
				tracing::info!(
					target: "superdelegate",
					"not in era {era}'s moderation set ({} members): idle", keys.len()
				);
			}
			return;
		};
		let me = me as ReplicaIndex;
		let sent_view = match self.sent.load_for(era) {
			Ok(v) => v,
			Err(e) => {
				// Unknown: it may have sent in any view so far. Passive until a view no one
				// can have seen it send in — far beyond any view of the era — and the record
				// rewritten to say so, so that the next era starts afresh.
				tracing::error!(target: "superdelegate", "sending record unreadable ({e}): passive until the next era");
				let passive = u64::MAX / 2;
				if let Err(e) = self.sent.store(SentView { era, view: passive }) {
					tracing::error!(target: "superdelegate", "cannot rewrite the sending record: {e}");
				}
				Some(passive)
			}
		};
		let cfg = PbftConfig::new(self.genesis, era, keys.clone(), self.moderator.model_hash());
		tracing::info!(
			target: "superdelegate",
			"era {era}: member {me} of {} (f = {}, certificates need {}){}",
			cfg.n(), cfg.f(), cfg.quorum(),
			if sent_view.is_some() { ", recovering after a restart" } else { "" }
		);
		let mut replica = Replica::recover(
			cfg,
			me,
			Box::new(self.moderation),
			Arc::new(Ed25519),
			self.now(),
			sent_view,
		);
		let now = self.now();
		for id in self.pending.keys() {
			replica.watch(*id);
			if let Some((v, score)) = self.verdicts.get(id) {
				replica.score(now, *id, *v, *score);
			}
		}
		let mesh = Mesh::new(self.net.clone(), self.members(set), me);
		self.current = Some(Seat { replica, mesh, era, keys, peers });
	}

	fn start_reviews(&mut self) {
		// Only members review: others' votes would count for nothing.
		if self.current.is_none() {
			return;
		}
		let now = Instant::now();
		let room = MAX_REVIEWS.saturating_sub(self.reviewing.len());
		let due: Vec<Content> = self
			.pending
			.values()
			.filter(|c| !self.verdicts.contains_key(&c.id) && !self.reviewing.contains(&c.id))
			.filter(|c| self.retry_at.get(&c.id).is_none_or(|at| *at <= now))
			.take(room)
			.cloned()
			.collect();
		let set = self.current.as_ref().map(|c| c.keys.clone()).unwrap_or_default();
		for content in due {
			self.reviewing.insert(content.id);
			let (client, moderator, member, tx, set, generation) = (
				self.client.clone(),
				self.moderator.clone(),
				self.member.clone(),
				self.reviews.clone(),
				set.clone(),
				self.generation,
			);
			tokio::spawn(async move {
				let outcome = review(&client, moderator, &member, &set, &content).await;
				let _ = tx.send((generation, content.id, outcome));
			});
		}
	}

	fn on_review(&mut self, generation: u64, id: ContentId, outcome: Outcome) {
		if generation != self.generation {
			return;
		}
		self.reviewing.remove(&id);
		let pending = self.pending.contains_key(&id);
		match outcome {
			Outcome::Assessed(a) => {
				tracing::info!(
					target: "superdelegate",
					"content {}: {:?}: {}", short(&id), a.verdict, a.reason
				);
				self.metrics.reviews.with_label_values(&[&format!("{:?}", a.verdict)]).inc();
				if !pending {
					return;
				}
				let score = a.score.map(pop_primitives::content::score_ppm);
				self.verdicts.insert(id, (a.verdict, score));
				let now = self.now();
				if let Some(c) = self.current.as_mut() {
					c.replica.score(now, id, a.verdict, score);
				}
			}
			Outcome::NotYet(_) if !pending => {}
			Outcome::NotYet(why) => {
				if self.waiting_why.get(&id) != Some(&why) {
					tracing::info!(target: "superdelegate", "content {}: waiting: {why}", short(&id));
					self.waiting_why.insert(id, why);
				}
				self.retry_at.insert(id, Instant::now() + REVIEW_RETRY);
			}
		}
	}

	/// Sends what the replica wants sent — after recording durably the view it sends in — and
	/// acts on what happened. A view that cannot be recorded stops the sidecar: the replica
	/// would go on sending in it (retransmissions too), and a restart could then contradict
	/// what it sent.
	fn flush(&mut self) -> Result<(), BoxError> {
		let Some(c) = self.current.as_mut() else { return Ok(()) };
		let (out, events) = c.replica.drain();
		for event in &events {
			if let Event::SendingInView(view) = event {
				self.sent.store(SentView { era: c.era, view: *view }).map_err(|e| {
					format!("cannot record the view sent in ({e}); stopping before sending in it")
				})?;
			}
		}
		let (n, me) = (c.replica.config().n(), c.replica.index());
		let out = match self.tamper.as_mut() {
			Some(tamper) => {
				let signer = MemberSigner {
					genesis: self.genesis,
					era: c.era,
					me,
					n,
					key: &self.moderation,
				};
				tamper.outbound(out, &signer)
			}
			None => out,
		};
		c.mesh.send(out);
		for event in events {
			match event {
				Event::Executed { seq, content, verdict } => {
					self.metrics.decisions.with_label_values(&[&format!("{verdict:?}")]).inc();
					tracing::info!(
						target: "superdelegate",
						"the set agreed: content {} {verdict:?} (#{seq})", short(&content)
					)
				}
				Event::Certified(cert) => {
					// One member submits at once, the next one SUBMIT_STAGGER later if the
					// content is still pending, and so on round the set.
					let first = usize::from(cert.content[0]) % n;
					let turn = (usize::from(me) + n - first) % n;
					let at = Instant::now() + SUBMIT_STAGGER * turn as u32;
					tracing::info!(
						target: "superdelegate",
						"certificate for content {}: {:?} with {} signatures{}",
						short(&cert.content), cert.verdict, cert.signatures.len(),
						if turn == 0 { ", submitting".to_string() } else { format!(", submitting in {} s if still pending", (SUBMIT_STAGGER * turn as u32).as_secs()) }
					);
					self.submissions.push((at, cert));
				}
				Event::ViewChangeStarted(v) => {
					self.metrics.view_changes.inc();
					tracing::warn!(
						target: "superdelegate",
						"asking for view {v}: the primary is silent or faulty"
					)
				}
				Event::ViewEntered(v) => {
					self.metrics.view.set(v);
					tracing::info!(
						target: "superdelegate",
						"view {v}: member {} is primary", v % n as u64
					)
				}
				Event::Stable(seq) => {
					tracing::debug!(target: "superdelegate", "checkpoint {seq} stable")
				}
				Event::CaughtUp(seq) => tracing::info!(
					target: "superdelegate",
					"caught up with the set to #{seq}"
				),
				Event::Skipped { from, to } => tracing::info!(
					target: "superdelegate",
					"too far behind the set: adopted its history #{from}..=#{to} without executing it"
				),
				Event::SendingInView(_) => {}
			}
		}
		Ok(())
	}

	/// Submits the certificates whose turn came, for content still pending.
	fn submit_due(&mut self) {
		let now = Instant::now();
		let (due, later): (Vec<_>, Vec<_>) =
			std::mem::take(&mut self.submissions).into_iter().partition(|(at, _)| *at <= now);
		self.submissions = later;
		let Some((era, n)) = self.current.as_ref().map(|c| (c.era, c.keys.len() as u32)) else {
			return;
		};
		for (_, cert) in due {
			if !self.pending.contains_key(&cert.content) || cert.era != era {
				continue;
			}
			// Again after a full round of the set if it is still pending then (a transaction
			// can be dropped); certificates of an ended era are dropped instead.
			self.submissions.push((now + SUBMIT_STAGGER * n, cert.clone()));
			let (chain, signer, member) =
				(self.chain.clone(), self.signer.clone(), self.member.clone());
			let metrics = self.metrics.clone();
			tokio::spawn(async move {
				let _one_at_a_time = member.submitting.lock().await;
				submit(&chain, &signer, cert, &metrics).await
			});
		}
	}
}

async fn submit(
	chain: &Chain,
	signer: &sr25519::Pair,
	cert: Certificate,
	metrics: &SidecarMetrics,
) {
	let content = cert.content;
	let call = match calls::submit_verdict(
		content,
		cert.verdict,
		cert.model_hash,
		cert.era,
		cert.scores,
		cert.signatures,
	) {
		Ok(call) => call,
		Err(e) => {
			tracing::warn!(target: "superdelegate", "certificate for content {}: {e}", short(&content));
			return;
		}
	};
	let result = match chain.submit(call, signer).await {
		Ok(submitted) => {
			metrics.certificates_submitted.inc();
			tracing::info!(
				target: "superdelegate",
				"submitted the certificate for content {} ({:?})", short(&content), submitted.hash()
			);
			submitted.included().await
		}
		Err(e) => Err(e),
	};
	match result {
		Ok(at) => {
			metrics.certificates_included.inc();
			tracing::info!(
				target: "superdelegate",
				"the certificate for content {} is in block {:?}", short(&content), at.block
			)
		}
		Err(e) => match e.content() {
			Some(ContentError::AlreadyDecided) => tracing::info!(
				target: "superdelegate",
				"content {} was decided already", short(&content)
			),
			Some(ContentError::WrongEra) => tracing::info!(
				target: "superdelegate",
				"content {}: the era turned before the certificate landed; the new set decides it",
				short(&content)
			),
			_ => tracing::warn!(
				target: "superdelegate",
				"submitting the certificate for content {}: {e}", short(&content)
			),
		},
	}
}

/// Runs the sidecar until the process is stopped.
pub async fn run(config: Config) -> Result<(), BoxError> {
	std::fs::create_dir_all(&config.base_path)?;
	let keypair = pop_swarm::masternode::identity(&config.base_path.join("node-key"))?;
	let network = Network::start(NetConfig {
		keypair: keypair.clone(),
		listen: config.listen.clone(),
		server: false,
		pbft: true,
	})
	.await?;
	let Network { handle: net, pbft: mut inbound, listening, .. } = network;
	let public = if config.public.is_empty() { listening } else { config.public.clone() };
	let chain = Chain::new(&config.chain_rpc);
	// SIGTERM or Ctrl-C from here on stops the sidecar cleanly, also while it waits for its node.
	let shutdown = pop_swarm::shutdown_signal();
	tokio::pin!(shutdown);
	tokio::select! {
		_ = pop_swarm::masternode::wait_for_chain(&chain, &config.chain_rpc) => {}
		signal = &mut shutdown => {
			tracing::info!(target: "superdelegate", "{signal}: stopping before the chain node answered");
			return Ok(());
		}
	}
	publish_identity(
		&chain,
		&config.signer,
		&config.moderation,
		&keypair,
		&public,
		config.register_bond,
	)
	.await?;
	tracing::info!(
		target: "superdelegate",
		"moderating with model 0x{} (policy: {:?})",
		hex::encode(config.moderator.model_hash()),
		config.moderator.policy()
	);

	let registry = pop_swarm::metrics::registry();
	let metrics = SidecarMetrics::register(&registry)?;
	if let Some((port, external)) = config.prometheus {
		pop_swarm::metrics::serve(port, external, registry);
	}

	let c = chain.clone();
	let genesis = tokio::task::spawn_blocking(move || c.genesis_hash())
		.await
		.map_err(|e| RpcError::Transport(e.to_string()))??;
	let (reviews_tx, mut reviews) = mpsc::unbounded_channel();
	let mut sidecar = Sidecar {
		genesis,
		metrics: metrics.clone(),
		start: Instant::now(),
		client: Arc::new(Client::with_network(net.clone(), chain.clone())),
		net,
		chain: chain.clone(),
		moderator: Arc::new(config.moderator),
		member: Arc::new(MemberKey {
			seed: config.moderation.seed(),
			public: config.moderation.public().0,
			signer: config.signer.clone(),
			submitting: tokio::sync::Mutex::new(()),
		}),
		moderation: config.moderation,
		signer: config.signer,
		sent: SentViewFile::new(&config.base_path),
		current: None,
		pending: HashMap::new(),
		verdicts: HashMap::new(),
		reviewing: HashSet::new(),
		retry_at: HashMap::new(),
		waiting_why: HashMap::new(),
		submissions: Vec::new(),
		reviews: reviews_tx,
		generation: 0,
		idle_in: None,
		tamper: config.tamper,
	};

	// The chain watcher, woken by each new best block: it reads the era, the set and pending
	// content when the block's events touch them, while content is pending, after the node was
	// away, and every FULL_REFRESH_BLOCKS blocks. The node pushes each block's events with its
	// head, so an idle chain costs no request between those full reads.
	let (views_tx, mut views) = mpsc::channel(1);
	tokio::spawn(async move {
		let mut heads = chain.heads();
		let mut failing = false;
		let (mut last_read, mut pending) = (None::<u32>, false);
		loop {
			let head = heads.next().await;
			let c = chain.clone();
			let due = head.resumed
				|| pending || last_read
				.is_none_or(|at| head.number >= at + FULL_REFRESH_BLOCKS);
			let (hash, pushed) = (head.hash, head.events);
			let read = tokio::task::spawn_blocking(move || {
				let events = match pushed {
					_ if due => Vec::new(),
					Some(events) => events,
					None => c.events(hash)?,
				};
				let touched = due
					|| events
						.iter()
						.any(|e| matches!(e, ChainEvent::ModerationSet | ChainEvent::Content(_)));
				touched.then(|| read_chain(&c)).transpose()
			})
			.await;
			let read = match read {
				Ok(read) => read,
				Err(e) => Err(RpcError::Transport(e.to_string())),
			};
			metrics.chain.observe(&read);
			match read {
				Ok(None) => failing = false,
				Ok(Some(view)) => {
					failing = false;
					last_read = Some(head.number);
					pending = !view.pending.is_empty();
					if views_tx.send(view).await.is_err() {
						return;
					}
				}
				Err(e) => {
					last_read = None;
					if !failing {
						failing = true;
						tracing::warn!(target: "superdelegate", "cannot read the chain: {e}");
					}
				}
			}
		}
	});

	let mut tick = tokio::time::interval(Duration::from_millis(20));
	loop {
		tokio::select! {
			signal = &mut shutdown => {
				// What this member sent is on disk already (`flush` runs after every step):
				// a restart resumes from it, and submissions in flight were taken by the pool.
				sidecar.flush()?;
				tracing::info!(target: "superdelegate", "{signal}: stopping");
				return Ok(());
			},
			Some(view) = views.recv() => sidecar.on_chain(view),
			Some((generation, id, outcome)) = reviews.recv() => {
				sidecar.on_review(generation, id, outcome);
				sidecar.start_reviews();
			},
			Some((peer, bytes)) = inbound.recv() => {
				let now = sidecar.now();
				if let Some(c) = sidecar.current.as_mut() {
					match c.mesh.accept(peer, &bytes) {
						Ok(signed) => {
							if let Err(why) = c.replica.handle(now, signed) {
								sidecar.metrics.refused.with_label_values(&[why.kind()]).inc();
								tracing::trace!(target: "pbft", "a message from {peer} was refused: {why:?}");
							}
						},
						Err(why) => {
							sidecar.metrics.refused.with_label_values(&[why.kind()]).inc();
							tracing::debug!(target: "pbft", "dropped a message: {why:?}")
						},
					}
				}
			},
			_ = tick.tick() => {
				let now = sidecar.now();
				if let Some(c) = sidecar.current.as_mut() {
					c.replica.tick(now);
				}
				sidecar.submit_due();
			},
		}
		sidecar.flush()?;
	}
}
