//! The creators' and viewers' side of the swarm: upload media (encode, register the manifest,
//! push every shard to the masternode the chain placed it on) and fetch it back (any `k` shards
//! of each segment, from the fastest holders, several segments ahead, verified, decrypted, in
//! order).

use crate::{
	directory::{self, Peer},
	holders::Holders,
	network::{NetConfig, NetError, NetHandle, Network},
	protocol::{Refusal, Request, Response},
};
use futures::StreamExt;
use libp2p::{identity::Keypair, PeerId};
use pop_chain_client::{
	calls::{self, Pricing},
	error::ContentError,
	types::{describe_fee, FeeSource, KeyRelease, Status},
	Chain, ChainError, Content, RpcError,
};
use pop_codec::{
	seal::{seal, SealContext},
	CodecError, ContentKey, EncodedSegment, Params, PartsParams,
};
use pop_primitives::{
	content::{ContentId, Layout, Packaging},
	AccountId,
};
use sp_core::sr25519;
use std::{
	collections::HashMap,
	fmt,
	sync::Arc,
	time::{Duration, Instant},
};

/// Shard pushes in flight during an upload.
const PUSHES_IN_FLIGHT: usize = 16;
/// Attempts per shard push when the masternode is not ready for it yet.
const PUSH_ATTEMPTS: u32 = 10;
/// Attempts to release a content key when the era turns under it.
const KEY_RELEASE_ATTEMPTS: u32 = 3;
/// How many times a shard request a holder found busy is sent to it again.
const BUSY_RETRIES: u32 = 4;
/// How long a registration may take to be included.
const REGISTER_TIMEOUT: Duration = Duration::from_secs(60);

/// What went wrong, in words a creator or viewer can act on.
#[derive(Debug)]
pub enum ClientError {
	/// The chain node failed or refused.
	Chain(ChainError),
	/// Encoding or decoding failed (a wrong key shows up here).
	Codec(CodecError),
	/// The network failed.
	Net(NetError),
	/// The chain has no such content.
	UnknownContent(ContentId),
	/// The content is not published: pending moderation, needing review, or rejected.
	NotPublished(ContentId, Status),
	/// The chain's record does not hash to the content id.
	ManifestMismatch(ContentId),
	/// The registration did not show up on chain in time.
	NotRegistered(ContentId),
	/// Some shards could not be pushed.
	Upload { failed: usize, total: usize, first: String },
	/// The content key could not be released to the moderation set.
	KeyRelease(String),
	/// The account cannot pay the fee: the estimate in words.
	Fee(String),
	/// Fewer than `k` holders of a segment answered with a valid shard: why each failed.
	Unavailable { segment: u32, valid: usize, needed: usize, reasons: Vec<String> },
	/// Writing the output failed.
	Io(std::io::Error),
	/// A seek the content cannot take: why.
	Seek(String),
	/// No proof that the segment is not one codeword: why (it is one, or shards are missing).
	NoInconsistency { segment: u32, why: String },
}

impl fmt::Display for ClientError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			Self::Chain(e) => write!(f, "chain: {e}"),
			Self::Codec(e) => write!(f, "{e}"),
			Self::Net(e) => write!(f, "network: {e}"),
			Self::UnknownContent(id) => write!(f, "unknown content 0x{}", hex::encode(id)),
			Self::NotPublished(id, status) => write!(
				f,
				"content 0x{} is not published ({status:?}): masternodes serve it once the \
				 moderation set approves it",
				hex::encode(id)
			),
			Self::ManifestMismatch(id) => {
				write!(f, "the chain's record of 0x{} does not match its id", hex::encode(id))
			}
			Self::NotRegistered(id) => write!(
				f,
				"content 0x{} was not registered within 60 s: see the chain node's log",
				hex::encode(id)
			),
			Self::Upload { failed, total, first } => write!(
				f,
				"{failed} of {total} shards could not be stored (first: {first}); run the upload \
				 again with the same key to retry them"
			),
			Self::Fee(fee) => write!(f, "the registration would cost {fee}"),
			Self::KeyRelease(why) => write!(
				f,
				"the content key could not be released to the moderation set ({why}); run the \
				 upload again with the same key to retry"
			),
			Self::Unavailable { segment, valid, needed, reasons } => write!(
				f,
				"segment {segment}: {valid} valid shards, {needed} needed; {}",
				reasons.join("; ")
			),
			Self::Io(e) => write!(f, "output: {e}"),
			Self::Seek(why) => write!(f, "cannot seek: {why}"),
			Self::NoInconsistency { segment, why } => {
				write!(f, "segment {segment} cannot be proven inconsistent: {why}")
			}
		}
	}
}

