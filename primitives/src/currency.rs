//! The two tokens of POP Network and the amounts the protocol fixes in them.
//!
//! **POP** is the native token: it is staked to secure the chain, bonded by masternodes and used
//! to vote. **LIT** is the operational unit for payments and nanopayments, minted only by burning
//! POP at a rate set by governance. Both are counted as [`crate::Balance`] in their smallest unit.

use crate::Balance;

/// Ticker of the native token.
pub const POP_SYMBOL: &str = "POP";
/// Decimal places of POP: one POP is 10^12 of its smallest unit (a "plank").
pub const POP_DECIMALS: u8 = 12;
/// One POP in its smallest unit.
pub const POP: Balance = 10u128.pow(POP_DECIMALS as u32);
/// One thousandth of a POP.
pub const MILLI_POP: Balance = POP / 1_000;
/// One millionth of a POP.
pub const MICRO_POP: Balance = POP / 1_000_000;

/// Ticker of the operational token.
pub const LIT_SYMBOL: &str = "LIT";
/// Decimal places of LIT. Nine places make a billionth of a LIT (a "nano-LIT") the smallest
/// payment, so that paying for one segment of media costs a whole number of units.
pub const LIT_DECIMALS: u8 = 9;
/// One LIT in its smallest unit.
pub const LIT: Balance = 10u128.pow(LIT_DECIMALS as u32);
/// One thousandth of a LIT.
pub const MILLI_LIT: Balance = LIT / 1_000;
/// One billionth of a LIT: the smallest nanopayment.
pub const NANO_LIT: Balance = 1;

/// The least POP an account must hold to exist (POP's existential deposit).
pub const EXISTENTIAL_DEPOSIT: Balance = MILLI_POP;

/// The least LIT an account must hold to exist through LIT alone: a millionth of a LIT, so that
/// an account funded only by nanopayments stays alive.
pub const LIT_EXISTENTIAL_DEPOSIT: Balance = LIT / 1_000_000;

/// The default bond of a masternode: 50,000 POP. Governance can change the amount in force;
/// this is the value a new network starts with.
pub const MASTERNODE_BOND: Balance = 50_000 * POP;

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn units_are_consistent() {
		assert_eq!(POP, 1_000_000_000_000);
		assert_eq!(MILLI_POP * 1_000, POP);
		assert_eq!(MICRO_POP * 1_000_000, POP);
		assert_eq!(LIT, 1_000_000_000);
		assert_eq!(NANO_LIT * 1_000_000_000, LIT);
		assert_eq!(MASTERNODE_BOND / POP, 50_000);
		const { assert!(EXISTENTIAL_DEPOSIT > 0 && EXISTENTIAL_DEPOSIT < POP) };
		assert_eq!(LIT_EXISTENTIAL_DEPOSIT, 1_000 * NANO_LIT);
	}
}
