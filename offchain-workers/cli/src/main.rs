//! `pop`: upload media to POP Network's masternodes, fetch and play it back.

mod package;
mod serve;

use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use pop_codec::{ContentKey, Params, PartsParams, DEFAULT_SEGMENT_SIZE};
use pop_swarm::client::{Client, Progress};
use std::{
	io::Write,
	path::{Path, PathBuf},
	process::ExitCode,
	sync::{Arc, Mutex},
};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

#[derive(Parser)]
#[command(name = "pop", version, about = "POP Network for creators and viewers")]
struct Cli {
	/// The chain node's HTTP JSON-RPC endpoint.
	#[arg(long, global = true, default_value = "http://127.0.0.1:9944")]
	chain_rpc: String,
	/// No progress bars.
	#[arg(long, global = true)]
	quiet: bool,
	/// `json` prints each result as one JSON object on stdout, for scripts; `text` for people.
	#[arg(long, global = true, value_enum, default_value_t = Output::Text)]
	output: Output,
	#[command(subcommand)]
	command: Command,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Output {
	Text,
	Json,
}

#[derive(Subcommand)]
enum Command {
	/// Show what the chain records about content: its moderation status and verdict, creator,
	/// size, segments and shards.
	Status {
		/// The content id (0x + 64 hex digits).
		content: String,
	},
	/// Encrypt and erasure-code a file, register it on chain, and push its shards to the
	/// masternodes. Prints the content id and the key that decrypts it. Audio and video are
	/// packaged first (CMAF: an init segment and fragments of about 4 s, cut on keyframes), so
	/// players start from the first segment; other files are cut into byte segments.
	Upload {
		/// The media file.
		file: PathBuf,
		/// The creator's secret URI (`//Bob` on a dev chain); or set POP_SURI.
		#[arg(long)]
		suri: Option<String>,
		/// Shards that rebuild a segment.
		#[arg(long, default_value_t = 4)]
		k: u8,
		/// Shards per segment, each on a different masternode.
		#[arg(long, default_value_t = 6)]
		n: u8,
		/// Plaintext bytes per segment, for files cut into byte segments.
		#[arg(long, default_value_t = DEFAULT_SEGMENT_SIZE)]
		segment_size: u32,
		/// The media type of a file cut into byte segments; guessed from the file name when
		/// absent. Packaged media records its own, with its codecs.
		#[arg(long)]
		media_type: Option<String>,
		/// `auto` packages audio and video as CMAF (remuxed, or transcoded to H.264/AAC when
		/// browsers cannot play the codecs) and cuts other files into byte segments; `cmaf`
		/// insists on packaging; `bytes` uploads the file as it is.
		#[arg(long, value_enum, default_value_t = package::Mode::Auto)]
		packaging: package::Mode,
		/// The content key (64 hex digits) to resume an upload; a fresh random one otherwise.
		#[arg(long)]
		key: Option<String>,
	},
	/// Fetch content, rebuild and decrypt it, and write it to a file (or stdout with `-o -`).
	Fetch(Fetch),
	/// Remove your content: the chain forgets it, its masternodes delete its shards, and its
	/// storage deposit comes back. A ruling on it stays on record.
	Remove {
		/// The content id (0x + 64 hex digits).
		content: String,
		/// Remove it even though its appeal is open: the appeal is withdrawn and its deposit
		/// burned.
		#[arg(long)]
		withdraw_appeal: bool,
		/// The creator's secret URI; or set POP_SURI.
		#[arg(long)]
		suri: Option<String>,
	},
	/// Appeal the moderation of your content to the moderation governance track: content the
	/// moderation set left for review or rejected. Holds the appeal deposit until POP holders
	/// rule (returned if they publish it); `pop status` shows the appeal and the ruling.
	Appeal {
		/// The content id (0x + 64 hex digits).
		content: String,
		/// Why (1 to 512 bytes; a link to a longer argument fits).
		#[arg(long)]
		reason: String,
		/// The creator's secret URI; or set POP_SURI.
		#[arg(long)]
		suri: Option<String>,
	},
	/// Prove on chain that a segment's shards are not one erasure codeword (an upload made to
	/// show reviewers one thing and viewers another): fetches every shard of the segment, finds
	/// a chunk where they disagree and submits that chunk of each shard with its proof. The
	/// content is taken down for good and its creator's deposit forfeit, a share paid to you.
	ProveInconsistent {
		/// The content id (0x + 64 hex digits).
		content: String,
		/// The segment whose shards disagree (a failed fetch names it).
		#[arg(long, default_value_t = 0)]
		segment: u32,
		/// Your secret URI (you pay the fee and get the reward); or set POP_SURI.
		#[arg(long)]
		suri: Option<String>,
	},
	/// Stream content to stdout in order as its segments arrive, for a player:
	/// `pop play ID --key K | mpv -`. Packaged media starts playing after its first segment.
	Play {
		/// The content id (0x + 64 hex digits).
		content: String,
		/// The content key (64 hex digits).
		#[arg(long)]
		key: String,
		/// Start at this many seconds (packaged media): the init segment, then the segments
		/// from the one playing at that time; the ones before it are never asked for.
		#[arg(long, default_value_t = 0.0)]
		from: f64,
		/// Segments fetched ahead.
		#[arg(long, default_value_t = 4)]
		window: usize,
		/// Instead of stdout, serve an HLS playlist on 127.0.0.1 (this port, or a free one)
		/// for VLC, Safari, mpv, ffplay or hls.js; its URL is printed. Players seek themselves.
		#[arg(long, value_name = "PORT", num_args = 0..=1, default_missing_value = "0", conflicts_with = "from")]
		serve: Option<u16>,
	},
}

#[derive(clap::Args)]
struct Fetch {
	/// The content id (0x + 64 hex digits).
	content: String,
	/// The content key (64 hex digits).
	#[arg(long)]
	key: String,
	/// Where to write it; `-` for stdout.
	#[arg(short = 'o', long = "out", value_name = "FILE")]
	dest: PathBuf,
	/// Segments fetched ahead.
	#[arg(long, default_value_t = 4)]
	window: usize,
}

fn parse_32(what: &str, s: &str) -> Result<[u8; 32], BoxError> {
	let bytes = hex::decode(s.trim_start_matches("0x"))
		.map_err(|e| format!("the {what} is not hex: {e}"))?;
	bytes
		.try_into()
		.map_err(|b: Vec<u8>| format!("the {what} must be 32 bytes, not {}", b.len()).into())
}

fn media_type(path: &Path) -> &'static str {
	match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
		Some("mp4" | "m4v") => "video/mp4",
		Some("mov") => "video/quicktime",
		Some("webm") => "video/webm",
		Some("mkv") => "video/x-matroska",
		Some("avi") => "video/x-msvideo",
		Some("ts" | "mts" | "m2ts") => "video/mp2t",
		Some("mpg" | "mpeg") => "video/mpeg",
		Some("mp3") => "audio/mpeg",
		Some("m4a") => "audio/mp4",
		Some("aac") => "audio/aac",
		Some("wav") => "audio/wav",
		Some("ogg" | "opus") => "audio/ogg",
		Some("flac") => "audio/flac",
		Some("png") => "image/png",
		Some("jpg" | "jpeg") => "image/jpeg",
		Some("gif") => "image/gif",
		Some("txt" | "md") => "text/plain",
		_ => "application/octet-stream",
	}
}

