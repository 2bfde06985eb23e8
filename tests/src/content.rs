//! Content helpers: transactions with the next nonce, and moderation certificates signed with
//! the dev chain's moderation keys.

use crate::{
	chain::{runtime_call, signed_extrinsic, submit, wait_event, ChainContext},
	Node,
};
use frame_support::BoundedVec;
use pop_primitives::{
	content::{ContentId, MemberScore, Verdict, VerdictStatement},
	AccountId,
};
use pop_runtime::{RuntimeCall, RuntimeEvent};
use serde_json::json;
use sp_core::Pair;
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(120);

/// `who`'s next nonce, counting its transactions in the pool.
pub fn nonce(node: &Node, who: &AccountId) -> u32 {
	node.call("system_accountNextIndex", json!([who.to_string()])).as_u64().expect("a nonce") as u32
}

/// Signs `call` as `who` with its next nonce and submits it; panics if the pool refuses it.
pub fn send(node: &Node, ctx: &ChainContext, who: Sr25519Keyring, call: RuntimeCall) {
	let xt = signed_extrinsic(ctx, call, who, nonce(node, &who.to_account_id()));
	submit(node, &xt).unwrap_or_else(|e| panic!("the pool accepts {who:?}'s transaction: {e}"));
}

/// The dev chain's moderation set, in genesis order (quorum 3).
pub const DEV_MODERATORS: [Ed25519Keyring; 4] =
	[Ed25519Keyring::Alice, Ed25519Keyring::Bob, Ed25519Keyring::Charlie, Ed25519Keyring::Dave];

/// A certificate approving `content` in `era`, signed by `keys` over `signed_era` on the chain
/// whose genesis hash is `genesis`.
pub fn approval(
	genesis: [u8; 32],
	content: ContentId,
	era: u32,
	keys: &[Ed25519Keyring],
	signed_era: u32,
) -> RuntimeCall {
	certificate(genesis, content, Verdict::Approve, era, keys, signed_era)
}

/// A certificate of `verdict` on `content` in `era`, signed by `keys` over `signed_era` on the
/// chain whose genesis hash is `genesis`.
pub fn certificate(
	genesis: [u8; 32],
	content: ContentId,
	verdict: Verdict,
	era: u32,
	keys: &[Ed25519Keyring],
	signed_era: u32,
) -> RuntimeCall {
	let model_hash = [7; 32];
	// Each signer's vote, as a set that ran no classifier (policy alone) reports it.
	let scores: Vec<MemberScore> =
		keys.iter().map(|k| MemberScore { member: k.public().0, score: None }).collect();
	let statement =
		VerdictStatement { content, verdict, model_hash, era: signed_era, scores: scores.clone() };
	let payload = statement.signing_payload(&genesis);
	RuntimeCall::Content(pallet_content::Call::submit_verdict {
		content,
		verdict,
		model_hash,
		era,
		scores: BoundedVec::truncate_from(scores),
		signatures: BoundedVec::truncate_from(
			keys.iter().map(|k| (k.public().0, k.pair().sign(&payload).0)).collect(),
		),
	})
}

/// The current era, as the content runtime API reports it.
pub fn current_era(node: &Node) -> u32 {
	runtime_call::<(u32, Vec<(AccountId, pallet_sdpos::SuperdelegateInfo)>)>(
		node,
		"ContentApi_superdelegates",
		&(),
		None,
	)
	.0
}

/// Submits the certificate `make(era)` for the current era and waits for it to fail with
/// `expected` (or, with `None`, to publish the content). Eras are ten blocks on the dev chain: a
/// certificate that lands after the era turned fails with `WrongEra` and is signed again for the
/// new era. Returns the block where the outcome was seen.
pub fn certify(
	node: &Node,
	ctx: &ChainContext,
	mut from: u32,
	make: impl Fn(u32) -> RuntimeCall,
	expected: Option<pallet_content::Error<pop_runtime::Runtime>>,
) -> u32 {
	let expected: Option<sp_runtime::DispatchError> = expected.map(Into::into);
	let wrong_era: sp_runtime::DispatchError =
		pallet_content::Error::<pop_runtime::Runtime>::WrongEra.into();
	for _ in 0..3 {
		send(node, ctx, Sr25519Keyring::Ferdie, make(current_era(node)));
		let (outcome, at) =
			wait_event(node, from, TIMEOUT, "the certificate's outcome", |e| match e {
				RuntimeEvent::System(frame_system::Event::ExtrinsicFailed {
					dispatch_error,
					..
				}) => Some(Some(*dispatch_error)),
				RuntimeEvent::Content(pallet_content::Event::ContentPublished { .. }) => Some(None),
				_ => None,
			});
		from = at;
		if outcome == Some(wrong_era) && expected != Some(wrong_era) {
			continue;
		}
		assert_eq!(outcome, expected, "the certificate's outcome");
		return at;
	}
	panic!("three certificates in a row landed in the next era");
}

/// Publishes `content` with a quorum of the dev chain's moderation keys (Alice's, Bob's and
/// Charlie's ed25519 keys).
pub fn publish(node: &Node, ctx: &ChainContext, from: u32, content: ContentId) -> u32 {
	certify(
		node,
		ctx,
		from,
		|era| approval(ctx.genesis_hash.0, content, era, &DEV_MODERATORS[..3], era),
		None,
	)
}

/// Records the dev moderation set's `verdict` on `content` (signed again if the era turns on
/// the way); returns the block it was recorded in.
pub fn certify_verdict(
	node: &Node,
	ctx: &ChainContext,
	mut from: u32,
	content: ContentId,
	verdict: Verdict,
) -> u32 {
	let wrong_era: sp_runtime::DispatchError =
		pallet_content::Error::<pop_runtime::Runtime>::WrongEra.into();
	for _ in 0..3 {
		let era = current_era(node);
		let call =
			certificate(ctx.genesis_hash.0, content, verdict, era, &DEV_MODERATORS[..3], era);
		send(node, ctx, Sr25519Keyring::Ferdie, call);
		let (failed, at) =
			wait_event(node, from, TIMEOUT, "the certificate's outcome", |e| match e {
				RuntimeEvent::System(frame_system::Event::ExtrinsicFailed {
					dispatch_error,
					..
				}) => Some(Some(*dispatch_error)),
				RuntimeEvent::Content(pallet_content::Event::VerdictRecorded {
					content: c,
					..
				}) if *c == content => Some(None),
				_ => None,
			});
		from = at;
		match failed {
			None => return at,
			Some(e) if e == wrong_era => continue,
			Some(e) => panic!("the certificate failed: {e:?}"),
		}
	}
	panic!("three certificates in a row landed in the next era");
}
