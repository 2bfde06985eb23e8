//! Releasing a content key to the moderation set and no one else: the key is sealed to each
//! member's ed25519 moderation key (registered on chain), so only the holders of those keys can
//! open it — the superdelegates who must see the content to judge it.
//!
//! Each seal is an ephemeral X25519 exchange with the member's key mapped to its Montgomery
//! form (the same map libsodium's `crypto_sign_ed25519_pk_to_curve25519` uses; the member's
//! X25519 secret is the lower half of its expanded ed25519 secret), a BLAKE3 key derivation over
//! the shared secret, both public points, the chain's genesis hash, the content id and the era,
//! and ChaCha20-Poly1305 over the 32-byte content key. 112 bytes per member.
//!
//! A low-order point (a member key or an ephemeral point in the small subgroup) would make the
//! shared secret the all-zero point, which anyone can compute: such keys are refused when
//! sealing, and a seal whose exchange gives the all-zero secret is refused when opening. The
//! genesis hash keeps a seal made for one chain from opening for another (a test network's
//! seal replayed on the main chain). Written here rather than taken from a sealed-box
//! crate because the recipients' keys are the chain's ed25519 moderation keys and the seal must
//! build for wasm32 too; it is three well-kept primitives (`curve25519-dalek`, BLAKE3,
//! ChaCha20-Poly1305) put together.

use crate::ContentKey;
use chacha20poly1305::{
	aead::{Aead, KeyInit, Payload},
	ChaCha20Poly1305, Nonce,
};
use curve25519_dalek::{edwards::CompressedEdwardsY, montgomery::MontgomeryPoint};
use pop_primitives::content::ContentId;
use sha2::{Digest, Sha512};

const KDF_CONTEXT: &str = "pop-network 2026 content key seal v2";

pub use pop_primitives::content::SealedKey;

/// Why a seal could not be made or opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SealError {
	/// The member's key is not a valid ed25519 point.
	BadMemberKey,
	/// The member's key is a low-order point: anyone could open a seal made to it.
	LowOrderMemberKey,
	/// The seal's ephemeral point is of low order: the exchange gives a secret anyone knows.
	LowOrderPoint,
	/// The seal was not made for this key, content and era, or was altered.
	DoesNotOpen,
}

impl core::fmt::Display for SealError {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		match self {
			SealError::BadMemberKey => {
				write!(f, "the member's moderation key is not a valid ed25519 key")
			}
			SealError::LowOrderMemberKey => write!(
				f,
				"the member's moderation key is a low-order point, to which nothing may be sealed"
			),
			SealError::LowOrderPoint => {
				write!(f, "the seal's ephemeral point is of low order: its secret would be public")
			}
			SealError::DoesNotOpen => write!(
				f,
				"the sealed content key does not open with this key for this content and era"
			),
		}
	}
}

impl std::error::Error for SealError {}

/// What a seal is bound to: the chain (its genesis hash), the content and the era whose
/// moderation set it is released to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SealContext<'a> {
	/// The chain's genesis hash.
	pub genesis: &'a [u8; 32],
	/// The content whose key is sealed.
	pub content: &'a ContentId,
	/// The era of the moderation set.
	pub era: u32,
}

fn montgomery(member: &[u8; 32]) -> Result<MontgomeryPoint, SealError> {
	let point = CompressedEdwardsY(*member).decompress().ok_or(SealError::BadMemberKey)?;
	if point.is_small_order() {
		return Err(SealError::LowOrderMemberKey);
	}
	Ok(point.to_montgomery())
}

/// Refuses the all-zero secret a low-order point gives (with clamped scalars, every point of
/// the small subgroups, on the curve or its twist, ends there).
fn nonzero(shared: MontgomeryPoint) -> Result<MontgomeryPoint, SealError> {
	if shared.as_bytes().iter().all(|b| *b == 0) {
		return Err(SealError::LowOrderPoint);
	}
	Ok(shared)
}

fn wrap_key(shared: &MontgomeryPoint, seal: &SealedKey, at: &SealContext) -> ChaCha20Poly1305 {
	let mut kdf = blake3::Hasher::new_derive_key(KDF_CONTEXT);
	kdf.update(shared.as_bytes());
	kdf.update(&seal.ephemeral);
	kdf.update(&seal.member);
	kdf.update(at.genesis);
	kdf.update(at.content);
	kdf.update(&at.era.to_le_bytes());
	ChaCha20Poly1305::new(kdf.finalize().as_bytes().into())
}

