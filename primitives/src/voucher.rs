//! Payment-channel vouchers: what a payer signs off chain, once per piece of media served, and
//! what the chain checks when the payee redeems the latest one.
//!
//! A voucher says "on the chain with this genesis, channel `channel` has paid its payee
//! `cumulative` LIT units in all". Each new voucher replaces the last, so the payee redeems only
//! the latest; thousands of payments cost one transaction. The chain's genesis hash in the signed
//! payload keeps a voucher from being replayed on another chain.
//!
//! Signing and verifying are plain functions so that the runtime, the sidecars, the CLI and the
//! web app (through wasm) use the same bytes.

use crate::{AccountId, Balance, Hash, Signature};
use codec::Encode;
use sp_runtime::traits::Verify;

/// Identifies a payment channel on chain.
pub type ChannelId = u64;

/// The domain tag that starts every voucher payload, so that a voucher signature can never be
/// mistaken for a signature over anything else.
pub const VOUCHER_DOMAIN: &[u8; 16] = b"pop/voucher/v1\0\0";

/// The bytes a payer signs: domain tag, genesis hash, channel id and cumulative amount, SCALE
/// encoded.
pub fn voucher_payload(genesis: &Hash, channel: ChannelId, cumulative: Balance) -> [u8; 72] {
	let mut out = [0u8; 72];
	let encoded = (VOUCHER_DOMAIN, genesis, channel, cumulative).encode();
	out.copy_from_slice(&encoded);
	out
}

/// Whether `signature` is `payer`'s signature of the voucher (`channel`, `cumulative`) on the
/// chain whose genesis is `genesis`.
pub fn verify_voucher(
	payer: &AccountId,
	genesis: &Hash,
	channel: ChannelId,
	cumulative: Balance,
	signature: &Signature,
) -> bool {
	signature.verify(&voucher_payload(genesis, channel, cumulative)[..], payer)
}

/// Signs the voucher (`channel`, `cumulative`) with an sr25519 key, as wallets and the CLI do.
#[cfg(feature = "std")]
pub fn sign_voucher(
	pair: &sp_core::sr25519::Pair,
	genesis: &Hash,
	channel: ChannelId,
	cumulative: Balance,
) -> Signature {
	use sp_core::Pair;
	pair.sign(&voucher_payload(genesis, channel, cumulative)).into()
}

#[cfg(test)]
mod tests {
	use super::*;
	use sp_core::{sr25519, Pair};

	#[test]
	fn a_voucher_verifies_only_for_its_signer_channel_amount_and_chain() {
		let payer = sr25519::Pair::from_seed(&[1; 32]);
		let other = sr25519::Pair::from_seed(&[2; 32]);
		let payer_id: AccountId = payer.public().into();
		let other_id: AccountId = other.public().into();
		let genesis = Hash::repeat_byte(7);
		let sig = sign_voucher(&payer, &genesis, 3, 1_000);
		assert!(verify_voucher(&payer_id, &genesis, 3, 1_000, &sig));
		assert!(!verify_voucher(&other_id, &genesis, 3, 1_000, &sig), "wrong signer");
		assert!(!verify_voucher(&payer_id, &genesis, 4, 1_000, &sig), "wrong channel");
		assert!(!verify_voucher(&payer_id, &genesis, 3, 1_001, &sig), "wrong amount");
		assert!(!verify_voucher(&payer_id, &Hash::zero(), 3, 1_000, &sig), "wrong chain");
	}

	#[test]
	fn the_payload_is_fixed_size_and_starts_with_the_domain() {
		let p = voucher_payload(&Hash::zero(), 1, 2);
		assert_eq!(&p[..16], VOUCHER_DOMAIN);
		assert_eq!(p.len(), 16 + 32 + 8 + 16);
	}
}