/// Progress bars on stderr, one per phase.
struct Bars {
	bar: Mutex<Option<ProgressBar>>,
	quiet: bool,
}

impl Progress for Bars {
	fn start(&self, phase: &str, total: u64) {
		let mut bar = self.bar.lock().expect("not poisoned");
		if let Some(old) = bar.take() {
			old.finish();
		}
		if self.quiet {
			return;
		}
		let b = ProgressBar::new(total);
		// Packaging counts milliseconds of media; everything else counts bytes.
		let template = if phase.starts_with("packaging") {
			"{msg:>22} [{bar:40}] {percent:>3}% eta {eta}"
		} else {
			"{msg:>22} [{bar:40}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}"
		};
		b.set_style(
			ProgressStyle::with_template(template).expect("a valid template").progress_chars("=> "),
		);
		b.set_message(phase.to_string());
		*bar = Some(b);
	}

	fn advance(&self, n: u64) {
		if let Some(b) = self.bar.lock().expect("not poisoned").as_ref() {
			b.inc(n);
		}
	}

	fn note(&self, line: &str) {
		if !self.quiet {
			eprintln!("{line}");
		}
	}
}

impl Bars {
	fn done(&self) {
		if let Some(b) = self.bar.lock().expect("not poisoned").take() {
			b.finish();
		}
	}
}