/// Seals `key` to `member` for the content, era and chain of `at`. `ephemeral_secret` must be
/// 32 fresh random bytes, used once.
pub fn seal(
	key: &ContentKey,
	at: &SealContext,
	member: &[u8; 32],
	ephemeral_secret: [u8; 32],
) -> Result<SealedKey, SealError> {
	let shared = nonzero(montgomery(member)?.mul_clamped(ephemeral_secret))?;
	let content = at.content;
	let mut sealed = SealedKey {
		member: *member,
		ephemeral: MontgomeryPoint::mul_base_clamped(ephemeral_secret).to_bytes(),
		ciphertext: [0; 48],
	};
	let aead = wrap_key(&shared, &sealed, at);
	// The wrapping key is fresh for every ephemeral secret, so a fixed nonce is safe.
	let out = aead
		.encrypt(Nonce::from_slice(&[0; 12]), Payload { msg: &key.0, aad: content })
		.expect("in-memory encryption does not fail");
	sealed.ciphertext.copy_from_slice(&out);
	Ok(sealed)
}

/// Opens `sealed`, made for the content, era and chain of `at`, with the member's ed25519 secret
/// seed (the 32 bytes its moderation key pair is made from).
pub fn open(
	sealed: &SealedKey,
	at: &SealContext,
	member_seed: &[u8; 32],
) -> Result<ContentKey, SealError> {
	let expanded = Sha512::digest(member_seed);
	let mut scalar = [0u8; 32];
	scalar.copy_from_slice(&expanded[..32]);
	let shared = nonzero(MontgomeryPoint(sealed.ephemeral).mul_clamped(scalar))?;
	let aead = wrap_key(&shared, sealed, at);
	let key = aead
		.decrypt(Nonce::from_slice(&[0; 12]), Payload { msg: &sealed.ciphertext, aad: at.content })
		.map_err(|_| SealError::DoesNotOpen)?;
	let mut out = [0u8; 32];
	out.copy_from_slice(&key);
	Ok(ContentKey(out))
}

#[cfg(test)]
mod tests {
	use super::*;
	use codec::Encode;
	use sp_core::Pair;

	const GENESIS: [u8; 32] = [0x60; 32];

	fn member(i: u8) -> (sp_core::ed25519::Pair, [u8; 32]) {
		let seed = [i; 32];
		(sp_core::ed25519::Pair::from_seed(&seed), seed)
	}

