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
}

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
	if !media_type.starts_with("image/") {
		// No bytes needed: the policy for media without a classifier.
		return Outcome::Assessed(moderator.assess(&media_type, &[]));
	}
	if info.total_size > MAX_IMAGE_BYTES {
		return done(
			Verdict::NeedsReview,
			format!("{} bytes is too large an image to score, people must look", info.total_size),
		);
	}
	let key = match open_key(client, me, set, id, model_hash).await {
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
			return done(Verdict::Reject, format!("the media does not decrypt with its key: {e}"))
		}
		Err(e) => return Outcome::NotYet(format!("fetching it: {e}")),
	}
	match tokio::task::spawn_blocking(move || moderator.assess(&media_type, &media)).await {
		Ok(assessment) => Outcome::Assessed(assessment),
		Err(e) => Outcome::NotYet(format!("the scoring task failed: {e}")),
	}
}

async fn open_key(
	client: &Client,
	me: &MemberKey,
	set: &SetKeys,
	id: ContentId,
	model_hash: pop_moderation::ModelHash,
) -> Result<pop_codec::ContentKey, Outcome> {
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
	let key = seal::open(sealed, &id, release.era, &me.seed).map_err(|e| {
		Outcome::Assessed(Assessment {
			verdict: Verdict::Reject,
			reason: format!("the released key is unusable: {e}"),
			score: None,
			model_hash,
		})
	})?;
	// Released to an earlier set: the first member of the current set that can open it seals
	// it again for the whole current set (the creator's next upload run would too).
	let covered = set.iter().all(|k| release.keys.iter().any(|s| s.member == *k));
	let resealer = set.iter().find(|k| release.keys.iter().any(|s| s.member == **k));
	if !covered && resealer == Some(&me.public) {
		match client.release_key(&me.signer, id, &key).await {
			Ok(()) => tracing::info!(
				target: "superdelegate",
				"re-sealed the key of 0x{}… for the current moderation set",
				hex::encode(&id[..6])
			),
			Err(e) => tracing::warn!(
				target: "superdelegate",
				"re-sealing the key of 0x{}…: {e}",
				hex::encode(&id[..6])
			),
		}
	}
	Ok(key)
}