async fn fetch_to(
	client: &Client,
	content: [u8; 32],
	key: ContentKey,
	window: usize,
	output: &Path,
	bars: &Bars,
) -> Result<pop_swarm::client::FetchReport, BoxError> {
	if output == Path::new("-") {
		return play(client, content, key, window, 0.0, bars).await;
	}
	// Into a temporary file beside the output, renamed only when whole: a failed fetch leaves
	// nothing behind and never clobbers an existing file with half of one.
	let dir = output.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
	let name = output.file_name().ok_or("the output must name a file")?.to_string_lossy();
	let tmp = dir.join(format!(".{name}.part-{}", std::process::id()));
	let mut file = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
	let result = client.fetch(content, key, window, |b| file.write_all(b), bars).await;
	let finished = result.map_err(BoxError::from).and_then(|report| {
		file.flush()?;
		file.get_ref().sync_all()?;
		Ok(report)
	});
	drop(file);
	match finished {
		Ok(report) => {
			std::fs::rename(&tmp, output)?;
			Ok(report)
		}
		Err(e) => {
			let _ = std::fs::remove_file(&tmp);
			Err(e)
		}
	}
}

/// Writes content to stdout from `from` seconds, each segment as soon as it is in (flushed, so
/// a player reading the pipe starts on the first one).
async fn play(
	client: &Client,
	content: [u8; 32],
	key: ContentKey,
	window: usize,
	from: f64,
	bars: &Bars,
) -> Result<pop_swarm::client::FetchReport, BoxError> {
	let mut out = std::io::stdout().lock();
	let report = client
		.fetch_from(
			content,
			key,
			window,
			from,
			|b| {
				out.write_all(b)?;
				out.flush()
			},
			bars,
		)
		.await?;
	out.flush()?;
	Ok(report)
}

/// Packages `file` when it is audio or video (and `mode` allows), then uploads it; returns the
/// content id and what was done, for the output.
#[allow(clippy::too_many_arguments)]
async fn upload(
	chain_rpc: &str,
	signer: &sp_core::sr25519::Pair,
	file: &Path,
	mode: package::Mode,
	params: Params,
	key: &ContentKey,
	bars: &Bars,
) -> Result<([u8; 32], serde_json::Value), BoxError> {
	let expected =
		params.media_type.starts_with("video/") || params.media_type.starts_with("audio/");
	// Looked at before anything is signed: media FFmpeg cannot read registers nothing.
	let Some(probe) = package::plan(file, mode, expected)? else {
		let media = std::fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?;
		let summary = serde_json::json!({ "kind": "bytes", "mediaType": params.media_type });
		let client = Client::connect(chain_rpc).await?;
		let id = client.upload(signer, Arc::new(media), params, key.clone(), bars).await?;
		return Ok((id, summary));
	};
	bars.start("packaging (FFmpeg)", (probe.duration * 1000.0) as u64);
	let mut done = 0u64;
	let packaged = package::package(file, &probe, &mut |ms| {
		let ms = ms.min((probe.duration * 1000.0) as u64);
		if ms > done {
			bars.advance(ms - done);
			done = ms;
		}
	})
	.map_err(|e| format!("{}: {e}", file.display()))?;
	if !packaged.transcoded.is_empty() {
		bars.note(&format!(
			"transcoded {} so that every browser plays it",
			packaged.transcoded.join(" and ")
		));
	}
	let summary = serde_json::json!({
		"kind": "cmaf",
		"mediaType": packaged.media_type,
		"segments": packaged.parts.len(),
		"seconds": packaged.duration() as f64 / f64::from(package::TIMESCALE),
		"transcoded": packaged.transcoded,
	});
	let parts = PartsParams {
		k: params.k,
		n: params.n,
		media_type: packaged.media_type,
		metadata_hash: params.metadata_hash,
		packaging: pop_chain_client::types::Packaging::Cmaf { timescale: package::TIMESCALE },
	};
	let client = Client::connect(chain_rpc).await?;
	let id = client.upload_parts(signer, packaged.parts, parts, key.clone(), bars).await?;
	Ok((id, summary))
}