	fn at(content: &ContentId, era: u32) -> SealContext<'_> {
		SealContext { genesis: &GENESIS, content, era }
	}

	/// The eight points of the small subgroup of edwards25519, as keys (libsodium's list of
	/// blocked keys, canonical encodings); each is checked to be of small order below.
	fn low_order_keys() -> Vec<[u8; 32]> {
		let hex_keys = [
			"0100000000000000000000000000000000000000000000000000000000000000",
			"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
			"0000000000000000000000000000000000000000000000000000000000000000",
			"0000000000000000000000000000000000000000000000000000000000000080",
			"26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
			"26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
			"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
			"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
		];
		hex_keys
			.iter()
			.map(|h| {
				let key: [u8; 32] = hex::decode(h).unwrap().try_into().unwrap();
				let point = CompressedEdwardsY(key).decompress().expect("a curve point");
				assert!(point.is_small_order(), "{h} is of small order");
				key
			})
			.collect()
	}

	/// What anyone can compute for a seal whose exchange ends in the all-zero point.
	fn open_without_any_secret(sealed: &SealedKey, at: &SealContext) -> Option<ContentKey> {
		let aead = wrap_key(&MontgomeryPoint([0; 32]), sealed, at);
		let key = aead
			.decrypt(
				Nonce::from_slice(&[0; 12]),
				Payload { msg: &sealed.ciphertext, aad: at.content },
			)
			.ok()?;
		Some(ContentKey(key.try_into().ok()?))
	}

	#[test]
	fn only_the_member_opens_it_for_that_content_era_and_chain() {
		let key = ContentKey([42; 32]);
		let content = [7u8; 32];
		let (alice, alice_seed) = member(1);
		let (_, bob_seed) = member(2);
		let sealed = seal(&key, &at(&content, 5), &alice.public().0, [9; 32]).unwrap();
		assert_eq!(sealed.encode().len(), 32 + 32 + 48);
		assert_eq!(open(&sealed, &at(&content, 5), &alice_seed).unwrap(), key);
		// Another member's secret, another content, another era, another chain: nothing.
		assert_eq!(open(&sealed, &at(&content, 5), &bob_seed), Err(SealError::DoesNotOpen));
		assert_eq!(open(&sealed, &at(&[8; 32], 5), &alice_seed), Err(SealError::DoesNotOpen));
		assert_eq!(open(&sealed, &at(&content, 6), &alice_seed), Err(SealError::DoesNotOpen));
		let other_chain = SealContext { genesis: &[0x61; 32], content: &content, era: 5 };
		assert_eq!(open(&sealed, &other_chain, &alice_seed), Err(SealError::DoesNotOpen));
		// A flipped bit anywhere, or a seal re-addressed to another member.
		for i in 0..48 {
			let mut bad = sealed.clone();
			bad.ciphertext[i] ^= 1;
			assert_eq!(open(&bad, &at(&content, 5), &alice_seed), Err(SealError::DoesNotOpen));
		}
		let mut bad = sealed.clone();
		bad.ephemeral[0] ^= 1;
		assert_eq!(open(&bad, &at(&content, 5), &alice_seed), Err(SealError::DoesNotOpen));
		// Fresh ephemeral secrets give unrelated seals of the same key.
		let again = seal(&key, &at(&content, 5), &alice.public().0, [10; 32]).unwrap();
		assert_ne!(again.ciphertext, sealed.ciphertext);
		assert_eq!(open(&again, &at(&content, 5), &alice_seed).unwrap(), key);
		// No one without the secret opens an honest seal.
		assert_eq!(open_without_any_secret(&sealed, &at(&content, 5)), None);
	}

	#[test]
	fn a_low_order_member_key_is_refused_since_anyone_could_open_its_seal() {
		let key = ContentKey([42; 32]);
		let content = [7u8; 32];
		for member in low_order_keys() {
			// The attack: a superdelegate registers a low-order key; the creator's seal to it
			// would then open with a secret everyone knows. Built the way an unchecked sealer
			// would, the seal opens without any secret.
			let ephemeral_secret = [9u8; 32];
			let mut unchecked = SealedKey {
				member,
				ephemeral: MontgomeryPoint::mul_base_clamped(ephemeral_secret).to_bytes(),
				ciphertext: [0; 48],
			};
			let shared = CompressedEdwardsY(member)
				.decompress()
				.unwrap()
				.to_montgomery()
				.mul_clamped(ephemeral_secret);
			let aead = wrap_key(&shared, &unchecked, &at(&content, 5));
			let out = aead
				.encrypt(Nonce::from_slice(&[0; 12]), Payload { msg: &key.0, aad: &content })
				.unwrap();
			unchecked.ciphertext.copy_from_slice(&out);
			assert_eq!(open_without_any_secret(&unchecked, &at(&content, 5)), Some(key.clone()));
			// The sealer refuses such a key.
			assert_eq!(
				seal(&key, &at(&content, 5), &member, ephemeral_secret),
				Err(SealError::LowOrderMemberKey),
				"{}",
				hex::encode(member)
			);
		}
	}

	#[test]
	fn a_seal_with_a_low_order_ephemeral_point_does_not_open() {
		let key = ContentKey([42; 32]);
		let content = [7u8; 32];
		let (alice, alice_seed) = member(1);
		// Low-order u-coordinates of curve25519 and its twist (0, 1, and the two of order 8).
		let points = [
			"0000000000000000000000000000000000000000000000000000000000000000",
			"0100000000000000000000000000000000000000000000000000000000000000",
			"e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
			"5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
		];
		for point in points {
			// Whoever made it made it with the all-zero secret, which anyone can compute.
			let mut sealed = SealedKey {
				member: alice.public().0,
				ephemeral: hex::decode(point).unwrap().try_into().unwrap(),
				ciphertext: [0; 48],
			};
			let aead = wrap_key(&MontgomeryPoint([0; 32]), &sealed, &at(&content, 5));
			let out = aead
				.encrypt(Nonce::from_slice(&[0; 12]), Payload { msg: &key.0, aad: &content })
				.unwrap();
			sealed.ciphertext.copy_from_slice(&out);
			assert_eq!(
				open(&sealed, &at(&content, 5), &alice_seed),
				Err(SealError::LowOrderPoint),
				"{point}"
			);
		}
	}

	#[test]
	fn a_key_that_is_not_a_point_is_refused() {
		// y = 2 is not on the curve.
		let mut bogus = [0u8; 32];
		bogus[0] = 2;
		assert_eq!(
			seal(&ContentKey([1; 32]), &at(&[0; 32], 1), &bogus, [3; 32]),
			Err(SealError::BadMemberKey)
		);
	}
}
