//! Time on POP Network: the block (Aura slot) time and the lengths derived from it.

use crate::BlockNumber;

/// Milliseconds between blocks: one Aura slot.
pub const MILLISECS_PER_BLOCK: u64 = 6_000;

/// The Aura slot duration. Changing it after a chain has started halts block production.
pub const SLOT_DURATION: u64 = MILLISECS_PER_BLOCK;

/// The slot of development and local test chains (chosen in their genesis, `pallet-timing`):
/// eras, referenda and audits, counted in blocks, pass three times as fast as on a public chain.
pub const TEST_SLOT_DURATION: u64 = 2_000;

/// Blocks in a minute (of six-second blocks).
pub const MINUTES: BlockNumber = 60_000 / (MILLISECS_PER_BLOCK as BlockNumber);
/// Blocks in an hour.
pub const HOURS: BlockNumber = MINUTES * 60;
/// Blocks in a day.
pub const DAYS: BlockNumber = HOURS * 24;

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_day_of_six_second_blocks() {
		assert_eq!(MINUTES, 10);
		assert_eq!(DAYS, 14_400);
	}
}