async fn run(cli: Cli) -> Result<(), BoxError> {
	let bars = Bars { bar: Mutex::new(None), quiet: cli.quiet };
	match cli.command {
		Command::Upload { file, suri, k, n, segment_size, media_type: mt, key, packaging } => {
			let signer = pop_swarm::signer(suri.as_deref())?;
			std::fs::metadata(&file).map_err(|e| format!("{}: {e}", file.display()))?;
			let key = match key {
				Some(k) => ContentKey(parse_32("key", &k)?),
				None => ContentKey(rand::random()),
			};
			let params = Params {
				segment_size,
				k,
				n,
				media_type: mt.unwrap_or_else(|| media_type(&file).to_string()),
				metadata_hash: metadata_hash(&file),
			};
			let (id, packaged) =
				upload(&cli.chain_rpc, &signer, &file, packaging, params, &key, &bars).await?;
			bars.done();
			if cli.output == Output::Json {
				let json = serde_json::json!({
					"content": format!("0x{}", hex::encode(id)),
					"key": hex::encode(key.0),
					"packaging": packaged,
				});
				println!("{json}");
			} else {
				println!("content 0x{}", hex::encode(id));
				println!("key {}", hex::encode(key.0));
				println!("media {}", packaged["mediaType"].as_str().unwrap_or_default());
			}
			Ok(())
		}
		Command::Fetch(Fetch { content, key, dest, window }) => {
			let content = parse_32("content id", &content)?;
			let key = ContentKey(parse_32("key", &key)?);
			let client = Client::connect(&cli.chain_rpc).await?;
			let report = fetch_to(&client, content, key, window, &dest, &bars).await?;
			bars.done();
			if cli.output == Output::Json {
				let json = serde_json::json!({
					"bytes": report.bytes,
					"segments": report.segments,
					"seconds": report.total.as_secs_f64(),
					"firstSegmentMs": report.first_segment.as_millis() as u64,
					"shards": report.shards,
					"rejected": report.rejected,
					"failedRequests": report.failed_requests,
				});
				// Standard output carries the media itself with `-o -`.
				if dest == Path::new("-") {
					eprintln!("{json}");
				} else {
					println!("{json}");
				}
				return Ok(());
			}
			eprintln!(
				"{} bytes in {} segments, {:.2} s (first segment after {} ms); {} shards used, {} rejected, {} requests failed",
				report.bytes,
				report.segments,
				report.total.as_secs_f64(),
				report.first_segment.as_millis(),
				report.shards,
				report.rejected,
				report.failed_requests
			);
			Ok(())
		}
		Command::Status { content } => {
			let id = parse_32("content id", &content)?;
			let chain = pop_chain_client::Chain::new(&cli.chain_rpc);
			let (record, review, scores) = tokio::task::spawn_blocking(move || {
				// A runtime before `ContentApi` version 2 has no appeals: show none.
				let review = chain
					.review(&id)
					.unwrap_or(pop_chain_client::types::Review { appeal: None, ruling: None });
				let scores = chain.scores(&id)?;
				Ok::<_, pop_chain_client::RpcError>((chain.content(&id)?, review, scores))
			})
			.await??;
			let record =
				record.ok_or_else(|| format!("the chain has no content 0x{}", hex::encode(id)))?;
			print_status(&record, &review, &scores, cli.output);
			Ok(())
		}
		Command::Appeal { content, reason, suri } => {
			let id = parse_32("content id", &content)?;
			let signer = pop_swarm::signer(suri.as_deref())?;
			let chain = pop_chain_client::Chain::new(&cli.chain_rpc);
			// The chain checks all of this again; asking first gives the clearest message
			// and spends no fee on an appeal that cannot succeed.
			let (record, review) = own_content(&chain, id, &signer, "appeal").await?;
			check_appeal(&record, &review, &reason)?;
			let included = chain
				.submit_included(pop_chain_client::calls::appeal(id, reason.into_bytes()), &signer)
				.await
				.map_err(|e| format!("the appeal failed: {e}"))?;
			if cli.output == Output::Json {
				let json = serde_json::json!({
					"content": format!("0x{}", hex::encode(id)),
					"appealed": true,
					"block": format!("{:?}", included.block),
				});
				println!("{json}");
			} else {
				println!(
					"appealed 0x{} to the moderation track in block {:?}; `pop status` shows the ruling",
					hex::encode(id),
					included.block
				);
			}
			Ok(())
		}
		Command::ProveInconsistent { content, segment, suri } => {
			let id = parse_32("content id", &content)?;
			let signer = pop_swarm::signer(suri.as_deref())?;
			let client = pop_swarm::client::Client::connect(&cli.chain_rpc).await?;
			let included = client.prove_inconsistent(&signer, id, segment).await?;
			if cli.output == Output::Json {
				let json = serde_json::json!({
					"content": format!("0x{}", hex::encode(id)),
					"segment": segment,
					"proven": true,
					"block": format!("{:?}", included.block),
				});
				println!("{json}");
			} else {
				println!(
					"proved in block {:?} that segment {segment} of 0x{} is not one codeword: it is taken down and its creator's deposit forfeit",
					included.block,
					hex::encode(id)
				);
			}
			Ok(())
		}
		Command::Remove { content, withdraw_appeal, suri } => {
			let id = parse_32("content id", &content)?;
			let signer = pop_swarm::signer(suri.as_deref())?;
			let chain = pop_chain_client::Chain::new(&cli.chain_rpc);
			let (record, review) = own_content(&chain, id, &signer, "remove").await?;
			if review.appeal.is_some() && !withdraw_appeal {
				return Err("this content's appeal is open: removing it withdraws the appeal and burns its deposit; pass --withdraw-appeal to do so"
					.into());
			}
			// The weight witness: the shards of the segments removed at once (one page; the
			// chain forgets the rest over the next blocks).
			let shards = record
				.info
				.segments
				.min(pop_chain_client::types::PAGE_SEGMENTS)
				.saturating_mul(u32::from(record.info.n));
			let included = chain
				.submit_included(pop_chain_client::calls::remove(id, shards), &signer)
				.await
				.map_err(|e| format!("the removal failed: {e}"))?;
			let deposit = pop_chain_client::types::amount(
				record.info.deposit,
				pop_chain_client::types::POP_DECIMALS,
			);
			// Content longer than a page is forgotten over the next blocks; its deposit comes
			// back when that is done.
			let later = record.segments.len() as u32 > pop_chain_client::types::PAGE_SEGMENTS;
			if cli.output == Output::Json {
				let json = serde_json::json!({
					"content": format!("0x{}", hex::encode(id)),
					"removed": true,
					"deposit_released": record.info.deposit.to_string(),
					"deposit_released_when": if later { "purged" } else { "now" },
					"block": format!("{:?}", included.block),
				});
				println!("{json}");
			} else {
				let when = if later {
					"is released once the chain has forgotten its segments (a few blocks)"
				} else {
					"is released"
				};
				println!(
					"removed 0x{} in block {:?}; its deposit of {deposit} POP {when}, and its masternodes delete its shards",
					hex::encode(id),
					included.block
				);
			}
			Ok(())
		}
		Command::Play { content, key, window, from, serve: Some(port) } => {
			let _ = (window, from);
			let content = parse_32("content id", &content)?;
			let key = ContentKey(parse_32("key", &key)?);
			let client = std::sync::Arc::new(Client::connect(&cli.chain_rpc).await?);
			let opened = client.open(content, key).await?;
			serve::serve(client, opened, port, |url| {
				println!("{url}");
				eprintln!(
					"serving HLS at {url}: play it with mpv, VLC, ffplay or Safari; Ctrl-C stops"
				);
			})
			.await
		}
		Command::Play { content, key, window, from, serve: None } => {
			let content = parse_32("content id", &content)?;
			let key = ContentKey(parse_32("key", &key)?);
			let client = Client::connect(&cli.chain_rpc).await?;
			let quiet = Bars { bar: Mutex::new(None), quiet: true };
			play(&client, content, key, window, from, &quiet).await?;
			Ok(())
		}
	}
}

