//! The chain's records as its runtime APIs answer them, named here so that off-chain code takes
//! them from this crate alone.

use pop_primitives::{AccountId, BlockNumber};

pub use pallet_content::{Assignment, KeyRelease, Packaging, Status};
pub use pop_primitives::content::PAGE_SEGMENTS;

/// A content's record with every shard's hash and holder.
pub type Content = pallet_content::ContentView<AccountId, BlockNumber>;
/// A content's open appeal and the moderation track's ruling.
pub type Review = pallet_content::Review<AccountId, BlockNumber>;
pub use pallet_content::{Ruler, MAX_REASON_LEN};
/// An open storage audit: which chunk of which shard, and by when.
pub type Audit = pallet_content::Audit<AccountId, BlockNumber>;
/// A masternode's record.
pub type Masternode = pallet_masternodes::MasternodeInfo<BlockNumber>;
/// A superdelegate's record (moderation key, sidecar peer id and addresses).
pub type Superdelegate = pallet_sdpos::SuperdelegateInfo;

pub use pallet_fees::{FeeEstimate, FeeSource};
pub use pop_primitives::currency::{LIT_DECIMALS, POP_DECIMALS};

/// `units` of a token with `decimals` decimals, in words without trailing zeros: `0.0125`.
pub fn amount(units: u128, decimals: u8) -> String {
	let one = 10u128.pow(decimals.into());
	let frac = format!("{:0width$}", units % one, width = decimals as usize);
	let frac = frac.trim_end_matches('0');
	if frac.is_empty() {
		format!("{}", units / one)
	} else {
		format!("{}.{frac}", units / one)
	}
}

/// A fee estimate in words: `0.000125 LIT`, `0.0125 POP from the free quota`.
pub fn describe_fee(e: &FeeEstimate) -> String {
	match e.source {
		FeeSource::Nothing => "no fee".into(),
		FeeSource::Quota => format!("{} POP from the free quota", amount(e.amount, POP_DECIMALS)),
		FeeSource::Lit => format!("{} LIT", amount(e.amount, LIT_DECIMALS)),
		FeeSource::Pop => format!("{} POP", amount(e.amount, POP_DECIMALS)),
		FeeSource::QuotaBlockFull => format!(
			"{} POP from the free quota, in a later block: this block's share for free \
			 transactions ({:.0}% of a block) is taken",
			amount(e.amount, POP_DECIMALS),
			100.0 * (1.0 - e.block_quota_left as f64 / e.block_quota.max(1) as f64)
		),
		FeeSource::CannotPay => format!(
			"{} POP, which neither the free quota nor the account's LIT or POP covers",
			amount(e.fee, POP_DECIMALS)
		),
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn estimate(source: FeeSource, amount: u128) -> FeeEstimate {
		FeeEstimate {
			source,
			fee: amount,
			amount,
			quota_left: 0,
			block_quota_left: 0,
			block_quota: 1,
		}
	}

	#[test]
	fn fees_read_in_their_asset() {
		assert_eq!(describe_fee(&estimate(FeeSource::Lit, 125_000)), "0.000125 LIT");
		assert_eq!(describe_fee(&estimate(FeeSource::Pop, 2_000_000_000_000)), "2 POP");
		assert_eq!(
			describe_fee(&estimate(FeeSource::Quota, 12_500_000_000)),
			"0.0125 POP from the free quota"
		);
		assert_eq!(describe_fee(&estimate(FeeSource::Nothing, 0)), "no fee");
		assert!(describe_fee(&estimate(FeeSource::CannotPay, 1)).contains("neither"));
	}
}
