//! The chain's records as its runtime APIs answer them, named here so that off-chain code takes
//! them from this crate alone.

use pop_primitives::{AccountId, BlockNumber};

pub use pallet_content::{Assignment, KeyRelease, Status};

/// A content's record with every shard's hash and holder.
pub type Content = pallet_content::ContentView<AccountId, BlockNumber>;
/// An open storage audit: which chunk of which shard, and by when.
pub type Audit = pallet_content::Audit<AccountId, BlockNumber>;
/// A masternode's record.
pub type Masternode = pallet_masternodes::MasternodeInfo<BlockNumber>;
/// A superdelegate's record (moderation key, sidecar peer id and addresses).
pub type Superdelegate = pallet_sdpos::SuperdelegateInfo;