/// Why `signer` cannot appeal content `id` with `reason`, if it cannot.
/// Content `id` and its review, if the chain has it and `signer` created it (else why not, for
/// someone about to `doing` it).
async fn own_content(
	chain: &pop_chain_client::Chain,
	id: [u8; 32],
	signer: &sp_core::sr25519::Pair,
	doing: &str,
) -> Result<(pop_chain_client::Content, pop_chain_client::types::Review), BoxError> {
	let c = chain.clone();
	let (record, review) = tokio::task::spawn_blocking(move || {
		Ok::<_, pop_chain_client::RpcError>((c.content(&id)?, c.review(&id)?))
	})
	.await??;
	let record = record.ok_or_else(|| format!("the chain has no content 0x{}", hex::encode(id)))?;
	let me: sp_core::crypto::AccountId32 = sp_core::Pair::public(signer).into();
	if record.info.creator != me {
		return Err(
			format!("only its creator ({}) can {doing} this content", record.info.creator).into()
		);
	}
	Ok((record, review))
}

fn check_appeal(
	c: &pop_chain_client::Content,
	review: &pop_chain_client::types::Review,
	reason: &str,
) -> Result<(), BoxError> {
	use pop_chain_client::types::{Status, MAX_REASON_LEN};
	if review.ruling.is_some() {
		return Err(
			"the moderation track has ruled on this content already; its ruling is final".into()
		);
	}
	if !matches!(c.info.status, Status::NeedsReview | Status::Rejected) {
		return Err(format!(
			"only content that needs review or was rejected can be appealed; this is {:?}",
			c.info.status
		)
		.into());
	}
	if review.appeal.is_some() {
		return Err("this content has an open appeal already".into());
	}
	if reason.trim().is_empty() {
		return Err("say why in --reason".into());
	}
	if reason.len() > MAX_REASON_LEN as usize {
		return Err(format!(
			"the reason is {} bytes; at most {MAX_REASON_LEN} fit (link to a longer one)",
			reason.len()
		)
		.into());
	}
	Ok(())
}

