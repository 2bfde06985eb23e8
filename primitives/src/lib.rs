//! Types and constants shared by every part of POP Network.
//!
//! The runtime, the node, the sidecars (`pop-masternode`, `pop-superdelegate`), the `pop` CLI and
//! the web app all speak of accounts, balances and blocks in the same terms; they take them from
//! here so that a change is made once. The crate is `no_std` so that the runtime can use it.

#![cfg_attr(not(feature = "std"), no_std)]

pub mod codeword;
pub mod content;
pub mod currency;
pub mod network;
pub mod params;
pub mod placement;
pub mod time;
pub mod voucher;

use sp_runtime::{
	generic,
	traits::{BlakeTwo256, IdentifyAccount, Verify},
	MultiAddress, MultiSignature, OpaqueExtrinsic,
};

/// A signature as wallets produce it: sr25519, ed25519 or ecdsa.
pub type Signature = MultiSignature;

/// The key that signs for an account.
pub type AccountPublic = <Signature as Verify>::Signer;

/// An account on the chain: a 32-byte public key (or the hash of an ecdsa one).
pub type AccountId = <AccountPublic as IdentifyAccount>::AccountId;

/// How an extrinsic names an account; the same shape polkadot-js uses for every chain.
pub type Address = MultiAddress<AccountId, ()>;

/// An amount of POP or of LIT, in the token's smallest unit.
pub type Balance = u128;

/// A block number. At 6 s a block it lasts for 800 years.
pub type BlockNumber = u32;

/// The number of transactions an account has sent.
pub type Nonce = u32;

/// A hash of a block, of a piece of content or of anything else on chain.
pub type Hash = sp_core::H256;

/// The hashing algorithm of blocks and of the state trie.
pub type Hashing = BlakeTwo256;

/// A block header.
pub type Header = generic::Header<BlockNumber, Hashing>;

/// A block whose extrinsics are kept opaque: what the node handles without knowing the runtime.
pub type OpaqueBlock = generic::Block<Header, OpaqueExtrinsic>;

/// The SS58 address format of POP Network accounts (the generic Substrate prefix, which every
/// wallet already understands; a public network registers its own before launch).
pub const SS58_PREFIX: u16 = 42;
