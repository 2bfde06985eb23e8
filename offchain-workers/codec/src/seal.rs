//! Releasing a content key to the moderation set and no one else: the key is sealed to each
//! member's ed25519 moderation key (registered on chain), so only the holders of those keys can
//! open it — the superdelegates who must see the content to judge it.
//!
//! Each seal is an ephemeral X25519 exchange with the member's key mapped to its Montgomery
//! form (the same map libsodium's `crypto_sign_ed25519_pk_to_curve25519` uses; the member's
//! X25519 secret is the lower half of its expanded ed25519 secret), a BLAKE3 key derivation over
//! the shared secret, both public points, the content id and the era, and ChaCha20-Poly1305 over
//! the 32-byte content key. 80 bytes per member. Written here rather than taken from a sealed-box
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

const KDF_CONTEXT: &str = "pop-network 2026 content key seal v1";

pub use pop_primitives::content::SealedKey;

/// Why a seal could not be made or opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SealError {
	/// The member's key is not a valid ed25519 point.
	BadMemberKey,
	/// The seal was not made for this key, content and era, or was altered.
	DoesNotOpen,
}

impl core::fmt::Display for SealError {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		match self {
			SealError::BadMemberKey => {
				write!(f, "the member's moderation key is not a valid ed25519 key")
			}
			SealError::DoesNotOpen => write!(
				f,
				"the sealed content key does not open with this key for this content and era"
			),
		}
	}
}

impl std::error::Error for SealError {}

fn montgomery(member: &[u8; 32]) -> Result<MontgomeryPoint, SealError> {
	Ok(CompressedEdwardsY(*member).decompress().ok_or(SealError::BadMemberKey)?.to_montgomery())
}

fn wrap_key(
	shared: &MontgomeryPoint,
	seal: &SealedKey,
	content: &ContentId,
	era: u32,
) -> ChaCha20Poly1305 {
	let mut kdf = blake3::Hasher::new_derive_key(KDF_CONTEXT);
	kdf.update(shared.as_bytes());
	kdf.update(&seal.ephemeral);
	kdf.update(&seal.member);
	kdf.update(content);
	kdf.update(&era.to_le_bytes());
	ChaCha20Poly1305::new(kdf.finalize().as_bytes().into())
}

/// Seals `key` of `content` to `member` for `era`. `ephemeral_secret` must be 32 fresh random
/// bytes, used once.
pub fn seal(
	key: &ContentKey,
	content: &ContentId,
	era: u32,
	member: &[u8; 32],
	ephemeral_secret: [u8; 32],
) -> Result<SealedKey, SealError> {
	let shared = montgomery(member)?.mul_clamped(ephemeral_secret);
	let mut sealed = SealedKey {
		member: *member,
		ephemeral: MontgomeryPoint::mul_base_clamped(ephemeral_secret).to_bytes(),
		ciphertext: [0; 48],
	};
	let aead = wrap_key(&shared, &sealed, content, era);
	// The wrapping key is fresh for every ephemeral secret, so a fixed nonce is safe.
	let out = aead
		.encrypt(Nonce::from_slice(&[0; 12]), Payload { msg: &key.0, aad: content })
		.expect("in-memory encryption does not fail");
	sealed.ciphertext.copy_from_slice(&out);
	Ok(sealed)
}

/// Opens `sealed` with the member's ed25519 secret seed (the 32 bytes its moderation key pair
/// is made from).
pub fn open(
	sealed: &SealedKey,
	content: &ContentId,
	era: u32,
	member_seed: &[u8; 32],
) -> Result<ContentKey, SealError> {
	let expanded = Sha512::digest(member_seed);
	let mut scalar = [0u8; 32];
	scalar.copy_from_slice(&expanded[..32]);
	let shared = MontgomeryPoint(sealed.ephemeral).mul_clamped(scalar);
	let aead = wrap_key(&shared, sealed, content, era);
	let key = aead
		.decrypt(Nonce::from_slice(&[0; 12]), Payload { msg: &sealed.ciphertext, aad: content })
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

	fn member(i: u8) -> (sp_core::ed25519::Pair, [u8; 32]) {
		let seed = [i; 32];
		(sp_core::ed25519::Pair::from_seed(&seed), seed)
	}

	#[test]
	fn only_the_member_opens_it_for_that_content_and_era() {
		let key = ContentKey([42; 32]);
		let content = [7u8; 32];
		let (alice, alice_seed) = member(1);
		let (_, bob_seed) = member(2);
		let sealed = seal(&key, &content, 5, &alice.public().0, [9; 32]).unwrap();
		assert_eq!(sealed.encode().len(), 32 + 32 + 48);
		assert_eq!(open(&sealed, &content, 5, &alice_seed).unwrap(), key);
		// Another member's secret, another content, another era: nothing.
		assert_eq!(open(&sealed, &content, 5, &bob_seed), Err(SealError::DoesNotOpen));
		assert_eq!(open(&sealed, &[8; 32], 5, &alice_seed), Err(SealError::DoesNotOpen));
		assert_eq!(open(&sealed, &content, 6, &alice_seed), Err(SealError::DoesNotOpen));
		// A flipped bit anywhere, or a seal re-addressed to another member.
		for i in 0..48 {
			let mut bad = sealed.clone();
			bad.ciphertext[i] ^= 1;
			assert_eq!(open(&bad, &content, 5, &alice_seed), Err(SealError::DoesNotOpen));
		}
		let mut bad = sealed.clone();
		bad.ephemeral[0] ^= 1;
		assert_eq!(open(&bad, &content, 5, &alice_seed), Err(SealError::DoesNotOpen));
		// Fresh ephemeral secrets give unrelated seals of the same key.
		let again = seal(&key, &content, 5, &alice.public().0, [10; 32]).unwrap();
		assert_ne!(again.ciphertext, sealed.ciphertext);
		assert_eq!(open(&again, &content, 5, &alice_seed).unwrap(), key);
	}

	#[test]
	fn a_key_that_is_not_a_point_is_refused() {
		// y = 2 is not on the curve.
		let mut bogus = [0u8; 32];
		bogus[0] = 2;
		assert_eq!(
			seal(&ContentKey([1; 32]), &[0; 32], 1, &bogus, [3; 32]),
			Err(SealError::BadMemberKey)
		);
	}
}