impl std::error::Error for ClientError {}

impl From<RpcError> for ClientError {
	fn from(e: RpcError) -> Self {
		Self::Chain(e.into())
	}
}
impl From<ChainError> for ClientError {
	fn from(e: ChainError) -> Self {
		Self::Chain(e)
	}
}
impl From<CodecError> for ClientError {
	fn from(e: CodecError) -> Self {
		Self::Codec(e)
	}
}
impl From<NetError> for ClientError {
	fn from(e: NetError) -> Self {
		Self::Net(e)
	}
}

/// Where long work reports how far it got (the CLI draws progress bars).
pub trait Progress: Send + Sync {
	/// A new phase of `total` units.
	fn start(&self, phase: &str, total: u64);
	/// `n` more units done.
	fn advance(&self, n: u64);
	/// Something the user should read (a fee about to be paid).
	fn note(&self, _line: &str) {}
}

/// Reports nothing.
pub struct Silent;
impl Progress for Silent {
	fn start(&self, _: &str, _: u64) {}
	fn advance(&self, _: u64) {}
}

/// What a fetch did.
#[derive(Clone, Debug, Default)]
pub struct FetchReport {
	/// Plaintext bytes written.
	pub bytes: u64,
	/// Segments written.
	pub segments: u32,
	/// Shards received and used.
	pub shards: u32,
	/// Shards received that did not match the manifest (skipped).
	pub rejected: u32,
	/// Requests that failed (peer down, refused, timed out).
	pub failed_requests: u32,
	/// From the start to the first segment written.
	pub first_segment: Duration,
	/// From the start to the end.
	pub total: Duration,
}

/// Content opened for fetching segment by segment ([`Client::open`]).
pub struct Opened {
	content: Arc<Content>,
	manifest: Arc<Layout>,
	directory: HashMap<AccountId, Peer>,
	key: ContentKey,
}

impl Opened {
	/// The layout the chain's record was registered with (checked against the id).
	pub fn layout(&self) -> &Layout {
		&self.manifest
	}
}

/// How a shard request ended, when it brought no valid shard.
enum Answer {
	/// A shard that does not match the manifest.
	Mismatch,
	/// A refusal or other answer.
	Refused(String),
	/// The request failed (unreachable, timed out).
	Failed(String),
}

/// A client of the swarm and the chain.
pub struct Client {
	net: NetHandle,
	chain: Chain,
	holders: Arc<Holders>,
}

impl Client {
	/// Starts a client network (a fresh identity, listening nowhere) for the chain node at
	/// `chain_rpc`.
	pub async fn connect(chain_rpc: &str) -> Result<Self, ClientError> {
		let network = Network::start(NetConfig {
			keypair: Keypair::generate_ed25519(),
			listen: Vec::new(),
			server: false,
			pbft: false,
		})
		.await?;
		Ok(Self { net: network.handle, chain: Chain::new(chain_rpc), holders: Arc::default() })
	}

	/// A client over a network already started (a sidecar's, with its own identity), for the
	/// chain node `chain`.
	pub fn with_network(net: NetHandle, chain: Chain) -> Self {
		Self { net, chain, holders: Arc::default() }
	}

	/// The chain client.
	pub fn chain(&self) -> &Chain {
		&self.chain
	}

	/// The network handle.
	pub fn net(&self) -> &NetHandle {
		&self.net
	}

