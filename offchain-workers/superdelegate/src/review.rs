//! One pending content's own assessment: the key the creator released to the set, the media
//! from the swarm, and the model.

use pop_chain_client::Content;
use pop_codec::seal;
use pop_moderation::{Assessment, Moderator, Verdict};
use pop_pbft::ContentId;
use pop_swarm::client::{Client, ClientError};
use std::sync::Arc;

/// Images larger than this are not fetched to be scored: people must look at them.
pub const MAX_IMAGE_BYTES: u64 = 32 << 20;
/// Videos larger than this are not fetched to be scored: people must look at them.
pub const MAX_VIDEO_BYTES: u64 = 256 << 20;

/// Where one content's review stands.
#[derive(Debug)]
pub enum Outcome {
	/// This member's verdict, with its reason.
	Assessed(Assessment),
	/// Not possible yet (no key released to this set, shards unreachable, chain down): why.
	/// The sidecar tries again later.
	NotYet(String),
}

/// This member's moderation secret and public key, and its account.
pub struct MemberKey {
	/// The ed25519 seed.
	pub seed: [u8; 32],
	/// Its public key, as the chain records it.
	pub public: [u8; 32],
	/// The superdelegate account, which re-seals keys for a new set.
	pub signer: sp_core::sr25519::Pair,
	/// Held while submitting a transaction as `signer`: one at a time, so that each gets the
	/// next nonce.
	pub submitting: tokio::sync::Mutex<()>,
}

/// How long each holder of an old seal after the first waits before re-sealing the key for a
/// new set itself, if it is still not done.
const RESEAL_STAGGER: std::time::Duration = std::time::Duration::from_secs(8);

/// The moderation keys of the current set, in the chain's order.
pub type SetKeys = Vec<[u8; 32]>;

/// Reviews `content`: opens its key (sealed to `me`), fetches and decrypts it, and assesses
/// it. A key that does not open or media that does not decrypt is rejected with the reason:
/// the creator released something the set cannot check.
pub async fn review(
	client: &Client,
	moderator: Arc<Moderator>,
	me: &MemberKey,
	set: &SetKeys,
	content: &Content,
) -> Outcome {
	let id = content.id;
	let info = &content.info;
	let media_type = String::from_utf8_lossy(&info.media_type).into_owned();
	let model_hash = moderator.model_hash();
	let done = |verdict, reason: String| {
		Outcome::Assessed(Assessment { verdict, reason, score: None, model_hash })
	};
	let limit = match media_type.split('/').next() {
		Some("image") => MAX_IMAGE_BYTES,
		Some("video") => MAX_VIDEO_BYTES,
		// No bytes needed: the policy for media without a classifier.
		_ => return Outcome::Assessed(moderator.assess(&media_type, &[])),
	};
	if info.total_size > limit {
		return done(
			Verdict::NeedsReview,
			format!("{} bytes is too large to score, people must look", info.total_size),
		);
	}
	let key = match open_key(client, me, set, content, model_hash).await {
		Ok(key) => key,
		Err(outcome) => return outcome,
	};
	let mut media = Vec::with_capacity(info.total_size as usize);
	let fetched = client
		.fetch_for_review(id, key, |segment| {
			media.extend_from_slice(segment);
			Ok(())
		})
		.await;
	match fetched {
		Ok(_) => {}
		Err(ClientError::Codec(e)) => {
			// Shards are checked against the manifest's hashes as they arrive, so a codec error
			// here is the upload's own: a wrong key, or shards that are not one codeword. The
			// latter is proven on chain too, which costs the creator its deposit.
			if let pop_codec::CodecError::InconsistentCodeword { segment, .. } = e {
				prove_inconsistent(client, me, set, id, segment).await;
			}
			return done(Verdict::Reject, format!("the media is unusable as uploaded: {e}"));
		}
		Err(e) => return Outcome::NotYet(format!("fetching it: {e}")),
	}
	match tokio::task::spawn_blocking(move || moderator.assess(&media_type, &media)).await {
		Ok(assessment) => Outcome::Assessed(assessment),
		Err(e) => Outcome::NotYet(format!("the scoring task failed: {e}")),
	}
}

