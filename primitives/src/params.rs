//! The starting parameters of a public POP Network (design table "Starting parameters"). Test
//! chains shorten or shrink them; governance changes those that are parameters in the runtime.
//! The sidecars and clients read the same defaults from here.

use crate::{
	time::{DAYS, HOURS},
	BlockNumber,
};

/// Delegates elected each era to author and finalize blocks (EOS and Hive use 21).
pub const NUM_DELEGATES: u32 = 21;

/// Superdelegates in the moderation set: 3f + 1 with f = 2, so pBFT survives two faulty members.
pub const NUM_SUPERDELEGATES: u32 = 7;
/// Superdelegates on test networks: 3f + 1 with f = 1.
pub const NUM_SUPERDELEGATES_TEST: u32 = 4;

/// How long bonded POP stays locked after an unbond.
pub const UNBONDING_PERIOD: BlockNumber = 7 * DAYS;

/// How long the free fee quota takes to regenerate.
pub const FEE_QUOTA_WINDOW: BlockNumber = 24 * HOURS;

/// Erasure code of a public network: any `k` of `n` shards rebuild a segment.
pub const ERASURE_K: u16 = 10;
/// See [`ERASURE_K`].
pub const ERASURE_N: u16 = 30;
/// Erasure code of the test networks.
pub const ERASURE_K_TEST: u16 = 4;
/// See [`ERASURE_K_TEST`].
pub const ERASURE_N_TEST: u16 = 6;

/// Media per segment, in milliseconds, for on-demand media.
pub const SEGMENT_MILLIS: u32 = 4_000;
/// Media per segment, in milliseconds, for live streams.
pub const LIVE_SEGMENT_MILLIS: u32 = 2_000;

/// The identifier of a piece of content: the hash of its manifest.
pub type ContentId = crate::Hash;

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn pbft_sets_tolerate_faults_and_erasure_codes_are_sound() {
		for n in [NUM_SUPERDELEGATES, NUM_SUPERDELEGATES_TEST] {
			assert_eq!((n - 1) % 3, 0, "3f + 1 members");
		}
		const { assert!(ERASURE_K < ERASURE_N && ERASURE_K_TEST < ERASURE_N_TEST) };
		assert_eq!(UNBONDING_PERIOD, 7 * 14_400);
	}
}