	pub(crate) async fn blocking<T: Send + 'static>(
		&self,
		f: impl FnOnce(Chain) -> Result<T, RpcError> + Send + 'static,
	) -> Result<T, ClientError> {
		let chain = self.chain.clone();
		tokio::task::spawn_blocking(move || f(chain))
			.await
			.map_err(|e| ClientError::from(RpcError::Transport(e.to_string())))?
			.map_err(ClientError::from)
	}

	pub(crate) async fn directory(&self) -> Result<HashMap<AccountId, Peer>, ClientError> {
		let nodes = self.blocking(|c| c.masternodes()).await?;
		Ok(directory::peers(&nodes))
	}

	/// Encodes `media` under `key` in byte segments, registers its manifest as `signer` (unless
	/// the chain has it already: an upload run again resumes), and pushes every shard to its
	/// masternode.
	pub async fn upload(
		&self,
		signer: &sr25519::Pair,
		media: Arc<Vec<u8>>,
		params: Params,
		key: ContentKey,
		progress: &dyn Progress,
	) -> Result<ContentId, ClientError> {
		progress.start("encoding", media.len() as u64);
		let encode_key = key.clone();
		let (manifest, encoded) =
			tokio::task::spawn_blocking(move || pop_codec::encode(&encode_key, &params, &media))
				.await
				.map_err(|e| ClientError::Net(NetError::Setup(e.to_string())))??;
		progress.advance(manifest.manifest.total_size);
		self.upload_encoded(signer, manifest, encoded, key, progress).await
	}

	/// Uploads the parts a packager cut (`(bytes, duration)`, in order: a CMAF init segment and
	/// its fragments), one segment each, as [`Client::upload`] does byte segments.
	pub async fn upload_parts(
		&self,
		signer: &sr25519::Pair,
		parts: Vec<(Vec<u8>, u32)>,
		params: PartsParams,
		key: ContentKey,
		progress: &dyn Progress,
	) -> Result<ContentId, ClientError> {
		let total: u64 = parts.iter().map(|(p, _)| p.len() as u64).sum();
		progress.start("encoding", total);
		let encode_key = key.clone();
		let (manifest, encoded) = tokio::task::spawn_blocking(move || {
			let refs: Vec<(&[u8], u32)> = parts.iter().map(|(p, d)| (p.as_slice(), *d)).collect();
			pop_codec::encode_parts(&encode_key, &params, &refs)
		})
		.await
		.map_err(|e| ClientError::Net(NetError::Setup(e.to_string())))??;
		progress.advance(total);
		self.upload_encoded(signer, manifest, encoded, key, progress).await
	}

	/// Registers `manifest` (page by page, resuming after the pages the chain has), releases the
	/// key to the moderation set, and pushes the shards of `encoded`. The shards are the caller's
	/// own: nothing checks here that they are one codeword (every decoder does, and anyone can
	/// prove on chain that they are not: [`Client::prove_inconsistent`]).
	pub async fn upload_encoded(
		&self,
		signer: &sr25519::Pair,
		manifest: Layout,
		encoded: Vec<EncodedSegment>,
		key: ContentKey,
		progress: &dyn Progress,
	) -> Result<ContentId, ClientError> {
		let id = manifest.content_id();
		let pages = manifest.manifest.pages.len() as u32;
		// Registration is the manifest with its first page, then the other pages in order; an
		// upload run again resumes after the last page the chain has.
		let next = match self.blocking(move |c| c.content(&id)).await? {
			None => Some(0),
			Some(c) if c.info.status == Status::Uploading => {
				Some(c.segments.len() as u32 / pop_primitives::content::PAGE_SEGMENTS)
			}
			Some(_) => None,
		};
		if let Some(next) = next {
			for index in next..pages {
				let call = if index == 0 {
					calls::register_content(
						manifest.manifest.clone(),
						manifest.page(0),
						Pricing::Free,
					)
				} else {
					calls::add_page(id, index, manifest.page(index))
				};
				if index == next {
					let (chain, c, pair) = (self.chain.clone(), call.clone(), signer.clone());
					let fee = tokio::task::spawn_blocking(move || chain.estimate_fee(&c, &pair))
						.await
						.map_err(|e| ClientError::from(RpcError::Transport(e.to_string())))??;
					if fee.source == FeeSource::CannotPay {
						return Err(ClientError::Fee(describe_fee(&fee)));
					}
					progress.note(&format!(
						"registration fee: {} (for each of {} pages)",
						describe_fee(&fee),
						pages - next
					));
					progress.start("registering on chain", u64::from(pages - next));
				}
				let submitted = self.chain.submit(call, signer).await?;
				match tokio::time::timeout(REGISTER_TIMEOUT, submitted.included()).await {
					Ok(included) => {
						included?;
					}
					Err(_) => return Err(ClientError::NotRegistered(id)),
				}
				progress.advance(1);
			}
		}
		let content =
			self.blocking(move |c| c.content(&id)).await?.ok_or(ClientError::UnknownContent(id))?;
		if matches!(content.info.status, Status::Pending | Status::NeedsReview) {
			progress.start("releasing the key to the moderation set", 1);
			self.release_key(signer, id, &key).await?;
			progress.advance(1);
		}
		let directory = self.directory().await?;

		let total_bytes: u64 =
			encoded.iter().flat_map(|s| s.shards.iter()).map(|s| s.len() as u64).sum();
		progress.start("pushing shards", total_bytes);
		let mut pushes = Vec::new();
		for (segment, (enc, info)) in encoded.into_iter().zip(content.segments.iter()).enumerate() {
			for (shard, (data, holder)) in
				enc.shards.into_iter().zip(info.holders.iter()).enumerate()
			{
				pushes.push((segment as u32, shard as u8, data, directory.get(holder).cloned()));
			}
		}
		let total = pushes.len();
		let results: Vec<Result<(), String>> = futures::stream::iter(pushes)
			.map(|(segment, shard, data, peer)| async move {
				let len = data.len() as u64;
				let result = self.push(id, segment, shard, data, peer).await;
				progress.advance(len);
				result.map_err(|e| format!("shard {shard} of segment {segment}: {e}"))
			})
			.buffer_unordered(PUSHES_IN_FLIGHT)
			.collect()
			.await;
		let failures: Vec<String> = results.into_iter().filter_map(Result::err).collect();
		if let Some(first) = failures.first() {
			return Err(ClientError::Upload {
				failed: failures.len(),
				total,
				first: first.clone(),
			});
		}
		Ok(id)
	}

	/// Releases `key` of pending content `id` to the current moderation set, sealed to each
	/// member's moderation key (`pop_codec::seal`), unless the chain holds a release that covers
	/// this set already; waits until the chain has it. An era that turns in between is retried.
	pub async fn release_key(
		&self,
		signer: &sr25519::Pair,
		id: ContentId,
		key: &ContentKey,
	) -> Result<(), ClientError> {
		let mut last = String::new();
		for _ in 0..KEY_RELEASE_ATTEMPTS {
			let (era, set) = self.blocking(|c| c.superdelegates()).await?;
			let released = |r: &Option<KeyRelease>| {
				r.as_ref().is_some_and(|r| {
					set.iter().all(|(_, s)| r.keys.iter().any(|k| k.member == s.moderation_key))
				})
			};
			if released(&self.blocking(move |c| c.sealed_keys(&id)).await?) {
				return Ok(());
			}
			let genesis = self.blocking(|c| c.genesis_hash()).await?;
			let at = SealContext { genesis: &genesis, content: &id, era };
			let mut keys = Vec::with_capacity(set.len());
			for (who, member) in &set {
				let sealed = seal(key, &at, &member.moderation_key, rand::random())
					.map_err(|e| ClientError::KeyRelease(format!("superdelegate {who}: {e}")))?;
				keys.push(sealed);
			}
			let call = calls::release_keys(id, era, keys)?;
			let result = match self.chain.submit(call, signer).await {
				Ok(submitted) => submitted.included().await,
				Err(e) => Err(e),
			};
			match result {
				Ok(_) => return Ok(()),
				Err(e) => match e.content() {
					// The era turned between reading the set and the block: seal for the new one.
					Some(ContentError::WrongEra) => last = e.to_string(),
					// Another member re-sealed it for this set first.
					Some(ContentError::AlreadyReleased) => return Ok(()),
					_ if e.dispatch().is_some() => {
						return Err(ClientError::KeyRelease(e.to_string()))
					}
					_ => return Err(e.into()),
				},
			}
		}
		Err(ClientError::KeyRelease(last))
	}

	async fn push(
		&self,
		content: ContentId,
		segment: u32,
		shard: u8,
		data: Vec<u8>,
		peer: Option<Peer>,
	) -> Result<(), String> {
		let peer = peer.ok_or("its masternode has no usable peer id or address on chain")?;
		let mut last = String::new();
		for attempt in 0..PUSH_ATTEMPTS {
			if attempt > 0 {
				tokio::time::sleep(Duration::from_millis(500 * u64::from(attempt))).await;
			}
			let request = Request::Put { content, segment, shard, data: data.clone() };
			match self.net.request(peer.id, peer.addresses.clone(), request).await {
				Ok(Response::Stored) => return Ok(()),
				// The masternode's chain node may not have the content yet, it is busy, or this
				// client has sent it more than its share lately.
				Ok(Response::Refused(
					r @ (Refusal::UnknownContent
					| Refusal::ChainUnavailable
					| Refusal::Busy
					| Refusal::OverShare),
				)) => last = r.to_string(),
				Ok(Response::Refused(r)) => return Err(r.to_string()),
				Ok(other) => return Err(format!("unexpected answer: {other:?}")),
				Err(e) => last = e.to_string(),
			}
		}
		Err(last)
	}

	/// Fetches content `id`, decrypts it with `key`, and hands it to `sink` segment by segment
	/// in order, keeping up to `window` segments in flight.
	pub async fn fetch(
		&self,
		id: ContentId,
		key: ContentKey,
		window: usize,
		sink: impl FnMut(&[u8]) -> std::io::Result<()>,
		progress: &dyn Progress,
	) -> Result<FetchReport, ClientError> {
		self.fetch_content(id, key, window, 0.0, sink, progress, true).await
	}

	/// Fetches packaged content `id` from `from` seconds on: the init segment, then the media
	/// segments from the one that plays at `from` (nothing before it is asked for), as
	/// [`Client::fetch`] does.
	pub async fn fetch_from(
		&self,
		id: ContentId,
		key: ContentKey,
		window: usize,
		from: f64,
		sink: impl FnMut(&[u8]) -> std::io::Result<()>,
		progress: &dyn Progress,
	) -> Result<FetchReport, ClientError> {
		self.fetch_content(id, key, window, from, sink, progress, true).await
	}

	/// Fetches content `id` that waits for a verdict, as [`Client::fetch`] does published
	/// content. Masternodes serve it only to masternodes and to the moderation set's sidecars,
	/// so only a sidecar's network gets it.
	pub async fn fetch_for_review(
		&self,
		id: ContentId,
		key: ContentKey,
		sink: impl FnMut(&[u8]) -> std::io::Result<()>,
	) -> Result<FetchReport, ClientError> {
		self.fetch_content(id, key, 4, 0.0, sink, &Silent, false).await
	}

	/// Opens published content `id` for fetching segments one by one ([`Client::segment`]):
	/// its record, checked against the id, the key checked against the manifest's commitment,
	/// and the masternodes' directory.
	pub async fn open(&self, id: ContentId, key: ContentKey) -> Result<Opened, ClientError> {
		self.open_content(id, key, true).await
	}

	async fn open_content(
		&self,
		id: ContentId,
		key: ContentKey,
		published_only: bool,
	) -> Result<Opened, ClientError> {
		let content =
			self.blocking(move |c| c.content(&id)).await?.ok_or(ClientError::UnknownContent(id))?;
		if published_only && content.info.status != Status::Approved {
			return Err(ClientError::NotPublished(id, content.info.status));
		}
		let manifest = directory::manifest(&content);
		if directory::registered_id(&content, &manifest) != id {
			return Err(ClientError::ManifestMismatch(id));
		}
		// A key the manifest does not commit to opens nothing: say so before any request.
		if !pop_codec::key_matches(&manifest, &key) {
			return Err(pop_codec::CodecError::WrongKey.into());
		}
		let directory = self.directory().await?;
		Ok(Opened { content: Arc::new(content), manifest: Arc::new(manifest), directory, key })
	}

	/// Segment `segment` of opened content, fetched, verified and decrypted.
	pub async fn segment(&self, opened: &Opened, segment: u32) -> Result<Vec<u8>, ClientError> {
		if segment >= opened.manifest.manifest.segments {
			return Err(ClientError::Seek(format!("there is no segment {segment}")));
		}
		let (plain, _) = self
			.fetch_segment(
				opened.content.clone(),
				opened.manifest.clone(),
				&opened.directory,
				segment,
				opened.key.clone(),
			)
			.await?;
		Ok(plain)
	}

	#[allow(clippy::too_many_arguments)]
	async fn fetch_content(
		&self,
		id: ContentId,
		key: ContentKey,
		window: usize,
		from: f64,
		mut sink: impl FnMut(&[u8]) -> std::io::Result<()>,
		progress: &dyn Progress,
		published_only: bool,
	) -> Result<FetchReport, ClientError> {
		let start = Instant::now();
		let Opened { content, manifest, directory, .. } =
			self.open_content(id, key.clone(), published_only).await?;
		let wanted = segments_from(&manifest, from)?;
		let bytes: u64 =
			wanted.iter().map(|s| u64::from(manifest.segments[*s as usize].plain_len)).sum();
		progress.start("fetching", bytes);
		let mut report = FetchReport::default();
		let mut segments = futures::stream::iter(wanted)
			.map(|s| {
				self.fetch_segment(content.clone(), manifest.clone(), &directory, s, key.clone())
			})
			.buffered(window.max(1));
		while let Some(result) = segments.next().await {
			let (plain, stats) = result?;
			sink(&plain).map_err(ClientError::Io)?;
			if report.segments == 0 {
				report.first_segment = start.elapsed();
			}
			report.segments += 1;
			report.bytes += plain.len() as u64;
			report.shards += stats.0;
			report.rejected += stats.1;
			report.failed_requests += stats.2;
			progress.advance(plain.len() as u64);
		}
		report.total = start.elapsed();
		// Holders that never answered and are still being waited on (a dial to a dead one can
		// outlast a fetch that hedged around it): say so now rather than keep the viewer waiting.
		for (peer, waited) in self.holders.silent() {
			let owner = directory.iter().find(|(_, p)| p.id == peer).map(|(a, _)| a.to_string());
			tracing::warn!(target: "fetch", "holder {} ({peer}) has not answered in {} ms; fetched from the others", owner.unwrap_or_default(), waited.as_millis());
		}
		Ok(report)
	}

	/// One segment: `k` requests to the best-ranked holders; one more for each that fails or
	/// answers bytes that do not match the manifest, and, each time the hedge delay passes
	/// with shards missing, one more per missing shard (at most two requests in flight per
	/// missing shard). Requests run on their
	/// own tasks, so what a late answer or a failed dial teaches reaches [`Holders`] even after
	/// the segment is done. Returns the plaintext and (shards used, rejected, failed requests).
	async fn fetch_segment(
		&self,
		content: Arc<Content>,
		manifest: Arc<pop_primitives::content::Layout>,
		directory: &HashMap<AccountId, Peer>,
		segment: u32,
		key: ContentKey,
	) -> Result<(Vec<u8>, (u32, u32, u32)), ClientError> {
		let info = &content.segments[segment as usize];
		let holders: Vec<((u8, AccountId, Peer), PeerId)> = info
			.holders
			.iter()
			.enumerate()
			.filter_map(|(i, h)| directory.get(h).map(|p| ((i as u8, h.clone(), p.clone()), p.id)))
			.collect();
		let mut queue = self.holders.rank(holders).into_iter().map(|(h, _)| h);
		let k = usize::from(manifest.manifest.k);
		let (answers, mut answered) = tokio::sync::mpsc::unbounded_channel();
		let ask = |(i, owner, peer): (u8, AccountId, Peer)| {
			let (net, book, answers) = (self.net.clone(), self.holders.clone(), answers.clone());
			let manifest = manifest.clone();
			let request = Request::Get { content: content.id, segment, shard: i };
			book.asked(peer.id);
			tokio::spawn(async move {
				// At most as many requests out to one holder as it lets one peer keep waiting;
				// one it still finds busy is asked again after a pause.
				let slot = book.slot(peer.id);
				let mut attempt = 0;
				let (answer, started) = loop {
					let permit = slot.acquire().await.expect("the semaphore is never closed");
					let started = Instant::now();
					let answer =
						net.request(peer.id, peer.addresses.clone(), request.clone()).await;
					drop(permit);
					if matches!(answer, Ok(Response::Refused(Refusal::Busy)))
						&& attempt < BUSY_RETRIES
					{
						attempt += 1;
						tracing::debug!(target: "fetch", "shard {i} of segment {segment}: {} is busy; asking again", peer.id);
						tokio::time::sleep(Duration::from_millis(25 << attempt)).await;
						continue;
					}
					break (answer, started);
				};
				// Checked here, so that a late answer (its segment done) is judged too.
				let outcome = match answer {
					Ok(Response::Shard(data))
						if pop_codec::verify_shard(&manifest, segment, i, &data) =>
					{
						book.answered(peer.id, data.len(), started.elapsed());
						Ok(data)
					}
					Ok(Response::Shard(_)) => {
						book.failed(peer.id, false);
						Err(Answer::Mismatch)
					}
					Ok(other) => {
						book.failed(peer.id, false);
						Err(Answer::Refused(format!("{other:?}")))
					}
					Err(e) => {
						if book.failed(peer.id, true) {
							tracing::warn!(target: "fetch", "holder {owner} ({}) is unreachable, fetching from the others: {e}", peer.id);
						}
						Err(Answer::Failed(e.to_string()))
					}
				};
				let _ = answers.send((i, peer.id, outcome));
			});
			peer.id
		};
		let mut waiting: Vec<PeerId> = queue.by_ref().take(k).map(&ask).collect();
		let (mut shards, mut rejected, mut failed) = (Vec::with_capacity(k), 0, 0);
		let mut reasons = Vec::new();
		let mut hedge_at = tokio::time::Instant::now() + self.holders.hedge_delay();
		while shards.len() < k && !waiting.is_empty() {
			let (i, peer, outcome) = tokio::select! {
				got = answered.recv() => got.expect("a sender is held here"),
				_ = tokio::time::sleep_until(hedge_at) => {
					// Hedge: one more holder per shard still missing, with at most two requests
					// in flight per missing shard.
					let missing = k - shards.len();
					let room = (2 * missing).saturating_sub(waiting.len()).min(missing);
					let more: Vec<PeerId> = queue.by_ref().take(room).map(&ask).collect();
					let exhausted = more.is_empty() && room > 0;
					if !more.is_empty() {
						tracing::debug!(target: "fetch", "segment {segment}: {} unanswered after the hedge delay; asking {} more", waiting.len(), more.len());
						waiting.extend(more);
					}
					hedge_at = if exhausted {
						// Every holder asked: nothing left to hedge with.
						tokio::time::Instant::now() + Duration::from_secs(3600)
					} else {
						tokio::time::Instant::now() + self.holders.hedge_delay()
					};
					continue;
				}
			};
			if let Some(at) = waiting.iter().position(|p| *p == peer) {
				waiting.swap_remove(at);
			}
			match outcome {
				Ok(data) => {
					shards.push((i, data));
					continue;
				}
				Err(Answer::Mismatch) => {
					tracing::warn!(target: "fetch", "peer {peer} sent a shard {i} of segment {segment} that does not match the manifest; skipped");
					reasons.push(format!("shard {i}: bytes that do not match the manifest"));
					rejected += 1;
				}
				Err(Answer::Refused(why)) => {
					tracing::debug!(target: "fetch", "peer {peer}, shard {i} of segment {segment}: {why}");
					reasons.push(format!("shard {i}: {why}"));
					failed += 1;
				}
				Err(Answer::Failed(why)) => {
					tracing::debug!(target: "fetch", "shard {i} of segment {segment}: {why}");
					reasons.push(format!("shard {i}: {why}"));
					failed += 1;
				}
			}
			if let Some(next) = queue.next() {
				waiting.push(ask(next));
			}
		}
		// The slow ones are left to finish on their own tasks: what they answer is recorded in
		// `holders` and dropped (a request-response answer cannot be recalled once asked for).
		if shards.len() < k {
			return Err(ClientError::Unavailable {
				segment,
				valid: shards.len(),
				needed: k,
				reasons,
			});
		}
		let used = shards.len() as u32;
		let plain = tokio::task::spawn_blocking(move || {
			let refs: Vec<(u8, &[u8])> = shards.iter().map(|(i, d)| (*i, d.as_slice())).collect();
			pop_codec::decode_segment(&key, &manifest, segment, &refs)
		})
		.await
		.map_err(|e| ClientError::Net(NetError::Request(e.to_string())))??;
		Ok((plain, (used, rejected, failed)))
	}
}

/// The segments to fetch to play `layout` from `from` seconds: all of them from the start; for
/// CMAF, the init segment and the media segments from the one playing at `from`.
pub fn segments_from(layout: &Layout, from: f64) -> Result<Vec<u32>, ClientError> {
	let count = layout.manifest.segments;
	if from == 0.0 {
		return Ok((0..count).collect());
	}
	if !(from.is_finite() && from > 0.0) {
		return Err(ClientError::Seek(format!("{from} is not a time in seconds")));
	}
	let Packaging::Cmaf { timescale } = layout.manifest.packaging else {
		return Err(ClientError::Seek(
			"this content is byte segments with no timeline; upload media packaged (CMAF) to seek"
				.into(),
		));
	};
	let at = (from * f64::from(timescale)) as u64;
	let mut end = 0u64;
	for (i, s) in layout.segments.iter().enumerate().skip(1) {
		end += u64::from(s.duration);
		if end > at {
			return Ok(std::iter::once(0).chain(i as u32..count).collect());
		}
	}
	Err(ClientError::Seek(format!(
		"{from} s is past the end ({:.1} s)",
		end as f64 / f64::from(timescale)
	)))
}