/// Proves on chain that segment `segment` of `id` is not one codeword. Members take turns
/// ([`RESEAL_STAGGER`] apart, in the set's order), and one finding the content gone (another
/// member proved it) does nothing: one proof is enough, and a second would fail and cost a fee.
async fn prove_inconsistent(
	client: &Client,
	me: &MemberKey,
	set: &SetKeys,
	id: ContentId,
	segment: u32,
) {
	let rank = set.iter().position(|k| *k == me.public).unwrap_or(set.len());
	tokio::time::sleep(RESEAL_STAGGER * rank as u32).await;
	let chain = client.chain().clone();
	if !matches!(tokio::task::spawn_blocking(move || chain.content(&id)).await, Ok(Ok(Some(_)))) {
		return;
	}
	let _one_at_a_time = me.submitting.lock().await;
	match client.prove_inconsistent(&me.signer, id, segment).await {
		Ok(_) => tracing::info!(
			target: "superdelegate",
			"proved on chain that 0x{}… is not one codeword (segment {segment}): taken down, its \
			 creator's deposit forfeit",
			hex::encode(&id[..6])
		),
		Err(e) => tracing::warn!(
			target: "superdelegate",
			"could not prove 0x{}… inconsistent on chain: {e}",
			hex::encode(&id[..6])
		),
	}
}

async fn open_key(
	client: &Client,
	me: &MemberKey,
	set: &SetKeys,
	content: &Content,
	model_hash: pop_moderation::ModelHash,
) -> Result<pop_codec::ContentKey, Outcome> {
	let id: ContentId = content.id;
	let chain = client.chain().clone();
	let release = tokio::task::spawn_blocking(move || chain.sealed_keys(&id))
		.await
		.map_err(|e| Outcome::NotYet(e.to_string()))?
		.map_err(|e| Outcome::NotYet(format!("reading its sealed keys: {e}")))?
		.ok_or_else(|| Outcome::NotYet("its creator has not released the key yet".into()))?;
	let sealed = release.keys.iter().find(|k| k.member == me.public).ok_or_else(|| {
		Outcome::NotYet(format!(
			"its key was released to the set of era {}, which did not include this member",
			release.era
		))
	})?;
	let chain = client.chain().clone();
	let genesis = tokio::task::spawn_blocking(move || chain.genesis_hash())
		.await
		.map_err(|e| Outcome::NotYet(e.to_string()))?
		.map_err(|e| Outcome::NotYet(format!("reading the genesis hash: {e}")))?;
	let at = seal::SealContext { genesis: &genesis, content: &id, era: release.era };
	let key = match seal::open(sealed, &at, &me.seed) {
		Ok(key) => key,
		// The creator's own release: the creator's fault, and a reason to reject.
		Err(e) if release.by_creator => {
			return Err(Outcome::Assessed(Assessment {
				verdict: Verdict::Reject,
				reason: format!("the creator's released key is unusable: {e}"),
				score: None,
				model_hash,
			}))
		}
		// A member's re-seal: that member's fault; wait for the creator or another member.
		Err(e) => {
			return Err(Outcome::NotYet(format!("a member's re-sealed key is unusable: {e}")))
		}
	};
	// The manifest commits to the key: a key that opens but is not the committed one is the
	// creator's fault if the creator sealed it (it could hand viewers another key), and a
	// lying member's otherwise (the set waits for a good seal).
	if let Some(commitment) = content.info.key_commitment {
		if pop_primitives::content::key_commitment(&key.0) != commitment {
			if release.by_creator {
				return Err(Outcome::Assessed(Assessment {
					verdict: Verdict::Reject,
					reason: "the creator released a key its manifest does not commit to".into(),
					score: None,
					model_hash,
				}));
			}
			return Err(Outcome::NotYet(
				"a member re-sealed a key the manifest does not commit to".into(),
			));
		}
	}
	// Released to an earlier set: the members of the current set that can open it re-seal it
	// for the whole set, the first at once and each next one some seconds later if it is still
	// not done (the creator's next upload run would too).
	let holders: Vec<&[u8; 32]> =
		set.iter().filter(|k| release.keys.iter().any(|s| s.member == **k)).collect();
	let covered = set.iter().all(|k| release.keys.iter().any(|s| s.member == *k));
	if let (false, Some(rank)) = (covered, holders.iter().position(|k| **k == me.public)) {
		tokio::time::sleep(RESEAL_STAGGER * rank as u32).await;
		let _one_at_a_time = me.submitting.lock().await;
		if let Err(e) = client.release_key(&me.signer, id, &key).await {
			return Err(Outcome::NotYet(format!("re-sealing its key for the current set: {e}")));
		}
		tracing::info!(
			target: "superdelegate",
			"re-sealed the key of 0x{}… for the current moderation set (or found it done)",
			hex::encode(&id[..6])
		);
	}
	Ok(key)
}