/// Prints a content record as `pop status` shows it.
fn print_status(
	c: &pop_chain_client::Content,
	review: &pop_chain_client::types::Review,
	scores: &[pop_primitives::content::MemberScore],
	output: Output,
) {
	// P(explicit) as the model gave it: parts per million back to a fraction.
	let fraction = |s: &pop_primitives::content::MemberScore| {
		s.score.map(|p| f64::from(p) / f64::from(pop_primitives::content::MAX_SCORE))
	};
	let info = &c.info;
	let mut holders: Vec<String> =
		c.segments.iter().flat_map(|s| s.holders.iter().map(|h| h.to_string())).collect();
	holders.sort();
	holders.dedup();
	let decision = info.decision.as_ref().map(|d| {
		serde_json::json!({
			"verdict": format!("{:?}", d.verdict),
			"modelHash": format!("0x{}", hex::encode(d.model_hash)),
			"era": d.era,
			"signers": d.signers,
			// Each voting member's own score, so that anyone can check the verdict against
			// the model (null: no classifier ran).
			"scores": scores.iter().map(|s| serde_json::json!({
				"member": format!("0x{}", hex::encode(s.member)),
				"score": fraction(s),
			})).collect::<Vec<_>>(),
		})
	});
	let json = serde_json::json!({
		"content": format!("0x{}", hex::encode(c.id)),
		"status": format!("{:?}", info.status),
		"decision": decision,
		"creator": info.creator.to_string(),
		"mediaType": String::from_utf8_lossy(&info.media_type),
		"bytes": info.total_size,
		"segments": info.segments,
		"manifestVersion": info.version,
		"packaging": match info.packaging {
			pop_chain_client::types::Packaging::Bytes => serde_json::json!({ "kind": "bytes" }),
			pop_chain_client::types::Packaging::Cmaf { timescale } => {
				serde_json::json!({ "kind": "cmaf", "timescale": timescale })
			},
		},
		"duration": info.duration,
		// Each segment's plaintext bytes and playing time, in order (for players and scripts).
		"segmentBytes": c.segments.iter().map(|s| s.plain_len).collect::<Vec<_>>(),
		"segmentDurations": c.segments.iter().map(|s| s.duration).collect::<Vec<_>>(),
		"keyCommitment": info.key_commitment.map(|k| format!("0x{}", hex::encode(k))),
		"k": info.k,
		"n": info.n,
		"registeredAt": info.registered_at,
		"deposit": info.deposit.to_string(),
		"holders": holders,
		"appeal": review.appeal.as_ref().map(|a| serde_json::json!({
			"appellant": a.appellant.to_string(),
			"deposit": a.deposit.to_string(),
			"reason": String::from_utf8_lossy(&a.reason),
			"filedAt": a.filed,
		})),
		"ruling": review.ruling.as_ref().map(|r| serde_json::json!({
			"verdict": format!("{:?}", r.verdict),
			"by": format!("{:?}", r.by),
			"reason": String::from_utf8_lossy(&r.reason),
			"at": r.at,
			"appellant": r.appellant.as_ref().map(|a| a.to_string()),
		})),
	});
	if output == Output::Json {
		println!("{json}");
		return;
	}
	println!("content     0x{}", hex::encode(c.id));
	let ruled_by = review.ruling.as_ref().map(|r| match r.by {
		pop_chain_client::types::Ruler::Governance => "the moderation track (a referendum)",
	});
	match (&info.decision, ruled_by) {
		(Some(d), Some(by)) => println!(
			"status      {:?} by {by}; the moderation set had said {:?} ({} members of era {}, model 0x{}…)",
			info.status,
			d.verdict,
			d.signers,
			d.era,
			hex::encode(&d.model_hash[..6])
		),
		(None, Some(by)) => println!("status      {:?} by {by}", info.status),
		(Some(d), None) => println!(
			"status      {:?} ({:?} by {} members of era {}'s moderation set, model 0x{}…)",
			info.status,
			d.verdict,
			d.signers,
			d.era,
			hex::encode(&d.model_hash[..6])
		),
		(None, None) => println!("status      {:?} (no verdict yet)", info.status),
	}
	if !scores.is_empty() {
		let each: Vec<String> = scores
			.iter()
			.map(|s| match fraction(s) {
				Some(p) => format!("{p:.4} (0x{}…)", hex::encode(&s.member[..4])),
				None => format!("none (0x{}…)", hex::encode(&s.member[..4])),
			})
			.collect();
		println!("scores      {}", each.join(", "));
	}
	println!("creator     {}", info.creator);
	println!(
		"media       {}, {} bytes",
		String::from_utf8_lossy(&info.media_type),
		info.total_size
	);
	let largest = c.segments.iter().map(|s| s.plain_len).max().unwrap_or_default();
	println!(
		"segments    {} of up to {} bytes, each {} shards of which any {} rebuild it",
		info.segments, largest, info.n, info.k
	);
	if let pop_chain_client::types::Packaging::Cmaf { timescale } = info.packaging {
		println!(
			"packaging   CMAF: an init segment and fragments, {:.1} s in all",
			info.duration as f64 / f64::from(timescale.max(1))
		);
	}
	if info.status == pop_chain_client::types::Status::Uploading {
		println!(
			"upload      {} of {} segments registered; run the same `pop upload` again to go on",
			c.segments.len(),
			info.segments
		);
	}
	println!("held by     {} masternodes", holders.len());
	println!("registered  at block #{}", info.registered_at);
	if let Some(a) = &review.appeal {
		println!(
			"appeal      by {} at block #{}, waiting for the moderation track: \"{}\"",
			a.appellant,
			a.filed,
			String::from_utf8_lossy(&a.reason)
		);
	}
	if let Some(r) = &review.ruling {
		let appealed = match &r.appellant {
			Some(a) => format!(", on {a}'s appeal"),
			None => ", referred without an appeal".to_string(),
		};
		println!(
			"ruling      {:?} at block #{}{appealed}: \"{}\"",
			r.verdict,
			r.at,
			String::from_utf8_lossy(&r.reason)
		);
	}
}

/// The metadata hash registered with an upload: BLAKE3 of the file's name (richer
/// metadata — title, description — comes with the web app).
fn metadata_hash(file: &Path) -> [u8; 32] {
	let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
	*blake3::hash(name.as_bytes()).as_bytes()
}

#[tokio::main]
async fn main() -> ExitCode {
	pop_swarm::init_logging();
	match run(Cli::parse()).await {
		Ok(()) => ExitCode::SUCCESS,
		Err(e) => {
			eprintln!("error: {e}");
			ExitCode::FAILURE
		}
	}
}

#[cfg(test)]
mod tests {
	/// A freely licensed sample picture of the workspace (`scripts/fetch-models`).
	pub fn sample(name: &str) -> std::path::PathBuf {
		std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/samples").join(name)
	}
}
